"""SqliteStore on real files: schema, pragmas, the writes, reads, bad input, side effects."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from harness import ConversationNotFound, HarnessError, Message, SqliteStore
from harness._types import RESERVED_CONTENT
from tests.harness.conftest import dump


def test_schema_and_pragmas(db_path: Path, store: SqliteStore) -> None:
    conn = sqlite3.connect(db_path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"conversations", "messages"} <= tables
    fks = conn.execute("PRAGMA foreign_key_list(messages)").fetchall()
    assert [(fk[2], fk[3], fk[4], fk[6]) for fk in fks] == [
        ("conversations", "conversation_id", "id", "CASCADE")
    ]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    own = store._conn
    assert own is not None
    assert own.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert own.execute("PRAGMA busy_timeout").fetchone()[0] == 0
    assert own.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert own.isolation_level is None


def test_synchronous_is_applied_and_checked(tmp_path: Path) -> None:
    s = SqliteStore(tmp_path / "n.db", synchronous="NORMAL")
    assert s._conn is not None
    assert s._conn.execute("PRAGMA synchronous").fetchone()[0] == 1
    s.close_sync()
    with pytest.raises(ValueError, match=r"synchronous must be one of .*got 'FAST'"):
        SqliteStore(tmp_path / "x.db", synchronous="FAST")


@pytest.mark.asyncio
async def test_create_conversation_is_idempotent(store: SqliteStore, db_path: Path) -> None:
    cid = await store.create_conversation("c1", title="first")
    assert cid == "c1"
    assert await store.create_conversation("c1", title="second") == "c1"
    generated = await store.create_conversation()
    assert isinstance(generated, str) and generated != "c1"
    rows = sqlite3.connect(db_path).execute("SELECT id, title FROM conversations").fetchall()
    assert sorted(rows, key=lambda r: r[0] == generated) == [("c1", "first"), (generated, None)]


@pytest.mark.asyncio
async def test_add_round_trips_and_orders(store: SqliteStore) -> None:
    cid = await store.create_conversation()
    first = await store.add_message(cid, "user", '"hi"', {"pair": (1, 2), "n": None})
    second = await store.add_message(cid, "assistant", '"hello"')
    assert first.metadata == {"pair": [1, 2], "n": None}
    assert second.metadata is None
    assert second.created_at > first.created_at
    assert first.id != second.id
    assert await store.list_messages(cid) == [first, second]
    assert await store.get_message(first.id) == first
    assert await store.list_messages("no-such-conversation") == []
    assert await store.get_message("no-such-message") is None


@pytest.mark.asyncio
async def test_results_are_fresh_copies(store: SqliteStore) -> None:
    cid = await store.create_conversation()
    given = {"k": [1]}
    m = await store.add_message(cid, "user", "[]", given)
    given["k"].append(2)
    assert m.metadata is not None
    m.metadata["k"].append(3)
    assert (await store.get_message(m.id)) == Message(
        m.id, cid, "user", "[]", m.created_at, {"k": [1]}
    )


@pytest.mark.asyncio
async def test_created_at_keeps_increasing_after_reopen(db_path: Path) -> None:
    s = SqliteStore(db_path)
    cid = await s.create_conversation()
    last = await s.add_message(cid, "user", "1")
    await s.close()
    # Pretend the clock of the previous writer ran far ahead of ours.
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE messages SET created_at = ?", (last.created_at + 10**9,))
    conn.commit()
    conn.close()
    again = SqliteStore(db_path)
    new = await again.add_message(cid, "user", "2")
    assert new.created_at > last.created_at + 10**9
    assert [m.content for m in await again.list_messages(cid)] == ["1", "2"]
    await again.close()


@pytest.mark.asyncio
async def test_reserve_update_content_update_delete(store: SqliteStore) -> None:
    cid = await store.create_conversation()
    reserved = await store.reserve_message(cid, "assistant", {"turn": 1})
    assert (reserved.content, reserved.metadata) == (RESERVED_CONTENT, {"turn": 1})

    assert await store.update_message_content(reserved.id, '"final"') is True
    after = await store.get_message(reserved.id)
    assert after == Message(
        reserved.id, cid, "assistant", '"final"', reserved.created_at, {"turn": 1}
    )

    assert await store.update_message_metadata(reserved.id, {"turn": 2, "done": True}) is True
    merged = await store.get_message(reserved.id)
    assert merged is not None and merged.metadata == {"turn": 2, "done": True}

    plain = await store.add_message(cid, "user", "1")
    assert await store.update_message_metadata(plain.id, {"a": 1}) is True
    updated = await store.get_message(plain.id)
    assert updated is not None and updated.metadata == {"a": 1}

    assert await store.delete_message(reserved.id) is True
    assert await store.get_message(reserved.id) is None
    assert [m.id for m in await store.list_messages(cid)] == [plain.id]


@pytest.mark.asyncio
async def test_unknown_ids_are_not_errors(store: SqliteStore, db_path: Path) -> None:
    await store.create_conversation("c")
    before = dump(db_path)
    assert await store.update_message_content("nope", "1") is False
    assert await store.update_message_metadata("nope", {"a": 1}) is False
    assert await store.delete_message("nope") is False
    assert dump(db_path) == before


@pytest.mark.asyncio
async def test_deleting_a_conversation_cascades(store: SqliteStore, db_path: Path) -> None:
    cid = await store.create_conversation()
    await store.add_message(cid, "user", "1")
    assert store._conn is not None
    store._conn.execute("DELETE FROM conversations WHERE id = ?", (cid,))
    assert await store.list_messages(cid) == []


# --- bad input: its error, and the database unchanged ---------------------------------

BAD_CALLS: list[tuple[str, str, tuple[Any, ...], dict[str, Any], type[Exception], str]] = [
    ("add-unknown-conversation", "add_message", ("nope", "user", "1"), {},
     ConversationNotFound, r"Conversation 'nope' does not exist"),
    ("reserve-unknown-conversation", "reserve_message", ("nope", "assistant"), {},
     ConversationNotFound, r"Conversation 'nope' does not exist"),
    ("add-content-not-str", "add_message", ("{cid}", "user", 42), {},
     TypeError, r"content must be a str, got int: 42"),
    ("add-conversation-id-not-str", "add_message", (7, "user", "1"), {},
     TypeError, r"conversation_id must be a str, got int: 7"),
    ("add-metadata-not-mapping", "add_message", ("{cid}", "user", "1", ["a"]), {},
     TypeError, r"metadata must be a mapping or None, got list"),
    ("add-metadata-not-json", "add_message", ("{cid}", "user", "1", {"x": object()}), {},
     TypeError, r"metadata is not JSON-serialisable"),
    ("add-metadata-nan", "add_message", ("{cid}", "user", "1", {"x": float("nan")}), {},
     TypeError, r"metadata is not JSON-serialisable"),
    ("add-bad-role", "add_message", ("{cid}", "robot", "1"), {},
     ValueError, r"role must be one of assistant, system, tool, user; got 'robot'"),
    ("add-role-not-str", "add_message", ("{cid}", None, "1"), {},
     TypeError, r"role must be a str, got NoneType"),
    ("reserve-bad-role", "reserve_message", ("{cid}", "Assistant"), {},
     ValueError, r"got 'Assistant'"),
    ("reserve-metadata-not-json", "reserve_message", ("{cid}", "assistant", {"s": {1, 2}}), {},
     TypeError, r"metadata is not JSON-serialisable"),
    ("update-content-not-str", "update_message_content", ("{mid}", b"raw"), {},
     TypeError, r"content must be a str, got bytes"),
    ("update-content-id-not-str", "update_message_content", (None, "1"), {},
     TypeError, r"message_id must be a str, got NoneType"),
    ("update-updates-none", "update_message_metadata", ("{mid}", None), {},
     TypeError, r"updates must be a mapping, got NoneType"),
    ("update-updates-not-json", "update_message_metadata", ("{mid}", {"f": print}), {},
     TypeError, r"updates is not JSON-serialisable"),
    ("delete-id-not-str", "delete_message", (3,), {},
     TypeError, r"message_id must be a str, got int: 3"),
    ("create-id-not-str", "create_conversation", (5,), {},
     TypeError, r"conversation_id must be a str, got int: 5"),
    ("create-title-not-str", "create_conversation", ("c2",), {"title": 1},
     TypeError, r"title must be a str, got int: 1"),
    ("add-content-lone-surrogate", "add_message", ("{cid}", "user", "a\ud800"), {},
     ValueError, r"content must be text that UTF-8 can encode; .* lone surrogate"),
    ("update-content-lone-surrogate", "update_message_content", ("{mid}", "\udfff"), {},
     ValueError, r"content must be text that UTF-8 can encode"),
]  # fmt: skip


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("method", "args", "kwargs", "error", "message"),
    [pytest.param(*row[1:], id=row[0]) for row in BAD_CALLS],
)
async def test_bad_input_changes_nothing(
    store: SqliteStore,
    db_path: Path,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    cid = await store.create_conversation("c")
    mid = (await store.add_message(cid, "user", "1", {"keep": True})).id
    args = tuple(a.format(cid=cid, mid=mid) if isinstance(a, str) else a for a in args)
    before = dump(db_path)
    with pytest.raises(error, match=message):
        await getattr(store, method)(*args, **kwargs)
    assert dump(db_path) == before
    assert store._conn is not None and not store._conn.in_transaction


@pytest.mark.asyncio
async def test_closed_store_refuses_calls(db_path: Path) -> None:
    s = SqliteStore(db_path)
    cid = await s.create_conversation()
    await s.close()
    await s.close()  # twice is fine
    assert s.closed
    with pytest.raises(HarnessError, match=r"SqliteStore .* is closed"):
        await s.add_message(cid, "user", "1")
    with pytest.raises(HarnessError, match="is closed"):
        await s.get_message("x")
    with pytest.raises(HarnessError, match="is closed"):
        await s.delete_message("x")


# --- side effects ------------------------------------------------------------------


class Recorder:
    def __init__(self, fail: bool = False, is_async: bool = False) -> None:
        self.seen: list[str] = []
        self.fail = fail
        self.is_async = is_async

    def _record(self, message: Message) -> Any:
        self.seen.append(message.id)
        if self.fail:
            raise RuntimeError("hook exploded")
        return None

    def index(self, message: Message) -> Any:
        if self.is_async:
            return self._later(message)
        return self._record(message)

    project = index

    async def _later(self, message: Message) -> None:
        self._record(message)


@pytest.mark.asyncio
@pytest.mark.parametrize("is_async", [False, True], ids=["sync-hooks", "async-hooks"])
async def test_add_calls_indexer_and_projector(db_path: Path, is_async: bool) -> None:
    indexer, projector = Recorder(is_async=is_async), Recorder(is_async=is_async)
    s = SqliteStore(db_path, indexer=indexer, projector=projector)
    cid = await s.create_conversation()
    user = await s.add_message(cid, "user", "1")
    bot = await s.add_message(cid, "assistant", "2")
    quiet = await s.add_message(cid, "assistant", "3", skip_indexing=True)
    await s.reserve_message(cid, "assistant")
    await s.reserve_message(cid, "user")
    assert indexer.seen == [user.id, bot.id]
    assert projector.seen == [bot.id, quiet.id]
    await s.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("is_async", [False, True], ids=["sync-hooks", "async-hooks"])
async def test_hook_failures_are_logged_and_swallowed(
    db_path: Path, caplog: pytest.LogCaptureFixture, is_async: bool
) -> None:
    indexer = Recorder(fail=True, is_async=is_async)
    projector = Recorder(fail=True, is_async=is_async)
    s = SqliteStore(db_path, indexer=indexer, projector=projector)
    cid = await s.create_conversation()
    with caplog.at_level(logging.WARNING, logger="harness.store"):
        m = await s.add_message(cid, "assistant", "1")
    assert await s.get_message(m.id) == m
    assert indexer.seen == [m.id] and projector.seen == [m.id]
    records = [r for r in caplog.records if r.name == "harness.store"]
    assert [r.getMessage().split(" failed")[0] for r in records] == [
        "The indexer",
        "The projector",
    ]
    assert all(r.exc_info and "hook exploded" in str(r.exc_info[1]) for r in records)
    await s.close()


@pytest.mark.asyncio
async def test_a_non_foreign_key_integrity_error_is_not_disguised(
    store: SqliteStore, db_path: Path
) -> None:
    cid = await store.create_conversation()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "CREATE TRIGGER no_tools BEFORE INSERT ON messages WHEN NEW.role = 'tool' "
        "BEGIN SELECT RAISE(ABORT, 'tools are off'); END"
    )
    conn.commit()
    conn.close()
    with pytest.raises(sqlite3.IntegrityError, match="tools are off"):
        await store.add_message(cid, "tool", "1")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"indexer": object()}, r"indexer must have a callable \.index\(message\) method"),
        ({"projector": "p"}, r"projector must have a callable \.project\(message\) method"),
        ({"retry": (4, 50)}, r"retry must be a RetryPolicy, got tuple: \(4, 50\)"),
    ],
    ids=["indexer", "projector", "retry"],
)
def test_bad_collaborators(db_path: Path, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        SqliteStore(db_path, **kwargs)
