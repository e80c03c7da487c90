"""What a class defined in the test file declares, read from its body alone.

``_fakes.Resolver.klass`` adds what the bases bring; this module only reads one
``ClassDef``: the names its body binds, the ``self.x = ...`` attributes its methods
set (for instances), and whether it answers any name (``__getattr__``).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ._scopes import dotted

# Either hook makes every attribute lookup succeed (or at least not fail by name).
ANY_NAME_HOOKS = frozenset({"__getattr__", "__getattribute__"})


@dataclass(frozen=True)
class ClassBody:
    names: frozenset[str]  # bound in the class body: the class object's own names
    instance: frozenset[str]  # ``self.x = ...`` in its methods
    any_name: bool = False
    why: str | None = None  # set when the body holds something not followed


def read(node: cst.ClassDef) -> ClassBody:
    """The names ``node``'s own body declares (bases not included).

    The whole body is read even after something not followed (``why``): a ``__getattr__``
    anywhere still makes the class answer any name.
    """
    why = "is decorated" if node.decorators else None
    names: set[str] = set()
    instance: set[str] = set()
    for stmt in node.body.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            names.add(stmt.name.value)
            if isinstance(stmt, cst.FunctionDef):
                instance |= _self_attributes(stmt)
            continue
        smalls = stmt.body if isinstance(stmt, cst.SimpleStatementLine) else [stmt]
        for small in smalls:
            why = why or _small(small, names)
    any_name = bool(names & ANY_NAME_HOOKS)
    return ClassBody(frozenset(names), frozenset(instance), any_name=any_name, why=why)


def _small(small: cst.CSTNode, names: set[str]) -> str | None:
    """Add what one simple statement of a class body binds; a reason when it is not followed."""
    if isinstance(small, cst.Assign):
        for target in small.targets:
            if not _bind(target.target, names):
                return "assigns to a target other than plain names"
        return None
    if isinstance(small, cst.AnnAssign):
        # ``x: int`` alone declares nothing at run time; ``x: int = 1`` binds x.
        if small.value is not None and not _bind(small.target, names):
            return "assigns to a target other than plain names"
        return None
    if isinstance(small, (cst.Expr, cst.Pass, cst.AugAssign)):
        return None  # docstrings and ``...``; ``x += 1`` needs x bound already
    kind = type(small).__name__
    return f"holds a statement of kind {kind!r} in its body"


def _bind(target: cst.BaseExpression, names: set[str]) -> bool:
    if isinstance(target, cst.Name):
        names.add(target.value)
        return True
    if isinstance(target, (cst.Tuple, cst.List)):
        return all(_bind(element.value, names) for element in target.elements)
    return False


def _self_attributes(func: cst.FunctionDef) -> set[str]:
    """``x`` for every ``self.x = ...`` in the method (lenient, like ModuleType attributes)."""
    if any(dotted(d.decorator) == "staticmethod" for d in func.decorators):
        return set()
    params = [*func.params.posonly_params, *func.params.params]
    if not params:
        return set()
    visitor = _SelfAssigns(params[0].name.value)
    func.body.visit(visitor)
    return visitor.names


class _SelfAssigns(cst.CSTVisitor):
    def __init__(self, self_name: str) -> None:
        super().__init__()
        self.self_name = self_name
        self.names: set[str] = set()

    def _target(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value)
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == self.self_name
        ):
            self.names.add(target.attr.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._target(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)
