"""What pytest collects from one file: tests, fixtures, setup methods, hooks, marks.

pytest runs a test module's body, then each test in definition order, each after
its fixtures (autouse first, then those it requests) and setup methods; conftest
hooks ``pytest_configure``/``pytest_sessionstart`` run before any test module is
imported. This module says which function is which and what each runs (events).
"""

from __future__ import annotations

import ast
from dataclasses import replace

from ..forms.context import Context, fixture_decorator, fixture_name
from ..forms.installs import PatchDict
from .events import Events
from .program import Event, FixtureScope, Function, FunctionKind, Install, Uninstall
from .scopes import dotted, position

_SETUPS: dict[str, tuple[FunctionKind, FixtureScope]] = {
    "setup_module": ("setup", "module"),
    "setUpModule": ("setup", "module"),
    "setup_function": ("setup", "function"),
    "setup_method": ("setup", "function"),
    "setUp": ("setup", "function"),
    "asyncSetUp": ("setup", "function"),
    "setup_class": ("setup", "class"),
    "setUpClass": ("setup", "class"),
    "teardown_method": ("teardown", "function"),
    "tearDown": ("teardown", "function"),
    "asyncTearDown": ("teardown", "function"),
    "teardown_function": ("teardown", "function"),
}
_SCOPES: dict[str, FixtureScope] = {
    "class": "class",
    "module": "module",
    "package": "package",
    "session": "session",
}
_HOOKS = frozenset({"pytest_configure", "pytest_sessionstart"})
_PATCH_DICT = PatchDict()

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef


def collect(tree: ast.Module, events: Events, ctx: Context) -> tuple[list[Function], bool]:
    """Every function pytest runs in this file, and whether the module runs at all."""
    module_marks = _module_marks(tree, ctx)
    functions: list[Function] = []
    classes = {s.name: s for s in tree.body if isinstance(s, ast.ClassDef)}
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            made = _function(stmt, "", events, ctx, module_marks, [])
            if made is not None:
                functions.append(made)
        elif isinstance(stmt, ast.ClassDef) and _is_test_class(stmt, ctx, classes):
            functions.extend(_class(stmt, events, ctx, module_marks, classes))
    return functions, not _skips(module_marks)


def _pytestmark(body: list[ast.stmt]) -> list[ast.expr]:
    """``pytestmark = ...`` (a mark or a list of marks) in a module's or a class's body."""
    marks: list[ast.expr] = []
    for stmt in body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets
        ):
            value = stmt.value
            marks.extend(value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value])
    return marks


def _module_marks(tree: ast.Module, ctx: Context) -> list[ast.expr]:
    """``pytestmark = ...`` at module level, and a module-level ``pytest.skip``."""
    marks = _pytestmark(tree.body)
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and (dotted(stmt.value.func) or "").endswith("skip")
            and any(k.arg == "allow_module_level" for k in stmt.value.keywords)
        ):
            marks.append(ast.Attribute(ast.Name("pytest"), "skip"))  # skips the module
    return marks


def _is_test_class(node: ast.ClassDef, ctx: Context, classes: dict[str, ast.ClassDef]) -> bool:
    if any(isinstance(s, ast.FunctionDef) and s.name == "__init__" for s in node.body):
        return False
    if node.name.startswith("Test"):
        return True
    return _is_testcase(node, classes)


def _is_testcase(node: ast.ClassDef, classes: dict[str, ast.ClassDef], depth: int = 0) -> bool:
    for base in node.bases:
        name = dotted(base) or ""
        if name.rsplit(".", 1)[-1].endswith("TestCase"):
            return True
        inner = classes.get(name)
        if (
            inner is not None
            and inner is not node
            and depth < 8
            and _is_testcase(inner, classes, depth + 1)
        ):
            return True
    return False


