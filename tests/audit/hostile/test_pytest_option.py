"""Issue 9.9: ``pytest --mock-audit`` stops the run with exit code 2 on findings, under
pytest-xdist's ``-n 2`` as in a serial run, and no test runs."""

from __future__ import annotations

import pytest

from . import BASE


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    for relative, content in BASE.items():
        path = pytester.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(content), encoding="utf-8")
    # A test that would fail if it ran: the audit must stop the session first.
    (pytester.path / "tests" / "test_runs.py").write_text(
        "def test_must_not_run():\n    raise SystemExit('a test ran')\n", encoding="utf-8"
    )
    return pytester


@pytest.mark.parametrize("workers", [None, "2"], ids=["serial", "xdist"])
def test_findings_stop_the_run_with_exit_2(project: pytest.Pytester, workers: str | None) -> None:
    args = ["--mock-audit", "-p", "no:cacheprovider", "tests"]
    if workers is not None:
        args += ["-n", workers]
    result = project.runpytest_subprocess(*args, timeout=300)
    assert result.ret == 2, result.stdout.str()
    result.stdout.fnmatch_lines(["*tests/test_reached.py:4:1: MA001 app.crud: missing*"])
    assert "test_must_not_run" not in result.stdout.str()
    assert "a test ran" not in result.stdout.str() + result.stderr.str()
