"""The engine: find sites in test files, compare fakes with what the project needs, fix them.

Per-file work never raises: a file that cannot be read, parsed or fixed becomes a
note or a per-file error, so one bad file never stops a run.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, cast

from ._project import ProjectIndex, is_excluded
from ._reach import Reacher
from ._types import (
    Config,
    FileFix,
    Finding,
    FixReport,
    Note,
    ParseFailure,
    Report,
    Site,
    SiteFix,
    StubKind,
)
from ._write import decode, encode, write_atomic

FindSites = Callable[[str, str], "list[Site] | ParseFailure"]
FixSource = Callable[..., str]


@dataclass(frozen=True)
class Backend:
    """The libcst half: byte prefilter, site finder and fixer (swappable in tests)."""

    might_have_sites: Callable[[bytes], bool]
    find_sites: FindSites
    fix_source: FixSource


def default_backend() -> Backend:
    # Imported here, not at the top: `import audit` (e.g. for missing_exports) must not
    # pay for libcst.
    from ._fix import fix_source
    from ._sites import find_sites, might_have_sites

    return Backend(might_have_sites, find_sites, fix_source)


@dataclass
class FileResult:
    path: Path
    data: bytes | None = None  # kept only for files with sites, for the fixer
    sites: list[Site] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def collect_files(paths: Iterable[Path], config: Config) -> list[Path]:
    """Expand paths to .py files (directories walked), dropping excluded ones."""
    out: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        candidates: Iterable[Path]
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*.py") if not _hidden(p, path))
        else:
            candidates = [path]
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved in seen or is_excluded(resolved, config.root, config.exclude):
                continue
            seen.add(resolved)
            out.append(resolved)
    return out


def _hidden(path: Path, base: Path) -> bool:
    parts = path.relative_to(base).parts[:-1]
    return any(p.startswith(".") or p in ("__pycache__", "node_modules") for p in parts)


def prefilter(path: Path, backend: Backend) -> FileResult:
    """Read a file; keep its bytes only when the cheap prefilter says it may hold a site."""
    result = FileResult(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.notes.append(Note(str(path), 0, 0, f"The file cannot be read: {exc}."))
        return result
    try:
        if backend.might_have_sites(data):
            result.data = data
    except Exception as exc:  # per-file work never raises
        result.notes.append(Note(str(path), 0, 0, f"The file cannot be analysed: {exc!r}."))
    return result


def analyse_file(path: Path, data: bytes, backend: Backend) -> FileResult:
    """Find the sites in a file's bytes; every failure becomes a note. Runs in workers."""
    result = FileResult(path)
    try:
        text = decode(data).text
        found = backend.find_sites(text, str(path))
    except Exception as exc:  # per-file work never raises
        result.notes.append(Note(str(path), 0, 0, f"The file cannot be analysed: {exc!r}."))
        return result
    if isinstance(found, ParseFailure):
        result.notes.append(Note(str(path), 0, 0, f"The file does not parse: {found.message}"))
        return result
    result.sites = list(found)
    if result.sites:
        result.data = data
    return result


def _names(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)


def site_findings(
    index: ProjectIndex, site: Site, test: Path, config: Config, reacher: Reacher | None = None
) -> list[Finding]:
    """Findings for one site: MA001 reached, MA002 latent, MA003 exports only."""
    if site.provided is None or site.ignored == frozenset():
        return []
    _, sys_path_entry = index.module_name(test)
    if index.resolve(site.module, extra_root=sys_path_entry) is None:
        return []  # third-party: not ours to judge
    if (site.module, "*") in config.ignore:
        return []
    dropped = set(site.ignored or ()) | {n for m, n in config.ignore if m == site.module}
    used, exports_only = index.required(site.module, config.require)
    missing = used - site.provided - dropped
    extra = sorted(exports_only - site.provided - dropped)
    reacher = reacher or Reacher(index)
    chains = reacher.reach(test, site.module, missing).chains if missing else {}
    reached = sorted(n for n in missing if n in chains)
    latent = sorted(missing - set(reached))

    def make(code: str, names: list[str], message: str, chain: tuple[Any, ...] = ()) -> Finding:
        return Finding(
            path=site.path,
            line=site.line,
            column=site.column,
            code=cast(Any, code),
            module=site.module,
            missing=tuple(names),
            reached=code == "MA001",
            fixable=site.fixable,
            message=message,
            chain=chain,
        )

    out: list[Finding] = []
    mod = site.module
    if reached:
        first = chains[reached[0]][-1]
        out.append(
            make(
                "MA001",
                reached,
                f"The fake for module {mod!r} lacks {_names(reached)}; a module this test "
                f"imports does 'from {mod} import {reached[0]}' (line {first.line} of "
                f"{Path(first.path).name}), so the test fails with ImportError at import time.",
                chains[reached[0]],
            )
        )
    if latent:
        out.append(
            make(
                "MA002",
                latent,
                f"The fake for module {mod!r} lacks {_names(latent)}, which the project "
                "imports from the real module; no import of this test reaches them yet.",
            )
        )
    if extra:
        out.append(
            make(
                "MA003",
                extra,
                f"The fake for module {mod!r} lacks the public export(s) {_names(extra)} "
                "of the real module.",
            )
        )
    return out


@dataclass
class CheckRun:
    report: Report
    results: list[FileResult]
    pairs: list[tuple[Finding, Site]]
    index: ProjectIndex


# Below this many files a process pool costs more than it saves.
PARALLEL_MIN_FILES = 64


