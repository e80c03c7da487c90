"""pytest plugin of mockharness: fixtures fake_store, sqlite_store, persistence_pipeline, mock_module."""
