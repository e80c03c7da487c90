"""The one process pool: results in order, and a dead worker costs only its own item."""

from __future__ import annotations

import faulthandler
import os
import signal
from collections.abc import Callable

import pytest

from audit import pool
from audit.pool import Crashed, run_all

BAD = 37


def square(x: int) -> int:
    return x * x


def pid(_: int) -> int:
    return os.getpid()


def exits(x: int) -> int:
    if x == BAD:
        os._exit(1)
    return x * x


def segfaults(x: int) -> int:
    if x == BAD:
        faulthandler.disable()  # pytest's handler would print this process's stack
        os.kill(os.getpid(), signal.SIGSEGV)
    return x * x


def raises(x: int) -> int:
    if x == 3:
        raise ValueError("bad 3")
    return x * x


def exits_twice(x: int) -> int:
    if x in (10, 11, 90):
        os._exit(3)
    return x * x


def always_exits(x: int) -> int:
    os._exit(2)


def unpicklable(x: int) -> object:
    if x == 5:
        return lambda: x  # a result that cannot travel back
    return x * x


def test_results_in_input_order_on_a_pool() -> None:
    seen: list[int] = []
    items = list(range(300))
    results = run_all(square, items, jobs=2, min_parallel=10, on_done=seen.append)
    assert results == [x * x for x in items]
    assert seen == sorted(seen) and seen[-1] == 300


def test_the_pool_uses_other_processes() -> None:
    assert os.getpid() not in run_all(pid, list(range(20)), jobs=2, min_parallel=1)


@pytest.mark.parametrize(("jobs", "count"), [(1, 100), (4, 63), (0, 1), (2, 0)])
def test_small_runs_stay_in_this_process(
    monkeypatch: pytest.MonkeyPatch, jobs: int, count: int
) -> None:
    monkeypatch.setattr(pool, "ProcessPoolExecutor", None)  # any use would fail
    seen: list[int] = []
    results = run_all(pid, list(range(count)), jobs=jobs, on_done=seen.append)
    assert results == [os.getpid()] * count
    assert seen == list(range(1, count + 1))


def test_jobs_zero_means_one_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    monkeypatch.setattr(pool, "ProcessPoolExecutor", None)
    assert run_all(pid, list(range(100)), jobs=0) == [os.getpid()] * 100


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_raising_item_is_crashed(jobs: int) -> None:
    results = run_all(raises, list(range(80)), jobs=jobs)
    assert results[3] == Crashed("ValueError('bad 3')")
    assert results[:3] + results[4:] == [x * x for x in range(80) if x != 3]


@pytest.mark.parametrize(
    ("func", "status"),
    [(exits, "exit code 1"), (segfaults, "exit code -11, SIGSEGV")],
    ids=["os._exit", "SIGSEGV"],
)
def test_a_dead_worker_loses_only_its_item(func: Callable[[int], int], status: str) -> None:
    seen: list[int] = []
    results = run_all(func, list(range(101)), jobs=2, on_done=seen.append)
    assert results[BAD] == Crashed(f"the worker process died ({status}) while handling this item")
    assert [r for i, r in enumerate(results) if i != BAD] == [x * x for x in range(101) if x != BAD]
    assert seen[-1] == 101 and seen == sorted(seen)


def test_several_dead_workers() -> None:
    results = run_all(exits_twice, list(range(120)), jobs=3, min_parallel=10)
    crashed = [i for i, r in enumerate(results) if isinstance(r, Crashed)]
    assert crashed == [10, 11, 90]
    assert all(results[i] == i * i for i in range(120) if i not in crashed)


def test_every_item_crashing_still_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    rounds: list[int] = []
    real = pool._Run._round

    def counted(self: pool._Run[int, int], batches: list[list[int]]) -> object:
        rounds.append(len(batches))
        return real(self, batches)

    monkeypatch.setattr(pool._Run, "_round", counted)
    results = run_all(always_exits, list(range(80)), jobs=2)
    assert (
        results == [Crashed("the worker process died (exit code 2) while handling this item")] * 80
    )
    assert len(rounds) <= 8  # suspects isolated in growing numbers, not two per round


def test_a_result_that_cannot_be_sent_back_is_crashed() -> None:
    results = run_all(unpicklable, list(range(70)), jobs=2)
    assert isinstance(results[5], Crashed)
    assert "pickle" in results[5].message.lower()
    assert [r for i, r in enumerate(results) if i != 5] == [x * x for x in range(70) if x != 5]
