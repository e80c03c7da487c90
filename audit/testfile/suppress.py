"""Suppression comments: ``# mock-audit: ignore``, ``ignore[name, MA002, ...]``, ``# noqa``.

On the line that builds a fake or installs it, ``# mock-audit: ignore`` drops every
finding of the site; ``ignore[...]`` lists names to drop and codes (``MA002``) to
drop; ``# noqa: MA002`` drops codes as ruff's does (a bare ``# noqa`` drops all, as
in ruff). A code that does not exist (``MA009``) is kept for a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .. import sourcefile
from ..model import CODES

_IGNORE = re.compile(r"#\s*mock-audit:\s*ignore(?:\[([^\]]*)\])?")
_NOQA = re.compile(r"#\s*noqa(?::\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+")  # code-like: MA002, and MA0001 (then warned about)


@dataclass(frozen=True)
class Comment:
    everything: bool = False
    names: frozenset[str] = frozenset()
    codes: frozenset[str] = frozenset()


Suppressions = dict[int, Comment]


def scan(text: str) -> Suppressions:
    """Each line holding a suppression comment, with what it drops."""
    found: Suppressions = {}
    if "mock-audit" not in text and "noqa" not in text.lower():
        return found
    for number, line in enumerate(sourcefile.split_lines(text), start=1):
        if "#" not in line:
            continue
        names: set[str] = set()
        codes: set[str] = set()
        everything = False
        match = _IGNORE.search(line)
        if match is not None:
            listed = [n.strip() for n in (match.group(1) or "").split(",") if n.strip()]
            if not listed:
                everything = True  # ``ignore`` and ``ignore[]``: every name
            for item in listed:
                (codes if _CODE.fullmatch(item) else names).add(item)
        noqa = _NOQA.search(line)
        if noqa is not None:
            listed = [c.strip().upper() for c in (noqa.group(1) or "").split(",") if c.strip()]
            if not listed:
                everything = True
            codes.update(c for c in listed if c.startswith("MA"))  # other tools' are theirs
        if everything or names or codes:
            found[number] = Comment(everything, frozenset(names), frozenset(codes))
    return found


def ignored(
    suppressions: Suppressions, lines: Iterable[int]
) -> tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...]]:
    """(names dropped: None none / () all; codes dropped; unknown codes) on ``lines``."""
    names: set[str] = set()
    codes: set[str] = set()
    seen = everything = False
    for line in set(lines):
        comment = suppressions.get(line)
        if comment is None:
            continue
        seen = True
        everything = everything or comment.everything
        names |= comment.names
        codes |= comment.codes
    unknown = tuple(sorted(c for c in codes if c not in CODES))
    known = tuple(sorted(c for c in codes if c in CODES))
    if everything:
        return (), known, unknown
    return (tuple(sorted(names)) if seen and names else None), known, unknown
