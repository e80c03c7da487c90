"""Hostile inputs for the installed ``mock-audit``: planted caches, unreadable folders,
deeply nested and undecodable files, bad settings, odd newlines and file names.

Every test runs the installed command (``Path(sys.executable).with_name("mock-audit")``)
in a subprocess, on a small project made in a temporary folder; this module holds the
project and the runner they share.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MOCK_AUDIT = Path(sys.executable).with_name("mock-audit")

PYPROJECT = """\
[project]
name = "app"
version = "0"

[tool.mock-audit]
src = ["src"]
"""
CRUD = """\
def add_message(conversation_id, role, content):
    pass


async def reserve_message(conversation_id, role):
    pass


def get_message(message_id):
    pass
"""
SERVICE = "from app.crud import add_message, get_message, reserve_message\n"
#: A test file whose fake crashes it (MA001): the finding every hostile project keeps.
REACHED = """\
import sys
from unittest.mock import MagicMock

sys.modules["app.crud"] = MagicMock(spec=["add_message"])

import app.service


def test_it():
    pass
"""
REACHED_LINE = "tests/test_reached.py:4:1: MA001 app.crud: missing get_message, reserve_message"
#: The same fake, latent (MA002): nothing in its window imports app.service.
LATENT = """\
import sys
from types import SimpleNamespace

sys.modules["app.crud"] = SimpleNamespace(add_message=print)
"""

BASE: Mapping[str, str | bytes] = {
    "pyproject.toml": PYPROJECT,
    "src/app/__init__.py": "",
    "src/app/crud.py": CRUD,
    "src/app/service.py": SERVICE,
    "tests/test_reached.py": REACHED,
}


def make_project(root: Path, files: Mapping[str, str | bytes] = {}, **extra: str) -> Path:
    """Write ``BASE`` updated with ``files`` under ``root``; ``extra`` lines go at the end
    of ``[tool.mock-audit]`` (``cache_dir='"x"'`` gives ``cache-dir = "x"``)."""
    wanted = {**BASE, **files}
    for key, value in extra.items():
        wanted["pyproject.toml"] = f"{wanted['pyproject.toml']}{key.replace('_', '-')} = {value}\n"
    for relative, content in wanted.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


@dataclass(frozen=True)
class Result:
    """One run of the command; ``stdout`` and ``stderr`` must be valid UTF-8."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def describe(self) -> str:
        return f"{' '.join(self.args)} -> {self.returncode}\n{self.stdout}\n{self.stderr}"


def run(
    args: Sequence[str],
    cwd: Path,
    *,
    prefix: Sequence[str] = (),
    timeout: float = 300,
    env: Mapping[str, str] = {},
) -> Result:
    """Run ``mock-audit *args`` in ``cwd`` (``prefix`` runs it as another user; ``env``
    adds variables)."""
    env = {**{k: v for k, v in os.environ.items() if k != "MOCK_AUDIT_DEBUG"}, **env}
    env["NO_COLOR"] = "1"
    done = subprocess.run(
        [*prefix, str(MOCK_AUDIT), *args],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    return Result(
        tuple(args),
        done.returncode,
        done.stdout.decode("utf-8"),  # strict: the tool never prints bytes that are not UTF-8
        done.stderr.decode("utf-8"),
    )


def start(args: Sequence[str], cwd: Path) -> subprocess.Popen[bytes]:
    """Start ``mock-audit *args`` without waiting (for concurrent runs)."""
    env = {k: v for k, v in os.environ.items() if k != "MOCK_AUDIT_DEBUG"}
    env["NO_COLOR"] = "1"
    return subprocess.Popen(
        [str(MOCK_AUDIT), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def notes(result: Result) -> list[str]:
    """The text report's note lines."""
    return [line for line in result.stdout.splitlines() if ": note: " in line]


def finding_lines(result: Result) -> list[str]:
    """The text report's finding lines (``path:line:col: CODE ...``), chains left out."""
    return [
        line for line in result.stdout.splitlines() if not line.startswith(" ") and ": MA00" in line
    ]


# --- running as a user whom chmod restricts ---------------------------------------------

_UNPRIVILEGED: list[tuple[str, ...] | None] = []


def unprivileged() -> tuple[str, ...] | None:
    """A command prefix under which ``chmod 000`` denies access: none when this process
    is not root; as root, ``setpriv`` (or ``runuser``) to ``nobody``; None when root has
    no way to drop its privileges here."""
    if _UNPRIVILEGED:
        return _UNPRIVILEGED[0]
    found: tuple[str, ...] | None = ()
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        found = None
        group = "nogroup" if shutil.which("getent") is None or _has_group("nogroup") else "nobody"
        for candidate in (
            ("setpriv", "--reuid=nobody", f"--regid={group}", "--clear-groups"),
            ("runuser", "-u", "nobody", "--"),
        ):
            if shutil.which(candidate[0]) is None:
                continue
            probe = subprocess.run(
                [*candidate, sys.executable, "-c", "import os, audit.cli; print(os.geteuid())"],
                capture_output=True,
                text=True,
                cwd="/",
                check=False,
            )
            if probe.returncode == 0 and probe.stdout.strip() not in ("", "0"):
                found = candidate
                break
    _UNPRIVILEGED.append(found)
    return found


def _has_group(name: str) -> bool:
    done = subprocess.run(["getent", "group", name], capture_output=True, check=False)
    return done.returncode == 0


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A fresh folder that the unprivileged user owns (pytest's tmp_path is root's and
    closed to others), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="mock-audit-hostile-"))
    folder.chmod(0o755)  # mkdtemp's 0700 would shut the other user out
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def give_away(folder: Path) -> None:
    """Hand ``folder`` and all in it to ``nobody`` (when running as root)."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return
    import pwd

    user = pwd.getpwnam("nobody")
    for path in (folder, *folder.rglob("*")):
        os.lchown(path, user.pw_uid, user.pw_gid)
