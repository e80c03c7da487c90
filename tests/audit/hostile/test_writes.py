"""Issue 9.7 and 9.8: ``fix`` keeps every byte it does not edit (newlines of every style,
to the last one; BOM, coding cookie, mode), and a file that cannot be decoded is one
short note."""

from __future__ import annotations

import difflib
import re
import stat
from pathlib import Path

import pytest

from . import REACHED_LINE, finding_lines, make_project, notes, run

BASE = r'''import sys
from types import SimpleNamespace

# a comment with "double" and 'single' quotes
sys.modules["app.crud"] = SimpleNamespace(add_message=print)

import app.service

ESCAPED = "a\r\nb 'q' \"q\""
DOC = """two
lines"""


def test_it():
    assert ESCAPED and DOC
'''
HEADER = (1, 2)  # the import block, where a new import may go
FAKE = (5, 5)  # the statement that holds the fake
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _lines(data: bytes) -> list[bytes]:
    return _LINE.findall(data)


def assert_only_fake_and_imports_changed(
    old: bytes, new: bytes, header: tuple[int, int] = HEADER, fake: tuple[int, int] = FAKE
) -> None:
    """Every line outside the fake's statement and the import block keeps its bytes
    (its newline included)."""
    a, b = _lines(old), _lines(new)
    assert b"".join(a) == old and b"".join(b) == new
    allowed = {*range(header[0], header[1] + 1), *range(fake[0], fake[1] + 1)}
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        touched = set(range(i1 + 1, i2 + 1)) or {i1, i1 + 1}  # an insertion: its neighbours
        assert touched & allowed and (set(range(i1 + 1, i2 + 1)) <= allowed), (tag, i1, i2)


