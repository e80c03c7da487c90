"""The fix as libcst's codemod command, and ``python -m audit``, both run as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .clitools import PROJECT, env, mock_audit, project

YAML = "modules:\n  - audit\n"


def python(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=env(), timeout=300
    )


@pytest.fixture
def codemod_project(tmp_path: Path) -> Path:
    root = project(tmp_path)
    (root / ".libcst.codemod.yaml").write_text(YAML, encoding="utf-8")
    return root


def test_libcst_tool_lists_the_command(codemod_project: Path) -> None:
    # libcst imports every module of ``audit``, ``__main__`` included: its guard keeps the
    # listing from running mock-audit.
    result = python(codemod_project, "-m", "libcst.tool", "list")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "codemod.AddMissingNames - " in result.stdout
    assert "usage: mock-audit" not in result.stdout + result.stderr


def test_libcst_tool_codemod_fixes_like_mock_audit_fix(
    codemod_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = python(
        codemod_project,
        "-m",
        "libcst.tool",
        "codemod",
        "--no-format",
        "codemod.AddMissingNames",
        "tests/",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Transformed 2 files successfully." in result.stderr
    assert "Failed to codemod 0 files." in result.stderr
    assert mock_audit(codemod_project, "check", "--no-cache").returncode == 0
    via_cli = project(tmp_path_factory.mktemp("cli"))
    assert mock_audit(via_cli, "fix", "--no-cache").returncode == 0
    for name in PROJECT:
        if name.startswith("tests/"):
            assert (codemod_project / name).read_text() == (via_cli / name).read_text(), name


def test_python_dash_m_audit_is_the_command(tmp_path: Path) -> None:
    root = project(tmp_path)
    module = python(root, "-m", "audit", "check", "--no-cache", "--format", "json")
    command = mock_audit(root, "check", "--no-cache", "--format", "json")
    assert module.returncode == command.returncode == 1
    assert module.stdout == command.stdout