def analyse_all(files: Sequence[Path], backend: Backend, jobs: int) -> list[FileResult]:
    """Prefilter here; parse the candidates on ``jobs`` processes (0: all cores) when
    there are enough of them to pay for the pool."""
    read = [prefilter(path, backend) for path in files]
    todo = [r for r in read if r.data is not None]
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    parsed: list[FileResult]
    if workers > 1 and len(todo) >= PARALLEL_MIN_FILES and _picklable(backend):
        with ProcessPoolExecutor(max_workers=workers) as pool:
            chunk = max(1, len(todo) // (workers * 4))
            parsed = list(
                pool.map(
                    analyse_file,
                    [r.path for r in todo],
                    [r.data for r in todo],
                    repeat(backend),
                    chunksize=chunk,
                )
            )
    else:
        parsed = [analyse_file(r.path, r.data, backend) for r in todo if r.data is not None]
    by_path = {r.path: r for r in parsed}
    return [by_path.get(r.path, r) for r in read]


def _picklable(backend: Backend) -> bool:
    try:
        pickle.dumps(backend)
    except Exception:  # a backend of lambdas (tests) runs in this process
        return False
    return True


def run_check(
    paths: Sequence[Path], config: Config, backend: Backend, *, jobs: int = 1
) -> CheckRun:
    index = ProjectIndex(config)
    files = collect_files(paths, config)
    results = analyse_all(files, backend, jobs)
    for result in results:
        if result.sites and result.data is not None:
            with contextlib.suppress(Exception):  # a summary never raises; be sure
                index.summary(result.path, result.data)  # no second read of the test
    # Required names of every target in one scan of the project.
    targets = {s.module for r in results for s in r.sites if s.provided is not None}
    with contextlib.suppress(Exception):  # per-target lookups below retry and report
        index.used_names(sorted(t for t in targets if index.resolve(t) is not None))
    reacher = Reacher(index)
    pairs: list[tuple[Finding, Site]] = []
    notes: list[Note] = []
    n_sites = 0
    for result in results:
        notes.extend(result.notes)
        for site in result.sites:
            n_sites += 1
            if site.note is not None:
                notes.append(Note(site.path, site.line, site.column, site.note))
                continue
            try:
                pairs.extend(
                    (f, site) for f in site_findings(index, site, result.path, config, reacher)
                )
            except Exception as exc:  # per-site work never raises
                notes.append(
                    Note(site.path, site.line, site.column, f"The site cannot be checked: {exc!r}.")
                )
    pairs.sort(key=lambda p: (p[0].path, p[0].line, p[0].column, p[0].code))
    report = Report(
        findings=tuple(f for f, _ in pairs),
        notes=tuple(notes),
        files_scanned=len(files),
        files_with_sites=sum(1 for r in results if r.sites),
        sites=n_sites,
    )
    return CheckRun(report, results, pairs, index)


def _site_fixes(index: ProjectIndex, pairs: Sequence[tuple[Finding, Site]]) -> list[SiteFix]:
    """One SiteFix per fake: sites that share a fake (same fake_key) get one merged fix."""
    merged: dict[str, tuple[Site, dict[str, StubKind]]] = {}
    for finding, site in pairs:
        key = site.fake_key or f"{site.line}:{site.column}"
        _, names = merged.setdefault(key, (site, {}))
        for name in finding.missing:
            names.setdefault(name, index.stub_kind(site.module, name))
    return [SiteFix(site, dict(sorted(names.items()))) for site, names in merged.values()]


def fix_file(
    result: FileResult,
    fixes: Sequence[SiteFix],
    backend: Backend,
    stubs: Mapping[str, str],
    *,
    diff: bool,
) -> FileFix:
    path = str(result.path)
    added = sum(len(f.names) for f in fixes)
    try:
        assert result.data is not None
        decoded = decode(result.data)
        new_text = backend.fix_source(decoded.text, path, fixes, stubs=stubs)
        if new_text == decoded.text:
            return FileFix(path, 0, False, error="The fixer found nothing it could change.")
        compile(new_text, path, "exec", dont_inherit=True)
        new_data = encode(decoded, new_text)
    except SyntaxError as exc:
        return FileFix(path, 0, False, error=f"The fixed source does not compile: {exc}.")
    except Exception as exc:  # per-file work never raises
        return FileFix(path, 0, False, error=f"The file cannot be fixed: {exc!r}.")
    if diff:
        text = "".join(
            difflib.unified_diff(
                decoded.text.splitlines(keepends=True),
                new_text.splitlines(keepends=True),
                fromfile=f"a/{path}",
                tofile=f"b/{path}",
            )
        )
        return FileFix(path, added, False, diff=text)
    try:
        write_atomic(result.path, new_data)
    except OSError as exc:
        return FileFix(path, 0, False, error=f"The file cannot be written: {exc}.")
    return FileFix(path, added, True)


def run_fix(
    paths: Sequence[Path], config: Config, backend: Backend, *, diff: bool, jobs: int = 1
) -> FixReport:
    run = run_check(paths, config, backend, jobs=jobs)
    by_file: dict[Path, list[tuple[Finding, Site]]] = {}
    for finding, site in run.pairs:
        if site.fixable:
            by_file.setdefault(Path(finding.path).resolve(), []).append((finding, site))
    results = {r.path: r for r in run.results}
    outcomes: list[FileFix] = []
    fixed_paths: set[str] = set()
    for path, pairs in by_file.items():
        result = results.get(path)
        if result is None:
            continue
        outcome = fix_file(result, _site_fixes(run.index, pairs), backend, config.stubs, diff=diff)
        outcomes.append(outcome)
        if outcome.written:
            fixed_paths.add(str(path))
    remaining = tuple(
        f for f, s in run.pairs if not (s.fixable and str(Path(f.path).resolve()) in fixed_paths)
    )
    return FixReport(tuple(outcomes), remaining, run.report.notes, run.report)
