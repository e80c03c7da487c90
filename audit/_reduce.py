"""Shrink a test file to the statements that can matter for its sites, before libcst.

libcst's parse and position pass cost ~10x more than ``ast``; a test file that holds
one fake is mostly test functions that have nothing to do with it. With the ``ast``
tree at hand we blank out every top-level function or class that installs nothing and
that no kept statement names (directly, as a fixture parameter, or in a string such as
``usefixtures("x")``), to a fixpoint. A blanked def becomes a string literal over the
same lines, so every line and column libcst reports is the one of the original file.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable

# Python counts lines at \n, \r\n and \r only; str.splitlines also splits at \f and
# others, which would shift every line after a form feed.
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")

_Defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def reduce_source(
    source: str,
    tree: ast.Module,
    installs: Callable[[ast.AST], bool],
    triggers: Iterable[str],
) -> str | None:
    """``source`` with irrelevant top-level defs blanked (same line count), or None when
    no top-level statement installs anything.

    A statement is only walked with ``installs`` when its text holds one of ``triggers``
    (every install names one): walking the tree in Python is the costly part.
    """
    body = tree.body
    lines = _LINES.findall(source)
    words = tuple(triggers)
    spans = [_span(stmt) for stmt in body]

    def may_install(index: int) -> bool:
        first, last = spans[index]
        text = "".join(lines[first - 1 : last])
        return any(word in text for word in words) and installs(body[index])

    flags = [may_install(i) for i in range(len(body))]
    if not any(flags):
        return None
    keep = [flag or not isinstance(stmt, _Defs) for flag, stmt in zip(flags, body, strict=True)]
    if all(keep):
        return source
    provides = [_provided(stmt) for stmt in body]
    mentioned: set[str] = set()
    frontier = [i for i, kept in enumerate(keep) if kept]
    while frontier:
        for i in frontier:
            mentioned |= _mentions(body[i])
        frontier = [i for i, kept in enumerate(keep) if not kept and provides[i] & mentioned]
        for i in frontier:
            keep[i] = True
    for (first, last), kept in zip(spans, keep, strict=True):
        if not kept:
            _blank(lines, first, last)
    return "".join(lines)


def _blank(lines: list[str], first: int, last: int) -> None:
    """Replace lines ``first..last`` (1-based) by one cheap statement spanning them: a
    string literal, so libcst makes one node of it, not one per empty line."""
    for n in range(first - 1, last):
        line = lines[n]
        lines[n] = line[len(line.rstrip("\r\n")) :]
    if first == last:
        lines[first - 1] = "..." + lines[first - 1]
    else:
        lines[first - 1] = '"""' + lines[first - 1]
        lines[last - 1] = '"""' + lines[last - 1]


def _span(stmt: ast.stmt) -> tuple[int, int]:
    """First and last line of a statement, decorators included."""
    first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
    return first, stmt.end_lineno or stmt.lineno


def _provided(stmt: ast.stmt) -> set[str]:
    """Names by which other code can reach a def: its name and strings in its decorators
    (``@pytest.fixture(name="crud")``)."""
    names = {getattr(stmt, "name", "")}
    for decorator in getattr(stmt, "decorator_list", []):
        names |= {
            node.value
            for node in ast.walk(decorator)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
    return names


def _mentions(stmt: ast.stmt) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.arg):
            found.add(node.arg)  # pytest injects fixtures by parameter name
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(node.value.replace(",", " ").split())
    return found
