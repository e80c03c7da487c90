"""The persistent cache: warm runs parse nothing, changes are seen, bad caches are survived."""

from __future__ import annotations

import dataclasses
import os
import textwrap
from pathlib import Path

import pytest

from audit import _cache, _engine, _summary
from audit._cache import CACHE_FILE, FileCache, open_cache
from audit._config import load_config
from audit._engine import default_backend, run_check
from audit._types import Config, ParseFailure, Site

FILES = {
    "pyproject.toml": "[tool.mock-audit]\nsrc = ['.']\n",
    "app/__init__.py": "",
    "app/crud.py": "async def add_message(): ...\nasync def reserve_message(): ...\n",
    "app/service.py": "from app.crud import add_message, reserve_message\n",
    "tests/test_x.py": """
        from unittest.mock import AsyncMock
        import app.service

        def test_it(mock_module):
            mock_module("app.crud", {"add_message": AsyncMock()})
    """,
    "tests/test_plain.py": "import sys\n\ndef test_modules():\n    assert sys.modules\n",
}
PREFILTERED = ["test_plain.py", "test_x.py"]


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def age(root: Path) -> None:
    """Date every file back a minute: the cache does not trust a stat younger than 2 s."""
    old = 1_700_000_000_000_000_000
    for path in root.rglob("*.py"):
        os.utime(path, ns=(old, old))


@pytest.fixture()
def project(tmp_path: Path) -> Config:
    write(tmp_path, FILES)
    age(tmp_path)
    return load_config(tmp_path)


