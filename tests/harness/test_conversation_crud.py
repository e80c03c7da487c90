"""conversation_crud: module functions act on the current, context-local store."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import pytest

from harness import SqliteStore, conversation_crud
from harness.conversation_crud import current_store, use_store

CRUD_FUNCTIONS = [
    "add_message",
    "create_conversation",
    "delete_message",
    "get_message",
    "list_messages",
    "reserve_message",
    "update_message_content",
    "update_message_metadata",
]


@pytest.mark.parametrize("name", CRUD_FUNCTIONS)
def test_functions_are_async_defs(name: str) -> None:
    # mock-audit stubs a name by its real binding: these must stay `async def`.
    assert inspect.iscoroutinefunction(getattr(conversation_crud, name))


def test_all_is_sorted_and_complete() -> None:
    assert conversation_crud.__all__ == sorted([*CRUD_FUNCTIONS, "current_store", "use_store"])


@pytest.mark.asyncio
async def test_functions_act_on_the_store_in_use(tmp_path: Path) -> None:
    first, second = SqliteStore(tmp_path / "1.db"), SqliteStore(tmp_path / "2.db")
    with use_store(first):
        cid = await conversation_crud.create_conversation("c")
        m = await conversation_crud.add_message(cid, "user", '"one"', {"a": 1})
        r = await conversation_crud.reserve_message(cid, "assistant")
        assert await conversation_crud.update_message_content(r.id, '"two"') is True
        assert await conversation_crud.update_message_metadata(r.id, {"b": 2}) is True
        with use_store(second) as inner:
            assert inner is second and current_store() is second
            assert await conversation_crud.list_messages(cid) == []
        assert current_store() is first
        assert await conversation_crud.get_message(m.id) == m
        assert [x.content for x in await conversation_crud.list_messages(cid)] == [
            '"one"',
            '"two"',
        ]
        assert await conversation_crud.delete_message(m.id) is True
    assert await first.get_message(m.id) is None
    assert [x.metadata for x in await first.list_messages(cid)] == [{"b": 2}]
    await first.close()
    await second.close()


@pytest.mark.asyncio
async def test_use_store_is_context_local(tmp_path: Path) -> None:
    stores = [SqliteStore(tmp_path / f"{i}.db") for i in range(3)]

    async def worker(store: SqliteStore) -> bool:
        with use_store(store):
            await asyncio.sleep(0.01)  # the others switch stores meanwhile
            return current_store() is store

    assert await asyncio.gather(*(worker(s) for s in stores)) == [True, True, True]
    for s in stores:
        await s.close()


@pytest.mark.asyncio
async def test_default_store_is_an_embedded_in_memory_sqlite_store() -> None:
    default = current_store()
    assert isinstance(default, SqliteStore) and default.path == ":memory:"
    assert current_store() is default  # one per process, not one per call
    cid = await conversation_crud.create_conversation()
    m = await conversation_crud.add_message(cid, "user", '"kept"')
    assert await default.get_message(m.id) == m


def test_default_store_is_recreated_after_close() -> None:
    default = current_store()
    assert isinstance(default, SqliteStore)
    default.close_sync()
    again = current_store()
    assert again is not default and not again.closed  # type: ignore[attr-defined]


def test_use_store_refuses_what_is_not_a_store() -> None:
    message = r"use_store\(\) needs a MessageStore.*got str: 'db'"
    with pytest.raises(TypeError, match=message), use_store("db"):  # type: ignore[type-var]
        pass
