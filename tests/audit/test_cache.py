"""The persistent cache: JSON data only, survives anything found in its directory."""

from __future__ import annotations

import json
import marshal
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

import audit.cache as cache_module
from audit.cache import DB_NAME, Cache, digest

DAY = 86400


def open_cache(directory: Path | None, salt: str = "v1", warns: list[str] | None = None) -> Cache:
    return Cache.open(directory, salt, warn=(warns if warns is not None else []).append)


def stored(directory: Path, *keys: str, salt: str = "v1") -> dict[str, Any]:
    """What a fresh run finds for ``keys`` (kind "sites")."""
    cache = open_cache(directory, salt)
    try:
        return cache.get_many("sites", keys)
    finally:
        cache.close()


def fill(directory: Path, values: dict[str, Any], salt: str = "v1") -> None:
    """Store ``values`` under kind "sites" and save."""
    cache = open_cache(directory, salt)
    for key, value in values.items():
        cache.put("sites", key, value)
    cache.save()
    cache.close()


def test_round_trip(tmp_path: Path) -> None:
    values: dict[str, Any] = {
        "tests/test_a.py\0" + digest(b"a"): {"sites": [{"line": 3, "names": ["x", "y"]}]},
        "b": [1, 2.5, True, None, "é\0ü"],
        "c": "text",
        "d": 0,
        "e": False,
        "f": None,
    }
    cache = open_cache(tmp_path / "c")
    for key, value in values.items():
        cache.put("sites", key, value)
    cache.put("sites", "tuple", (1, (2, 3)))
    # Before the save, a get sees the put, as the JSON round trip will give it.
    assert cache.get("sites", "tuple") == [1, [2, 3]]
    cache.save()
    cache.close()
    again = open_cache(tmp_path / "c")
    assert again.get_many("sites", [*values, "tuple", "missing"]) == {
        **values,
        "tuple": [1, [2, 3]],
    }
    assert again.get("sites", "c") == "text"
    assert again.get("sites", "missing") is None
    assert again.get("other-kind", "c") is None
    again.close()


def test_values_must_be_json(tmp_path: Path) -> None:
    for directory in (tmp_path, None):
        with pytest.raises(TypeError):
            open_cache(directory).put("k", "key", {1, 2})


def test_a_disabled_cache_keeps_nothing(tmp_path: Path) -> None:
    cache = open_cache(None)
    cache.put("k", "a", 1)
    assert cache.get("k", "a") is None and cache.get_many("k", ["a"]) == {}
    cache.save()
    cache.close()
    assert list(tmp_path.iterdir()) == []


def test_the_first_write_makes_the_directory_and_its_gitignore(tmp_path: Path) -> None:
    directory = tmp_path / "deep" / "cache"
    cache = open_cache(directory)
    assert cache.get("k", "a") is None
    assert not directory.exists()  # opening and reading write nothing
    cache.put("k", "a", 1)
    cache.save()
    # it names the cache's own files only: other files in that folder stay visible to git
    ignored = (directory / ".gitignore").read_text().splitlines()
    assert "cache.sqlite3" in ignored and "*" not in ignored
    assert (directory / DB_NAME).is_file()
    cache.close()


def test_a_gitignore_is_added_to_an_existing_directory(tmp_path: Path) -> None:
    fill(tmp_path / "a", {"x": 1})
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / ".gitignore").write_text("mine\n")
    fill(tmp_path / "b", {"x": 1})
    assert (tmp_path / "a" / ".gitignore").exists()
    assert (tmp_path / "b" / ".gitignore").read_text() == "mine\n"  # the user's is kept


def test_another_salt_misses_and_is_cleared_on_save(tmp_path: Path) -> None:
    fill(tmp_path, {"a": 1}, "v1")
    assert stored(tmp_path, "a") == {"a": 1}
    newer = open_cache(tmp_path, "v2")
    assert newer.get("sites", "a") is None
    newer.put("sites", "b", 2)
    newer.save()
    newer.close()
    assert stored(tmp_path, "a", "b", salt="v2") == {"b": 2}
    assert stored(tmp_path, "a", "b", salt="v1") == {}


def test_a_cache_moved_with_a_clone_still_hits(tmp_path: Path) -> None:
    """Keys are the callers' root-relative paths and digests: nothing is absolute."""
    key = "tests/test_a.py\0" + digest(b"content")
    fill(tmp_path / "one" / ".cache", {key: ["site"]})
    shutil.copytree(tmp_path / "one", tmp_path / "two")
    assert stored(tmp_path / "two" / ".cache", key) == {key: ["site"]}


