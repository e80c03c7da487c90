"""The project index: which file a dotted module name is, and what every module imports.

Only ``ast`` is used and no user code is imported. Summaries are made lazily and
once per file, so a run parses just the modules it needs.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._cache import FileCache
from ._summary import ModuleSummary, summarize_file
from ._types import Config, StubKind

# Directories that never hold project modules (and can be huge).
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "build", "dist"})


@dataclass(frozen=True)
class ModuleRef:
    name: str
    path: Path | None  # None for a namespace package
    is_package: bool


def is_excluded(path: Path, root: Path, patterns: Iterable[str]) -> bool:
    """Match a path (relative to the config root, '/'-separated) or any of its parts."""
    if not patterns:
        return False
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix()
    parts = rel.split("/")
    for pat in patterns:
        pat = pat.rstrip("/")
        if fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(rel, pat + "/*"):
            return True
        if "/" not in pat and any(fnmatch.fnmatch(p, pat) for p in parts):
            return True
        # "a/b" also excludes everything under a/b.
        if any(fnmatch.fnmatch("/".join(parts[:i]), pat) for i in range(1, len(parts))):
            return True
    return False


def _walk(root: Path, exclude: tuple[str, ...], config_root: Path) -> Iterator[Path]:
    if root.is_file():
        if root.suffix == ".py":
            yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".")
            and d not in _SKIP_DIRS
            and not (here / d / "pyvenv.cfg").exists()
            and not (exclude and is_excluded(here / d, config_root, exclude))
        )
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = here / name
                if not (exclude and is_excluded(path, config_root, exclude)):
                    yield path


def pytest_module_name(path: Path) -> tuple[str, Path]:
    """Name a file the way pytest's default import mode does: (dotted name, sys.path entry)."""
    parts = [path.stem] if path.name != "__init__.py" else []
    directory = path.parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        parts.append(directory.name)
        directory = directory.parent
    return ".".join(reversed(parts)), directory


