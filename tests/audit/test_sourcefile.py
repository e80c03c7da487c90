"""Reading and writing source files: exact bytes back, atomic writes that keep the mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.fixer import decode, encode, write_atomic
from audit.sourcefile import split_lines

NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])
CHARS = st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",))
LINES = st.lists(st.text(CHARS, max_size=20), max_size=8)


@st.composite
def sources(draw: st.DrawFn) -> bytes:
    """Source bytes with any newlines (mixed too), with or without a BOM or cookie."""
    lines = draw(LINES)
    text = "".join(line + draw(NEWLINES) for line in lines)
    if draw(st.booleans()):
        text += draw(st.text(CHARS, max_size=5))
    header = draw(st.sampled_from(["", "bom", "latin-1", "utf-8"]))
    if header == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if header == "latin-1":
        text = "".join(c if ord(c) < 256 else "?" for c in text)
        return ("# -*- coding: latin-1 -*-\n" + text).encode("latin-1")
    if header == "utf-8":
        return ("# coding: utf-8\r\n" + text).encode("utf-8")
    return text.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(sources())
def test_encode_of_decode_gives_back_the_same_bytes(data: bytes) -> None:
    decoded = decode(data)
    assert encode(decoded, decoded.text) == data


@pytest.mark.parametrize(
    ("data", "text", "encoding", "bom", "newline"),
    [
        pytest.param(b"a = 1\n", "a = 1\n", "utf-8", False, "\n", id="lf"),
        pytest.param(
            b"a = 1\r\nb = 2\r\n", "a = 1\r\nb = 2\r\n", "utf-8", False, "\r\n", id="crlf"
        ),
        pytest.param(b"a = 1\rb = 2\r", "a = 1\rb = 2\r", "utf-8", False, "\r", id="cr-only"),
        pytest.param(b"\xef\xbb\xbfa = 1\n", "a = 1\n", "utf-8-sig", True, "\n", id="bom"),
        pytest.param(
            b"# coding: latin-1\nx = '\xe9'",
            "# coding: latin-1\nx = '\xe9'",
            "iso-8859-1",
            False,
            "\n",
            id="latin-1-cookie",
        ),
        pytest.param(b"", "", "utf-8", False, "\n", id="empty"),
    ],
)
def test_decode(data: bytes, text: str, encoding: str, bom: bool, newline: str) -> None:
    decoded = decode(data)
    assert (decoded.text, decoded.encoding, decoded.bom, decoded.newline) == (
        text,
        encoding,
        bom,
        newline,
    )


def test_cr_only_file_keeps_its_last_carriage_return_through_a_fix() -> None:
    from audit.fixer import apply_edits

    from .fixer.helpers import Want, edits_for

    data = b"from unittest.mock import MagicMock\rFAKE = {}\r"
    decoded = decode(data)
    edits = edits_for(decoded.text.replace("\r", "\n"), [Want("dict", "a")])
    out = encode(decoded, apply_edits(decoded.text, edits))
    assert out == b'from unittest.mock import MagicMock\rFAKE = {"a": MagicMock()}\r'


@pytest.mark.parametrize(
    ("data", "error"),
    [
        pytest.param(b"a = 1\n\nx = '\xff'\n", UnicodeDecodeError, id="not-utf-8"),
        pytest.param(b"\xff = 1\n", SyntaxError, id="not-utf-8-first-line"),
        pytest.param(b"# coding: nonsense\n", SyntaxError, id="unknown-cookie"),
    ],
)
def test_undecodable_bytes_raise(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        decode(data)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        pytest.param("a\nb\r\nc\rd", ["a\n", "b\r\n", "c\r", "d"], id="mixed"),
        pytest.param("a\n", ["a\n"], id="final-newline"),
        pytest.param("", [], id="empty"),
        pytest.param("a\x0cb\u2028c\n", ["a\x0cb\u2028c\n"], id="not-python-newlines"),
        pytest.param("\r\n\r\n", ["\r\n", "\r\n"], id="blank"),
    ],
)
def test_split_lines_splits_where_python_does(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines


# --- write_atomic ---


def test_write_atomic_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "test_x.py"
    path.write_bytes(b"old\n")
    os.chmod(path, 0o751)
    write_atomic(path, b"new\r\n")
    assert path.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert os.listdir(tmp_path) == ["test_x.py"]


def test_write_atomic_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_bytes(b"old\n")
    link = tmp_path / "link.py"
    link.symlink_to(real)
    write_atomic(link, b"new\n")
    assert link.is_symlink() and real.read_bytes() == b"new\n"


@pytest.mark.parametrize("failing", ["fsync", "replace", "chmod"])
def test_write_atomic_failure_leaves_the_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "test_x.py"
    path.write_bytes(b"old\n")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(f"{failing} failed")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(OSError, match=f"{failing} failed"):
        write_atomic(path, b"new\n")
    monkeypatch.undo()
    assert path.read_bytes() == b"old\n"
    assert os.listdir(tmp_path) == ["test_x.py"]


def test_write_atomic_interrupted_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "test_x.py"
    path.write_bytes(b"old\n")

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, b"new\n")
    monkeypatch.undo()
    assert path.read_bytes() == b"old\n"
    assert os.listdir(tmp_path) == ["test_x.py"]