class Counting:
    """Counts every site search and every ast summary a run makes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sites: list[str] = []
        self.summaries: list[str] = []
        real_find = _engine._find_sites
        real_summarize = _summary.summarize

        def find(source: str, path: str) -> list[Site] | ParseFailure:
            self.sites.append(Path(path).name)
            return real_find(source, path)

        def summarize(data: bytes | str, path: str, module: str, *, is_package: bool):  # type: ignore[no-untyped-def]
            self.summaries.append(Path(path).name)
            return real_summarize(data, path, module, is_package=is_package)

        monkeypatch.setattr(_engine, "_find_sites", find)
        monkeypatch.setattr(_summary, "summarize", summarize)
        self.backend = default_backend()


def check(config: Config, counting: Counting, *, reuse: bool = False, enabled: bool = True):
    cache = open_cache(config, enabled=enabled)
    return run_check(list(config.tests), config, counting.backend, cache=cache, reuse=reuse)


def missing(run: _engine.CheckRun) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.code, f.missing) for f in run.report.findings]


def test_cache_dir_defaults_under_the_config_root(project: Config) -> None:
    assert project.cache_dir == project.root / ".mock-audit-cache"


def test_warm_run_parses_no_file(project: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    counting = Counting(monkeypatch)
    cold = check(project, counting)
    # test_plain.py passes the byte prefilter ("sys", "modules"), so it is searched too.
    assert sorted(counting.sites) == PREFILTERED
    assert "service.py" in counting.summaries
    assert (project.cache_dir / CACHE_FILE).is_file()
    counting.sites.clear()
    counting.summaries.clear()
    warm = check(project, counting)
    assert counting.sites == [] and counting.summaries == []
    assert warm.report == cold.report
    assert missing(warm) == [("MA001", ("reserve_message",))]


def test_warm_run_reads_no_test_file(project: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    counting = Counting(monkeypatch)
    check(project, counting)
    read: list[str] = []
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    check(project, counting)
    assert read == []


def test_remembered_run_is_the_same_report(
    project: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = Counting(monkeypatch)
    cold = check(project, counting, reuse=True)
    monkeypatch.setattr(FileCache, "entry", lambda *a, **k: pytest.fail("per-file work"))
    warm = check(project, counting, reuse=True)
    assert warm.report == cold.report


def test_a_virtualenv_under_a_root_is_not_part_of_the_run_key(
    project: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    venv = project.root / "venv"
    write(venv, {"pyvenv.cfg": "home = /usr/bin\n", "lib/site-packages/big.py": "x = 1\n"})
    age(project.root)
    counting = Counting(monkeypatch)
    cold = check(project, counting, reuse=True)
    (venv / "lib/site-packages/big.py").write_text("x = 2\n", encoding="utf-8")
    age(project.root)
    monkeypatch.setattr(FileCache, "entry", lambda *a, **k: pytest.fail("per-file work"))
    assert check(project, counting, reuse=True).report == cold.report


def test_changed_source_module_changes_the_result(
    project: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = Counting(monkeypatch)
    assert missing(check(project, counting, reuse=True)) == [("MA001", ("reserve_message",))]
    (project.root / "app/service.py").write_text(
        "from app.crud import add_message, reserve_message, get_message\n", encoding="utf-8"
    )
    counting.sites.clear()
    counting.summaries.clear()
    again = check(project, counting, reuse=True)
    assert missing(again) == [("MA001", ("get_message", "reserve_message"))]
    assert counting.sites == []  # the test file itself did not change
    assert counting.summaries == ["service.py"]


def test_touched_but_unchanged_file_keeps_its_products(
    project: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = Counting(monkeypatch)
    check(project, counting)
    os.utime(project.root / "tests/test_x.py", ns=(1_800_000_000_000_000_000,) * 2)
    counting.sites.clear()
    check(project, counting)
    assert counting.sites == []  # same digest


def test_changed_test_file_is_parsed_again(
    project: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = Counting(monkeypatch)
    check(project, counting)
    path = project.root / "tests/test_x.py"
    path.write_text(
        path.read_text().replace(
            '"add_message": AsyncMock()', '"add_message": 1, "reserve_message": 2'
        )
    )
    counting.sites.clear()
    assert missing(check(project, counting, reuse=True)) == []
    assert counting.sites == ["test_x.py"]


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05garbage"], ids=repr)
def test_corrupt_cache_is_survived(
    project: Config, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    counting = Counting(monkeypatch)
    cold = check(project, counting, reuse=True)
    for name in (CACHE_FILE, _cache.RUNS_FILE):
        (project.cache_dir / name).write_bytes(content)
    counting.sites.clear()
    again = check(project, counting, reuse=True)
    assert again.report == cold.report
    assert sorted(counting.sites) == PREFILTERED  # rebuilt
    counting.sites.clear()
    check(project, counting, reuse=True)
    assert counting.sites == []  # and written back


@pytest.mark.parametrize("change", ["version", "config", "tool source"])
def test_version_config_or_tool_change_invalidates(
    project: Config, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    counting = Counting(monkeypatch)
    check(project, counting)
    config = project
    if change == "version":
        monkeypatch.setattr(_cache, "__version__", "999")
    elif change == "config":
        config = dataclasses.replace(project, ignore=frozenset({("app.crud", "x")}))
    else:
        real_stat = os.stat

        def stat(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            st = real_stat(path, *args, **kwargs)
            if str(path).endswith("_sites.py"):
                return os.stat_result((*st[:8], st[8] + 1, st[9]))
            return st

        monkeypatch.setattr(_cache.os, "stat", stat)
    counting.sites.clear()
    check(config, counting)
    assert sorted(counting.sites) == PREFILTERED


def test_no_cache_writes_nothing(project: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    counting = Counting(monkeypatch)
    check(project, counting, enabled=False)
    assert not project.cache_dir.exists()


def test_unwritable_cache_dir_runs_without_cache(
    project: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = project.root / "blocker"
    blocker.write_text("a file, so no directory can be made under it")
    config = dataclasses.replace(project, cache_dir=blocker / "cache")
    notes: list[str] = []
    cache = open_cache(config, warn=notes.append)
    run = run_check(list(config.tests), config, default_backend(), cache=cache, reuse=True)
    assert [(f.code, f.missing) for f in run.report.findings] == [("MA001", ("reserve_message",))]
    assert len(notes) == 1
    assert "cannot be written" in notes[0] and "blocker" in notes[0]


def test_entries_of_deleted_files_are_dropped(
    project: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = Counting(monkeypatch)
    check(project, counting)
    (project.root / "tests/test_plain.py").unlink()
    # Pruning happens when the cache is written anyway (some file changed).
    (project.root / "app/service.py").write_text("from app.crud import add_message\n")
    check(project, counting)
    names = {Path(n).name for n in FileCache(project.cache_dir, _cache.salt(project))._entries()}
    assert "test_x.py" in names and "test_plain.py" not in names
