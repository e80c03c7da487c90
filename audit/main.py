"""Run one ``mock-audit`` command from its options: check or fix, render, write, exit code.

Exit codes, as ruff's: 0 clean (for ``fix``: everything fixed), 1 findings remain,
2 a usage, configuration or internal error. ``--exit-zero`` turns 1 into 0.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

from .api import fake_edits, run_check, fix
from .config import load_config, with_codes
from .errors import AuditError
from .fix import decode, fix_file_text
from .model import Finding, FixReport, Report, Require
from .report import Format, Replacement, render, replacement

import dataclasses


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
    color: bool | None = None  # None: on a terminal unless NO_COLOR is set


def run(options: Options, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run one command; return its exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr

    def warn(message: str) -> None:
        err.write(f"mock-audit: warning: {message}\n")

    try:
        config = load_config(file=options.config)
        config = with_codes(config, options.select, options.ignore, options.extend_select)
        if options.require is not None:
            config = dataclasses.replace(config, require=options.require)
        if options.command == "fix":
            result = fix(options.paths or None, config, diff=options.diff, jobs=options.jobs,
                         cache=not options.no_cache)  # fmt: skip
            report, findings = result.check, result.remaining
            if options.diff:
                text = "".join(f.diff for f in result.files)
            else:
                text = _render(report, options, out, fix_report=result)
        else:
            checked = run_check(options.paths or None, config, jobs=options.jobs,
                                cache=not options.no_cache, warn=warn)  # fmt: skip
            report, findings = checked.report, checked.report.findings
            fixes = _sarif_fixes(checked, config) if options.format == "sarif" else None
            text = _render(report, options, out, sarif_fixes=fixes)
    except AuditError as exc:
        err.write(f"mock-audit: error: {exc}\n")
        return 2
    for message in report.warnings:
        if options.format not in ("json", "sarif"):
            warn(message)
    if report.files_scanned == 0:
        warn(
            "no Python files found in the paths checked; pass test paths, or set `tests` "
            "under [tool.mock-audit]."
        )
    if options.output_file is not None:
        try:
            options.output_file.write_text(text, encoding="utf-8", errors="backslashreplace")
        except OSError as exc:
            err.write(f"mock-audit: error: cannot write {str(options.output_file)!r}: "
                      f"{exc.strerror or exc}.\n")  # fmt: skip
            return 2
    else:
        out.write(text)
    if options.command == "fix" and options.diff and not options.quiet:
        err.write(render(report, "text", fix=result, quiet=False).splitlines()[-1] + "\n")
    if findings and not options.exit_zero:
        return 1
    return 0


def _render(
    report: Report,
    options: Options,
    out: TextIO,
    *,
    fix_report: FixReport | None = None,
    sarif_fixes: dict[Finding, Replacement] | None = None,
) -> str:
    color = options.color
    if color is None:
        color = bool(getattr(out, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")
    return render(
        report,
        options.format,
        fix=fix_report,
        sarif_fixes=sarif_fixes,
        statistics=options.statistics,
        color=color and options.format == "text" and options.output_file is None,
        quiet=options.quiet,
    )


def _sarif_fixes(run: object, config: object) -> dict[Finding, Replacement]:
    """For each fixable finding, the lines fixing its fake alone would change."""
    from .api import CheckRun

    assert isinstance(run, CheckRun)
    out: dict[Finding, Replacement] = {}
    for finding in run.report.findings:
        if not finding.fixable:
            continue
        for path, edits in fake_edits(run, [finding]).items():
            try:
                text = decode(Path(path).read_bytes()).text
            except (OSError, UnicodeDecodeError, SyntaxError):
                continue
            result = fix_file_text(path, text, edits, stubs=config.stubs,  # type: ignore[attr-defined]
                                   line_length=config.line_length)  # type: ignore[attr-defined]  # fmt: skip
            new = getattr(result, "code", None)
            if isinstance(new, str):
                change = replacement(text, new)
                if change is not None:
                    out[finding] = change
    return out
