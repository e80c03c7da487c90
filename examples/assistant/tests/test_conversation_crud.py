"""The real (in-memory) CRUD module: no fakes here."""

from __future__ import annotations

import asyncio

import pytest
from assistant import conversation_crud as crud


def test_reserved_message_gets_its_content_later() -> None:
    async def scenario() -> None:
        cid = await crud.create_conversation("story")
        await crud.add_message(cid, "user", "Tell me a story.")
        reserved = await crud.reserve_message(cid, "assistant", {"model": "small"})
        assert reserved.content == ""
        assert await crud.update_message_content(reserved.id, "Once upon a time.")
        messages = await crud.get_messages(cid)
        assert [(m.role, m.content) for m in messages] == [
            ("user", "Tell me a story."),
            ("assistant", "Once upon a time."),
        ]
        assert messages[1].id == reserved.id
        assert messages[1].metadata == {"model": "small"}

    asyncio.run(scenario())


def test_metadata_is_merged_and_unknown_ids_are_not_found() -> None:
    async def scenario() -> None:
        cid = await crud.create_conversation()
        message = await crud.add_message(cid, "assistant", "Hi.", {"model": "small"})
        assert await crud.update_message_metadata(message.id, {"feedback": 1})
        assert (await crud.get_messages(cid))[0].metadata == {"model": "small", "feedback": 1}
        assert not await crud.update_message_metadata("m-missing", {"feedback": 1})
        assert not await crud.update_message_content("m-missing", "x")
        assert await crud.delete_message(message.id)
        assert not await crud.delete_message(message.id)
        assert await crud.get_messages(cid) == []

    asyncio.run(scenario())


def test_returned_messages_are_copies() -> None:
    async def scenario() -> None:
        cid = await crud.create_conversation()
        message = await crud.add_message(cid, "user", "hello", {"tag": "a"})
        message.metadata["tag"] = "changed"
        assert (await crud.get_messages(cid))[0].metadata == {"tag": "a"}

    asyncio.run(scenario())


def test_unknown_conversation_and_role_are_refused() -> None:
    async def scenario() -> None:
        with pytest.raises(LookupError, match="There is no conversation 'c-nope'"):
            await crud.add_message("c-nope", "user", "hello")
        cid = await crud.create_conversation()
        with pytest.raises(ValueError, match="got 'robot'"):
            await crud.reserve_message(cid, "robot")

    asyncio.run(scenario())
