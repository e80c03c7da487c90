"""The public API of mock-audit: check, fix, missing_exports, and run for the CLI."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

from ._cache import FileCache, open_cache
from ._config import load_config
from ._engine import Backend, default_backend, missing_names, run_check
from ._errors import AuditError, ConfigError
from ._fixing import run_fix
from ._output import RENDERERS
from ._progress import Progress
from ._project import ProjectIndex
from ._sarif import render_sarif, sarif_fixes
from ._types import Config, FixReport, Report, Require

Format = Literal["text", "json", "github", "sarif"]

__all__ = ["Options", "check", "fix", "load_config", "missing_exports", "run"]


def _paths(paths: Iterable[str | Path] | None, config: Config) -> list[Path]:
    chosen = [Path(p) for p in paths] if paths else list(config.tests)
    missing = [p for p in chosen if not p.exists()]
    if paths and missing:
        raise AuditError(f"The path {str(missing[0])!r} does not exist.")
    return [p for p in chosen if p.exists()]


def check(
    paths: Iterable[str | Path] | None = None,
    config: Config | None = None,
    *,
    jobs: int = 1,
    cache: bool = False,
    backend: Backend | None = None,
    _progress: Progress | None = None,
    _warn: TextIO | None = None,
) -> Report:
    """Find module fakes that lack names; ``paths`` default to the configured tests.

    ``jobs`` is the number of processes for site finding (0: one per core); with
    ``cache``, per-file results are kept under the config's ``cache_dir``.
    """
    config, chosen, store = _prepare(paths, config, cache, _warn)
    return run_check(
        chosen,
        config,
        backend or default_backend(),
        jobs=jobs,
        cache=store,
        progress=_progress,
        reuse=True,
    ).report


def _prepare(
    paths: Iterable[str | Path] | None, config: Config | None, cache: bool, warn: TextIO | None
) -> tuple[Config, list[Path], FileCache]:
    """What every command starts from: the config, the paths to check and the cache."""
    config = config or load_config()
    stream = warn or sys.stderr

    def note(message: str) -> None:
        stream.write(f"mock-audit: {message}\n")

    return config, _paths(paths, config), open_cache(config, enabled=cache, warn=note)


def fix(
    paths: Iterable[str | Path] | None = None,
    config: Config | None = None,
    *,
    diff: bool = False,
    jobs: int = 1,
    cache: bool = False,
    backend: Backend | None = None,
    _progress: Progress | None = None,
    _warn: TextIO | None = None,
) -> FixReport:
    """Add missing names to fixable fakes (with ``diff``, compute the diffs and write nothing)."""
    config, chosen, store = _prepare(paths, config, cache, _warn)
    return run_fix(
        chosen,
        config,
        backend or default_backend(),
        diff=diff,
        jobs=jobs,
        cache=store,
        progress=_progress,
    )


# Strict ``mock_module`` calls this once per fake, many times per test session: the
# project is read once per process and config (its modules do not change under a test run).
_INDEXES: dict[tuple[Path | None, Path], tuple[Config, ProjectIndex]] = {}


def project_index(config: Config) -> ProjectIndex:
    key = (config.file, config.root)
    known = _INDEXES.get(key)
    if known is None or known[0] != config:
        known = _INDEXES[key] = (config, ProjectIndex(config))
    return known[1]


def missing_exports(
    module: str, provided: Iterable[str], *, start: Path | None = None
) -> list[str]:
    """Names the project requires of ``module`` that ``provided`` lacks, sorted.

    Uses the config found from ``start`` (default: the working directory) upward;
    a module not found under the configured roots requires nothing.
    """
    config = load_config(start)
    index = project_index(config)
    if index.resolve(module) is None:
        return []
    used, exports_only = missing_names(index, config, module, provided)
    return sorted(used | exports_only)


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    command: Literal["check", "fix"]
    paths: tuple[str, ...] = ()
    format: Format = "text"
    require: Require | None = None
    config: Path | None = None
    jobs: int = 0  # processes for site finding; 0 = one per core
    no_cache: bool = False
    output_file: Path | None = None
    diff: bool = False


def run(options: Options, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run one CLI command; return the exit code (0 clean, 1 findings, 2 error)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        config = load_config(file=options.config)
    except ConfigError as exc:
        err.write(f"mock-audit: {exc}\n")
        return 2
    if options.require is not None:
        config = dataclasses.replace(config, require=options.require)
    progress = Progress(err)
    use_cache = not options.no_cache
    try:
        paths: Sequence[str] = options.paths
        cwd = Path.cwd()
        if options.command == "fix":
            result = fix(
                paths,
                config,
                diff=options.diff,
                jobs=options.jobs,
                cache=use_cache,
                _progress=progress,
                _warn=err,
            )
            report, findings = result.check, result.remaining
            if options.diff:
                patch = "".join(f.diff for f in result.files)
                if options.output_file is not None:
                    if not _write_output(options.output_file, patch, err):
                        return 2
                else:
                    out.write(patch)
                text = RENDERERS["text"](report, cwd, result).splitlines()[-1] + "\n"
                err.write(text)
                return 1 if findings else 0
            if options.format == "sarif":
                text = render_sarif(report, cwd, findings, {})
            else:
                text = RENDERERS[options.format](report, cwd, result)
        else:
            backend = default_backend()
            _, chosen, store = _prepare(paths, config, use_cache, err)
            checked = run_check(
                chosen,
                config,
                backend,
                jobs=options.jobs,
                cache=store,
                progress=progress,
                reuse=options.format != "sarif",
            )
            report = checked.report
            findings = report.findings
            if options.format == "sarif":
                text = render_sarif(report, cwd, findings, sarif_fixes(checked, backend, config))
            else:
                text = RENDERERS[options.format](report, cwd, None)
    except AuditError as exc:
        err.write(f"mock-audit: {exc}\n")
        return 2
    if report.files_scanned == 0:
        searched = ", ".join(str(p) for p in (paths or config.tests)) or "(no paths)"
        err.write(
            f"mock-audit: warning: no Python files found in {searched}; pass test paths, "
            "or set `tests` under [tool.mock-audit].\n"
        )
    if options.output_file is not None:
        if not _write_output(options.output_file, text, err):
            return 2
    else:
        out.write(text)
    return 1 if findings else 0


def _write_output(path: Path, text: str, err: TextIO) -> bool:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        err.write(f"mock-audit: cannot write {str(path)!r}: {exc}.\n")
        return False
    return True
