"""Following an expression to the fake it builds.

``fake_of`` follows an expression (through names, helpers, fixtures and lambdas) to the
object it builds and asks each form in ``fakes.FAKE_FORMS`` whether it is one of its
own; the first that answers gives the ``Fake``. A name bound to a fake also gets every
name given to it later in its scope (``_with_additions``): attributes, ``update``,
``setattr``, loops over literal lists, a helper's ``**kwargs``.

The forms call back here for dict spreads (``{**BASE}``) and edit targets; both
modules import each other as modules, so either can be imported first.
"""

from __future__ import annotations

import ast
import os
from dataclasses import replace

from ..model import EditTarget
from ..testfile.scopes import Addition, Binding, dotted, position
from . import fakes
from .base import Fake, any_name, unknown
from .context import Argument, Context, Unit


def fake_of(node: ast.expr, ctx: Context, *, mapping: bool = False, factory: bool = False) -> Fake:
    """What ``node`` (read in ``ctx``) installs. ``factory``: it is called first
    (``mock_module``'s factory), so a function or class stands for what it returns."""
    if ctx.too_deep:
        return unknown("The fake is defined through too many indirections to follow.")
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "setdefault"
        and len(node.args) == 2
        and ctx.is_sys_modules(node.func.value)
    ):
        # ``pkg = sys.modules.setdefault("pkg", ModuleType("pkg"))``: the default is the fake
        # (installed only when "pkg" is not loaded; the replay knows when)
        node = node.args[1]
    if factory:
        if isinstance(node, ast.Lambda):
            inner = replace(ctx, scope=ctx.unit.scopes.scope_of(node), depth=ctx.depth + 1)
            return fake_of(node.body, inner, mapping=mapping)
        helper = ctx.helper(node)
        if helper is not None:
            return _helper_result(helper[0], helper[1], None, ctx, mapping)
    for form in fakes.FAKE_FORMS:
        found = form.build(node, ctx, mapping)
        if found is not None:
            return found
    if isinstance(node, ast.Name):
        return _name(node, ctx, mapping, factory)
    if isinstance(node, ast.Attribute) and (path := dotted(node)) is not None:
        found_binding = ctx.lookup(path)
        if found_binding is not None:
            return _bound(path, *found_binding, mapping=mapping, factory=factory)
        if ctx.real_module(node) is not None:
            return any_name("real", package=True)
    if isinstance(node, ast.Call):
        helper = ctx.helper(node.func)
        if helper is not None:
            return _helper_result(helper[0], helper[1], node, ctx, mapping)
        if isinstance(node.func, ast.Name):
            found_binding = ctx.lookup(node.func.id)
            if found_binding is not None and found_binding[0].kind == "class":
                return fakes.CLASS.of(found_binding[0], found_binding[1], instance=True)
        name = ctx.qualified(node.func)
        what = f"a call to {name!r}" if name else f"the call {_short(node)!r}"
        return unknown(f"The fake is built by {what}, which mock-audit cannot follow.")
    return unknown(f"The fake {_short(node)!r} is not a form mock-audit can analyse.")


