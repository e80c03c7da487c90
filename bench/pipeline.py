"""Benchmark the harness: pipeline overhead per op, and SqliteStore.add_message vs raw sqlite3.

Plain script: `.venv/bin/python bench/pipeline.py [--quick]`. Prints ratios measured in
this run. Measurements alternate between the two sides in many short rounds and report
the median of the per-round ratios, so a noisy shared machine shifts both sides alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from harness import (
    Add,
    Delete,
    PersistArgs,
    PersistencePipeline,
    PersistResult,
    Reserve,
    SqliteStore,
    TurnContext,
    Update,
    UpdateContent,
)
from harness._sqlite import _INSERT_MESSAGE, _SCHEMA
from harness.conversation_crud import use_store

CallNext = Callable[[PersistArgs], Awaitable[PersistResult]]

GOAL_PIPELINE = 1.10
GOAL_STORE = 1.5


async def pass_through_a(args: PersistArgs, call_next: CallNext, ctx: TurnContext | None):
    return await call_next(args)


async def pass_through_b(args: PersistArgs, call_next: CallNext, ctx: TurnContext | None):
    return await call_next(args)


async def pass_through_c(args: PersistArgs, call_next: CallNext, ctx: TurnContext | None):
    return await call_next(args)


def median_ratio(pairs: list[tuple[float, float]]) -> float:
    return statistics.median(b / a for a, b in pairs)


async def bench_pipeline(path: Path, synchronous: str, rounds: int, batch: int) -> dict[str, float]:
    """Per op: time `batch` direct store calls, then `batch` pipeline runs; repeat."""
    store = SqliteStore(path, synchronous=synchronous)
    pipeline = PersistencePipeline([pass_through_a, pass_through_b, pass_through_c])
    cid = await store.create_conversation()
    seed = [await store.add_message(cid, "user", '"seed"') for _ in range(batch)]
    ids = [m.id for m in seed]
    meta = {"k": 1}
    direct: dict[str, Callable[[int], Awaitable[object]]] = {
        "add": lambda i: store.add_message(cid, "user", '"x"', meta),
        "reserve": lambda i: store.reserve_message(cid, "assistant", meta),
        "update_content": lambda i: store.update_message_content(ids[i], '"y"'),
        "update": lambda i: store.update_message_metadata(ids[i], meta),
        "delete": lambda i: store.delete_message(ids[i]),
    }
    via: dict[str, Callable[[int], Awaitable[object]]] = {
        "add": lambda i: pipeline.run(Add(cid, "user", '"x"', meta)),
        "reserve": lambda i: pipeline.run(Reserve(cid, "assistant", meta)),
        "update_content": lambda i: pipeline.run(UpdateContent(ids[i], '"y"')),
        "update": lambda i: pipeline.run(Update(ids[i], meta)),
        "delete": lambda i: pipeline.run(Delete(ids[i])),
    }
    pairs: dict[str, list[tuple[float, float]]] = {op: [] for op in direct}
    with use_store(store):
        for round_no in range(rounds):
            for op in direct:
                # Alternate which side goes first, so drift (WAL growth, checkpoints) is shared.
                order = ("direct", "via") if round_no % 2 == 0 else ("via", "direct")
                took: dict[str, float] = {}
                for side in order:
                    calls = direct[op] if side == "direct" else via[op]
                    # Every side writes fresh rows, so no side updates values already written.
                    ids[:] = [(await store.add_message(cid, "user", '"d"')).id for _ in ids]
                    start = time.perf_counter()
                    for i in range(batch):
                        await calls(i)
                    took[side] = time.perf_counter() - start
                pairs[op].append((took["direct"], took["via"]))
    await store.close()
    return {op: median_ratio(p) for op, p in pairs.items()}


async def bench_store_vs_raw(
    directory: Path, synchronous: str, rounds: int, batch: int
) -> tuple[float, float, float]:
    """SqliteStore.add_message vs raw sqlite3 with the same pragmas and statements."""
    store = SqliteStore(directory / "store.db", synchronous=synchronous)
    cid = await store.create_conversation()

    raw = sqlite3.connect(directory / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA foreign_keys=ON")
    raw.execute(f"PRAGMA synchronous={synchronous}")
    raw.execute("PRAGMA busy_timeout=0")
    raw.executescript(_SCHEMA)
    raw.execute("INSERT INTO conversations (id, title, created_at) VALUES (?, NULL, 0)", (cid,))
    meta = {"k": 1}

    def raw_add() -> None:
        # What hand-written code would do: make an id, a timestamp and the JSON, then write.
        params = (
            uuid.uuid4().hex,
            cid,
            "user",
            '"x"',
            time.time_ns() // 1_000_000,
            json.dumps(meta),
        )
        raw.execute("BEGIN IMMEDIATE")
        try:
            raw.execute(_INSERT_MESSAGE, params)
            raw.execute("COMMIT")
        except BaseException:
            raw.execute("ROLLBACK")
            raise

    async def store_add() -> None:
        await store.add_message(cid, "user", '"x"', meta)

    async def raw_side() -> None:
        raw_add()

    pairs: list[tuple[float, float]] = []
    for round_no in range(rounds):
        took: dict[str, float] = {}
        order = ("raw", "store") if round_no % 2 == 0 else ("store", "raw")
        for side in order:
            call = raw_side if side == "raw" else store_add
            start = time.perf_counter()
            for _ in range(batch):
                await call()
            took[side] = time.perf_counter() - start
        pairs.append((took["raw"], took["store"]))
    raw.close()
    await store.close()
    per_raw = statistics.median(a for a, _ in pairs) / batch * 1e6
    per_store = statistics.median(b for _, b in pairs) / batch * 1e6
    return median_ratio(pairs), per_raw, per_store


def verdict(ratio: float, goal: float) -> str:
    return "ok" if ratio <= goal else "OVER GOAL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    options = parser.parse_args(argv)
    rounds, batch = (3, 20) if options.quick else (21, 100)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, db in {tmp}")
        print(f"median of {rounds} interleaved rounds of {batch} calls each")
        for synchronous in ("FULL", "NORMAL"):
            (directory / synchronous).mkdir()
            ratio, per_raw, per_store = asyncio.run(
                bench_store_vs_raw(directory / synchronous, synchronous, rounds, batch)
            )
            print(
                f"(b) file db, synchronous={synchronous}: SqliteStore.add_message / raw sqlite3 = "
                f"{ratio:.3f} (raw {per_raw:.1f} us, store {per_store:.1f} us; "
                f"goal <= {GOAL_STORE}: {verdict(ratio, GOAL_STORE)})"
            )
        # The goal is set for the store's default (a file db, synchronous=FULL). The other two
        # rows show the fixed cost of the pipeline (~2-4 us a run here) against cheaper writes.
        for label, path, synchronous in (
            ("file db, synchronous=FULL (default)", directory / "pipe_full.db", "FULL"),
            ("file db, synchronous=NORMAL", directory / "pipe_normal.db", "NORMAL"),
            ("in-memory db", ":memory:", "FULL"),
        ):
            ratios = asyncio.run(bench_pipeline(Path(path), synchronous, rounds, batch))
            cells = ", ".join(f"{op} {r:.3f}" for op, r in ratios.items())
            worst = max(ratios.values())
            print(
                f"(a) {label}: pipeline(3 pass-through middlewares) / store, per op: {cells} "
                f"(goal <= {GOAL_PIPELINE}: {verdict(worst, GOAL_PIPELINE)})"
            )
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
