"""The public API of mock-audit: ``check``, ``fix`` and ``missing_names``.

``check`` reads the suite into programs (``suite``), replays every test file that a
fake can reach (``windows``), and turns what each site lacks into findings
(``rules``). ``fix`` runs the fixer (``AddMissingNames``) on the fixable findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import answer, marks, memo
from ._version import __version__
from .cache import Cache, digest
from .config import load_config
from .errors import AuditError
from .layout import pytest_option
from .model import Config, Finding, Note, Report
from .project.index import Project, parse_error
from .project.names import RealNames
from .project.required import Required
from .rules import SiteResult, findings, judge, own_files
from .suite import Suite, is_test_module, load_suite
from .testfile.program import Site
from .windows import Crash, Replay

__all__ = ["CheckRun", "check", "missing_names", "run_check"]


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
    return run_check(paths, config, jobs=jobs, cache=cache, reuse=True).report


def run_check(
    paths: Iterable[str | Path] | None = None,
    config: Config | None = None,
    *,
    jobs: int = 1,
    cache: bool = False,
    warn: Callable[[str], None] | None = None,
    progress: Callable[[str], None] | None = None,
    reuse: bool = False,
) -> CheckRun:
    """A check with what ``fix`` needs. With ``cache`` and ``reuse``, the report of an
    earlier run over the same inputs is returned as it was (``answer``), without the
    per-site results (SARIF fixes and ``fix`` need them, so they never reuse)."""
    config = config or load_config()
    chosen = _paths(paths, config)
    warnings: list[str] = []
    store = Cache.open(
        config.cache_dir if cache else None,
        _salt(config),
        warn=warn or (lambda message: warnings.append(message)),
    )
    try:
        inputs = answer.inputs(chosen, config, store.salt) if cache and reuse else None
        if inputs is not None:
            stored = answer.from_json(store.get("answer", inputs.key), config.root)
            if stored is not None:
                store.save()  # marks the entry used, so pruning keeps it
                return CheckRun(stored, [], None, None, None)
        project = Project(config, store)
        if inputs is not None:
            project.digests = inputs.digests
        suite = load_suite(chosen, config, project, store, jobs=jobs, progress=progress)
        layout = inputs.layout if inputs is not None else None
        run = _judge(config, project, suite, warnings, progress, layout)
        if inputs is not None:
            store.put("answer", inputs.key, answer.to_json(run.report))
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


#: Bumped whenever what the analysis stores changes (programs, scans, names, answers), so
#: entries a development build wrote under the same version are not read as current.
_ANALYSIS = "7"


def _salt(config: Config) -> str:
    """What every cached entry depends on besides its file: the tool and the settings,
    with paths relative to the project root, so a cache restored into a clone at
    another path still hits."""

    def rel(path: Path) -> str:
        return "." if path == config.root else rel_path(config, str(path))

    parts = [
        __version__,
        _ANALYSIS,
        *(rel(p) for p in config.src),
        *(rel(p) for p in config.tests),
        *config.exclude,
        config.require,
        repr(sorted(config.stubs.items())),
        repr(sorted(config.ignore_names)),
        repr(sorted((k, rel(v)) for k, v in config.package_dirs.items())),
    ]
    return digest("\0".join(parts).encode())


def _judge(
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
    for site in sites:
        module = site.module
        if module is None or site.fake.blocker:
            continue
        if project.resolve(module) is None:
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
        result = judge(site, config, project, real, required, crashes, owners)
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


def rel_path(config: Config, path: str) -> str:
    root = str(config.root)
    if path.startswith(root + os.sep):
        return path[len(root) + 1 :].replace(os.sep, "/")
    return path.replace(os.sep, "/")


def _roots(config: Config) -> str:
    return ", ".join(repr(rel_path(config, str(r))) for r in config.src) or "(none)"


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
