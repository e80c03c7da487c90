"""The persistent cache: JSON data in SQLite, so loading it never executes code.

A cache directory can arrive with a cloned repository, so nothing in it is trusted: the
values are JSON text decoded with ``json.loads`` (no pickle, marshal or eval), a file
that is not our database (garbage, truncated, another schema, triggers or views, a
link) is replaced and rebuilt, and the cache never writes outside its directory.

Entries are ``(kind, key) -> value``. Callers make keys from root-relative paths and
content digests (``f"{relpath}\\0{digest(data)}"``), never absolute paths or mtimes, so
a cache restored into a fresh clone, at the same or another path, still hits. The
``salt`` covers the tool version and the config: entries written under another salt
are ignored, and cleared on the next save. Entries unused for ``_MAX_AGE`` are dropped.

Several processes can share one cache: WAL mode, a busy timeout, and each save is one
short transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

DB_NAME = "cache.sqlite3"
_SCHEMA_VERSION = 1
_SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE entries (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    " used INTEGER NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID",
)
_BUSY_TIMEOUT_S = 10.0
_MAX_AGE_S = 30 * 86400
_REFRESH_S = 86400  # a hit refreshes its entry's age at most this often (a warm run writes nothing)
_BATCH = 900  # keys per query: under the smallest limit on bound parameters (999)
_SIDE_FILES = ("-wal", "-shm", "-journal")
# Only the cache's own files: a cache-dir that also holds other files (say a test folder)
# must not hide them from git.
_GITIGNORE = (
    "# Created by mock-audit: the cache is never committed.\n"
    "cache.sqlite3\ncache.sqlite3-*\n.gitignore\n"
)


def digest(data: bytes) -> str:
    """A content digest for cache keys."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class _Corrupt(Exception):
    """The database file is not one this cache wrote: rebuild it."""


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    name = getattr(exc, "sqlite_errorname", "")  # Python 3.11+
    if name in ("SQLITE_NOTADB", "SQLITE_CORRUPT", "SQLITE_CORRUPT_INDEX"):
        return True
    text = str(exc)
    return "file is not a database" in text or "malformed" in text


def _expected_schema() -> list[tuple[str, str, str | None]]:
    with contextlib.closing(sqlite3.connect(":memory:")) as conn:
        for statement in _SCHEMA:
            conn.execute(statement)
        return _schema_of(conn)


