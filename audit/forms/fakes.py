"""The fake forms: what an object put in ``sys.modules`` provides, one form per class.

Each form answers whether an expression builds one of its own fakes and, if so, gives
the ``Fake``: the names it provides, whether it has ``__path__``, and where ``fix`` adds
a name. ``follow.fake_of`` tries them in ``FAKE_FORMS`` order and adds the names given
later. Each form carries the examples its tests are generated from.
"""

from __future__ import annotations

import ast

from ..model import EditTarget
from ..testfile.scopes import Binding, dotted
from . import follow
from .base import Fake, Form, Match, any_name, unknown
from .context import Context

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


class FakeForm(Form):
    def build(self, node: ast.expr, ctx: Context, mapping: bool) -> Fake | None:
        """The fake ``node`` builds if it is of this form, else None. ``mapping``: the
        install turns a mapping into a module (``mock_module``)."""
        raise NotImplementedError


# --- the forms ------------------------------------------------------------------------


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
        keys = follow.keys_of(node, ctx)
        if isinstance(keys, Fake):
            return keys
        return self._made(keys, node, ctx, mapping, "dict")

    def _made(
        self, names: set[str], node: ast.expr, ctx: Context, mapping: bool, kind: str
    ) -> Fake:
        if not mapping:
            # ``sys.modules[m] = {...}``: ``from m import x`` reads attributes of a dict
            return Fake(
                "dict_installed",
                DICT_ATTRIBUTES,
                key=follow.site_key(node, ctx),
                lines=(node.lineno,),
            )
        if "__getattr__" in names:
            return any_name(self.id)
        return Fake(
            self.id,
            frozenset(names),
            package="__path__" in names,
            edit=follow.span_target(kind, node, ctx),
            lines=(node.lineno,),
            key=follow.site_key(node, ctx),
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
            return Fake("dict_installed", DICT_ATTRIBUTES, key=follow.site_key(node, ctx))
        return Fake(
            self.id,
            frozenset(names),
            package="__path__" in names,
            edit=follow.literal_target(literal, where),
            lines=(node.lineno,),
            key=follow.site_key(literal, where),
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
        return Fake(self.id, frozenset(), key=follow.site_key(node, ctx), lines=(node.lineno,))


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
            spread = follow.spread_names(keyword.value, ctx)
            if isinstance(spread, Fake):
                return spread
            names |= spread
        return Fake(
            self.id,
            frozenset(names),
            package="__path__" in names,
            edit=follow.span_target("keywords", node, ctx),
            lines=(node.lineno,),
            key=follow.site_key(node, ctx),
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
            return Fake(
                "mock", None, package=False, key=follow.site_key(node, ctx), lines=(node.lineno,)
            )
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
            edit=follow.literal_target(literal, where),
            lines=(node.lineno,),
            key=follow.site_key(literal, where),
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
        return None  # reached through names and calls (``follow._bound``, ``follow.fake_of``)

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
            key=follow.site_key(node, ctx),
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
