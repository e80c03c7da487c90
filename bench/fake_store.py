"""Benchmark: the same op mix on FakeStore and on SqliteStore (file db, default pragmas).

Run: .venv/bin/python bench/fake_store.py [--turns N] [--repeat R]
Prints the time of the whole mix on each store, how many times faster the fake is
(goal: >= 20x), and a per-operation breakdown from a separate, instrumented run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

# Run as a script, this file's directory comes first on sys.path and this module's name
# would shadow the fake_store package: take the directory out before importing it.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from fake_store import FakeStore  # noqa: E402
from harness import MessageStore, SqliteStore  # noqa: E402

T = TypeVar("T")
Timings = dict[str, list[float]]


async def turns(store: MessageStore, count: int, timings: Timings | None = None) -> int:
    """One agent turn per iteration: the reserve/update story plus reads; returns op count."""
    ops = 0

    async def op(name: str, call: Awaitable[T]) -> T:
        nonlocal ops
        ops += 1
        if timings is None:
            return await call
        started = time.perf_counter()
        result = await call
        timings[name].append(time.perf_counter() - started)
        return result

    cid = await op("create_conversation", store.create_conversation())
    for i in range(count):
        await op("add_message", store.add_message(cid, "user", f'{{"q": {i}}}', {"turn": i}))
        reserved = await op("reserve_message", store.reserve_message(cid, "assistant", {"t": i}))
        await op("update_message_content", store.update_message_content(reserved.id, '"a"'))
        await op(
            "update_message_metadata",
            store.update_message_metadata(reserved.id, {"tokens": i * 7, "done": True}),
        )
        await op("get_message", store.get_message(reserved.id))
        tool = await op("add_message", store.add_message(cid, "tool", "{}", skip_indexing=True))
        await op("delete_message", store.delete_message(tool.id))
        if i % 10 == 0:
            await op("list_messages", store.list_messages(cid))
        else:
            await op("get_message", store.get_message(tool.id))
    await store.close()
    return ops


def measure(make: Callable[[], MessageStore], count: int, repeat: int) -> tuple[float, int]:
    """Best wall time of ``repeat`` runs (a fresh store each), and the op count."""
    best = float("inf")
    ops = 0
    for _ in range(repeat):
        store = make()
        started = time.perf_counter()
        ops = asyncio.run(turns(store, count))
        best = min(best, time.perf_counter() - started)
    return best, ops


def breakdown(make: Callable[[], MessageStore], count: int) -> dict[str, float]:
    """Mean microseconds per call of each operation (one instrumented run)."""
    timings: Timings = defaultdict(list)
    asyncio.run(turns(make(), count, timings))
    return {name: sum(times) / len(times) * 1e6 for name, times in timings.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--turns", type=int, default=300, help="agent turns per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per store; best is kept")
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10**9))

        def sqlite_file() -> MessageStore:
            return SqliteStore(Path(tmp) / f"bench-{next(counter)}.db")

        fake_s, ops = measure(FakeStore, options.turns, options.repeat)
        sqlite_s, _ = measure(sqlite_file, options.turns, options.repeat)
        per_op: dict[str, Any] = {
            "fake": breakdown(FakeStore, options.turns),
            "sqlite": breakdown(sqlite_file, options.turns),
        }

    print(f"op mix: {ops} ops per run ({options.turns} turns), best of {options.repeat}")
    print(f"FakeStore:                {fake_s * 1000:9.1f} ms  {ops / fake_s:11,.0f} ops/s")
    print(f"SqliteStore (file, FULL): {sqlite_s * 1000:9.1f} ms  {ops / sqlite_s:11,.0f} ops/s")
    ratio = sqlite_s / fake_s
    print(f"FakeStore is {ratio:.1f}x faster (goal: >= 20x): {'met' if ratio >= 20 else 'NOT met'}")
    print(f"\n{'operation':<24} {'fake us':>9} {'sqlite us':>10} {'ratio':>7}")
    for name in sorted(per_op["sqlite"]):
        fake_us, sqlite_us = per_op["fake"][name], per_op["sqlite"][name]
        print(f"{name:<24} {fake_us:9.1f} {sqlite_us:10.1f} {sqlite_us / fake_us:6.1f}x")


if __name__ == "__main__":
    main()
