"""What a fake provides: follow an expression to the object that replaces a module.

``Resolver.fake`` answers with a ``Fake``: the names it declares (None when it
accepts any attribute, is None, or is the real module), a note when it cannot be
analysed, and an edit target telling the fixer where a new name goes.
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from . import _classes
from ._names import MAX_DEPTH, Names
from ._scopes import AttrAdd, Binding, Scope, dotted
from ._targets import (
    AttrTarget,
    CallTarget,
    ClassTarget,
    DictTarget,
    Fake,
    Kwargs,
    SpecTarget,
    permissive,
    unknown,
)
from ._types import FakeForm

MOCK_CLASSES = frozenset(
    {"Mock", "MagicMock", "NonCallableMock", "NonCallableMagicMock", "AsyncMock", "PropertyMock"}
)
# Keyword arguments of the mock classes that configure the mock rather than name attributes.
MOCK_PARAMS = frozenset(
    {
        "spec",
        "spec_set",
        "side_effect",
        "return_value",
        "wraps",
        "name",
        "parent",
        "unsafe",
        "new",
        "new_callable",
        "instance",
        "_spec_as_instance",
        "_eat_self",
        "_new_name",
        "_new_parent",
        "_spec_class",
        "_spec_state",
    }
)
# Calls whose result is the real module (or a mock spec'd from a real object).
REAL_MODULE_CALLS = frozenset(
    {"create_autospec", "import_module", "__import__", "module_from_spec", "reload", "load_module"}
)


class Resolver(Names):
    """Follows an expression to the fake it builds (see the module docstring)."""

    # --- fakes ---

    def fake(
        self,
        node: cst.BaseExpression,
        scope: Scope,
        *,
        factory: bool = False,
        kwargs: Kwargs | None = None,
        depth: int = 0,
    ) -> Fake:
        if depth > MAX_DEPTH:
            return unknown("The fake is defined through too many indirections to follow.")
        if isinstance(node, cst.Name) and node.value == "None":
            return permissive()  # an import blocker
        if isinstance(node, cst.Dict):
            return self._dict(node, scope, kwargs, depth)
        if isinstance(node, cst.Lambda):
            if factory:
                return self.fake(node.body, scope, kwargs=kwargs, depth=depth + 1)
            return unknown("The fake is a lambda, not a module-like object.")
        if isinstance(node, cst.Call):
            return self._call(node, scope, kwargs, depth)
        if isinstance(node, cst.Name):
            return self._name(node, scope, factory, kwargs, depth)
        if isinstance(node, cst.Attribute) and (path := dotted(node)) is not None:
            found = scope.lookup(path, self.order(node))
            if found is not None:  # ``pkg.sub = ModuleType(...)`` earlier in the scope
                return self.bound(path, found[0], found[1], factory=factory, depth=depth)
        if isinstance(node, cst.Subscript) and self.is_sys_modules(node.value):
            return permissive()  # whatever is installed already (usually the real module)
        if self.real_module(node, scope) is not None:
            return permissive()  # ``pkg.mod`` after ``import pkg.mod``: the real module
        code = cst.Module([]).code_for_node(node)
        if len(code) > 40:
            code = code[:37] + "..."
        return unknown(f"The fake {code!r} is not a form mock-audit can analyse.")

    def _dict(self, node: cst.Dict, scope: Scope, kwargs: Kwargs | None, depth: int) -> Fake:
        names: set[str] = set()
        before: cst.BaseDictElement | None = None
        form: FakeForm = "dict"
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = self.string(element.key, scope)
                if key is None:
                    return unknown("The fake dict has a key that is not a constant string.")
                names.add(key)
                continue
            spread = element.value
            own = _own_kwargs(spread, kwargs)
            if isinstance(own, Fake):
                return own
            if own is not None:
                names |= own
                before = before or element
                form = "kwargs_helper"
                continue
            inner = self.fake(spread, scope, depth=depth + 1)
            if inner.note is not None or inner.provided is None:
                return (
                    inner
                    if inner.note is not None
                    else unknown("The fake dict spreads a mapping mock-audit cannot follow.")
                )
            names |= inner.provided
        if "__getattr__" in names:
            return permissive()  # the module gets a PEP 562 __getattr__: any name resolves
        return Fake(
            form,
            frozenset(names),
            target=DictTarget(node, before),
            key=node,
            lines=(self.line(node),),
        )

    def _call(self, node: cst.Call, scope: Scope, kwargs: Kwargs | None, depth: int) -> Fake:
        func = node.func
        if self._is(func, "types", frozenset({"ModuleType"})) or _is_type_of_sys(func):
            # Inline: nothing added later can be seen, and there is no name to add to.
            return Fake("module_type", frozenset(), key=node, lines=(self.line(node),))
        if self._is(func, "types", frozenset({"SimpleNamespace"})) or dotted(func) == "dict":
            return self._keywords(node, scope, kwargs, depth)
        mock = self._is(func, "unittest.mock", MOCK_CLASSES)
        if mock is not None:
            return self._mock(node, scope, depth)
        q = self.qualified(func)
        full = q[0] if q else ""
        if full.rsplit(".", 1)[-1] in REAL_MODULE_CALLS:
            return permissive()  # spec'd from the real object, or the real module itself
        if isinstance(func, cst.Attribute) and self.is_sys_modules(func.value):
            return permissive()  # ``sys.modules.pop(...)``: whatever was installed before
        if isinstance(func, cst.Name):
            found = scope.lookup(func.value, self.order(func))
            if found is not None:
                binding = found[0]
                if binding.kind == "def" and isinstance(binding.node, cst.FunctionDef):
                    return self.helper(binding.node, node, depth)
                if binding.kind == "class" and isinstance(binding.node, cst.ClassDef):
                    return self.klass(binding.node, found[1], instance=True, depth=depth + 1)
        return unknown(
            f"The fake is built by a call to {full or 'an expression'!r}, "
            "which mock-audit cannot follow."
        )

    def _keywords(self, node: cst.Call, scope: Scope, kwargs: Kwargs | None, depth: int) -> Fake:
        names: set[str] = set()
        star: cst.Arg | None = None
        form: FakeForm = "namespace"
        for arg in node.args:
            if arg.keyword is not None:
                names.add(arg.keyword.value)
            elif arg.star == "**":
                value = arg.value
                own = _own_kwargs(value, kwargs)
                if isinstance(own, Fake):
                    return own
                if own is not None:
                    names |= own
                    star = arg
                    form = "kwargs_helper"
                    continue
                inner = self.fake(value, scope, kwargs=kwargs, depth=depth + 1)
                if inner.provided is None:
                    return unknown("The fake is built from a mapping mock-audit cannot follow.")
                names |= inner.provided
                if inner.form == "kwargs_helper" and isinstance(value, cst.Dict):
                    # ``**{"new": stub, **kwargs}``: what an earlier fix made of ``**kwargs``.
                    star = arg
                    form = "kwargs_helper"
            else:
                return unknown(
                    "The fake is built from positional arguments mock-audit cannot read."
                )
        return Fake(
            form,
            frozenset(names),
            target=CallTarget(node, star),
            key=node,
            lines=(self.line(node),),
        )

    def _mock(self, node: cst.Call, scope: Scope, depth: int) -> Fake:
        spec: cst.BaseExpression | None = None
        names: set[str] = set()
        for index, arg in enumerate(node.args):
            if arg.keyword is None and index == 0 and not arg.star:
                spec = arg.value  # Mock(spec, ...)
            elif arg.keyword is not None and arg.keyword.value in ("spec", "spec_set"):
                spec = arg.value
            elif arg.keyword is not None and arg.keyword.value not in MOCK_PARAMS:
                names.add(arg.keyword.value.split(".")[0])
            elif arg.star:
                return unknown("The mock is configured from a mapping mock-audit cannot follow.")
        if spec is None or (isinstance(spec, cst.Name) and spec.value == "None"):
            return permissive()  # a spec-less mock answers every attribute
        if isinstance(spec, (cst.List, cst.Tuple, cst.Set)):
            for element in spec.elements:
                value = self.string(element.value, scope)
                if value is None or isinstance(element, cst.StarredElement):
                    return unknown("The mock's spec list holds something other than strings.")
                names.add(value)
            return Fake(
                "mock_spec",
                frozenset(names),
                target=SpecTarget(spec),
                key=node,
                lines=(self.line(node),),
            )
        if self.real_module(spec, scope) is not None:
            return permissive()  # spec'd from the real module: it has every real name
        return unknown("The mock's spec is not a literal list of names.")

    def _name(
        self, node: cst.Name, scope: Scope, factory: bool, kwargs: Kwargs | None, depth: int
    ) -> Fake:
        found = scope.lookup(node.value, self.order(node))
        if found is None:
            return unknown(f"The fake {node.value!r} is not defined in this file.")
        binding, where = found
        return self.bound(node.value, binding, where, factory=factory, kwargs=kwargs, depth=depth)

    def bound(
        self,
        var: str,
        binding: Binding,
        where: Scope,
        *,
        factory: bool = False,
        kwargs: Kwargs | None = None,
        depth: int = 0,
    ) -> Fake:
        """The fake a name is bound to, plus the names given to it later in its scope."""
        if binding.kind == "import":
            return permissive()  # the real module (or something from it)
        if binding.kind == "def" and isinstance(binding.node, cst.FunctionDef):
            if factory:
                return self.helper(binding.node, None, depth)
            return unknown(f"The fake {var!r} is a function, not a module-like object.")
        if binding.kind == "param":
            fixture = self._fixture(var, depth)
            if fixture is not None:
                return fixture
            return unknown(
                f"The fake comes from the parameter {var!r}, which mock-audit cannot follow."
            )
        if binding.kind == "class" and isinstance(binding.node, cst.ClassDef):
            # The class object itself; a factory (``mock_module``) is called: an instance.
            return self.klass(binding.node, where, instance=factory, depth=depth + 1)
        if binding.kind != "assign" or binding.value is None:
            return unknown(f"The fake {var!r} is bound in a way mock-audit cannot follow.")
        inner = self.fake(binding.value, where, factory=factory, kwargs=kwargs, depth=depth + 1)
        if inner.provided is None:
            return inner
        if var in where.dynamic:
            return unknown(f"The fake {var!r} gets names dynamically ({where.dynamic[var]}).")
        adds = where.adds.get(var, [])
        names = inner.provided | {a.name for a in adds}
        if "__getattr__" in names:
            return permissive()  # a module-level __getattr__ (PEP 562) answers every name
        lines = (*inner.lines, self.line(binding.stmt or binding.node))
        if inner.form != "module_type":
            return replace(inner, provided=frozenset(names), lines=lines)
        target = self._attr_target(var, binding, adds)
        return Fake(
            "module_type",
            frozenset(names),
            target=target,
            key=binding.stmt or inner.key,
            lines=lines,
        )

    def klass(self, node: cst.ClassDef, where: Scope, *, instance: bool, depth: int) -> Fake:
        """A class of this file (or, with ``instance``, an instance of it) used as a fake.

        Only bases that are themselves classes of this file (or ``object``) are
        followed; anything else (``MagicMock``, an import, ``metaclass=``) is a note.
        """
        name = node.name.value
        if depth > MAX_DEPTH:
            return unknown("The fake is defined through too many indirections to follow.")
        body = _classes.read(node)
        if body.any_name:
            return permissive()  # ``__getattr__`` / ``__getattribute__`` answer any name
        present = set(body.names)
        names = present | (body.instance if instance else set())
        note: str | None = None
        for arg in node.bases:
            base = self._base(node, arg, where, instance, depth)
            if base is None:
                continue
            if base.note is None and base.provided is None:
                return permissive()  # a base that answers any name
            if base.note is not None:
                note = note or base.note
                continue
            assert base.provided is not None
            names |= base.provided
            # A base with ``__slots__`` has no edit target: all it provides counts as present.
            target = base.target
            present |= target.present if isinstance(target, ClassTarget) else base.provided
        if body.why is not None:  # after the bases: one that answers any name wins
            return unknown(f"The fake class {name!r} {body.why}; mock-audit does not analyse it.")
        if node.keywords:
            return unknown(f"The fake class {name!r} has a metaclass mock-audit cannot follow.")
        if note is not None:
            return unknown(note)
        if name in where.dynamic:
            return unknown(f"The fake {name!r} gets names dynamically ({where.dynamic[name]}).")
        later = {a.name for a in where.adds.get(name, [])}  # ``FakeCrud.extra = ...``
        edit = ClassTarget(node, frozenset(present | later))
        return Fake(
            "class",
            frozenset(names | later),
            # A class attribute named in ``__slots__`` fails when the class is created.
            target=None if "__slots__" in body.names else edit,
            key=node,
            lines=(self.line(node),),
        )

    def _base(
        self, node: cst.ClassDef, arg: cst.Arg, where: Scope, instance: bool, depth: int
    ) -> Fake | None:
        """What one base brings: None for ``object``; a note unless a class of this file."""
        value = arg.value
        if arg.keyword is None and not arg.star and isinstance(value, cst.Name):
            found = where.lookup(value.value, self.order(value))
            if found is None and value.value == "object":
                return None
            if found is not None and found[0].kind == "class":
                base = found[0].node
                # ``class A(A)`` finds its own binding first: not followed.
                if isinstance(base, cst.ClassDef) and base is not node:
                    return self.klass(base, found[1], instance=instance, depth=depth + 1)
        code = cst.Module([]).code_for_node(value)
        return unknown(
            f"The fake class {node.name.value!r} derives from {code!r}, which is not a class "
            "of this file mock-audit can follow."
        )

    def _attr_target(self, var: str, binding: Binding, adds: list[AttrAdd]) -> AttrTarget | None:
        if binding.stmt is None:
            return None
        block = self.c.stmt_block.get(id(binding.stmt))
        after = binding.stmt
        # The last addition in the binding's own block, so new lines never land in an `if`.
        for add in adds:
            if add.stmt is not None and add.block == block and add.order >= binding.order:
                after = add.stmt
        return AttrTarget(var, after)

    def _fixture(self, name: str, depth: int) -> Fake | None:
        """A parameter named after a fixture defined in this file: follow the fixture."""
        found = self.c.module_scope.bindings.get(name)
        if not found or found[-1].kind != "def" or not isinstance(found[-1].node, cst.FunctionDef):
            return None
        func = found[-1].node
        if not any(
            "fixture" in (cst.Module([]).code_for_node(d.decorator)) for d in func.decorators
        ):
            return None
        return self.helper(func, None, depth)

    def helper(self, func: cst.FunctionDef, call: cst.Call | None, depth: int) -> Fake:
        """The fake a helper (or factory, or fixture) in this file returns."""
        scope = self.c.scopes.get(id(func))
        if scope is None:
            return unknown(f"The helper {func.name.value!r} cannot be analysed.")
        values = _returns(func.body)
        if len(values) != 1:
            return unknown(
                f"The helper {func.name.value!r} returns {len(values)} values; "
                "mock-audit follows helpers with exactly one return."
            )
        kwargs: Kwargs | None = None
        star = func.params.star_kwarg
        if isinstance(star, cst.Param):
            kwargs = Kwargs(star.name.value, self._call_keywords(call, scope, depth))
        # Several call sites share the helper's fake: the fixer edits it once, for all.
        return self.fake(values[0], scope, kwargs=kwargs, depth=depth + 1)

    def _call_keywords(
        self, call: cst.Call | None, scope: Scope, depth: int
    ) -> frozenset[str] | None:
        if call is None:
            return frozenset()
        names: set[str] = set()
        for arg in call.args:
            if arg.keyword is not None:
                names.add(arg.keyword.value)
            elif arg.star == "**":
                inner = self.fake(arg.value, scope, depth=depth + 1)
                if inner.provided is None:
                    return None
                names |= inner.provided
        return frozenset(names)


def _own_kwargs(value: cst.BaseExpression, kwargs: Kwargs | None) -> frozenset[str] | Fake | None:
    """What spreading the helper's own ``**param`` brings: its callers' names, a note when
    they pass an unknown mapping, or None when ``value`` is not that parameter."""
    if kwargs is None or not (isinstance(value, cst.Name) and value.value == kwargs.param):
        return None
    if kwargs.names is None:
        return unknown(f"The helper's **{kwargs.param} comes from an unknown mapping.")
    return kwargs.names


def _is_type_of_sys(func: cst.BaseExpression) -> bool:
    """``type(sys)``, the type of a module, spelled without importing types."""
    return (
        isinstance(func, cst.Call)
        and isinstance(func.func, cst.Name)
        and func.func.value == "type"
        and len(func.args) == 1
    )


class _Returns(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[cst.BaseExpression] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested functions return for themselves

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.values.append(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression):
            self.values.append(node.value)


def _returns(body: cst.BaseSuite) -> list[cst.BaseExpression]:
    visitor = _Returns()
    body.visit(visitor)
    return visitor.values
