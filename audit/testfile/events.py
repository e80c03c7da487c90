"""Turn the statements of one body into events: imports, installs, restores, evictions.

Statements are read in order. ``with`` installs and decorators wrap their body in an
``Install``/``Uninstall`` pair; a patcher's ``start()`` installs until its ``stop()``;
``monkeypatch``/``mocker`` installs last until the test ends. A call to a helper of
the file or its conftests is followed into the helper (its sites are reported at the
call). Imports inside ``try/except ImportError`` or ``pytest.raises(ImportError)`` are
guarded: a failure there is caught, so it crashes nothing.

Each install is a ``Placement``: where it is, which module, and the expression of its
fake. What the fake provides is worked out from it by ``analysis`` (with ``fake_of``),
after the walk; events refer to sites by their index.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from ..forms.context import Argument, Context
from ..forms.installs import INSTALL_FORMS, Entry
from ..project.scan import UNKNOWN, resolve_relative
from .program import Event, Evict, Import, Install, Lasts, Run, Uninstall, Yield
from .scopes import dotted, position

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
# A function whose text spells none of these (nor a helper's name) does nothing we replay.
_ACT_WORDS = (
    "import",
    "modules",
    "mock_module",
    "exec_module",
    "reload",
    "patch",
    "setitem",
    ".start(",
    ".stop(",
    "stopall",
)
# The names a call must end with to install, restore, evict or import (helpers aside).
_CALL_WORDS = frozenset(
    {
        "setitem",
        "dict",
        "update",
        "setdefault",
        "mock_module",
        "start",
        "stop",
        "stopall",
        "pop",
        "delitem",
        "clear",
        "exec_module",
        "reload",
        "import_module",
        "__import__",
        "importorskip",
    }
)
MAX_INLINE = 4  # helper calls followed inside one another

# ``try`` and (from Python 3.11) ``try``/``except*``
_TRY = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


@dataclass(eq=False)
class Placement:
    """One install site as the walk finds it; ``analysis`` turns it into a ``Site``."""

    entry: Entry  # what the install form found: the module and the fake's expression
    context: Context  # where the install is read
    anchor: ast.AST  # what the site is reported at (a conftest helper's call)
    module: str | None  # None: the module name is not a constant string
    in_helper: bool  # found while following a conftest's helper into its body
    # ``mod = stub_module("m")``: names given to ``mod`` later are given to this fake
    given: set[str] = field(default_factory=set)


class Events:
    """Builds events for the bodies of one file, collecting its install sites as it goes."""

    def __init__(self, ctx: Context, package: str) -> None:
        self.root = ctx
        self.package = package
        self.placements: list[Placement] = []
        self._site_keys: dict[tuple[int, int, str | None], int] = {}
        self.patchers: dict[str, list[int]] = {}  # a patcher's name -> sites it installs
        self.started: list[int] = []
        self._anchor: ast.AST | None = None  # while following a helper: its call
        self._inlining: list[str] = []
        self._helper_names: frozenset[str] | None = None
        self._acting: frozenset[str] | None = None

    # --- bodies --------------------------------------------------------------------

    def body(self, stmts: list[ast.stmt], ctx: Context, guarded: bool = False) -> list[Event]:
        out: list[Event] = []
        for stmt in stmts:
            out.extend(self.statement(stmt, replace(ctx, at=position(stmt), stmt=stmt), guarded))
        return out

    def statement(self, stmt: ast.stmt, ctx: Context, guarded: bool) -> list[Event]:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return []  # run when called: tests and fixtures are collected elsewhere
        if isinstance(stmt, ast.Import):
            return [Import(stmt.lineno, a.name, (), guarded) for a in stmt.names]
        if isinstance(stmt, ast.ImportFrom):
            module = resolve_relative(stmt.level, stmt.module, self.package)
            if module is None:
                return []
            names = tuple(a.name for a in stmt.names)
            return [Import(stmt.lineno, module, names, guarded)]
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            return self._with(stmt, ctx, guarded)
        if isinstance(stmt, _TRY):
            catches = any(_catches(h.type) for h in stmt.handlers)
            out = self.body(stmt.body, ctx, guarded or catches)
            for handler in stmt.handlers:
                # runs only when the try failed: its imports load modules (guarded: no
                # claim rests on them), its installs are not counted on
                handled = self.body(handler.body, ctx, True)
                out.extend(e for e in handled if isinstance(e, Import))
            out.extend(self.body(stmt.orelse, ctx, guarded))
            out.extend(self.body(stmt.finalbody, ctx, guarded))
            return out
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            return self._for(stmt, ctx, guarded)
        if isinstance(stmt, (ast.If, ast.While)):
            if isinstance(stmt, ast.If) and _is_type_checking(stmt.test):
                return self.body(stmt.orelse, ctx, guarded)
            out = self.expressions([stmt.test], ctx, guarded)
            absent = _absent_test(stmt.test, ctx) if isinstance(stmt, ast.If) else None
            body = self.body(stmt.body, ctx, guarded)
            always = isinstance(stmt.test, ast.Constant) and bool(stmt.test.value)
            if absent is not None:
                # ``if "m" not in sys.modules:``: installs of m there happen only when absent
                # (the replay knows when); others in the block may not happen
                body = [
                    replace(e, if_absent=True)
                    if isinstance(e, Install) and self.placements[e.site].module == absent
                    else e
                    for e in body
                ]
            out.extend(body if always else _maybe(body))
            out.extend(_maybe(self.body(stmt.orelse, ctx, guarded)))
            return out
        if isinstance(stmt, ast.Match):
            out = self.expressions([stmt.subject], ctx, guarded)
            for case in stmt.cases:
                out.extend(_maybe(self.body(case.body, ctx, guarded)))
            return out
        if isinstance(stmt, ast.Delete):
            out = []
            for target in stmt.targets:
                if isinstance(target, ast.Subscript) and ctx.is_sys_modules(target.value):
                    out.extend(self._evict(target.slice, ctx))
            return out
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, (ast.Yield, ast.YieldFrom)):
            return [*self.expressions([stmt.value], ctx, guarded), Yield()]
        out = []
        if isinstance(stmt, ast.Assign):
            named = [t for t in stmt.targets if isinstance(t, ast.Name)]
            if named and isinstance(stmt.value, ast.Call):
                # ``pkg = sys.modules.setdefault("pkg", ModuleType("pkg"))``: the fake is
                # ``pkg``, with what is given to it later
                entries = self._install_forms(stmt.value, ctx)
                if entries and entries[0].if_absent:
                    fake = ast.Name(
                        named[0].id, ast.Load(), lineno=stmt.lineno, col_offset=stmt.col_offset
                    )
                    entries = [replace(e, fake=fake) for e in entries]
                    inner = replace(ctx, at=(stmt.lineno, stmt.col_offset + 1))
                    return self._installed(entries, inner, None)
            first = len(self.placements)
            out.extend(self.expressions([stmt.value], ctx, guarded))
            if named and len(self.placements) > first and isinstance(stmt.value, ast.Call):
                # ``mod = stub_module("m")``: a helper installed a fake and returned it;
                # what is given to ``mod`` later is given to that fake
                self._returned(first, [n.id for n in named], ctx)
            found = self._install_forms(stmt, ctx)
            if found:
                out.extend(self._installed(found, ctx, None))
            self._patcher(stmt, ctx)
            return out
        if (
            isinstance(stmt, ast.AugAssign)
            and isinstance(stmt.op, ast.BitOr)
            and ctx.is_sys_modules(stmt.target)
        ):
            # ``sys.modules |= {...}``: an update
            call = ast.Call(ast.Attribute(stmt.target, "update", ast.Load()), [stmt.value], [])
            ast.copy_location(call, stmt)
            found = self._install_forms(call, ctx)
            return [
                *self.expressions([stmt.value], ctx, guarded),
                *self._installed(found, ctx, None),
            ]
        return self.expressions(list(_child_exprs(stmt)), ctx, guarded)

    # --- with, for ---------------------------------------------------------------------

    def _with(self, stmt: ast.With | ast.AsyncWith, ctx: Context, guarded: bool) -> list[Event]:
        before: list[Event] = []
        wrapped: list[int] = []
        inner_guard = guarded
        for item in stmt.items:
            expr = item.context_expr
            if _guards(expr, ctx):
                inner_guard = True
                continue
            if isinstance(expr, ast.Call):
                found = self._install_forms(expr, ctx)
                if found:
                    before.extend(self.expressions(list(_call_args(expr)), ctx, guarded))
                    sites = self._sites(found, ctx)
                    wrapped.extend(sites)
                    before.extend(Install(s, "block", found[0].if_absent) for s in sites)
                    continue
                if (
                    isinstance(expr.func, ast.Attribute)
                    and expr.func.attr == "context"
                    and item.optional_vars is not None
                ):
                    pass  # ``with pytest.MonkeyPatch.context() as mp``: mp.setitem below
            before.extend(self.expressions([expr], ctx, guarded))
        body = self.body(stmt.body, ctx, inner_guard)
        monkeypatch = _monkeypatch_context(stmt)
        if monkeypatch:
            # installs through ``mp`` last as long as the block
            ended = [e.site for e in body if isinstance(e, Install) and e.lasts == "test"]
            body = [
                replace(e, lasts="block") if isinstance(e, Install) and e.lasts == "test" else e
                for e in body
            ]
            wrapped.extend(ended)
        return [*before, *body, *(Uninstall(s) for s in reversed(wrapped))]

    def _for(self, stmt: ast.For | ast.AsyncFor, ctx: Context, guarded: bool) -> list[Event]:
        prefix = _prefix_eviction(stmt, ctx)
        if prefix is not None:
            return [Evict(prefix, prefix=True)]
        unrolled = _unrolled(stmt, ctx)
        if unrolled is not None:
            # ``for name in ["a", "b"]: sys.modules.pop(name)`` and ``for name, old in
            # SAVED.items():``: once per name of the literal
            out: list[Event] = []
            for env in unrolled:
                out.extend(self.body(stmt.body, replace(ctx, env={**ctx.env, **env}), guarded))
            return out
        out = self.expressions([stmt.iter], ctx, guarded)
        out.extend(self.body(stmt.body, ctx, guarded))
        out.extend(self.body(stmt.orelse, ctx, guarded))
        return out

    # --- expressions ---------------------------------------------------------------------

    def expressions(self, exprs: list[ast.expr], ctx: Context, guarded: bool) -> list[Event]:
        """Events of the calls in ``exprs``, in source order (lambdas not entered)."""
        calls = sorted((node for expr in exprs for node in _calls(expr)), key=lambda c: position(c))
        out: list[Event] = []
        for call in calls:
            func = call.func
            word = (
                func.attr
                if isinstance(func, ast.Attribute)
                else (func.id if isinstance(func, ast.Name) else "")
            )
            if word in _CALL_WORDS or self._may_help(word):
                out.extend(self.call(call, replace(ctx, at=position(call)), guarded))
        return out

    def call(self, call: ast.Call, ctx: Context, guarded: bool) -> list[Event]:
        func = call.func
        word = (
            func.attr
            if isinstance(func, ast.Attribute)
            else (func.id if isinstance(func, ast.Name) else "")
        )
        if word not in _CALL_WORDS and not self._may_help(word):
            return []  # most calls of a test suite: nothing to do with modules
        found = self._install_forms(call, ctx)
        if found:
            lasts = found[0].lasts
            if lasts == "idle":
                return []  # a patcher or context manager not started: installs nothing
            return self._installed(found, ctx, lasts)
        if isinstance(func, ast.Attribute):
            owner = func.value
            if func.attr == "start":
                return self._start(owner, ctx)
            if func.attr == "stop":
                name = dotted(owner)
                if name is not None and name in self.patchers:
                    return [Uninstall(s) for s in self.patchers[name]]
                return []
            if func.attr == "stopall":
                done, self.started = self.started, []
                return [Uninstall(s) for s in done]
            if func.attr == "pop" and ctx.is_sys_modules(owner) and call.args:
                return self._evict(call.args[0], ctx)
            if func.attr == "delitem" and len(call.args) >= 2 and ctx.is_sys_modules(call.args[0]):
                return self._evict(call.args[1], ctx)
            if func.attr == "clear" and ctx.is_sys_modules(owner):
                return [Evict("", prefix=True)]
        qualified = ctx.qualified(func) or ""
        last = qualified.rsplit(".", 1)[-1]
        if last == "exec_module" and call.args:
            path = _spec_path(call.args[0], ctx)
            return [] if path is None else [Run(call.lineno, path, guarded)]
        if last == "reload" and call.args:
            module = ctx.real_module(call.args[0])
            if module is not None:
                return [Evict(module), Import(call.lineno, module, (), guarded)]
            return []
        if last in ("import_module", "__import__", "importorskip") and call.args:
            name = ctx.string(call.args[0])
            if name is None:
                # a computed name: it may load any module (not so for importorskip, which
                # names third-party modules to skip on)
                return [] if last == "importorskip" else [Import(call.lineno, UNKNOWN)]
            level = len(name) - len(name.lstrip("."))
            if level:
                package = ctx.string(call.args[1]) if len(call.args) > 1 else None
                resolved = resolve_relative(level, name[level:] or None, package or "")
                if resolved is None:
                    return []
                name = resolved
            return [Import(call.lineno, name, (), guarded or last == "importorskip")]
        helper = ctx.helper(func)
        if helper is not None and not _is_fixture_or_test(helper[0]):
            return self._inline(helper, call, ctx, guarded)
        return []

    def may_act(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """Whether a function's text spells anything that imports, installs, evicts or
        calls a helper that does (most test functions do none of it: no need to walk)."""
        lines = self.root.unit.source.lines
        text = "".join(lines[func.lineno - 1 : func.end_lineno or func.lineno])
        if any(word in text for word in _ACT_WORDS):
            return True
        return any(name in text for name in self._acting_helpers())

    def _acting_helpers(self) -> frozenset[str]:
        """Functions of this file and its conftests whose own text may act."""
        if self._acting is None:
            names = set(self.root.helpers)  # conftest helpers that install
            lines = self.root.unit.source.lines
            for scope in self.root.unit.scopes.of_node.values():
                node = scope.node
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    text = "".join(lines[node.lineno - 1 : node.end_lineno or node.lineno])
                    if any(word in text for word in _ACT_WORDS):
                        names.add(node.name)
            for func, _ in self.root.helpers.values():
                names.add(func.name)
            self._acting = frozenset(names)
        return self._acting

    def _may_help(self, word: str) -> bool:
        """Whether a call by this name may be a helper of the file or its conftests."""
        if self._helper_names is None:
            names = {name for name in self.root.helpers}
            for scope in self.root.unit.scopes.of_node.values():
                names.update(n for n, b in scope.bindings.items() if b and b[-1].kind == "def")
            self._helper_names = frozenset(names)
        return word in self._helper_names

    def _inline(
        self,
        helper: tuple[ast.FunctionDef | ast.AsyncFunctionDef, object],
        call: ast.Call,
        ctx: Context,
        guarded: bool,
    ) -> list[Event]:
        func, unit = helper
        key = f"{getattr(unit, 'path', '')}:{func.name}"
        if key in self._inlining or len(self._inlining) >= MAX_INLINE:
            return []
        self._inlining.append(key)
        anchor = self._anchor
        if unit is not self.root.unit:
            self._anchor = self._anchor or call  # a conftest's helper: reported at the call
        try:
            inner = ctx.enter(func, unit, call)  # type: ignore[arg-type]
            return self.body(func.body, inner, guarded)
        finally:
            self._anchor = anchor
            self._inlining.pop()

    def _returned(self, first: int, names: list[str], ctx: Context) -> None:
        given = {a.name for n in names for a in ctx.scope.additions_to(n) if a.name}
        if not given:
            return
        for placement in self.placements[first:]:
            placement.given |= given

    def _start(self, owner: ast.expr, ctx: Context) -> list[Event]:
        if isinstance(owner, ast.Call):
            found = self._install_forms(owner, ctx)
            if found:
                return self._installed(found, ctx, "never", started=True)
            return []
        name = dotted(owner)
        if name is None or name not in self.patchers:
            return []
        self.started.extend(self.patchers[name])
        return [Install(s, "never") for s in self.patchers[name]]

    def _patcher(self, stmt: ast.Assign, ctx: Context) -> None:
        """``p = patch.dict(sys.modules, {...})``: installs when ``p.start()`` runs."""
        if not isinstance(stmt.value, ast.Call):
            return
        found = self._install_forms(stmt.value, ctx)
        if not found or found[0].lasts != "idle":
            return
        sites = self._sites(found, ctx)
        for target in stmt.targets:
            name = dotted(target)
            if name is not None:
                self.patchers[name] = sites

    def _installed(
        self, found: list[Entry], ctx: Context, lasts: str | None, *, started: bool = False
    ) -> list[Event]:
        sites = self._sites(found, ctx)
        if started:
            self.started.extend(sites)
        how: Lasts = "test" if (lasts or found[0].lasts) == "test" else "never"
        return [Install(s, how, e.if_absent) for s, e in zip(sites, found, strict=True)]

    def _evict(self, node: ast.expr, ctx: Context) -> list[Event]:
        name = ctx.string(node)
        return [] if name is None else [Evict(name)]

    # --- sites -------------------------------------------------------------------------

    def _install_forms(self, node: ast.AST, ctx: Context) -> list[Entry]:
        for form in INSTALL_FORMS:
            found = form.entries(node, ctx)
            if found is not None:
                return found
        return []

    def _sites(self, entries: list[Entry], ctx: Context) -> list[int]:
        out: list[int] = []
        for entry in entries:
            index = self._site(entry, ctx)
            out.append(index)
        return out

    def _site(self, entry: Entry, ctx: Context) -> int:
        anchor = self._anchor or entry.anchor
        module = ctx.string(entry.module) if entry.module is not None else None
        # one site per place and module (a loop over names installs several at one place)
        key = (getattr(anchor, "lineno", 0), getattr(anchor, "col_offset", 0), module)
        known = self._site_keys.get(key)
        if known is not None and self._anchor is None:
            return known
        index = len(self.placements)
        self.placements.append(Placement(entry, ctx, anchor, module, self._anchor is not None))
        self._site_keys[key] = index
        return index


def _absent_test(test: ast.expr, ctx: Context, depth: int = 0) -> str | None:
    """``"m" not in sys.modules`` -> "m"; also through a name bound to that test
    (``absent = "m" not in sys.modules`` ... ``if absent:``) and as one term of ``and``."""
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.NotIn)
        and ctx.is_sys_modules(test.comparators[0])
    ):
        return ctx.string(test.left)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        for term in test.values:
            found = _absent_test(term, ctx, depth)
            if found is not None:
                return found
    if isinstance(test, ast.Name) and depth < 4:
        bound = ctx.lookup(test.id)
        if bound is not None and bound[0].kind == "assign" and bound[0].value is not None:
            return _absent_test(bound[0].value, bound[1], depth + 1)
    return None


def _maybe(events: list[Event]) -> list[Event]:
    """Installs in a block that may not run (an ``if`` mock-audit cannot decide) are
    marked ``maybe``; one under ``if "m" not in sys.modules`` is decided by the replay."""
    return [
        replace(e, maybe=True) if isinstance(e, Install) and not e.if_absent else e for e in events
    ]


def _spec_path(module: ast.expr, ctx: Context) -> str | None:
    """The file ``loader.exec_module(module)`` runs: ``module = module_from_spec(spec)``,
    ``spec = spec_from_file_location(name, path)``."""
    found = ctx.lookup(module.id) if isinstance(module, ast.Name) else None
    if found is None or found[0].kind != "assign" or not isinstance(found[0].value, ast.Call):
        return None
    made = found[0].value
    if (ctx.qualified(made.func) or "").rsplit(".", 1)[-1] != "module_from_spec" or not made.args:
        return None
    spec = made.args[0]
    where = found[1]
    bound = where.lookup(spec.id) if isinstance(spec, ast.Name) else None
    if bound is None or not isinstance(bound[0].value, ast.Call):
        return None
    call = bound[0].value
    name = (where.qualified(call.func) or "").rsplit(".", 1)[-1]
    if name != "spec_from_file_location" or len(call.args) < 2:
        return None
    path = bound[1].path(call.args[1])
    return None if path is None or not path.endswith(".py") else os.path.normpath(path)


def _unrolled(loop: ast.For | ast.AsyncFor, ctx: Context) -> list[dict[str, Argument]] | None:
    """One parameter binding per turn of a loop over a literal list of names, or over
    a literal dict's keys (and values, for ``for key, value in d.items()``)."""
    target = loop.target
    names = (
        [target]
        if isinstance(target, ast.Name)
        else (list(target.elts) if isinstance(target, ast.Tuple) else [])
    )
    if not names or not all(isinstance(n, ast.Name) for n in names):
        return None
    iterable = loop.iter
    items = False
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute):
        items = iterable.func.attr == "items"
        if iterable.func.attr in ("items", "keys") and not iterable.args:
            iterable = iterable.func.value
    pairs: list[tuple[str, ast.expr | None]] | None = None
    mapping = iterable
    where = ctx
    if isinstance(mapping, ast.Name):
        found = ctx.lookup(mapping.id)
        if found is not None and found[0].kind == "assign" and found[0].value is not None:
            mapping, where = found[0].value, found[1]
    if isinstance(mapping, ast.Dict) and all(k is not None for k in mapping.keys):
        keys = [where.string(k) for k in mapping.keys if k is not None]
        if all(k is not None for k in keys):
            pairs = [(k, v) for k, v in zip(keys, mapping.values, strict=True) if k is not None]
    elif not items:
        listed = ctx.strings(loop.iter)
        if listed is not None:
            pairs = [(v, None) for v in listed[0]]
    if pairs is None or len(names) > (2 if items else 1):
        return None
    out: list[dict[str, Argument]] = []
    ids = [n.id for n in names if isinstance(n, ast.Name)]
    for key, value in pairs:
        env = {ids[0]: Argument(ast.Constant(key), ctx)}
        if len(ids) == 2 and value is not None:
            env[ids[1]] = Argument(value, where)
        out.append(env)
    return out