def test_digest() -> None:
    assert digest(b"a") == digest(b"a") != digest(b"b")
    assert len(digest(b"")) == 32 and int(digest(b""), 16) >= 0


# --- what a directory may hold ------------------------------------------------------


def _sqlite_file(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def _truncated(path: Path) -> None:
    fill(path.parent, {f"k{i}": "x" * 500 for i in range(200)})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbage_pages(path: Path) -> None:
    fill(path.parent, {f"k{i}": "x" * 500 for i in range(200)})
    data = bytearray(path.read_bytes())
    data[4096:] = os.urandom(len(data) - 4096)
    path.write_bytes(bytes(data))


def _with_trigger(path: Path) -> None:
    """Our own schema plus a trigger: a database we did not write."""
    fill(path.parent, {"a": 1})
    _sqlite_file(path, "CREATE TRIGGER t AFTER INSERT ON entries BEGIN DELETE FROM entries; END")


CORRUPT = {
    "empty": lambda p: p.write_bytes(b""),
    "garbage": lambda p: p.write_bytes(os.urandom(5000)),
    "text": lambda p: p.write_text("not a database\n"),
    "pickle": lambda p: p.write_bytes(pickle.dumps({"a": 1})),
    "truncated": _truncated,
    "garbage-pages": _garbage_pages,
    "wrong-columns": lambda p: _sqlite_file(
        p, "CREATE TABLE entries (a TEXT)", "CREATE TABLE meta (name TEXT, value TEXT)"
    ),
    "extra-trigger": _with_trigger,
    "folder": lambda p: p.mkdir(),
}


@pytest.mark.parametrize("make", CORRUPT.values(), ids=CORRUPT.keys())
def test_a_corrupt_database_is_rebuilt_without_a_word(tmp_path: Path, make: Any) -> None:
    make(tmp_path / DB_NAME)
    warns: list[str] = []
    cache = open_cache(tmp_path, warns=warns)
    assert cache.get_many("sites", [f"k{i}" for i in range(200)] + ["a"]) == {}
    cache.put("sites", "b", [1])
    cache.save()
    cache.close()
    if (tmp_path / DB_NAME).is_dir():  # not ours to delete: the run goes on uncached
        assert len(warns) == 1 and DB_NAME in warns[0]
        return
    assert warns == []
    assert stored(tmp_path, "b") == {"b": [1]}
    assert warns == []


@pytest.mark.parametrize("make", CORRUPT.values(), ids=CORRUPT.keys())
def test_a_corrupt_database_met_by_a_read_only_run_is_harmless(tmp_path: Path, make: Any) -> None:
    make(tmp_path / DB_NAME)
    warns: list[str] = []
    cache = open_cache(tmp_path, warns=warns)
    assert cache.get("sites", "k1") is None
    cache.save()
    cache.close()
    assert len(warns) <= 1


class _Boom:
    """Unpickling this runs a command: what the old cache format allowed."""

    def __init__(self, sentinel: Path) -> None:
        self.sentinel = sentinel

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.sentinel}",))


def test_planted_files_are_never_executed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sentinel = tmp_path / "pwned"
    directory = tmp_path / ".mock-audit-cache"
    directory.mkdir()
    payload = pickle.dumps(_Boom(sentinel))
    for name in ("files.pickle", "runs.pickle", DB_NAME):
        (directory / name).write_bytes(payload)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cache deserialised code")

    for module, name in [(pickle, "load"), (pickle, "loads"), (marshal, "loads")]:
        monkeypatch.setattr(module, name, refuse)
    warns: list[str] = []
    cache = open_cache(directory, warns=warns)
    assert cache.get("sites", "a") is None
    cache.put("sites", "a", 1)
    cache.save()
    cache.close()
    assert stored(directory, "a") == {"a": 1}
    assert not sentinel.exists()
    assert warns == []


def test_a_value_that_is_not_json_is_a_miss(tmp_path: Path) -> None:
    fill(tmp_path, {"a": 1, "b": 2, "c": 3})
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        conn.execute("UPDATE entries SET value = 'cos\nsystem\n' WHERE key = 'a'")
        conn.execute("UPDATE entries SET value = ? WHERE key = 'c'", ("[" * 100_000,))
    conn.close()
    assert stored(tmp_path, "a", "b", "c") == {"b": 2}


