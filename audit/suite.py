"""The test suite as programs: which files are read, and what each one runs.

Every file under the test paths is read once and tested for the bytes an install
must spell (``TRIGGERS``); those that hold one are analysed (``audit.testfile``), as
are all conftests (their imports decide what is loaded before any test runs) and,
when a conftest installs fakes, the test files below it. Programs are cached by the
file's root-relative path and content (and its conftests'), and analysed on all cores
when there are many.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import pool
from .cache import Cache, digest
from .files import walk
from .forms.installs import TRIGGERS
from .model import Config
from .project.index import Project
from .testfile.analysis import Program, Unit, analyse, load
from .testfile.program import Event, Install, Site, from_json, to_json
from .testfile.source import Unreadable

CONFTEST = "conftest.py"


def is_test_module(path: Path) -> bool:
    """pytest's default ``python_files``: ``test_*.py`` and ``*_test.py``."""
    name = path.name
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


@dataclass
class Suite:
    """The files of one run and the programs of those analysed."""

    root: Path
    files: list[Path]  # every .py file under the test paths
    programs: dict[str, Program] = field(default_factory=dict)  # by absolute path
    by_module: dict[str, Program] = field(default_factory=dict)
    conftests: dict[str, list[str]] = field(default_factory=dict)  # folder -> conftests, root first
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    simulated: list[str] = field(default_factory=list)  # test modules to replay
    keys: dict[str, str] = field(default_factory=dict)  # path -> its program's cache key

    def program(self, path: str) -> Program | None:
        return self.programs.get(path)

    def module_program(self, module: str) -> Program | None:
        return self.by_module.get(module)

    def conftests_of(self, path: str) -> list[str]:
        return self.conftests.get(os.path.dirname(path), [])


@dataclass(frozen=True)
class _Job:
    path: str
    data: bytes
    module: str
    package: str
    conftests: tuple[tuple[str, bytes], ...]  # nearest first


