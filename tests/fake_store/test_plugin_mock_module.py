"""The mock_module fixture and its ini option mock_module_strict.

The project's conftest registers a stand-in strict check (harness.set_strict_check) that
reads the names shop.crud must provide from ``needed.txt``, found from the project directory
it is given upward: these tests are about the plugin's plumbing, not mock-audit's analysis
(tests/harness/test_mock_module.py runs the real one).
"""

from __future__ import annotations

import pytest

CONFTEST = """
from pathlib import Path

import harness


def check(module, provided, project):
    for folder in (project, *project.parents):
        needed = folder / "needed.txt"
        if needed.is_file():
            return sorted(set(needed.read_text().split()) - set(provided))
    return []


harness.set_strict_check(check)
"""

PROJECT = {
    "shop/__init__.py": "",
    "shop/crud.py": "async def add(): ...\nasync def reserve(): ...\n",
    "shop/agent.py": "from shop.crud import add, reserve\n",
    "needed.txt": "add reserve\n",
    "conftest.py": CONFTEST,
}

TESTS = """
    import sys

    import pytest

    from harness import MissingExportsError


    def test_installs_a_fake_until_teardown(mock_module):
        import shop
        module = mock_module("shop.crud", lambda: {"add": 1, "reserve": 2}, strict=False)
        assert sys.modules["shop.crud"] is module
        assert shop.crud is module
        from shop.crud import reserve
        assert reserve == 2


    def test_it_was_undone():
        import shop.crud
        assert shop.crud.add.__name__ == "add"


    def test_explicit_strict_finds_the_missing_name(mock_module):
        with pytest.raises(MissingExportsError, match="reserve"):
            mock_module("shop.crud", {"add": 1}, strict=True)


    def test_default(mock_module):
        mock_module("shop.crud", {"add": 1})
"""


def make_project(pytester: pytest.Pytester, ini: str | None) -> None:
    for path, text in PROJECT.items():
        target = pytester.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    if ini is not None:
        pytester.makeini(f"[pytest]\nmock_module_strict = {ini}\n")
    pytester.makepyfile(test_users=TESTS)


def test_lenient_by_default(pytester: pytest.Pytester) -> None:
    make_project(pytester, ini=None)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


@pytest.mark.parametrize("value", ["true", "1"])
def test_ini_option_makes_strict_the_default(pytester: pytest.Pytester, value: str) -> None:
    make_project(pytester, ini=value)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        ["*test_default*", "*MissingExportsError*'shop.crud'*reserve*"], consecutive=False
    )


def test_ini_option_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*mock_module_strict (bool)*"])


def test_under_xdist(pytester: pytest.Pytester) -> None:
    make_project(pytester, ini=None)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    # Under xdist the "it was undone" test may run in the other worker; it passes either way.
    result.assert_outcomes(passed=4)


def test_strict_finds_the_project_from_the_test_file_not_the_cwd(
    pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """pytest run from outside the project: strict still checks against that project."""
    make_project(pytester, ini="true")
    pytester.makepyprojecttoml('[tool.mock-audit]\nsrc = ["."]\ntests = ["."]\n')
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # no config above it
    project = str(pytester.path)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(elsewhere)
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "--rootdir", project, "-c", f"{project}/tox.ini", project
        )
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*MissingExportsError*'shop.crud'*reserve*"])
