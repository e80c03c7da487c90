"""The project as the audit sees it: where each module is, and what each imports.

``Project`` resolves dotted names to files under the source roots (and the folders
pytest puts on ``sys.path`` for the tests), names files the way pytest imports them,
and reads each module's imports once (``scan``; cached by content). Nothing of the
project is imported or run.
"""

from __future__ import annotations

import ast
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..cache import Cache, digest
from ..files import walk
from ..model import Config
from .scan import Import, scan

MODULE_SUFFIXES = (".py", ".pyx", ".pxd")


@dataclass(frozen=True)
class ModuleFile:
    name: str
    path: Path | None  # None: a namespace package (a folder without __init__.py)
    package: bool


def pytest_name(path: Path) -> tuple[str, Path]:
    """A file's module name the way pytest's default import mode names it, and the
    folder it puts on ``sys.path`` for it (the first ancestor without __init__.py)."""
    parts = [path.stem] if path.stem != "__init__" else []
    folder = path.parent
    while os.path.isfile(folder / "__init__.py") and folder.parent != folder:
        parts.append(folder.name)
        folder = folder.parent
    return ".".join(reversed(parts)), folder


class Project:
    """Resolve and scan modules of one project (one run)."""

    def __init__(self, config: Config, cache: Cache) -> None:
        self.config = config
        self.cache = cache
        roots: list[Path] = [*config.src]
        for test_root in config.tests:
            if os.path.isdir(test_root):  # (never raises, even on an unreadable folder)
                init = test_root / "__init__.py"
                roots.append(pytest_name(init)[1] if os.path.isfile(init) else test_root)
        seen: set[str] = set()
        self.roots: list[str] = []
        for root in roots:
            text = str(root.resolve())
            if text not in seen and os.path.isdir(text):
                seen.add(text)
                self.roots.append(text)
        self.package_dirs = {k: str(v) for k, v in config.package_dirs.items()}
        self._resolved: dict[tuple[str, str | None], ModuleFile | None] = {}
        self._scans: dict[str, tuple[Import, ...]] = {}
        self._names: dict[str, tuple[str, str]] = {}
        self.unparsable: dict[str, str] = {}  # module -> why it could not be read
        self._tests = [str(t.resolve()) for t in config.tests]
        self._sources: list[Path] | None = None
        self.unreadable: list[tuple[Path, str]] = []  # source folders and files
        self.digests: dict[str, str] = {}  # path -> content digest, as this run read it

    # --- where modules are ------------------------------------------------------------

    def resolve(self, name: str, extra: str | None = None) -> ModuleFile | None:
        """The file of module ``name`` (``extra`` is a sys.path entry tried last)."""
        key = (name, extra)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(name, extra)
        return self._resolved[key]

    def _resolve(self, name: str, extra: str | None) -> ModuleFile | None:
        parts = name.split(".")
        if not name or not all(p.isidentifier() for p in parts):
            return None
        roots = self.roots if extra is None else [*self.roots, extra]
        mapped = self.package_dirs.get(parts[0])
        candidates: list[str] = []
        if mapped is not None:
            candidates.append(os.path.join(mapped, *parts[1:]))
        candidates.extend(os.path.join(root, *parts) for root in roots)
        namespace: ModuleFile | None = None
        for base in candidates:
            init = os.path.join(base, "__init__.py")
            if os.path.isfile(init):
                return ModuleFile(name, Path(init), True)
            for suffix in MODULE_SUFFIXES:
                if os.path.isfile(base + suffix):
                    return ModuleFile(name, Path(base + suffix), False)
            if namespace is None and os.path.isdir(base):
                namespace = ModuleFile(name, None, True)
        return namespace

    def alias(self, name: str, found: ModuleFile) -> None:
        """``name`` is the module in ``found.path`` (a fake package whose ``__path__``
        is a real folder loads its submodules from there)."""
        self._resolved[(name, None)] = found

    def is_test_file(self, path: str) -> bool:
        return any(path == t or path.startswith(t + os.sep) for t in self._tests)

    def module_name(self, path: Path) -> tuple[str, str]:
        """(dotted name, package) a file is imported as: by pytest's rules under the
        tests, else relative to the deepest source root holding it."""
        key = str(path)
        known = self._names.get(key)
        if known is None:
            known = self._names[key] = self._module_name(path)
        return known

    def _module_name(self, path: Path) -> tuple[str, str]:
        text = str(path)
        if not self.is_test_file(text):
            for root in sorted(self.roots, key=len, reverse=True):
                if text.startswith(root + os.sep):
                    rel = text[len(root) + 1 :]
                    parts = rel.split(os.sep)
                    parts[-1] = parts[-1].rsplit(".", 1)[0]
                    is_package = parts[-1] == "__init__"
                    if is_package:
                        parts.pop()
                    if parts and all(p.isidentifier() for p in parts):
                        name = ".".join(parts)
                        return name, name if is_package else name.rpartition(".")[0]
        name, _ = pytest_name(path)
        package = name if path.stem == "__init__" else name.rpartition(".")[0]
        return name, package

    def is_first_party(self, name: str) -> bool:
        """Whether ``name`` is the project's own (resolvable, or under a top-level name
        the project owns)."""
        return name.split(".")[0] in self.config.first_party or self.resolve(name) is not None

    # --- what modules import ------------------------------------------------------------

    def file_of(self, name: str) -> tuple[Path, str] | None:
        """The file of module ``name`` and the package its relative imports start from;
        None for a module not in the project, or a namespace package."""
        found = self.resolve(name)
        if found is None or found.path is None:
            return None
        return found.path, name if found.package else name.rpartition(".")[0]

    def imports(self, name: str) -> tuple[Import, ...]:
        """The imports of module ``name`` (none for a module not in the project)."""
        found = self.file_of(name)
        return () if found is None else self.file_imports(found[0], name, found[1])

    def file_imports(self, path: Path, module: str, package: str) -> tuple[Import, ...]:
        key = f"{path}\0{package}"
        known = self._scans.get(key)
        if known is not None:
            return known
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.unparsable[module] = f"cannot be read ({exc.strerror or exc})"
            self._scans[key] = ()
            return ()
        known = self.scan_data(path, data, package, module)
        self._scans[key] = known
        return known

    def prefetch(self, files: Iterable[tuple[Path, str, str]]) -> None:
        """``file_imports`` for many (path, module, package) at once: their cached scans
        are fetched in a few queries instead of one each (a warm run reads thousands).
        A file whose digest this run already took (``digests``) is not read again unless
        its scan is not cached; then it is read and digested afresh, so a file changed
        since never has its scan stored under its old digest."""
        todo: dict[str, tuple[str, Path, str, str]] = {}
        for path, module, package in files:
            key = f"{path}\0{package}"
            if key in self._scans:
                continue
            known = self.digests.get(str(path))
            if known is None:
                try:
                    known = digest(path.read_bytes())
                except OSError:
                    continue  # file_imports says why, when asked
            todo[self._scan_key(path, package, known)] = (key, path, package, module)
        stored = self.cache.get_many("scan", list(todo))
        for cache_key, (key, path, package, module) in todo.items():
            rows = stored.get(cache_key)
            if isinstance(rows, list):
                try:
                    self._scans[key] = tuple(_import(row) for row in rows)
                    continue
                except (TypeError, ValueError, AssertionError):
                    pass
            self.file_imports(path, module, package)

    def _scan_key(self, path: Path, package: str, content_digest: str) -> str:
        return f"{self.relative(path)}\0{package}\0{content_digest}"

    def scan_data(self, path: Path, data: bytes, package: str, module: str) -> tuple[Import, ...]:
        cache_key = self._scan_key(path, package, digest(data))
        stored = self.cache.get("scan", cache_key)
        if isinstance(stored, list):
            try:
                return tuple(_import(row) for row in stored)
            except (TypeError, ValueError, AssertionError):
                pass
        found = scan(data, package)
        self.cache.put("scan", cache_key, [_row(r) for r in found])
        return found

    def relative(self, path: Path) -> str:
        root = str(self.config.root)
        text = str(path)
        return (
            text[len(root) + 1 :].replace(os.sep, "/") if text.startswith(root + os.sep) else text
        )

    def sources(self) -> list[Path]:
        """Every source module file under the source roots (test files left out)."""
        if self._sources is None:
            found = walk(
                self.config.src,
                root=self.config.root,
                exclude=self.config.exclude,
                suffixes=(".py", ".pyx"),
            )
            self._sources = [p for p in found.files if not self.is_test_file(str(p))]
            self.unreadable.extend(found.unreadable)
        return self._sources


