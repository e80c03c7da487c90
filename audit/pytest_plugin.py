"""``pytest --mock-audit``: check the test paths before any test runs; findings stop the run.

The option and the hook live in the mockharness plugin (``fake_store.plugin``), which
imports this module only when the option is given, in the process that runs the session
(never in pytest-xdist's workers): the run then stops with exit code 2 and the report,
serially or under ``-n``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .api import run_check
from .config import load_config
from .errors import AuditError
from .model import Config, Report
from .report import render


def audit_session(session: pytest.Session) -> None:
    """Audit what this run collects (or the configured tests); exit 2 on findings."""
    config = session.config
    try:
        audit_config = load_config(Path(config.rootpath))
        paths = _paths(config, audit_config)
        run = run_check(paths, audit_config, jobs=0, cache=True, warn=lambda message: None)
    except AuditError as exc:
        pytest.exit(f"mock-audit could not run: {exc}", returncode=2)
    report = run.report
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if report.findings:
        summary = (
            f"mock-audit: {len(report.findings)} finding(s) in the test suite, so no test was "
            "run; `mock-audit fix` adds the missing names."
        )
        if reporter is None:  # ``-p no:terminal``: the report rides in the exit message
            pytest.exit(f"{summary}\n{_text(report, color=False)}", returncode=2)
        reporter.write(_text(report, color=reporter.hasmarkup))
        pytest.exit(summary, returncode=2)
    if reporter is not None:
        for message in report.warnings:
            reporter.write_line(f"mock-audit: warning: {message}", yellow=True)


def _text(report: Report, *, color: bool) -> str:
    return render(report, "text", color=color)


def _paths(config: pytest.Config, audit: Config) -> list[Path] | None:
    """The paths named on pytest's command line (``path::test`` ids cut to the path), else
    ``testpaths``; with neither, the configured tests when pytest runs in the project root
    (as ``mock-audit check`` would), else the folder pytest collects from."""
    invocation = Path(config.invocation_params.dir)
    source = config.args_source
    if source is pytest.Config.ArgsSource.INVOCATION_DIR and invocation.resolve() == audit.root:
        return None
    paths = [invocation / arg.split("::", 1)[0] for arg in config.args]
    return [p for p in paths if p.exists()] or None
