"""The installed ``mock-audit`` command, run as a user runs it, on small projects."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def command() -> str:
    here = Path(sys.executable).parent / "mock-audit"
    found = str(here) if here.exists() else shutil.which("mock-audit")
    assert found, "the mock-audit console script is not installed"
    return found


def run(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


PROJECT = {
    "pyproject.toml": "[tool.mock-audit]\n",
    "app/__init__.py": "",
    "app/crud.py": "async def add_message(): ...\nasync def reserve_message(): ...\n",
    "app/service.py": "from app.crud import add_message, reserve_message\n",
    "tests/test_x.py": """
        from unittest.mock import AsyncMock
        import app.service

        def test_it(mock_module):
            mock_module("app.crud", {"add_message": AsyncMock()})
    """,
}

CLEAN = {**PROJECT, "tests/test_x.py": "import app.service\n\ndef test_it():\n    pass\n"}


def test_clean_project_exits_0(tmp_path):
    write(tmp_path, CLEAN)
    result = run(tmp_path, "check")
    assert result.returncode == 0, result.stderr
    assert "0 finding(s) in 1 file(s) scanned, 0 site(s), 0 note(s)." in result.stdout


def test_findings_exit_1_with_the_chain_in_text(tmp_path):
    write(tmp_path, PROJECT)
    result = run(tmp_path, "check")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "tests/test_x.py:6:5: MA001 app.crud: missing reserve_message"
    assert lines[1:3] == [
        "    tests/test_x.py:3 imports app.service",
        "    app/service.py:1 imports app.crud",
    ]
    assert lines[-1].startswith("1 finding(s) (MA001 1) in 1 file(s) scanned")


def test_json_is_one_object_of_the_documented_shape(tmp_path):
    write(tmp_path, PROJECT)
    result = run(tmp_path, "check", "--format", "json")
    assert result.returncode == 1, result.stderr
    obj = json.loads(result.stdout)
    assert set(obj) == {"version", "findings", "summary"}
    assert obj["version"] == 1
    [finding] = obj["findings"]
    assert set(finding) == {
        "path",
        "line",
        "column",
        "code",
        "module",
        "missing",
        "reached",
        "fixable",
        "message",
    }
    assert finding["path"] == "tests/test_x.py"
    assert (finding["line"], finding["column"], finding["code"]) == (6, 5, "MA001")
    assert finding["missing"] == ["reserve_message"]
    assert finding["reached"] is True
    assert "'app.crud'" in finding["message"] and "reserve_message" in finding["message"]
    assert obj["summary"]["by_code"] == {"MA001": 1, "MA002": 0, "MA003": 0}
    assert obj["summary"]["files_scanned"] == 1


def test_paths_in_json_are_relative_to_the_working_directory(tmp_path):
    write(tmp_path, PROJECT)
    result = run(tmp_path / "tests", "check", "--format", "json", ".")
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["findings"][0]["path"] == "test_x.py"


def test_github_format(tmp_path):
    write(tmp_path, PROJECT)
    result = run(tmp_path, "check", "--format", "github")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(
        "::error file=tests/test_x.py,line=6,col=5,title=MA001 app.crud::The fake for module"
    )


def test_output_file(tmp_path):
    write(tmp_path, PROJECT)
    result = run(tmp_path, "check", "--format", "json", "--output-file", "out.json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert json.loads((tmp_path / "out.json").read_text())["version"] == 1


def test_require_exports_from_the_command_line(tmp_path):
    write(tmp_path, {**CLEAN, "tests/test_x.py": PROJECT["tests/test_x.py"]})
    (tmp_path / "app/service.py").write_text("")
    assert run(tmp_path, "check").returncode == 0
    result = run(tmp_path, "check", "--require", "exports", "--format", "json")
    assert result.returncode == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["missing"]) == ("MA003", ["reserve_message"])


def test_fix_then_check_is_clean_and_a_second_fix_changes_nothing(tmp_path):
    write(tmp_path, PROJECT)
    diff = run(tmp_path, "fix", "--diff")
    assert diff.returncode == 1
    assert "+++ b/" in diff.stdout and "reserve_message" in diff.stdout
    assert (tmp_path / "tests/test_x.py").read_text() == textwrap.dedent(PROJECT["tests/test_x.py"])
    fixed = run(tmp_path, "fix")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    text = (tmp_path / "tests/test_x.py").read_text()
    assert "reserve_message" in text
    assert run(tmp_path, "check").returncode == 0
    again = run(tmp_path, "fix")
    assert again.returncode == 0
    assert (tmp_path / "tests/test_x.py").read_text() == text


@pytest.mark.parametrize(
    "args",
    [["lint"], ["check", "--format", "xml"], ["check", "--jobs", "many"], []],
    ids=["command", "format", "jobs", "nothing"],
)
def test_usage_errors_exit_2(tmp_path, args):
    result = run(tmp_path, *args)
    assert result.returncode == 2
    assert "usage: mock-audit" in result.stderr


def test_config_errors_exit_2_with_the_message(tmp_path):
    write(tmp_path, {**CLEAN, "pyproject.toml": "[tool.mock-audit]\nrequire = 'all'\n"})
    result = run(tmp_path, "check")
    assert result.returncode == 2
    assert result.stderr == (
        f"mock-audit: {(tmp_path / 'pyproject.toml').resolve()}: [tool.mock-audit] key "
        "'require' must be 'used' or 'exports'; got 'all'.\n"
    )
    assert result.stdout == ""


def test_explicit_config_file_and_missing_paths(tmp_path):
    write(tmp_path, CLEAN)
    result = run(tmp_path, "check", "--config", "nope.toml")
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    result = run(tmp_path, "check", "missing_dir")
    assert result.returncode == 2
    assert result.stderr == "mock-audit: The path 'missing_dir' does not exist.\n"


def test_internal_errors_exit_2_without_a_traceback_unless_debugging(tmp_path):
    write(tmp_path, CLEAN)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import audit._engine as e\n"
        "def boom(*a, **k):\n"
        "    raise RuntimeError('engine exploded')\n"
        "e.run_check = boom\n"
        "import audit.api as api\n"
        "api.run_check = boom\n"
    )
    env = {"PYTHONPATH": str(hook)}
    result = run(tmp_path, "check", env=env)
    assert result.returncode == 2
    assert result.stderr == "mock-audit: internal error: RuntimeError('engine exploded')\n"
    debug = run(tmp_path, "check", env={**env, "MOCK_AUDIT_DEBUG": "1"})
    assert debug.returncode == 2
    assert "Traceback (most recent call last)" in debug.stderr


def test_python_dash_m_audit_is_the_same_command(tmp_path):
    write(tmp_path, CLEAN)
    result = subprocess.run(
        [sys.executable, "-m", "audit", "check"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_fix_diff_applies_with_git_and_says_what_it_would_add(tmp_path):
    write(tmp_path, PROJECT)
    before = (tmp_path / "tests/test_x.py").read_text()
    done = run(tmp_path, "fix", "--diff")
    assert done.returncode == 1
    assert done.stdout.startswith("--- a/tests/test_x.py\n+++ b/tests/test_x.py\n")
    assert done.stderr.startswith("1 name(s) would be added in 1 file(s); ")
    assert (tmp_path / "tests/test_x.py").read_text() == before  # --diff writes nothing
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply"], cwd=tmp_path, input=done.stdout, text=True, check=True)
    assert run(tmp_path, "check").returncode == 0


def test_fix_diff_goes_to_the_output_file(tmp_path):
    write(tmp_path, PROJECT)
    done = run(tmp_path, "fix", "--diff", "--output-file", "fix.patch")
    assert done.stdout == ""
    assert (tmp_path / "fix.patch").read_text().startswith("--- a/tests/test_x.py")


def test_version(tmp_path):
    from audit import __version__

    done = run(tmp_path, "--version")
    assert (done.returncode, done.stdout) == (0, f"mock-audit {__version__}\n")


def test_no_python_files_is_said_on_stderr(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.mock-audit]\n"})
    done = run(tmp_path, "check")
    assert done.returncode == 0
    assert "warning: no Python files found in" in done.stderr
    assert "tests" in done.stderr