class ProjectIndex:
    """Resolve module names under the configured roots and summarise modules on demand."""

    def __init__(self, config: Config, cache: FileCache | None = None) -> None:
        self.config = config
        # Summaries and byte-search verdicts per file (persistent when the run has a cache).
        self.cache = cache if cache is not None else FileCache(None)
        roots = [*config.src, *config.tests]
        # pytest puts the first non-package ancestor of a test package on sys.path.
        for test_root in config.tests:
            if (test_root / "__init__.py").is_file():
                roots.append(pytest_module_name(test_root / "__init__.py")[1])
        seen: set[Path] = set()
        self.roots: list[Path] = []
        for root in roots:
            resolved = root.resolve()
            if resolved not in seen and resolved.is_dir():
                seen.add(resolved)
                self.roots.append(resolved)
        self._summaries: dict[Path, ModuleSummary] = {}
        self._resolved: dict[tuple[str, Path | None], ModuleRef | None] = {}
        self._files: list[Path] | None = None
        self._used: dict[str, dict[str, list[str]]] = {}
        self._names: dict[Path, tuple[str, Path]] = {}
        self._tests = [t.resolve() for t in config.tests]
        self._test_prefixes = [str(t).rstrip(os.sep) for t in self._tests]
        # Filled by the reachability layer: a file's resolved import edges.
        self.edge_cache: dict[Path, list[Any]] = {}

    # --- resolution -------------------------------------------------------

    def resolve(self, module: str, *, extra_root: Path | None = None) -> ModuleRef | None:
        """Return the module's file under the roots (``extra_root`` tried last), or None."""
        key = (module, extra_root)
        if key not in self._resolved:
            roots = self.roots if extra_root is None else [*self.roots, extra_root]
            self._resolved[key] = self._resolve(module, roots)
        return self._resolved[key]

    @staticmethod
    def _resolve(module: str, roots: list[Path]) -> ModuleRef | None:
        if not module or not all(part.isidentifier() for part in module.split(".")):
            return None
        # os.path on strings: this runs for every module name a big tree imports, and
        # pathlib's object overhead costs more than the stat calls themselves.
        rel = module.replace(".", os.sep)
        namespace: ModuleRef | None = None
        for root in roots:
            base = os.path.join(root, rel)
            init = os.path.join(base, "__init__.py")
            # Resolved once here (memoised by the caller) so paths compare equal everywhere.
            if os.path.isfile(init):
                return ModuleRef(module, Path(init).resolve(), True)
            if os.path.isfile(base + ".py"):
                return ModuleRef(module, Path(base + ".py").resolve(), False)
            if namespace is None and os.path.isdir(base):
                namespace = ModuleRef(module, None, True)
        return namespace

    def is_test_file(self, path: Path) -> bool:
        """Whether a (resolved) file lies under a configured test root."""
        # String prefixes: Path.is_relative_to costs more than the whole answer is worth
        # when asked for every file of a big tree.
        name = str(path)
        return any(name == t or name.startswith(t + os.sep) for t in self._test_prefixes)

    def module_name(self, path: Path) -> tuple[str, Path]:
        """Return (dotted name, the root it is relative to) for a file."""
        cached = self._names.get(path)
        if cached is not None:
            return cached
        resolved = path.resolve()
        cached = self._names.get(resolved)
        if cached is None:
            cached = self._names[resolved] = self._module_name(resolved)
        self._names[path] = cached
        return cached

    def _module_name(self, resolved: Path) -> tuple[str, Path]:
        if not any(resolved.is_relative_to(t) for t in self._tests):
            # Deepest source root wins: src/pkg/mod.py is pkg.mod, not src.pkg.mod.
            for root in sorted(self.roots, key=lambda r: len(r.parts), reverse=True):
                if resolved.is_relative_to(root) and resolved != root:
                    rel = resolved.relative_to(root)
                    parts = list(rel.with_suffix("").parts)
                    if parts[-1] == "__init__":
                        parts.pop()
                    if parts and all(p.isidentifier() for p in parts):
                        return ".".join(parts), root
        return pytest_module_name(resolved)

    # --- summaries --------------------------------------------------------

    def summary(self, path: Path, data: bytes | None = None) -> ModuleSummary:
        """Summarise a file once; ``data`` spares a second read when the caller has it."""
        cached = self._summaries.get(path)
        if cached is not None:
            return cached
        path = path.resolve()
        cached = self._summaries.get(path)
        if cached is not None:
            return cached
        result = self._summary(path, data)
        self._summaries[path] = result
        return result

    def has_summary(self, path: Path) -> bool:
        """Whether the file's summary is at hand (made in this run, or cached and current)."""
        if path in self._summaries:
            return True
        entry, _ = self.cache.entry(path)
        return entry is not None and "summary" in entry.products

    def add_summary(self, path: Path, summary: ModuleSummary) -> None:
        """Take a summary made elsewhere (a worker) for a resolved path, and cache it."""
        self._summaries[path] = summary
        entry, _ = self.cache.entry(path)
        if entry is not None:
            self.cache.put(entry, "summary", summary)

    def _summary(self, path: Path, data: bytes | None) -> ModuleSummary:
        module, _ = self.module_name(path)
        entry, data = self.cache.entry(path, data)
        if entry is not None:
            cached = entry.products.get("summary")
            if isinstance(cached, ModuleSummary):
                return cached
        result = summarize_file(path, module, data)
        if entry is not None:
            self.cache.put(entry, "summary", result)
        return result

    def files(self) -> list[Path]:
        """Every .py file under the roots (sources and tests), excluded ones left out."""
        if self._files is None:
            seen: set[Path] = set()
            files: list[Path] = []
            for root in self.roots:
                # Roots are resolved and os.walk does not follow directory links, so the
                # walked paths are real already (a resolve per file costs more than the walk).
                for resolved in _walk(root, self.config.exclude, self.config.root):
                    if resolved not in seen:
                        seen.add(resolved)
                        files.append(resolved)
            self._files = files
        return self._files

    # --- required names ---------------------------------------------------

    def used_names(self, targets: Iterable[str]) -> dict[str, dict[str, list[str]]]:
        """For each target: name -> modules that import it or read it as an attribute."""
        wanted = [t for t in targets if t not in self._used]
        if wanted:
            for t in wanted:
                self._used[t] = {}
            # Every importer of pkg.mod (absolute, ``from pkg import mod``, ``from .mod
            # import``, ``from . import mod``) and every reader of its attributes names
            # "mod" somewhere in its bytes, so only files that do are parsed.
            needles = sorted({t.rpartition(".")[2] for t in wanted})
            for path in self.files():
                if path in self._summaries or self.mentions(path, needles):
                    self._collect(self.summary(path), wanted)
        return {t: self._used[t] for t in targets}

    def mentions(self, path: Path, needles: list[str]) -> bool:
        """Whether the file's bytes contain any needle; verdicts are cached per file."""
        entry, data = self.cache.entry(path)
        if entry is None:
            return False
        known: dict[str, bool] = entry.products.get("mentions", {})
        todo = [n for n in needles if n not in known]
        if todo:
            try:
                data = data if data is not None else path.read_bytes()
            except OSError:
                return False
            known = {**known, **{n: n.encode() in data for n in todo}}
            self.cache.put(entry, "mentions", known)
        return any(known[n] for n in needles)

    def _collect(self, summary: ModuleSummary, targets: list[str]) -> None:
        for target in targets:
            used = self._used[target]
            for record in summary.imports:
                if record.module == target:
                    for name in record.names:
                        if name != "*":
                            used.setdefault(name, []).append(summary.module)
            prefix = target + "."
            for chain in summary.reads:
                if chain.startswith(prefix):
                    name = chain[len(prefix) :].split(".", 1)[0]
                    used.setdefault(name, []).append(summary.module)

    def public_names(self, target: str) -> tuple[str, ...]:
        ref = self.resolve(target)
        if ref is None or ref.path is None:
            return ()
        return self.summary(ref.path).public

    def required(self, target: str, require: str) -> tuple[set[str], set[str]]:
        """Return (names used by the project, public names only the exports rule adds)."""
        used = set(self.used_names([target])[target])
        if require != "exports":
            return used, set()
        return used, set(self.public_names(target)) - used

    def stub_kind(self, target: str, name: str) -> StubKind:
        """``async`` when the real binding is an ``async def`` (following one re-export)."""
        ref = self.resolve(target)
        if ref is None or ref.path is None:
            return "sync"
        summary = self.summary(ref.path)
        if name in summary.async_defs:
            return "async"
        for alias, source, original in summary.reexports:
            if alias == name:
                source_ref = self.resolve(source)
                if (
                    source_ref is not None
                    and source_ref.path is not None
                    and original in self.summary(source_ref.path).async_defs
                ):
                    return "async"
                break
        return "sync"
