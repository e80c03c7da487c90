"""Fault injection: errors shaped like sqlite3's, raised inside the retried attempt."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from fake_store import SQLITE_ERRORS, FakeStore, sqlite_error
from harness import RetryPolicy, StoreBusy


def recording_policy(sleeps: list[float], **kwargs: object) -> RetryPolicy:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return RetryPolicy(sleep=sleep, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "code", "message", "exception"),
    [
        ("SQLITE_BUSY", 5, "database is locked", sqlite3.OperationalError),
        ("SQLITE_LOCKED", 6, "database table is locked", sqlite3.OperationalError),
        ("SQLITE_IOERR", 10, "disk I/O error", sqlite3.OperationalError),
        ("SQLITE_IOERR_WRITE", 778, "disk I/O error", sqlite3.OperationalError),
        ("SQLITE_CORRUPT", 11, "database disk image is malformed", sqlite3.DatabaseError),
        ("SQLITE_FULL", 13, "database or disk is full", sqlite3.OperationalError),
    ],
)
def test_errors_are_shaped_like_sqlite3s(
    name: str, code: int, message: str, exception: type[sqlite3.Error]
) -> None:
    error = sqlite_error(name)
    assert type(error) is exception
    assert str(error) == message
    assert error.args == (message,)
    assert (error.sqlite_errorcode, error.sqlite_errorname) == (code, name)


def test_real_busy_error_has_the_same_shape(tmp_path: object) -> None:
    path = f"{tmp_path}/busy.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        holder.close()
    fake = sqlite_error("SQLITE_BUSY")
    real = caught.value
    assert (type(fake), fake.args, fake.sqlite_errorcode, fake.sqlite_errorname) == (
        type(real),
        real.args,
        real.sqlite_errorcode,
        real.sqlite_errorname,
    )


def test_unknown_error_name_is_refused_naming_the_allowed_ones() -> None:
    store = FakeStore()
    with pytest.raises(ValueError) as caught:
        store.faults.fail("add_message", error="SQLITE_SLOW")
    text = str(caught.value)
    assert "'SQLITE_SLOW'" in text
    for name in ("SQLITE_BUSY", "SQLITE_IOERR", "SQLITE_LOCKED", "SQLITE_FULL", "SQLITE_CORRUPT"):
        assert name in text
    assert set(SQLITE_ERRORS) >= {"SQLITE_BUSY", "SQLITE_CORRUPT"}
    assert store.faults.pending() == 0


@pytest.mark.parametrize(
    ("method", "times", "match"),
    [
        ("add", 1, "'add'"),
        ("close", 1, "'close'"),
        ("add_message", 0, "times"),
        ("add_message", True, "times"),
    ],
)
def test_bad_plans_are_refused(method: str, times: int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        FakeStore().faults.fail(method, times=times)


def test_transient_faults_are_retried_then_the_write_succeeds() -> None:
    sleeps: list[float] = []
    store = FakeStore(retry=recording_policy(sleeps))

    async def scenario() -> None:
        await store.create_conversation("c")
        store.faults.fail("add_message", times=2, error="SQLITE_BUSY")
        message = await store.add_message("c", "user", "x")
        assert await store.list_messages("c") == [message]

    asyncio.run(scenario())
    assert sleeps == [0.05, 0.1]
    assert store.calls.of("add_message")[0].attempts == 3
    assert store.faults.pending() == 0


def test_faults_past_the_attempts_raise_store_busy_and_change_nothing() -> None:
    sleeps: list[float] = []
    store = FakeStore(retry=recording_policy(sleeps, attempts=3))

    async def scenario() -> None:
        await store.create_conversation("c")
        store.faults.fail("reserve_message", times=5, error="SQLITE_IOERR")
        with pytest.raises(StoreBusy) as caught:
            await store.reserve_message("c", "assistant")
        assert caught.value.attempts == 3
        assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
        assert caught.value.__cause__.sqlite_errorname == "SQLITE_IOERR"
        assert await store.list_messages("c") == []

    asyncio.run(scenario())
    assert sleeps == [0.05, 0.1]
    assert store.faults.pending("reserve_message") == 2


@pytest.mark.parametrize(
    ("error", "exception"),
    [("SQLITE_FULL", sqlite3.OperationalError), ("SQLITE_CORRUPT", sqlite3.DatabaseError)],
)
def test_non_retryable_faults_raise_at_once(error: str, exception: type[Exception]) -> None:
    store = FakeStore()

    async def scenario() -> None:
        cid = await store.create_conversation("c")
        kept = await store.add_message(cid, "user", "kept")
        store.faults.fail("update_message_content", times=2, error=error)
        with pytest.raises(exception) as caught:
            await store.update_message_content(kept.id, "changed")
        assert type(caught.value) is exception
        assert await store.get_message(kept.id) == kept

    asyncio.run(scenario())
    assert store.calls.of("update_content")[0].attempts == 1
    assert store.faults.pending() == 1


def test_rejected_calls_do_not_use_up_faults() -> None:
    store = FakeStore()
    store.faults.fail("add_message")

    async def scenario() -> None:
        await store.create_conversation("c")
        with pytest.raises(TypeError):
            await store.add_message("c", "user", 7)  # type: ignore[arg-type]
        assert store.faults.pending("add_message") == 1
        await store.add_message("c", "user", "x")

    asyncio.run(scenario())
    assert [call.attempts for call in store.calls.of("add_message")] == [0, 2]


def test_read_faults_are_not_retried() -> None:
    store = FakeStore()
    store.faults.fail("list_messages", times=1, error="SQLITE_BUSY")
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        asyncio.run(store.list_messages("c"))
    assert asyncio.run(store.list_messages("c")) == []


def test_plans_queue_in_order_and_clear() -> None:
    store = FakeStore(retry=RetryPolicy(attempts=1))
    store.faults.fail("delete_message", error="SQLITE_FULL")
    store.faults.fail("delete_message", times=2, error="SQLITE_CORRUPT")
    assert store.faults.pending("delete_message") == 3
    with pytest.raises(sqlite3.OperationalError):
        asyncio.run(store.delete_message("m"))
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        asyncio.run(store.delete_message("m"))
    assert "SQLITE_CORRUPT" in repr(store.faults)
    store.faults.clear()
    assert asyncio.run(store.delete_message("m")) is False
