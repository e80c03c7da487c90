"""The data shapes every layer of the audit shares: settings, findings, reports, fixes.

Frozen dataclasses only; no behaviour beyond small derived properties. Paths in
findings, notes and fix outcomes are relative to the project root and
``/``-separated (absolute only for a file outside the root), so every output format
says the same thing wherever the command runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Code = Literal["MA001", "MA002", "MA003", "MA004"]
#: Every finding code, in order.
CODES: tuple[Code, ...] = ("MA001", "MA002", "MA003", "MA004")
#: What the codes mean, in a few words (CLI help, statistics, SARIF rule names).
CODE_TITLES: Mapping[Code, str] = {
    "MA001": "missing name; running the test file crashes now",
    "MA002": "missing name; latent",
    "MA003": "missing public export",
    "MA004": "package fake without __path__ whose submodule is imported",
}

Require = Literal["used", "exports"]
Format = Literal["text", "json", "github", "sarif"]
#: How a stub for a new name is written: ``AsyncMock()`` for an ``async def`` in the
#: real module, ``MagicMock()`` otherwise; ``path`` is the ``__path__`` of a package fake.
StubKind = Literal["async", "sync", "path", "none"]


@dataclass(frozen=True)
class Config:
    """Resolved ``[tool.mock-audit]`` settings; every path is absolute."""

    root: Path  # the project root: the config file's folder (the start folder when none)
    file: Path | None = None
    src: tuple[Path, ...] = ()  # source roots, in the order modules are looked up
    src_origin: str = "default"  # where ``src`` came from, for messages ("config", "uv", ...)
    # Packages whose folder is not ``<root>/<name>`` (setuptools ``package-dir``): name -> folder.
    package_dirs: Mapping[str, Path] = field(default_factory=dict)
    tests: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()  # globs, relative to root
    require: Require = "used"
    stubs: Mapping[str, str] = field(default_factory=dict)  # name -> stub expression
    # ("module", "name") pairs never reported; name "*" drops the whole module.
    ignore_names: frozenset[tuple[str, str]] = frozenset()
    select: frozenset[Code] = frozenset(CODES)  # the codes reported (after --ignore)
    cache_dir: Path | None = None  # None: no persistent cache
    line_length: int = 88  # from the project's ruff/black settings; for fix's layout
    # Top-level package names that are the project's own (metadata and folders): a fake
    # of one of them that does not resolve is a warning, never a silent pass.
    first_party: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ImportStep:
    """One link of an import chain: line ``line`` of ``path`` imports ``module``."""

    path: str
    line: int
    module: str


@dataclass(frozen=True)
class Finding:
    """One fake that lacks names, with what that means (the code) and where it is."""

    path: str
    line: int  # 1-based, of the call or statement that installs the fake
    column: int  # 1-based, in characters
    end_line: int
    end_column: int  # 1-based, exclusive
    code: Code
    module: str  # the faked module
    missing: tuple[str, ...]  # sorted
    reached: bool  # True for MA001/MA004: running a test file crashes now
    fixable: bool
    message: str
    # MA001/MA004: from the import that runs while the fake is installed to the import
    # that fails; the first step is in the test file (or conftest) that runs it.
    chain: tuple[ImportStep, ...] = ()
    # MA001/MA004: the test files that crash when run alone (root-relative).
    crashes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Note:
    """Something that could not be analysed; reported, never a failure."""

    path: str
    line: int  # 0 when the note is about the whole file
    column: int
    message: str


@dataclass(frozen=True)
class Report:
    """The result of ``check``."""

    root: Path
    findings: tuple[Finding, ...]
    notes: tuple[Note, ...] = ()
    warnings: tuple[str, ...] = ()  # about the run itself: unresolved modules, config
    files_scanned: int = 0
    files_with_sites: int = 0
    sites: int = 0


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
    check: Report


# --- what the fixer is asked to do -------------------------------------------------

EditKind = Literal["dict", "keywords", "strings", "attributes", "class_body"]


@dataclass(frozen=True)
class Span:
    """A region of a source file: 1-based lines, 0-based columns in characters
    (libcst's convention), end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class EditTarget:
    """Where the fixer adds a name to one fake, found by the analysis.

    ``node`` is the node to edit: the dict literal (``dict``: new ``"name": stub``
    entries), the call (``keywords``: new ``name=stub`` arguments), the list, tuple or
    set of strings (``strings``: new ``"name"`` items, no stub), the statement after
    which new lines go (``attributes``: ``var.name = stub`` lines at its indentation),
    or the class (``class_body``: ``name = stub`` at the end of its body).
    ``statement`` is the smallest whole statement holding ``node`` (decorators
    included): the fixer parses just those lines.
    """

    kind: EditKind
    node: Span
    statement: Span
    var: str = ""  # for ``attributes``: the name whose attributes are set


@dataclass(frozen=True)
class FakeEdit:
    """Names to add to one fake (sorted), each with the stub kind its real binding wants."""

    target: EditTarget
    module: str  # the faked module (the ``path`` stub names it)
    names: tuple[tuple[str, StubKind], ...]
    # for a ``__path__``: the real package's folder from the edited file's folder
    # (("..", "src", "app")); () when it has no one folder (a namespace package)
    folder: tuple[str, ...] = ()


# --- what the command line asked for -------------------------------------------------


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    command: Literal["check", "fix"]
    paths: tuple[str, ...] = ()
    format: Format = "text"
    require: Require | None = None
    config: Path | None = None
    jobs: int = 0  # processes for reading test files; 0 = one per core
    no_cache: bool = False
    output_file: Path | None = None
    diff: bool = False
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    exit_zero: bool = False
    statistics: bool = False
    quiet: bool = False
    color: bool | None = None  # None: decided by ``use_color`` for the output stream
