"""The one file walker: one skip rule, explicit paths win, unreadable folders are reported."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from audit.files import SKIPPED_NAMES, is_excluded, skip_dir, walk


def write(root: Path, *rels: str) -> None:
    for rel in rels:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")


def names(found: tuple[Path, ...], root: Path) -> list[str]:
    return [p.relative_to(root.resolve()).as_posix() for p in found]


def test_files_are_absolute_sorted_real_and_filtered(tmp_path: Path) -> None:
    write(tmp_path, "b/c.py", "a.py", "a-b/x.py", "b/d.txt", "b/e.pyi", "z/y/w.py")
    result = walk([tmp_path], root=tmp_path, gitignore=False)
    assert all(p.is_absolute() and p == p.resolve() for p in result.files)
    assert list(result.files) == sorted(result.files)  # Path order, part by part
    assert names(result.files, tmp_path) == ["a-b/x.py", "a.py", "b/c.py", "z/y/w.py"]
    assert result.unreadable == ()


def test_suffixes_choose_the_files(tmp_path: Path) -> None:
    write(tmp_path, "a.py", "b.pyx", "c.txt")
    found = walk([tmp_path], root=tmp_path, suffixes=(".py", ".pyx")).files
    assert names(found, tmp_path) == ["a.py", "b.pyx"]


@pytest.mark.parametrize("folder", [".hidden", ".venv", *sorted(SKIPPED_NAMES), "env"])
def test_the_skip_rule_inside_a_walk(tmp_path: Path, folder: str) -> None:
    write(tmp_path, "keep.py", f"pkg/{folder}/skipped.py")
    if folder == "env":
        write(tmp_path, "pkg/env/pyvenv.cfg")  # a virtualenv, whatever its name
    assert names(walk([tmp_path], root=tmp_path).files, tmp_path) == ["keep.py"]
    assert skip_dir(str(tmp_path / "pkg"), folder)
    # Given explicitly, the same folder is walked.
    found = walk([tmp_path / "pkg" / folder], root=tmp_path).files
    assert names(found, tmp_path) == [f"pkg/{folder}/skipped.py"]


def test_skip_dir_keeps_ordinary_folders(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    assert not skip_dir(str(tmp_path), "tests")
    assert not skip_dir(str(tmp_path), "builds")


def test_explicit_files(tmp_path: Path) -> None:
    write(tmp_path, "node_modules/x.py", "notes.txt", "a.py")
    given = [tmp_path / "node_modules/x.py", tmp_path / "notes.txt", tmp_path / "a.py"]
    found = walk(given, root=tmp_path).files
    assert names(found, tmp_path) == ["a.py", "node_modules/x.py"]


def test_paths_are_deduplicated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "sub/x.py", "y.py")
    monkeypatch.chdir(tmp_path)
    given = [tmp_path, tmp_path / "sub", Path("sub/x.py"), tmp_path / "sub" / ".." / "y.py"]
    assert names(walk(given, root=tmp_path).files, tmp_path) == ["sub/x.py", "y.py"]


def test_links(tmp_path: Path) -> None:
    write(tmp_path, "real/a.py", "outside/b.py")
    project = tmp_path / "project"
    project.mkdir()
    (project / "linked_dir").symlink_to(tmp_path / "outside")  # not followed
    (project / "linked.py").symlink_to(tmp_path / "real" / "a.py")  # its real path
    (project / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    result = walk([project, tmp_path / "real"], root=tmp_path)
    assert names(result.files, tmp_path) == ["real/a.py"]
    assert [p.name for p, _ in result.unreadable] == ["dangling.py"]


def test_a_missing_path_is_reported(tmp_path: Path) -> None:
    result = walk([tmp_path / "missing"], root=tmp_path)
    assert result.files == ()
    assert result.unreadable == ((tmp_path / "missing", "No such file or directory"),)


@pytest.mark.parametrize(
    ("rel", "pattern", "expected"),
    [
        ("tests/fixtures/a.py", "tests/fixtures", True),
        ("tests/fixtures/a.py", "tests/fixtures/", True),
        ("tests/fixtures/a.py", "./tests/fixtures", True),
        ("tests/fixtures/a.py", "fixtures", True),
        ("tests/fixtures/a.py", "*.py", True),
        ("tests/fixtures/deep/a.py", "tests/*", True),
        ("tests/fixtures", "tests/fixtures", True),
        ("tests/test_a.py", "tests/fixtures/*", False),
        ("tests/test_a.py", "test_b.py", False),
        ("tests/test_a.py", "test_?.py", True),
        ("tests/test_a.py", "sts", False),
        ("tests/fixtures_more/a.py", "tests/fixtures", False),
        ("src/tests/a.py", "tests/a.py", False),
    ],
    ids=repr,
)
def test_is_excluded(tmp_path: Path, rel: str, pattern: str, expected: bool) -> None:
    assert is_excluded(tmp_path / rel, tmp_path, [pattern]) is expected
    # The walker agrees.
    write(tmp_path, rel if rel.endswith(".py") else f"{rel}/x.py")
    found = walk([tmp_path], root=tmp_path, exclude=[pattern]).files
    assert (found == ()) is expected


def test_no_patterns_exclude_nothing(tmp_path: Path) -> None:
    assert not is_excluded(tmp_path / "a.py", tmp_path, [])


def test_exclude_applies_to_explicit_paths(tmp_path: Path) -> None:
    write(tmp_path, "tests/fixtures/a.py", "tests/test_b.py")
    given = [tmp_path / "tests/fixtures", tmp_path / "tests/fixtures/a.py", tmp_path / "tests"]
    found = walk(given, root=tmp_path, exclude=["fixtures"]).files
    assert names(found, tmp_path) == ["tests/test_b.py"]


# --- folders that cannot be read -------------------------------------------------


@pytest.fixture()
def locked(tmp_path: Path) -> Iterator[Path]:
    """A tree with a folder whose mode is 000 (restored afterwards)."""
    write(tmp_path, "tests/test_ok.py", "tests/locked/test_hidden.py")
    folder = tmp_path / "tests" / "locked"
    folder.chmod(0)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


def _can_list(folder: Path) -> bool:
    try:
        os.listdir(folder)
    except PermissionError:
        return False
    return True


def test_a_chmod_000_folder_is_reported(tmp_path: Path, locked: Path) -> None:
    if _can_list(locked):
        pytest.skip("running as a user whom chmod does not restrict (root)")
    result = walk([tmp_path / "tests"], root=tmp_path)
    assert names(result.files, tmp_path) == ["tests/test_ok.py"]
    assert result.unreadable == ((locked, "Permission denied"),)


def _deny(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Make ``os.scandir`` fail on ``denied`` as it does for a user without access."""
    real = os.scandir

    def scandir(path: str) -> object:
        if os.path.realpath(path) == str(denied.resolve()):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unlistable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same failure simulated, so it is tested also where chmod does not restrict."""
    write(tmp_path, "tests/test_ok.py", "tests/locked/test_hidden.py")
    _deny(monkeypatch, tmp_path / "tests" / "locked")
    result = walk([tmp_path / "tests"], root=tmp_path)
    assert names(result.files, tmp_path) == ["tests/test_ok.py"]
    assert result.unreadable == ((tmp_path.resolve() / "tests/locked", "Permission denied"),)


def test_an_unlistable_explicit_folder_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "tests/test_hidden.py", "other/test_ok.py")
    _deny(monkeypatch, tmp_path / "tests")
    result = walk([tmp_path / "tests", tmp_path / "other"], root=tmp_path)
    assert names(result.files, tmp_path) == ["other/test_ok.py"]
    assert [(p.name, why) for p, why in result.unreadable] == [("tests", "Permission denied")]


def test_a_path_below_a_locked_folder_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resolving a path can fail too (no search permission on a folder above)."""
    real = Path.resolve

    def resolve(self: Path, strict: bool = False) -> Path:
        if self.name == "test_x.py":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, strict=strict)

    monkeypatch.setattr(Path, "resolve", resolve)
    result = walk([tmp_path / "locked" / "test_x.py"], root=tmp_path)
    assert result.files == ()
    assert [why for _, why in result.unreadable] == ["Permission denied"]


def test_walk_speed(tmp_path: Path) -> None:
    """A few thousand files (no timing assertion; printed with -s)."""
    for d in range(30):
        folder = tmp_path / f"pkg{d}"
        folder.mkdir()
        for f in range(100):
            (folder / f"m{f}.py").touch()
    (tmp_path / ".gitignore").write_text("*.pyc\n/build/\n")
    (tmp_path / ".git").mkdir()
    start = time.perf_counter()
    result = walk([tmp_path], root=tmp_path, exclude=["fixtures", "pkg5/m1.py"])
    elapsed = time.perf_counter() - start
    print(f"walked {len(result.files)} files in {elapsed * 1000:.0f} ms")
    assert len(result.files) == 2_999