def load_suite(
    paths: Sequence[Path],
    config: Config,
    project: Project,
    cache: Cache,
    *,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Suite:
    walked = walk(paths, root=config.root, exclude=config.exclude)
    suite = Suite(config.root, list(walked.files), unreadable=list(walked.unreadable))
    data: dict[str, bytes] = {}
    for path in suite.files:
        try:
            data[str(path)] = path.read_bytes()
        except OSError as exc:
            suite.unreadable.append((path, exc.strerror or str(exc)))
    _find_conftests(suite, config, data)
    first = _first_round(suite, data)
    _analyse(first, suite, data, project, cache, jobs, progress)
    reached = [
        *_reached_by_conftests(suite, data, project),
        *_importers_of_installing_helpers(suite, data, project),
    ]
    second = [p for p in dict.fromkeys(reached) if p not in suite.programs]
    _analyse(second, suite, data, project, cache, jobs, progress)
    suite.simulated = [
        p for p in suite.programs if is_test_module(Path(p)) and _worth_replaying(p, suite)
    ]
    return suite


def _analyse(
    chosen: list[str],
    suite: Suite,
    data: dict[str, bytes],
    project: Project,
    cache: Cache,
    jobs: int,
    progress: Callable[[str], None] | None,
) -> None:
    """Programs for ``chosen`` files: from the cache, else analysed (on all cores)."""
    jobs_list = [_job(p, data, suite, project) for p in chosen]
    keys = [_key(job, project) for job in jobs_list]
    stored = cache.get_many("program", keys)
    todo = [(job, key) for job, key in zip(jobs_list, keys, strict=True) if key not in stored]
    if progress is not None and todo:
        progress(f"analysing {len(todo)} test file(s)")
    made = pool.run_all(_analyse_job, [job for job, _ in todo], jobs=jobs, min_parallel=32)
    results: dict[str, object] = {}
    for (job, key), result in zip(todo, made, strict=True):
        if isinstance(result, pool.Crashed):
            note = f"mock-audit could not analyse the file: {result.message}"
            results[job.path] = Program(job.path, job.module, notes=((0, 0, note),))
            continue
        results[job.path] = result
        cache.put("program", key, to_json(result))
    for job, key in zip(jobs_list, keys, strict=True):
        raw = stored.get(key, results.get(job.path))
        program = raw if isinstance(raw, Program) else _decode(_rebased(raw, job.path), job)
        suite.programs[job.path] = program
        suite.keys[job.path] = key
        suite.by_module.setdefault(program.module, program)


def _rebased(raw: object, path: str) -> object:
    """A cached program written under another project root (a cache restored into a
    clone elsewhere): its absolute paths moved to this root. Cache keys are
    root-relative, so such an entry is found; its paths must follow."""
    fields = raw.get("Program") if isinstance(raw, dict) else None
    if not isinstance(fields, list) or not fields or not isinstance(fields[0], str):
        return raw
    old = fields[0]  # a Program record's first field is its path
    if old == path:
        return raw
    common = 0  # the relative path both share, from the end
    while common < min(len(old), len(path)) and old[-1 - common] == path[-1 - common]:
        common += 1
    old_root, new_root = old[: len(old) - common], path[: len(path) - common]

    def move(value: object) -> object:
        if isinstance(value, str):
            return new_root + value[len(old_root) :] if value.startswith(old_root) else value
        if isinstance(value, list):
            return [move(v) for v in value]
        if isinstance(value, dict):
            return {k: move(v) for k, v in value.items()}
        return value

    return move(raw)


def _decode(raw: object, job: _Job) -> Program:
    try:
        program = from_json(raw)
        if isinstance(program, Program):
            return program
    except (ValueError, TypeError, KeyError, AssertionError):
        pass
    # a cached entry of another shape (another version wrote it): analyse again
    return _analyse_job(job) if not isinstance(raw, Program) else raw


def _find_conftests(suite: Suite, config: Config, data: dict[str, bytes]) -> None:
    """For every folder holding test files: the conftests pytest loads, root first
    (from the project root down; conftests above the root are not loaded)."""
    root = str(config.root)
    folders = {str(p.parent) for p in suite.files}
    cache: dict[str, list[str]] = {}

    def chain(folder: str) -> list[str]:
        known = cache.get(folder)
        if known is not None:
            return known
        parent = os.path.dirname(folder)
        above = (
            chain(parent) if folder != root and folder.startswith(root) and parent != folder else []
        )
        here = os.path.join(folder, CONFTEST)
        own = [here] if os.path.isfile(here) else []
        cache[folder] = [*above, *own]
        return cache[folder]

    for folder in folders:
        suite.conftests[folder] = chain(folder)
    for conftests in suite.conftests.values():
        for conftest in conftests:
            if conftest not in data:
                try:
                    data[conftest] = Path(conftest).read_bytes()
                except OSError as exc:
                    suite.unreadable.append((Path(conftest), exc.strerror or str(exc)))


def _first_round(suite: Suite, data: dict[str, bytes]) -> list[str]:
    """Conftests (their imports run before every test below them) and the files that
    spell an install."""
    chosen: dict[str, None] = {}
    for conftests in suite.conftests.values():
        for conftest in conftests:
            if conftest in data:
                chosen[conftest] = None
    for path in suite.files:
        blob = data.get(str(path))
        if blob is not None and any(t in blob for t in TRIGGERS):
            chosen[str(path)] = None
    return list(chosen)


def _reached_by_conftests(suite: Suite, data: dict[str, bytes], project: Project) -> list[str]:
    """Test files whose run a conftest's fake can reach although they spell no install:
    every test file below a conftest that installs at import (or in a hook, or in an
    autouse fixture); below one whose fixture installs, those that name the fixture;
    below one whose helper installs, those that name the helper."""
    everything: set[str] = set()
    words: dict[str, set[bytes]] = {}
    for path, program in suite.programs.items():
        if os.path.basename(path) != CONFTEST:
            continue

        def installs(events: tuple[Event, ...], program: Program = program) -> bool:
            return _installs(program, events, project)

        if installs(program.body) or any(
            (f.kind == "hook" or (f.kind == "fixture" and f.autouse)) and installs(f.events)
            for f in program.functions
        ):
            everything.add(path)
            continue
        named = {
            f.fixture.encode()
            for f in program.functions
            if f.kind == "fixture" and installs(f.events)
        } | {name.encode() for name in program.helpers}
        if named:
            words[path] = named
    out: list[str] = []
    for file in suite.files:
        text = str(file)
        if text in suite.programs or not is_test_module(file) or text not in data:
            continue
        conftests = suite.conftests_of(text)
        if everything.intersection(conftests) or any(
            any(word in data[text] for word in words.get(c, ())) for c in conftests
        ):
            out.append(text)
    return out


def _importers_of_installing_helpers(
    suite: Suite, data: dict[str, bytes], project: Project
) -> list[str]:
    """Test files that spell the name of a test helper module (not a test module, not a
    conftest) that installs a fake when it is imported: ``import _stubs`` installs
    although the test file spells no install."""
    names: set[bytes] = set()
    for path, program in suite.programs.items():
        if is_test_module(Path(path)) or os.path.basename(path) == CONFTEST:
            continue
        if _installs(program, program.body, project):
            names.add(program.module.rpartition(".")[2].encode())
    if not names:
        return []
    return [
        str(file)
        for file in suite.files
        if str(file) not in suite.programs
        and is_test_module(file)
        and str(file) in data
        and any(name in data[str(file)] for name in names)
    ]


def _installs(program: Program, events: tuple[Event, ...], project: Project) -> bool:
    """Whether ``events`` install a fake that can crash an import: only a fake of the
    project's own module matters (a third-party stub or a spec-less package mock of a
    plain module cannot)."""
    return any(
        isinstance(e, Install) and _can_crash(program.sites[e.site], project) for e in events
    )


def _can_crash(site: Site, project: Project) -> bool:
    """Whether a fake can make an import fail: a fake of a project module that lacks
    names, or one without a usable __path__ over a real package."""
    module = site.module
    if module is None or site.fake.blocker or not project.is_first_party(module):
        return False
    if site.fake.finite:
        return True
    found = project.resolve(module)
    return (not site.fake.package or site.fake.empty_path) and found is not None and found.package


def _job(path: str, data: dict[str, bytes], suite: Suite, project: Project) -> _Job:
    module, package = project.module_name(Path(path))
    conftests = [c for c in reversed(suite.conftests_of(path)) if c != path and c in data]
    if os.path.basename(path) == CONFTEST:
        # a conftest borrows from the conftests above it only
        above = suite.conftests_of(os.path.dirname(path))
        conftests = [c for c in reversed(above) if c != path and c in data]
    return _Job(path, data[path], module, package, tuple((c, data[c]) for c in conftests))


def _key(job: _Job, project: Project) -> str:
    lenders = ",".join(f"{project.relative(Path(p))}={digest(d)}" for p, d in job.conftests)
    rel = project.relative(Path(job.path))
    return f"{rel}\0{job.module}\0{job.package}\0{digest(job.data)}\0{lenders}"


_UNITS: dict[tuple[str, str], Unit | None] = {}  # per process: conftests parsed once


def _unit(path: str, data: bytes) -> Unit | None:
    key = (path, digest(data))
    if key not in _UNITS:
        try:
            _UNITS[key] = load(path, data)
        except Unreadable:
            _UNITS[key] = None
    return _UNITS[key]


def _analyse_job(job: _Job) -> Program:
    lenders = [u for u in (_unit(p, d) for p, d in job.conftests) if u is not None]
    return analyse(job.path, job.data, job.module, job.package, lenders)


def _worth_replaying(path: str, suite: Suite) -> bool:
    """A test file is replayed when it, a conftest above it, or a module it may import
    installs a fake; otherwise nothing can crash it."""
    program = suite.programs.get(path)
    if program is not None and program.sites:
        return True
    return any(
        (p := suite.programs.get(c)) is not None and p.sites for c in suite.conftests_of(path)
    ) or any(
        p.sites and any(isinstance(e, Install) for e in p.body)
        for p in suite.programs.values()
        if not is_test_module(Path(p.path)) and os.path.basename(p.path) != CONFTEST
    )
