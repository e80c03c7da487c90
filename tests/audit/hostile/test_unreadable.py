"""Issue 9.2: what cannot be read is a note naming it, never a silent pass.

``chmod`` does not restrict root, so as root the command runs as ``nobody`` (on a copy
of the project that ``nobody`` owns); where root cannot drop its privileges, the
sub-cases that need it are skipped. The library path is also tested in this process,
with ``os.scandir`` failing for one folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from audit.api import check
from audit.config import load_config

from . import (
    CRUD,
    LATENT,
    REACHED_LINE,
    finding_lines,
    give_away,
    make_project,
    notes,
    run,
    shared_folder,
    unprivileged,
)

LOCKED_TEST = 'import sys\nsys.modules["app.crud"] = {}\n'


@pytest.fixture
def restricted() -> Iterator[tuple[Path, tuple[str, ...]]]:
    """A folder for a project, and the prefix that runs the command as a user whom
    ``chmod`` restricts."""
    prefix = unprivileged()
    if prefix is None:
        pytest.skip("running as root, and neither setpriv nor runuser can drop to nobody here")
    with shared_folder() as folder:
        yield folder, prefix


def _locked(root: Path, relative: str, mode: int = 0o000) -> None:
    give_away(root)
    (root / relative).chmod(mode)


@pytest.mark.parametrize("mode", [0o000, 0o300, 0o400], ids=["000", "300", "400"])
def test_an_unreadable_test_folder_is_a_note_naming_it(
    restricted: tuple[Path, tuple[str, ...]], mode: int
) -> None:
    folder, prefix = restricted
    root = make_project(folder / "p", {"tests/locked/test_locked.py": LOCKED_TEST})
    _locked(root, "tests/locked", mode)
    result = run(["check"], root, prefix=prefix)
    assert result.returncode == 1, result.describe()
    assert finding_lines(result) == [REACHED_LINE]
    found = notes(result)
    assert found, result.describe()
    assert all(n.startswith("tests/locked") and "cannot be read" in n for n in found), found


def test_an_unreadable_test_file_is_a_note_naming_it(
    restricted: tuple[Path, tuple[str, ...]],
) -> None:
    folder, prefix = restricted
    root = make_project(folder / "p", {"tests/test_locked.py": LOCKED_TEST})
    _locked(root, "tests/test_locked.py")
    result = run(["check", "--format", "json"], root, prefix=prefix)
    assert result.returncode == 1, result.describe()
    report = result.json()
    assert [f["path"] for f in report["findings"]] == ["tests/test_reached.py"]
    assert [n["path"] for n in report["notes"]] == ["tests/test_locked.py"]
    assert "cannot be read" in report["notes"][0]["message"]


def test_the_unreadable_test_root_itself_is_a_note_and_no_clean_pass(
    restricted: tuple[Path, tuple[str, ...]],
) -> None:
    folder, prefix = restricted
    root = make_project(folder / "p")
    _locked(root, "tests")
    result = run(["check"], root, prefix=prefix)
    assert result.returncode in (0, 1), result.describe()
    assert [n.split(":")[0] for n in notes(result)] == ["tests"], result.describe()
    assert "cannot be read" in result.stdout


# A folder or module under the *source* roots holds the imports that decide which names
# a fake needs; when it cannot be read, the names it would require are unknown.
ALL_NAMES = """\
import sys
from unittest.mock import MagicMock

sys.modules["app.crud"] = MagicMock(spec=["add_message", "get_message", "reserve_message"])

import app.service
"""


def test_an_unreadable_source_folder_is_a_note_naming_it(
    restricted: tuple[Path, tuple[str, ...]],
) -> None:
    folder, prefix = restricted
    files = {
        "src/app/crud.py": CRUD + "\n\ndef delete_message(message_id):\n    pass\n",
        "src/app/jobs/__init__.py": "",
        "src/app/jobs/purge.py": "from app.crud import delete_message\n",
        "tests/test_reached.py": ALL_NAMES,
    }
    root = make_project(folder / "p", files)
    readable = run(["check", "--no-cache"], root)
    assert readable.returncode == 1 and "missing delete_message" in readable.stdout
    _locked(root, "src/app/jobs")
    result = run(["check", "--no-cache"], root, prefix=prefix)
    assert [n.split(":")[0] for n in notes(result)] == ["src/app/jobs"], result.describe()


def test_an_unreadable_source_module_is_a_note_naming_it(
    restricted: tuple[Path, tuple[str, ...]],
) -> None:
    folder, prefix = restricted
    root = make_project(folder / "p")
    _locked(root, "src/app/service.py")
    result = run(["check", "--no-cache"], root, prefix=prefix)
    assert any("src/app/service.py" in n or "app.service" in n for n in notes(result)), (
        result.describe()
    )


# --- the library path, in this process --------------------------------------------------


def test_a_folder_scandir_cannot_list_is_a_note_and_other_findings_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(
        tmp_path,
        {"tests/locked/test_locked.py": LOCKED_TEST, "tests/test_latent.py": LATENT},
    )
    locked = str(root / "tests" / "locked")
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if os.fspath(path) == locked:  # type: ignore[call-overload]
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", scandir)
    report = check(None, load_config(root))
    assert [(f.path, f.code) for f in report.findings] == [
        ("tests/test_latent.py", "MA002"),
        ("tests/test_reached.py", "MA001"),
    ]
    assert [(n.path, n.message) for n in report.notes] == [
        ("tests/locked", "cannot be read: Permission denied.")
    ]


# --- a file fix cannot write ----------------------------------------------------------------


def test_a_test_file_that_cannot_be_written_is_reported_and_left_whole(
    restricted: tuple[Path, tuple[str, ...]],
) -> None:
    folder, prefix = restricted
    root = make_project(folder / "p", {"tests/sub/test_latent.py": LATENT})
    _locked(root, "tests/sub", 0o555)  # files stay writable; no temp file can be made
    before = (root / "tests" / "sub" / "test_latent.py").read_bytes()
    result = run(["fix", "--no-cache"], root, prefix=prefix)
    assert result.returncode == 1, result.describe()  # what could not be written remains
    assert "fixed tests/test_reached.py" in result.stdout
    assert "tests/sub/test_latent.py: not fixed: cannot be written" in result.stdout
    assert (root / "tests" / "sub" / "test_latent.py").read_bytes() == before
    assert sorted(p.name for p in (root / "tests" / "sub").iterdir()) == ["test_latent.py"]


# --- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize("under", ["tests", "src/app"])
def test_a_loop_of_links_is_a_note_and_other_findings_stay(tmp_path: Path, under: str) -> None:
    root = make_project(tmp_path)
    folder = root / under
    (folder / "test_one.py").symlink_to("test_two.py")
    (folder / "test_two.py").symlink_to("test_one.py")
    (folder / "test_dangling.py").symlink_to(tmp_path / "missing.py")
    result = run(["check", "--no-cache"], root)
    assert result.returncode == 1, result.describe()
    assert finding_lines(result) == [REACHED_LINE]
