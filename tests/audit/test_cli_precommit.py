"""The pre-commit hooks: whole-suite checks, so a changed source module re-checks its fakes."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from .test_cli import PROJECT, run, write

HOOKS = Path(__file__).parents[2] / ".pre-commit-hooks.yaml"


def hooks() -> dict[str, dict[str, object]]:
    return {h["id"]: h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}


def test_hooks_check_the_whole_suite() -> None:
    found = hooks()
    assert sorted(found) == ["mock-audit", "mock-audit-fix"]
    for hook in found.values():
        assert hook["language"] == "python" and hook["types"] == ["python"]
        assert hook["pass_filenames"] is False


def test_source_change_alone_is_caught_by_the_hook_entry(tmp_path: Path) -> None:
    clean = {**PROJECT, "app/service.py": "from app.crud import add_message\n"}
    write(tmp_path, clean)
    entry = shlex.split(str(hooks()["mock-audit"]["entry"]))
    assert entry[0] == "mock-audit"
    assert run(tmp_path, *entry[1:]).returncode == 0
    # The commit touches only the source module; the hook still re-checks the test's fake.
    (tmp_path / "app/service.py").write_text("from app.crud import add_message, reserve_message\n")
    again = run(tmp_path, *entry[1:])
    assert again.returncode == 1
    assert "MA001 app.crud: missing reserve_message" in again.stdout