def test_links_are_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim"
    victim.write_bytes(b"precious")
    directory = tmp_path / "cache"
    directory.mkdir()
    (directory / DB_NAME).symlink_to(victim)
    (directory / f"{DB_NAME}-wal").symlink_to(outside / "wal")
    (directory / ".gitignore").symlink_to(outside / "gitignore")
    fill(directory, {"a": 1})
    assert stored(directory, "a") == {"a": 1}
    assert victim.read_bytes() == b"precious"
    assert sorted(p.name for p in outside.iterdir()) == ["victim"]


def test_a_linked_directory_is_not_used(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "cache").symlink_to(outside)
    warns: list[str] = []
    cache = open_cache(tmp_path / "cache", warns=warns)
    cache.put("sites", "a", 1)
    cache.save()
    cache.save()
    assert list(outside.iterdir()) == []
    assert len(warns) == 1 and "symbolic link" in warns[0]


@pytest.mark.parametrize("where", ["under-a-file", "is-a-file"])
def test_an_unwritable_directory_is_one_warning(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, so no folder can be made here")
    directory = blocker / "cache" if where == "under-a-file" else blocker
    warns: list[str] = []
    cache = open_cache(directory, warns=warns)
    for round_ in range(3):
        cache.put("sites", f"a{round_}", 1)
        cache.save()
        assert cache.get("sites", "a0") is None
    cache.close()
    assert len(warns) == 1
    assert "cannot be written" in warns[0] and "blocker" in warns[0]
    assert blocker.read_text().startswith("a file")


def test_old_entries_are_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = 1_800_000_000.0

    def at(days_ago: float) -> None:
        monkeypatch.setattr(cache_module, "_now", lambda: int(now - days_ago * DAY))

    at(40)
    fill(tmp_path, {"unused": 1, "used": 2})
    at(20)
    assert stored(tmp_path, "used") == {"used": 2}  # no save: nothing renewed
    cache = open_cache(tmp_path)
    cache.get("sites", "used")
    cache.save()
    cache.close()
    at(0)
    fill(tmp_path, {"new": 3})
    assert stored(tmp_path, "unused", "used", "new") == {"used": 2, "new": 3}


def test_a_warm_run_writes_nothing(tmp_path: Path) -> None:
    fill(tmp_path, {"a": 1})
    files = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    time.sleep(0.01)
    cache = open_cache(tmp_path)
    assert cache.get("sites", "a") == 1
    cache.save()
    cache.close()
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == files


_WORKER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from audit.cache import Cache

    directory, name, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    warns = []
    for r in range(rounds):
        cache = Cache.open(directory, "v1", warn=warns.append)
        for i in range(50):
            cache.put("sites", f"{name}/{r}/{i}", {"by": name, "round": r, "i": i})
        cache.save()
        mine = [f"{name}/{q}/{i}" for q in range(r + 1) for i in range(50)]
        got = cache.get_many("sites", mine)
        assert got == {k: {"by": name, "round": int(k.split("/")[1]), "i": int(k.split("/")[2])}
                       for k in mine}, (name, r, len(got))
        cache.close()
    print(json.dumps(warns))
    """
)


def test_two_processes_share_one_cache(tmp_path: Path) -> None:
    root = Path(cache_module.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    directory = tmp_path / "cache"
    rounds = 15
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(directory), name, str(rounds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in ("one", "two")
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        assert json.loads(out) == []
    keys = [f"{n}/{r}/{i}" for n in ("one", "two") for r in range(rounds) for i in range(50)]
    assert len(stored(directory, *keys)) == len(keys)


def test_get_many_speed(tmp_path: Path) -> None:
    """10,000 keys (no timing assertion; printed with -s)."""
    keys = [f"tests/pkg{i // 100}/test_{i}.py\0{digest(str(i).encode())}" for i in range(10_000)]
    cache = open_cache(tmp_path)
    for key in keys:
        cache.put("sites", key, {"sites": [], "prefilter": False})
    start = time.perf_counter()
    cache.save()
    saved = time.perf_counter() - start
    cache.close()
    start = time.perf_counter()
    cache = open_cache(tmp_path)
    found = cache.get_many("sites", keys)
    loaded = time.perf_counter() - start
    print(f"save {saved * 1000:.0f} ms; open + get_many of 10,000 keys {loaded * 1000:.0f} ms")
    assert len(found) == 10_000
