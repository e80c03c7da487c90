"""harness imports nothing of audit or fake_store, not even lazily (DESIGN, "harness")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import harness

HARNESS = Path(harness.__file__).resolve().parent
FORBIDDEN = ("audit", "fake_store")
IMPORT_CALLS = {"import_module", "__import__"}


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module an import in ``tree`` names: statements at any depth (inside functions
    too) and ``importlib.import_module("...")`` / ``__import__("...")`` with a literal."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if (
                name in IMPORT_CALLS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found.append((node.lineno, first.value))
    return found


def forbidden(module: str) -> bool:
    return module.split(".")[0] in FORBIDDEN


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import audit", ["audit"]),
        ("def f():\n    from fake_store._store import FakeStore", ["fake_store._store"]),
        ("import importlib\nimportlib.import_module('audit')", ["importlib", "audit"]),
        ("__import__('fake_store')", ["fake_store"]),
        ("from . import _types", []),
    ],
    ids=["top-level", "in-function", "import-module", "dunder-import", "relative"],
)
def test_the_walker_sees_every_kind_of_import(source: str, expected: list[str]) -> None:
    assert [module for _, module in imported_modules(ast.parse(source))] == expected


def test_no_harness_module_imports_audit_or_fake_store() -> None:
    modules = sorted(HARNESS.rglob("*.py"))
    assert len(modules) >= 10
    offending = [
        f"{path.relative_to(HARNESS.parent)}:{line}: {module}"
        for path in modules
        for line, module in imported_modules(ast.parse(path.read_text(), str(path)))
        if forbidden(module)
    ]
    assert offending == []
