"""What the names of one test file mean: bindings per scope, imports, constant strings.

One pass over the ``ast`` tree records, for the module and every function and class,
which names are bound where (assignments, imports, defs, parameters, loop targets) and
what is later given to a name (``fake.x = ...``, ``setattr``, ``fake["x"] = ...``,
``.update(...)``). The fake and install forms ask this module "what does this name
mean here"; nothing here decides what a site is.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

BindingKind = Literal["assign", "import", "def", "class", "param", "loop", "other"]
Position = tuple[int, int]  # (line, column): compares in source order

MAX_DEPTH = 12  # indirections followed (names, spreads, helpers) before giving up

# ``try`` and (from Python 3.11) ``try``/``except*``
_TRY = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


@dataclass(eq=False)
class Binding:
    kind: BindingKind
    at: Position
    value: ast.expr | None = None  # what an "assign" binds (or a "loop"'s iterable)
    node: ast.AST | None = None  # the FunctionDef / ClassDef / arg / statement
    real: str | None = None  # for "import": the dotted name it refers to
    stmt: ast.stmt | None = None  # the statement that binds it
    index: int | None = None  # for "loop": the place in a tuple target (``for k, v in x``)


@dataclass(eq=False)
class Addition:
    """A name given to an object after it is built: ``x.name = ...`` and the like."""

    name: str | None  # None: a name computed at run time (``setattr(x, key, v)``)
    at: Position
    stmt: ast.stmt
    block: list[ast.stmt]  # the statement list holding ``stmt`` (for the fixer)
    source: ast.expr | None = None  # ``x.update(src)`` / a loop over ``src``: names from it


@dataclass(eq=False)
class Scope:
    node: ast.AST  # Module, FunctionDef, AsyncFunctionDef, ClassDef or Lambda
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    additions: dict[str, list[Addition]] = field(default_factory=dict)

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def lookup(self, name: str, at: Position | None = None) -> tuple[Binding, Scope] | None:
        """The binding of ``name`` in force at ``at`` (None: after the scope has run)."""
        scope: Scope | None = self
        first = True
        while scope is not None:
            found = scope.bindings.get(name)
            if found:
                if first and at is not None:
                    before = [b for b in found if b.at <= at]
                    if before:
                        return before[-1], scope
                    if not isinstance(scope.node, ast.Module):
                        # bound later in this function only: unbound here; look outside
                        scope = _outer(scope)
                        first = False
                        continue
                return found[-1], scope
            scope = _outer(scope)
            first = False
        return None

    def additions_to(self, name: str) -> list[Addition]:
        return self.additions.get(name, [])


def _outer(scope: Scope) -> Scope | None:
    """The enclosing scope a name is looked up in (class bodies are skipped)."""
    parent = scope.parent
    while parent is not None and isinstance(parent.node, ast.ClassDef):
        parent = parent.parent
    return parent


@dataclass(eq=False)
class Scopes:
    """Every scope of one file, and where each statement sits."""

    module: Scope
    of_node: dict[int, Scope]  # id(FunctionDef/ClassDef/Lambda/Module) -> its scope
    aliases: dict[str, str]  # module-level name -> dotted name it was imported as
    blocks: dict[int, list[ast.stmt]]  # id(stmt) -> the statement list holding it

    def scope_of(self, node: ast.AST) -> Scope:
        return self.of_node[id(node)]


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def position(node: ast.AST) -> Position:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def build(tree: ast.Module, lines: list[str] | None = None) -> Scopes:
    """Record the scopes of a parsed module (``lines``: its source, to skip the
    expressions that spell nothing of interest)."""
    collector = _Collector(tree, lines)
    collector.statements(tree.body, collector.module)
    return Scopes(collector.module, collector.of_node, collector.aliases, collector.blocks)


class _Collector:
    def __init__(self, tree: ast.Module, lines: list[str] | None = None) -> None:
        self.lines = lines
        self.module = Scope(tree, None)
        self.of_node: dict[int, Scope] = {id(tree): self.module}
        self.aliases: dict[str, str] = {}
        self.blocks: dict[int, list[ast.stmt]] = {}

    def statements(self, body: list[ast.stmt], scope: Scope) -> None:
        for stmt in body:
            self.blocks[id(stmt)] = body
            self.statement(stmt, scope, body)

    def statement(self, stmt: ast.stmt, scope: Scope, block: list[ast.stmt]) -> None:
        at = position(stmt)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for expr in (*stmt.decorator_list, *stmt.args.defaults, *stmt.args.kw_defaults):
                if expr is not None:
                    self.expression(expr, scope, stmt, block)
            scope.bind(stmt.name, Binding("def", at, node=stmt, stmt=stmt))
            inner = Scope(stmt, scope)
            self.of_node[id(stmt)] = inner
            args = stmt.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
                inner.bind(arg.arg, Binding("param", at, node=arg))
            for star in (args.vararg, args.kwarg):
                if star is not None:
                    inner.bind(star.arg, Binding("param", at, node=star))
            self.statements(stmt.body, inner)
            return
        if isinstance(stmt, ast.ClassDef):
            for expr in (*stmt.decorator_list, *stmt.bases):
                self.expression(expr, scope, stmt, block)
            scope.bind(stmt.name, Binding("class", at, node=stmt, stmt=stmt))
            inner = Scope(stmt, scope)
            self.of_node[id(stmt)] = inner
            self.statements(stmt.body, inner)
            return
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                local = alias.asname or alias.name.split(".")[0]
                real = alias.name if alias.asname else local
                scope.bind(local, Binding("import", at, real=real, stmt=stmt))
                if scope is self.module:
                    self.aliases.setdefault(local, real)
            return
        if isinstance(stmt, ast.ImportFrom):
            if stmt.level == 0 and stmt.module is not None:
                for alias in stmt.names:
                    if alias.name == "*":
                        continue
                    local = alias.asname or alias.name
                    real = f"{stmt.module}.{alias.name}"
                    scope.bind(local, Binding("import", at, real=real, stmt=stmt))
                    if scope is self.module:
                        self.aliases.setdefault(local, real)
            return
        if isinstance(stmt, ast.Assign):
            self.expression(stmt.value, scope, stmt, block)
            for target in stmt.targets:
                self.target(target, stmt.value, scope, stmt, block)
            return
        if isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self.expression(stmt.value, scope, stmt, block)
                self.target(stmt.target, stmt.value, scope, stmt, block)
            return
        if isinstance(stmt, ast.AugAssign):
            self.expression(stmt.value, scope, stmt, block)
            return
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.expression(stmt.iter, scope, stmt, block)
            for index, name in _loop_names(stmt.target):
                scope.bind(
                    name, Binding("loop", at, value=stmt.iter, node=stmt, stmt=stmt, index=index)
                )
            self.statements(stmt.body, scope)
            self.statements(stmt.orelse, scope)
            return
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self.expression(item.context_expr, scope, stmt, block)
                if item.optional_vars is not None:
                    for name in _names_in(item.optional_vars):
                        scope.bind(name, Binding("other", at, value=item.context_expr, stmt=stmt))
            self.statements(stmt.body, scope)
            return
        if isinstance(stmt, ast.If | ast.While):
            self.expression(stmt.test, scope, stmt, block)
            self.statements(stmt.body, scope)
            self.statements(stmt.orelse, scope)
            return
        if isinstance(stmt, _TRY):
            self.statements(stmt.body, scope)
            for handler in stmt.handlers:
                if handler.name:
                    scope.bind(handler.name, Binding("other", at, stmt=stmt))
                self.statements(handler.body, scope)
            self.statements(stmt.orelse, scope)
            self.statements(stmt.finalbody, scope)
            return
        if isinstance(stmt, ast.Match):
            self.expression(stmt.subject, scope, stmt, block)
            for case in stmt.cases:
                self.statements(case.body, scope)
            return
        if isinstance(stmt, ast.Delete):
            return
        for node in ast.iter_child_nodes(stmt):
            if isinstance(node, ast.expr):
                self.expression(node, scope, stmt, block)

    def target(
        self,
        target: ast.expr,
        value: ast.expr,
        scope: Scope,
        stmt: ast.stmt,
        block: list[ast.stmt],
    ) -> None:
        at = position(target)
        if isinstance(target, ast.Name):
            scope.bind(target.id, Binding("assign", at, value=value, stmt=stmt))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                for name in _names_in(element):
                    scope.bind(name, Binding("other", at, stmt=stmt))
        elif isinstance(target, ast.Attribute):
            owner = dotted(target.value) or _sys_modules_item(target.value)
            if owner is not None:
                self._add(scope, owner, target.attr, stmt, block)
                # ``pkg.sub = ModuleType(...)``: the dotted path is bound too
                scope.bind(f"{owner}.{target.attr}", Binding("assign", at, value=value, stmt=stmt))
        elif isinstance(target, ast.Subscript):
            owner = _owner_of(target.value)
            key = target.slice
            if owner is not None:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    self._add(scope, owner, key.value, stmt, block)
                else:
                    self._add(scope, owner, None, stmt, block, source=key)

    def _add(
        self,
        scope: Scope,
        owner: str,
        name: str | None,
        stmt: ast.stmt,
        block: list[ast.stmt],
        *,
        source: ast.expr | None = None,
    ) -> None:
        addition = Addition(name, position(stmt), stmt, block, source)
        scope.additions.setdefault(owner, []).append(addition)

    def mentions(self, node: ast.AST, words: tuple[str, ...]) -> bool:
        """Whether the source lines of ``node`` spell one of ``words`` (always, without
        the source): walking every expression of a big test file costs more than this."""
        if self.lines is None:
            return True
        first = getattr(node, "lineno", 1)
        last = getattr(node, "end_lineno", None) or first
        return any(word in line for line in self.lines[first - 1 : last] for word in words)

    def expression(
        self, expr: ast.expr, scope: Scope, stmt: ast.stmt, block: list[ast.stmt]
    ) -> None:
        """Calls that give names to an object (``setattr``, ``.update``) and lambdas'
        scopes, anywhere in an expression (only walked when its text spells one)."""
        if not self.mentions(expr, ("setattr", "update", "configure_mock", "lambda")):
            return
        for node in _walk_expr(expr):
            if isinstance(node, ast.Lambda):
                inner = Scope(node, scope)
                self.of_node[id(node)] = inner
                args = node.args
                for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
                    inner.bind(arg.arg, Binding("param", position(node), node=arg))
                for star in (args.vararg, args.kwarg):
                    if star is not None:
                        inner.bind(star.arg, Binding("param", position(node), node=star))
                continue
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
                owner = dotted(node.args[0])
                key = node.args[1]
                if owner is not None:
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        self._add(scope, owner, key.value, stmt, block)
                    else:
                        self._add(scope, owner, None, stmt, block, source=key)
            elif isinstance(func, ast.Attribute) and func.attr in ("update", "configure_mock"):
                owner = _owner_of(func.value)
                if owner is None:
                    continue
                for given in node.args:
                    self._add(scope, owner, None, stmt, block, source=given)
                for keyword in node.keywords:
                    if keyword.arg is None:
                        self._add(scope, owner, None, stmt, block, source=keyword.value)
                    else:
                        self._add(scope, owner, keyword.arg, stmt, block)


def _walk_expr(expr: ast.expr) -> Iterator[ast.AST]:
    """The nodes of an expression, lambdas included but not their bodies (own scope)."""
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _sys_modules_item(node: ast.expr) -> str | None:
    """``sys.modules["m"]`` as an owner name: ``sys.modules[m]`` (names given to it are
    given to the fake installed for "m")."""
    if (
        isinstance(node, ast.Subscript)
        and (dotted(node.value) or "").split(".")[-1] == "modules"
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        return f"{dotted(node.value)}[{node.slice.value}]"
    return None


def _owner_of(node: ast.expr) -> str | None:
    """Whose names ``node[key] = ...`` or ``node.update(...)`` gives: ``x`` for ``x``,
    ``x.__dict__`` and ``vars(x)``."""
    if isinstance(node, ast.Attribute) and node.attr == "__dict__":
        return dotted(node.value)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "vars"
        and len(node.args) == 1
    ):
        return dotted(node.args[0])
    return dotted(node)


def _loop_names(target: ast.expr) -> list[tuple[int | None, str]]:
    """Names a ``for`` target binds, with their place in a tuple target (``for k, v in``)."""
    if isinstance(target, ast.Name):
        return [(None, target.id)]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [
            (i, element.id) if isinstance(element, ast.Name) else (None, name)
            for i, element in enumerate(target.elts)
            for name in _names_in(element)
        ]
    return []


def _names_in(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [n for e in node.elts for n in _names_in(e)]
    if isinstance(node, ast.Starred):
        return _names_in(node.value)
    return []
