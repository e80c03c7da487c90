"""``pytest --mock-audit``: check the collected test files and fail collection on findings.

The hooks themselves live in the mockharness pytest plugin (fake_store/plugin.py) and call
``audit_collected``; this module keeps the work out of the plugin, so a run without the
option never imports the auditor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

OPTION = "--mock-audit"
NODE_ID = "mock-audit"


def add_option(parser: pytest.Parser) -> None:
    parser.getgroup("mockharness").addoption(
        OPTION,
        action="store_true",
        default=False,
        dest="mock_audit",
        help="run mock-audit check on the collected test files; findings fail collection.",
    )


def audit_collected(session: pytest.Session, items: list[pytest.Item]) -> None:
    """Report findings in the collected files as one collection error (exit code 2)."""
    # Imported here: adding the option must not cost every pytest run the auditor's import.
    from ._cache import open_cache
    from ._config import load_config
    from ._engine import default_backend, run_check
    from ._errors import AuditError
    from ._output import render_text

    config = session.config
    if not config.getoption("mock_audit"):
        return
    paths = sorted({Path(item.path) for item in items if item.path.suffix == ".py"})
    if not paths:
        return
    root = Path(config.rootpath)
    try:
        audit_config = load_config(root)
        cache = open_cache(audit_config, warn=lambda m: None)
        run = run_check(paths, audit_config, default_backend(), jobs=0, cache=cache, reuse=True)
    except AuditError as exc:
        _fail(config, f"mock-audit could not run: {exc}")
        return
    if run.report.findings:
        _fail(config, render_text(run.report, root))


def _fail(config: pytest.Config, text: str) -> None:
    report = pytest.CollectReport(NODE_ID, "failed", text, [])
    config.hook.pytest_collectreport(report=report)