def _short(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text[:37] + "..." if len(text) > 40 else text


def _name(node: ast.Name, ctx: Context, mapping: bool, factory: bool) -> Fake:
    argument = ctx.env.get(node.id)
    if argument is not None:
        if argument.value is None:
            return unknown(f"The fake comes from **{node.id}, which mock-audit cannot follow.")
        return fake_of(argument.value, argument.context.deeper(), mapping=mapping, factory=factory)
    found = ctx.lookup(node.id)
    if found is None:
        return unknown(f"The fake {node.id!r} is not defined in this file.")
    return _bound(node.id, *found, mapping=mapping, factory=factory)


def _bound(var: str, binding: Binding, ctx: Context, *, mapping: bool, factory: bool) -> Fake:
    """The fake a name is bound to, with the names given to it later in its scope."""
    if binding.kind == "import":
        return any_name("real", package=True)  # the real module, or something of it
    if binding.kind == "class":
        return fakes.CLASS.of(binding, ctx, instance=factory)
    if binding.kind == "def" and isinstance(binding.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if factory:
            return _helper_result(binding.node, ctx.unit, None, ctx, mapping)
        return unknown(f"The fake {var!r} is a function, not a module-like object.")
    if binding.kind == "param":
        fixture = ctx.fixture(var)
        if fixture is not None:
            return _helper_result(fixture[0], fixture[1], None, ctx, mapping)
        return unknown(
            f"The fake comes from the parameter {var!r}, which mock-audit cannot follow."
        )
    if binding.kind != "assign" or binding.value is None:
        return unknown(f"The fake {var!r} is bound in a way mock-audit cannot follow.")
    inner = fake_of(binding.value, ctx.deeper(), mapping=mapping, factory=factory)
    if not inner.finite:
        return inner
    return _with_additions(var, inner, binding, ctx, ctx.scope.additions_to(var))


def _with_additions(
    var: str, inner: Fake, binding: Binding, ctx: Context, additions: list[Addition]
) -> Fake:
    """``inner`` plus every name given to ``var`` in its scope; where ``fix`` adds one:
    the literal the fake is built from, else the list or call that feeds its names,
    else (a ``ModuleType``) new ``var.name = stub`` lines."""
    assert inner.names is not None
    names = set(inner.names)
    lines = [*inner.lines]
    fed: EditTarget | None = None
    for addition in additions:
        lines.append(addition.stmt.lineno)
        if addition.name is not None:
            names.add(addition.name)
            continue
        given = _given_names(addition.source, replace(ctx, at=addition.at), addition)
        if isinstance(given, Fake):
            return given
        found, target = given
        names |= found
        fed = fed or target
    if "__getattr__" in names:
        return any_name(inner.form)  # PEP 562: the module answers any name
    edit = inner.edit or fed
    if inner.form == "module_type":
        edit = fed or _attribute_target(var, binding, additions, ctx)
    empty = inner.empty_path
    dirs = inner.path_dirs
    for addition in additions:
        if addition.name == "__path__":
            value = addition.stmt.value if isinstance(addition.stmt, ast.Assign) else None
            empty, dirs = path_value(value, replace(ctx, at=addition.at))
    return replace(
        inner,
        names=frozenset(names),
        package="__path__" in names or inner.package,
        empty_path=empty,
        path_dirs=dirs,
        lines=tuple(lines),
        edit=edit,
    )


def path_value(value: ast.expr | None, ctx: Context) -> tuple[bool, tuple[str, ...]]:
    """(empty, folders) of a ``__path__`` value: ``[]`` is empty; a list of paths built
    from ``__file__`` gives its folders; anything else is unknown ((False, ()))."""
    if not isinstance(value, (ast.List, ast.Tuple)):
        return False, ()
    if not value.elts:
        return True, ()
    folders = [ctx.path(e) for e in value.elts]
    if any(f is None for f in folders):
        return False, ()
    return False, tuple(os.path.normpath(f) for f in folders if f is not None)


def _given_names(
    source: ast.expr | None, ctx: Context, addition: Addition
) -> tuple[frozenset[str], EditTarget | None] | Fake:
    """The names ``x.update(source)`` / ``setattr(x, source, ...)`` / ``x[source] = ...``
    give: from a dict literal, a literal list a loop runs over, or a helper's caller."""
    if source is None:
        return unknown("The fake gets names mock-audit cannot read.")
    if isinstance(source, ast.Dict):
        keys = [ctx.string(k) if k is not None else None for k in source.keys]
        if any(k is None for k in keys):
            return unknown("The fake is updated from a dict with keys mock-audit cannot read.")
        target = EditTarget(
            "dict", ctx.unit.source.span(source), ctx.unit.source.statement_span(addition.stmt)
        )
        return frozenset(k for k in keys if k is not None), target
    if (
        isinstance(source, ast.Call)
        and isinstance(source.func, ast.Attribute)
        and source.func.attr in ("items", "keys")
        and not source.args
    ):
        return _given_names(source.func.value, ctx, addition)
    if isinstance(source, ast.Name):
        argument = ctx.env.get(source.id)
        if argument is not None:
            return _argument_names(argument, source.id)
        found = ctx.lookup(source.id)
        if found is not None:
            binding, where = found
            if binding.kind == "loop" and binding.value is not None and binding.index in (None, 0):
                listed = where.strings(binding.value)
                if listed is not None:
                    names, literal, at = listed
                    return frozenset(names), literal_target(literal, at)
                return _given_names(binding.value, where, addition)
            if binding.kind == "assign" and binding.value is not None:
                inner = fake_of(binding.value, where.deeper(), mapping=True)
                if inner.finite:
                    assert inner.names is not None
                    return inner.names, inner.edit
                return inner
    return unknown("The fake gets names computed at run time, which mock-audit cannot read.")


def literal_target(literal: ast.expr, where: Context) -> EditTarget | None:
    """``fix`` adds a name to a literal list of names, in the statement that holds it."""
    if where.stmt is None:
        return None
    source = where.unit.source
    return EditTarget("strings", source.span(literal), source.statement_span(where.stmt))


def _argument_names(
    argument: Argument, param: str
) -> tuple[frozenset[str], EditTarget | None] | Fake:
    """The names a helper's caller passes: keywords for ``**kwargs``, or a dict literal."""
    caller = argument.context
    call = argument.call
    if argument.value is None:  # **kwargs
        names: set[str] = set()
        for keyword in argument.keywords:
            if keyword.arg is None:
                return unknown(
                    f"The helper's **{param} comes from a mapping mock-audit cannot read."
                )
            names.add(keyword.arg)
        target = None
        if call is not None and caller.stmt is not None:
            target = EditTarget(
                "keywords",
                caller.unit.source.span(call),
                caller.unit.source.statement_span(caller.stmt),
            )
        return frozenset(names), target
    value = argument.value
    if isinstance(value, ast.Dict):
        keys = [caller.string(k) if k is not None else None for k in value.keys]
        if any(k is None for k in keys):
            return unknown("The fake's names come from a dict with keys mock-audit cannot read.")
        target = None
        if caller.stmt is not None:
            target = EditTarget(
                "dict",
                caller.unit.source.span(value),
                caller.unit.source.statement_span(caller.stmt),
            )
        return frozenset(k for k in keys if k is not None), target
    inner = fake_of(value, caller.deeper(), mapping=True)
    if inner.finite:
        assert inner.names is not None
        return inner.names, inner.edit
    return (
        inner
        if inner.note
        else unknown("The fake's names come from an argument mock-audit cannot read.")
    )


def _attribute_target(
    var: str, binding: Binding, additions: list[Addition], ctx: Context
) -> EditTarget | None:
    """New ``var.name = stub`` lines go after the last attribute assignment in the
    binding's own block (never into an ``if`` or a loop)."""
    stmt = binding.stmt
    if stmt is None:
        return None
    block = ctx.unit.scopes.blocks.get(id(stmt))
    after = stmt
    for addition in additions:
        if addition.block is block and addition.at >= position(stmt) and addition.name:
            after = addition.stmt
    span = ctx.unit.source.statement_span(after)
    return EditTarget("attributes", span, span, var=var)


def _helper_result(
    func: ast.FunctionDef | ast.AsyncFunctionDef,
    unit: Unit,
    call: ast.Call | None,
    ctx: Context,
    mapping: bool,
) -> Fake:
    """What a helper (or factory, or fixture) returns, its parameters bound to the call."""
    values = [v for v in _returns(func.body) if v is not None]
    if len(values) != 1:
        return unknown(
            f"The helper {func.name!r} returns {len(values)} values; "
            "mock-audit follows helpers with exactly one return."
        )
    return fake_of(values[0], ctx.enter(func, unit, call), mapping=mapping)


def _returns(body: list[ast.stmt]) -> list[ast.expr | None]:
    """The values a function body returns or yields (nested defs and classes excluded)."""
    out: list[ast.expr | None] = []
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if (isinstance(node, ast.Return) and node.value is not None) or (
            isinstance(node, (ast.Yield, ast.YieldFrom)) and node.value is not None
        ):
            out.append(node.value)
        stack.extend(ast.iter_child_nodes(node))
    return out


def keys_of(node: ast.Dict, ctx: Context) -> set[str] | Fake:
    """The names a dict literal declares (``**`` spreads of known dicts included)."""
    names: set[str] = set()
    for key, value in zip(node.keys, node.values, strict=True):
        if key is not None:
            name = ctx.string(key)
            if name is None:
                return unknown("The fake dict has a key that is not a constant string.")
            names.add(name)
            continue
        spread = spread_names(value, ctx)
        if isinstance(spread, Fake):
            return spread
        names |= spread
    return names


def spread_names(value: ast.expr, ctx: Context) -> set[str] | Fake:
    if isinstance(value, ast.Name) and value.id in ctx.env:
        given = _argument_names(ctx.env[value.id], value.id)
        return given if isinstance(given, Fake) else set(given[0])
    inner = fake_of(value, ctx.deeper(), mapping=True)
    if inner.note is not None:
        return inner
    if inner.names is None:
        return unknown("The fake spreads a mapping mock-audit cannot follow.")
    return set(inner.names)


def span_target(kind: str, node: ast.AST, ctx: Context) -> EditTarget | None:
    stmt = ctx.stmt
    if stmt is None:
        return None
    return EditTarget(
        kind,  # type: ignore[arg-type]
        ctx.unit.source.span(node),
        ctx.unit.source.statement_span(stmt),
    )


def site_key(node: ast.AST, ctx: Context) -> str:
    return f"{ctx.unit.path}:{getattr(node, 'lineno', 0)}:{getattr(node, 'col_offset', 0)}"


__all__ = [
    "fake_of",
    "keys_of",
    "literal_target",
    "path_value",
    "site_key",
    "span_target",
    "spread_names",
]
