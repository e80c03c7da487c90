"""Unified diffs that ``git apply`` accepts, for ``mock-audit fix --diff``."""

from __future__ import annotations

import difflib

from .paths import path_bytes

# git's C-style escapes (quote.c); any other byte to quote is written in octal.
_ESCAPES = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}
_ESCAPES |= {ord('"'): '\\"', ord("\\"): "\\\\"}
_NO_NEWLINE = "\\ No newline at end of file\n"


def git_quote(name: str) -> str:
    """``name`` as ``git diff`` writes it in a header (with ``core.quotePath`` on): as is
    when plain ASCII, else double-quoted with C escapes for control characters, quotes,
    backslashes and every byte of a non-ASCII name (UTF-8 or not) in octal."""
    raw = path_bytes(name)
    if all(0x20 <= byte < 0x7F and byte not in (0x22, 0x5C) for byte in raw):
        return raw.decode("ascii")
    body = "".join(
        _ESCAPES.get(byte) or (chr(byte) if 0x20 <= byte < 0x7F else f"\\{byte:03o}")
        for byte in raw
    )
    return f'"{body}"'


def _header(prefix: str, path: str) -> str:
    name = git_quote(prefix + path)
    # git ends a header whose name holds a space with a tab, so no reader takes the
    # rest of the line for a timestamp.
    return name + ("\t" if " " in name else "") + "\n"


def _lines(text: str) -> list[str]:
    """Lines as git sees them: ended by LF only (a CR-only file is one line)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def unified_diff(path: str, old: str, new: str) -> str:
    """A unified diff from ``old`` to ``new`` with headers ``a/<path>`` and ``b/<path>``
    (``path`` root-relative, ``/``-separated), as ``git apply`` reads it; "" when equal."""
    if old == new:
        return ""
    out = [f"--- {_header('a/', path)}", f"+++ {_header('b/', path)}"]
    hunks = difflib.unified_diff(_lines(old), _lines(new), n=3)
    for line in list(hunks)[2:]:  # the first two are difflib's own headers
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n" + _NO_NEWLINE)
    return "".join(out)
