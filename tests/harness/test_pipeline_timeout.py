"""PipelineTimeout says whether the terminal's write committed, and carries its result.

On real SQLite files: a timeout after the commit (a slow indexer, projector or post-processing
middleware) must not lead a caller that retries into writing the message twice.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import (
    Add,
    AddResult,
    Delete,
    Message,
    PersistArgs,
    PersistencePipeline,
    PersistResult,
    PipelineTimeout,
    Reserve,
    ReserveResult,
    RetryPolicy,
    SqliteStore,
    TurnContext,
    UpdateContent,
    UpdateContentResult,
)
from harness.conversation_crud import use_store

TIMEOUT = 0.2
STALL = 30.0  # far past TIMEOUT: only the timeout ends it


class SlowHook:
    """An async indexer and projector that outlasts the pipeline timeout."""

    def __init__(self) -> None:
        self.started: list[tuple[str, str]] = []

    async def index(self, message: Message) -> None:
        self.started.append(("index", message.id))
        await asyncio.sleep(STALL)

    async def project(self, message: Message) -> None:
        self.started.append(("project", message.id))
        await asyncio.sleep(STALL)


def stored_rows(path: Path) -> list[tuple[str, str, str]]:
    """(id, role, content) of every message row, read by another connection."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id, role, content FROM messages ORDER BY rowid").fetchall()
    finally:
        conn.close()


@pytest.fixture
def hook() -> SlowHook:
    return SlowHook()


@pytest.fixture
def slow_store(db_path: Path, hook: SlowHook) -> Iterator[SqliteStore]:
    store = SqliteStore(db_path, indexer=hook, projector=hook)
    with use_store(store):
        yield store
    store.close_sync()


async def add_once(pipeline: PersistencePipeline, args: Add, attempts: int = 3) -> AddResult:
    """What docs/harness.md tells a caller to do: retry only when nothing was written."""
    for _ in range(attempts):
        try:
            result = await pipeline.run(args)
        except PipelineTimeout as error:
            if error.committed:
                assert isinstance(error.result, AddResult)
                return error.result  # the write is in: use it, never write it again
            continue  # nothing was written: trying again is safe
        assert isinstance(result, AddResult)
        return result
    raise AssertionError("no attempt got through")


@pytest.mark.asyncio
async def test_slow_indexer_after_the_commit(
    slow_store: SqliteStore, hook: SlowHook, db_path: Path
) -> None:
    cid = await slow_store.create_conversation()
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(PipelineTimeout) as caught:
        await PersistencePipeline(timeout=TIMEOUT).run(Add(cid, "user", '"hi"'))
    assert loop.time() - started < STALL / 2
    error = caught.value
    assert error.committed is True
    assert isinstance(error.result, AddResult)
    message = error.result.message
    assert (message.conversation_id, message.role, message.content) == (cid, "user", '"hi"')
    assert hook.started == [("index", message.id)]  # the timeout fired in the indexer
    assert stored_rows(db_path) == [(message.id, "user", '"hi"')]  # exactly once
    assert await slow_store.get_message(message.id) == message
    assert str(error) == (
        f"Pipeline run for op 'add' exceeded its timeout of {TIMEOUT}s "
        "(chain: default_persistence_terminal); the write committed "
        f"(message id {message.id!r}), so do not retry it: use the error's result."
    )


@pytest.mark.asyncio
async def test_slow_projector_after_the_commit(
    slow_store: SqliteStore, hook: SlowHook, db_path: Path
) -> None:
    cid = await slow_store.create_conversation()
    args = Add(cid, "assistant", '"answer"', skip_indexing=True)
    with pytest.raises(PipelineTimeout) as caught:
        await PersistencePipeline(timeout=TIMEOUT).run(args)
    assert caught.value.committed is True
    assert isinstance(caught.value.result, AddResult)
    message_id = caught.value.result.message.id
    assert hook.started == [("project", message_id)]
    assert stored_rows(db_path) == [(message_id, "assistant", '"answer"')]


