"""Fault injection: SQLite errors raised inside a store's write attempt, shaped like real ones."""

from __future__ import annotations

import sqlite3
from collections import deque
from dataclasses import dataclass

#: Methods of MessageStore a fault can be planned for (writes are retried, reads are not).
WRITE_METHODS: tuple[str, ...] = (
    "create_conversation",
    "add_message",
    "reserve_message",
    "update_message_content",
    "update_message_metadata",
    "delete_message",
)
READ_METHODS: tuple[str, ...] = ("get_message", "list_messages")
METHODS: tuple[str, ...] = WRITE_METHODS + READ_METHODS


@dataclass(frozen=True)
class SqliteErrorShape:
    """How the sqlite3 module reports one SQLite result code."""

    code: int
    message: str
    exception: type[sqlite3.Error]


# Codes, texts (sqlite3_errstr, which words extended codes like their primary code) and the
# exception class Python's sqlite3 module maps each primary code to (_pysqlite_seterror).
SQLITE_ERRORS: dict[str, SqliteErrorShape] = {
    "SQLITE_BUSY": SqliteErrorShape(5, "database is locked", sqlite3.OperationalError),
    "SQLITE_BUSY_RECOVERY": SqliteErrorShape(261, "database is locked", sqlite3.OperationalError),
    "SQLITE_BUSY_SNAPSHOT": SqliteErrorShape(517, "database is locked", sqlite3.OperationalError),
    "SQLITE_LOCKED": SqliteErrorShape(6, "database table is locked", sqlite3.OperationalError),
    "SQLITE_LOCKED_SHAREDCACHE": SqliteErrorShape(
        262, "database table is locked", sqlite3.OperationalError
    ),
    "SQLITE_READONLY": SqliteErrorShape(
        8, "attempt to write a readonly database", sqlite3.OperationalError
    ),
    "SQLITE_IOERR": SqliteErrorShape(10, "disk I/O error", sqlite3.OperationalError),
    "SQLITE_IOERR_READ": SqliteErrorShape(266, "disk I/O error", sqlite3.OperationalError),
    "SQLITE_IOERR_WRITE": SqliteErrorShape(778, "disk I/O error", sqlite3.OperationalError),
    "SQLITE_IOERR_FSYNC": SqliteErrorShape(1034, "disk I/O error", sqlite3.OperationalError),
    "SQLITE_CORRUPT": SqliteErrorShape(
        11, "database disk image is malformed", sqlite3.DatabaseError
    ),
    "SQLITE_FULL": SqliteErrorShape(13, "database or disk is full", sqlite3.OperationalError),
    "SQLITE_CANTOPEN": SqliteErrorShape(
        14, "unable to open database file", sqlite3.OperationalError
    ),
    "SQLITE_PROTOCOL": SqliteErrorShape(15, "locking protocol", sqlite3.OperationalError),
}


def sqlite_error(name: str) -> sqlite3.Error:
    """Return a fresh error exactly as the sqlite3 module would raise it for result ``name``."""
    shape = SQLITE_ERRORS.get(name) if isinstance(name, str) else None
    if shape is None:
        raise ValueError(
            f"Unknown SQLite error name {name!r}; use one of {', '.join(sorted(SQLITE_ERRORS))}."
        )
    error = shape.exception(shape.message)
    # Python >= 3.11 sets these on every sqlite3 error; set them on 3.10 as well.
    # (Through setattr: typeshed declares them for 3.11+ only.)
    for attribute, value in (("sqlite_errorcode", shape.code), ("sqlite_errorname", name)):
        setattr(error, attribute, value)
    return error


def check_method(method: object) -> str:
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(
            f"Unknown store method {method!r}; faults can be planned for {', '.join(METHODS)}."
        )
    return method


class Faults:
    """Planned failures of a FakeStore: each planned error is raised by one attempt.

    ``fail("add_message", times=2, error="SQLITE_BUSY")`` makes the next two attempts of
    ``add_message`` raise ``sqlite3.OperationalError("database is locked")`` with
    ``sqlite_errorcode == 5`` and ``sqlite_errorname == "SQLITE_BUSY"``. Writes raise it inside
    their retried attempt, so the store's retry policy answers it as it answers a real one;
    reads are not retried and raise it to the caller. Plans for one method queue up in order.
    """

    def __init__(self) -> None:
        self._planned: dict[str, deque[str]] = {}

    def fail(self, method: str, *, times: int = 1, error: str = "SQLITE_BUSY") -> None:
        check_method(method)
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError(f"times must be a positive int, got {times!r}.")
        sqlite_error(error)  # validate the name now, not at the failing call
        self._planned.setdefault(method, deque()).extend([error] * times)

    def pending(self, method: str | None = None) -> int:
        """How many planned errors are still to be raised (for ``method``, or in all)."""
        if method is None:
            return sum(len(queue) for queue in self._planned.values())
        return len(self._planned.get(check_method(method), ()))

    def clear(self) -> None:
        self._planned.clear()

    def check(self, method: str) -> None:
        """Raise the next planned error for ``method``, if any (called inside an attempt)."""
        queue = self._planned.get(method)
        if queue:
            raise sqlite_error(queue.popleft())

    def __repr__(self) -> str:
        planned = {m: list(q) for m, q in self._planned.items() if q}
        return f"Faults({planned!r})"
