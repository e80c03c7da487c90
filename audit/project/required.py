"""Required names: what the project's own code asks a faked module for.

"Own code" is the source modules, plus, for one site, its own test file, the
conftests pytest loads for it and the test helper modules it imports. From sources
every ``from target import name`` counts (not under ``if TYPE_CHECKING:``) and every
``alias.name`` read through an import of the target; from the test side only imports
made inside functions (module-level ones run before the fake is installed, or in its
window, where the replay sees them). Names only other test modules read are never
required, nor submodules read by dotted path; only names the real module binds.
One pass over the sources builds an index for every faked module at once.

A package's submodules imported by dotted path (``import app.tools.x``, ``from
app.tools.x import y``; not under a ``try`` that catches the ImportError) are not names
of it, but a fake of the package needs a ``__path__`` for them (``submodules``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .index import Project
from .names import RealNames
from .scan import Import

Uses = dict[str, dict[str, set[str]]]  # target -> name -> modules that ask for it


class Required:
    def __init__(self, project: Project, real: RealNames, targets: Iterable[str]) -> None:
        self.project = project
        self.real = real
        self.targets = frozenset(targets)
        self._sources: Uses | None = None
        self._children: Uses = {t: {} for t in self.targets}  # target -> submodule -> askers
        self._imported: dict[str, set[str]] = {t: set() for t in self.targets}  # from-imports
        # "app" and "app.crud" -> the targets at or under them (an import binds a prefix)
        self._under: dict[str, list[str]] = {}
        for target in sorted(self.targets):
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                self._under.setdefault(".".join(parts[:i]), []).append(target)

    def sources(self) -> Uses:
        """What the source modules ask each target for (built once)."""
        if self._sources is None:
            uses: Uses = {t: {} for t in self.targets}
            named = [(path, *self.project.module_name(path)) for path in self.project.sources()]
            self.project.prefetch(named)
            for path, module, package in named:
                records = self.project.file_imports(path, module, package)
                self._add(records, module, uses, functions_only=False)
                self._reads(path, records, module, uses)
                self._add_children(records, module, self._children, functions_only=False)
            self._sources = uses
        return self._sources

    def submodules(self, target: str, own_files: Iterable[Path]) -> dict[str, set[str]]:
        """The real submodules of ``target`` own code imports by dotted path, each with
        the modules that import it (for a fake of ``target``: it needs a ``__path__``)."""
        self.sources()
        found: Uses = {target: {c: set(m) for c, m in self._children[target].items()}}
        for path in own_files:
            module, package = self.project.module_name(path)
            records = self.project.file_imports(path, module, package)
            self._add_children(records, module, found, functions_only=True)
        return {c: m for c, m in found[target].items() if self.project.resolve(c) is not None}

    def _add_children(
        self, records: Iterable[Import], module: str, children: Uses, *, functions_only: bool
    ) -> None:
        for record in records:
            if record.when == "never" or record.guarded:
                continue
            if functions_only and record.when != "call":
                continue
            parts = record.module.split(".")
            for i in range(1, len(parts)):
                target = ".".join(parts[:i])
                wanted = children.get(target)
                # the package's own modules do not run while a fake stands in for it
                if wanted is not None and not (module + ".").startswith(target + "."):
                    wanted.setdefault(".".join(parts[: i + 1]), set()).add(module)

    def test_side(self, path: Path, target: str) -> dict[str, set[str]]:
        """What a test-side file asks ``target`` for inside its functions."""
        module, package = self.project.module_name(path)
        uses: Uses = {target: {}}
        records = self.project.file_imports(path, module, package)
        self._add(records, module, uses, functions_only=True)
        return uses[target]

    def _add(
        self, records: Iterable[Import], module: str, uses: Uses, *, functions_only: bool
    ) -> None:
        for record in records:
            if record.when == "never" or (functions_only and record.when != "call"):
                continue
            wanted = uses.get(record.module)
            if wanted is None:
                continue
            for name in record.names:
                if name != "*":
                    wanted.setdefault(name, set()).add(module)
                    self._imported.setdefault(record.module, set()).add(name)

    def _reads(self, path: Path, records: Iterable[Import], module: str, uses: Uses) -> None:
        """``import app.crud as crud`` then ``crud.name``: a read of ``name``."""
        spellings: dict[str, str] = {}  # "crud" / "app.crud" as spelled here -> target
        for record in records:
            if record.when == "never":
                continue
            for local, refers in record.binds:
                for target in self._under.get(refers, ()):
                    spellings[local + target[len(refers) :]] = target
        if not spellings:
            return
        try:
            data = path.read_bytes()
        except OSError:
            return
        # one pass for every spelling: longest first, so "app.crud" wins over "app"
        alternatives = b"|".join(
            re.escape(s.encode()) for s in sorted(spellings, key=len, reverse=True)
        )
        pattern = re.compile(rb"(?<![\w.])(" + alternatives + rb")\.([A-Za-z_]\w*)")
        for match in pattern.finditer(data):
            line_start = data.rfind(b"\n", 0, match.start()) + 1
            if b"#" in data[line_start : match.start()]:
                continue  # in a comment
            target = spellings[match.group(1).decode()]
            name = match.group(2).decode("ascii", "replace")
            uses[target].setdefault(name, set()).add(module)

    def needed(self, target: str, own_files: Iterable[Path]) -> dict[str, set[str]]:
        """The names own code asks ``target`` for, that the real module binds (a
        submodule only when imported as a name, ``from pkg import sub``)."""
        merged: dict[str, set[str]] = {n: set(m) for n, m in self.sources().get(target, {}).items()}
        for path in own_files:
            for name, modules in self.test_side(path, target).items():
                merged.setdefault(name, set()).update(modules)
        bindings = self.real.of(target)
        out: dict[str, set[str]] = {}
        for name, modules in merged.items():
            if name in bindings.names or (bindings.any_name and name not in bindings.submodules):
                out[name] = modules
            elif name in bindings.submodules and name in self._imported.get(target, ()):
                out[name] = modules  # ``from pkg import sub``: a real submodule as a name
        return out
