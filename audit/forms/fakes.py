"""What a fake put in ``sys.modules`` provides: ``fake_of`` and the fake forms.

``fake_of`` follows an expression (through names, helpers, fixtures and lambdas) to the
object it builds and asks each form in ``FAKE_FORMS`` whether it is one of its own; the
first that answers gives the ``Fake``: the names it provides, whether it has
``__path__``, and where ``fix`` adds a name. A name bound to a fake also gets every name
given to it later in its scope (``_with_additions``: attributes, ``update``,
``setattr``, loops over literal lists, a helper's ``**kwargs``), and a fake installed as
"m" the names given through ``sys.modules["m"]`` (``given_later``). Each form carries
the examples its tests are generated from.

Following and the forms are one module because they call each other (a dict spread
``{**BASE}`` follows ``BASE``; a name follows to a form): the answer to "what names
does this fake provide" is in this file.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from ..model import EditKind, EditTarget
from ..testfile.scopes import Addition, Binding, dotted, position
from .base import Fake, Form, Match, any_name, unknown
from .context import Argument, Context, Unit

# What a dict put straight into sys.modules answers (``from m import x`` reads attributes).
DICT_ATTRIBUTES = frozenset(n for n in dir(dict) if not n.startswith("__"))
# Calls whose result is the real module, or a mock spec'd from a real object.
REAL_MODULE_CALLS = frozenset(
    {"import_module", "__import__", "module_from_spec", "reload", "load_module", "create_autospec"}
)
# Keyword arguments of the mock classes that configure the mock rather than name attributes.
MOCK_PARAMS = frozenset(
    {
        "spec",
        "spec_set",
        "side_effect",
        "return_value",
        "wraps",
        "name",
        "parent",
        "unsafe",
        "new",
        "new_callable",
        "instance",
        "**",
    }
)


# --- following an expression to its fake --------------------------------------------


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
    for form in FAKE_FORMS:
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
                return CLASS.of(found_binding[0], found_binding[1], instance=True)
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
        return CLASS.of(binding, ctx, instance=factory)
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
            empty, dirs = replace(ctx, at=addition.at).folders(value)
    return replace(
        inner,
        names=frozenset(names),
        package="__path__" in names or inner.package,
        empty_path=empty,
        path_dirs=dirs,
        lines=tuple(lines),
        edit=edit,
    )


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
                    return frozenset(names), at.edit_target("strings", literal)
                return _given_names(binding.value, where, addition)
            if binding.kind == "assign" and binding.value is not None:
                inner = fake_of(binding.value, where.deeper(), mapping=True)
                if inner.finite:
                    assert inner.names is not None
                    return inner.names, inner.edit
                return inner
    return unknown("The fake gets names computed at run time, which mock-audit cannot read.")


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


def given_later(fake: Fake, module: str, ctx: Context) -> Fake:
    """Names given to whatever fake "m" is, through ``sys.modules``: ``sys.modules["m"].x
    = ...``, or ``alias = sys.modules["m"]`` then ``alias.x = ...`` (a ``__path__`` too)."""
    scopes = {id(ctx.scope): ctx.scope, id(ctx.unit.scopes.module): ctx.unit.scopes.module}
    additions: list[Addition] = []
    for scope in scopes.values():
        owners = [f"sys.modules[{module}]", f"modules[{module}]"]
        for var, bindings in scope.bindings.items():
            if any(_is_item_of(b.value, module, ctx) for b in bindings if b.kind == "assign"):
                owners.append(var)
        for owner in owners:
            additions.extend(scope.additions_to(owner))
    names = {a.name for a in additions if a.name}
    if not names:
        return fake
    assert fake.names is not None
    empty, dirs = fake.empty_path, fake.path_dirs
    for addition in additions:
        if addition.name == "__path__" and isinstance(addition.stmt, ast.Assign):
            empty, dirs = replace(ctx, at=addition.at).folders(addition.stmt.value)
    return replace(
        fake,
        names=fake.names | names,
        package=fake.package or "__path__" in names,
        empty_path=empty,
        path_dirs=dirs,
    )


def _is_item_of(value: ast.expr | None, module: str, ctx: Context) -> bool:
    """``sys.modules["m"]`` (or ``sys.modules.get("m")``) read as the fake of "m"."""
    if isinstance(value, ast.Subscript) and ctx.is_sys_modules(value.value):
        return ctx.string(value.slice) == module
    return False


# --- the forms ------------------------------------------------------------------------


class FakeForm(Form):
    def build(self, node: ast.expr, ctx: Context, mapping: bool) -> Fake | None:
        """The fake ``node`` builds if it is of this form, else None. ``mapping``: the
        install turns a mapping into a module (``mock_module``)."""
        raise NotImplementedError


class NoneBlocker(FakeForm):
    id = "none"
    title = "`None`: blocks the import (an ImportError on purpose); never a finding"
    example = 'sys.modules["app.crud"] = None'
    MATCH = (
        Match('import sys\nsys.modules["app.crud"] = None\n', names=None),
        Match(
            "import sys\nfrom unittest.mock import patch\n\n"
            'with patch.dict(sys.modules, {"app.crud": None}):\n    pass\n',
            names=None,
        ),
    )

    def build(self, node: ast.expr, ctx: Context, mapping: bool) -> Fake | None:
        if isinstance(node, ast.Constant) and node.value is None:
            return Fake(self.id, None, blocker=True)
        return None


class RealModule(FakeForm):
    id = "real"
    title = "the real module, or a mock spec'd from it: has every real name; never a finding"
    example = 'sys.modules["app.crud"] = importlib.import_module("app.crud")'
    MATCH = (
        Match(
            "import importlib, sys\n"
            'sys.modules["app.crud"] = importlib.import_module("app.crud")\n',
            names=None,
        ),
        Match(
            "import sys\nfrom unittest import mock\nimport app.crud\n"
            'sys.modules["app.crud"] = mock.create_autospec(app.crud)\n',
            names=None,
        ),
        Match('import sys\n\nimport app.crud\n\nsys.modules["app.crud"] = app.crud\n', names=None),
        Match(
            "import sys\nfrom unittest.mock import MagicMock\n\nimport app.crud\n\n"
            'sys.modules["app.crud"] = MagicMock(spec=app.crud)\n',
            names=None,
        ),
    )

    def build(self, node: ast.expr, ctx: Context, mapping: bool) -> Fake | None:
        if isinstance(node, ast.Subscript) and ctx.is_sys_modules(node.value):
            return any_name(self.id, package=True)
        if isinstance(node, ast.Call):
            name = (ctx.qualified(node.func) or "").rsplit(".", 1)[-1]
            if name in REAL_MODULE_CALLS:
                return any_name(self.id, package=True)
            func = node.func
            if isinstance(func, ast.Attribute) and ctx.is_sys_modules(func.value):
                return any_name(self.id, package=True)  # sys.modules.get/pop(...)
        return None


class DictFake(FakeForm):
    id = "dict"
    title = (
        'a dict literal (also `dict(...)`, `{**BASE, ...}` spreads, later `d["x"] = ...` '
        "and `d.update(...)`): its keys, when `mock_module` turns it into a module"
    )
    example = 'mock_module("app.crud", {"load": f})'
    MATCH = (
        Match(
            'from harness import mock_module\n\nwith mock_module("app.crud", {"load": print}):\n'
            "    pass\n",
            fixed="from unittest.mock import MagicMock\n\nfrom harness import mock_module\n\n"
            'with mock_module("app.crud", {"load": print, "save": MagicMock()}):\n    pass\n',
        ),
        Match(
            'from harness import mock_module\n\nBASE = {"load": print}\n\n'
            'with mock_module("app.crud", lambda: {**BASE}):\n    pass\n',
        ),
        Match(
            'from harness import mock_module\n\nwith mock_module("app.crud", dict(load=print)):\n'
            "    pass\n",
            fixed="from unittest.mock import MagicMock\n\nfrom harness import mock_module\n\n"
            'with mock_module("app.crud", dict(load=print, save=MagicMock())):\n    pass\n',
        ),
        Match(
            'from harness import mock_module\n\nfake = {"load": print}\nfake["save"] = print\n\n'
            'with mock_module("app.crud", fake):\n    pass\n',
            names=frozenset({"load", "save"}),
        ),
        Match(
            "from unittest import mock\n\nfrom harness import mock_module\n\n"
            'fake = {"load": print, "save": print}\n'
            'with mock_module("app.crud", fake):\n    pass\n',
            names=frozenset({"load", "save"}),
            added="remove",
            fixed="from unittest import mock\n\nfrom harness import mock_module\n\n"
            'fake = {"load": print, "save": print, "remove": mock.AsyncMock()}\n'
            'with mock_module("app.crud", fake):\n    pass\n',
        ),
        Match(
            "from harness import mock_module\n\n"
            'with mock_module("app.crud", {"__getattr__": lambda name: print}):\n    pass\n',
            names=None,
        ),
        # put straight into sys.modules, a dict is not a module: ``from app.crud import
        # load`` reads the dict's attributes
        Match('import sys\n\nsys.modules["app.crud"] = {"load": print}\n', names=DICT_ATTRIBUTES),
    )
    NO_MATCH = (
        'import sys\nsys.modules["app.crud"] = {k: 1 for k in compute()}\n',
        'from harness import mock_module\n\nwith mock_module("app.crud", {**make_fakes()}):\n'
        "    pass\n",
    )

    def build(self, node: ast.expr, ctx: Context, mapping: bool) -> Fake | None:
        if isinstance(node, ast.Call) and dotted(node.func) == "dict" and not node.args:
            names = {k.arg for k in node.keywords if k.arg is not None}
            if any(k.arg is None for k in node.keywords):
                return unknown("The fake dict(...) spreads a mapping mock-audit cannot follow.")
            return self._made(names, node, ctx, mapping, "keywords")
        if not isinstance(node, ast.Dict):
            return None
        keys = keys_of(node, ctx)
        if isinstance(keys, Fake):
            return keys
        return self._made(keys, node, ctx, mapping, "dict")

    def _made(
        self, names: set[str], node: ast.expr, ctx: Context, mapping: bool, kind: EditKind
    ) -> Fake:
        if not mapping:
            # ``sys.modules[m] = {...}``: ``from m import x`` reads attributes of a dict
            return Fake(
                "dict_installed",
                DICT_ATTRIBUTES,
                key=ctx.key(node),
                lines=(node.lineno,),
            )
        if "__getattr__" in names:
            return any_name(self.id)
        return Fake(
            self.id,
            frozenset(names),
            package="__path__" in names,
            edit=ctx.edit_target(kind, node),
            lines=(node.lineno,),
            key=ctx.key(node),
        )


class DictOfNames(FakeForm):
    id = "dict_of_names"
    title = "a dict comprehension over a literal list of names: those names"
    example = 'mock_module("app.crud", {n: MagicMock() for n in ["load"]})'
    MATCH = (
        Match(
            "from unittest.mock import MagicMock\nfrom harness import mock_module\n\n"
            'with mock_module("app.crud", {n: MagicMock() for n in ["load"]}):\n    pass\n',
            fixed="from unittest.mock import MagicMock\nfrom harness import mock_module\n\n"
            'with mock_module("app.crud", {n: MagicMock() for n in ["load", "save"]}):\n'
            "    pass\n",
        ),
    )
    NO_MATCH = (
        "from unittest.mock import MagicMock\nfrom harness import mock_module\n\n"
        'with mock_module("app.crud", {n: MagicMock() for n in names()}):\n    pass\n',
        "from unittest.mock import MagicMock\nfrom harness import mock_module\n\n"
        'with mock_module("app.crud", {f"{n}_fake": MagicMock() for n in ["load"]}):\n    pass\n',
    )

    def build(self, node: ast.expr, ctx: Context, mapping: bool) -> Fake | None:
        if not isinstance(node, ast.DictComp) or len(node.generators) != 1:
            return None
        generator = node.generators[0]
        if generator.ifs or not (
            isinstance(generator.target, ast.Name)
            and isinstance(node.key, ast.Name)
            and node.key.id == generator.target.id
        ):
            return None
        listed = ctx.strings(generator.iter)
        if listed is None:
            return None
        names, literal, where = listed
        if not mapping:
            return Fake("dict_installed", DICT_ATTRIBUTES, key=ctx.key(node))
        return Fake(
            self.id,
            frozenset(names),
            package="__path__" in names,
            edit=where.edit_target("strings", literal),
            lines=(node.lineno,),
            key=where.key(literal),
        )


class ModuleTypeFake(FakeForm):
    id = "module_type"
    title = (
        "`types.ModuleType(...)` (or `type(sys)(...)`) and the attributes given to it later: "
        '`m.x = ...`, `setattr(m, "x", ...)`, `m.__dict__.update(...)`, `vars(m).update(...)`, '
        "a `setattr` loop over a literal list of names"
    )
    example = 'm = types.ModuleType("app.crud"); m.load = f'
    MATCH = (
        Match(
            'import sys\nimport types\n\ncrud = types.ModuleType("app.crud")\ncrud.load = print\n'
            'sys.modules["app.crud"] = crud\n',
            fixed="import sys\nimport types\nfrom unittest.mock import MagicMock\n\n"
            'crud = types.ModuleType("app.crud")\ncrud.load = print\ncrud.save = MagicMock()\n'
            'sys.modules["app.crud"] = crud\n',
        ),
        Match(
            'import sys\nimport types\n\ncrud = types.ModuleType("app.crud")\n'
            'crud.__dict__.update({"load": print})\nsys.modules["app.crud"] = crud\n',
        ),
        Match(
            'import sys\nimport types\n\ncrud = types.ModuleType("app.crud")\n'
            'for name in ["load"]:\n    setattr(crud, name, print)\n'
            'sys.modules["app.crud"] = crud\n',
        ),
        Match(
            "import sys\nimport types\n\n\ndef make(name, **attrs):\n"
            "    module = types.ModuleType(name)\n    for key, value in attrs.items():\n"
            "        setattr(module, key, value)\n    return module\n\n\n"
            'sys.modules["app.crud"] = make("app.crud", load=print)\n',
        ),
        Match(
            'import sys\nimport types\n\npkg = types.ModuleType("app")\npkg.__path__ = []\n'
            'sys.modules["app"] = pkg\n',
            module="app",
            names=frozenset({"__path__"}),
            package=True,
        ),
        Match(
            'import sys\n\ncrud = type(sys)("app.crud")\ncrud.load = print\n'
            'sys.modules["app.crud"] = crud\n',
            fixed="import sys\nfrom unittest.mock import MagicMock\n\n"
            'crud = type(sys)("app.crud")\ncrud.load = print\ncrud.save = MagicMock()\n'
            'sys.modules["app.crud"] = crud\n',
        ),
        Match(
            'import sys\nimport types\n\ncrud = types.ModuleType("app.crud")\n'
            'setattr(crud, "load", print)\nsys.modules["app.crud"] = crud\n',
            fixed="import sys\nimport types\nfrom unittest.mock import MagicMock\n\n"
            'crud = types.ModuleType("app.crud")\nsetattr(crud, "load", print)\n'
            'crud.save = MagicMock()\nsys.modules["app.crud"] = crud\n',
        ),
        Match(
            'import sys\nimport types\n\ncrud = types.ModuleType("app.crud")\n'
            'vars(crud).update(load=print)\nsys.modules["app.crud"] = crud\n',
        ),
        # PEP 562: a module with ``__getattr__`` answers any name
        Match(
            'import sys\nimport types\n\ncrud = types.ModuleType("app.crud")\n'
            'crud.__getattr__ = lambda name: print\nsys.modules["app.crud"] = crud\n',
            names=None,
        ),
    )
    NO_MATCH = (
        'import sys\n\n\ndef test(obj):\n    sys.modules["app.crud"] = type(obj)("m")\n',
        # ``type(X)`` of a class is its metaclass: this builds a class that has ``load``
        "import sys\nfrom types import SimpleNamespace\n\n"
        'sys.modules["app.crud"] = type(SimpleNamespace)("crud", (), {"load": print})\n',
        "import sys\n\nfrom mylib import ModuleType\n\n"
        'sys.modules["app.crud"] = ModuleType("app.crud")\n',
    )

    def build(self, node: ast.expr, ctx: Context, mapping: bool) -> Fake | None:
        if not isinstance(node, ast.Call):
            return None
        func = node.func
        is_module_type = ctx.qualified(func) in ("types.ModuleType", "ModuleType")
        if (
            not is_module_type
            and isinstance(func, ast.Call)
            and isinstance(func.func, ast.Name)
            and func.func.id == "type"
            and len(func.args) == 1
        ):
            # ``type(sys)("m")``: the type of a module; ``type(obj)`` of anything else is not
            is_module_type = _is_imported_module(func.args[0], ctx)
        if not is_module_type:
            return None
        return Fake(self.id, frozenset(), key=ctx.key(node), lines=(node.lineno,))


class NamespaceFake(FakeForm):
    id = "namespace"
    title = "`SimpleNamespace(...)` with keywords (and `**spreads` of known mappings)"
    example = "SimpleNamespace(load=f)"
    MATCH = (
        Match(
            "import sys\nfrom types import SimpleNamespace\n\n"
            'sys.modules["app.crud"] = SimpleNamespace(load=print)\n',
            fixed="import sys\nfrom types import SimpleNamespace\nfrom unittest.mock import "
            "MagicMock\n\n"
            'sys.modules["app.crud"] = SimpleNamespace(load=print, save=MagicMock())\n',
        ),
        Match(
            'import sys\nfrom types import SimpleNamespace\n\nBASE = {"save": print}\n'
            'sys.modules["app.crud"] = SimpleNamespace(**BASE, load=print)\n',
            names=frozenset({"load", "save"}),
        ),
        Match(
            "import sys\nfrom types import SimpleNamespace\n\n"
            'sys.modules["app.crud"] = SimpleNamespace(load=print, save=print)\n',
            names=frozenset({"load", "save"}),
            added="remove",
            fixed="import sys\nfrom types import SimpleNamespace\nfrom unittest.mock import "
            'AsyncMock\n\nsys.modules["app.crud"] = SimpleNamespace(load=print, save=print, '
            "remove=AsyncMock())\n",
        ),
        # the fake is in a mapping bound to a name: the fix edits the binding
        Match(
            "import sys\nfrom types import SimpleNamespace\n\n"
            'FAKES = {"app.crud": SimpleNamespace(load=print)}\nsys.modules.update(FAKES)\n',
            fixed="import sys\nfrom types import SimpleNamespace\nfrom unittest.mock import "
            'MagicMock\n\nFAKES = {"app.crud": SimpleNamespace(load=print, save=MagicMock())}\n'
            "sys.modules.update(FAKES)\n",
        ),
    )
    NO_MATCH = (
        'import sys\nsys.modules["app.crud"] = Namespace(load=print)\n',
        "import sys\nfrom argparse import Namespace\n\n"
        'sys.modules["app.crud"] = Namespace(load=print)\n',
    )

    def build(self, node: ast.expr, ctx: Context, mapping: bool) -> Fake | None:
        if not (
            isinstance(node, ast.Call)
            and ctx.qualified(node.func) in ("types.SimpleNamespace", "SimpleNamespace")
        ):
            return None
        if node.args:
            return unknown("The fake is built from positional arguments mock-audit cannot read.")
        names: set[str] = set()
        for keyword in node.keywords:
            if keyword.arg is not None:
                names.add(keyword.arg)
                continue
            spread = spread_names(keyword.value, ctx)
            if isinstance(spread, Fake):
                return spread
            names |= spread
        return Fake(
            self.id,
            frozenset(names),
            package="__path__" in names,
            edit=ctx.edit_target("keywords", node),
            lines=(node.lineno,),
            key=ctx.key(node),
        )


class MockSpec(FakeForm):
    id = "mock_spec"
    title = (
        "`Mock`/`MagicMock`/`NonCallableMock`/... with `spec=`/`spec_set=` a literal list, "
        "tuple or set of names, or a module-level constant holding one"
    )
    example = 'MagicMock(spec=["load"])'
    MATCH = (
        Match(
            "import sys\nfrom unittest.mock import MagicMock\n\n"
            'sys.modules["app.crud"] = MagicMock(spec=["load"])\n',
            fixed="import sys\nfrom unittest.mock import MagicMock\n\n"
            'sys.modules["app.crud"] = MagicMock(spec=["load", "save"])\n',
        ),
        Match(
            'import sys\nfrom unittest import mock\n\nNAMES = ("load",)\n\n'
            'sys.modules["app.crud"] = mock.Mock(spec_set=NAMES)\n',
            fixed='import sys\nfrom unittest import mock\n\nNAMES = ("load", "save")\n\n'
            'sys.modules["app.crud"] = mock.Mock(spec_set=NAMES)\n',
        ),
        Match(
            "import sys\nfrom unittest.mock import Mock\n\n"
            'sys.modules["app.crud"] = Mock(["load"])\n'
        ),
        # keywords set attributes on a mock with a spec (not on one with spec_set)
        Match(
            "import sys\nfrom unittest.mock import MagicMock\n\n"
            'sys.modules["app.crud"] = MagicMock(spec=["load"], save=print)\n',
            names=frozenset({"load", "save"}),
        ),
        Match(
            "import sys\n\n\ndef test_it(mocker):\n"
            '    mocker.patch.dict(sys.modules, {"app.crud": mocker.MagicMock(spec=["load"])})\n',
            fixed="import sys\n\n\ndef test_it(mocker):\n"
            "    mocker.patch.dict(\n"
            '        sys.modules, {"app.crud": mocker.MagicMock(spec=["load", "save"])}\n'
            "    )\n",
        ),
        # spec-less: answers any name (but has no ``__path__``)
        Match(
            "import sys\nfrom unittest.mock import MagicMock\n\n"
            'sys.modules["app.crud"] = MagicMock()\n',
            names=None,
        ),
    )
    NO_MATCH = (
        "import sys\n\nfrom mylib import MagicMock\n\n"
        'sys.modules["app.crud"] = MagicMock(spec=["load"])\n',
    )

    def build(self, node: ast.expr, ctx: Context, mapping: bool) -> Fake | None:
        if not (isinstance(node, ast.Call) and ctx.is_mock_class(node.func)):
            return None
        spec: ast.expr | None = None
        names: set[str] = set()
        for index, arg in enumerate(node.args):
            if index == 0 and not isinstance(arg, ast.Starred):
                spec = arg
        for keyword in node.keywords:
            if keyword.arg in ("spec", "spec_set"):
                spec = keyword.value
            elif keyword.arg is None:
                return unknown("The mock is configured from a mapping mock-audit cannot follow.")
            elif keyword.arg not in MOCK_PARAMS:
                names.add(keyword.arg.split(".")[0])
        if spec is None or (isinstance(spec, ast.Constant) and spec.value is None):
            # answers any name, but a MagicMock has no __path__: "'m' is not a package"
            return Fake("mock", None, package=False, key=ctx.key(node), lines=(node.lineno,))
        listed = ctx.strings(spec)
        if listed is None:
            if ctx.real_module(spec) is not None or isinstance(spec, (ast.Name, ast.Attribute)):
                return any_name("real", package=True)  # spec'd from a real object
            return unknown("The mock's spec is not a literal list of names.")
        found, literal, where = listed
        names |= set(found)
        return Fake(
            self.id,
            frozenset(names),
            package="__path__" in names,
            edit=where.edit_target("strings", literal),
            lines=(node.lineno,),
            key=where.key(literal),
        )


class ClassFake(FakeForm):
    id = "class"
    title = (
        "a class of the file (bases: none, `object` or other such classes), installed as "
        "the class or an instance: its body's names (and `self.x` for an instance)"
    )
    example = "class FakeCrud:\n    def load(self): ..."
    MATCH = (
        Match(
            "import sys\n\n\nclass FakeCrud:\n    def load(self):\n        pass\n\n\n"
            'sys.modules["app.crud"] = FakeCrud()\n',
            fixed="import sys\nfrom unittest.mock import MagicMock\n\n\nclass FakeCrud:\n"
            "    def load(self):\n        pass\n\n    save = MagicMock()\n\n\n"
            'sys.modules["app.crud"] = FakeCrud()\n',
        ),
        Match(
            "import sys\nfrom unittest import mock\n\n\nclass FakeCrud:\n    def load(self):\n"
            '        pass\n\n\nsys.modules["app.crud"] = FakeCrud\n',
            fixed="import sys\nfrom unittest import mock\n\n\nclass FakeCrud:\n"
            "    def load(self):\n        pass\n\n    save = mock.MagicMock()\n\n\n"
            'sys.modules["app.crud"] = FakeCrud\n',
        ),
        Match(
            "import sys\n\n\nclass FakeCrud:\n    def __init__(self):\n"
            '        self.load = print\n\n\nsys.modules["app.crud"] = FakeCrud()\n',
            names=frozenset({"__init__", "load"}),
        ),
        Match(
            "import sys\n\n\nclass Base:\n    def load(self):\n        pass\n\n\n"
            'class FakeCrud(Base):\n    pass\n\n\nsys.modules["app.crud"] = FakeCrud()\n',
        ),
        Match(
            "import sys\n\n\nclass FakeCrud:\n    def __getattr__(self, name):\n"
            '        return print\n\n\nsys.modules["app.crud"] = FakeCrud()\n',
            names=None,
        ),
    )
    NO_MATCH = (
        "import sys\n\nfrom mylib import Base\n\n\nclass FakeCrud(Base):\n    def load(self):\n"
        '        pass\n\n\nsys.modules["app.crud"] = FakeCrud()\n',
    )

    def build(self, node: ast.expr, ctx: Context, mapping: bool) -> Fake | None:
        return None  # reached through names and calls (``_bound``, ``fake_of``)

    def of(self, binding: Binding, ctx: Context, *, instance: bool) -> Fake:
        node = binding.node
        assert isinstance(node, ast.ClassDef)
        if ctx.too_deep:
            return unknown("The fake is defined through too many indirections to follow.")
        names: set[str] = set()
        for base in node.bases:
            if isinstance(base, ast.Name) and base.id == "object":
                continue
            found = ctx.lookup(base.id) if isinstance(base, ast.Name) else None
            if found is None or found[0].kind != "class" or found[0].node is node:
                if ctx.is_mock_class(base):
                    return any_name(self.id)
                return unknown(
                    f"The fake class {node.name!r} derives from "
                    f"{ast.unparse(base)!r}, which mock-audit does not follow."
                )
            inherited = self.of(found[0], found[1].deeper(), instance=instance)
            if not inherited.finite:
                return inherited
            assert inherited.names is not None
            names |= inherited.names
        if node.keywords:
            return unknown(
                f"The fake class {node.name!r} has a metaclass mock-audit cannot follow."
            )
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(stmt.name)
                if (
                    instance
                    and isinstance(stmt, ast.FunctionDef)
                    and stmt.name in ("__init__", "__post_init__")
                ):
                    names |= _self_attributes(stmt)  # set when the instance is made
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
                    continue
                for target in targets:
                    for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                        if not isinstance(element, ast.Name):
                            return unknown(
                                f"The fake class {node.name!r} assigns to a target "
                                "other than plain names."
                            )
                        names.add(element.id)
        if names & {"__getattr__", "__getattribute__"}:
            return any_name(self.id)
        later = {a.name for a in ctx.scope.additions_to(node.name) if a.name}
        edit = None
        if "__slots__" not in names:
            span = ctx.unit.source.statement_span(node)
            edit = EditTarget("class_body", span, span)
        return Fake(
            self.id,
            frozenset(names | later),
            package="__path__" in names,
            edit=edit,
            lines=(node.lineno,),
            key=ctx.key(node),
        )


def _is_imported_module(node: ast.expr, ctx: Context) -> bool:
    """A name bound by ``import m`` (a module), not by ``from m import x`` (anything)."""
    if not isinstance(node, ast.Name):
        return False
    found = ctx.lookup(node.id)
    return found is not None and found[0].kind == "import" and isinstance(found[0].stmt, ast.Import)


def _self_attributes(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    params = [*func.args.posonlyargs, *func.args.args]
    if not params or any(dotted(d) == "staticmethod" for d in func.decorator_list):
        return set()
    me = params[0].arg
    out: set[str] = set()
    for node in ast.walk(func):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                if (
                    isinstance(element, ast.Attribute)
                    and isinstance(element.value, ast.Name)
                    and element.value.id == me
                ):
                    out.add(element.attr)
    return out


CLASS = ClassFake()

#: Every fake form, in the order they are tried.
FAKE_FORMS: tuple[FakeForm, ...] = (
    NoneBlocker(),
    RealModule(),
    DictFake(),
    DictOfNames(),
    ModuleTypeFake(),
    NamespaceFake(),
    MockSpec(),
    CLASS,
)

__all__ = ["CLASS", "DICT_ATTRIBUTES", "FAKE_FORMS", "FakeForm"]