def _methods(node: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> list[FuncNode]:
    """A class's own methods, then those it inherits from classes of this file."""
    own = [s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    names = {m.name for m in own}
    inherited: list[FuncNode] = []
    for base in node.bases:
        parent = classes.get(dotted(base) or "")
        if parent is not None and parent is not node:
            for method in _methods(parent, {k: v for k, v in classes.items() if v is not node}):
                if method.name not in names:
                    names.add(method.name)
                    inherited.append(method)
    return [*inherited, *own]


def _class(
    node: ast.ClassDef,
    events: Events,
    ctx: Context,
    module_marks: list[ast.expr],
    classes: dict[str, ast.ClassDef],
) -> list[Function]:
    marks = [*module_marks, *_pytestmark(node.body), *node.decorator_list]
    wrappers = list(node.decorator_list)
    out: list[Function] = []
    for method in _methods(node, classes):
        made = _function(method, node.name, events, ctx, marks, wrappers)
        if made is not None:
            out.append(made)
    return out


def _function(
    func: FuncNode,
    cls: str,
    events: Events,
    ctx: Context,
    outer_marks: list[ast.expr],
    outer_wrappers: list[ast.expr],
) -> Function | None:
    fixture = fixture_name(func)
    name = f"{cls}::{func.name}" if cls else func.name
    kind: FunctionKind
    scope: FixtureScope = "function"
    autouse = False
    if fixture is not None:
        kind = "fixture"
        scope, autouse = _fixture_options(func)
    elif func.name in _SETUPS:
        kind, scope = _SETUPS[func.name]
        if not cls and func.name in ("setup_method", "setUp", "setup_class", "setUpClass"):
            return None
    elif func.name in _HOOKS and not cls:
        kind = "hook"
    elif func.name.startswith("test"):
        kind = "test"
    else:
        return None
    body: list[Event] = []
    if events.may_act(func):
        inner = ctx.enter(func, ctx.unit, None)
        inner = replace(inner, env={}, depth=ctx.depth, stmt=func)
        body = events.body(func.body, inner)
    marks = [*outer_marks, *func.decorator_list]
    wrappers = [*outer_wrappers, *func.decorator_list] if kind == "test" else []
    body = _wrapped(wrappers, body, events, replace(ctx, at=position(func), stmt=func))
    return Function(
        name=name,
        kind=kind,
        line=func.lineno,
        events=tuple(body),
        fixture=fixture or "",
        scope=scope,
        autouse=autouse,
        requests=_requests(func, marks, ctx, cls),
        cls=cls,
        runs=not _skips(marks),
        marks=tuple(sorted({m for m in map(_mark_name, marks) if m})),
    )


def _wrapped(
    decorators: list[ast.expr], body: list[Event], events: Events, ctx: Context
) -> list[Event]:
    """``@patch.dict(sys.modules, {...})`` installs around the test's body."""
    sites: list[int] = []
    for decorator in decorators:
        if isinstance(decorator, ast.Call):
            found = _PATCH_DICT.entries(decorator, ctx)
            if found:
                sites.extend(events._sites(found, ctx))
    if not sites:
        return body
    return [*(Install(s, "block") for s in sites), *body, *(Uninstall(s) for s in sites)]


def _fixture_options(func: FuncNode) -> tuple[FixtureScope, bool]:
    scope: FixtureScope = "function"
    autouse = False
    for decorator in func.decorator_list:
        if fixture_decorator(decorator) is None or not isinstance(decorator, ast.Call):
            continue
        for keyword in decorator.keywords:
            value = keyword.value
            if keyword.arg == "scope" and isinstance(value, ast.Constant):
                scope = _SCOPES.get(str(value.value), scope)
            elif keyword.arg == "autouse" and isinstance(value, ast.Constant):
                autouse = bool(value.value)
    return scope, autouse


def _requests(func: FuncNode, marks: list[ast.expr], ctx: Context, cls: str) -> tuple[str, ...]:
    """The fixtures a function asks for: its parameters (not ``self``, not those with
    defaults, not parametrized ones) and ``usefixtures`` marks."""
    args = func.args
    params = [a.arg for a in (*args.posonlyargs, *args.args)]
    if cls and params and params[0] in ("self", "cls"):
        params = params[1:]
    with_defaults = len(args.defaults)
    if with_defaults:
        params = params[:-with_defaults]
    params += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None]
    parametrized: set[str] = set()
    used: list[str] = []
    for mark in marks:
        call = mark if isinstance(mark, ast.Call) else None
        name = (dotted(call.func if call else mark) or "").rsplit(".", 1)[-1]
        if call is None:
            continue
        if name == "parametrize" and call.args:
            names = ctx.string(call.args[0])
            if names is not None:
                parametrized |= {n.strip() for n in names.split(",")}
            elif isinstance(call.args[0], (ast.List, ast.Tuple)):
                parametrized |= {ctx.string(e) or "" for e in call.args[0].elts}
        elif name == "usefixtures":
            used.extend(v for v in (ctx.string(a) for a in call.args) if v)
    return tuple(used + [p for p in params if p not in parametrized])


def _skips(marks: list[ast.expr]) -> bool:
    """A skip or xfail mark: its tests' failures never fail the run (skipif only when
    its condition is the literal True)."""
    for mark in marks:
        call = mark if isinstance(mark, ast.Call) else None
        name = (dotted(call.func if call else mark) or "").rsplit(".", 1)[-1]
        if name in ("skip", "xfail"):
            return True
        if name in ("skipif", "skipIf") and call is not None and call.args:
            first = call.args[0]
            if isinstance(first, ast.Constant) and first.value is True:
                return True
    return False


def _mark_name(mark: ast.expr) -> str:
    """``x`` of ``@pytest.mark.x`` / ``@pytest.mark.x(...)`` / ``mark.x``, else ""."""
    node = mark.func if isinstance(mark, ast.Call) else mark
    name = dotted(node) or ""
    head, _, last = name.rpartition(".")
    return last if head.endswith("mark") else ""


def markexpr(tree: ast.Module) -> str:
    """What a conftest's ``pytest_configure`` sets ``config.option.markexpr`` to."""
    for stmt in tree.body:
        if not (isinstance(stmt, ast.FunctionDef) and stmt.name == "pytest_configure"):
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr == "markexpr" for t in node.targets
            ):
                return _constant_markexpr(node.value, stmt, tree) or "?"
    return ""