def _row(record: Import) -> list[object]:
    return [
        record.line,
        record.module,
        list(record.names),
        record.when,
        record.guarded,
        [list(b) for b in record.binds],
    ]


def _import(row: list[object]) -> Import:
    line, module, names, when, guarded, binds = row
    assert isinstance(line, int) and isinstance(module, str) and isinstance(names, list)
    assert isinstance(binds, list) and when in ("import", "call", "never")
    return Import(
        line,
        module,
        tuple(str(n) for n in names),
        when,
        bool(guarded),
        tuple((str(a), str(b)) for a, b in binds),
    )


def parse_error(path: Path, cache: Cache | None = None) -> str | None:
    """Why a module does not parse with this Python, or None when it does (the answer
    is cached by content: parsing a large module again costs more than the claim)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    key = digest(data)
    stored = cache.get("parse", key) if cache is not None else None
    if isinstance(stored, list) and len(stored) == 1:
        return stored[0] if isinstance(stored[0], str) else None
    error: str | None = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(data)
    except SyntaxError as exc:
        error = f"does not parse (line {exc.lineno}: {exc.msg})"
    except (ValueError, RecursionError, MemoryError) as exc:
        error = f"cannot be parsed ({type(exc).__name__})"
    if cache is not None:
        cache.put("parse", key, [error])
    return error


def names_of(records: Iterable[Import]) -> set[str]:
    return {n for r in records for n in r.names}
