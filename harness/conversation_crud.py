"""Module-level CRUD functions that act on the current store (context-local).

Code that persists messages imports these functions; tests swap the store with
``use_store(...)`` instead of replacing this module with a fake.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from harness._sqlite import SqliteStore
from harness._types import Message, MessageStore

__all__ = [
    "add_message",
    "create_conversation",
    "current_store",
    "delete_message",
    "get_message",
    "list_messages",
    "reserve_message",
    "update_message_content",
    "update_message_metadata",
    "use_store",
]

S = TypeVar("S", bound=MessageStore)

_current: ContextVar[MessageStore | None] = ContextVar("harness_current_store", default=None)
_default: SqliteStore | None = None
_default_lock = threading.Lock()


def _forget_default_in_child() -> None:
    # A forked child must not share the parent's SQLite connection.
    global _default
    _default = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_default_in_child)


def _default_store() -> SqliteStore:
    global _default
    with _default_lock:
        if _default is None or _default.closed:
            _default = SqliteStore()
        return _default


def current_store() -> MessageStore:
    """Return the store set by ``use_store``, else the embedded in-memory default."""
    store = _current.get()
    if store is None:
        store = _default
        if store is None or store.closed:
            store = _default_store()
    return store


@contextmanager
def use_store(store: S) -> Iterator[S]:
    """Make ``store`` current for the CRUD functions within this context."""
    if not isinstance(store, MessageStore):
        raise TypeError(
            f"use_store() needs a MessageStore (with the async CRUD methods), "
            f"got {type(store).__name__}: {store!r}."
        )
    token = _current.set(store)
    try:
        yield store
    finally:
        _current.reset(token)


async def create_conversation(
    conversation_id: str | None = None, *, title: str | None = None
) -> str:
    return await current_store().create_conversation(conversation_id, title=title)


async def add_message(
    conversation_id: str,
    role: str,
    content: str,
    metadata: Mapping[str, Any] | None = None,
    *,
    skip_indexing: bool = False,
) -> Message:
    return await current_store().add_message(
        conversation_id, role, content, metadata, skip_indexing=skip_indexing
    )


async def reserve_message(
    conversation_id: str, role: str, metadata: Mapping[str, Any] | None = None
) -> Message:
    return await current_store().reserve_message(conversation_id, role, metadata)


async def update_message_content(message_id: str, content: str) -> bool:
    return await current_store().update_message_content(message_id, content)


async def update_message_metadata(message_id: str, updates: Mapping[str, Any]) -> bool:
    return await current_store().update_message_metadata(message_id, updates)


async def delete_message(message_id: str) -> bool:
    return await current_store().delete_message(message_id)


async def get_message(message_id: str) -> Message | None:
    return await current_store().get_message(message_id)


async def list_messages(conversation_id: str) -> list[Message]:
    return await current_store().list_messages(conversation_id)
