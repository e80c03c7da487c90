"""The public API of mock-audit: ``check``, ``fix`` and ``missing_names``.

``check`` reads the suite into programs (``suite``), replays every test file that a
fake can reach (``windows``), and turns what each site lacks into findings
(``rules``). ``fix`` runs the fixer (``AddMissingNames``) on the fixable findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import answer
from ._version import __version__
from .cache import Cache, digest
from .config import load_config
from .errors import AuditError
from .model import Config, Report

if TYPE_CHECKING:  # the analysis is loaded only when there is no stored answer
    from .project.index import Project
    from .project.names import RealNames
    from .rules import SiteResult
    from .suite import Suite

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
        from .project.index import Project
        from .suite import load_suite
        from .verdict import judge_suite

        project = Project(config, store)
        if inputs is not None:
            project.digests = inputs.digests
        suite = load_suite(chosen, config, project, store, jobs=jobs, progress=progress)
        layout = inputs.layout if inputs is not None else None
        run = judge_suite(config, project, suite, warnings, progress, layout)
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
_ANALYSIS = "10"


def _salt(config: Config) -> str:
    """What every cached entry depends on besides its file: the tool and the settings,
    with paths relative to the project root, so a cache restored into a clone at
    another path still hits."""

    def rel(path: Path) -> str:
        return rel_path(config, str(path))

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


def rel_path(config: Config, path: str) -> str:
    """``path`` relative to the project root, with "/" ("." for the root itself); a
    path outside the root stays as it is."""
    root = str(config.root)
    if path == root:
        return "."
    if path.startswith(root + os.sep):
        return path[len(root) + 1 :].replace(os.sep, "/")
    return path.replace(os.sep, "/")


def missing_names(module: str, provided: Iterable[str], *, start: Path | None = None) -> list[str]:
    """Names the project's source modules require of ``module`` that ``provided``
    lacks, sorted (strict ``mock_module``); a module not in the project requires none.

    Uses the config found from ``start`` (default: the working directory) upward.
    """
    from .project.index import Project
    from .project.names import RealNames
    from .project.required import Required

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
