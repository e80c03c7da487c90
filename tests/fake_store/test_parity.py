"""A fault injected in FakeStore is answered exactly as SqliteStore answers the real thing.

The real thing: a second sqlite3 connection holds ``BEGIN IMMEDIATE`` on the database file,
so SqliteStore's own ``BEGIN IMMEDIATE`` fails with SQLITE_BUSY (its busy wait is off).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fake_store import FakeStore
from harness import Message, MessageStore, RetryPolicy, SqliteStore, StoreBusy
from harness._retry import sqlite_error_name

Write = Callable[[MessageStore, Message], Awaitable[Any]]

WRITES: dict[str, Write] = {
    "create_conversation": lambda s, m: s.create_conversation("new"),
    "add_message": lambda s, m: s.add_message("c", "assistant", "x", {"k": 1}),
    "reserve_message": lambda s, m: s.reserve_message("c", "assistant"),
    "update_message_content": lambda s, m: s.update_message_content(m.id, "changed"),
    "update_message_metadata": lambda s, m: s.update_message_metadata(m.id, {"k": 2}),
    "delete_message": lambda s, m: s.delete_message(m.id),
}


@dataclass
class Outcome:
    error: BaseException | None
    result: Any
    sleeps: list[float]
    before: list[tuple[str, str, dict[str, Any] | None]]
    after: list[tuple[str, str, dict[str, Any] | None]]
    new_conversation: list[Message]


def shape(messages: list[Message]) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [(m.role, m.content, m.metadata) for m in messages]


def attempt_write(
    store: MessageStore, sleeps: list[float], write: Write, while_failing: Callable[[], None]
) -> Outcome:
    async def scenario() -> Outcome:
        await store.create_conversation("c")
        first = await store.add_message("c", "user", "first", {"k": 0})
        before = shape(await store.list_messages("c"))
        while_failing()
        error: BaseException | None = None
        result: Any = None
        try:
            result = await write(store, first)
        except Exception as caught:
            error = caught
        after = shape(await store.list_messages("c"))
        new = await store.list_messages("new")
        await store.close()
        return Outcome(error, result, sleeps, before, after, new)

    return asyncio.run(scenario())


def policy(sleeps: list[float], on_sleep: Callable[[int], None] = lambda n: None) -> RetryPolicy:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        on_sleep(len(sleeps))

    return RetryPolicy(sleep=sleep)


@pytest.mark.parametrize("method", sorted(WRITES))
def test_lock_contention_and_injected_busy_get_the_same_answer(tmp_path: Path, method: str) -> None:
    path = tmp_path / "parity.db"
    real_sleeps: list[float] = []
    holder = sqlite3.connect(path, isolation_level=None)

    def lock() -> None:
        holder.execute("BEGIN IMMEDIATE")

    try:
        real = attempt_write(
            SqliteStore(path, retry=policy(real_sleeps)), real_sleeps, WRITES[method], lock
        )
    finally:
        holder.close()

    fake_sleeps: list[float] = []
    fake_store = FakeStore(retry=policy(fake_sleeps))
    fake = attempt_write(
        fake_store,
        fake_sleeps,
        WRITES[method],
        lambda: fake_store.faults.fail(method, times=4, error="SQLITE_BUSY"),
    )

    for outcome in (real, fake):
        assert isinstance(outcome.error, StoreBusy)
        assert outcome.error.operation == method
        assert outcome.error.attempts == 4
        assert outcome.after == outcome.before  # nothing written
        assert outcome.new_conversation == []
    assert isinstance(real.error, StoreBusy) and isinstance(fake.error, StoreBusy)
    real_cause, fake_cause = real.error.__cause__, fake.error.__cause__
    assert real_cause is not None and fake_cause is not None
    assert type(fake_cause) is type(real_cause) is sqlite3.OperationalError
    assert sqlite_error_name(fake_cause) == sqlite_error_name(real_cause) == "SQLITE_BUSY"
    assert fake_cause.args == real_cause.args
    assert str(fake.error) == str(real.error)
    assert fake.sleeps == real.sleeps == [0.05, 0.1, 0.15]
    assert fake.before == real.before


@pytest.mark.parametrize("method", sorted(WRITES))
def test_a_lock_released_during_the_retries_is_answered_the_same(
    tmp_path: Path, method: str
) -> None:
    path = tmp_path / "parity.db"
    real_sleeps: list[float] = []
    holder = sqlite3.connect(path, isolation_level=None)

    def release_after_two(slept: int) -> None:
        if slept == 2:
            holder.execute("ROLLBACK")

    try:
        real = attempt_write(
            SqliteStore(path, retry=policy(real_sleeps, release_after_two)),
            real_sleeps,
            WRITES[method],
            lambda: holder.execute("BEGIN IMMEDIATE"),
        )
    finally:
        holder.close()

    fake_sleeps: list[float] = []
    fake_store = FakeStore(retry=policy(fake_sleeps))
    fake = attempt_write(
        fake_store,
        fake_sleeps,
        WRITES[method],
        lambda: fake_store.faults.fail(method, times=2, error="SQLITE_BUSY"),
    )

    assert real.error is None and fake.error is None
    assert fake.sleeps == real.sleeps == [0.05, 0.1]
    assert fake.after == real.after
    assert fake.after != fake.before or method == "create_conversation"
    assert shape(fake.new_conversation) == shape(real.new_conversation)
    if isinstance(real.result, Message):
        assert (fake.result.role, fake.result.content) == (real.result.role, real.result.content)
    else:
        assert fake.result == real.result
    assert fake_store.calls.of(method)[-1].attempts == 3
