"""Run one ``mock-audit`` command from its options: check or fix, render, write, exit code.

Exit codes, as ruff's: 0 clean (for ``fix``: everything fixed), 1 findings remain (for
``fix --diff``: also when there is something to add), 2 a usage, configuration or
internal error. ``--exit-zero`` turns 1 into 0, never 2 into 0.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .api import CheckRun, run_check
from .config import load_config, with_codes
from .errors import AuditError
from .model import Config, Finding, FixReport, Options, Report
from .report import Replacement, render, replacement


def use_color(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether text written to ``stream`` is coloured: never with ``NO_COLOR`` set (and not
    empty) or ``TERM=dumb``; always with ``FORCE_COLOR`` set; else only on a terminal."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


@dataclass(frozen=True)
class _Outcome:
    """What a command produced: the report, the text for stdout, and whether it fails."""

    report: Report
    text: str
    failed: bool  # findings remain (or, for ``fix --diff``, something would change)
    fix: FixReport | None = None


def run(options: Options, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run one command; return its exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr

    def warn(message: str) -> None:
        if not options.quiet:
            err.write(f"mock-audit: warning: {message}\n")

    try:
        config = _config(options)
        if options.command == "fix":
            outcome = _fix(options, config, out)
        else:
            outcome = _check(options, config, out, warn)
    except AuditError as exc:
        err.write(f"mock-audit: error: {exc}\n")
        return 2
    # Warnings about the run go to stderr, as ruff's do, in every format; the machine
    # formats also carry them (JSON ``warnings``, SARIF notifications, ``::warning``).
    for message in outcome.report.warnings:
        warn(message)
    if outcome.report.files_scanned == 0:
        warn(
            "no Python files found in the paths checked; pass test paths, or set `tests` "
            "under [tool.mock-audit]."
        )
    if options.output_file is not None:
        try:
            options.output_file.write_text(
                outcome.text, encoding="utf-8", errors="backslashreplace"
            )
        except OSError as exc:
            err.write(
                f"mock-audit: error: cannot write {str(options.output_file)!r}: "
                f"{exc.strerror or exc}.\n"
            )
            return 2
    else:
        out.write(outcome.text)
    if outcome.fix is not None and options.diff and not options.quiet:
        # The diff alone goes to stdout (``| git apply``); the summary to stderr.
        summary = render(outcome.report, "text", fix=outcome.fix).splitlines()[-1]
        err.write(summary + "\n")
    return 1 if outcome.failed and not options.exit_zero else 0


def _config(options: Options) -> Config:
    config = load_config(file=options.config)
    config = with_codes(config, options.select, options.ignore, options.extend_select)
    if options.require is not None:
        config = dataclasses.replace(config, require=options.require)
    return config


def _check(options: Options, config: Config, out: TextIO, warn: Callable[[str], None]) -> _Outcome:
    checked = run_check(
        options.paths or None,
        config,
        jobs=options.jobs,
        cache=not options.no_cache,
        warn=warn,
        reuse=options.format != "sarif",  # SARIF fixes need the per-site results
    )
    report = checked.report
    fixes = _sarif_fixes(checked, config) if options.format == "sarif" else None
    text = _render(report, options, out, sarif_fixes=fixes)
    return _Outcome(report, text, failed=bool(report.findings))


def _fix(options: Options, config: Config, out: TextIO) -> _Outcome:
    from .apply import fix  # libcst is loaded only by the commands that edit

    result = fix(
        options.paths or None,
        config,
        diff=options.diff,
        jobs=options.jobs,
        cache=not options.no_cache,
    )
    report = result.check
    if options.diff:
        diffs = "".join(f.diff for f in result.files)
        return _Outcome(report, diffs, bool(diffs or result.remaining), result)
    text = _render(report, options, out, fix_report=result)
    return _Outcome(report, text, bool(result.remaining), result)


def _render(
    report: Report,
    options: Options,
    out: TextIO,
    *,
    fix_report: FixReport | None = None,
    sarif_fixes: Mapping[Finding, Replacement] | None = None,
) -> str:
    text_format = options.format == "text"
    color = options.color
    if color is None:
        color = options.output_file is None and use_color(out)
    if text_format:
        # The warnings go to stderr (see ``run``), not between the findings and the summary.
        report = dataclasses.replace(report, warnings=())
    return render(
        report,
        options.format,
        fix=fix_report,
        sarif_fixes=sarif_fixes,
        statistics=options.statistics,
        color=color and text_format,
        quiet=options.quiet,
    )


def _sarif_fixes(checked: CheckRun, config: Config) -> dict[Finding, Replacement]:
    """For each fixable finding, the lines that fixing its fake alone would change."""
    from libcst.codemod import TransformSuccess  # loaded only for SARIF

    from .apply import fake_edits
    from .fixer import decode, fix_file_text

    out: dict[Finding, Replacement] = {}
    texts: dict[str, str | None] = {}
    for finding in checked.report.findings:
        if not finding.fixable:
            continue
        for path, edits in fake_edits(checked, [finding]).items():
            if path not in texts:
                try:
                    texts[path] = decode(Path(path).read_bytes()).text
                except (OSError, UnicodeDecodeError, SyntaxError):
                    texts[path] = None
            text = texts[path]
            if text is None:
                continue
            result = fix_file_text(
                path, text, edits, stubs=config.stubs, line_length=config.line_length
            )
            if isinstance(result, TransformSuccess):
                change = replacement(text, result.code)
                if change is not None:
                    out[finding] = change
    return out
