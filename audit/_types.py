"""Data shapes shared by the audit's layers: sites found in test files, fixes, findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

#: How a fake is installed in place of a module.
InstallKind = Literal["mock_module", "sys_modules_assign", "setitem", "patch_dict"]

#: How the fake itself is built; decides how the fixer adds a name.
FakeForm = Literal[
    "dict",  # {"name": value, ...} (also {**BASE, ...})
    "module_type",  # types.ModuleType("x") + attribute assignments
    "namespace",  # SimpleNamespace(name=value, ...)
    "mock_spec",  # Mock/MagicMock(spec=[...names])
    # helper(**kwargs) building a dict or keyword fake: provided = the helper's own names
    # plus this call's keywords; the fixer edits the helper once, for every caller, so
    # callers' own keywords still override ({"new": stub, **kwargs} / **{"new": stub, **kwargs}).
    "kwargs_helper",
    # a class of this file, or an instance of it: its body's names (+ ``self.x`` for an
    # instance) and its bases' (classes of this file only); new names become class attributes
    "class",
]

StubKind = Literal["async", "sync"]


@dataclass(frozen=True)
class Site:
    """One place in a test file where a whole module is replaced by a fake.

    ``provided`` is the set of names the fake declares, or None when the fake
    accepts any attribute (spec-less MagicMock, ``__getattr__``), is ``None``
    (an import blocker) or is the real module: such sites are never findings.
    ``note`` is set, and ``provided`` is None, when the site cannot be analysed.
    """

    path: str
    line: int  # 1-based, of the statement/expression that installs the fake
    column: int  # 1-based
    module: str  # dotted name of the replaced module
    install: InstallKind
    form: FakeForm | None
    provided: frozenset[str] | None
    fixable: bool = True
    # Suppression comment: None = none; empty frozenset = ignore every name; else those names.
    ignored: frozenset[str] | None = None
    note: str | None = None
    # Identifies the fake definition the fixer edits; sites sharing a fake share a key.
    fake_key: str = ""


@dataclass(frozen=True)
class SiteFix:
    """Names to add to one site's fake, each with the kind of stub its real binding wants."""

    site: Site
    names: Mapping[str, StubKind]


@dataclass(frozen=True)
class ParseFailure:
    path: str
    message: str


@dataclass(frozen=True)
class ImportStep:
    """One link of the chain by which a test reaches a module: ``path:line`` imports ``module``."""

    path: str
    line: int
    module: str


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    column: int
    code: Literal["MA001", "MA002", "MA003"]
    module: str
    missing: tuple[str, ...]  # sorted
    reached: bool
    fixable: bool
    message: str
    # For MA001: how the test reaches the import that crashes, ending at the import line.
    chain: tuple[ImportStep, ...] = field(default=())


# --- Added for the engine/API layers (project analysis half). ---

Require = Literal["used", "exports"]


@dataclass(frozen=True)
class Note:
    """Something the audit could not analyse; reported, never a failure."""

    path: str
    line: int  # 0 when the note is about the whole file
    column: int
    message: str


@dataclass(frozen=True)
class Config:
    """Resolved ``[tool.mock-audit]`` settings; every path is absolute."""

    root: Path  # the config file's directory (or the start directory when there is none)
    file: Path | None = None
    src: tuple[Path, ...] = ()
    tests: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    require: Require = "used"
    stubs: Mapping[str, str] = field(default_factory=dict)
    # (module, name) pairs; name "*" drops every name of the module.
    ignore: frozenset[tuple[str, str]] = frozenset()
    cache_dir: Path | None = None


@dataclass(frozen=True)
class Report:
    """The result of ``check``: findings, notes and counts."""

    findings: tuple[Finding, ...]
    notes: tuple[Note, ...]
    files_scanned: int
    files_with_sites: int
    sites: int


@dataclass(frozen=True)
class FileFix:
    """What ``fix`` did (or, with ``diff``, would do) to one file."""

    path: str
    names_added: int
    written: bool
    diff: str = ""
    error: str | None = None  # set when the file was left untouched


@dataclass(frozen=True)
class FixReport:
    """The result of ``fix``: per-file outcomes and the findings still left."""

    files: tuple[FileFix, ...]
    remaining: tuple[Finding, ...]
    notes: tuple[Note, ...]
    check: Report
