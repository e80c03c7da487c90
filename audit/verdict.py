"""From the suite's programs to the report: every test file's replay (or the crashes
kept from an earlier one, memo.py), the names own code requires (project/required.py)
and the rules per site (rules.py). Loaded only when a check has no stored answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from . import marks, memo
from .api import CheckRun, rel_path
from .layout import pytest_option
from .model import Config, Finding, Note, Report
from .project.index import Project, parse_error
from .project.names import RealNames
from .project.required import Required
from .rules import SiteResult, findings, judge, own_files
from .suite import Suite, is_test_module
from .testfile.program import Site
from .windows import Crash, Replay


def judge_suite(
    config: Config,
    project: Project,
    suite: Suite,
    warnings: list[str],
    progress: Callable[[str], None] | None,
    layout: str | None = None,
) -> CheckRun:
    sites: list[Site] = [s for p in suite.programs.values() for s in p.sites]
    faked = frozenset(s.module for s in sites if s.module is not None)
    addopts = marks.from_addopts(pytest_option(config.root, "addopts"))
    crashes = _replay(config, project, suite, faked, addopts, progress, layout)
    by_site: dict[tuple[str, int], list[Crash]] = {}
    for crash in crashes:
        by_site.setdefault(crash.site, []).append(crash)
    real = RealNames(project)
    targets = {m for m in faked if project.resolve(m) is not None}
    required = Required(project, real, targets)
    notes: list[Note] = []
    results: list[SiteResult] = []
    warned: set[str] = set()
    owned: dict[str, list[Path]] = {}
    beside: dict[str, frozenset[str]] = {}
    for site in sites:
        module = site.module
        if module is None or site.fake.blocker:
            continue
        ours = project.resolve(module) is not None
        if site.fake.note is not None and (ours or project.is_first_party(module)):
            # a fake mock-audit cannot follow; of a third-party module it is never judged
            notes.append(Note(rel_path(config, site.path), site.line, site.column, site.fake.note))
        if not ours:
            if project.is_first_party(module) and module not in warned and site.fake.finite:
                warned.add(module)
                warnings.append(
                    f"{rel_path(config, site.path)}:{site.line}: the fake of {module!r} is not "
                    "checked: the module is part of the project (its top-level package is "
                    "the project's) but cannot be found under the source roots "
                    f"{_roots(config)}; set `src` under [tool.mock-audit]."
                )
            continue
        for code in site.unknown_codes:
            warnings.append(
                f"{rel_path(config, site.path)}:{site.line}: unknown code {code!r} in a "
                "suppression comment (known: MA001, MA002, MA003, MA004)."
            )
        crashes = by_site.get((site.path, site.index), [])
        owners = owned.get(site.path)
        if owners is None:  # the same for every site of a file (thousands in big suites)
            helpers = _helpers(site.path, project)
            owners = owned[site.path] = own_files(site.path, suite.conftests_of(site.path), helpers)
        near = beside.get(site.path)
        if near is None:
            near = beside[site.path] = _installed_beside(site.path, suite)
        result = judge(site, config, project, real, required, crashes, owners, near)
        if result is not None:
            results.append(result)
            error = real.of(module).error
            if error is not None:
                notes.append(
                    Note(
                        rel_path(config, site.path),
                        site.line,
                        site.column,
                        f"The real module {module!r} {error}; the names it binds are "
                        "unknown, so findings for this fake may be incomplete.",
                    )
                )
    all_findings = [f for r in results for f in findings(r, config, lambda p: rel_path(config, p))]
    notes.extend(_chain_notes(all_findings, config, project))
    for path, why in project.unreadable:
        notes.append(Note(rel_path(config, str(path)), 0, 0, f"cannot be read: {why}."))
    for module, why in sorted(project.unparsable.items()):
        found = project.resolve(module)
        where = rel_path(config, str(found.path)) if found and found.path else module
        notes.append(Note(where, 0, 0, f"The module {module!r} {why}."))
    for program in suite.programs.values():
        for line, column, message in program.notes:
            notes.append(Note(rel_path(config, program.path), line, column, message))
    for path, why in suite.unreadable:
        notes.append(Note(rel_path(config, str(path)), 0, 0, f"cannot be read: {why}."))
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


def _installed_beside(path: str, suite: Suite) -> frozenset[str]:
    """The modules the file and its conftests put in ``sys.modules`` themselves."""
    programs = [suite.program(p) for p in (path, *suite.conftests_of(path))]
    return frozenset(s.module for p in programs if p is not None for s in p.sites if s.module)


def _replay(
    config: Config,
    project: Project,
    suite: Suite,
    faked: frozenset[str],
    addopts: str,
    progress: Callable[[str], None] | None,
    layout: str | None,
) -> list[Crash]:
    """The crashes of every test file run alone: replayed, or with ``layout`` (the
    tree's, see answer.inputs) kept from an earlier run that read the same (memo.py)."""
    key = memo.key(layout, suite, faked, addopts, config) if layout is not None else None
    if key is not None:
        kept = memo.restore(project.cache.get(memo.KIND, key), project, config)
        if kept is not None:
            return kept
    replay = Replay(
        project, suite.program, suite.conftests_of, suite.module_program, faked, addopts
    )
    if progress is not None and suite.simulated:
        progress(f"replaying {len(suite.simulated)} test file(s)")
    for test_file in suite.simulated:
        replay.run(test_file)
    if key is not None:
        project.cache.put(memo.KIND, key, memo.to_json(replay, config))
    return replay.crashes


def _chain_notes(found: Sequence[Finding], config: Config, project: Project) -> list[Note]:
    """A crash claim whose import chain runs through a module that does not parse with
    this Python says so: what that module imports was read from its bytes only."""
    out: list[Note] = []
    errors: dict[str, str | None] = {}
    for finding in found:
        for step in finding.chain[1:]:
            path = config.root / step.path
            if step.path not in errors:
                errors[step.path] = (
                    parse_error(path, project.cache) if path.suffix == ".py" else None
                )
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


def _roots(config: Config) -> str:
    """The source roots as the output spells paths: relative to the root ("." for it)."""
    return ", ".join(repr(rel_path(config, str(r))) for r in config.src) or "(none)"
