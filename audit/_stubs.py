"""Stub expressions for new names, spelled the way the file already spells its mocks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import libcst as cst

from ._fakes import MOCK_CLASSES
from ._scopes import dotted
from ._types import StubKind

MOCK_MODULES = ("unittest.mock", "mock")
# Names a stub template may use bare; a missing import of one of them is added.
MOCK_NAMES = MOCK_CLASSES | {"create_autospec", "sentinel", "call", "ANY", "DEFAULT"}
STUB_CLASS: dict[StubKind, str] = {"async": "AsyncMock", "sync": "MagicMock"}


@dataclass
class Spelling:
    """How to write a mock class: ``prefix + "MagicMock"``; bare names import from ``module``."""

    prefix: str = ""
    module: str = "unittest.mock"
    bound: set[str] = field(default_factory=set)  # names bound at module level


def spelling(module: cst.Module) -> Spelling:
    """Follow the file: ``from unittest.mock import X`` -> bare names, ``mock.X`` -> prefix."""
    bare_from: str | None = None
    mock_source: str | None = None  # any ``from mock import ...``: where bare names come from
    prefix: str | None = None
    bound: set[str] = set()
    for stmt in module.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            bound.add(stmt.name.value)
            continue
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                source = dotted(small.module) if small.module and not small.relative else None
                for alias in small.names:
                    local = alias.evaluated_alias or alias.evaluated_name
                    bound.add(local)
                    if source in MOCK_MODULES:
                        mock_source = mock_source or source
                        if alias.evaluated_name in MOCK_NAMES:
                            bare_from = bare_from or source
                    if source == "unittest" and alias.evaluated_name == "mock" and prefix is None:
                        prefix = local + "."
            elif isinstance(small, cst.Import):
                for alias in small.names:
                    name = alias.evaluated_name
                    alias_name = alias.evaluated_alias
                    bound.add(alias_name or name.split(".")[0])
                    if name in MOCK_MODULES and prefix is None:
                        prefix = (alias_name or name) + "."
            elif isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        bound.add(target.target.value)
    if bare_from is not None or prefix is None:
        return Spelling("", bare_from or mock_source or "unittest.mock", bound)
    return Spelling(prefix, "", bound)


@dataclass
class Stubs:
    """Stub code per name, and the bare mock names that need an import."""

    code: dict[str, str]
    imports: list[tuple[str, str]]  # (module, name)


def build(names: Mapping[str, StubKind], spell: Spelling, templates: Mapping[str, str]) -> Stubs:
    code: dict[str, str] = {}
    needed: set[str] = set()
    for name, kind in names.items():
        template = templates.get(name)
        if template is None:
            cls = STUB_CLASS.get(kind, "MagicMock")
            code[name] = f"{spell.prefix}{cls}()"
            if not spell.prefix:
                needed.add(cls)
            continue
        try:
            expr = cst.parse_expression(template)
        except Exception as exc:
            raise ValueError(
                f"The stub template for {name!r} is not a Python expression: {template!r} ({exc})."
            ) from None
        code[name] = cst.Module([]).code_for_node(expr)
        needed |= _bare_mock_names(expr)
    module = spell.module or "unittest.mock"
    imports = [(module, n) for n in sorted(needed) if n not in spell.bound]
    return Stubs(code, imports)


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # ``mock.AsyncMock``: only the root can be a bare name
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in MOCK_NAMES:
            self.names.add(node.value)


def _bare_mock_names(expr: cst.BaseExpression) -> set[str]:
    visitor = _Names()
    expr.visit(visitor)
    return visitor.names