def _calls(expr: ast.expr) -> Iterator[ast.Call]:
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _call_args(call: ast.Call) -> Iterator[ast.expr]:
    yield from call.args
    yield from (k.value for k in call.keywords)


def _child_exprs(stmt: ast.stmt) -> Iterator[ast.expr]:
    for node in ast.iter_child_nodes(stmt):
        if isinstance(node, ast.expr):
            yield node


def _catches(kind: ast.expr | None) -> bool:
    if kind is None:
        return True
    return any(
        (isinstance(n, ast.Name) and n.id in _IMPORT_ERRORS)
        or (isinstance(n, ast.Attribute) and n.attr in _IMPORT_ERRORS)
        for n in ast.walk(kind)
    )


def _guards(expr: ast.expr, ctx: Context) -> bool:
    """``pytest.raises(ImportError)``, ``contextlib.suppress(ImportError)``."""
    if not isinstance(expr, ast.Call):
        return False
    name = (ctx.qualified(expr.func) or "").rsplit(".", 1)[-1]
    return name in ("raises", "suppress", "assertRaises") and any(_catches(a) for a in expr.args)


def _is_type_checking(test: ast.expr) -> bool:
    return (dotted(test) or "").rsplit(".", 1)[-1] == "TYPE_CHECKING"


def _monkeypatch_context(stmt: ast.With | ast.AsyncWith) -> bool:
    return any(
        isinstance(i.context_expr, ast.Call)
        and (dotted(i.context_expr.func) or "").endswith("MonkeyPatch.context")
        for i in stmt.items
    )


