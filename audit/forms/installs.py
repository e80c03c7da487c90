"""The install forms: the calls and statements that put a fake into ``sys.modules``.

Each form recognises one spelling and says, for every module it installs, the
expression naming the module, the expression of the fake, and how long the fake
stays when the call is made on its own (``with`` blocks and decorators are the
program builder's business: they end where the block ends). Each carries its
examples, and ``TRIGGERS`` (the bytes every install spells) feeds the prefilter.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import Literal

from .base import Form, Match
from .context import Context
from .fakes import DICT_ATTRIBUTES

#: How long a fake installed by a bare call stays: ``never`` restored (an assignment),
#: until the ``test`` ends (monkeypatch, mocker, the mock_module fixture), or ``idle``
#: (a patcher or context manager that installs nothing until started or entered).
Lasts = Literal["never", "test", "idle"]

#: Bytes one of which every install spells; a file without any has no site.
TRIGGERS = (b"modules", b"mock_module")


@dataclass(frozen=True, eq=False)
class Entry:
    """One module installed by a call or statement."""

    module: ast.expr | None  # None: the install's mapping cannot be read (a note)
    fake: ast.expr | None
    anchor: ast.AST  # where the site is reported
    form: str
    lasts: Lasts = "never"
    mapping: bool = False  # the install turns a mapping into a module (mock_module)
    factory: bool = False  # the fake is a factory, called first (mock_module)
    if_absent: bool = False  # sys.modules.setdefault: installs only when not loaded
    context: Context | None = None  # where ``fake`` is written, when not at the install


class InstallForm(Form):
    def entries(self, node: ast.AST, ctx: Context) -> list[Entry] | None:
        """The modules ``node`` (a Call or an Assign) installs, or None if not this form."""
        raise NotImplementedError


def _arg(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    positional = [a for a in call.args]
    for i, arg in enumerate(positional):
        if isinstance(arg, ast.Starred):
            return None
        if i == index:
            return arg
    return None


def mapping_entries(
    mapping: ast.expr, ctx: Context, anchor_call: ast.Call, form: str, lasts: Lasts, depth: int = 0
) -> list[Entry]:
    """The (module, fake) entries of a mapping given to an install: a dict literal, a
    name bound to one, ``{**BASE, ...}`` spreads; one unknown entry when unreadable."""
    if depth > 8:
        return [Entry(None, None, anchor_call, form, lasts)]
    if isinstance(mapping, ast.Dict):
        out: list[Entry] = []
        for key, value in zip(mapping.keys, mapping.values, strict=True):
            if key is None:
                out.extend(mapping_entries(value, ctx, anchor_call, form, lasts, depth + 1))
            else:
                anchor: ast.AST = key if depth == 0 else anchor_call
                out.append(Entry(key, value, anchor, form, lasts))
        return out
    if isinstance(mapping, ast.Name):
        found = ctx.lookup(mapping.id)
        if found is not None and found[0].kind == "assign" and found[0].value is not None:
            entries = mapping_entries(found[0].value, found[1], anchor_call, form, lasts, depth + 1)
            # the fakes are written where the mapping is bound: fix edits them there
            return [e if e.context is not None else replace(e, context=found[1]) for e in entries]
    if isinstance(mapping, ast.DictComp):
        return [Entry(None, mapping.value, anchor_call, form, lasts)]
    return [Entry(None, None, anchor_call, form, lasts)]


class SysModulesAssign(InstallForm):
    id = "sys_modules_assign"
    title = "assignment to `sys.modules` (also through `from sys import modules`)"
    example = 'sys.modules["app.crud"] = fake'
    MATCH = (
        Match(
            "import sys\nfrom types import SimpleNamespace\n\n"
            'sys.modules["app.crud"] = SimpleNamespace(load=print)\n'
        ),
        Match(
            "from sys import modules\nfrom types import SimpleNamespace\n\n"
            'modules["app.crud"] = SimpleNamespace(load=print)\n'
        ),
        Match(
            'import sys\nimport types\n\nCRUD = "app.crud"\n'
            "sys.modules[CRUD] = fake = types.ModuleType(CRUD)\nfake.load = print\n"
        ),
        Match(
            "import sys as system\nfrom types import SimpleNamespace\n\n"
            'system.modules["app.crud"] = SimpleNamespace(load=print)\n'
        ),
        Match(
            'import sys\nfrom types import SimpleNamespace\n\nPKG = "app"\n'
            'sys.modules[f"{PKG}.crud"] = SimpleNamespace(load=print)\n'
        ),
    )
    NO_MATCH = (
        'import sys\ncache = {}\ncache["app.crud"] = object()\n',
        "from types import SimpleNamespace\n\nmodules = {}\n"
        'modules["app.crud"] = SimpleNamespace(load=print)\n',
    )

    def entries(self, node: ast.AST, ctx: Context) -> list[Entry] | None:
        if not isinstance(node, ast.Assign):
            return None
        out: list[Entry] = []
        names = [t for t in node.targets if isinstance(t, ast.Name)]
        for target in node.targets:
            if isinstance(target, ast.Subscript) and ctx.is_sys_modules(target.value):
                # ``sys.modules["m"] = fake = ModuleType("m")``: the name, so that what is
                # given to it later counts
                fake = names[0] if names else node.value
                out.append(Entry(target.slice, fake, node, self.id))
        return out or None


class SysModulesMethods(InstallForm):
    id = "sys_modules_methods"
    title = "`sys.modules.update(...)` and `sys.modules.setdefault(...)`"
    example = 'sys.modules.update({"app.crud": fake})'
    MATCH = (
        # a dict put in sys.modules answers only the dict's attributes
        Match(
            'import sys\n\nsys.modules.update({"app.crud": {"load": print}})\n',
            names=DICT_ATTRIBUTES,
        ),
        Match(
            "import sys\nfrom types import SimpleNamespace\n\n"
            'sys.modules.setdefault("app.crud", SimpleNamespace(load=print))\n'
        ),
        Match(
            "import sys\nfrom types import SimpleNamespace\n\n"
            'FAKES = {"app.crud": SimpleNamespace(load=print)}\nsys.modules.update(FAKES)\n'
        ),
        Match(
            "import sys\nfrom types import SimpleNamespace\n\n"
            'sys.modules |= {"app.crud": SimpleNamespace(load=print)}\n'
        ),
    )
    NO_MATCH = (
        'import sys\nd = {}\nd.update({"app.crud": 1})\n',
        'import os\n\nos.environ.update({"app.crud": "1"})\n',
    )

    def entries(self, node: ast.AST, ctx: Context) -> list[Entry] | None:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            return None
        if not ctx.is_sys_modules(node.func.value):
            return None
        if node.func.attr == "setdefault":
            module, fake = _arg(node, 0, "key"), _arg(node, 1, "default")
            if module is None or fake is None:
                return None
            return [Entry(module, fake, node, self.id, if_absent=True)]
        if node.func.attr == "update":
            out: list[Entry] = []
            for arg in node.args:
                out.extend(mapping_entries(arg, ctx, node, self.id, "never"))
            for kw in node.keywords:
                if kw.arg is None:
                    out.extend(mapping_entries(kw.value, ctx, node, self.id, "never"))
                else:
                    out.append(Entry(ast.Constant(kw.arg), kw.value, kw, self.id))
            return out
        return None


class MonkeypatchSetitem(InstallForm):
    id = "monkeypatch_setitem"
    title = "pytest's `monkeypatch.setitem(sys.modules, ...)` (restored when the test ends)"
    example = 'monkeypatch.setitem(sys.modules, "app.crud", fake)'
    MATCH = (
        Match(
            "import sys\nfrom types import SimpleNamespace\n\n\ndef test_it(monkeypatch):\n"
            '    monkeypatch.setitem(sys.modules, "app.crud", SimpleNamespace(load=print))\n'
        ),
        Match(
            "import sys\nfrom types import SimpleNamespace\n\n\ndef test_it(monkeypatch):\n"
            '    monkeypatch.setitem(sys.modules, name="app.crud",\n'
            "                        value=SimpleNamespace(load=print))\n"
        ),
    )
    NO_MATCH = (
        'def test_it(monkeypatch):\n    monkeypatch.setitem({}, "app.crud", 1)\n',
        "import os\n\n\ndef test_it(monkeypatch):\n"
        '    monkeypatch.setitem(os.environ, "app.crud", "1")\n',
        # only patch.dict resolves a dotted string; setitem on a str is a TypeError
        "import sys\nfrom types import SimpleNamespace\n\n\ndef test_it(monkeypatch):\n"
        '    monkeypatch.setitem("sys.modules", "app.crud", SimpleNamespace(load=print))\n',
    )

    def entries(self, node: ast.AST, ctx: Context) -> list[Entry] | None:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            return None
        if node.func.attr != "setitem":
            return None
        mapping, module, fake = _arg(node, 0, "dic"), _arg(node, 1, "name"), _arg(node, 2, "value")
        if mapping is None or module is None or fake is None or not ctx.is_sys_modules(mapping):
            return None
        return [Entry(module, fake, node, self.id, "test")]


class PatchDict(InstallForm):
    id = "patch_dict"
    title = (
        '`patch.dict(sys.modules, {...})` (also `"sys.modules"`, through `unittest.mock`, '
        "`mock` or pytest-mock's `mocker`) as a `with`, a decorator, `.start()`, or `mocker`'s call"
    )
    example = 'with patch.dict(sys.modules, {"app.crud": fake}):'
    MATCH = (
        Match(
            "import sys\nfrom unittest.mock import MagicMock, patch\n\n"
            'with patch.dict("sys.modules", {"app.crud": MagicMock(spec=["load"])}):\n    pass\n'
        ),
        Match(
            "import sys\nfrom types import SimpleNamespace\n\n\ndef test_it(mocker):\n"
            '    mocker.patch.dict(sys.modules, {"app.crud": SimpleNamespace(load=print)})\n'
        ),
        Match(
            "import sys\nfrom unittest import mock\n\n\n"
            '@mock.patch.dict(sys.modules, {"app.crud": mock.MagicMock(spec=["load"])})\n'
            "def test_it():\n    pass\n"
        ),
        Match(
            "import sys\nfrom unittest.mock import MagicMock, patch\n\n"
            'patcher = patch.dict(sys.modules, {"app.crud": MagicMock(spec=["load"])})\n'
            "patcher.start()\n"
        ),
        Match(
            "import sys\nfrom types import SimpleNamespace\nfrom unittest.mock import patch\n\n"
            'with patch.dict(sys.modules, values={"app.crud": SimpleNamespace(load=print)}):\n'
            "    pass\n"
        ),
        Match(
            "import sys\nfrom types import SimpleNamespace\nfrom unittest.mock import patch\n\n"
            'BASE = {"app.models": None}\n'
            'with patch.dict(sys.modules, {**BASE, "app.crud": SimpleNamespace(load=print)}):\n'
            "    pass\n"
        ),
    )
    NO_MATCH = (
        'from unittest.mock import patch\n\nwith patch.dict({}, {"app.crud": 1}):\n    pass\n',
        "import os\nfrom unittest.mock import patch\n\n"
        'with patch.dict(os.environ, {"app.crud": "1"}):\n    pass\n',
        'from unittest.mock import patch\n\n\n@patch.dict("os.environ", {"app.crud": "1"})\n'
        "def test_it():\n    pass\n",
        "from unittest.mock import patch\n\nmodules = {}\n"
        'with patch.dict(modules, {"app.crud": {"load": print}}):\n    pass\n',
    )

    def entries(self, node: ast.AST, ctx: Context) -> list[Entry] | None:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            return None
        if node.func.attr != "dict":
            return None
        owner = ctx.qualified(node.func.value) or ""
        if owner.rsplit(".", 1)[-1] != "patch":
            return None
        target = _arg(node, 0, "in_dict")
        if target is None or not ctx.is_sys_modules(target, by_name=True):
            return None
        lasts: Lasts = "test" if owner.split(".")[0] == "mocker" else "idle"
        out: list[Entry] = []
        values = _arg(node, 1, "values")
        if values is not None:
            out.extend(mapping_entries(values, ctx, node, self.id, lasts))
        for kw in node.keywords:
            if kw.arg is None:
                out.extend(mapping_entries(kw.value, ctx, node, self.id, lasts))
            elif kw.arg not in ("in_dict", "values", "clear"):
                out.append(Entry(ast.Constant(kw.arg), kw.value, kw, self.id, lasts))
        return out


class MockModule(InstallForm):
    id = "mock_module"
    title = (
        "mockharness's `mock_module(name, factory)`: a context manager, or the `mock_module` "
        "fixture (restored when the test ends); the factory a mapping or a callable returning one"
    )
    example = 'with mock_module("app.crud", lambda: {...}):'
    MATCH = (
        Match(
            "from harness import mock_module\n\n"
            'with mock_module("app.crud", lambda: {"load": print}):\n    pass\n'
        ),
        Match('def test_it(mock_module):\n    mock_module("app.crud", {"load": print})\n'),
        Match(
            'import harness\n\nwith harness.mock_module("app.crud", lambda: {"load": print}):\n'
            "    pass\n"
        ),
        Match(
            "from harness import mock_module\n\n\ndef make_crud():\n"
            '    return {"load": print}\n\n\n'
            'with mock_module(name="app.crud", factory=make_crud):\n    pass\n'
        ),
    )
    NO_MATCH = (
        "def test_it(mock_module):\n    mock_module.undo()\n",
        'from harness import mock_module\n\nwith mock_module("app.crud"):\n    pass\n',
    )

    def entries(self, node: ast.AST, ctx: Context) -> list[Entry] | None:
        if not isinstance(node, ast.Call):
            return None
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else None
        )
        if name != "mock_module":
            return None
        module, factory = _arg(node, 0, "name"), _arg(node, 1, "factory")
        if module is None or factory is None:
            return None
        # the fixture (a parameter) installs at once; the harness function is a context
        # manager that installs nothing until entered
        lasts: Lasts = "idle"
        if isinstance(func, ast.Name):
            found = ctx.lookup(func.id)
            if found is not None and found[0].kind == "param":
                lasts = "test"
        return [Entry(module, factory, node, self.id, lasts, mapping=True, factory=True)]


#: Every install form, in the order they are tried.
INSTALL_FORMS: tuple[InstallForm, ...] = (
    SysModulesAssign(),
    SysModulesMethods(),
    MonkeypatchSetitem(),
    PatchDict(),
    MockModule(),
)
