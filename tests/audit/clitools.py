"""Small projects on disk and the installed ``mock-audit`` command, run as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MOCK_AUDIT = BIN / "mock-audit"
EXAMPLE = REPO / "examples" / "assistant"

# Every project holds a [tool.mock-audit] table, so that config discovery stops at the
# project even if some folder above the temporary directory holds one too.
PYPROJECT = """\
[tool.pytest.ini_options]
pythonpath = ["src"]

[tool.mock-audit]
"""

CRASH = """\
import sys
from types import SimpleNamespace

sys.modules["app.crud"] = SimpleNamespace(load=print)
import app.service  # noqa: E402


def test_crash():
    pass
"""

LATENT = """\
import sys
from types import SimpleNamespace


def test_latent():
    sys.modules["app.crud"] = SimpleNamespace(load=print)
"""

#: A project with one MA001 (tests/test_crash.py:4) and one MA002 (tests/test_latent.py:6).
PROJECT: Mapping[str, str] = {
    "pyproject.toml": PYPROJECT,
    "src/app/__init__.py": "",
    "src/app/crud.py": "def load(): ...\n\n\ndef save(): ...\n",
    "src/app/service.py": "from app.crud import save\n",
    "tests/test_crash.py": CRASH,
    "tests/test_latent.py": LATENT,
}


def write(root: Path, files: Mapping[str, str | None]) -> Path:
    """Write ``files`` (relative path -> text; None removes the file) under ``root``."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def project(root: Path, changes: Mapping[str, str | None] | None = None) -> Path:
    """:data:`PROJECT` under ``root``, with ``changes`` (path -> text, None: no such file)."""
    return write(root, {**PROJECT, **(changes or {})})


def env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell, without what would change the output."""
    out = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MOCK_AUDIT_DEBUG", "NO_COLOR", "FORCE_COLOR", "PYTHONPATH")
        and not k.startswith("PYTEST_")
    }
    out["PATH"] = str(BIN) + os.pathsep + out.get("PATH", "")
    return {**out, **extra}


def mock_audit(
    cwd: Path, *args: str, extra_env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``mock-audit`` in ``cwd``."""
    return subprocess.run(
        [str(MOCK_AUDIT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env(**(extra_env or {})),
        timeout=120,
    )


def check_json(cwd: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """``mock-audit check --format json ...``: exit code, the document, stderr."""
    result = mock_audit(cwd, "check", "--no-cache", "--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def codes(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(path, code) of every finding of a JSON report."""
    return [(f["path"], f["code"]) for f in document["findings"]]


def copy_example(dest: Path) -> Path:
    target = dest / "assistant"
    shutil.copytree(
        EXAMPLE, target, ignore=shutil.ignore_patterns(".mock-audit-cache", "__pycache__")
    )
    return target


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
