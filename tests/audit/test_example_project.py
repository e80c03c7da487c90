"""The bundled example (examples/assistant) tells the whole story, run as a user runs it.

A copy of the example is audited with the installed ``mock-audit`` and tested
with its own pytest: one test crashes with the real ImportError; ``check``
reports exactly the fakes designed to lack names; ``fix`` makes the suite pass;
then ``check`` is clean and a second ``fix`` changes no byte.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "assistant"
CRUD = "assistant.conversation_crud"
IMPORT_ERROR = (
    "ImportError: cannot import name 'reserve_message' from "
    "'assistant.conversation_crud' (unknown location)"
)
# (file, code, missing) as the example was designed: see examples/assistant/README.md.
# The project uses seven CRUD names; each fake below declares only some of them.
EXPECTED = {
    ("tests/test_worker.py", "MA001", ("reserve_message",)),
    (
        "tests/test_history.py",
        "MA002",
        (
            "add_message",
            "create_conversation",
            "reserve_message",
            "update_message_content",
            "update_message_metadata",
        ),
    ),
    (
        "tests/test_feedback.py",
        "MA002",
        (
            "add_message",
            "create_conversation",
            "delete_message",
            "reserve_message",
            "update_message_content",
        ),
    ),
    (
        "tests/test_export.py",
        "MA002",
        (
            "add_message",
            "create_conversation",
            "delete_message",
            "reserve_message",
            "update_message_content",
            "update_message_metadata",
        ),
    ),
    ("tests/test_export_order.py", "MA002", ("reserve_message", "update_message_content")),
    ("tests/test_titles.py", "MA002", ("reserve_message", "update_message_content")),
    (
        "tests/test_persistence.py",
        "MA002",
        ("create_conversation", "delete_message", "get_messages", "update_message_metadata"),
    ),
    (
        "tests/test_cleanup.py",
        "MA002",
        (
            "create_conversation",
            "reserve_message",
            "update_message_content",
            "update_message_metadata",
        ),
    ),
}
# Files whose fakes are not findings: complete, spec-less, suppressed, or no fake at all.
UNTOUCHED = {
    "tests/test_agent_loop.py",
    "tests/test_worker_failures.py",
    "tests/test_export_readonly.py",
    "tests/test_conversation_crud.py",
    "tests/conftest.py",
}


def mock_audit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = os.path.join(os.path.dirname(sys.executable), "mock-audit")
    assert os.path.exists(command), f"the mock-audit console script is not at {command!r}"
    return subprocess.run(
        [command, *args], cwd=cwd, capture_output=True, text=True, env=_env(), timeout=300
    )


def example_pytest(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )


def _env() -> dict[str, str]:
    # The outer pytest's settings must not leak into the example's own run.
    drop = {"PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "assistant"
    shutil.copytree(
        EXAMPLE,
        target,
        ignore=shutil.ignore_patterns("__pycache__", ".*cache*", "*.egg-info"),
    )
    return target


def hashes(root: Path) -> dict[str, str]:
    """Every project file's digest (caches and bytecode are not the project)."""
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_dir() or any(p.startswith(".") or p == "__pycache__" for p in rel.parts):
            continue
        out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def findings(result: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    report = json.loads(result.stdout)
    assert report["version"] == 1
    found: list[dict[str, object]] = report["findings"]
    return found


def test_the_example_suite_fails_today_with_the_import_error(tmp_path: Path) -> None:
    project = copy_example(tmp_path)

    result = example_pytest(project)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert IMPORT_ERROR in output
    assert "1 failed" in output, output
    assert "FAILED tests/test_worker.py::test_worker_persists_queued_messages_in_order" in output


def test_check_reports_exactly_the_fakes_designed_to_lack_names(tmp_path: Path) -> None:
    project = copy_example(tmp_path)

    result = mock_audit(project, "check", "--format", "json")

    assert result.returncode == 1, result.stderr
    found = findings(result)
    assert {(f["path"], f["code"], tuple(f["missing"])) for f in found} == EXPECTED
    assert all(f["module"] == CRUD for f in found)
    crashing = [f for f in found if f["code"] == "MA001"]
    assert len(crashing) == 1
    assert crashing[0]["path"] == "tests/test_worker.py"
    assert crashing[0]["reached"] is True
    assert crashing[0]["fixable"] is True
    assert all(f["reached"] is False for f in found if f["code"] == "MA002")
    assert not {f["path"] for f in found} & UNTOUCHED


def test_fix_makes_the_suite_pass_then_check_is_clean_and_fix_is_idempotent(
    tmp_path: Path,
) -> None:
    project = copy_example(tmp_path)
    before = hashes(project)

    fixed = mock_audit(project, "fix")

    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    after = hashes(project)
    changed = {rel for rel in before if before[rel] != after.get(rel)}
    assert changed == {path for path, _, _ in EXPECTED}
    assert set(after) == set(before), "fix must not create or delete project files"
    for path, _, missing in EXPECTED:
        text = (project / path).read_text(encoding="utf-8")
        assert all(name in text for name in missing), (path, missing)
    # Every CRUD function is `async def`, so the worker's fake gets an AsyncMock stub.
    worker_test = (project / "tests/test_worker.py").read_text(encoding="utf-8")
    assert '"reserve_message": AsyncMock()' in worker_test

    tested = example_pytest(project)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "ImportError" not in tested.stdout

    checked = mock_audit(project, "check", "--format", "json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert findings(checked) == []

    again = mock_audit(project, "fix")
    assert again.returncode == 0, again.stdout + again.stderr
    assert hashes(project) == after
