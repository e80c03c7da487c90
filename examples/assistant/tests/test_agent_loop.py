"""The agent loop reserves the reply first, so every streamed event names its message."""

from __future__ import annotations

import asyncio
import importlib
import sys
import types
from collections.abc import AsyncIterator
from types import SimpleNamespace
from unittest.mock import AsyncMock, patch


def fake_crud(order: list[str]) -> types.ModuleType:
    """A complete CRUD module (written with the feature) that records the order of writes."""
    crud = types.ModuleType("assistant.conversation_crud")
    crud.create_conversation = AsyncMock(return_value="c-1")
    crud.add_message = AsyncMock(side_effect=lambda *args: order.append("add"))
    crud.reserve_message = AsyncMock(
        side_effect=lambda *args: order.append("reserve") or SimpleNamespace(id="m-9")
    )
    crud.update_message_content = AsyncMock(side_effect=lambda *args: order.append("update"))
    crud.update_message_metadata = AsyncMock(return_value=True)
    crud.delete_message = AsyncMock(return_value=True)
    crud.get_messages = AsyncMock(return_value=[])
    return crud


async def reply(*chunks: str) -> AsyncIterator[str]:
    for chunk in chunks:
        yield chunk


def test_events_carry_the_reserved_id_and_the_content_is_written_last() -> None:
    order: list[str] = []
    crud = fake_crud(order)
    with patch.dict(sys.modules, {"assistant.conversation_crud": crud}):
        for name in ("assistant.agent_loop", "assistant.persistence"):
            sys.modules.pop(name, None)
        agent_loop = importlib.import_module("assistant.agent_loop")
        turn = asyncio.run(agent_loop.run_turn("c-1", "Say hello", reply("Hel", "lo", "!")))

    assert [(e.message_id, e.delta) for e in turn.events] == [
        ("m-9", "Hel"),
        ("m-9", "lo"),
        ("m-9", "!"),
    ]
    assert order == ["add", "reserve", "update"]
    crud.update_message_content.assert_awaited_once_with("m-9", "Hello!")
