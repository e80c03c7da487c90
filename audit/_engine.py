"""The engine: find sites in test files and compare fakes with what the project needs.

Per-file work never raises: a file that cannot be read or parsed becomes a note, so
one bad file never stops a run. Fixing is in ``_fixing``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, cast

from ._cache import FileCache, fingerprint
from ._progress import Progress
from ._project import ProjectIndex, is_excluded
from ._reach import Reacher
from ._summary import ModuleSummary, summarize_file
from ._types import (
    Config,
    Finding,
    Note,
    ParseFailure,
    Report,
    Site,
    SiteFix,
)
from ._write import decode

FindSites = Callable[[str, str], "list[Site] | ParseFailure"]
FixSource = Callable[..., str]


@dataclass(frozen=True)
class Backend:
    """The libcst half: byte prefilter, site finder and fixer (swappable in tests)."""

    might_have_sites: Callable[[bytes], bool]
    find_sites: FindSites
    fix_source: FixSource


# The default backend's functions import the site finder and fixer on first use: `import
# audit` must not pay for them, and a warm run answered by the cache never needs them.
def _might_have_sites(data: bytes) -> bool:
    from ._sites import might_have_sites

    return might_have_sites(data)


def _find_sites(source: str, path: str) -> list[Site] | ParseFailure:
    from ._sites import find_sites

    return find_sites(source, path)


def _fix_source(source: str, path: str, fixes: Sequence[SiteFix], *, stubs: Any) -> str:
    from ._fix import fix_source

    return fix_source(source, path, fixes, stubs=stubs)


def default_backend() -> Backend:
    return Backend(_might_have_sites, _find_sites, _fix_source)


@dataclass
class FileResult:
    path: Path
    data: bytes | None = None  # kept only for files with sites, for the fixer
    sites: list[Site] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    summary: ModuleSummary | None = None  # of a file with sites, made where it was parsed


def collect_files(paths: Iterable[Path], config: Config) -> list[Path]:
    """Expand paths to .py files (directories walked), dropping excluded ones."""
    out: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        # A directory is resolved once; files under it are then real paths already
        # (os.walk does not follow directory links), which spares a resolve per file.
        candidates = _walk_py(path.resolve()) if path.is_dir() else [path.resolve()]
        for candidate in candidates:
            if candidate in seen or is_excluded(candidate, config.root, config.exclude):
                continue
            seen.add(candidate)
            out.append(candidate)
    return out


_SKIPPED = frozenset({"__pycache__", "node_modules"})


def _walk_py(base: Path) -> list[Path]:
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in _SKIPPED]
        found.extend(os.path.join(dirpath, f) for f in filenames if f.endswith(".py"))
    return [Path(p) for p in sorted(found)]


def prefilter(path: Path, backend: Backend, cache: FileCache | None = None) -> FileResult:
    """Read a file; keep its bytes only when the cheap prefilter says it may hold a site.

    With a cache, a file whose content is unchanged is not read at all: its verdict and
    sites come from the cache (``data`` stays None and ``sites`` are filled in).
    """
    result = FileResult(path)
    entry, data = cache.entry(path) if cache is not None else (None, None)
    if entry is not None:
        verdict = entry.products.get("prefilter")
        if verdict is False:
            return result
        found = entry.products.get("sites")
        if verdict is True and found is not None:
            result.sites, result.notes = list(found[0]), list(found[1])
            return result
    try:
        data = data if data is not None else path.read_bytes()
    except OSError as exc:
        result.notes.append(Note(str(path), 0, 0, f"The file cannot be read: {exc}."))
        return result
    try:
        verdict = bool(backend.might_have_sites(data))
    except Exception as exc:  # per-file work never raises
        result.notes.append(Note(str(path), 0, 0, f"The file cannot be analysed: {exc!r}."))
        return result
    if verdict:
        result.data = data
    if entry is not None and cache is not None:
        cache.put(entry, "prefilter", verdict)
    return result


def analyse_file(
    path: Path, data: bytes, backend: Backend, module: str | None = None
) -> FileResult:
    """Find the sites in a file's bytes; every failure becomes a note. Runs in workers.

    Given its ``module`` name, a file with sites is also summarised here (its imports
    start every reachability search), so that parse runs on the pool too.
    """
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
        if module is not None:
            result.summary = summarize_file(path, module, data)
    return result


def _names(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)


def missing_names(
    index: ProjectIndex,
    config: Config,
    module: str,
    provided: Iterable[str],
    ignored: Iterable[str] = (),
) -> tuple[set[str], set[str]]:
    """(used names, public exports only) that ``module``'s fake lacks, less the ``ignore``
    config and the site's own ``ignored`` names; the same rule for the CLI and the API."""
    if (module, "*") in config.ignore:
        return set(), set()
    dropped = set(provided) | set(ignored) | {n for m, n in config.ignore if m == module}
    used, exports_only = index.required(module, config.require)
    return used - dropped, exports_only - dropped


