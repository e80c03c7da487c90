"""Issue 9.3: a file nested too deeply for the parsers is a note naming it, on one
process or many; a worker process that dies is a note for its file, not a failed run."""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import signal
from pathlib import Path

import pytest

import audit.suite
from audit.api import check
from audit.config import load_config
from audit.pool import Crashed, run_all

from . import LATENT, REACHED_LINE, finding_lines, make_project, notes, run

DEPTH = 2000
DEEP = (
    'import sys\n\nsys.modules["app.crud"] = {}\n\nimport app.service\n\n'
    f"x = {'(' * DEPTH}1{')' * DEPTH}\n"
)
MANY = {f"tests/test_many_{i:02}.py": LATENT for i in range(70)}  # above the pool's 64


def _deep_note_only(result_notes: list[str]) -> None:
    assert [n.split(":")[0] for n in result_notes] == ["tests/test_deep.py"], result_notes


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_deeply_nested_file_is_a_note_and_other_findings_stay(tmp_path: Path, jobs: str) -> None:
    root = make_project(tmp_path, {"tests/test_deep.py": DEEP})
    result = run(["check", "--no-cache", "--jobs", jobs], root)
    assert result.returncode == 1, result.describe()
    assert finding_lines(result) == [REACHED_LINE]
    _deep_note_only(notes(result))


def test_a_deeply_nested_file_among_many_on_two_processes(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"tests/test_deep.py": DEEP, **MANY})
    for attempt in ("cold", "warm"):
        result = run(["check", "--jobs", "2"], root)
        assert result.returncode == 1, (attempt, result.describe())
        assert "BrokenProcessPool" not in result.stderr
        lines = finding_lines(result)
        assert len(lines) == 71 and REACHED_LINE in lines, (attempt, result.describe())
        _deep_note_only(notes(result))


def test_fix_on_a_project_with_a_deeply_nested_file_never_crashes(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"tests/test_deep.py": DEEP, **MANY})
    deep = (root / "tests" / "test_deep.py").read_bytes()
    result = run(["fix", "--jobs", "2"], root)
    assert result.returncode in (0, 1), result.describe()
    assert "fixed tests/test_reached.py" in result.stdout
    assert (root / "tests" / "test_deep.py").read_bytes() == deep
    again = run(["check", "--jobs", "2"], root)
    assert again.returncode == 0, again.describe()  # everything else was fixed
    _deep_note_only(notes(again))


# The fixer parses only the statements that hold fakes, with libcst: a fake whose own
# statement is deeply nested (not in brackets, which ``ast`` already refuses).
@pytest.mark.parametrize(
    "nested",
    ["-" * DEPTH + "1", "1" + " + 1" * DEPTH],
    ids=["unary", "binary"],
)
def test_fix_of_a_deeply_nested_fake_statement_is_a_failure_for_that_file(
    tmp_path: Path, nested: str
) -> None:
    deep = (
        "import sys\nfrom types import SimpleNamespace\n\nx = 1\n"
        f'sys.modules["app.crud"] = SimpleNamespace(add_message=print, other={nested})\n'
        "\nimport app.service\n"
    )
    root = make_project(tmp_path, {"tests/test_deep.py": deep})
    result = run(["fix", "--no-cache"], root)
    assert result.returncode in (0, 1), result.describe()
    assert "fixed tests/test_reached.py" in result.stdout
    text = (root / "tests" / "test_deep.py").read_text()
    compile(text, "test_deep.py", "exec")


# --- a worker process that dies ----------------------------------------------------------

BAD = 37


def _dies(x: int) -> int:
    if x == BAD:
        faulthandler.disable()  # pytest's handler would print this process's stack
        os.kill(os.getpid(), signal.SIGSEGV)
    if x == BAD + 1:
        os._exit(3)
    return x * x


def test_a_worker_that_segfaults_costs_only_its_own_item() -> None:
    items = list(range(100))
    results = run_all(_dies, items, jobs=2, min_parallel=1)
    for x, value in zip(items, results, strict=True):
        if x in (BAD, BAD + 1):
            assert isinstance(value, Crashed)
        else:
            assert value == x * x
    crashed = results[BAD]
    assert isinstance(crashed, Crashed) and "SIGSEGV" in crashed.message
    exited = results[BAD + 1]
    assert isinstance(exited, Crashed) and "exit code 3" in exited.message


_REAL_ANALYSE = audit.suite._analyse_job


def _segfaults_on_boom(job: audit.suite._Job) -> object:
    if job.path.endswith("test_boom.py"):
        faulthandler.disable()
        os.kill(os.getpid(), signal.SIGSEGV)
    return _REAL_ANALYSE(job)


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork",
    reason="a patched analysis reaches the workers only when they are forked",
)
def test_a_file_that_kills_its_worker_is_a_note_not_a_failed_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path, {"tests/test_boom.py": LATENT, **MANY})
    monkeypatch.setattr(audit.suite, "_analyse_job", _segfaults_on_boom)
    report = check(None, load_config(root), jobs=2)
    assert len(report.findings) == 71  # every file but the one that killed its worker
    assert "tests/test_boom.py" not in {f.path for f in report.findings}
    assert [(n.path, "SIGSEGV" in n.message) for n in report.notes] == [
        ("tests/test_boom.py", True)
    ]
