"""Reservations whose stream died (no content) are dropped; everything else stays."""

from __future__ import annotations

import asyncio
import importlib
import sys
from types import SimpleNamespace
from unittest.mock import AsyncMock, Mock

CRUD_MODULE = "assistant.conversation_crud"


def crud_with(messages: list[SimpleNamespace]) -> Mock:
    """A CRUD module that serves ``messages`` and agrees to every delete."""
    crud = Mock(spec=["add_message", "get_messages", "delete_message"])
    crud.get_messages = AsyncMock(return_value=messages)
    crud.delete_message = AsyncMock(return_value=True)
    return crud


def test_only_empty_assistant_messages_are_dropped(monkeypatch) -> None:
    crud = crud_with(
        [
            SimpleNamespace(id="m-1", role="user", content=""),
            SimpleNamespace(id="m-2", role="assistant", content=""),
            SimpleNamespace(id="m-3", role="assistant", content="Done."),
        ]
    )
    monkeypatch.setitem(sys.modules, CRUD_MODULE, crud)
    monkeypatch.delitem(sys.modules, "assistant.history", raising=False)
    history = importlib.import_module("assistant.history")

    assert asyncio.run(history.drop_abandoned("c-1")) == ["m-2"]
    crud.delete_message.assert_awaited_once_with("m-2")
