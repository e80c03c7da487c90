"""A small assistant: conversations, an agent loop and the background worker that persists it."""
