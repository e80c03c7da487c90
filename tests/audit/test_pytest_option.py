"""``pytest --mock-audit``: a suite guards itself against fakes that lack names."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

PYPROJECT = "[tool.mock-audit]\nsrc = ['.']\ntests = ['tests']\n"
CRUD = "async def add_message(): ...\nasync def reserve_message(): ...\n"
SERVICE = "from app.crud import add_message, reserve_message\n"
TEST = """
from unittest.mock import AsyncMock

def test_it(mock_module):
    mock_module("app.crud", {{"add_message": AsyncMock(){extra}}})
    import app.service
"""


def project(pytester: pytest.Pytester, *, complete: bool) -> None:
    pytester.makefile(".toml", pyproject=PYPROJECT)
    pytester.mkpydir("app")
    (pytester.path / "app" / "crud.py").write_text(CRUD)
    (pytester.path / "app" / "service.py").write_text(SERVICE)
    tests = pytester.mkdir("tests")
    extra = ', "reserve_message": AsyncMock()' if complete else ""
    (tests / "test_x.py").write_text(TEST.format(extra=extra))
    (tests / "test_plain.py").write_text("def test_plain():\n    assert True\n")


def test_findings_fail_collection(pytester: pytest.Pytester) -> None:
    project(pytester, complete=False)
    result = pytester.runpytest_subprocess("--mock-audit", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting mock-audit*",
            "tests/test_x.py:5:5: MA001 app.crud: missing reserve_message",
            "*1 error during collection*",
        ]
    )
    assert "passed" not in result.stdout.str()


def test_clean_suite_runs(pytester: pytest.Pytester) -> None:
    project(pytester, complete=True)
    result = pytester.runpytest_subprocess("--mock-audit", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert "mock-audit" not in result.stdout.str()


def test_without_the_option_nothing_is_checked(pytester: pytest.Pytester) -> None:
    project(pytester, complete=False)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    # The incomplete fake is installed and the service import fails in the test itself.
    result.assert_outcomes(passed=1, failed=1)
    assert "ERROR collecting mock-audit" not in result.stdout.str()


def test_only_collected_files_are_checked(pytester: pytest.Pytester) -> None:
    project(pytester, complete=False)
    result = pytester.runpytest_subprocess(
        "--mock-audit", "-p", "no:cacheprovider", "tests/test_plain.py"
    )
    result.assert_outcomes(passed=1)


def test_option_is_in_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--mock-audit*"])
