"""Retry of store writes on transient SQLite errors, shared by every store."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from harness._errors import StoreBusy

T = TypeVar("T")

# Python 3.10's sqlite3 errors carry no error name; recover the common ones from the text.
_NAMES_BY_MESSAGE = {
    "database is locked": "SQLITE_BUSY",
    "database table is locked": "SQLITE_LOCKED",
    "disk I/O error": "SQLITE_IOERR",
}


def sqlite_error_name(error: BaseException) -> str | None:
    """Return SQLite's symbolic error name (``SQLITE_BUSY``...) for an error, if it has one."""
    name = getattr(error, "sqlite_errorname", None)
    if isinstance(name, str):
        return name
    if isinstance(error, sqlite3.Error):
        return _NAMES_BY_MESSAGE.get(str(error))
    return None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a write is retried on a transient error.

    ``sleep`` is the coroutine used to wait between attempts; fakes pass one that
    does not really sleep.
    """

    attempts: int = 4
    delays_ms: tuple[int, ...] = (50, 100, 150)
    retry_on: tuple[str, ...] = ("SQLITE_BUSY", "SQLITE_IOERR")
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"RetryPolicy.attempts must be at least 1, got {self.attempts!r}.")
        if any(d < 0 for d in self.delays_ms):
            raise ValueError(f"RetryPolicy.delays_ms must not be negative, got {self.delays_ms!r}.")

    def is_retryable(self, error: BaseException) -> bool:
        name = sqlite_error_name(error)
        return name is not None and name.startswith(self.retry_on)

    def delay_s(self, failed_attempts: int) -> float:
        """Seconds to wait after the given number of failed attempts (the last delay repeats)."""
        if not self.delays_ms:
            return 0.0
        index = min(failed_attempts - 1, len(self.delays_ms) - 1)
        return self.delays_ms[index] / 1000.0


async def run_with_retry(policy: RetryPolicy, operation: str, attempt: Callable[[], T]) -> T:
    """Run ``attempt`` until it succeeds, retrying retryable errors per ``policy``.

    ``attempt`` is synchronous and must leave nothing half-written when it raises.
    Between attempts the event loop is free: waiting is ``await policy.sleep``.
    """
    last_error: BaseException | None = None
    for tried in range(1, policy.attempts + 1):
        try:
            return attempt()
        except sqlite3.Error as error:
            if not policy.is_retryable(error):
                raise
            last_error = error
        if tried < policy.attempts:
            await policy.sleep(policy.delay_s(tried))
    assert last_error is not None
    raise StoreBusy(operation, policy.attempts, last_error) from last_error
