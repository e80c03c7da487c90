"""What one test file does when pytest runs it, as data: sites and events.

A test file (or conftest, or test helper module) becomes a ``Program``: the events
its module body runs (imports, installs of fakes, restores, evictions), and the same
for every test, fixture, setup method and hook, with what pytest needs to order
them. The simulation (``audit.windows``) replays programs; the cache stores them as
JSON (``to_json``/``from_json``), so a warm run never parses an unchanged file.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from ..forms.base import Fake
from ..model import EditTarget, Span

Lasts = Literal["block", "test", "never"]
FunctionKind = Literal["test", "fixture", "setup", "teardown", "hook", "helper"]
FixtureScope = Literal["function", "class", "module", "package", "session"]


@dataclass(frozen=True)
class Site:
    """One place where a whole module is replaced by a fake."""

    index: int
    path: str  # absolute path of the file it is reported in
    line: int
    column: int  # 1-based, in characters
    end_line: int
    end_column: int
    module: str | None  # None: the module name is not a constant (a note)
    install: str  # install form id
    fake: Fake
    # suppression comments on its lines: None none, () every name, else these names
    ignored_names: tuple[str, ...] | None = None
    ignored_codes: tuple[str, ...] = ()
    unknown_codes: tuple[str, ...] = ()  # ``ignore[MA009]``: warned about
    fake_path: str = ""  # the file holding the fake's edit target, when not ``path``


@dataclass(frozen=True)
class Import:
    line: int
    module: str
    names: tuple[str, ...] = ()
    guarded: bool = False  # an ImportError here is caught (try/except, pytest.raises)


@dataclass(frozen=True)
class Install:
    site: int
    lasts: Lasts = "never"
    if_absent: bool = False  # sys.modules.setdefault
    # under an ``if`` mock-audit cannot decide: it may not happen, so no crash is claimed
    # through it (its names are still judged: MA002)
    maybe: bool = False


@dataclass(frozen=True)
class Uninstall:
    site: int


@dataclass(frozen=True)
class Evict:
    module: str
    prefix: bool = False  # every module named ``module`` or starting with it


@dataclass(frozen=True)
class Run:
    """``spec.loader.exec_module(m)`` of a file of the project: its module-level imports
    run now, whether or not a module of that name is loaded."""

    line: int
    path: str
    guarded: bool = False  # an ImportError here is caught (try/except, pytest.raises)


@dataclass(frozen=True)
class Yield:
    """A fixture's ``yield``: what follows runs at teardown."""


Event = Import | Install | Uninstall | Evict | Run | Yield


@dataclass(frozen=True)
class Function:
    """A test, fixture, setup or teardown method, or hook, with the events it runs."""

    name: str  # qualified: ``test_x`` or ``TestX::test_x``
    kind: FunctionKind
    line: int
    events: tuple[Event, ...] = ()
    fixture: str = ""  # the name it is requested by (fixtures)
    scope: FixtureScope = "function"
    autouse: bool = False
    requests: tuple[str, ...] = ()  # fixtures it asks for (parameters, usefixtures)
    cls: str = ""  # the class holding it ("" at module level)
    runs: bool = True  # False: skipped or xfail (its failure does not fail the run)
    marks: tuple[str, ...] = ()  # pytest marks (function, class and module), for ``-m``


@dataclass(frozen=True)
class Program:
    path: str
    module: str  # the name pytest imports it by
    sites: tuple[Site, ...] = ()
    body: tuple[Event, ...] = ()
    functions: tuple[Function, ...] = ()
    pytest_plugins: tuple[str, ...] = ()
    runs: bool = True  # False: the whole module is skipped
    notes: tuple[tuple[int, int, str], ...] = ()  # (line, column, message)
    # module-level functions (not fixtures) that install fakes: callers elsewhere install too
    helpers: tuple[str, ...] = field(default=())
    # a conftest's ``pytest_configure`` setting ``config.option.markexpr``: the expression
    # ("?" when it is not a constant); "" when it sets none
    markexpr: str = ""

    def tests(self) -> list[Function]:
        return [f for f in self.functions if f.kind == "test"]

    def fixtures(self) -> dict[str, Function]:
        return {f.fixture: f for f in self.functions if f.kind == "fixture"}


# --- JSON ---------------------------------------------------------------------------

_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Site,
        Import,
        Install,
        Uninstall,
        Evict,
        Run,
        Yield,
        Function,
        Program,
        Fake,
        EditTarget,
        Span,
    )
}


def to_json(value: Any) -> Any:
    """Plain JSON data for a program: a record is ``{class name: [its fields in order]}``
    (field names are left out: cached programs of a big suite are read on every run)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            type(value).__name__: [
                to_json(getattr(value, f.name)) for f in dataclasses.fields(value)
            ]
        }
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if isinstance(value, frozenset):
        return sorted(value)
    return value


_SCALARS = frozenset({str, int, float, bool, type(None)})


def from_json(data: Any) -> Any:
    """The inverse of ``to_json``; raises ValueError on data it did not write. (Warm runs
    decode a million values: scalars are passed through without a call, and records
    are filled without the dataclass ``__init__``, as none of them checks anything.)"""
    kind = type(data)
    if kind is list:
        return tuple([v if type(v) in _SCALARS else from_json(v) for v in data])
    if kind is not dict:
        return data
    if len(data) != 1:
        raise ValueError("not a program record")
    ((name, values),) = data.items()
    shape = _SHAPES.get(name)
    if shape is None or type(values) is not list:
        raise ValueError("not a program record")
    cls, fields = shape
    if len(values) != len(fields):
        raise ValueError(f"a {name} record of {len(values)} fields, not {len(fields)}")
    record: Any = object.__new__(cls)
    slots = record.__dict__
    for (field_name, is_set), value in zip(fields, values, strict=True):
        if type(value) not in _SCALARS:
            value = from_json(value)
            if is_set and type(value) is tuple:
                value = frozenset(value)  # frozensets come back from lists
        slots[field_name] = value
    return record


def _mentions_frozenset(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin is frozenset:
        return True
    if origin in (Union, types.UnionType):
        return any(_mentions_frozenset(a) for a in typing.get_args(hint))
    return False


def _shape(cls: type) -> tuple[type, tuple[tuple[str, bool], ...]]:
    """A record class and, per field, whether it holds a frozenset (type hints are
    read once here: reading them per record cost more than the analysis it saves)."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    return cls, tuple((f.name, _mentions_frozenset(hints[f.name])) for f in fields)


_SHAPES = {name: _shape(cls) for name, cls in _TYPES.items()}
