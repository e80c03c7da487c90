"""Where an expression is being read: which file, scope and position, and what the
parameters of a followed helper stand for.

The fake and install forms read expressions through a ``Context``; following a name
to its binding, or a helper call into the helper's body, gives a new one.
"""

from __future__ import annotations

import ast
import os.path
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..model import EditKind, EditTarget
from ..testfile.scopes import MAX_DEPTH, Binding, Position, Scope, Scopes, dotted, position
from ..testfile.source import Source

MOCK_CLASSES = frozenset(
    {"Mock", "MagicMock", "NonCallableMock", "NonCallableMagicMock", "AsyncMock", "PropertyMock"}
)
MOCK_MODULES = ("unittest.mock", "mock")


@dataclass(frozen=True, eq=False)
class Unit:
    """One parsed file: its source and scopes."""

    source: Source
    scopes: Scopes

    @property
    def path(self) -> str:
        return self.source.path


@dataclass(frozen=True, eq=False)
class Argument:
    """What a helper's parameter stands for at one call: the argument expression (read
    in the caller's context), or the call's keywords for a ``**kwargs`` parameter."""

    value: ast.expr | None
    context: Context
    keywords: tuple[ast.keyword, ...] = ()  # for **kwargs: the call's keyword arguments
    call: ast.Call | None = None