def _constant_markexpr(value: ast.expr, configure: ast.FunctionDef, tree: ast.Module) -> str:
    """A string, or ``EXPRESSIONS[level]`` with ``EXPRESSIONS`` a module-level dict of
    strings and ``level = config.getoption("--level")`` whose default ``pytest_addoption``
    gives (a conftest choosing test levels by marker)."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name)):
        return ""
    table = _module_dict(tree, value.value.id)
    key = value.slice
    if table is None:
        return ""
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return table.get(key.value, "")
    option = _option_of(key, configure) if isinstance(key, ast.Name) else None
    default = _option_default(tree, option) if option else None
    return table.get(default, "") if default is not None else ""


def _module_dict(tree: ast.Module, name: str) -> dict[str, str] | None:
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)
            and isinstance(stmt.value, ast.Dict)
        ):
            out: dict[str, str] = {}
            for k, v in zip(stmt.value.keys, stmt.value.values, strict=True):
                if not (isinstance(k, ast.Constant) and isinstance(v, ast.Constant)):
                    return None
                out[str(k.value)] = str(v.value)
            return out
    return None


def _option_of(name: ast.Name, configure: ast.FunctionDef) -> str | None:
    """``--level`` for ``level = config.getoption("--level")`` in ``pytest_configure``."""
    for node in ast.walk(configure):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name.id for t in node.targets)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "getoption"
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
        ):
            return str(node.value.args[0].value)
    return None


def _option_default(tree: ast.Module, option: str) -> str | None:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "addoption"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == option
        ):
            for keyword in node.keywords:
                if keyword.arg == "default" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return None
