"""``replacement``: the smallest whole-line change, as a SARIF fix carries it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.report import Replacement, replacement

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def apply(old: str, change: Replacement) -> str:
    """Apply ``change`` as a SARIF consumer does: the deleted region runs from the start
    of ``start_line`` to the end of ``end_line``, not counting its newline."""
    lines: list[str] = _LINE.findall(old)
    if not lines:
        assert (change.start_line, change.end_line) == (1, 1)
        return change.text
    last = lines[change.end_line - 1]
    newline = last[len(last.rstrip("\r\n")) :]
    head = "".join(lines[: change.start_line - 1])
    return head + change.text + newline + "".join(lines[change.end_line :])


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("a\nb\nc\n", "a\nB\nc\n", Replacement(2, 2, "B")),
        ("a\nc\n", "a\nb\nc\n", Replacement(2, 2, "b\nc")),
        ("a\nb\n", "x\na\nb\n", Replacement(1, 1, "x\na")),
        ("a\n", "a\nb\n", Replacement(1, 1, "a\nb")),
        ("a\nb\nc\n", "A\nb\nc\n", Replacement(1, 1, "A")),
        ("a\nb\nc\n", "a\nb\nC\n", Replacement(3, 3, "C")),
        ("a\nb\nc", "a\nb\nC", Replacement(3, 3, "C")),
        ("a\nb\nc\n", "a\nc\n", Replacement(2, 3, "c")),
        ("a\nb\n", "a\n", Replacement(1, 2, "a")),
        ("a\r\nb\r\n", "a\r\nx\r\nb\r\n", Replacement(2, 2, "x\r\nb")),
        ("a\rb\r", "a\rx\rb\r", Replacement(2, 2, "x\rb")),
        ("", "a\n", Replacement(1, 1, "a\n")),
        ("a\nb\n", "a\nb\n", None),
        ("a\n", "a", None),
    ],
    ids=[
        "change",
        "insert-middle",
        "insert-at-start",
        "append-at-end",
        "change-at-start",
        "change-at-end",
        "change-last-line-without-newline",
        "delete-middle",
        "delete-at-end",
        "crlf",
        "cr-only",
        "empty-old",
        "no-change",
        "only-the-final-newline",
    ],
)
def test_replacement(old: str, new: str, expected: Replacement | None) -> None:
    change = replacement(old, new)
    assert change == expected
    if change is not None:
        assert apply(old, change) == new


_LINES = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", ""]), st.sampled_from(["\n", "\r\n", "\r"])),
    max_size=6,
)


def _text(lines: list[tuple[str, str]], tail: str) -> str:
    return "".join(body + end for body, end in lines) + tail


@given(_LINES, st.sampled_from(["", "z"]), _LINES, st.sampled_from(["", "z"]))
def test_applying_the_replacement_gives_the_new_text(
    old_lines: list[tuple[str, str]], old_tail: str, new_lines: list[tuple[str, str]], new_tail: str
) -> None:
    old, new = _text(old_lines, old_tail), _text(new_lines, new_tail)
    change = replacement(old, new)
    if old == new:
        assert change is None
    elif change is not None:
        assert 1 <= change.start_line <= change.end_line
        assert apply(old, change) == new
    else:
        # Only a change of the newline that ends the file cannot be said in whole lines.
        assert _final_newline(old) and _final_newline(old) != _final_newline(new)


def _final_newline(text: str) -> str:
    lines: list[str] = _LINE.findall(text)
    return lines[-1][len(lines[-1].rstrip("\r\n")) :] if lines else ""
