"""Issue 9.10: a file name that is not valid UTF-8 gives valid SARIF (its URI
percent-encoded) and ``fix --diff`` headers that ``git apply`` takes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from . import REACHED, make_project, run

RAW_NAME = b"test_caf\xe9.py"  # latin-1 bytes: not valid UTF-8
SCHEMA = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"


def _git(root: Path, *args: str, input: bytes | None = None) -> bytes:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "core.quotePath=on",
         *args],
        cwd=root,
        capture_output=True,
        input=input,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "repo")
    path = Path(os.fsdecode(os.fsencode(root / "tests") + b"/" + RAW_NAME))
    try:
        path.write_bytes(REACHED.encode())
    except (OSError, UnicodeError) as exc:
        pytest.skip(f"the file system refuses a name that is not UTF-8: {exc}")
    if os.fsencode(path.name) not in [os.fsencode(p) for p in os.listdir(root / "tests")]:
        pytest.skip("the file system changed the name")
    return root


def test_sarif_for_a_name_that_is_not_utf8_is_valid_with_a_percent_encoded_uri(
    project: Path,
) -> None:
    result = run(["check", "--format", "sarif", "--no-cache"], project)
    assert result.returncode == 1, result.describe()
    log = json.loads(result.stdout)
    uris = sorted(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    )
    assert uris == ["tests/test_caf%E9.py", "tests/test_reached.py"]
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)


def test_fix_diff_headers_for_a_name_that_is_not_utf8_git_apply(project: Path) -> None:
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "start")
    result = run(["fix", "--diff", "--no-cache"], project)
    assert result.returncode in (0, 1), result.describe()
    diff = result.stdout.encode()
    assert b'--- "a/tests/test_caf\\351.py"\n+++ "b/tests/test_caf\\351.py"\n' in diff
    _git(project, "apply", "--check", input=diff)
    _git(project, "apply", input=diff)
    # git names the file the same way in its own diff of what was applied
    own = _git(project, "diff", "--", "tests")
    assert b'--- "a/tests/test_caf\\351.py"\n+++ "b/tests/test_caf\\351.py"\n' in own
    after = run(["check", "--no-cache"], project)
    assert after.returncode == 0, after.describe()  # the diff fixed both files
