"""Suppression comments: ``# mock-audit: ignore`` and ``# mock-audit: ignore[name, ...]``."""

from __future__ import annotations

import re
from collections.abc import Iterable

_IGNORE = re.compile(r"#\s*mock-audit:\s*ignore(?:\[([^\]]*)\])?")
# Python counts lines at \n, \r\n and \r only; str.splitlines also splits at \f, \v
# and others, which would put every comment after a form feed on the wrong line.
_NEWLINE = re.compile(r"\r\n|\r|\n")

#: line number -> names ignored there (empty frozenset: every name).
Suppressions = dict[int, frozenset[str]]


def scan(source: str) -> Suppressions:
    """Map each line carrying a suppression comment to the names it ignores."""
    found: Suppressions = {}
    if "mock-audit" not in source:  # the common case costs one substring search
        return found
    for number, text in enumerate(_NEWLINE.split(source), start=1):
        match = _IGNORE.search(text)
        if match is not None:
            # The bare form is every name; so is "ignore[]", rather than a silent no-op.
            listed = match.group(1) or ""
            found[number] = frozenset(n.strip() for n in listed.split(",") if n.strip())
    return found


def ignored(suppressions: Suppressions, lines: Iterable[int]) -> frozenset[str] | None:
    """What the comments on ``lines`` ignore: None (nothing), empty (everything) or names."""
    names: set[str] = set()
    seen = False
    for line in set(lines):
        entry = suppressions.get(line)
        if entry is None:
            continue
        if not entry:
            return frozenset()
        seen = True
        names |= entry
    return frozenset(names) if seen else None
