"""One pass over a test file: imports, scopes, bindings, attribute additions, candidate installs.

The site finder and the fake analysis query what this pass records; nothing here
decides what a site is. Scopes are the module, each function and each class body,
which is enough for test files (comprehension and lambda scopes are not modelled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

BindingKind = Literal["assign", "param", "import", "def", "class", "other"]

# Attribute names whose calls or assignments can install a module (cheap filter for calls).
INSTALL_ATTRS = frozenset({"mock_module", "setitem", "dict", "setdefault", "update"})


@dataclass(eq=False)
class Binding:
    kind: BindingKind
    order: int  # where it happens in visiting (source) order; compares with Collected.orders
    value: cst.BaseExpression | None = None  # for "assign"
    stmt: cst.SimpleStatementLine | None = None  # the line holding an "assign"
    node: cst.CSTNode | None = None  # the FunctionDef / ClassDef / Param
    real: str | None = None  # for "import": the dotted module it names


@dataclass(eq=False)
class AttrAdd:
    """A name given to a fake after it is built (``fake.x = ...``, ``setattr``, ``update``)."""

    name: str
    order: int
    stmt: cst.SimpleStatementLine | None  # None when on a one-line compound statement
    block: int  # id of the block holding ``stmt``


@dataclass(eq=False)
class Scope:
    node: cst.CSTNode
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    adds: dict[str, list[AttrAdd]] = field(default_factory=dict)
    dynamic: dict[str, str] = field(default_factory=dict)  # name -> why its names are unknown

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def lookup(self, name: str, order: int | None = None) -> tuple[Binding, Scope] | None:
        """The binding ``name`` has at ``order`` (the last one before it in this scope)."""
        scope: Scope | None = self
        first = True
        while scope is not None:
            found = scope.bindings.get(name)
            if found:
                if first and order is not None:
                    before = [b for b in found if b.order <= order]
                    return (before or found)[-1], scope
                return found[-1], scope
            # Class bodies are not visible from the functions nested in them.
            scope = scope.parent
            while scope is not None and isinstance(scope.node, cst.ClassDef):
                scope = scope.parent
            first = False
        return None


@dataclass(eq=False)
class Candidate:
    """A statement or call that may install a fake, with where it sits."""

    node: cst.Assign | cst.Call
    scope: Scope
    stmt: cst.SimpleStatementLine | None


@dataclass(eq=False)
class Collected:
    module_scope: Scope
    scopes: dict[int, Scope]  # id(FunctionDef/ClassDef/Module) -> scope
    aliases: dict[str, str]  # local name -> dotted name it was imported as
    candidates: list[Candidate]
    stmt_block: dict[int, int]  # id(SimpleStatementLine) -> id(block)
    orders: dict[int, int]  # id(Name) -> visiting order, for "the binding before this use"
    tops: dict[int, cst.CSTNode]  # id(node) -> its top-level statement (for positions)


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def string_value(node: cst.BaseExpression) -> str | None:
    """The value of a plain (not f-, not bytes) string literal, else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class Collector(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.scope: Scope | None = None
        self.scopes: dict[int, Scope] = {}
        self.aliases: dict[str, str] = {}
        self.candidates: list[Candidate] = []
        self.stmt: cst.SimpleStatementLine | None = None
        self.blocks: list[int] = []
        self.stmt_block: dict[int, int] = {}
        self.counter = 0
        self.orders: dict[int, int] = {}
        self.tops: dict[int, cst.CSTNode] = {}
        self.top_ids: set[int] = set()
        self.top: cst.CSTNode | None = None

    # --- positions and scopes ---

    def tick(self) -> int:
        """The next number in visiting (= source) order."""
        self.counter += 1
        return self.counter

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) in self.top_ids:
            self.top = node
        if self.top is not None:
            self.tops[id(node)] = self.top
        return super().on_visit(node)

    def visit_Name(self, node: cst.Name) -> None:
        self.orders[id(node)] = self.tick()

    @property
    def cur(self) -> Scope:
        assert self.scope is not None
        return self.scope

    def _push(self, node: cst.CSTNode) -> None:
        self.scope = Scope(node, self.scope)
        self.scopes[id(node)] = self.scope

    def _pop(self) -> None:
        self.scope = self.cur.parent

    def visit_Module(self, node: cst.Module) -> None:
        self.top_ids = {id(stmt) for stmt in node.body}
        self._push(node)
        self.blocks.append(id(node))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.blocks.append(id(node))

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self.blocks.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.cur.bind(node.name.value, Binding("def", self.tick(), node=node))

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        # The body is the function's scope; decorators and defaults belong to the outer one.
        self._push(node)
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self.cur.bind(param.name.value, Binding("param", self.tick(), node=param))
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self.cur.bind(star.name.value, Binding("param", self.tick(), node=star))

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.cur.bind(node.name.value, Binding("class", self.tick(), node=node))

    def visit_ClassDef_body(self, node: cst.ClassDef) -> None:
        self._push(node)

    def leave_ClassDef_body(self, node: cst.ClassDef) -> None:
        self._pop()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.stmt = node
        self.stmt_block[id(node)] = self.blocks[-1] if self.blocks else 0

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self.stmt = None

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.stmt = None  # one-line bodies: no line to insert after

    # --- imports ---

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local, real = alias.asname.name.value, full
            else:
                local = real = full.split(".")[0]
            self.aliases.setdefault(local, real)
            self.cur.bind(local, Binding("import", self.tick(), real=real))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        base = dotted(node.module)
        if base is None:
            return
        for alias in node.names:
            name = dotted(alias.name)
            if name is None:
                continue
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.aliases.setdefault(local, f"{base}.{name}")
            self.cur.bind(local, Binding("import", self.tick(), real=f"{base}.{name}"))

    # --- bindings and additions ---

    def visit_Assign(self, node: cst.Assign) -> None:
        order = self.tick()
        for target in node.targets:
            self._target(target.target, node.value, order)
        if any(isinstance(t.target, cst.Subscript) for t in node.targets):
            self.candidates.append(Candidate(node, self.cur, self.stmt))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._target(node.target, node.value, self.tick())

    def _target(self, target: cst.BaseExpression, value: cst.BaseExpression, order: int) -> None:
        if isinstance(target, cst.Name):
            self.cur.bind(target.value, Binding("assign", order, value=value, stmt=self.stmt))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                if isinstance(element.value, cst.Name):
                    self.cur.bind(element.value.value, Binding("other", order))
        elif isinstance(target, cst.Attribute) and dotted(target.value) is not None:
            # ``fake.name = ...`` gives the fake a name; ``pkg.sub = ModuleType(...)`` also
            # binds the dotted path, which may be installed as a fake of its own.
            owner = dotted(target.value)
            assert owner is not None
            self._add(owner, target.attr.value, order)
            path = f"{owner}.{target.attr.value}"
            self.cur.bind(path, Binding("assign", order, value, self.stmt))
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            # fake["name"] = ... on a dict fake.
            key = subscript_key(target)
            owner = target.value.value
            if key is not None and string_value(key) is not None:
                self._add(owner, str(string_value(key)), order)
            else:
                self.cur.dynamic.setdefault(owner, f"items are set on {owner!r} dynamically")

    def _add(self, owner: str, name: str, order: int) -> None:
        block = self.stmt_block.get(id(self.stmt), 0) if self.stmt is not None else 0
        self.cur.adds.setdefault(owner, []).append(AttrAdd(name, order, self.stmt, block))

    def visit_For(self, node: cst.For) -> None:
        for name in _names_in(node.target):
            self.cur.bind(name, Binding("other", self.tick()))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            for name in _names_in(node.asname.name):
                self.cur.bind(name, Binding("other", self.tick()))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        attr = func.attr.value if isinstance(func, cst.Attribute) else None
        name = func.value if isinstance(func, cst.Name) else None
        if name == "mock_module" or attr in INSTALL_ATTRS:
            self.candidates.append(Candidate(node, self.cur, self.stmt))
        if name == "setattr" and node.args and isinstance(node.args[0].value, cst.Name):
            owner = node.args[0].value.value
            key = string_value(node.args[1].value) if len(node.args) > 1 else None
            if key is not None:
                self._add(owner, key, self.tick())
            else:
                self.cur.dynamic.setdefault(owner, f"setattr() gives {owner!r} computed names")
        if attr in ("update", "configure_mock"):
            assert isinstance(func, cst.Attribute)
            updated = _update_owner(func.value)
            if updated is not None:
                self._update(updated, node)

    def _update(self, owner: str, node: cst.Call) -> None:
        order = self.tick()
        for arg in node.args:
            if arg.keyword is not None:
                self._add(owner, arg.keyword.value, order)
            elif not arg.star and isinstance(arg.value, cst.Dict):
                for element in arg.value.elements:
                    key = (
                        string_value(element.key) if isinstance(element, cst.DictElement) else None
                    )
                    if key is None:
                        self.cur.dynamic.setdefault(owner, f"{owner!r} is updated dynamically")
                    else:
                        self._add(owner, key, order)
            else:
                self.cur.dynamic.setdefault(owner, f"{owner!r} is updated from a computed value")

    def collected(self) -> Collected:
        root = self.scopes
        module_scope = next(s for s in root.values() if isinstance(s.node, cst.Module))
        return Collected(
            module_scope,
            root,
            self.aliases,
            self.candidates,
            self.stmt_block,
            self.orders,
            self.tops,
        )


def subscript_key(node: cst.Subscript) -> cst.BaseExpression | None:
    """``k`` in ``x[k]`` (None for slices and tuples of keys)."""
    if len(node.slice) != 1:
        return None
    index = node.slice[0].slice
    return index.value if isinstance(index, cst.Index) else None


def _update_owner(node: cst.BaseExpression) -> str | None:
    """``x`` for ``x.update``, ``x.__dict__.update`` and ``vars(x).update``."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and node.attr.value == "__dict__":
        return node.value.value if isinstance(node.value, cst.Name) else None
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "vars"
        and len(node.args) == 1
        and isinstance(node.args[0].value, cst.Name)
    ):
        return node.args[0].value.value
    return None


def _names_in(node: cst.BaseExpression) -> list[str]:
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, (cst.Tuple, cst.List)):
        return [n for e in node.elements for n in _names_in(e.value)]
    return []
