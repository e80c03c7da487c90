"""``mock-audit fix`` makes the oracle's crashes go away.

For every case that expects a crash (MA001, and MA004's "not a package"), the project
is written out and fixed with the installed command; then (a) the check claims no
crash for the expected module any more, (b) pytest, running each test file
alone, no longer fails with an ImportError from that module's fake, (c) a second fix
changes no byte, (d) every file the fix wrote compiles, (e) no traceback passes
through a line the fix wrote, and (f) a case marked ``# after fix: passes`` then passes.
A case whose crashing fake ``fix`` cannot edit (``"fixable": false``: an empty
``__path__``, a spec list) must be left byte for byte, with its crash still reported.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from audit.api import run_check
from audit.apply import fix
from audit.config import load_config

from .bundle import Case, crashes_in, read, run_alone

CASES = sorted((Path(__file__).parent / "cases").glob("*.case"))
CRASH_CODES = ("MA001", "MA004")
COMMAND = Path(sys.executable).with_name("mock-audit")

# Cases where fix leaves the crash, by case name: they fail until the bug is fixed.
KNOWN_BUGS: dict[str, str] = {}  # case -> the bug it shows (xfail, strict)


@cache
def fixable(path: Path) -> bool:
    """Whether ``fix`` can edit every fake the case's crash findings are about (the
    in-process check on a scratch copy; cheap enough for collection)."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        read(path).write(root)
        report = run_check(None, load_config(root)).report
    return all(f.fixable for f in report.findings if f.code in CRASH_CODES)


def crash_cases() -> list[Path]:
    return [p for p in CASES if any(e.code in CRASH_CODES for e in read(p).expect)]


def params() -> list[Any]:
    """The fixable crash cases as parameters; known bugs are strict xfails."""
    out = []
    for path in crash_cases():
        if not fixable(path):
            continue  # test_an_unfixable_crash_is_left_and_still_reported
        if path.stem in KNOWN_BUGS:
            bug = pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[path.stem])
            out.append(pytest.param(path, id=path.stem, marks=bug))
        else:
            out.append(pytest.param(path, id=path.stem))
    return out


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not {"__pycache__", ".mock-audit-cache", ".pytest_cache"} & set(p.parts)
    }


def crashing_modules(case: Case) -> set[str]:
    """The modules whose fakes the case expects to crash a test file."""
    return {e.module for e in case.expect if e.code in CRASH_CODES}


def from_fakes_of(seen: set[tuple[str, str]], modules: set[str]) -> set[tuple[str, str]]:
    """The crashes in ``seen`` that come from a fake of one of ``modules``."""

    def module_of(kind: str, what: str) -> str:
        if kind == "missing":  # "No module named 'app.models'": an empty __path__ of app
            return what.rpartition(".")[0]
        return what.split(":")[0]  # "name" and "package": "module:what"

    return {(kind, what) for kind, what in seen if module_of(kind, what) in modules}


def test_there_are_cases_to_fix() -> None:
    runnable = [p for p in crash_cases() if fixable(p) and p.stem not in KNOWN_BUGS]
    assert len(runnable) >= 20
    assert set(KNOWN_BUGS) <= {p.stem for p in crash_cases()}


@pytest.mark.parametrize("path", [p for p in crash_cases() if not fixable(p)], ids=lambda p: p.stem)
def test_an_unfixable_crash_is_left_and_still_reported(path: Path, tmp_path: Path) -> None:
    read(path).write(tmp_path)
    before = snapshot(tmp_path)
    done = subprocess.run(
        [str(COMMAND), "fix", "--format", "json", "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # findings remain
    assert snapshot(tmp_path) == before
    left = json.loads(done.stdout)["findings"]
    assert any(f["code"] in CRASH_CODES and not f["fixable"] for f in left), left


@pytest.mark.parametrize("path", params())
def test_fix_removes_the_crash(path: Path, tmp_path: Path) -> None:
    case = read(path)
    case.write(tmp_path)
    modules = crashing_modules(case)
    before = snapshot(tmp_path)

    done = subprocess.run(
        [str(COMMAND), "fix", "--format", "json", "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    errors = {f["path"]: f["error"] for f in json.loads(done.stdout)["files"] if f["error"]}
    assert not errors, f"fix left files untouched: {errors}"
    fixed = snapshot(tmp_path)
    written = sorted(p for p in fixed if before.get(p) != fixed[p])
    assert written, "fix wrote nothing"

    # (d) every written file compiles (from bytes: its coding cookie counts)
    for rel in written:
        compile(fixed[rel], rel, "exec", dont_inherit=True)

    # (c) a second fix changes nothing
    again = fix(config=load_config(tmp_path))
    assert not [f.path for f in again.files if f.written]
    assert snapshot(tmp_path) == fixed

    # (a) the check (in-process: the command's analysis, without its start-up) claims
    # no crash of those fakes any more
    report = run_check(None, load_config(tmp_path)).report
    left = [
        (f.code, f.module, f.missing)
        for f in report.findings
        if f.code in CRASH_CODES and f.module in modules
    ]
    assert not left, f"still reported after fix: {left}"

    # (b) pytest, each test file alone, no longer crashes on those fakes, and (e) no
    # traceback passes through a line the fix wrote (a stub that raises)
    added = {(rel, line) for rel in written for line in added_lines(before.get(rel), fixed[rel])}
    for test_file in case.test_files():
        out = run_alone(tmp_path, test_file)
        still = from_fakes_of(crashes_in(out), modules)
        assert not still, f"{test_file} still crashes after fix: {sorted(still)}"
        raised = {(m[1], int(m[2])) for m in _TRACE.finditer(out)} & added
        assert not raised, f"{test_file} fails in lines the fix wrote {sorted(raised)}:\n{out}"
        if case.passes_after_fix:  # (f) the case says its tests pass once fixed
            assert " passed" in out and " failed" not in out and " error" not in out, out


# a traceback entry of pytest's --tb=short: "tests/test_x.py:10: in test_it"
_TRACE = re.compile(r"^(\S+\.py):(\d+): ", re.MULTILINE)


def added_lines(old: bytes | None, new: bytes) -> set[int]:
    """The lines (1-based, of ``new``) that the fix wrote or changed."""
    a = (old or b"").decode("utf-8", "replace").splitlines()
    b = new.decode("utf-8", "replace").splitlines()
    out: set[int] = set()
    for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            out.update(range(j1 + 1, j2 + 1))
    return out
