"""Run per-item work on all cores with the one process pool, surviving a dead worker.

A worker process can die (a segfault in a C extension, ``os._exit``, the OOM killer);
``concurrent.futures`` then fails every unfinished item of the pool. Here the lost items
are run again and the one that kills its worker is found and returned as ``Crashed``,
so one bad file never stops a run or loses the other results.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Chunks per worker in the first round: enough to balance uneven items, few enough that
# the per-task overhead (pickling, queueing) stays small.
_CHUNKS_PER_WORKER = 4


@dataclass(frozen=True)
class Crashed:
    """An item whose work raised or killed its worker process."""

    message: str  # e.g. "the worker process died (exit code -11, SIGSEGV) while handling ..."


def _call(func: Callable[[T], R], item: T) -> R | Crashed:
    try:
        return func(item)
    except (Exception, SystemExit) as exc:  # per-item work never stops the run
        return Crashed(repr(exc))


def _call_chunk(func: Callable[[T], R], items: list[T]) -> list[R | Crashed]:
    return [_call(func, item) for item in items]


def run_all(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int,
    min_parallel: int = 64,
    on_done: Callable[[int], None] | None = None,
) -> list[R | Crashed]:
    """``func`` of every item, in input order, on ``jobs`` processes (0: one per core).

    ``func`` must be a module-level function (it is pickled). Below ``min_parallel``
    items, or with one job, everything runs in this process. ``on_done(n)`` is called
    here with the number of items finished so far.
    """
    workers = min(jobs or os.cpu_count() or 1, len(items))
    if workers <= 1 or len(items) < min_parallel:
        results: list[R | Crashed] = []
        for item in items:
            results.append(_call(func, item))
            if on_done is not None:
                on_done(len(results))
        return results
    return _Run(func, items, workers, on_done).run()


class _Run(Generic[T, R]):
    def __init__(
        self,
        func: Callable[[T], R],
        items: Sequence[T],
        workers: int,
        on_done: Callable[[int], None] | None,
    ) -> None:
        self.func = func
        self.items = items
        self.workers = workers
        self.on_done = on_done
        self.results: dict[int, R | Crashed] = {}

    def run(self) -> list[R | Crashed]:
        indexes = list(range(len(self.items)))
        size = max(1, -(-len(indexes) // (self.workers * _CHUNKS_PER_WORKER)))
        batches = [indexes[i : i + size] for i in range(0, len(indexes), size)]
        barren = 0  # rounds in a row in which the pool finished nothing
        while batches:
            before = len(self.results)
            lost, retry = self._round(batches)
            if lost and all(len(batch) == 1 for batch in batches):
                # Items are handed out in order, one per worker at a time, so the item
                # that killed the pool is among the first ``workers`` lost ones: run each
                # of those alone, where a death names its item. When the pool finishes
                # nothing (every item crashes), isolate twice as many each time, so a
                # hopeless run takes a few rounds, not one per ``workers`` items.
                barren = barren + 1 if len(self.results) == before else 0
                suspects = lost[: self.workers * 2**barren]
                for index, value in self._isolated(suspects):
                    self._done(index, value)
                lost = lost[len(suspects) :]
            batches = [[index] for index in sorted(lost + retry)]
        return [self.results[index] for index in range(len(self.items))]

    def _isolated(self, indexes: list[int]) -> Iterator[tuple[int, R | Crashed]]:
        """Run each item in a process of its own, ``workers`` at a time."""
        for start in range(0, len(indexes), self.workers):
            group = indexes[start : start + self.workers]
            started = [(index, _start(self.func, self.items[index])) for index in group]
            for index, (process, receive) in started:
                yield index, _finish(process, receive)

    def _done(self, index: int, value: R | Crashed) -> None:
        self.results[index] = value
        if self.on_done is not None:
            self.on_done(len(self.results))

    def _round(self, batches: list[list[int]]) -> tuple[list[int], list[int]]:
        """Run the batches on a fresh pool; return the items lost to a dead worker and
        those of failed multi-item batches (retried one by one)."""
        lost: list[int] = []
        retry: list[int] = []
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(batches)))
        try:
            futures: dict[Future[list[R | Crashed]], list[int]] = {}
            for number, batch in enumerate(batches):
                try:
                    chunk = [self.items[i] for i in batch]
                    futures[pool.submit(_call_chunk, self.func, chunk)] = batch
                except BrokenProcessPool:  # a worker died while the rest was handed out
                    lost.extend(i for later in batches[number:] for i in later)
                    break
            for future in as_completed(futures):
                batch = futures[future]
                try:
                    values = future.result()
                except BrokenProcessPool:
                    lost.extend(batch)
                    continue
                except (Exception, SystemExit) as exc:  # e.g. an item that cannot be pickled
                    if len(batch) > 1:
                        retry.extend(batch)
                        continue
                    values = [Crashed(repr(exc))]
                for index, value in zip(batch, values, strict=True):
                    self._done(index, value)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return sorted(lost), retry


def _child(send: Connection, func: Callable[[T], R], item: T) -> None:
    try:
        send.send((_call(func, item),))
    except Exception as exc:  # the result cannot be pickled
        send.send((Crashed(repr(exc)),))
    finally:
        send.close()


def _start(func: Callable[[T], R], item: T) -> tuple[BaseProcess, Connection]:
    context = multiprocessing.get_context()  # the start method the pool uses too
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, func, item), daemon=True)
    process.start()
    send.close()  # so that the child's death ends recv() with EOFError
    return process, receive


def _finish(process: BaseProcess, receive: Connection) -> Any:
    """The item's result, or ``Crashed`` when its process died."""
    try:
        got = receive.recv()
    except EOFError:
        got = None
    finally:
        receive.close()
    process.join()
    if got is not None:
        return got[0]
    status = _exit_status(process.exitcode)
    return Crashed(f"the worker process died ({status}) while handling this item")


def _exit_status(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"exit code {code}, {signal.Signals(-code).name}"
        except ValueError:
            pass
    return f"exit code {code}"
