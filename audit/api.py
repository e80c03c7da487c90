"""The public API of mock-audit: ``check``, ``fix`` and ``missing_names``.

``check`` reads the suite into programs (``suite``), replays every test file that a
fake can reach (``windows``), and turns what each site lacks into findings
(``rules``). ``fix`` runs the fixer (``AddMissingNames``) on the fixable findings.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from libcst.codemod import (
    CodemodContext,
    TransformFailure,
    TransformSkip,
    TransformSuccess,
)

from . import fixer, marks
from ._version import __version__
from .cache import Cache, digest
from .config import load_config
from .errors import AuditError
from .layout import pytest_option
from .model import Config, FakeEdit, FileFix, Finding, FixReport, Note, Report, StubKind
from .project.index import Project, parse_error
from .project.names import RealNames
from .project.required import Required
from .report import unified_diff
from .rules import SiteResult, findings, judge, own_files
from .sourcefile import decode, encode, write_atomic
from .suite import Suite, is_test_module, load_suite
from .testfile.program import Site
from .windows import Crash, Replay

__all__ = ["CheckRun", "Plan", "check", "fix", "missing_names", "project_plan", "run_check"]


@dataclass
class CheckRun:
    """A check with what ``fix`` and SARIF fixes need besides the report."""

    report: Report
    results: list[SiteResult]
    suite: Suite | None
    project: Project | None
    real: RealNames | None


def check(
    paths: Iterable[str | Path] | None = None,
    config: Config | None = None,
    *,
    jobs: int = 1,
    cache: bool = False,
) -> Report:
    """Find module fakes that lack names; ``paths`` default to the configured tests.

    ``jobs`` is the number of processes for reading test files (0: one per core); with
    ``cache``, what is read is kept under the config's ``cache-dir`` for the next run.
    """
    return run_check(paths, config, jobs=jobs, cache=cache).report


def run_check(
    paths: Iterable[str | Path] | None = None,
    config: Config | None = None,
    *,
    jobs: int = 1,
    cache: bool = False,
    warn: Callable[[str], None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> CheckRun:
    config = config or load_config()
    chosen = _paths(paths, config)
    warnings: list[str] = []
    store = Cache.open(
        config.cache_dir if cache else None,
        _salt(config),
        warn=warn or (lambda message: warnings.append(message)),
    )
    try:
        project = Project(config, store)
        suite = load_suite(chosen, config, project, store, jobs=jobs, progress=progress)
        run = _judge(config, project, suite, warnings, progress)
        store.save()
        return run
    finally:
        store.close()


def _paths(paths: Iterable[str | Path] | None, config: Config) -> list[Path]:
    if paths:
        chosen = [Path(p) for p in paths]
        for path in chosen:
            if not path.exists():
                raise AuditError(f"The path {str(path)!r} does not exist.")
        return [p.resolve() for p in chosen]
    return [t for t in config.tests if t.exists()]


def _salt(config: Config) -> str:
    """What every cached entry depends on besides its file: the tool and the settings,
    with paths relative to the project root, so a cache restored into a clone at
    another path still hits."""
    parts = [
        __version__,
        *(_rel(config, str(p)) for p in config.src),
        *(_rel(config, str(p)) for p in config.tests),
        *config.exclude,
        config.require,
        repr(sorted(config.stubs.items())),
        repr(sorted(config.ignore_names)),
        repr(sorted((k, _rel(config, str(v))) for k, v in config.package_dirs.items())),
    ]
    return digest("\0".join(parts).encode())


def _judge(
    config: Config,
    project: Project,
    suite: Suite,
    warnings: list[str],
    progress: Callable[[str], None] | None,
) -> CheckRun:
    sites: list[Site] = [s for p in suite.programs.values() for s in p.sites]
    faked = frozenset(s.module for s in sites if s.module is not None)
    addopts = marks.from_addopts(pytest_option(config.root, "addopts"))
    replay = Replay(
        project, suite.program, suite.conftests_of, suite.module_program, faked, addopts
    )
    if progress is not None and suite.simulated:
        progress(f"replaying {len(suite.simulated)} test file(s)")
    for test_file in suite.simulated:
        replay.run(test_file)
    by_site: dict[tuple[str, int], list[Crash]] = {}
    for crash in replay.crashes:
        by_site.setdefault(crash.site, []).append(crash)
    real = RealNames(project)
    targets = {m for m in faked if project.resolve(m) is not None}
    required = Required(project, real, targets)
    notes: list[Note] = []
    results: list[SiteResult] = []
    warned: set[str] = set()
    for site in sites:
        module = site.module
        if module is None or site.fake.blocker:
            continue
        if project.resolve(module) is None:
            if project.is_first_party(module) and module not in warned and site.fake.finite:
                warned.add(module)
                warnings.append(
                    f"{_rel(config, site.path)}:{site.line}: the fake of {module!r} is not "
                    "checked: the module is part of the project (its top-level package is "
                    "the project's) but cannot be found under the source roots "
                    f"{_roots(config)}; set `src` under [tool.mock-audit]."
                )
            continue
        for code in site.unknown_codes:
            warnings.append(
                f"{_rel(config, site.path)}:{site.line}: unknown code {code!r} in a "
                "suppression comment (known: MA001, MA002, MA003, MA004)."
            )
        crashes = by_site.get((site.path, site.index), [])
        owners = own_files(site.path, suite.conftests_of(site.path), _helpers(site.path, project))
        result = judge(site, config, project, real, required, crashes, owners)
        if result is not None:
            results.append(result)
            error = real.of(module).error
            if error is not None:
                notes.append(
                    Note(
                        _rel(config, site.path),
                        site.line,
                        site.column,
                        f"The real module {module!r} {error}; the names it binds are "
                        "unknown, so findings for this fake may be incomplete.",
                    )
                )
    all_findings = [f for r in results for f in findings(r, config, lambda p: _rel(config, p))]
    notes.extend(_chain_notes(all_findings, config))
    for path, why in project.unreadable:
        notes.append(Note(_rel(config, str(path)), 0, 0, f"cannot be read: {why}."))
    for module, why in sorted(project.unparsable.items()):
        found = project.resolve(module)
        where = _rel(config, str(found.path)) if found and found.path else module
        notes.append(Note(where, 0, 0, f"The module {module!r} {why}."))
    for program in suite.programs.values():
        for line, column, message in program.notes:
            notes.append(Note(_rel(config, program.path), line, column, message))
    for path, why in suite.unreadable:
        notes.append(Note(_rel(config, str(path)), 0, 0, f"cannot be read: {why}."))
    all_findings.sort(key=lambda f: (f.path, f.line, f.column, f.code))
    notes.sort(key=lambda n: (n.path, n.line, n.column))
    report = Report(
        root=config.root,
        findings=tuple(all_findings),
        notes=tuple(dict.fromkeys(notes)),
        warnings=tuple(dict.fromkeys(warnings)),
        files_scanned=len(suite.files),
        files_with_sites=sum(1 for p in suite.programs.values() if p.sites),
        sites=len(sites),
    )
    return CheckRun(report, results, suite, project, real)


def _chain_notes(found: Sequence[Finding], config: Config) -> list[Note]:
    """A crash claim whose import chain runs through a module that does not parse with
    this Python says so: what that module imports was read from its bytes only."""
    out: list[Note] = []
    errors: dict[str, str | None] = {}
    for finding in found:
        for step in finding.chain[1:]:
            path = config.root / step.path
            if step.path not in errors:
                errors[step.path] = parse_error(path) if path.suffix == ".py" else None
            error = errors[step.path]
            if error is not None:
                out.append(
                    Note(
                        finding.path,
                        finding.line,
                        finding.column,
                        f"The {finding.code} claim depends on {step.path}, which {error}; "
                        "its imports were read from its text only.",
                    )
                )
    return out


def _helpers(path: str, project: Project) -> list[str]:
    """Test helper modules (not test modules, not conftests) a file imports."""
    module, package = project.module_name(Path(path))
    out: list[str] = []
    for record in project.file_imports(Path(path), module, package):
        for name in (record.module, *(f"{record.module}.{n}" for n in record.names)):
            found = project.resolve(name)
            if (
                found is not None
                and found.path is not None
                and project.is_test_file(str(found.path))
                and not is_test_module(found.path)
                and found.path.name != "conftest.py"
            ):
                out.append(str(found.path))
    return out


def _rel(config: Config, path: str) -> str:
    root = str(config.root)
    if path.startswith(root + os.sep):
        return path[len(root) + 1 :].replace(os.sep, "/")
    return path.replace(os.sep, "/")


def _roots(config: Config) -> str:
    return ", ".join(repr(_rel(config, str(r))) for r in config.src) or "(none)"


def missing_names(module: str, provided: Iterable[str], *, start: Path | None = None) -> list[str]:
    """Names the project's source modules require of ``module`` that ``provided``
    lacks, sorted (strict ``mock_module``); a module not in the project requires none.

    Uses the config found from ``start`` (default: the working directory) upward.
    """
    config = load_config(start)
    key = (config.file, config.root)
    known = _STRICT.get(key)
    if known is None or known[0] != config:
        project = Project(config, Cache.open(None, "", warn=lambda m: None))
        real = RealNames(project)
        known = _STRICT[key] = (config, project, real, {})
    _, project, real, required_of = known
    if project.resolve(module) is None:
        return []
    required = required_of.get(module)
    if required is None:
        required = required_of[module] = set(Required(project, real, [module]).needed(module, []))
    return sorted(required - set(provided) - {n for m, n in config.ignore_names if m == module})


# Strict ``mock_module`` asks once per fake, many times per session: the project is read
# once per process and config (its modules do not change under a test run).
_STRICT: dict[tuple[Path | None, Path], tuple[Config, Project, RealNames, dict[str, set[str]]]] = {}


def stub_kinds(
    run: CheckRun, module: str, names: Iterable[str]
) -> tuple[tuple[str, StubKind], ...]:
    assert run.real is not None
    return tuple(
        (n, "path" if n == "__path__" else "async" if run.real.is_async(module, n) else "sync")
        for n in sorted(names)
    )


def fake_edits(run: CheckRun, selected: Sequence[Finding]) -> dict[str, list[FakeEdit]]:
    """Per file, the edits ``fix`` makes: the names the selected findings of each
    fixable site lack (merged for sites that share a fake)."""
    config = Config(root=run.report.root)
    by_place: dict[tuple[str, int, int], set[str]] = {}
    for finding in selected:
        place = by_place.setdefault((finding.path, finding.line, finding.column), set())
        place.update(finding.missing)
    merged: dict[tuple[str, str], tuple[Site, set[str]]] = {}
    for result in run.results:
        site = result.site
        names = by_place.get((_rel(config, site.path), site.line, site.column))
        if not names or site.fake.edit is None or site.module is None:
            continue
        path = site.fake_path or site.path
        key = (path, site.fake.key or f"{site.path}:{site.index}")
        merged.setdefault(key, (site, set()))[1].update(names)
    out: dict[str, list[FakeEdit]] = {}
    for (path, _), (site, names) in merged.items():
        assert site.fake.edit is not None and site.module is not None
        out.setdefault(path, []).append(
            FakeEdit(site.fake.edit, site.module, stub_kinds(run, site.module, names))
        )
    return out


@dataclass(frozen=True)
class Plan:
    """What ``fix`` adds where (the fixer's ``FixPlan``): edits per absolute path."""

    edits: Mapping[str, Sequence[FakeEdit]]
    stubs: Mapping[str, str]
    line_length: int

    def edits_for(self, path: str, code: str) -> Sequence[FakeEdit]:
        return self.edits.get(str(Path(path).resolve()), ())


def plan_of(run: CheckRun, config: Config, selected: Sequence[Finding] | None = None) -> Plan:
    chosen = [f for f in (run.report.findings if selected is None else selected) if f.fixable]
    return Plan(fake_edits(run, chosen), dict(config.stubs), config.line_length)


def project_plan(start: Path) -> Plan:
    """The plan for the project found from ``start``: what libcst's codemod tool runs."""
    config = load_config(start)
    return plan_of(run_check(None, config, cache=True), config)


def fix(
    paths: Iterable[str | Path] | None = None,
    config: Config | None = None,
    *,
    diff: bool = False,
    jobs: int = 1,
    cache: bool = False,
) -> FixReport:
    """Add the missing names to every fixable fake (with ``diff``: compute the diffs,
    write nothing). The report's findings are those left after the fix."""
    config = config or load_config()
    run = run_check(paths, config, jobs=jobs, cache=cache)
    plan = plan_of(run, config, [f for f in run.report.findings if f.fixable])
    outcomes = [_fix_file(Path(path), plan, config, diff=diff) for path in sorted(plan.edits)]
    written = {o.path for o in outcomes if o.written}
    if written:
        after = run_check(paths, config, jobs=jobs, cache=cache).report
    else:
        fixed = {o.path for o in outcomes if o.diff}
        after = dataclasses.replace(
            run.report,
            findings=tuple(f for f in run.report.findings if not (f.fixable and f.path in fixed)),
        )
    return FixReport(tuple(outcomes), after.findings, run.report)


def _fix_file(path: Path, plan: Plan, config: Config, *, diff: bool) -> FileFix:
    relative = _rel(config, str(path))
    edits = plan.edits.get(str(path), ())
    added = sum(len(e.names) for e in edits)
    try:
        data = path.read_bytes()
        decoded = decode(data)
    except (OSError, UnicodeDecodeError, SyntaxError) as exc:
        return FileFix(relative, 0, False, error=f"cannot be read: {exc}")
    command = fixer.AddMissingNames(CodemodContext(filename=str(path)), plan)
    result = fixer.run_command(command, decoded.text)
    if isinstance(result, TransformSkip):
        return FileFix(relative, 0, False, error=result.skip_description)
    if isinstance(result, TransformFailure):
        return FileFix(relative, 0, False, error=f"cannot be fixed: {result.error}")
    assert isinstance(result, TransformSuccess)
    new = result.code
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "\d" in a test file is the user's business
            compile(new, str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return FileFix(relative, 0, False, error=f"the fixed file would not compile: {exc}")
    if new == decoded.text:
        return FileFix(relative, 0, False, error="nothing left to add")
    if diff:
        return FileFix(relative, added, False, diff=unified_diff(relative, decoded.text, new))
    try:
        write_atomic(path, encode(decoded, new))
    except OSError as exc:
        return FileFix(relative, 0, False, error=f"cannot be written: {exc.strerror or exc}")
    return FileFix(relative, added, True)
