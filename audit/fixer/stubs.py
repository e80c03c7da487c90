"""Stub expressions for new names, spelled the way the file already spells its mocks.

``from unittest.mock import MagicMock`` makes stubs bare names (``AsyncMock()``), whose
missing imports come from the same module; ``from unittest import mock`` or ``import
mock`` makes them ``mock.AsyncMock()``, with nothing to import. A package fake's
``__path__`` is the real package's folder, found from the file's own ``__file__`` (so
neither ``sys.path`` nor a fake already in ``sys.modules`` can change it; the analysis
reads it back); without one folder it asks ``importlib.util.find_spec``. A template from
``[tool.mock-audit.stubs]`` replaces the stub of its name.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from audit.model import StubKind

from .imports import ImportNode, Need

MOCK_MODULES = ("unittest.mock", "mock")
#: Names a template may use bare: ``unittest.mock``'s public names. A missing import of
#: one of them is added.
MOCK_NAMES = frozenset(
    {
        "ANY",
        "AsyncMock",
        "DEFAULT",
        "FILTER_DIR",
        "MagicMock",
        "Mock",
        "NonCallableMagicMock",
        "NonCallableMock",
        "PropertyMock",
        "ThreadingMock",
        "call",
        "create_autospec",
        "mock_open",
        "patch",
        "seal",
        "sentinel",
    }
)
# the mock class of a name's stub ("path" and "none" are not mocks: see ``stub_for``)
STUB_CLASS: Mapping[StubKind, str] = {"async": "AsyncMock", "sync": "MagicMock"}


class TemplateError(ValueError):
    """A stub template that is not a Python expression."""


@dataclass(frozen=True)
class Spelling:
    """How the file spells mocks and ``importlib.util``."""

    prefix: str = ""  # "mock." for ``from unittest import mock``; "" for bare names
    source: str = "unittest.mock"  # where bare mock names are imported from
    bare: Mapping[str, str] = field(default_factory=dict)  # mock name -> local name
    star: bool = False  # ``from <mock module> import *``
    util: str = ""  # the local spelling of ``importlib.util``; "" when not imported
    find_spec: str = ""  # the local name of an imported ``find_spec``
    os: str = ""  # the local name of the ``os`` module; "" when not imported
    bound: frozenset[str] = frozenset()  # every name the imports bind


def spelling(imports: Sequence[ImportNode]) -> Spelling:
    """Follow the file's module-level imports (``mocker`` fixtures do not count)."""
    prefix: str | None = None
    source: str | None = None
    bare: dict[str, str] = {}
    star = False
    util = find_spec = os_name = ""
    bound: set[str] = set()
    for node in imports:
        if isinstance(node, ast.ImportFrom):
            module = node.module if not node.level else None
            for alias in node.names:
                local = alias.asname or alias.name
                bound.add(local)
                if module in MOCK_MODULES:
                    source = source or module
                    star = star or alias.name == "*"
                    if alias.name in MOCK_NAMES:
                        bare.setdefault(alias.name, local)
                elif module == "unittest" and alias.name == "mock" and prefix is None:
                    prefix = local + "."
                elif module == "importlib" and alias.name == "util":
                    util = util or local
                elif module == "importlib.util" and alias.name == "find_spec":
                    find_spec = find_spec or local
            continue
        for alias in node.names:
            bound.add(alias.asname or alias.name.split(".")[0])
            if alias.name in MOCK_MODULES and prefix is None:
                prefix = (alias.asname or alias.name) + "."
            if alias.name == "importlib.util":
                util = util or alias.asname or alias.name
            if alias.name == "os" or (alias.name.startswith("os.") and not alias.asname):
                os_name = os_name or alias.asname or "os"
    if bare or star or prefix is None:
        prefix = ""
    return Spelling(
        prefix, source or "unittest.mock", bare, star, util, find_spec, os_name, frozenset(bound)
    )


@dataclass(frozen=True)
class Stub:
    """A stub's code and the imports it needs."""

    code: str
    needs: tuple[Need, ...] = ()


def stub_for(
    name: str,
    kind: StubKind,
    module: str,
    spell: Spelling,
    templates: Mapping[str, str],
    folder: Sequence[str] = (),
) -> Stub:
    """The stub for ``name`` of the fake of ``module`` (``folder``: for ``__path__``,
    the real package's folder from the file's). Raises TemplateError for a template
    that is not an expression."""
    template = templates.get(name)
    if template is not None:
        return _template(name, template, spell)
    if kind == "none":
        return Stub("None")
    if kind == "path":
        if folder and (spell.os or "os" not in spell.bound):
            return _folder(folder, spell)
        return _path(module, spell)
    cls = STUB_CLASS[kind]
    if spell.prefix:
        return Stub(f"{spell.prefix}{cls}()")
    return Stub(f"{spell.bare.get(cls, cls)}()", _bare_needs([cls], spell))


def _folder(folder: Sequence[str], spell: Spelling) -> Stub:
    """``[os.path.join(os.path.dirname(__file__), "..", "src", "app")]``."""
    os_name = spell.os or "os"
    parts = ", ".join(json.dumps(part) for part in folder)
    code = f"[{os_name}.path.join({os_name}.path.dirname(__file__), {parts})]"
    return Stub(code, () if spell.os else (("os", ""),))


def _path(module: str, spell: Spelling) -> Stub:
    call = f'find_spec("{module}").submodule_search_locations'
    if spell.find_spec:
        return Stub(f'{spell.find_spec}("{module}").submodule_search_locations')
    if spell.util:
        return Stub(f"{spell.util}.{call}")
    return Stub(f"importlib.util.{call}", (("importlib.util", ""),))


def _template(name: str, template: str, spell: Spelling) -> Stub:
    code = template.strip()
    try:
        tree = ast.parse(code, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        detail = exc.msg if isinstance(exc, SyntaxError) else type(exc).__name__
        raise TemplateError(
            f"The stub template for {name!r} is not a Python expression: {template!r} "
            f"({detail}); fix it in [tool.mock-audit.stubs]."
        ) from None
    used = sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in MOCK_NAMES})
    return Stub(code, _bare_needs(used, spell))


def _bare_needs(names: Sequence[str], spell: Spelling) -> tuple[Need, ...]:
    if spell.star:
        return ()
    return tuple((spell.source, n) for n in names if n not in spell.bare and n not in spell.bound)
