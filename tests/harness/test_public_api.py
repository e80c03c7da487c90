"""The curated public surface of harness."""

from __future__ import annotations

import harness

EXPECTED = [
    "Add",
    "AddResult",
    "ConversationNotFound",
    "Delete",
    "DeleteResult",
    "HarnessError",
    "Message",
    "MessageStore",
    "MissingExportsError",
    "PersistArgs",
    "PersistResult",
    "PersistencePipeline",
    "PipelineError",
    "PipelineTimeout",
    "Plugin",
    "PluginError",
    "PluginRegistry",
    "Reserve",
    "ReserveResult",
    "RetryPolicy",
    "SqliteStore",
    "StoreBusy",
    "StrictCheckUnavailable",
    "TurnContext",
    "Update",
    "UpdateContent",
    "UpdateContentResult",
    "UpdateResult",
    "default_persistence_terminal",
    "mock_module",
    "report_commit",
    "set_strict_check",
]


def test_all_is_exactly_the_expected_sorted_list() -> None:
    assert harness.__all__ == EXPECTED
    assert harness.__all__ == sorted(harness.__all__)


def test_every_name_is_importable() -> None:
    for name in harness.__all__:
        assert getattr(harness, name) is not None, name


def test_errors_share_one_root() -> None:
    for name in [
        "ConversationNotFound",
        "StoreBusy",
        "PipelineError",
        "PipelineTimeout",
        "PluginError",
        "MissingExportsError",
        "StrictCheckUnavailable",
    ]:
        assert issubclass(getattr(harness, name), harness.HarnessError), name
    assert issubclass(harness.PipelineTimeout, harness.PipelineError)


def test_sqlite_store_satisfies_the_protocol() -> None:
    store = harness.SqliteStore()
    assert isinstance(store, harness.MessageStore)
    store.close_sync()
