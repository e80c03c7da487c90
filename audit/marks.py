"""pytest's ``-m`` marker expressions: which tests a run selects.

A project can deselect tests by marker (``addopts = "-m 'not slow'"``, or a conftest's
``pytest_configure`` setting ``config.option.markexpr``); a deselected test runs
nothing, so it crashes nothing. An expression that cannot be read makes every test
"maybe selected": the replay still runs it (for what it loads) but claims no crash in it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection

_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")


def selects(expression: str, marks: Collection[str]) -> bool | None:
    """Whether ``expression`` selects a test with ``marks``; None when unreadable."""
    tokens = _TOKEN.findall(expression)
    if not tokens:
        return True
    try:
        value, rest = _or(tokens, set(marks))
    except (IndexError, ValueError):
        return None
    return value if not rest else None


def _or(tokens: list[str], marks: set[str]) -> tuple[bool, list[str]]:
    value, tokens = _and(tokens, marks)
    while tokens and tokens[0] == "or":
        right, tokens = _and(tokens[1:], marks)
        value = value or right
    return value, tokens


def _and(tokens: list[str], marks: set[str]) -> tuple[bool, list[str]]:
    value, tokens = _not(tokens, marks)
    while tokens and tokens[0] == "and":
        right, tokens = _not(tokens[1:], marks)
        value = value and right
    return value, tokens


def _not(tokens: list[str], marks: set[str]) -> tuple[bool, list[str]]:
    if tokens[0] == "not":
        value, rest = _not(tokens[1:], marks)
        return not value, rest
    if tokens[0] == "(":
        value, rest = _or(tokens[1:], marks)
        if not rest or rest[0] != ")":
            raise ValueError("unbalanced")
        return value, rest[1:]
    name = tokens[0]
    if not name.isidentifier() or name in ("and", "or", "not"):
        raise ValueError(name)
    return name in marks, tokens[1:]


def from_addopts(addopts: str | list[str]) -> str:
    """The ``-m`` expression in pytest's ``addopts`` ("" when none)."""
    if isinstance(addopts, list):
        parts = list(addopts)
    else:
        try:
            parts = shlex.split(addopts)
        except ValueError:
            return "?"
    found = ""
    for i, part in enumerate(parts):
        if part == "-m" and i + 1 < len(parts):
            found = parts[i + 1]
        elif part.startswith("-m") and len(part) > 2 and not part.startswith("-m="):
            found = part[2:]
    return found
