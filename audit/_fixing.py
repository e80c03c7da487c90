"""Fixing: turn findings into per-fake fixes, apply them per file, write or diff.

Per-file work never raises: a file that cannot be fixed, or whose fixed source does not
compile, is left untouched and reported as a per-file error.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path

from ._cache import FileCache
from ._engine import Backend, FileResult, run_check
from ._progress import Progress
from ._project import ProjectIndex
from ._types import Config, FileFix, Finding, FixReport, Site, SiteFix, StubKind
from ._write import decode, encode, write_atomic


def site_fixes(index: ProjectIndex, pairs: Sequence[tuple[Finding, Site]]) -> list[SiteFix]:
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
        data = result.data if result.data is not None else result.path.read_bytes()
        decoded = decode(data)
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
                fromfile=f"a/{_diff_path(result.path)}",
                tofile=f"b/{_diff_path(result.path)}",
            )
        )
        return FileFix(path, added, False, diff=text)
    try:
        write_atomic(result.path, new_data)
    except OSError as exc:
        return FileFix(path, 0, False, error=f"The file cannot be written: {exc}.")
    return FileFix(path, added, True)


def _diff_path(path: Path) -> str:
    """The path as ``git apply`` wants it in diff headers: relative to the working
    directory when the file is below it, ``/``-separated."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix().lstrip("/")


def run_fix(
    paths: Sequence[Path],
    config: Config,
    backend: Backend,
    *,
    diff: bool,
    jobs: int = 1,
    cache: FileCache | None = None,
    progress: Progress | None = None,
) -> FixReport:
    run = run_check(paths, config, backend, jobs=jobs, cache=cache, progress=progress)
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
        outcome = fix_file(result, site_fixes(run.index, pairs), backend, config.stubs, diff=diff)
        outcomes.append(outcome)
        if outcome.written:
            fixed_paths.add(str(path))
    remaining = tuple(
        f for f, s in run.pairs if not (s.fixable and str(Path(f.path).resolve()) in fixed_paths)
    )
    return FixReport(tuple(outcomes), remaining, run.report.notes, run.report)
