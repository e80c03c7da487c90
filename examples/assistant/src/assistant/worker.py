"""The background worker: persists queued ops in order, so the agent loop never waits on them."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from assistant.persistence import Op, persist

log = logging.getLogger(__name__)


class Worker:
    """Persist submitted ops one at a time until ``stop()``; a failed op is recorded, not fatal."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Op | None] = asyncio.Queue()
        self.persisted: list[Any] = []
        self.failures: list[tuple[Op, Exception]] = []

    def submit(self, op: Op) -> None:
        self._queue.put_nowait(op)

    def stop(self) -> None:
        """Finish the ops already submitted, then return from ``run()``."""
        self._queue.put_nowait(None)

    async def run(self) -> None:
        while (op := await self._queue.get()) is not None:
            try:
                self.persisted.append(await persist(op))
            except Exception as exc:
                # One bad write must not stop the turns queued behind it.
                log.exception("could not persist %r", op)
                self.failures.append((op, exc))
