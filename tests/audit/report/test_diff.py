"""``unified_diff``: output that ``git apply`` accepts, headers quoted as git quotes them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from audit.report import unified_diff
from audit.report.diff import git_quote

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

OLD = "import sys\n\nFAKE = {\n    'a': 1,\n}\n\n\ndef test():\n    pass\n"
NEW = "import sys\n\nFAKE = {\n    'a': 1,\n    'b': 2,\n}\n\n\ndef test():\n    pass\n"


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-c", "core.quotePath=true", *args], cwd=cwd, capture_output=True, check=False
    )


def make_file(root: Path, rel: str, data: bytes) -> Path | None:
    """Write ``root/rel`` by its raw bytes; None when the file system refuses the name."""
    target = os.fsencode(root / rel)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except OSError:
        return None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return root / rel


def apply_in_repo(tmp_path: Path, rel: str, old: str, new: str) -> bytes:
    """Apply ``unified_diff(rel, old, new)`` with ``git apply`` to a repository holding
    ``old``; return the file's bytes afterwards, after checking git's own headers."""
    assert git(tmp_path, "init", "-q").returncode == 0
    if make_file(tmp_path, rel, old.encode("utf-8")) is None:
        pytest.skip("the file system refuses a non-UTF-8 file name")
    patch = unified_diff(rel, old, new)
    # git itself writes the same headers for this change.
    assert git(tmp_path, "add", ".").returncode == 0
    make_file(tmp_path, rel, new.encode("utf-8"))
    theirs = git(tmp_path, "diff").stdout.decode("ascii", "replace").splitlines()
    ours = patch.splitlines()
    assert [line for line in theirs if line.startswith(("--- ", "+++ "))] == ours[:2]
    make_file(tmp_path, rel, old.encode("utf-8"))
    (tmp_path / "change.patch").write_bytes(patch.encode("utf-8"))
    done = git(tmp_path, "apply", "--check", "change.patch")
    assert done.returncode == 0, done.stderr.decode()
    assert git(tmp_path, "apply", "change.patch").returncode == 0
    written = make_target(tmp_path, rel)
    return written.read_bytes()


def make_target(root: Path, rel: str) -> Path:
    return Path(os.fsdecode(os.path.join(os.fsencode(root), os.fsencode(rel))))


@pytest.mark.parametrize(
    "rel",
    ["tests/test_x.py", "tests/tëst_ü.py", "tests/caf\udce9.py", "tests/with space.py"],
    ids=["ascii", "utf8", "non-utf8", "space"],
)
def test_git_applies_it(tmp_path: Path, rel: str) -> None:
    assert apply_in_repo(tmp_path, rel, OLD, NEW) == NEW.encode("utf-8")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a\nb", "a\nb\nc"),
        ("a\nb\n", "a\nb"),
        ("a\r\nb\r\n", "a\r\nx\r\nb\r\n"),
        ("a\rb\r", "a\rx\rb\r"),
        ("", "a\n"),
        ("x\x0cy\n", "x\x0cy\nz\n"),
    ],
    ids=["no-final-newline", "drop-final-newline", "crlf", "cr-only", "from-empty", "form-feed"],
)
def test_git_applies_odd_line_ends(tmp_path: Path, old: str, new: str) -> None:
    assert apply_in_repo(tmp_path, "t.py", old, new) == new.encode("utf-8")


def test_shape() -> None:
    assert unified_diff("tests/test_x.py", "a\nb\n", "a\nc\n") == (
        "--- a/tests/test_x.py\n+++ b/tests/test_x.py\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
    )
    assert unified_diff("t.py", "a\n", "a\n") == ""


def test_missing_final_newline_is_marked() -> None:
    assert unified_diff("t.py", "a", "b").endswith(
        "-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
    )


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ("a/t.py", "a/t.py"),
        ("a/caf\udce9.py", '"a/caf\\351.py"'),
        ("a/të.py", '"a/t\\303\\253.py"'),
        ('a/q"b\\c.py', '"a/q\\"b\\\\c.py"'),
        ("a/t\tn\n.py", '"a/t\\tn\\n.py"'),
        ("a/x y.py", "a/x y.py"),
    ],
    ids=["plain", "non-utf8", "utf8", "quote-backslash", "controls", "space"],
)
def test_git_quote(name: str, quoted: str) -> None:
    assert git_quote(name) == quoted
