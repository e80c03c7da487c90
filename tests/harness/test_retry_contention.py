"""Retry under real lock contention: another connection holds BEGIN IMMEDIATE on the same file."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness import RetryPolicy, SqliteStore, StoreBusy


class CountingSleep:
    """A real asyncio sleep that records each wait the retry code asks for."""

    def __init__(self, on_wait: Callable[[int], None] | None = None) -> None:
        self.waits: list[float] = []
        self.on_wait = on_wait

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.on_wait is not None:
            self.on_wait(len(self.waits))
        await asyncio.sleep(seconds)


@pytest.fixture
def blocker(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A second connection to the same file, in autocommit mode so BEGIN is ours to issue."""
    SqliteStore(db_path).close_sync()  # create the schema first
    conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


def count_begins(store: SqliteStore) -> list[str]:
    begins: list[str] = []
    assert store._conn is not None
    store._conn.set_trace_callback(lambda sql: begins.append(sql) if "BEGIN" in sql else None)
    return begins


async def ticker(ticks: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        ticks.append(loop.time())
        await asyncio.sleep(0.005)


@pytest.mark.asyncio
async def test_write_succeeds_once_the_lock_is_released(
    db_path: Path, blocker: sqlite3.Connection
) -> None:
    def release_during_second_wait(waits: int) -> None:
        # The other connection lets go while the store waits after its 2nd failed try
        # (deterministic, unlike a timer racing the delays on a loaded machine).
        if waits == 2:
            blocker.execute("ROLLBACK")

    sleep = CountingSleep(release_during_second_wait)
    policy = RetryPolicy(attempts=4, delays_ms=(50, 100, 150), sleep=sleep)
    store = SqliteStore(db_path, retry=policy)
    cid = await store.create_conversation()
    begins = count_begins(store)

    blocker.execute("BEGIN IMMEDIATE")
    loop = asyncio.get_running_loop()
    ticks: list[float] = []
    stop = asyncio.Event()
    ticking = asyncio.create_task(ticker(ticks, stop))
    await asyncio.sleep(0)  # let the ticker start

    started = loop.time()
    message = await store.add_message(cid, "user", '"after the wait"')
    waited = loop.time() - started
    stop.set()
    await ticking

    assert sleep.waits == [0.05, 0.1]
    assert len(begins) == 3
    assert await store.get_message(message.id) == message
    # The loop stayed free while the write waited: the ticker kept ticking during the wait.
    during = [t for t in ticks if started < t < started + waited]
    assert waited >= 0.15
    assert len(during) >= 10
    await store.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("attempts", [1, 3])
async def test_store_busy_after_exactly_attempts_tries(
    db_path: Path, blocker: sqlite3.Connection, attempts: int
) -> None:
    sleep = CountingSleep()
    policy = RetryPolicy(attempts=attempts, delays_ms=(5, 10), sleep=sleep)
    store = SqliteStore(db_path, retry=policy)
    cid = await store.create_conversation()
    mid = (await store.add_message(cid, "user", "1")).id
    begins = count_begins(store)
    before = await store.list_messages(cid)

    blocker.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreBusy) as caught:
        await store.update_message_content(mid, "2")
    blocker.execute("ROLLBACK")

    assert len(begins) == attempts
    assert sleep.waits == [0.005, 0.01, 0.01][: attempts - 1]
    assert caught.value.attempts == attempts
    assert caught.value.operation == "update_message_content"
    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
    assert str(caught.value) == (
        f"update_message_content failed after {attempts} attempts; the last error was "
        "OperationalError: database is locked."
    )
    assert await store.list_messages(cid) == before
    assert store._conn is not None and not store._conn.in_transaction
    await store.close()


@pytest.mark.asyncio
async def test_non_retryable_error_is_raised_at_once(
    db_path: Path, blocker: sqlite3.Connection
) -> None:
    sleep = CountingSleep()
    # Only I/O errors are retryable here, so the lock error must surface on the first try.
    store = SqliteStore(db_path, retry=RetryPolicy(retry_on=("SQLITE_IOERR",), sleep=sleep))
    cid = await store.create_conversation()
    begins = count_begins(store)
    blocker.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        await store.add_message(cid, "user", "1")
    blocker.execute("ROLLBACK")
    assert len(begins) == 1
    assert sleep.waits == []
    assert await store.list_messages(cid) == []
    await store.close()


@pytest.mark.asyncio
async def test_trigger_failure_is_not_retried(db_path: Path, blocker: sqlite3.Connection) -> None:
    sleep = CountingSleep()
    store = SqliteStore(db_path, retry=RetryPolicy(sleep=sleep))
    cid = await store.create_conversation()
    mid = (await store.add_message(cid, "user", "1")).id
    blocker.execute(
        "CREATE TRIGGER frozen BEFORE UPDATE ON messages BEGIN SELECT RAISE(ABORT, 'frozen'); END"
    )
    begins = count_begins(store)
    with pytest.raises(sqlite3.IntegrityError, match="frozen"):
        await store.update_message_content(mid, "2")
    assert (len(begins), sleep.waits) == (1, [])
    got = await store.get_message(mid)
    assert got is not None and got.content == "1"
    await store.close()


@pytest.mark.asyncio
async def test_every_write_is_retried(db_path: Path, blocker: sqlite3.Connection) -> None:
    """create/add/reserve/update/update_content/delete all go through the retry code."""
    sleep = CountingSleep()
    store = SqliteStore(db_path, retry=RetryPolicy(attempts=2, delays_ms=(1,), sleep=sleep))
    cid = await store.create_conversation()
    mid = (await store.add_message(cid, "user", "1")).id
    calls = [
        ("create_conversation", store.create_conversation),
        ("add_message", lambda: store.add_message(cid, "user", "1")),
        ("reserve_message", lambda: store.reserve_message(cid, "assistant")),
        ("update_message_content", lambda: store.update_message_content(mid, "2")),
        ("update_message_metadata", lambda: store.update_message_metadata(mid, {"a": 1})),
        ("delete_message", lambda: store.delete_message(mid)),
    ]
    blocker.execute("BEGIN IMMEDIATE")
    for name, call in calls:
        with pytest.raises(StoreBusy, match=rf"^{name} failed after 2 attempts"):
            await call()
    blocker.execute("ROLLBACK")
    assert len(sleep.waits) == len(calls)
    await store.close()


@pytest.mark.asyncio
async def test_pipeline_timeout_during_a_retry_wait_leaves_nothing_half_done(
    db_path: Path, blocker: sqlite3.Connection
) -> None:
    from harness import Add, PersistencePipeline, PipelineTimeout
    from harness.conversation_crud import use_store

    store = SqliteStore(db_path, retry=RetryPolicy(attempts=10, delays_ms=(100,)))
    cid = await store.create_conversation()
    blocker.execute("BEGIN IMMEDIATE")
    with use_store(store):
        with pytest.raises(PipelineTimeout):
            await PersistencePipeline(timeout=0.05).run(Add(cid, "user", "1"))
        blocker.execute("ROLLBACK")
        assert store._conn is not None and not store._conn.in_transaction
        assert await store.list_messages(cid) == []
        result = await PersistencePipeline(timeout=5).run(Add(cid, "user", "2"))
    assert [m.content for m in await store.list_messages(cid)] == ["2"]
    assert result.op == "add"
    await store.close()
