"""Summarise one real module with ``ast``: its imports, attribute reads of imported modules,
public names and which top-level names are ``async def``.

The summary is a small frozen, picklable value so it can later be cached by
``(path, mtime_ns, size)``; it never imports or runs user code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

_IMPORTLIB_CALLS = frozenset({"importlib.import_module", "import_module", "__import__"})


@dataclass(frozen=True)
class ImportRecord:
    """One import: ``module`` is absolute; ``names`` are those of ``from module import ...``."""

    line: int
    module: str
    names: tuple[str, ...] = ()
    function_level: bool = False


@dataclass(frozen=True)
class ModuleSummary:
    module: str
    path: str
    imports: tuple[ImportRecord, ...] = ()
    # Full dotted chains read through an import binding, e.g. "pkg.crud.add_message".
    reads: frozenset[str] = frozenset()
    public: tuple[str, ...] = ()  # sorted; __all__ when it is a literal, else public bindings
    async_defs: frozenset[str] = frozenset()
    # Top-level ``from x import name [as alias]``: alias -> (x, name), to resolve one hop.
    reexports: tuple[tuple[str, str, str], ...] = ()
    error: str | None = None  # the module could not be parsed


def resolve_relative(level: int, module: str | None, package: str) -> str | None:
    """Return the absolute name of a relative import, or None if it escapes the top package."""
    if level == 0:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts) or (level - 1 == len(parts) and not module and not parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base) or None


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _literal_strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [str(e.value) for e in node.elts if isinstance(e, ast.Constant)]
    return None


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# Nodes with nothing of interest below them (a Name's only child is its Load/Store context).
_LEAVES = frozenset({ast.Name, ast.Constant, ast.Load, ast.Store, ast.Del, ast.Pass})


class _Collector:
    """One pass over the tree; an explicit stack is about twice as fast as ast.NodeVisitor."""

    def __init__(self, package: str) -> None:
        self.package = package
        self.imports: list[ImportRecord] = []
        self.bound: dict[str, str] = {}  # local name -> module it names
        self.chains: list[str] = []

    def _add(self, line: int, module: str | None, names: tuple[str, ...], depth: int) -> None:
        if module:
            self.imports.append(ImportRecord(line, module, names, depth > 0))

    def run(self, tree: ast.AST) -> None:
        stack: list[tuple[ast.AST, int]] = [(tree, 0)]
        while stack:
            node, depth = stack.pop()
            kind = type(node)
            if kind in _LEAVES:
                continue
            if kind is ast.Import:
                self._import(node, depth)  # type: ignore[arg-type]
                continue
            if kind is ast.ImportFrom:
                self._import_from(node, depth)  # type: ignore[arg-type]
                continue
            if kind is ast.Attribute:
                assert isinstance(node, ast.Attribute)
                if isinstance(node.ctx, ast.Load):
                    chain = _dotted(node)
                    if chain is not None:
                        self.chains.append(chain)
                        continue  # inner Attribute nodes are prefixes of this chain
            elif kind is ast.If:
                assert isinstance(node, ast.If)
                # Imports under ``if TYPE_CHECKING:`` never run, so they cannot crash a test.
                if _is_type_checking(node.test):
                    stack.extend((stmt, depth) for stmt in node.orelse)
                    continue
            elif kind is ast.Call:
                self._call(node, depth)  # type: ignore[arg-type]
            elif kind in _FUNCTIONS:
                depth += 1
            stack.extend((child, depth) for child in ast.iter_child_nodes(node))
        self.imports.sort(key=lambda r: r.line)

    def _import(self, node: ast.Import, depth: int) -> None:
        for alias in node.names:
            self._add(node.lineno, alias.name, (), depth)
            if alias.asname:
                self.bound[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.bound[top] = top

    def _import_from(self, node: ast.ImportFrom, depth: int) -> None:
        module = resolve_relative(node.level, node.module, self.package)
        if module is None:
            return
        self._add(node.lineno, module, tuple(a.name for a in node.names), depth)
        for alias in node.names:
            if alias.name != "*":
                self.bound[alias.asname or alias.name] = f"{module}.{alias.name}"

    def _call(self, node: ast.Call, depth: int) -> None:
        if not (
            node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and _dotted(node.func) in _IMPORTLIB_CALLS
        ):
            return
        name = node.args[0].value
        if name.startswith("."):
            level = len(name) - len(name.lstrip("."))
            resolved = resolve_relative(level, name.lstrip(".") or None, self.package)
        else:
            resolved = name
        self._add(node.lineno, resolved, (), depth)


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Module-level statements, looking inside if/try/with blocks but not defs or classes."""
    out: list[ast.stmt] = []
    for stmt in body:
        out.append(stmt)
        if isinstance(stmt, ast.If):
            if not _is_type_checking(stmt.test):
                out.extend(_top_level(stmt.body))
            out.extend(_top_level(stmt.orelse))
        elif isinstance(stmt, ast.Try):
            out.extend(_top_level(stmt.body))
            for handler in stmt.handlers:
                out.extend(_top_level(handler.body))
            out.extend(_top_level(stmt.orelse))
            out.extend(_top_level(stmt.finalbody))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            out.extend(_top_level(stmt.body))
    return out


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _target_names(elt)]
    return []


