"""Pruning keeps the newest messages and every system message."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Iterator
from types import SimpleNamespace
from unittest.mock import AsyncMock

import pytest


def message(id: str, role: str, content: str = "text") -> SimpleNamespace:
    return SimpleNamespace(id=id, role=role, content=content)


@pytest.fixture
def fake_crud() -> Iterator[SimpleNamespace]:
    fake = SimpleNamespace(
        get_messages=AsyncMock(
            return_value=[
                message("m-1", "system"),
                message("m-2", "user"),
                message("m-3", "assistant"),
                message("m-4", "user"),
                message("m-5", "assistant"),
            ]
        ),
        delete_message=AsyncMock(return_value=True),
    )
    sys.modules["assistant.conversation_crud"] = fake
    yield fake
    del sys.modules["assistant.conversation_crud"]  # the real one is imported again on demand


def test_prune_keeps_the_newest_and_the_system_prompt(fake_crud: SimpleNamespace) -> None:
    sys.modules.pop("assistant.history", None)
    history = importlib.import_module("assistant.history")

    assert asyncio.run(history.prune("c-1", keep=2)) == 2
    assert [c.args[0] for c in fake_crud.delete_message.await_args_list] == ["m-2", "m-3"]


def test_prune_refuses_a_negative_count(fake_crud: SimpleNamespace) -> None:
    sys.modules.pop("assistant.history", None)
    history = importlib.import_module("assistant.history")

    with pytest.raises(ValueError, match="got -1"):
        asyncio.run(history.prune("c-1", keep=-1))
    fake_crud.delete_message.assert_not_awaited()
