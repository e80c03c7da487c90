"""mockharness's reference persistence pipeline: store, CRUD module, middleware, module mocks."""

from __future__ import annotations

from harness._commits import report_commit
from harness._errors import (
    ConversationNotFound,
    HarnessError,
    MissingExportsError,
    PipelineError,
    PipelineTimeout,
    PluginError,
    StoreBusy,
    StrictCheckUnavailable,
)
from harness._mock_module import mock_module, set_strict_check
from harness._pipeline import PersistencePipeline, default_persistence_terminal
from harness._plugins import Plugin, PluginRegistry
from harness._retry import RetryPolicy
from harness._sqlite import SqliteStore
from harness._types import (
    Add,
    AddResult,
    Delete,
    DeleteResult,
    Message,
    MessageStore,
    PersistArgs,
    PersistResult,
    Reserve,
    ReserveResult,
    TurnContext,
    Update,
    UpdateContent,
    UpdateContentResult,
    UpdateResult,
)

__all__ = [
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