@pytest.mark.asyncio
async def test_slow_post_processing_middleware_after_the_commit(
    store: SqliteStore, db_path: Path
) -> None:
    async def slow_after(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        result = await call_next(args)
        await asyncio.sleep(STALL)
        return result

    cid = await store.create_conversation()
    pipeline = PersistencePipeline([slow_after], timeout=TIMEOUT)
    with pytest.raises(PipelineTimeout) as caught:
        await pipeline.run(Reserve(cid, "assistant"))
    assert caught.value.committed is True
    assert isinstance(caught.value.result, ReserveResult)
    reserved = caught.value.result.message
    assert stored_rows(db_path) == [(reserved.id, "assistant", "[]")]
    assert f"the write committed (message id {reserved.id!r})" in str(caught.value)


@pytest.mark.asyncio
async def test_timeout_before_the_write_commits(store: SqliteStore, db_path: Path) -> None:
    async def slow_before(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        await asyncio.sleep(STALL)
        return await call_next(args)

    cid = await store.create_conversation()
    pipeline = PersistencePipeline([slow_before], timeout=TIMEOUT)
    with pytest.raises(PipelineTimeout) as caught:
        await pipeline.run(Add(cid, "user", '"hi"'))
    assert caught.value.committed is False
    assert caught.value.result is None
    assert stored_rows(db_path) == []
    assert str(caught.value) == (
        f"Pipeline run for op 'add' exceeded its timeout of {TIMEOUT}s (chain: "
        "test_timeout_before_the_write_commits.<locals>.slow_before -> "
        "default_persistence_terminal); nothing was written, so retrying is safe."
    )


@pytest.mark.asyncio
async def test_timeout_while_the_store_waits_for_a_lock(db_path: Path) -> None:
    """Another writer holds the database: the run times out in a retry wait, writes nothing,
    and the retry the error allows writes the row once."""
    store = SqliteStore(db_path, retry=RetryPolicy(attempts=1000, delays_ms=(20,)))
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        with use_store(store):
            cid = await store.create_conversation()
            other.execute("BEGIN IMMEDIATE")
            pipeline = PersistencePipeline(timeout=TIMEOUT)
            with pytest.raises(PipelineTimeout) as caught:
                await pipeline.run(Add(cid, "user", '"hi"'))
            assert caught.value.committed is False
            other.execute("ROLLBACK")
            assert stored_rows(db_path) == []
            retried = await pipeline.run(Add(cid, "user", '"hi"'))
        assert isinstance(retried, AddResult)
        assert stored_rows(db_path) == [(retried.message.id, "user", '"hi"')]
    finally:
        other.close()
        store.close_sync()


@pytest.mark.asyncio
async def test_a_caller_that_follows_the_advice_writes_no_duplicate(
    slow_store: SqliteStore, hook: SlowHook, db_path: Path
) -> None:
    """First attempt: stalled before the write (retried). Second: committed, then the slow
    indexer outlasts the timeout (not retried). One row, and the caller has its id."""
    stalls = [STALL]

    async def stall_once(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        if stalls:
            await asyncio.sleep(stalls.pop())
        return await call_next(args)

    cid = await slow_store.create_conversation()
    pipeline = PersistencePipeline([stall_once], timeout=TIMEOUT)
    result = await add_once(pipeline, Add(cid, "user", '"once"'))
    assert stalls == []
    assert stored_rows(db_path) == [(result.message.id, "user", '"once"')]
    assert hook.started == [("index", result.message.id)]


@pytest.mark.asyncio
async def test_the_result_is_the_terminals_after_a_redirect(
    store: SqliteStore, db_path: Path
) -> None:
    """A middleware that redirects to another op: the error carries what the terminal did."""

    async def via_update(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        assert isinstance(args, Delete)
        await call_next(UpdateContent(args.message_id, '"deleted"'))
        await asyncio.sleep(STALL)
        raise AssertionError("unreachable")

    cid = await store.create_conversation()
    message = await store.add_message(cid, "user", '"x"')
    with pytest.raises(PipelineTimeout) as caught:
        await PersistencePipeline([via_update], timeout=TIMEOUT).run(Delete(message.id))
    assert caught.value.result == UpdateContentResult(message.id, True)
    assert f"(update_content of message {message.id!r}, found=True)" in str(caught.value)


@pytest.mark.asyncio
async def test_a_middlewares_own_write_is_not_the_callers(store: SqliteStore) -> None:
    """Only the terminal's writes count: a write a middleware makes itself does not."""

    async def logs_then_stalls(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        await store.add_message(cid, "system", '"audit trail"')
        await asyncio.sleep(STALL)
        return await call_next(args)

    cid = await store.create_conversation()
    with pytest.raises(PipelineTimeout) as caught:
        await PersistencePipeline([logs_then_stalls], timeout=TIMEOUT).run(Add(cid, "user", '"hi"'))
    assert caught.value.committed is False
    assert [m.role for m in await store.list_messages(cid)] == ["system"]


@pytest.mark.asyncio
async def test_the_log_record_says_whether_the_write_committed(
    slow_store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    async def short_circuit(
        args: PersistArgs, call_next: Any, ctx: TurnContext | None
    ) -> PersistResult:
        return UpdateContentResult("m", False)

    cid = await slow_store.create_conversation()
    with caplog.at_level(logging.INFO, logger="harness.pipeline"):
        with pytest.raises(PipelineTimeout):
            await PersistencePipeline(timeout=TIMEOUT).run(Add(cid, "user", '"hi"'))
        await PersistencePipeline().run(Reserve(cid, "user"))
        await PersistencePipeline([short_circuit]).run(UpdateContent("m", '"x"'))
    records = [r for r in caplog.records if r.name == "harness.pipeline"]
    assert [(r.op, r.outcome, r.committed) for r in records] == [  # type: ignore[attr-defined]
        ("add", "timeout", True),
        ("reserve", "ok", True),
        ("update_content", "ok", False),
    ]
    assert "committed=True" in records[0].getMessage()


@pytest.mark.asyncio
async def test_the_cancelled_indexer_is_logged(
    slow_store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    cid = await slow_store.create_conversation()
    with (
        caplog.at_level(logging.WARNING, logger="harness.store"),
        pytest.raises(PipelineTimeout) as caught,
    ):
        await PersistencePipeline(timeout=TIMEOUT).run(Add(cid, "user", '"hi"'))
    assert isinstance(caught.value.result, AddResult)
    message_id = caught.value.result.message.id
    assert [r.getMessage() for r in caplog.records if r.name == "harness.store"] == [
        f"The indexer was cancelled on message {message_id!r}; the message is stored, "
        "but the indexer may not have finished with it."
    ]