@dataclass(frozen=True, eq=False)
class Context:
    unit: Unit
    scope: Scope
    at: Position | None  # None: after the scope has run (a module constant used later)
    stmt: ast.stmt | None = None  # the statement being read (for edit targets)
    env: Mapping[str, Argument] = field(default_factory=dict)
    depth: int = 0
    # module-level functions of the conftests that apply here, by name
    helpers: Mapping[str, tuple[ast.FunctionDef | ast.AsyncFunctionDef, Unit]] = field(
        default_factory=dict
    )
    # fixtures of the conftests by fixture name, nearest conftest first
    fixtures: Mapping[str, tuple[tuple[ast.FunctionDef | ast.AsyncFunctionDef, Unit], ...]] = field(
        default_factory=dict
    )

    def deeper(self, **changes: object) -> Context:
        return replace(self, depth=self.depth + 1, **changes)  # type: ignore[arg-type]

    @property
    def too_deep(self) -> bool:
        return self.depth > MAX_DEPTH

    # --- names ----------------------------------------------------------------------

    def lookup(self, name: str) -> tuple[Binding, Context] | None:
        """The binding of ``name`` here, and the context to read its value in."""
        found = self.scope.lookup(name, self.at)
        if found is None:
            return None
        binding, scope = found
        at = binding.at if scope is self.scope else None
        return binding, replace(self, scope=scope, at=at, stmt=binding.stmt or self.stmt)

    def qualified(self, node: ast.expr) -> str | None:
        """The dotted name with the import of its root applied (``np.x`` -> ``numpy.x``);
        a name bound by no import keeps its spelling."""
        name = dotted(node)
        if name is None:
            return None
        root, _, rest = name.partition(".")
        found = self.scope.lookup(root, self.at)
        if found is None or found[0].kind != "import" or found[0].real is None:
            return name
        real = found[0].real
        full = f"{real}.{rest}" if rest else real
        if full == "mock" or full.startswith("mock."):  # the standalone backport
            full = "unittest." + full
        return full

    def is_mock_class(self, node: ast.expr) -> bool:
        """``MagicMock`` and friends, however imported (also ``mocker.MagicMock``)."""
        full = self.qualified(node)
        if full is None:
            return False
        module, _, last = full.rpartition(".")
        return last in MOCK_CLASSES and (
            module in ("", "unittest.mock")
            or "." not in full
            or module.split(".")[0] in ("mocker", "mock", "unittest")
        )

    def is_sys_modules(self, node: ast.expr, *, by_name: bool = False) -> bool:
        """``sys.modules`` (however imported); with ``by_name`` also the string
        ``"sys.modules"``, which ``patch.dict`` accepts."""
        if isinstance(node, ast.Constant) and node.value == "sys.modules":
            return by_name
        return self.qualified(node) == "sys.modules" and self._imported_root(node)

    def _imported_root(self, node: ast.expr) -> bool:
        root = dotted(node)
        if root is None:
            return False
        found = self.scope.lookup(root.split(".")[0], self.at)
        return found is not None and found[0].kind == "import"

    def real_module(self, node: ast.expr) -> str | None:
        """The dotted module an imported name (or attribute chain of one) refers to."""
        name = dotted(node)
        if name is None:
            return None
        root, _, rest = name.partition(".")
        found = self.scope.lookup(root, self.at)
        if found is None or found[0].kind != "import" or found[0].real is None:
            return None
        return f"{found[0].real}.{rest}" if rest else found[0].real

    # --- constant strings -------------------------------------------------------------

    def string(self, node: ast.expr) -> str | None:
        """A constant string: a literal, a constant's value, ``a + b``, an f-string of
        constants, ``mod.__name__``, or a followed helper's argument."""
        if self.too_deep:
            return None
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            argument = self.env.get(node.id)
            if argument is not None:
                if argument.value is None:
                    return None
                return argument.context.deeper().string(argument.value)
            found = self.lookup(node.id)
            if found is None:
                return None
            binding, where = found
            if binding.kind == "assign" and binding.value is not None:
                return where.deeper().string(binding.value)
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.string(node.left), self.string(node.right)
            return None if left is None or right is None else left + right
        if isinstance(node, ast.JoinedStr):
            parts: list[str] = []
            for value in node.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    parts.append(value.value)
                elif (
                    isinstance(value, ast.FormattedValue)
                    and value.conversion == -1
                    and value.format_spec is None
                ):
                    inner = self.string(value.value)
                    if inner is None:
                        return None
                    parts.append(inner)
                else:
                    return None
            return "".join(parts)
        if isinstance(node, ast.Attribute) and node.attr == "__name__":
            return self.real_module(node.value)
        return None

    def path(self, node: ast.expr) -> str | None:
        """A file path built from ``__file__``: ``Path(__file__).resolve().parents[2] /
        "src"``, ``os.path.join(os.path.dirname(__file__), "x.py")`` and the like."""
        if self.too_deep:
            return None
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return self.unit.path
            found = self.lookup(node.id)
            if found is not None and found[0].kind == "assign" and found[0].value is not None:
                return found[1].deeper().path(found[0].value)
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left, right = self.path(node.left), self.path(node.right)
            return None if left is None or right is None else os.path.join(left, right)
        if isinstance(node, ast.Attribute):
            base = self.path(node.value)
            if base is None:
                return None
            if node.attr == "parent":
                return os.path.dirname(base)
            return None
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
            if node.value.attr == "parents" and isinstance(node.slice, ast.Constant):
                base = self.path(node.value.value)
                if base is None or not isinstance(node.slice.value, int):
                    return None
                for _ in range(node.slice.value + 1):
                    base = os.path.dirname(base)
                return base
            return None
        if isinstance(node, ast.Call):
            func = node.func
            last = func.attr if isinstance(func, ast.Attribute) else (self.qualified(func) or "")
            last = last.rsplit(".", 1)[-1]
            if last in ("Path", "PurePath", "abspath", "realpath", "normpath", "fspath", "str"):
                return self.path(node.args[0]) if len(node.args) == 1 else None
            if last in ("resolve", "absolute", "expanduser") and isinstance(func, ast.Attribute):
                return self.path(func.value)
            if last == "dirname" and len(node.args) == 1:
                inner = self.path(node.args[0])
                return None if inner is None else os.path.dirname(inner)
            if last in ("join", "joinpath"):
                parts = list(node.args)
                if last == "joinpath" and isinstance(node.func, ast.Attribute):
                    parts = [node.func.value, *parts]
                values = [self.path(p) for p in parts]
                if values and all(v is not None for v in values):
                    return os.path.join(*[v for v in values if v is not None])
        return None

    def strings(self, node: ast.expr) -> tuple[list[str], ast.expr, Context] | None:
        """A literal list, tuple or set of strings (directly, or through a constant
        name), the literal itself (the fixer adds to it) and where it is."""
        if self.too_deep:
            return None
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            values = [self.string(e) for e in node.elts]
            if any(v is None for v in values) or any(isinstance(e, ast.Starred) for e in node.elts):
                return None
            return [v for v in values if v is not None], node, self
        if isinstance(node, ast.Name):
            found = self.lookup(node.id)
            if found is not None and found[0].kind == "assign" and found[0].value is not None:
                return found[1].deeper().strings(found[0].value)
        return None

    def helper(self, node: ast.expr) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, Unit] | None:
        """A function of this file, or a helper of its conftests, that ``node`` names."""
        if not isinstance(node, ast.Name):
            return None
        found = self.scope.lookup(node.id, self.at)
        if found is not None:
            binding = found[0]
            if binding.kind == "def" and isinstance(
                binding.node, (ast.FunctionDef, ast.AsyncFunctionDef)
            ):
                return binding.node, self.unit
            if binding.kind != "import":
                return None
        return self.helpers.get(node.id)

    def fixture(self, name: str) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, Unit] | None:
        """The fixture a test or fixture parameter named ``name`` receives (this file's
        own first, then its conftests')."""
        for binding in reversed(self.unit.scopes.module.bindings.get(name, [])):
            node = binding.node
            if (
                binding.kind == "def"
                and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and fixture_name(node) == name
            ):
                return node, self.unit
        for func, unit in self.fixtures.get(name, ()):
            return func, unit
        return None

    def folders(self, value: ast.expr | None) -> tuple[bool, tuple[str, ...]]:
        """(empty, folders) of a ``__path__`` value: ``[]`` is empty; a list of paths built
        from ``__file__`` gives its folders; anything else is unknown ((False, ()))."""
        if not isinstance(value, (ast.List, ast.Tuple)):
            return False, ()
        if not value.elts:
            return True, ()
        found = [self.path(e) for e in value.elts]
        if any(f is None for f in found):
            return False, ()
        return False, tuple(os.path.normpath(f) for f in found if f is not None)

    # --- where fix edits ---------------------------------------------------------------

    def edit_target(self, kind: EditKind, node: ast.AST) -> EditTarget | None:
        """``fix`` edits ``node`` (a literal, a call) inside the statement being read."""
        if self.stmt is None:
            return None
        source = self.unit.source
        return EditTarget(kind, source.span(node), source.statement_span(self.stmt))

    def key(self, node: ast.AST) -> str:
        """Where a fake is built: "path:line:column" (the fixer groups edits by it)."""
        return f"{self.unit.path}:{getattr(node, 'lineno', 0)}:{getattr(node, 'col_offset', 0)}"

    def enter(
        self,
        func: ast.FunctionDef | ast.AsyncFunctionDef,
        unit: Unit,
        call: ast.Call | None,
    ) -> Context:
        """The context of a helper's body, its parameters bound to the call's arguments."""
        env: dict[str, Argument] = {}
        args = func.args
        params = [*args.posonlyargs, *args.args]
        if call is not None:
            for param, value in zip(params, call.args, strict=False):
                if not isinstance(value, ast.Starred):
                    env[param.arg] = Argument(value, self, call=call)
            named = {k.arg: k.value for k in call.keywords if k.arg is not None}
            for param in (*params, *args.kwonlyargs):
                if param.arg in named:
                    env[param.arg] = Argument(named[param.arg], self, call=call)
            if args.kwarg is not None:
                taken = {p.arg for p in (*params, *args.kwonlyargs)}
                rest = tuple(k for k in call.keywords if k.arg not in taken)
                env[args.kwarg.arg] = Argument(None, self, keywords=rest, call=call)
        scope = unit.scopes.scope_of(func)
        return Context(unit, scope, None, func, env, self.depth + 1, self.helpers, self.fixtures)


def fixture_decorator(node: ast.expr) -> ast.expr | None:
    """The ``pytest.fixture`` (or ``pytest_asyncio.fixture``) decorator, called or not."""
    func = node.func if isinstance(node, ast.Call) else node
    name = dotted(func) or ""
    return node if name.rsplit(".", 1)[-1] == "fixture" else None


def fixture_name(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The name tests request a fixture by (``name=`` or the function's), else None."""
    for decorator in func.decorator_list:
        if fixture_decorator(decorator) is None:
            continue
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
        return func.name
    return None


def at_node(context: Context, node: ast.AST, stmt: ast.stmt | None = None) -> Context:
    return replace(context, at=position(node), stmt=stmt or context.stmt)
