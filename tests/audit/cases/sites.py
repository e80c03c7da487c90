"""Examples each recognised form carries: code that must match (with what it provides) and not.

``Match.expect`` lists, in source order, ``(module, provided)`` per site: provided is
a tuple of sorted names, or None for fakes that accept any name (or are None, or the
real module). ``NOTE`` marks a site that cannot be analysed (provided None, note set).
Tests in ``test_sites.py`` are generated from these tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOTE = "note"
Provided = tuple[str, ...] | None | str


@dataclass(frozen=True)
class Match:
    code: str
    expect: tuple[tuple[str, Provided], ...]
    form: str | None = None  # checked on every site with provided names, when given


@dataclass(frozen=True)
class Examples:
    match: list[Match] = field(default_factory=list)
    no_match: list[str] = field(default_factory=list)


HEAD = "import sys\nimport types\nfrom types import ModuleType, SimpleNamespace\n"
MOCKS = "from unittest.mock import MagicMock, Mock, NonCallableMagicMock, patch\n"

# --- install forms ---

MOCK_MODULE = Examples(
    match=[
        Match('mock_module("pkg.mod", lambda: {"a": 1, "b": 2})', (("pkg.mod", ("a", "b")),)),
        Match('mock_module("pkg.mod", {"a": 1})', (("pkg.mod", ("a",)),)),
        Match(
            'def factory():\n    return {"f": 1}\n\n'
            'def test(mock_module):\n    mock_module("pkg.mod", factory)\n',
            (("pkg.mod", ("f",)),),
        ),
        Match(
            "from harness import mock_module\n\n"
            'def test():\n    with mock_module("pkg.mod", lambda: {"a": 1}):\n        pass\n',
            (("pkg.mod", ("a",)),),
        ),
        Match(
            'import harness\nharness.mock_module(name="pkg.mod", factory={"k": 1})',
            (("pkg.mod", ("k",)),),
        ),
        Match('MOD = "pkg.mod"\nmock_module(MOD, {"a": 1})', (("pkg.mod", ("a",)),)),
        Match('mock_module("pkg" ".mod", {})', (("pkg.mod", ()),)),
    ],
    no_match=[
        'mock_module("pkg.mod")',
        'other_helper("pkg.mod", {"a": 1})',
        "mock_module",
    ],
)

SYS_MODULES_ASSIGN = Examples(
    match=[
        Match('import sys\nsys.modules["pkg.mod"] = {"a": 1}', (("pkg.mod", ("a",)),)),
        Match("import sys as s\ns.modules['pkg.mod'] = {'a': 1}", (("pkg.mod", ("a",)),)),
        Match('from sys import modules\nmodules["pkg.mod"] = {"a": 1}', (("pkg.mod", ("a",)),)),
        Match(
            'import sys\nMOD = "pkg.mod"\ndef test():\n    sys.modules[MOD] = {"a": 1}\n',
            (("pkg.mod", ("a",)),),
        ),
        Match(
            HEAD + 'sys.modules["pkg.a"] = m = ModuleType("pkg.a")\nm.x = 1\n',
            (("pkg.a", ("x",)),),
            form="module_type",
        ),
        Match(
            'import sys\nsys.modules["a"] = sys.modules["b"] = {"x": 1}',
            (("a", ("x",)), ("b", ("x",))),
        ),
        Match('import sys\nsys.modules.setdefault("pkg.mod", {"a": 1})', (("pkg.mod", ("a",)),)),
        Match(
            'import sys\nimport app.crud as crud\nsys.modules[crud.__name__] = {"a": 1}',
            (("app.crud", ("a",)),),
        ),
    ],
    no_match=[
        'sys.modules["pkg.mod"] = {"a": 1}',  # no ``import sys``: not the sys module
        'import sys\ndel sys.modules["pkg.mod"]',
        'import sys\nsys.modules.pop("pkg.mod", None)',
        'import os\nos.environ["pkg.mod"] = "x"',
        'import sys\nd = {}\nd["pkg.mod"] = {"a": 1}',
        "import sys\nfor name in ['a', 'b']:\n    sys.modules[name] = MagicMock()",
        "import sys\nx = sys.modules['pkg.mod']",
    ],
)

SETITEM = Examples(
    match=[
        Match(
            "import sys\ndef test(monkeypatch):\n"
            '    monkeypatch.setitem(sys.modules, "pkg.mod", {"a": 1})\n',
            (("pkg.mod", ("a",)),),
        ),
        Match(
            HEAD + "def test(monkeypatch):\n"
            '    monkeypatch.setitem(sys.modules, "pkg.mod", SimpleNamespace(a=1))\n',
            (("pkg.mod", ("a",)),),
            form="namespace",
        ),
    ],
    no_match=[
        'import os\ndef test(monkeypatch):\n    monkeypatch.setitem(os.environ, "pkg.mod", "1")\n',
        'import sys\ndef test(monkeypatch):\n    monkeypatch.setitem(sys.modules, "pkg.mod")\n',
    ],
)

PATCH_DICT = Examples(
    match=[
        Match(
            MOCKS + HEAD + 'patch.dict(sys.modules, {"pkg.mod": {"a": 1}}).start()',
            (("pkg.mod", ("a",)),),
        ),
        Match(
            MOCKS + 'def test():\n    with patch.dict("sys.modules", {"pkg.mod": {"a": 1}}):\n'
            "        pass\n",
            (("pkg.mod", ("a",)),),
        ),
        Match(
            MOCKS + HEAD + "def test():\n"
            '    with open("f") as f, patch.dict(sys.modules, {"pkg.mod": {"a": 1}}):\n'
            "        pass\n",
            (("pkg.mod", ("a",)),),
        ),
        Match(
            MOCKS + HEAD + '@patch.dict(sys.modules, {"pkg.mod": {"a": 1}})\n'
            "def test():\n    pass\n",
            (("pkg.mod", ("a",)),),
        ),
        Match(
            "import sys\nimport unittest.mock\n"
            'unittest.mock.patch.dict(sys.modules, {"pkg.mod": {"a": 1}})',
            (("pkg.mod", ("a",)),),
        ),
        Match(
            "import sys\nfrom unittest import mock\n"
            'mock.patch.dict(sys.modules, {"p.m": {"a": 1}})',
            (("p.m", ("a",)),),
        ),
        Match(
            'import sys\nimport mock\nmock.patch.dict(sys.modules, {"p.m": {"a": 1}})',
            (("p.m", ("a",)),),
        ),
        Match(
            'import sys\nfrom mock import patch\npatch.dict(sys.modules, {"p.m": {"a": 1}})',
            (("p.m", ("a",)),),
        ),
        Match(
            "import sys\ndef test(mocker):\n"
            '    mocker.patch.dict(sys.modules, {"pkg.mod": {"a": 1}})\n',
            (("pkg.mod", ("a",)),),
        ),
        Match(
            MOCKS + HEAD + 'patch.dict(sys.modules, values={"pkg.mod": {"a": 1}})',
            (("pkg.mod", ("a",)),),
        ),
        Match(
            MOCKS + HEAD + 'patch.dict(in_dict=sys.modules, values={"pkg.mod": {"a": 1}})',
            (("pkg.mod", ("a",)),),
        ),
        Match(MOCKS + HEAD + 'patch.dict(sys.modules, crud={"a": 1})', (("crud", ("a",)),)),
        Match(
            MOCKS + HEAD + 'patch.dict(sys.modules, **{"pkg.mod": {"a": 1}})',
            (("pkg.mod", ("a",)),),
        ),
        Match(
            MOCKS + HEAD + 'patch.dict(sys.modules, {"p.one": {"a": 1}, "p.two": None, '
            '"p.three": MagicMock()})',
            (("p.one", ("a",)), ("p.two", None), ("p.three", None)),
        ),
        Match(
            MOCKS + HEAD + 'FAKES = {"pkg.mod": {"a": 1}}\npatch.dict(sys.modules, FAKES)',
            (("pkg.mod", ("a",)),),
        ),
        Match(
            MOCKS + HEAD + 'BASE = {"p.a": {"a": 1}}\n'
            'patch.dict(sys.modules, {**BASE, "p.b": {"b": 1}})',
            (("p.a", ("a",)), ("p.b", ("b",))),
        ),
        Match('import sys\nsys.modules.update({"pkg.mod": {"a": 1}})', (("pkg.mod", ("a",)),)),
        Match('import sys\nsys.modules.update(crud={"a": 1})', (("crud", ("a",)),)),
    ],
    no_match=[
        MOCKS + 'import os\npatch.dict(os.environ, {"pkg.mod": "x"})',
        MOCKS + 'patch.dict(settings, {"pkg.mod": {"a": 1}})',
        MOCKS + HEAD + "patch.dict(sys.modules, {n: MagicMock() for n in NAMES})",
        MOCKS + HEAD + "patch.dict(sys.modules, clear=True)",
        'import sys\nd = {}\nd.update({"pkg.mod": {"a": 1}})',
    ],
)

# --- fake forms (installed with ``sys.modules[...] =`` unless said otherwise) ---

DICT = Examples(
    match=[
        Match(HEAD + 'sys.modules["m"] = {"a": 1, "b": 2}', (("m", ("a", "b")),), form="dict"),
        Match(
            HEAD + 'BASE = {"a": 1}\nsys.modules["m"] = {**BASE, "b": 2}',
            (("m", ("a", "b")),),
            form="dict",
        ),
        Match(
            HEAD + 'BASE = {"a": 1}\nMORE = {**BASE, "c": 3}\nsys.modules["m"] = {**MORE, "b": 2}',
            (("m", ("a", "b", "c")),),
        ),
        Match(
            HEAD + 'FAKE = {"a": 1}\ndef test():\n    sys.modules["m"] = FAKE\n',
            (("m", ("a",)),),
        ),
        Match(
            HEAD + 'def test():\n    fake = {"a": 1}\n    fake["b"] = 2\n'
            '    sys.modules["m"] = fake\n',
            (("m", ("a", "b")),),
        ),
        Match(HEAD + 'KEY = "a"\nsys.modules["m"] = {KEY: 1}', (("m", ("a",)),)),
        Match(HEAD + 'sys.modules["m"] = {key: 1}', (("m", NOTE),)),
        Match(HEAD + 'sys.modules["m"] = {"__getattr__": lambda n: 1}', (("m", None),)),
        Match(HEAD + 'sys.modules["m"] = {**unknown_mapping}', (("m", NOTE),)),
    ],
)

MODULE_TYPE = Examples(
    match=[
        Match(
            HEAD + 'def test():\n    fake = types.ModuleType("m")\n    fake.a = 1\n'
            '    fake.b = 2\n    sys.modules["m"] = fake\n',
            (("m", ("a", "b")),),
            form="module_type",
        ),
        Match(
            HEAD + 'fake = ModuleType("m")\nsetattr(fake, "a", 1)\nsys.modules["m"] = fake\n',
            (("m", ("a",)),),
            form="module_type",
        ),
        Match(
            HEAD + 'fake = type(sys)("m")\nfake.a = 1\nsys.modules["m"] = fake\n',
            (("m", ("a",)),),
            form="module_type",
        ),
        Match(
            HEAD + 'fake = ModuleType("m")\nfake.__dict__.update({"a": 1}, b=2)\n'
            'sys.modules["m"] = fake\n',
            (("m", ("a", "b")),),
        ),
        Match(
            HEAD + 'fake = ModuleType("m")\nfor n in NAMES:\n    setattr(fake, n, 1)\n'
            'sys.modules["m"] = fake\n',
            (("m", NOTE),),
        ),
        Match(
            HEAD + 'fake = ModuleType("m")\nfake.__getattr__ = lambda name: 1\n'
            'sys.modules["m"] = fake\n',
            (("m", None),),
        ),
        Match(
            HEAD + 'pkg = ModuleType("p")\npkg.sub = ModuleType("p.sub")\npkg.sub.a = 1\n'
            'sys.modules["p"] = pkg\nsys.modules["p.sub"] = pkg.sub\n',
            (("p", ("sub",)), ("p.sub", ("a",))),
        ),
        Match(HEAD + 'sys.modules["m"] = ModuleType("m")', (("m", ()),)),
    ],
)

NAMESPACE = Examples(
    match=[
        Match(
            HEAD + 'sys.modules["m"] = SimpleNamespace(a=1, b=2)',
            (("m", ("a", "b")),),
            form="namespace",
        ),
        Match(HEAD + 'sys.modules["m"] = types.SimpleNamespace(a=1)', (("m", ("a",)),)),
        Match(
            HEAD + 'ns = SimpleNamespace(a=1)\nns.b = 2\nsys.modules["m"] = ns\n',
            (("m", ("a", "b")),),
        ),
        Match(HEAD + 'sys.modules["m"] = SimpleNamespace(**{"a": 1}, b=2)', (("m", ("a", "b")),)),
    ],
)

MOCK_SPEC = Examples(
    match=[
        Match(
            MOCKS + HEAD + 'sys.modules["m"] = MagicMock(spec=["a", "b"])',
            (("m", ("a", "b")),),
            form="mock_spec",
        ),
        Match(MOCKS + HEAD + 'sys.modules["m"] = Mock(spec_set=("a",))', (("m", ("a",)),)),
        Match(
            MOCKS + HEAD + 'sys.modules["m"] = NonCallableMagicMock(spec={"a"})', (("m", ("a",)),)
        ),
        Match(MOCKS + HEAD + 'sys.modules["m"] = Mock(["a"])', (("m", ("a",)),)),
        Match(
            'import sys\nfrom unittest import mock\nsys.modules["m"] = mock.MagicMock(spec=["a"])',
            (("m", ("a",)),),
        ),
        Match(
            'import sys\ndef test(mocker):\n    sys.modules["m"] = mocker.MagicMock(spec=["a"])\n',
            (("m", ("a",)),),
        ),
        Match(
            MOCKS + HEAD + 'fake = MagicMock(spec=["a"])\nfake.b = 1\nsys.modules["m"] = fake\n',
            (("m", ("a", "b")),),
        ),
        Match(
            MOCKS + HEAD + 'sys.modules["m"] = MagicMock(spec=["a"], b=1, return_value=2)',
            (("m", ("a", "b")),),
        ),
        Match(MOCKS + HEAD + 'sys.modules["m"] = MagicMock(spec=SomeClass)', (("m", NOTE),)),
        Match(
            MOCKS + HEAD + 'import app.crud\nsys.modules["m"] = MagicMock(spec=app.crud)',
            (("m", None),),
        ),
    ],
)

HELPERS = Examples(
    match=[
        Match(
            HEAD + 'def make():\n    return {"a": 1}\n\nsys.modules["m"] = make()\n',
            (("m", ("a",)),),
            form="dict",
        ),
        Match(
            HEAD + "def make_fake(**overrides):\n"
            "    return SimpleNamespace(a=1, **overrides)\n\n"
            'sys.modules["m"] = make_fake(b=2)\n',
            (("m", ("a", "b")),),
            form="kwargs_helper",
        ),
        Match(
            HEAD + "def make_fake(**kw):\n"
            '    return {"a": 1, **kw}\n\n'
            'sys.modules["m"] = make_fake(b=2, c=3)\n',
            (("m", ("a", "b", "c")),),
            form="kwargs_helper",
        ),
        Match(
            HEAD + "def make_fake():\n"
            '    fake = ModuleType("m")\n    fake.a = 1\n    return fake\n\n'
            'sys.modules["m"] = make_fake()\n',
            (("m", ("a",)),),
            form="module_type",
        ),
        Match(
            HEAD + "import pytest\n\n@pytest.fixture\ndef fake_crud():\n"
            '    return {"a": 1}\n\n'
            'def test(fake_crud):\n    sys.modules["m"] = fake_crud\n',
            (("m", ("a",)),),
        ),
        Match(
            HEAD + "def make(flag):\n    if flag:\n        return {}\n    return {'a': 1}\n\n"
            'sys.modules["m"] = make(1)\n',
            (("m", NOTE),),
        ),
        Match(
            HEAD + "def make_fake(**kw):\n"
            '    return {"a": 1, **kw}\n\n'
            'sys.modules["m"] = make_fake(**OTHER)\n',
            (("m", NOTE),),
        ),
    ],
)

# Module names built from module-level string constants: ``+`` and f-strings alike.
MODULE_NAMES = Examples(
    match=[
        Match(
            'import sys\nPKG = "app"\nsys.modules[PKG + ".crud"] = {"a": 1}\n',
            (("app.crud", ("a",)),),
        ),
        Match(
            'import sys\nPKG = "app"\nsys.modules[f"{PKG}.crud"] = {"a": 1}\n',
            (("app.crud", ("a",)),),
        ),
        Match(
            'import sys\nPKG = "app"\nSUB = "crud"\n\n'
            "def test(monkeypatch):\n"
            '    monkeypatch.setitem(sys.modules, f"{PKG}.{SUB}", {"a": 1, "b": 2})\n',
            (("app.crud", ("a", "b")),),
        ),
        Match(
            MOCKS + 'import sys\nPKG = "app"\nFULL = f"{PKG}.db"\n'
            'patch.dict(sys.modules, {f"{FULL}.crud": {"a": 1}}).start()\n',
            (("app.db.crud", ("a",)),),
        ),
        Match(
            'import sys\nPKG = "app"\nmock_module("x" f".{PKG}", {"a": 1})\n',
            (("x.app", ("a",)),),
        ),
        Match(
            "import sys\nPKG = 'app'\nsys.modules[f'{PKG}.crud'] = {'a': 1}\n",
            (("app.crud", ("a",)),),
        ),
        # Not constant strings: the site is kept, with a note instead of a module name.
        Match(
            'import sys\nPKG = "app"\nsys.modules[f"{PKG!r}.crud"] = {"a": 1}\n',
            (("<unknown>", NOTE),),
        ),
        Match(
            'import sys\nPKG = "app"\nsys.modules[f"{PKG:>8}.crud"] = {"a": 1}\n',
            (("<unknown>", NOTE),),
        ),
        Match(
            'import sys\nPKG = "app"\nsys.modules[f"{PKG=}.crud"] = {"a": 1}\n',
            (("<unknown>", NOTE),),
        ),
        Match(
            'import sys\nsys.modules[f"{pkg}.crud"] = {"a": 1}\n',
            (("<unknown>", NOTE),),
        ),
        Match(
            'import sys\nN = 1\nsys.modules[f"app{N}.crud"] = {"a": 1}\n',
            (("<unknown>", NOTE),),
        ),
        Match(
            'import sys\nPKG = "app"\nsys.modules[f"{PKG}.{{crud}}"] = {"a": 1}\n',
            (("<unknown>", NOTE),),
        ),
        Match(
            'import sys\nPKG = "app"\nsys.modules[f"{PKG.upper()}.crud"] = {"a": 1}\n',
            (("<unknown>", NOTE),),
        ),
    ],
    no_match=[
        'import os\nPKG = "app"\nos.environ[f"{PKG}.crud"] = "1"\n',
        'import sys\nPKG = "app"\nd = {}\nd[f"{PKG}.crud"] = {"a": 1}\n',
    ],
)

CRUD = (
    "class FakeCrud:\n"
    '    """Stands in for app.crud."""\n\n'
    "    LIMIT = 10\n"
    "    timeout: float = 1.0\n"
    "    retries: int\n"  # a bare annotation binds nothing
    "    a, b = 1, 2\n\n"
    "    def __init__(self):\n"
    "        self.store = {}\n"
    "        self.hits: int = 0\n\n"
    "    async def add_message(self, m):\n"
    "        self.last = m\n\n"
    "    class Error(Exception):\n"
    "        pass\n\n"
)
CRUD_CLASS = ("Error", "LIMIT", "a", "add_message", "b", "timeout")
CRUD_INSTANCE = tuple(sorted((*CRUD_CLASS, "__init__", "hits", "last", "store")))
CRUD_CLASS = tuple(sorted((*CRUD_CLASS, "__init__")))

# Classes of the test file (and instances of them) used as fakes.
CLASSES = Examples(
    match=[
        Match(
            HEAD + CRUD + "def test(monkeypatch):\n"
            '    monkeypatch.setitem(sys.modules, "app.crud", FakeCrud())\n',
            (("app.crud", CRUD_INSTANCE),),
            form="class",
        ),
        Match(
            HEAD + CRUD + 'sys.modules["app.crud"] = FakeCrud\n',
            (("app.crud", CRUD_CLASS),),
            form="class",
        ),
        Match(
            HEAD + CRUD + 'fake = FakeCrud()\nfake.extra = 1\nsys.modules["app.crud"] = fake\n',
            (("app.crud", tuple(sorted((*CRUD_INSTANCE, "extra")))),),
            form="class",
        ),
        Match(
            HEAD + 'class Fake: pass\n\nsys.modules["a"] = Fake()\nsys.modules["b"] = Fake\n',
            (("a", ()), ("b", ())),
            form="class",
        ),
        Match(
            HEAD + "class Base(object):\n    def load(self):\n        self.cache = 1\n\n"
            "class Fake(Base):\n    ...\n\n"
            "class Mixin:\n    save = None\n\n"
            "class Both(Fake, Mixin):\n    pass\n\n"
            'sys.modules["a"] = Both()\nsys.modules["b"] = Both\n',
            (("a", ("cache", "load", "save")), ("b", ("load", "save"))),
            form="class",
        ),
        Match(
            HEAD + "def test(monkeypatch):\n"
            "    class Local:\n        @staticmethod\n        def get(x):\n            x.y = 1\n\n"
            '    monkeypatch.setitem(sys.modules, "m", Local())\n',
            (("m", ("get",)),),
            form="class",
        ),
        Match(
            HEAD + 'class Fake:\n    x = 1\n\nFake.later = 2\nmock_module("m", Fake)\n',
            (("m", ("later", "x")),),
            form="class",
        ),
        Match(
            MOCKS + HEAD + "class Fake:\n    x = 1\n\n"
            'patch.dict(sys.modules, {"m": Fake(), "n": Fake}).start()\n',
            (("m", ("x",)), ("n", ("x",))),
            form="class",
        ),
        Match(
            HEAD + 'class Slotted:\n    __slots__ = ("a",)\n\n'
            "class Fake(Slotted):\n    b = 1\n\n"
            'sys.modules["m"] = Fake()\nsys.modules["n"] = Slotted()\n',
            (("m", ("__slots__", "b")), ("n", ("__slots__",))),
            form="class",
        ),
        # Any name resolves: not a finding.
        Match(
            HEAD + "class Any:\n    def __getattribute__(self, name):\n        return 1\n\n"
            'sys.modules["m"] = Any()\n',
            (("m", None),),
        ),
        Match(
            HEAD + "class Any:\n    def __getattr__(self, name):\n        return 1\n\n"
            'class Sub(Any):\n    x = 1\n\nsys.modules["m"] = Sub\n',
            (("m", None),),
        ),
        # Not analysed: a note, never a guess.
        Match(
            MOCKS + HEAD + 'class Fake(MagicMock):\n    x = 1\n\nsys.modules["m"] = Fake\n',
            (("m", NOTE),),
        ),
        Match(
            HEAD + 'class Fake(SimpleNamespace):\n    x = 1\n\nsys.modules["m"] = Fake()\n',
            (("m", NOTE),),
        ),
        Match(
            HEAD + "from app.base import Base\n\nclass Fake(Base):\n    x = 1\n\n"
            'sys.modules["m"] = Fake()\n',
            (("m", NOTE),),
        ),
        Match(
            HEAD + "class Ok:\n    pass\n\nclass Fake(Ok, types.ModuleType):\n    pass\n\n"
            'sys.modules["m"] = Fake()\n',
            (("m", NOTE),),
        ),
        Match(
            HEAD + "class Meta(type):\n    pass\n\nclass Fake(metaclass=Meta):\n    x = 1\n\n"
            'sys.modules["m"] = Fake\n',
            (("m", NOTE),),
        ),
        Match(
            HEAD + "import dataclasses\n\n@dataclasses.dataclass\nclass Fake:\n    x: int = 1\n\n"
            'sys.modules["m"] = Fake()\n',
            (("m", NOTE),),
        ),
        Match(
            HEAD + "class Fake:\n    if sys.version_info >= (3, 11):\n        x = 1\n\n"
            'sys.modules["m"] = Fake()\n',
            (("m", NOTE),),
        ),
        Match(
            HEAD + "class Fake:\n    from os import path\n\nsys.modules['m'] = Fake()\n",
            (("m", NOTE),),
        ),
        Match(
            HEAD + 'Fake = type("Fake", (), {"x": 1})\nsys.modules["m"] = Fake()\n',
            (("m", NOTE),),
        ),
        Match(
            HEAD + 'class Fake:\n    x = 1\n\nsetattr(Fake, name, 1)\nsys.modules["m"] = Fake\n',
            (("m", NOTE),),
        ),
    ],
    no_match=[
        HEAD + "class Fake:\n    x = 1\n\nregistry = {}\nregistry['app.crud'] = Fake()\n",
        HEAD + "class Fake:\n    x = 1\n\nsys.modules.pop('app.crud', Fake)\n",
    ],
)

NOT_FINDINGS = Examples(
    match=[
        Match(MOCKS + HEAD + 'sys.modules["m"] = MagicMock()', (("m", None),)),
        Match(MOCKS + HEAD + 'sys.modules["m"] = Mock(return_value=1)', (("m", None),)),
        Match(HEAD + 'sys.modules["m"] = None', (("m", None),)),
        Match(HEAD + 'import app.crud\nsys.modules["app.crud"] = app.crud', (("app.crud", None),)),
        Match(HEAD + 'import app.crud as c\nsys.modules["app.crud"] = c', (("app.crud", None),)),
        Match(
            HEAD + 'import importlib\nsys.modules["m"] = importlib.import_module("m")',
            (("m", None),),
        ),
        Match(
            HEAD + "from unittest.mock import create_autospec\n"
            'sys.modules["m"] = create_autospec(real)',
            (("m", None),),
        ),
        Match(
            HEAD + "class Anything:\n    def __getattr__(self, name):\n        return 1\n\n"
            'sys.modules["m"] = Anything()\n',
            (("m", None),),
        ),
        Match(
            HEAD + "class Anything:\n    def __getattr__(self, name):\n        return 1\n\n"
            "class Fake(Anything):\n    pass\n\n"
            'sys.modules["m"] = Fake()\n',
            (("m", None),),
        ),
        Match(HEAD + 'old = sys.modules.pop("m")\nsys.modules["m"] = old\n', (("m", None),)),
        Match(HEAD + 'sys.modules["m"] = sys.modules["other"]', (("m", None),)),
    ],
)

UNANALYSABLE = Examples(
    match=[
        Match(HEAD + 'sys.modules["m"] = object()', (("m", NOTE),)),
        Match(
            MOCKS + HEAD + "class Plain(MagicMock):\n    pass\n\nsys.modules['m'] = Plain()\n",
            (("m", NOTE),),
        ),
        Match(HEAD + 'def test(fake):\n    sys.modules["m"] = fake\n', (("m", NOTE),)),
        Match(HEAD + 'sys.modules["m"] = self.fake', (("m", NOTE),)),
        Match(
            HEAD + 'for name in NAMES:\n    sys.modules[name] = {"a": 1}\n', (("<unknown>", NOTE),)
        ),
        Match(MOCKS + HEAD + "patch.dict(sys.modules, load_fakes())", (("<unknown>", NOTE),)),
    ],
)

ALL: dict[str, Examples] = {
    "mock_module": MOCK_MODULE,
    "sys_modules_assign": SYS_MODULES_ASSIGN,
    "setitem": SETITEM,
    "patch_dict": PATCH_DICT,
    "dict": DICT,
    "module_type": MODULE_TYPE,
    "namespace": NAMESPACE,
    "mock_spec": MOCK_SPEC,
    "helpers": HELPERS,
    "module_names": MODULE_NAMES,
    "classes": CLASSES,
    "not_findings": NOT_FINDINGS,
    "unanalysable": UNANALYSABLE,
}
