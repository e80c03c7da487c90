"""What a real module binds: the names a fake of it may be asked for, and their kind.

Only faked modules are read here (a handful per run), with ``ast``: the top-level
definitions, assignments and imports (also inside module-level ``if``/``try``),
star imports of other project modules, a module ``__getattr__`` (then any name
resolves), submodules of a package, and which names are ``async def`` (their stubs are
``AsyncMock``). Cython sources (``.pyx``/``.pxd``) are read for ``def``/``cpdef``/
``class``/``cdef class`` and assignments.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cache import digest
from .index import ModuleFile, Project
from .scan import resolve_relative

_ASYNC_DEF = re.compile(rb"^async[ \t]+def[ \t]+(\w+)", re.M)
_CYTHON_DEF = re.compile(
    rb"^(?:cpdef|def|class|cdef\s+class|cdef\s+(?:public\s+|inline\s+)?\w+)\s+(\w+)|^(\w+)\s*=",
    re.M,
)

# ``try`` and (from Python 3.11) ``try``/``except*``
_TRY = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


@dataclass
class Bindings:
    """The module-level names of one real module."""

    names: set[str] = field(default_factory=set)
    async_defs: set[str] = field(default_factory=set)
    public: tuple[str, ...] = ()  # __all__ when literal, else public definitions
    any_name: bool = False  # a module __getattr__, globals() games or an unknown star import
    submodules: set[str] = field(default_factory=set)
    reexports: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (module, name)
    error: str | None = None  # why the module could not be parsed


class RealNames:
    """Answers about real modules, read once each per run."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._known: dict[str, Bindings] = {}

    def of(self, module: str, _depth: int = 0) -> Bindings:
        known = self._known.get(module)
        if known is None:
            self._known[module] = Bindings(any_name=True)  # cycles of star imports
            known = self._known[module] = self._read(module, _depth)
        return known

    def binds(self, module: str, name: str) -> bool:
        """Whether the real module binds ``name`` (or may: unknown counts as yes)."""
        found = self.of(module)
        return found.any_name or name in found.names or name in found.submodules

    def is_async(self, module: str, name: str, depth: int = 0) -> bool:
        found = self.of(module)
        if name in found.async_defs:
            return True
        origin = found.reexports.get(name)
        if origin is not None and depth < 8:
            return self.is_async(origin[0], origin[1], depth + 1)
        return False

    def _read(self, module: str, depth: int) -> Bindings:
        found = self.project.resolve(module)
        if found is None:
            return Bindings(any_name=True)
        out = Bindings()
        if found.package:
            out.submodules = _submodules(found, self.project)
        if found.path is None:
            return out  # a namespace package: only its submodules
        try:
            data = found.path.read_bytes()
        except OSError as exc:
            return Bindings(any_name=True, error=f"cannot be read ({exc.strerror or exc})")
        if found.path.suffix in (".pyx", ".pxd"):
            for match in _CYTHON_DEF.finditer(data):
                name = (match.group(1) or match.group(2)).decode("utf-8", "replace")
                out.names.add(name)
            out.public = tuple(sorted(n for n in out.names if not n.startswith("_")))
            return out
        package = module if found.package else module.rpartition(".")[0]
        key = f"{self.project.relative(found.path)}\0{package}\0{digest(data)}"
        local = self.project.cache.get("names", key)
        if not isinstance(local, dict):
            local = _local(data, package)
            self.project.cache.put("names", key, local)
        try:
            self._compose(local, out, depth)
        except (KeyError, TypeError, ValueError):  # an entry of another shape: read again
            out = Bindings(submodules=out.submodules)
            self._compose(_local(data, package), out, depth)
        return out

    def _compose(self, local: dict[str, Any], out: Bindings, depth: int) -> None:
        """A module's own bindings (``_local``) plus what its star imports bring."""
        if local["error"] is not None:
            out.any_name = True
            out.async_defs = set(local["async_defs"])
            out.error = local["error"]
            return
        out.names |= set(local["names"])
        out.async_defs |= set(local["async_defs"])
        out.any_name = out.any_name or bool(local["any_name"])
        out.reexports.update({k: (v[0], v[1]) for k, v in local["reexports"].items()})
        for source in local["stars"]:
            self._star(source, out, depth)
        dunder_all = local["all"]
        public = (
            dunder_all
            if dunder_all is not None
            else [n for n in out.names if not n.startswith("_")]
        )
        out.public = tuple(sorted(set(public)))

    def _star(self, source: str | None, out: Bindings, depth: int) -> None:
        if source is None or depth > 8 or not self.project.is_first_party(source):
            out.any_name = True  # names we cannot list
            return
        inner = self.of(source, depth + 1)
        out.any_name = out.any_name or inner.any_name
        out.names |= set(inner.public)
        out.async_defs |= inner.async_defs & set(inner.public)


