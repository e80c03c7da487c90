"""Shrink a test file to the statements that can matter for its sites, before libcst.

libcst's parse and position pass cost ~10x more than ``ast``; a test file that holds
one fake is mostly test functions that have nothing to do with it. With the ``ast``
tree at hand we blank out every top-level function or class that installs nothing and
that no kept statement names (directly, as a fixture parameter, or in a string such as
``usefixtures("x")``), to a fixpoint. Blanked lines stay as empty lines, so every line
and column libcst reports is the one of the original file.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

# Python counts lines at \n, \r\n and \r only; str.splitlines also splits at \f and
# others, which would shift every line after a form feed.
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")

_Defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def reduce_source(source: str, tree: ast.Module, installs: Callable[[ast.AST], bool]) -> str:
    """Return ``source`` with irrelevant top-level defs blanked (same line count)."""
    body = tree.body
    keep = [not isinstance(stmt, _Defs) or installs(stmt) for stmt in body]
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
    lines = _LINES.findall(source)
    for stmt, kept in zip(body, keep, strict=True):
        if kept:
            continue
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
        last = stmt.end_lineno or stmt.lineno
        for n in range(first - 1, last):
            line = lines[n]
            ending = line[len(line.rstrip("\r\n")) :]
            lines[n] = ending
    return "".join(lines)


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
