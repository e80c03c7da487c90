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
from .report import render


def audit_session(session: pytest.Session) -> None:
    """Audit the paths pytest was given (or its ``testpaths``); exit 2 on findings."""
    config = session.config
    root = Path(config.rootpath)
    paths = _paths(config)
    try:
        audit_config = load_config(root)
        run = run_check(paths or None, audit_config, jobs=0, cache=True, warn=lambda m: None)
    except AuditError as exc:
        pytest.exit(f"mock-audit could not run: {exc}", returncode=2)
    if run.report.findings:
        pytest.exit("mock-audit found fakes that lack names:\n" + render(run.report, "text"),
                    returncode=2)  # fmt: skip


def _paths(config: pytest.Config) -> list[Path]:
    invocation = Path(config.invocation_params.dir)
    args = [a.split("::", 1)[0] for a in config.args if not a.startswith("-")]
    paths = [invocation / a for a in args if (invocation / a).exists()]
    if not paths:
        paths = [Path(config.rootpath) / p for p in config.getini("testpaths")]
    return [p for p in paths if p.exists()]