def _prefix_eviction(stmt: ast.For | ast.AsyncFor, ctx: Context) -> str | None:
    """``for name in list(sys.modules): if name.startswith("app"): del sys.modules[name]``
    (or ``sys.modules.pop(name)``): every module under ``app`` is evicted."""
    iterable = stmt.iter
    while isinstance(iterable, ast.Call) and iterable.args:
        iterable = iterable.args[0]  # list(sys.modules), sorted(...)
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute):
        iterable = iterable.func.value  # sys.modules.keys()
    if not (ctx.is_sys_modules(iterable) and isinstance(stmt.target, ast.Name)):
        return None
    var = stmt.target.id
    for node in ast.walk(stmt):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "startswith"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == var
            and node.args
        ):
            value = ctx.string(node.args[0])
            if value is not None:
                return value.rstrip(".")
            if isinstance(node.args[0], ast.Tuple):
                values = [ctx.string(e) for e in node.args[0].elts]
                if values and all(v is not None for v in values):
                    common = _common_prefix([v for v in values if v is not None])
                    return common
    return None


def _common_prefix(values: list[str]) -> str:
    first = values[0].split(".")
    for value in values[1:]:
        parts = value.split(".")
        keep = 0
        while keep < min(len(first), len(parts)) and first[keep] == parts[keep]:
            keep += 1
        first = first[:keep]
    return ".".join(first)


def _is_fixture_or_test(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    from ..forms.context import fixture_name

    return fixture_name(func) is not None or func.name.startswith("test")
