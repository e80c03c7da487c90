"""What names in a test file refer to: imported mock classes, ``sys.modules``, constant strings.

The base of ``_fakes.Resolver``: lookups here answer "which binding is in force at
this use", "is this the sys module's ``modules``", "which constant string is this".
"""

from __future__ import annotations

import libcst as cst

from ._positions import Positions
from ._scopes import Collected, Scope, dotted, string_value

MAX_DEPTH = 12  # indirections followed (names, spreads, helpers) before giving up


class Names:
    """What the names of one file refer to: imports, constants, the real module."""

    def __init__(self, collected: Collected, positions: Positions) -> None:
        self.c = collected
        self.positions = positions

    def line(self, node: cst.CSTNode | None) -> int:
        """The real line of ``node`` (for suppression comments and reports)."""
        return self.positions.line(node) if node is not None else 0

    def order(self, node: cst.BaseExpression) -> int | None:
        """Where a use of a name happens, to find the binding in force there."""
        while isinstance(node, cst.Attribute):
            node = node.value
        return self.c.orders.get(id(node)) if isinstance(node, cst.Name) else None

    def qualified(self, node: cst.BaseExpression) -> tuple[str, bool] | None:
        """Dotted name with the import alias of its root applied, and whether it was imported."""
        name = dotted(node)
        if name is None:
            return None
        root, _, rest = name.partition(".")
        real = self.c.aliases.get(root)
        if real is None:
            return name, False
        full = f"{real}.{rest}" if rest else real
        if full == "mock" or full.startswith("mock."):  # the standalone backport
            full = "unittest." + full
        return full, True

    def is_sys_modules(self, node: cst.BaseExpression) -> bool:
        if string_value(node) == "sys.modules":
            return True
        q = self.qualified(node)
        return q is not None and q == ("sys.modules", True)

    def _is(self, node: cst.BaseExpression, module: str, names: frozenset[str]) -> str | None:
        """The class name when ``node`` names one of ``names`` from ``module`` (or unimported)."""
        q = self.qualified(node)
        if q is None:
            return None
        full, imported = q
        last = full.rsplit(".", 1)[-1]
        if last not in names:
            return None
        # ``mocker.MagicMock`` and star imports name the class without an import we saw.
        if full == f"{module}.{last}" or not imported:
            return last
        return None

    def string(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> str | None:
        """A constant string: literal, module-level constant, ``a + b``, ``mod.__name__``."""
        value = string_value(node)
        if value is not None or depth > MAX_DEPTH:
            return value
        if isinstance(node, cst.Name):
            found = scope.lookup(node.value, self.order(node))
            if found is None:
                return None
            binding, where = found
            if binding.kind == "assign" and binding.value is not None:
                return self.string(binding.value, where, depth + 1)
            return None
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, scope, depth)
        if isinstance(node, cst.ConcatenatedString):  # ``"pkg" f".{SUB}"``
            left = self.string(node.left, scope, depth + 1)
            right = self.string(node.right, scope, depth + 1)
            return None if left is None or right is None else left + right
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            left = self.string(node.left, scope, depth + 1)
            right = self.string(node.right, scope, depth + 1)
            return None if left is None or right is None else left + right
        if isinstance(node, cst.Attribute) and node.attr.value == "__name__":
            return self.real_module(node.value, scope)
        return None

    def _fstring(self, node: cst.FormattedString, scope: Scope, depth: int) -> str | None:
        """``f"{PKG}.crud"``: text parts plus names that resolve to constant strings.

        Format specs, conversions and ``=`` change the text, and escapes or doubled
        braces would need evaluating: such f-strings are not constants here.
        """
        out: list[str] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                if any(c in part.value for c in "\\{}"):
                    return None
                out.append(part.value)
                continue
            if not isinstance(part, cst.FormattedStringExpression):
                return None
            if part.conversion is not None or part.format_spec is not None or part.equal:
                return None
            value = self.string(part.expression, scope, depth + 1)
            if value is None:
                return None
            out.append(value)
        return "".join(out)

    def real_module(self, node: cst.BaseExpression, scope: Scope) -> str | None:
        """The dotted module an imported name (or attribute chain of one) refers to."""
        name = dotted(node)
        if name is None:
            return None
        root, _, rest = name.partition(".")
        found = scope.lookup(root, self.order(node))
        if found is None or found[0].kind != "import" or found[0].real is None:
            return None
        return f"{found[0].real}.{rest}" if rest else found[0].real