def _schema_of(conn: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    return [(str(t), str(n), None if s is None else str(s)) for t, n, s in rows]


class Cache:
    """Cached JSON values by ``(kind, key)``; puts are written by ``save``."""

    def __init__(self, directory: Path | None, salt: str, warn: Callable[[str], None]) -> None:
        self._dir = directory  # None: disabled, from the start or after a failure
        self.salt = salt
        self._warn = warn
        self._warned = False
        self._conn: sqlite3.Connection | None = None
        self._rebuild = False  # the file there is not ours: replace it on save
        self._pending: dict[tuple[str, str], str] = {}
        self._hits: list[tuple[str, str]] = []  # entries to mark as used on save

    @classmethod
    def open(cls, directory: Path | None, salt: str, *, warn: Callable[[str], None]) -> Cache:
        """The cache in ``directory``; None gives a disabled cache. Never raises."""
        cache = cls(directory, salt, warn)
        if directory is not None:
            directory = directory.absolute()
            cache._dir = directory
            try:
                cache._connect_existing()
            except _Corrupt:
                cache._drop_connection(rebuild=True)
            except (OSError, sqlite3.Error) as exc:
                cache._fail("read", exc)
        return cache

    @property
    def _db(self) -> Path:
        assert self._dir is not None
        return self._dir / DB_NAME

    def _connect_existing(self) -> None:
        if not self._safe_directory():
            return
        if not all(_regular_or_missing(Path(f"{self._db}{s}")) for s in _SIDE_FILES):
            raise _Corrupt("a side file of the database is not a regular file")
        try:
            mode = os.lstat(self._db).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return  # made on the first save
        if not stat.S_ISREG(mode):
            raise _Corrupt("the database is not a regular file")
        self._conn = self._connect(self._db)

    def _safe_directory(self) -> bool:
        """Whether the directory may be used: a link could point anywhere."""
        assert self._dir is not None
        if self._dir.is_symlink():
            self._fail_message(
                f"The cache directory {str(self._dir)!r} is a symbolic link; "
                "it is not used, so this run is not cached."
            )
            return False
        return True

    def _connect(self, path: Path) -> sqlite3.Connection:
        """Open our database at ``path`` (it must exist) and check it is ours."""
        conn = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=rw",
            uri=True,
            timeout=_BUSY_TIMEOUT_S,
            isolation_level=None,
        )
        try:
            # A schema's functions must not have side effects (SQLite >= 3.31).
            conn.execute("PRAGMA trusted_schema = OFF")
            try:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                schema = _schema_of(conn)
            except sqlite3.DatabaseError as exc:
                if _is_corrupt(exc):
                    raise _Corrupt(str(exc)) from exc
                raise
            if version != _SCHEMA_VERSION or schema != _EXPECTED:
                raise _Corrupt("the database was not made by this cache")
            conn.execute("PRAGMA synchronous = NORMAL")  # WAL keeps it consistent anyway
        except BaseException:
            conn.close()
            raise
        return conn

    def _drop_connection(self, *, rebuild: bool) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._rebuild = self._rebuild or rebuild

    def _fail(self, action: str, exc: BaseException) -> None:
        self._fail_message(
            f"The cache in {str(self._dir)!r} cannot be {action} ({exc}); this run is not cached."
        )

    def _fail_message(self, message: str) -> None:
        # From here on the run is uncached: one warning, whatever else goes wrong.
        self._dir = None
        self._drop_connection(rebuild=False)
        self._pending.clear()
        if not self._warned:
            self._warned = True
            self._warn(message)

    # --- reading -----------------------------------------------------------------

    def get(self, kind: str, key: str) -> Any | None:
        """The value stored for ``(kind, key)``, or None."""
        return self.get_many(kind, [key]).get(key)

    def get_many(self, kind: str, keys: Sequence[str]) -> dict[str, Any]:
        """The stored values of those ``keys`` that have one."""
        found: dict[str, Any] = {}
        todo: list[str] = []
        for key in keys:
            pending = self._pending.get((kind, key))
            if pending is not None:
                found[key] = json.loads(pending)
            else:
                todo.append(key)
        if self._conn is None or not todo:
            return found
        try:
            for start in range(0, len(todo), _BATCH):
                self._select(kind, todo[start : start + _BATCH], found)
        except sqlite3.DatabaseError as exc:
            if _is_corrupt(exc):
                self._drop_connection(rebuild=True)
            else:
                self._fail("read", exc)
        return found

    def _select(self, kind: str, keys: list[str], found: dict[str, Any]) -> None:
        assert self._conn is not None
        marks = ",".join("?" * len(keys))
        # The salt is checked in the same statement, so a save by another version of the
        # tool between two reads can never hand us its entries.
        rows = self._conn.execute(
            f"SELECT key, value, used FROM entries WHERE kind = ? AND key IN ({marks})"
            " AND EXISTS (SELECT 1 FROM meta WHERE name = 'salt' AND value = ?)",
            (kind, *keys, self.salt),
        ).fetchall()
        stale = _now() - _REFRESH_S
        for key, value, used in rows:
            try:
                found[key] = json.loads(value)
            except (TypeError, ValueError, RecursionError):
                continue  # not written by us: a miss
            if not isinstance(used, int) or used < stale:
                self._hits.append((kind, key))

    # --- writing -----------------------------------------------------------------

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store a JSON-able value (written by ``save``); other values raise TypeError,
        also when the cache is disabled, so a bad value never waits for a cached run."""
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if self._dir is not None:
            self._pending[kind, key] = text

    def save(self) -> None:
        """Write the puts in one transaction; a failure is one warning, never an error."""
        if self._dir is None:
            return
        try:
            for attempt in (1, 2):
                try:
                    self._save()
                    break
                except (_Corrupt, sqlite3.DatabaseError) as exc:
                    corrupt = isinstance(exc, _Corrupt) or _is_corrupt(exc)
                    if not corrupt or attempt == 2:
                        raise
                    self._drop_connection(rebuild=True)  # and build it afresh
        except (OSError, sqlite3.Error, _Corrupt) as exc:
            self._fail("written", exc)
        self._pending.clear()
        self._hits.clear()

    def _save(self) -> None:
        if not self._pending and not self._hits and self._conn is not None and self._salt_matches():
            return  # a warm run writes nothing
        if not self._pending and self._conn is None and not self._rebuild:
            return  # nothing to write, nothing to clear
        if not self._safe_directory():
            return
        assert self._dir is not None
        self._dir.mkdir(parents=True, exist_ok=True)
        _write_gitignore(self._dir)
        if self._conn is None:
            self._create()
        assert self._conn is not None
        now = _now()
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if not self._salt_matches():
                conn.execute("DELETE FROM entries")
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('salt', ?)", (self.salt,))
            conn.executemany(
                "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                [(kind, key, text, now) for (kind, key), text in self._pending.items()],
            )
            conn.executemany(
                "UPDATE entries SET used = ? WHERE kind = ? AND key = ?",
                [(now, kind, key) for kind, key in self._hits],
            )
            conn.execute("DELETE FROM entries WHERE used < ?", (now - _MAX_AGE_S,))
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def _salt_matches(self) -> bool:
        assert self._conn is not None
        row = self._conn.execute("SELECT value FROM meta WHERE name = 'salt'").fetchone()
        return row is not None and row[0] == self.salt

    def _create(self) -> None:
        """Make a fresh database (replacing one that is not ours) and connect to it."""
        assert self._dir is not None
        # Built aside and moved in whole, so another process never sees half of it.
        fd, name = tempfile.mkstemp(dir=self._dir, prefix=f".{DB_NAME}.", suffix=".tmp")
        os.close(fd)
        tmp = Path(name)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would lock out a cache restored for another user
        try:
            with contextlib.closing(sqlite3.connect(tmp, isolation_level=None)) as conn:
                conn.execute("PRAGMA journal_mode = WAL")
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
                conn.execute("INSERT INTO meta VALUES ('salt', ?)", (self.salt,))
            if self._rebuild:
                for suffix in _SIDE_FILES:  # an old log must not be replayed into the new file
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(f"{self._db}{suffix}")
                os.replace(tmp, self._db)
            else:
                try:  # another process may have made one meanwhile: keep theirs
                    os.link(tmp, self._db)
                except FileExistsError:
                    pass
                except OSError:  # a file system without hard links
                    if not os.path.lexists(self._db):
                        os.replace(tmp, self._db)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self._rebuild = False
        self._conn = self._connect(self._db)

    def close(self) -> None:
        """Close the database (without saving)."""
        self._drop_connection(rebuild=False)


def _now() -> int:
    return int(time.time())


def _regular_or_missing(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return True


def _write_gitignore(directory: Path) -> None:
    """Keep the cache out of git, unless the directory already has a .gitignore."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(directory / ".gitignore", flags, 0o644)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(_GITIGNORE)


_EXPECTED = _expected_schema()
