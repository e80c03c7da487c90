"""Issue 9.1: a cache directory that came with a clone runs no code, and a cache that is
not ours (garbage, another version, another schema, a link) is ignored and rebuilt."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from . import LATENT, REACHED_LINE, Result, finding_lines, make_project, run, start

CACHE = ".mock-audit-cache"


class Planted:
    """Unpickling this runs ``open(sentinel, "w")``: the proof that a load ran code."""

    def __init__(self, sentinel: Path) -> None:
        self.sentinel = str(sentinel)

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.sentinel, "w"))


def _project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "clone", {"tests/test_latent.py": LATENT})


def _expected(result: Result) -> None:
    assert result.returncode == 1, result.describe()
    assert finding_lines(result) == [
        "tests/test_latent.py:4:1: MA002 app.crud: missing get_message, reserve_message",
        REACHED_LINE,
    ], result.describe()


def test_a_committed_cache_of_pickles_and_garbage_runs_no_code(tmp_path: Path) -> None:
    root = _project(tmp_path)
    sentinel = tmp_path / "pwned"
    cache = root / CACHE
    cache.mkdir()
    for name in ("files.pickle", "runs.pickle"):  # the old cache's file names
        (cache / name).write_bytes(pickle.dumps(Planted(sentinel)))
    (cache / "cache.sqlite3").write_bytes(b"\x80\x04garbage, not a database" * 100)

    first = run(["check"], root)
    assert not sentinel.exists(), "loading the cache ran code"
    _expected(first)
    assert first.stderr == ""  # a cache that is not ours is rebuilt, not reported
    second = run(["check"], root)
    assert not sentinel.exists()
    _expected(second)
    with sqlite3.connect(cache / "cache.sqlite3") as db:  # rebuilt as a real cache
        rows = db.execute("SELECT kind, key, value FROM entries").fetchall()
    assert {kind for kind, _, _ in rows} >= {"program", "scan", "answer", "replay"}
    for kind, key, value in rows:
        json.loads(value)  # data, as JSON text
        assert str(root) not in key and re.search(r"\b[0-9a-f]{32,40}\b", key), key
        if kind == "replay":
            assert str(root) not in value  # paths in it are root-relative: a clone may move
        if kind in ("answer", "parse", "replay"):
            assert re.fullmatch(r"[0-9a-f]{32,40}", key), key  # a digest of contents only
        else:
            assert key.startswith(("tests/", "src/")), key  # root-relative path, digest


def _tamper(database: Path, *, salt: str | None = None) -> None:
    """Rewrite every entry so that a run trusting it would miss the findings."""
    with sqlite3.connect(database) as db:
        db.execute("UPDATE entries SET value = replace(value, 'app.crud', 'app.other')")
        if salt is not None:
            db.execute("UPDATE meta SET value = ? WHERE name = 'salt'", (salt,))


@pytest.mark.parametrize(
    "damage",
    [
        "other-salt",
        "garbage-after-header",
        "trigger",
        "folder",
        "garbage-wal",
    ],
)
def test_a_cache_from_another_version_or_corrupted_is_ignored_and_rebuilt(
    tmp_path: Path, damage: str
) -> None:
    root = _project(tmp_path)
    _expected(run(["check"], root))  # a real cache, then damaged
    database = root / CACHE / "cache.sqlite3"
    if damage == "other-salt":
        _tamper(database, salt="another version of mock-audit")
    elif damage == "garbage-after-header":
        database.write_bytes(database.read_bytes()[:100] + os.urandom(8192))
    elif damage == "trigger":  # and another schema
        with sqlite3.connect(database) as db:
            db.execute("ALTER TABLE entries ADD COLUMN extra TEXT")
            db.execute("CREATE TRIGGER keep AFTER INSERT ON entries BEGIN DELETE FROM meta; END")
        _tamper(database)
    elif damage == "folder":
        database.unlink()
        database.mkdir()
    elif damage == "garbage-wal":
        Path(f"{database}-wal").write_bytes(os.urandom(4096))
    for attempt in (1, 2):  # rebuilt on the first run; the second reads the rebuilt one
        result = run(["check"], root)
        _expected(result)
        assert "internal error" not in result.stderr, (attempt, result.describe())
    if damage in ("other-salt", "trigger"):
        with sqlite3.connect(database) as db:
            kinds = {row[0] for row in db.execute("SELECT type FROM sqlite_master")}
            assert "trigger" not in kinds
            columns = [row[1] for row in db.execute("PRAGMA table_info(entries)")]
            assert "extra" not in columns


def test_a_cache_restored_at_another_path_gives_that_paths_findings(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _expected(run(["check"], root))
    moved = tmp_path / "elsewhere"
    shutil.copytree(root, moved)
    shutil.rmtree(root)  # a cached absolute path would now point nowhere
    result = run(["check", "--format", "json"], moved)
    assert result.returncode == 1, result.describe()
    assert sorted((f["path"], f["code"]) for f in result.json()["findings"]) == [
        ("tests/test_latent.py", "MA002"),
        ("tests/test_reached.py", "MA001"),
    ]
    assert str(tmp_path / "clone") not in result.stdout


def test_a_linked_cache_database_is_not_written_through(tmp_path: Path) -> None:
    root = _project(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious\n")
    (root / CACHE).mkdir()
    (root / CACHE / "cache.sqlite3").symlink_to(victim)
    for _ in (1, 2):
        _expected(run(["check"], root))
    assert victim.read_bytes() == b"precious\n"


def test_a_linked_cache_directory_is_not_used(tmp_path: Path) -> None:
    root = _project(tmp_path)
    elsewhere = tmp_path / "elsewhere"  # say, another tool's folder
    elsewhere.mkdir()
    (elsewhere / "cache.sqlite3").write_bytes(b"another tool's data\n")
    (root / CACHE).symlink_to(elsewhere, target_is_directory=True)  # committed to the clone
    result = run(["check"], root)
    _expected(result)
    assert (elsewhere / "cache.sqlite3").read_bytes() == b"another tool's data\n"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["cache.sqlite3"]
    assert "symbolic link" in result.stderr


def test_two_processes_sharing_one_cache_stay_correct(tmp_path: Path) -> None:
    files = {
        f"tests/test_many_{i:02}.py": LATENT.replace("print)", f"print)  # {i}") for i in range(20)
    }
    root = make_project(tmp_path / "clone", files)
    reference = run(["check", "--no-cache", "--format", "json"], root)
    assert reference.returncode == 1, reference.describe()
    cache = root / CACHE
    for attempt in range(4):
        if attempt % 3 == 0:
            shutil.rmtree(cache, ignore_errors=True)  # both race to create it
        elif attempt % 3 == 1:
            (cache / "cache.sqlite3").write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
        # else: both read the warm cache
        runs = [start(["check", "--format", "json", "--jobs", "1"], root) for _ in range(2)]
        for process in runs:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 1, (attempt, err.decode())
            assert out.decode() == reference.stdout, attempt
            assert err == b"", (attempt, err.decode())