def _mixed(text: str) -> str:
    """``text`` with its newlines cycling through LF, CRLF and CR (never a CR before an
    LF-ended empty line, which would read as one CRLF)."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines[:-1]):
        ending = ("\n", "\r\n", "\r")[i % 3]
        if ending == "\r" and i + 1 < len(lines) - 1 and lines[i + 1] == "":
            ending = "\r\n"
        out.append(line + ending)
    return "".join(out) + lines[-1]


STYLES = {
    "lf": BASE,
    "crlf": BASE.replace("\n", "\r\n"),
    "cr": BASE.replace("\n", "\r"),
    "mixed": _mixed(BASE),
    "cr-no-final-newline": BASE.rstrip("\n").replace("\n", "\r"),
}


def _fixed(tmp_path: Path, name: str, data: bytes, mode: int = 0o644) -> tuple[Path, bytes]:
    root = make_project(tmp_path / name, {"tests/test_reached.py": data})
    path = root / "tests" / "test_reached.py"
    path.chmod(mode)
    result = run(["fix", "--no-cache"], root)
    assert result.returncode == 0, result.describe()
    assert "fixed tests/test_reached.py: added 2 name(s)" in result.stdout
    again = run(["fix", "--no-cache"], root)
    assert "fixed" not in again.stdout, again.describe()
    return path, path.read_bytes()


@pytest.fixture(scope="module")
def expected_lf(tmp_path_factory: pytest.TempPathFactory) -> str:
    _, fixed = _fixed(tmp_path_factory.mktemp("lf"), "lf", BASE.encode())
    text = fixed.decode()
    assert "reserve_message=AsyncMock()" in text and "get_message=MagicMock()" in text
    assert "from unittest.mock import AsyncMock, MagicMock\n" in text
    return text


@pytest.mark.parametrize("style", list(STYLES))
def test_fix_keeps_every_newline_to_the_last_byte(
    tmp_path: Path, expected_lf: str, style: str
) -> None:
    old = STYLES[style].encode()
    path, new = _fixed(tmp_path, style, old, mode=0o754)
    assert stat.S_IMODE(path.stat().st_mode) == 0o754
    assert new[-1:] == old[-1:]
    assert_only_fake_and_imports_changed(old, new)
    compile(new, str(path), "exec", dont_inherit=True)
    normal = re.sub(rb"\r\n|\r", b"\n", new).decode()
    wanted = expected_lf if style != "cr-no-final-newline" else expected_lf.rstrip("\n")
    assert normal == wanted
    if style in ("crlf", "cr", "cr-no-final-newline"):
        newline = {"crlf": b"\r\n"}.get(style, b"\r")
        assert new == wanted.encode().replace(b"\n", newline)  # new lines in the file's style


LATIN_1 = "# -*- coding: latin-1 -*-\n# caf\xe9, na\xefve, \xdcber\n" + BASE.replace(
    "quotes\n", "quotes \xbfs\xed?\n"
)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("latin-1", LATIN_1.encode("latin-1")),
        ("latin-1-crlf", LATIN_1.replace("\n", "\r\n").encode("latin-1")),
        ("bom", b"\xef\xbb\xbf" + ("# caf\xe9\n" + BASE).replace("\n", "\r\n").encode()),
        ("bom-cookie", b"\xef\xbb\xbf# coding: utf-8\r" + BASE.replace("\n", "\r").encode()),
    ],
)
def test_fix_keeps_the_encoding_and_every_byte_it_does_not_edit(
    tmp_path: Path, name: str, data: bytes
) -> None:
    shift = 2 if name.startswith("latin-1") else 1  # the lines above BASE's
    path, new = _fixed(tmp_path, name, data)
    assert new[:3] == data[:3]  # the BOM, or the cookie's first bytes
    assert_only_fake_and_imports_changed(data, new, (1, 2 + shift), (5 + shift, 5 + shift))
    compile(new, str(path), "exec", dont_inherit=True)
    if name.startswith("latin-1"):
        assert b"caf\xe9" in new and "\xbfs\xed?".encode("latin-1") in new
        assert "reserve_message=AsyncMock()" in new.decode("latin-1")


def test_a_bom_with_a_latin_1_cookie_is_a_note_and_left_alone(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf# -*- coding: latin-1 -*-\n" + BASE.encode()
    root = make_project(tmp_path, {"tests/test_bad.py": data})
    result = run(["fix", "--no-cache"], root)
    assert result.returncode == 0, result.describe()
    (note,) = notes(result)
    assert note.startswith("tests/test_bad.py:") and len(note) < 300, note
    assert (root / "tests" / "test_bad.py").read_bytes() == data


def test_fix_prints_no_warnings_about_the_users_code(tmp_path: Path) -> None:
    data = BASE.replace("import app.service\n", 'import app.service\n\nPATTERN = "\\d+"\n')
    root = make_project(tmp_path, {"tests/test_reached.py": data})
    # From 3.12 on these are SyntaxWarnings, which Python shows by default.
    result = run(["fix", "--no-cache"], root, env={"PYTHONWARNINGS": "default"})
    assert result.returncode == 0 and "fixed tests/test_reached.py" in result.stdout
    assert "invalid escape sequence" not in result.stderr, result.stderr


def test_a_fix_that_would_not_compile_is_not_written(tmp_path: Path) -> None:
    # A stub template that parses as an expression but cannot compile at module level.
    pyproject = (
        '[tool.mock-audit]\nsrc = ["src"]\n\n[tool.mock-audit.stubs]\nreserve_message = "(yield)"\n'
    )
    data = BASE.replace("\n", "\r")
    root = make_project(tmp_path, {"pyproject.toml": pyproject, "tests/test_reached.py": data})
    result = run(["fix", "--no-cache"], root)
    assert result.returncode == 1, result.describe()
    assert "tests/test_reached.py: not fixed: the fixed file would not compile" in result.stdout
    assert (root / "tests" / "test_reached.py").read_bytes() == data.encode()
    assert sorted(p.name for p in (root / "tests").iterdir()) == ["test_reached.py"]


# --- 9.8: a file that is not valid in its encoding ----------------------------------------


def test_the_note_for_an_undecodable_file_is_one_short_line(tmp_path: Path) -> None:
    prefix = b'import sys\nsys.modules["app.crud"] = {}\nx = "'
    data = prefix + "\xe9".encode("latin-1") * 55_000 + b'"\n'
    root = make_project(tmp_path, {"tests/test_latin.py": data})
    for command in ("check", "fix"):
        result = run([command, "--no-cache"], root)
        (note,) = notes(result)
        assert len(note) < 300, note[:400]
        assert note.startswith("tests/test_latin.py:"), note
        assert f"byte offset {len(prefix)}" in note and "utf-8" in note, note
        if command == "check":  # the rest is still found, and then fixed
            assert result.returncode == 1 and finding_lines(result) == [REACHED_LINE]
        else:
            assert result.returncode == 0 and "fixed tests/test_reached.py" in result.stdout
    assert (root / "tests" / "test_latin.py").read_bytes() == data
    report = run(["check", "--no-cache", "--format", "json"], root).json()
    (message,) = [n["message"] for n in report["notes"]]
    assert len(message) < 300 and "\n" not in message


def test_fix_writes_a_linked_test_file_through_the_link(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"shared/reached.py": BASE})
    (root / "tests" / "test_reached.py").unlink()
    (root / "tests" / "test_reached.py").symlink_to(Path("..", "shared", "reached.py"))
    result = run(["fix", "--no-cache"], root)
    assert result.returncode == 0, result.describe()
    link = root / "tests" / "test_reached.py"
    assert link.is_symlink()  # still a link, and its target is fixed
    assert "reserve_message=AsyncMock()" in (root / "shared" / "reached.py").read_text()
    assert sorted(p.name for p in (root / "shared").iterdir()) == ["reached.py"]
