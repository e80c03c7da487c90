"""``pytest --mock-audit``: the check runs once before any test, serially and under
pytest-xdist; findings stop the session with exit code 2 and the report."""

from __future__ import annotations

import pytest

from .clitools import CRASH, PROJECT

REPORT_LINE = "tests/test_crash.py:4:1: MA001 app.crud: missing save"

# Under xdist every test runs in a worker: none of them may have loaded the auditor.
WORKER_TEST = """\
import os
import sys


def test_in_a_worker():
    assert os.environ.get("PYTEST_XDIST_WORKER"), "not run by an xdist worker"
    assert "audit.pytest_plugin" not in sys.modules
    assert "audit.api" not in sys.modules
"""


def make_project(pytester: pytest.Pytester, *, crash: bool) -> None:
    files = dict(PROJECT)
    del files["tests/test_latent.py"]
    if not crash:
        files["tests/test_crash.py"] = CRASH.replace("load=print", "load=print, save=print")
    files["tests/test_plain.py"] = "def test_plain():\n    pass\n"
    for name, text in files.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# ``-p no:cacheprovider``: nothing written beside the project; ``-p no:asyncio``: the
# temporary project does not configure pytest-asyncio, which would warn about it.
PLAIN = ("-p", "no:cacheprovider", "-p", "no:asyncio")


def test_findings_stop_the_run_with_exit_2_and_the_report(pytester: pytest.Pytester) -> None:
    make_project(pytester, crash=True)
    result = pytester.runpytest_subprocess("--mock-audit", *PLAIN)
    assert result.ret == 2
    out = result.stdout.str()
    assert out.count(REPORT_LINE) == 1
    result.stdout.fnmatch_lines(
        [
            REPORT_LINE,
            "    tests/test_crash.py:5 imports app.service",
            "    src/app/service.py:1 imports app.crud",
            "1 finding(s) (MA001 1) in 2 file(s) scanned, 1 site(s), 0 note(s).",
            "*mock-audit: 1 finding(s) in the test suite, so no test was run*",
        ]
    )
    assert "passed" not in out and "test_plain" not in out


def test_under_xdist_the_controller_audits_once_and_stops(pytester: pytest.Pytester) -> None:
    make_project(pytester, crash=True)
    result = pytester.runpytest_subprocess("--mock-audit", "-n", "2", *PLAIN)
    assert result.ret == 2
    out = result.stdout.str()
    assert out.count(REPORT_LINE) == 1
    assert "passed" not in out


def test_a_clean_suite_runs_and_prints_nothing_of_the_audit(pytester: pytest.Pytester) -> None:
    make_project(pytester, crash=False)
    result = pytester.runpytest_subprocess("--mock-audit", *PLAIN)
    result.assert_outcomes(passed=2)
    assert "mock-audit" not in result.stdout.str() + result.stderr.str()


def test_a_clean_suite_under_xdist_audits_in_the_controller_not_the_workers(
    pytester: pytest.Pytester,
) -> None:
    make_project(pytester, crash=False)
    pytester.makepyfile(**{"tests/test_worker": WORKER_TEST})
    result = pytester.runpytest_subprocess("--mock-audit", "-n", "2", *PLAIN)
    result.assert_outcomes(passed=3)


def test_only_the_paths_given_are_audited(pytester: pytest.Pytester) -> None:
    make_project(pytester, crash=True)
    result = pytester.runpytest_subprocess("--mock-audit", *PLAIN, "tests/test_plain.py")
    result.assert_outcomes(passed=1)


def test_the_configured_selection_applies(pytester: pytest.Pytester) -> None:
    make_project(pytester, crash=True)
    pyproject = pytester.path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'select = ["MA002"]\n', encoding="utf-8")
    result = pytester.runpytest_subprocess("--mock-audit", *PLAIN)
    # The audit lets the MA001 through, so the test file itself fails as it would without it.
    result.stdout.fnmatch_lines(["*ImportError: cannot import name 'save'*"])
    assert REPORT_LINE not in result.stdout.str()
