"""The replay's crashes kept under what it read (``audit/memo.py``): an edit that changes
no import of any module the replay ran keeps them; any other change replays, and the
report is always the one a run without the cache gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audit import memo, suite, windows
from audit.api import run_check
from audit.cache import Cache
from audit.config import load_config
from audit.model import Report
from audit.project.index import Project

from .clitools import project, write
from .oracle.bundle import read as read_case

CASES = sorted((Path(__file__).parent / "oracle" / "cases").glob("*.case"))


@pytest.fixture
def replays(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The test files replayed in this test (the real replay runs; its calls are noted)."""
    seen: list[str] = []
    real = windows.Replay.run

    def run(self: windows.Replay, test_file: str) -> None:
        seen.append(test_file)
        real(self, test_file)

    monkeypatch.setattr(windows.Replay, "run", run)
    return seen


def cached(root: Path) -> Report:
    return run_check(None, load_config(root), cache=True, reuse=True).report


def uncached(root: Path) -> Report:
    return run_check(None, load_config(root), cache=False).report


def facts(report: Report) -> list[tuple[object, ...]]:
    return [(f.path, f.line, f.code, f.missing, f.chain, f.crashes) for f in report.findings]


def test_a_body_edit_of_an_imported_module_replays_nothing(
    tmp_path: Path, replays: list[str]
) -> None:
    root = project(tmp_path)
    first = cached(root)
    assert [f.code for f in first.findings] == ["MA001", "MA002"]
    assert replays
    replays.clear()
    write(root, {"src/app/service.py": "from app.crud import save\n\n\ndef run():\n    return 1\n"})
    after = cached(root)
    assert replays == []  # the stored crashes were taken
    assert facts(after) == facts(uncached(root)) == facts(first)


def test_an_edit_that_adds_an_import_replays(tmp_path: Path, replays: list[str]) -> None:
    root = project(tmp_path, {"src/app/extra.py": "from app.crud import undo\n"})
    cached(root)
    replays.clear()
    # service now imports a module that asks the fake for a name it lacks
    write(root, {"src/app/service.py": "from app.crud import save\nimport app.extra\n"})
    after = cached(root)
    assert replays  # replayed: the imports of a module it ran changed
    assert facts(after) == facts(uncached(root))
    crash = next(f for f in after.findings if f.code == "MA001")
    assert [s.module for s in crash.chain][-1] == "app.crud"


def test_a_new_module_where_an_import_looks_replays(tmp_path: Path, replays: list[str]) -> None:
    root = project(tmp_path, {"src/app/service.py": "from app.crud import save\nimport app.x\n"})
    first = cached(root)
    replays.clear()
    write(root, {"src/app/x.py": "from app.crud import load, undo\n"})  # the tree's layout
    after = cached(root)
    assert replays
    assert facts(after) == facts(uncached(root)) != facts(first)


def test_a_moved_clone_with_an_edit_keeps_what_it_can_at_its_new_path(
    tmp_path: Path, replays: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache restored into a clone elsewhere: the answer misses (a file changed), but
    the test files' programs (moved to the new root) and the replay are kept."""
    root = project(tmp_path / "here")
    first = cached(root)
    moved = tmp_path / "elsewhere"
    shutil.copytree(root, moved)
    write(moved, {"src/app/service.py": "from app.crud import save\n\n\ndef run():\n    pass\n"})
    analysed: list[str] = []
    real = suite._analyse_job
    monkeypatch.setattr(suite, "_analyse_job", lambda job: analysed.append(job.path) or real(job))
    replays.clear()
    after = cached(moved)
    assert analysed == [] and replays == []
    assert facts(after) == facts(uncached(moved)) == facts(first)
    assert str(root) not in repr(after)


@pytest.mark.parametrize(
    "stored",
    [None, [], {"read": [["x"]], "crashes": []}, {"read": [], "aliases": [], "crashes": "?"}],
)
def test_a_kept_replay_of_another_shape_is_not_used(tmp_path: Path, stored: object) -> None:
    root = project(tmp_path)
    config = load_config(root)
    project_ = Project(config, Cache.open(None, "salt", warn=print))
    assert memo.restore(stored, project_, config) is None
    assert project_.unparsable == {}


@pytest.mark.parametrize("edit", ["body", "import"])
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_oracle_cases_give_the_uncached_report_after_an_edit(
    path: Path, edit: str, tmp_path: Path
) -> None:
    """Every oracle case, checked with the cache, then every module that is not a test
    module edited (a function appended, or an import added at the top) and checked
    again: the report is the one a run without the cache gives."""
    case = read_case(path)
    case.write(tmp_path)
    cached(tmp_path)
    for rel in case.files:
        name = Path(rel).name
        if not rel.endswith(".py") or name.startswith("test_") or name == "conftest.py":
            continue
        file = tmp_path / rel
        text = file.read_text(encoding="utf-8")
        if edit == "body":
            file.write_text(text + "\n\ndef _edited():\n    return 1\n", encoding="utf-8")
        elif not text.startswith(("from __future__", '"""', "#")):
            file.write_text("import os\n" + text, encoding="utf-8")
    assert facts(cached(tmp_path)) == facts(uncached(tmp_path))