def _local(data: bytes, package: str) -> dict[str, Any]:
    """What one module binds by itself, as cacheable data: its names, async defs,
    re-exports, ``__all__`` when literal, and the sources of its star imports (read at
    compose time, as those modules may change on their own)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line}: {getattr(exc, 'msg', exc)})" if line else ""
        # its names are unknown (any may be bound), but its async defs can be read
        # from the text, so stubs keep their kind
        asyncs = sorted({m.group(1).decode() for m in _ASYNC_DEF.finditer(data)})
        return {"error": f"does not parse{where}", "async_defs": asyncs}
    out = Bindings()
    stars: list[str | None] = []
    dunder_all: list[str] | None = None
    for stmt in _top_level(tree.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.names.add(stmt.name)
            if isinstance(stmt, ast.AsyncFunctionDef):
                out.async_defs.add(stmt.name)
            else:
                out.async_defs.discard(stmt.name)  # a later sync definition wins
            if stmt.name == "__getattr__" and not isinstance(stmt, ast.ClassDef):
                out.any_name = True
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                out.names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(stmt, ast.ImportFrom):
            source = resolve_relative(stmt.level, stmt.module, package)
            for alias in stmt.names:
                if alias.name == "*":
                    stars.append(source)
                    continue
                local = alias.asname or alias.name
                out.names.add(local)
                if source is not None:
                    out.reexports[local] = (source, alias.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
                continue  # ``x: int`` alone binds nothing at run time
            for target in targets:
                names = _target_names(target)
                out.names |= names
                if "__all__" in names and stmt.value is not None:
                    listed = _strings(stmt.value)
                    if isinstance(stmt, ast.AugAssign):
                        dunder_all = (
                            None if listed is None or dunder_all is None else [*dunder_all, *listed]
                        )
                    else:
                        dunder_all = listed
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)):
            targets_of = (
                [stmt.target]
                if isinstance(stmt, (ast.For, ast.AsyncFor))
                else [i.optional_vars for i in stmt.items if i.optional_vars is not None]
            )
            for target in targets_of:
                out.names |= _target_names(target)
        if _games_with_globals(stmt):
            out.any_name = True
    return {
        "error": None,
        "names": sorted(out.names),
        "async_defs": sorted(out.async_defs),
        "any_name": out.any_name,
        "reexports": {k: list(v) for k, v in sorted(out.reexports.items())},
        "stars": stars,
        "all": dunder_all,
    }


def _submodules(found: ModuleFile, project: Project) -> set[str]:
    out: set[str] = set()
    folders = (
        [found.path.parent]
        if found.path is not None
        else [Path(root, *found.name.split(".")) for root in project.roots]
    )
    for folder in folders:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            stem, _, suffix = entry.name.partition(".")
            if (entry.is_dir() and stem.isidentifier() and not stem.startswith(".")) or (
                suffix in ("py", "pyx", "pxd") and stem.isidentifier() and stem != "__init__"
            ):
                out.add(stem)
    return out


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Module-level statements, inside if/try/with blocks too (not in defs or classes)."""
    out: list[ast.stmt] = []
    for stmt in body:
        out.append(stmt)
        if isinstance(stmt, ast.If):
            out.extend(_top_level(stmt.body))
            out.extend(_top_level(stmt.orelse))
        elif isinstance(stmt, _TRY):
            out.extend(_top_level(stmt.body))
            for handler in stmt.handlers:
                out.extend(_top_level(handler.body))
            out.extend(_top_level(stmt.orelse))
            out.extend(_top_level(stmt.finalbody))
        elif isinstance(stmt, (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)):
            out.extend(_top_level(stmt.body))
    return out


def _target_names(target: ast.expr) -> set[str]:
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return {n for e in target.elts for n in _target_names(e)}
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return set()


def _strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [str(e.value) for e in node.elts if isinstance(e, ast.Constant)]
    return None


def _games_with_globals(stmt: ast.stmt) -> bool:
    """``globals()[...] = ...`` / ``globals().update(...)``: names we cannot list."""
    for node in (
        ast.walk(stmt)
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        else ()
    ):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("globals", "vars")
        ):
            return True
    return False