def site_findings(
    index: ProjectIndex, site: Site, test: Path, config: Config, reacher: Reacher | None = None
) -> list[Finding]:
    """Findings for one site: MA001 reached, MA002 latent, MA003 exports only."""
    if site.provided is None or site.ignored == frozenset():
        return []
    _, sys_path_entry = index.module_name(test)
    if index.resolve(site.module, extra_root=sys_path_entry) is None:
        return []  # third-party: not ours to judge
    missing, exports_missing = missing_names(
        index, config, site.module, site.provided, site.ignored or ()
    )
    extra = sorted(exports_missing)
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


def analyse_all(
    files: Sequence[Path],
    backend: Backend,
    jobs: int,
    cache: FileCache | None = None,
    progress: Progress | None = None,
    module_of: Callable[[Path], str] | None = None,
    while_waiting: Callable[[list[tuple[Path, bytes]]], None] | None = None,
) -> list[FileResult]:
    """Prefilter here; parse the candidates on ``jobs`` processes (0: all cores) when
    there are enough of them to pay for the pool.

    On the pool, this process would only wait: ``while_waiting`` gets the candidates
    (path, bytes) to do work of its own meanwhile (summaries of the tests' imports), and
    then the workers need not summarise the tests themselves.
    """
    read = []
    for i, path in enumerate(files):
        read.append(prefilter(path, backend, cache))
        if progress is not None and i % 256 == 0:
            progress.update(f"reading test files {i}/{len(files)}")
    todo = [r for r in read if r.data is not None]
    modules = [module_of(r.path) if module_of is not None else None for r in todo]
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    parsed: list[FileResult]
    if workers > 1 and len(todo) >= PARALLEL_MIN_FILES and _picklable(backend):
        with ProcessPoolExecutor(max_workers=workers) as pool:
            chunk = max(1, len(todo) // (workers * 4))
            # map() submits every chunk now; its results are collected below.
            found = pool.map(
                analyse_file,
                [r.path for r in todo],
                [r.data for r in todo],
                repeat(backend),
                modules if while_waiting is None else repeat(None),
                chunksize=chunk,
            )
            if while_waiting is not None:
                with contextlib.suppress(Exception):  # only a head start; never needed
                    while_waiting([(r.path, r.data) for r in todo if r.data is not None])
            parsed = list(found)
    else:
        parsed = []
        for i, (r, module) in enumerate(zip(todo, modules, strict=True)):
            assert r.data is not None
            parsed.append(analyse_file(r.path, r.data, backend, module))
            if progress is not None and i % 8 == 0:
                progress.update(f"finding sites {i}/{len(todo)}")
    by_path = {r.path: r for r in parsed}
    if cache is not None:
        for r in parsed:
            entry, _ = cache.entry(r.path, r.data)
            if entry is not None:
                cache.put(entry, "sites", (tuple(r.sites), tuple(r.notes)))
    return [by_path.get(r.path, r) for r in read]


class Summarizer:
    """Summarise batches of files on one process pool, opened on the first batch big
    enough to pay for it; smaller batches are left to the index's lazy path."""

    def __init__(self, index: ProjectIndex, jobs: int) -> None:
        self.index = index
        self.workers = jobs or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def __call__(self, paths: Sequence[Path]) -> None:
        todo = [p for p in paths if not self.index.has_summary(p)]
        workers = min(self.workers, len(todo))
        if workers < 2 or len(todo) < PARALLEL_MIN_FILES:
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        modules = [self.index.module_name(p)[0] for p in todo]
        chunk = max(1, len(todo) // (workers * 4))
        made = self._pool.map(summarize_file, todo, modules, chunksize=chunk)
        for path, summary in zip(todo, made, strict=True):
            self.index.add_summary(path, summary)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def _picklable(backend: Backend) -> bool:
    try:
        pickle.dumps(backend)
    except Exception:  # a backend of lambdas (tests) runs in this process
        return False
    return True


def run_check(
    paths: Sequence[Path],
    config: Config,
    backend: Backend,
    *,
    jobs: int = 1,
    cache: FileCache | None = None,
    progress: Progress | None = None,
    reuse: bool = False,
) -> CheckRun:
    """Check ``paths``; per-file products come from (and go to) ``cache`` when given.

    With ``reuse``, a run over an unchanged tree returns the remembered report (and no
    per-file results or pairs, which only fix and SARIF fixes need).
    """
    progress = progress or Progress(None)
    index = ProjectIndex(config, cache)
    files = collect_files(paths, config)
    run_key = None
    if reuse and cache is not None and cache.persistent:
        run_key = _run_key(files, index, config)
        remembered = cache.recall(run_key) if run_key is not None else None
        if isinstance(remembered, Report):
            return CheckRun(remembered, [], [], index)

    def head_start(candidates: list[tuple[Path, bytes]]) -> None:
        # While the pool finds sites: summarise the candidates and walk their import
        # closure, which the reachability graph needs next (same lazy, memoised summaries).
        for path, data in candidates:
            index.summary(path, data)
        Reacher(index, starts=[path for path, _ in candidates]).closure()

    results = analyse_all(
        files, backend, jobs, cache, progress, lambda p: index.module_name(p)[0], head_start
    )
    progress.update("checking fakes against the project")
    for result in results:
        if result.summary is not None:
            index.add_summary(result.path, result.summary)
        elif result.sites:
            with contextlib.suppress(Exception):  # a summary never raises; be sure
                index.summary(result.path, result.data)  # no second read of the test
    # Required names of every target in one scan of the project.
    targets = {s.module for r in results for s in r.sites if s.provided is not None}
    known = sorted(t for t in targets if index.resolve(t) is not None)
    summarizer = Summarizer(index, jobs)
    try:
        pairs, notes, n_sites = _judge(index, config, results, known, summarizer)
    finally:
        summarizer.close()
    pairs.sort(key=lambda p: (p[0].path, p[0].line, p[0].column, p[0].code))
    report = Report(
        findings=tuple(f for f, _ in pairs),
        notes=tuple(notes),
        files_scanned=len(files),
        files_with_sites=sum(1 for r in results if r.sites),
        sites=n_sites,
    )
    if cache is not None:
        if run_key is not None:
            cache.remember(run_key, report)
        cache.save()
    progress.clear()
    return CheckRun(report, results, pairs, index)


def _judge(
    index: ProjectIndex,
    config: Config,
    results: list[FileResult],
    known: list[str],
    summarizer: Summarizer,
) -> tuple[list[tuple[Finding, Site]], list[Note], int]:
    """Findings and notes of every site (and the number of sites)."""
    # Modules that mention a target are parsed for its required names, and the closure of
    # the tests with sites for reachability: both in batches on the pool when they are big.
    needles = sorted({t.rpartition(".")[2] for t in known})
    if needles:
        with contextlib.suppress(Exception):  # the lazy paths below do the same work
            summarizer([p for p in index.files() if index.mentions(p, needles)])
    with contextlib.suppress(Exception):  # per-target lookups below retry and report
        index.used_names(known)
    starts = [r.path for r in results if any(s.provided is not None for s in r.sites)]
    reacher = Reacher(index, starts=starts, prefetch=summarizer)
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
    return pairs, notes, n_sites


def _run_key(files: list[Path], index: ProjectIndex, config: Config) -> bytes | None:
    """What a whole check depends on: the checked files, every file and directory under
    the roots (module resolution, required names, imports) and the conftest files above
    the test roots; the config and tool version are in the cache's own key."""
    names = [str(f) for f in files]
    for test_root in config.tests:
        directory = test_root.resolve()
        while directory.is_relative_to(config.root) and directory != directory.parent:
            names.append(str(directory / "conftest.py"))
            if directory == config.root:
                break
            directory = directory.parent
    return fingerprint(names, index.roots, names[: len(files)])
