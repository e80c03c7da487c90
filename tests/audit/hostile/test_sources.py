"""Issue 9.6: a module that does not parse is a note naming it, and the findings that do
not depend on it are still found."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from . import CRUD, REACHED_LINE, finding_lines, make_project, notes, run

BROKEN = [
    pytest.param("def broken(:\n    pass\n", id="syntax-error"),
    pytest.param(
        "type Alias = int\n",
        id="newer-syntax",
        marks=pytest.mark.skipif(sys.version_info >= (3, 12), reason="parses from 3.12 on"),
    ),
]

LEGACY_TEST = """\
import sys
from types import SimpleNamespace

sys.modules["app.legacy"] = SimpleNamespace(old=print)
"""


@pytest.mark.parametrize("broken", BROKEN)
def test_a_faked_module_that_does_not_parse_is_a_note_naming_it(
    tmp_path: Path, broken: str
) -> None:
    root = make_project(
        tmp_path,
        {
            "src/app/legacy.py": "def old():\n    pass\n\n\n" + broken,
            "tests/test_legacy.py": LEGACY_TEST,
        },
    )
    result = run(["check", "--no-cache"], root)
    assert result.returncode == 1, result.describe()
    assert finding_lines(result) == [REACHED_LINE]
    (note,) = notes(result)
    assert note.startswith("tests/test_legacy.py:4:") and "'app.legacy'" in note, note
    assert "does not parse" in note


@pytest.mark.parametrize("broken", BROKEN)
def test_a_module_on_a_findings_chain_that_does_not_parse_is_named(
    tmp_path: Path, broken: str
) -> None:
    from . import SERVICE

    root = make_project(tmp_path, {"src/app/service.py": SERVICE + broken})
    result = run(["check", "--no-cache"], root)
    assert result.returncode == 1, result.describe()
    assert finding_lines(result) == [REACHED_LINE]
    assert any("app.service" in n or "src/app/service.py" in n for n in notes(result)), (
        result.describe()
    )


def test_a_test_file_that_does_not_parse_is_a_note_and_left_untouched(tmp_path: Path) -> None:
    broken = b'import sys\r\nsys.modules["app.crud"] = {}\r\ndef broken(:\r\n'
    root = make_project(tmp_path, {"tests/test_broken.py": broken})
    for command in ("check", "fix"):
        result = run([command, "--no-cache"], root)
        found = notes(result)
        assert [n.split(":")[0] for n in found] == ["tests/test_broken.py"], result.describe()
        assert "Syntax error at line 3" in found[0]
    assert (root / "tests" / "test_broken.py").read_bytes() == broken


ASYNC_FAKE = """\
import sys
from types import SimpleNamespace

sys.modules["app.crud"] = SimpleNamespace(add_message=print)

import app.service
"""


def test_the_stub_for_an_async_def_of_a_faked_module_that_parses(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"tests/test_reached.py": ASYNC_FAKE})
    result = run(["fix", "--diff", "--no-cache"], root)
    assert "+    add_message=print, get_message=MagicMock(), reserve_message=AsyncMock()" in (
        result.stdout
    ), result.describe()


@pytest.mark.parametrize("broken", BROKEN)
def test_the_stub_for_an_async_def_of_a_faked_module_that_does_not_parse(
    tmp_path: Path, broken: str
) -> None:
    root = make_project(
        tmp_path,
        {"src/app/crud.py": broken + "\n\n" + CRUD, "tests/test_reached.py": ASYNC_FAKE},
    )
    result = run(["fix", "--diff", "--no-cache"], root)
    assert "get_message=MagicMock()" in result.stdout, result.describe()  # it is fixed...
    assert "reserve_message=AsyncMock()" in result.stdout  # ...with the stub its binding wants
