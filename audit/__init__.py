"""mock-audit: find module-mock factories that lack names, and fix them."""
