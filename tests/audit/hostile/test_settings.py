"""Issue 9.4 and 9.5: settings that would hide the tests from git, or point nowhere, stop
the run with exit 2 naming the key; nothing is written."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from . import make_project, run


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _untracked(root: Path) -> list[str]:
    return sorted(_git(root, "status", "--porcelain", "--untracked-files=all").split("\n")[:-1])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    return root


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ('"tests"', "the test root"),
        ('""', "the project root"),
        ('"."', "the project root"),
        ('"./tests/"', "the test root"),
        ('"src"', "the source root"),
        ('"tests/.."', "the project root"),
        ('".."', "a folder holding the project root"),
    ],
)
def test_a_cache_dir_that_would_hide_files_is_an_error(repo: Path, value: str, what: str) -> None:
    make_project(repo, cache_dir=value)
    before = _untracked(repo)
    assert "?? tests/test_reached.py" in before
    # ``fix`` reads the settings the same way: asked once, for the first case.
    for command in ("check", "fix") if value == '"tests"' else ("check",):
        result = run([command], repo)
        assert result.returncode == 2, result.describe()
        assert result.stdout == ""
        assert "'cache-dir'" in result.stderr and what in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1, result.stderr  # one line, no traceback
    assert _untracked(repo) == before  # no .gitignore, no database: nothing written
    assert not list(repo.rglob(".gitignore")) and not list(repo.rglob("*.sqlite3*"))


def test_a_cache_dir_inside_the_tests_that_holds_tests_does_not_hide_them(repo: Path) -> None:
    make_project(
        repo,
        {"tests/unit/test_unit.py": "def test_it():\n    pass\n"},
        cache_dir='"tests/unit"',
    )
    before = _untracked(repo)
    assert "?? tests/unit/test_unit.py" in before
    result = run(["check"], repo)
    assert result.returncode in (1, 2), result.describe()
    assert "?? tests/unit/test_unit.py" in _untracked(repo)


def test_the_default_cache_keeps_itself_out_of_git(repo: Path) -> None:
    make_project(repo)
    before = _untracked(repo)
    result = run(["check"], repo)
    assert result.returncode == 1, result.describe()
    assert (repo / ".mock-audit-cache" / "cache.sqlite3").is_file()
    assert _untracked(repo) == before  # the cache's own .gitignore hides only the cache


@pytest.mark.parametrize(
    ("key", "value", "name"),
    [
        ("src", '["srcc"]', "srcc"),
        ("src", '["src", "lib"]', "lib"),
        ("tests", '["nope"]', "nope"),
        ("tests", '["tests", "tests/missing_test.py"]', "tests/missing_test.py"),
    ],
)
def test_a_src_or_tests_path_that_does_not_exist_is_an_error(
    tmp_path: Path, key: str, value: str, name: str
) -> None:
    pyproject = f"[tool.mock-audit]\n{key} = {value}\n"
    if key == "tests":
        pyproject += 'src = ["src"]\n'
    root = make_project(tmp_path, {"pyproject.toml": pyproject})
    given = {"srcc": ["fix", "tests"], "nope": ["check", "tests"]}.get(name)  # paths given
    for args in (["check"], given) if given else (["check"],):
        result = run(args, root)
        assert result.returncode == 2, result.describe()
        assert f"'{key}'" in result.stderr and repr(name) in result.stderr, result.stderr
        assert str(tmp_path / name) in result.stderr  # where it looked
        assert result.stdout == ""


def test_a_pyproject_nested_too_deeply_is_a_configuration_error(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    nested = "[" * 5000 + "]" * 5000
    with (root / "pyproject.toml").open("a") as handle:
        handle.write(f"\n[tool.other]\nx = {nested}\n")
    result = run(["check", "--no-cache"], root)
    assert result.returncode == 2, result.describe()
    assert "internal error" not in result.stderr and "pyproject.toml" in result.stderr
