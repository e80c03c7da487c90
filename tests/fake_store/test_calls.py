"""store.calls: what was called, with which arguments, and how it ended."""

from __future__ import annotations

import asyncio

import pytest

from fake_store import Call, FakeStore
from harness import ConversationNotFound, HarnessError, MessageStore


def test_every_call_is_recorded_with_its_arguments_and_outcome() -> None:
    store = FakeStore()

    async def scenario() -> None:
        await store.create_conversation("c", title="t")
        reserved = await store.reserve_message("c", "assistant", {"k": 1})
        await store.update_message_content(reserved.id, '"done"')
        with pytest.raises(ConversationNotFound):
            await store.add_message("nope", "user", "x")
        await store.get_message(reserved.id)
        await store.close()

    asyncio.run(scenario())
    assert store.calls.methods() == [
        "create_conversation",
        "reserve_message",
        "update_message_content",
        "add_message",
        "get_message",
        "close",
    ]
    create, reserve, update, add, get, close = store.calls
    assert create.args == {"conversation_id": "c", "title": "t"}
    assert create.result == "c" and create.ok and create.attempts == 1
    assert reserve.op == "reserve" and reserve.result.content == "[]"
    assert update.result is True and update.op == "update_content"
    assert isinstance(add.error, ConversationNotFound) and not add.ok and add.attempts == 1
    assert get.op is None and get.attempts == 0 and get.result.content == '"done"'
    assert [call.number for call in store.calls] == list(range(6))
    assert close == Call("close", {}, None, None, 0, 5)


def test_recorded_values_are_snapshots() -> None:
    store = FakeStore()
    metadata = {"k": [1]}

    async def scenario() -> None:
        await store.create_conversation("c")
        added = await store.add_message("c", "user", "x", metadata)
        assert added.metadata is not None
        added.metadata["k"].append("changed by caller")
        metadata["k"] = "changed too"

    asyncio.run(scenario())
    (add,) = store.calls.of("add")
    assert add.args["metadata"] == {"k": [1]}
    assert add.result.metadata == {"k": [1]}


def test_calls_after_close_are_recorded_as_errors() -> None:
    store = FakeStore()
    asyncio.run(store.close())
    with pytest.raises(HarnessError, match="FakeStore is closed"):
        asyncio.run(store.list_messages("c"))
    assert isinstance(store.calls.of("list_messages")[0].error, HarnessError)


def test_of_accepts_method_names_and_op_tags_and_refuses_others() -> None:
    store = FakeStore()
    asyncio.run(store.create_conversation("c"))
    assert store.calls.of("create_conversation") == list(store.calls)
    assert store.calls.of("update") == []
    with pytest.raises(ValueError, match=r"'add_mesage'.*add_message"):
        store.calls.of("add_mesage")


def test_assertion_helpers() -> None:
    store = FakeStore()

    async def scenario() -> None:
        await store.create_conversation("c")
        await store.add_message("c", "user", "one")
        await store.add_message("c", "user", "two")

    asyncio.run(scenario())
    assert store.calls.assert_called("add", content="two").args["content"] == "two"
    store.calls.assert_called_once("add_message", content="one")
    store.calls.assert_not_called("delete")
    store.calls.assert_not_called("add", content="three")
    with pytest.raises(AssertionError, match=r"Expected one call add_message\(role='user'\)"):
        store.calls.assert_called_once("add", role="user")
    with pytest.raises(AssertionError, match=r"Expected no call add_message\(\) but 2 matched"):
        store.calls.assert_not_called("add")
    with pytest.raises(AssertionError) as caught:
        store.calls.assert_called("reserve")
    assert "#1 add_message(conversation_id='c', role='user', content='one'" in str(caught.value)
    store.calls.clear()
    assert len(store.calls) == 0


def test_fake_store_is_a_message_store_and_retries_without_sleeping() -> None:
    store = FakeStore()
    assert isinstance(store, MessageStore)
    store.faults.fail("create_conversation", times=3)
    assert asyncio.run(store.create_conversation("c")) == "c"
    assert store.calls[0].attempts == 4
    assert "1 conversations" in repr(store)
