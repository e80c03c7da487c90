"""Nothing of the project is imported or run, and no other program is started: modules,
conftests and setup.py that would leave a mark when run leave none, and neither do
``git``, ``python`` or ``hg`` placed first on PATH."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from . import CRUD, REACHED, make_project, run


def _marker(sentinels: Path, name: str) -> str:
    return f"open({str(sentinels / name)!r}, 'w').close()\n"


def test_check_and_fix_run_no_project_code_and_no_other_program(tmp_path: Path) -> None:
    sentinels = tmp_path / "sentinels"
    sentinels.mkdir()
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in ("git", "python", "python3", "hg", "uv", "pip"):
        script = tools / tool
        script.write_text(f"#!/bin/sh\ntouch {sentinels / tool}\nexit 1\n")
        script.chmod(0o755)
    root = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    make_project(
        root,
        {
            "src/app/__init__.py": _marker(sentinels, "package"),
            "src/app/crud.py": _marker(sentinels, "crud") + CRUD,
            "src/app/service.py": _marker(sentinels, "service")
            + "from app.crud import add_message, get_message, reserve_message\n",
            "tests/conftest.py": "import sys\n" + _marker(sentinels, "conftest"),
            "tests/test_reached.py": REACHED,
            "setup.py": _marker(sentinels, "setup")
            + "from setuptools import setup\nsetup(packages=['app'], package_dir={'': 'src'})\n",
            "setup.cfg": "[options]\npackage_dir =\n    = src\n",
            "sitecustomize.py": _marker(sentinels, "sitecustomize"),
            "src/usercustomize.py": _marker(sentinels, "usercustomize"),
        },
    )
    (root / ".gitignore").write_text("/build\n")
    path = os.pathsep.join([str(tools), os.environ.get("PATH", "")])
    env = {"PATH": path}
    checked = run(["check"], root, env=env)
    assert checked.returncode == 1, checked.describe()
    assert "MA001 app.crud: missing get_message, reserve_message" in checked.stdout
    for args in (["fix", "--diff"], ["fix"], ["check", "--format", "sarif"]):
        result = run(args, root, env=env)
        assert result.returncode in (0, 1), result.describe()
    assert sorted(p.name for p in sentinels.iterdir()) == []
