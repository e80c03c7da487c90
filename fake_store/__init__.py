"""mockharness in-memory fake store and pytest plugin."""