def _bindings(
    body: list[ast.stmt], package: str
) -> tuple[list[str], list[str] | None, set[str], list[tuple[str, str, str]]]:
    """Return (public definitions, literal __all__ or None, async defs, re-exports)."""
    public: list[str] = []
    dunder_all: list[str] | None = None
    async_defs: set[str] = set()
    reexports: list[tuple[str, str, str]] = []
    for stmt in _top_level(body):
        names: list[str] = []
        if isinstance(stmt, ast.AsyncFunctionDef):
            async_defs.add(stmt.name)
            names = [stmt.name]
        elif isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            async_defs.discard(stmt.name)  # a later sync redefinition wins
            names = [stmt.name]
        elif isinstance(stmt, ast.Assign):
            names = [n for t in stmt.targets for n in _target_names(t)]
            if "__all__" in names:
                dunder_all = _literal_strings(stmt.value)
        elif isinstance(stmt, ast.AnnAssign):
            names = _target_names(stmt.target)
            if names == ["__all__"] and stmt.value is not None:
                dunder_all = _literal_strings(stmt.value)
        elif isinstance(stmt, ast.AugAssign):
            if _target_names(stmt.target) == ["__all__"] and dunder_all is not None:
                extra = _literal_strings(stmt.value)
                dunder_all = None if extra is None else dunder_all + extra
        elif (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and _dotted(stmt.value.func) in ("__all__.extend", "__all__.append")
            and dunder_all is not None
        ):
            args = stmt.value.args
            extra = None
            if len(args) == 1:
                arg = args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    extra = [arg.value]
                else:
                    extra = _literal_strings(arg)
            dunder_all = None if extra is None else dunder_all + extra
        elif isinstance(stmt, ast.ImportFrom):
            source = resolve_relative(stmt.level, stmt.module, package)
            if source:
                for alias in stmt.names:
                    if alias.name != "*":
                        reexports.append((alias.asname or alias.name, source, alias.name))
        public.extend(n for n in names if not n.startswith("_"))
    return public, dunder_all, async_defs, reexports


def summarize(data: bytes | str, path: str, module: str, *, is_package: bool) -> ModuleSummary:
    """Summarise one module's source; a file that does not parse gives a summary with ``error``."""
    package = module if is_package else module.rpartition(".")[0]
    try:
        tree = ast.parse(data, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return ModuleSummary(module, path, error=f"{type(exc).__name__}: {exc}")
    collector = _Collector(package)
    collector.run(tree)
    reads: set[str] = set()
    for chain in collector.chains:
        head, _, rest = chain.partition(".")
        base = collector.bound.get(head)
        if base is not None and rest:
            reads.add(f"{base}.{rest}")
    public, dunder_all, async_defs, reexports = _bindings(tree.body, package)
    return ModuleSummary(
        module=module,
        path=path,
        imports=tuple(collector.imports),
        reads=frozenset(reads),
        public=tuple(sorted(set(dunder_all if dunder_all is not None else public))),
        async_defs=frozenset(async_defs),
        reexports=tuple(reexports),
    )


def summarize_file(path: Path, module: str, data: bytes | None = None) -> ModuleSummary:
    """Summarise a file (read unless ``data`` is given); one that cannot be read gives a
    summary with ``error``. Module-level, so process pools can run it."""
    try:
        data = data if data is not None else path.read_bytes()
    except OSError as exc:
        return ModuleSummary(module, str(path), error=f"cannot read: {exc}")
    return summarize(data, str(path), module, is_package=path.name == "__init__.py")
