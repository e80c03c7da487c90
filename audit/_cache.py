"""The persistent cache of per-file products (prefilter verdict, sites, module summaries).

Each file's entry is keyed by its path and checked by ``(size, mtime_ns)``; when those
differ, the content's digest decides, so a touched but unchanged file keeps its products.
Findings are always recomputed from the products (cheap), so an entry never has to know
which other modules its findings depend on. The whole cache is dropped when the tool
version, the tool's own source files or the config change. A cache that cannot be read is
ignored and rebuilt; one that cannot be written leaves the run uncached (one note).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._types import Config
from ._version import __version__

CACHE_FILE = "files.pickle"
RUNS_FILE = "runs.pickle"
_RUNS_KEPT = 8  # whole-run answers remembered (e.g. the suite and a few pre-commit sets)
# Files modified this recently may change again within the clock's granularity, so their
# stat is not trusted next time: the digest decides.
_RACY_NS = 2_000_000_000


@dataclass
class Entry:
    size: int
    mtime_ns: int
    digest: bytes
    products: dict[str, Any] = field(default_factory=dict)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def salt(config: Config) -> bytes:
    """What every entry depends on besides its file: version, tool sources and config."""
    here = Path(__file__).parent
    tool = []
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            st = os.stat(here / name)
            tool.append((name, st.st_size, st.st_mtime_ns))
    return _digest(repr((__version__, tool, _config_key(config))).encode())


def _config_key(config: Config) -> tuple[Any, ...]:
    return (
        str(config.root),
        tuple(map(str, config.src)),
        tuple(map(str, config.tests)),
        config.exclude,
        config.require,
        sorted(config.stubs.items()),
        sorted(config.ignore),
    )


class FileCache:
    """Per-file products for one run, loaded from and saved to ``directory`` when given."""

    def __init__(
        self,
        directory: Path | None,
        key: bytes = b"",
        *,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.directory = directory
        self.key = key
        self.warn = warn
        self.entries: dict[str, Entry] = {}
        self._checked: dict[str, Entry | None] = {}  # validated this run (None: unreadable)
        self.dirty = False
        self._loaded = directory is None
        self._runs: dict[bytes, Any] | None = None
        self._runs_dirty = False

    @property
    def persistent(self) -> bool:
        return self.directory is not None

    def _load(self, file: Path) -> None:
        # Loaded on first use: a run answered whole by ``recall`` never needs the entries.
        self._loaded = True
        try:
            with open(file, "rb") as handle:
                stored = pickle.load(handle)
        except FileNotFoundError:
            return
        except Exception:  # corrupt, truncated or from another Python: start afresh
            self.dirty = True
            return
        if (
            isinstance(stored, tuple)
            and len(stored) == 2
            and stored[0] == self.key
            and isinstance(stored[1], dict)
        ):
            self.entries = stored[1]
        else:
            self.dirty = True

    def entry(self, path: Path, data: bytes | None = None) -> tuple[Entry | None, bytes | None]:
        """The entry for the file's current content, and its bytes if they had to be read.

        Returns (None, None) when the file cannot be stat'ed or read.
        """
        name = str(path)
        if name in self._checked:
            return self._checked[name], data
        try:
            st = os.stat(path)
        except OSError:
            self._checked[name] = None
            return None, None
        old = self._entries().get(name)
        if old is not None and old.size == st.st_size and old.mtime_ns == st.st_mtime_ns:
            self._checked[name] = old
            return old, data
        if data is None:
            try:
                data = path.read_bytes()
            except OSError:
                self._checked[name] = None
                return None, None
        digest = _digest(data) if self.persistent else b""
        if old is not None and old.digest == digest and self.persistent:
            old.size, old.mtime_ns = st.st_size, st.st_mtime_ns
        else:
            old = Entry(st.st_size, st.st_mtime_ns, digest)
        self.entries[name] = old
        self._checked[name] = old
        self.dirty = True
        return old, data

    def _entries(self) -> dict[str, Entry]:
        """Every stored entry (loading the cache file if need be)."""
        if not self._loaded and self.directory is not None:
            self._load(self.directory / CACHE_FILE)
        return self.entries

    def put(self, entry: Entry, key: str, value: Any) -> None:
        """Record one product of a file (checked by ``entry``) for later runs."""
        entry.products[key] = value
        self.dirty = True

    # --- whole runs ---------------------------------------------------------

    def _load_runs(self) -> dict[bytes, Any]:
        if self._runs is None:
            self._runs = {}
            if self.directory is not None:
                try:
                    with open(self.directory / RUNS_FILE, "rb") as handle:
                        stored = pickle.load(handle)
                    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.key:
                        self._runs = dict(stored[1])
                except Exception:  # missing or corrupt: nothing remembered
                    pass
        return self._runs

    def recall(self, key: bytes) -> Any:
        """The answer remembered for a run whose inputs hash to ``key``, or None."""
        return self._load_runs().get(key) if self.persistent else None

    def remember(self, key: bytes, value: Any) -> None:
        if not self.persistent:
            return
        runs = self._load_runs()
        runs.pop(key, None)
        runs[key] = value
        while len(runs) > _RUNS_KEPT:
            del runs[next(iter(runs))]
        self._runs_dirty = True

    def save(self) -> None:
        """Write the entries atomically; a failure turns into one note and no cache."""
        if self.directory is None or not (self.dirty or self._runs_dirty):
            return
        now = time.time_ns()
        for entry in self.entries.values():
            if now - entry.mtime_ns < _RACY_NS:
                entry.mtime_ns = -1  # re-verified by digest next time
        # Entries of files not seen this run are kept (another run may check other paths)
        # unless the file is gone, so the cache does not grow with deleted files (checked
        # only when something is written anyway, so a warm run stats nothing extra).
        for name in [n for n in self.entries if n not in self._checked]:
            if not os.path.exists(name):
                del self.entries[name]
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if self.dirty:
                _dump(self.directory / CACHE_FILE, (self.key, self.entries))
            if self._runs_dirty and self._runs is not None:
                _dump(self.directory / RUNS_FILE, (self.key, self._runs))
            gitignore = self.directory / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Created by mock-audit.\n*\n", encoding="utf-8")
        except OSError as exc:
            if self.warn is not None:
                self.warn(
                    f"The cache directory {str(self.directory)!r} cannot be written ({exc}); "
                    "this run was not cached."
                )
        self.dirty = self._runs_dirty = False


def _dump(file: Path, value: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def fingerprint(files: list[str], dirs: list[Path], extra: object) -> bytes | None:
    """Hash the stat of ``files`` and of every .py file and directory under ``dirs``.

    None when some file changed within the clock's granularity (the answer could go
    stale unseen), so such a run is not remembered.
    """
    now = time.time_ns()
    rows: list[tuple[str, int, int]] = []
    for name in files:
        try:
            st = os.stat(name)
        except OSError:
            rows.append((name, -1, -1))
            continue
        rows.append((name, st.st_size, st.st_mtime_ns))
    for root in dirs:
        for dirpath, dirnames, filenames in os.walk(root):
            kept = []
            for d in sorted(dirnames):
                if d.startswith(".") or d == "__pycache__":
                    continue
                # A virtualenv is no part of the project (the index skips it too) and can
                # hold tens of thousands of files: its presence is hashed, not its content.
                if os.path.isfile(os.path.join(dirpath, d, "pyvenv.cfg")):
                    rows.append((os.path.join(dirpath, d), -2, -2))
                    continue
                kept.append(d)
            dirnames[:] = kept
            rows.append((dirpath, 0, 0))  # a new directory can be a new namespace package
            for fname in sorted(filenames):
                if fname.endswith(".py"):
                    full = os.path.join(dirpath, fname)
                    try:
                        st = os.stat(full)
                    except OSError:
                        continue
                    rows.append((full, st.st_size, st.st_mtime_ns))
    if any(now - mtime < _RACY_NS for _, _, mtime in rows if mtime > 0):
        return None
    return _digest(repr((extra, rows)).encode())


def open_cache(
    config: Config, *, enabled: bool = True, warn: Callable[[str], None] | None = None
) -> FileCache:
    """The cache for a run: persistent under ``config.cache_dir`` unless disabled."""
    if not enabled or config.cache_dir is None:
        return FileCache(None)
    return FileCache(config.cache_dir, salt(config), warn=warn)
