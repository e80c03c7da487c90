"""Find module-mock sites in a test file: where a whole module is replaced by a fake.

Install forms: ``mock_module(name, factory)``, ``sys.modules[name] = fake``,
``monkeypatch.setitem(sys.modules, name, fake)``, ``sys.modules.setdefault``,
``sys.modules.update({...})`` and ``patch.dict(sys.modules, {...})`` (call, context
manager or decorator; ``mock.``, ``unittest.mock.``, ``mocker.``). What each fake
provides is worked out by ``_fakes``. Per-file work never raises: unparsable input is a
``ParseFailure`` and anything not understood is a site with a note.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import libcst as cst
from libcst.metadata import CodeRange

from . import _suppress
from ._fakes import Resolver
from ._positions import Positions
from ._reduce import reduce_source
from ._scopes import Candidate, Collector, Scope, dotted, subscript_key
from ._targets import Fake
from ._types import InstallKind, ParseFailure, Site

__all__ = ["Analysis", "analyse", "find_sites", "might_have_sites", "parse"]

UNKNOWN_MODULE = "<unknown>"
# ``patch.dict`` parameters that are not module names when passed as keywords.
PATCH_DICT_PARAMS = frozenset({"in_dict", "values", "clear"})


def might_have_sites(data: bytes) -> bool:
    """Cheap byte test: can this file hold a site at all?

    Every install form names ``mock_module`` or reaches ``sys.modules`` (also as
    ``"sys.modules"``, ``from sys import modules`` or ``import sys as s; s.modules``),
    so a file without ``mock_module`` and without both ``sys`` and ``modules`` has none.
    """
    return b"mock_module" in data or (b"modules" in data and b"sys" in data)


@dataclass
class Analysis:
    sites: list[Site] = field(default_factory=list)
    fakes: dict[str, Fake] = field(default_factory=dict)  # fake_key -> fake (fixable ones)


def parse(source: str, path: str) -> cst.Module | ParseFailure:
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return ParseFailure(
            path, f"Syntax error at line {exc.raw_line}, column {exc.raw_column}: {exc.message}"
        )
    except Exception as exc:  # e.g. RecursionError on absurdly nested code
        return ParseFailure(path, f"The file cannot be parsed: {exc!r}.")


def find_sites(source: str, path: str) -> list[Site] | ParseFailure:
    """Every module-mock site in ``source``; a ParseFailure when it does not parse."""
    tree = _ast_tree(source)
    if isinstance(tree, ast.Module):
        reduced = _reduced(source, tree)
        if reduced is None:
            return []
        source = reduced
    module = parse(source, path)
    if isinstance(module, ParseFailure):
        # libcst may still read syntax newer than this interpreter's; if it cannot either,
        # Python's own message names the right line (libcst's can point past it).
        return (
            ParseFailure(path, _syntax_message(tree)) if isinstance(tree, SyntaxError) else module
        )
    try:
        return analyse(module, source, path).sites
    except Exception as exc:  # per-file work never raises
        return ParseFailure(path, f"mock-audit could not analyse the file: {exc!r}.")


def analyse(module: cst.Module, source: str, path: str) -> Analysis:
    """Sites and the fakes behind them; ``module`` must be ``source`` parsed (nodes are kept)."""
    collector = Collector()
    module.visit(collector)
    collected = collector.collected()
    finder = _Finder(path, Resolver(collected, Positions(module, collected.tops)), source)
    for candidate in collector.candidates:
        finder.candidate(candidate)
    return finder.analysis


def _ast_tree(source: str) -> ast.Module | SyntaxError | None:
    """The ``ast`` tree; the SyntaxError when the source does not parse; None when the C
    parser gives up for another reason (libcst then decides and reports)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning for "\d" in old test files
            return ast.parse(source)
    except SyntaxError as error:
        return error
    except (ValueError, RecursionError, MemoryError):
        return None


def _syntax_message(error: SyntaxError) -> str:
    text = f"Syntax error at line {error.lineno}, column {error.offset}: {error.msg}"
    return text if text.endswith((".", "?", "!")) else text + "."


# Every install names one of these (or an alias of ``sys.modules``) in its own text.
TRIGGERS = ("modules", "mock_module", "setitem")


def _reduced(source: str, tree: ast.Module) -> str | None:
    """``source`` cut down for libcst by ``_reduce``; None when nothing in it installs."""
    aliases = _modules_aliases(tree, source)

    def installs(node: ast.AST) -> bool:
        return _installs(node, aliases)

    return reduce_source(source, tree, installs, (*TRIGGERS, *aliases))


def _modules_aliases(tree: ast.Module, source: str) -> set[str]:
    """Local names of ``sys.modules`` besides ``x.modules``: ``from sys import modules [as y]``."""
    aliases = {"modules"}
    if "from sys import" not in source:
        return aliases
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "sys":
            aliases |= {a.asname or a.name for a in node.names if a.name == "modules"}
    return aliases


def _installs(tree: ast.AST, aliases: set[str]) -> bool:
    """Second, exact-enough filter with the C parser: is there any candidate install at all?

    libcst's parse and positions cost ~10x more than ``ast``; most files that pass the
    byte filter (``modules`` and ``sys`` somewhere) install nothing, and in those that do,
    most top-level statements install nothing (see ``_reduce``).
    """

    def modules_like(expr: ast.expr) -> bool:
        if isinstance(expr, ast.Attribute):
            return expr.attr == "modules"
        if isinstance(expr, ast.Name):
            return expr.id in aliases
        return isinstance(expr, ast.Constant) and expr.value == "sys.modules"

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and modules_like(target.value):
                    return True
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "mock_module":
                return True
            if not isinstance(func, ast.Attribute):
                continue
            if func.attr in ("mock_module", "setitem"):
                return True
            if func.attr in ("update", "setdefault") and modules_like(func.value):
                return True
            args = [*node.args, *(k.value for k in node.keywords)]
            if func.attr == "dict" and any(modules_like(a) for a in args):
                return True
    return False


Entry = tuple[str | None, cst.BaseExpression, cst.CSTNode, Scope]


class _Finder:
    def __init__(self, path: str, resolver: Resolver, source: str) -> None:
        self.path = path
        self.r = resolver
        self.suppressions = _suppress.scan(source)
        self.analysis = Analysis()

    def pos(self, node: cst.CSTNode) -> CodeRange | None:
        return self.r.positions.get(node)

    def candidate(self, cand: Candidate) -> None:
        if isinstance(cand.node, cst.Assign):
            self._assign(cand, cand.node)
        else:
            self._call(cand, cand.node)

    # --- install forms ---

    def _assign(self, cand: Candidate, node: cst.Assign) -> None:
        names = [t.target for t in node.targets if isinstance(t.target, cst.Name)]
        for target in node.targets:
            sub = target.target
            if not (isinstance(sub, cst.Subscript) and self.r.is_sys_modules(sub.value)):
                continue
            key = subscript_key(sub)
            module = self.r.string(key, cand.scope) if key is not None else None
            if names:
                # ``sys.modules["m"] = fake = ModuleType("m")``: follow the name, so the
                # attributes given to it later count.
                found = cand.scope.lookup(names[0].value, self.r.order(names[0]))
                assert found is not None
                fake = self.r.bound(names[0].value, found[0], found[1])
            else:
                fake = self.r.fake(node.value, cand.scope)
            self._site(cand, node, module, fake, "sys_modules_assign")

    def _call(self, cand: Candidate, node: cst.Call) -> None:
        func = node.func
        name = func.value if isinstance(func, cst.Name) else None
        attr = func.attr.value if isinstance(func, cst.Attribute) else None
        if name == "mock_module" or attr == "mock_module":
            target, factory = _arg(node, 0, "name"), _arg(node, 1, "factory")
            if target is None or factory is None:
                return
            fake = self.r.fake(factory, cand.scope, factory=True)
            self._site(cand, node, self.r.string(target, cand.scope), fake, "mock_module")
            return
        if not isinstance(func, cst.Attribute):
            return
        if attr == "setitem":
            mapping, key, value = (
                _arg(node, 0, "dic"),
                _arg(node, 1, "name"),
                _arg(node, 2, "value"),
            )
            if mapping is None or key is None or value is None:
                return
            if self.r.is_sys_modules(mapping):
                fake = self.r.fake(value, cand.scope)
                self._site(cand, node, self.r.string(key, cand.scope), fake, "setitem")
        elif attr == "setdefault" and self.r.is_sys_modules(func.value):
            key, value = _arg(node, 0, "key"), _arg(node, 1, "default")
            if key is not None and value is not None:
                fake = self.r.fake(value, cand.scope)
                self._site(cand, node, self.r.string(key, cand.scope), fake, "sys_modules_assign")
        elif attr == "update" and self.r.is_sys_modules(func.value):
            self._mapping_call(cand, node, skip=frozenset(), first=0)
        elif attr == "dict" and (dotted(func.value) or "").rsplit(".", 1)[-1] == "patch":
            target = _arg(node, 0, "in_dict")
            if target is not None and self.r.is_sys_modules(target):
                self._mapping_call(cand, node, skip=PATCH_DICT_PARAMS, first=1)

    def _mapping_call(
        self, cand: Candidate, node: cst.Call, *, skip: frozenset[str], first: int
    ) -> None:
        """``patch.dict(sys.modules, values, **kw)`` / ``sys.modules.update(values, **kw)``."""
        values = _arg(node, first, "values") if first else _arg(node, 0, "")
        entries: list[Entry] = []
        if values is not None and not self._entries(cand, node, values, cand.scope, entries, 0):
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value not in skip:
                entries.append((arg.keyword.value, arg.value, arg, cand.scope))
            elif arg.star == "**" and not self._entries(
                cand, node, arg.value, cand.scope, entries, 0
            ):
                return
        for module, value, at, scope in entries:
            fake = self.r.fake(value, scope)
            self._site(cand, node, module, fake, "patch_dict", at=at)

    def _entries(
        self,
        cand: Candidate,
        node: cst.Call,
        mapping: cst.BaseExpression,
        scope: Scope,
        out: list[Entry],
        depth: int,
    ) -> bool:
        """Collect the (module, fake) pairs of a mapping; False (after a note) if unknown."""
        if depth > 8:
            return self._unknown_mapping(cand, node, None, scope)
        if isinstance(mapping, cst.Dict):
            for element in mapping.elements:
                if isinstance(element, cst.DictElement):
                    module = self.r.string(element.key, scope)
                    out.append((module, element.value, element if depth == 0 else node, scope))
                elif not self._entries(cand, node, element.value, scope, out, depth + 1):
                    return False
            return True
        if isinstance(mapping, cst.Name):
            found = scope.lookup(mapping.value, self.r.order(mapping))
            binding = found[0] if found else None
            if found and binding and binding.kind == "assign" and binding.value is not None:
                return self._entries(cand, node, binding.value, found[1], out, depth + 1)
        if isinstance(mapping, cst.DictComp):
            return self._unknown_mapping(cand, node, mapping.value, scope)
        return self._unknown_mapping(cand, node, None, scope)

    def _unknown_mapping(
        self, cand: Candidate, node: cst.Call, value: cst.BaseExpression | None, scope: Scope
    ) -> bool:
        # ``{name: MagicMock() for name in NAMES}`` cannot crash on a missing name: no note.
        if value is not None:
            fake = self.r.fake(value, scope)
            if fake.provided is None and fake.note is None:
                return False
        note = "The modules this installs come from a mapping mock-audit cannot follow."
        self._add(self._base_site(cand, node, UNKNOWN_MODULE, "patch_dict", None, (), note))
        return False

    # --- building sites ---

    def _site(
        self,
        cand: Candidate,
        node: cst.CSTNode,
        module: str | None,
        fake: Fake,
        install: InstallKind,
        *,
        at: cst.CSTNode | None = None,
    ) -> None:
        if module is None:
            if fake.provided is None:
                # A loop of spec-less MagicMocks cannot lack a name; a loader helper's
                # ``sys.modules[name] = module`` is not a fake at all. Neither is worth a note.
                return
            note = (
                "The module name is not a constant string, so mock-audit cannot tell which "
                "module this fake replaces."
            )
            self._add(self._base_site(cand, node, UNKNOWN_MODULE, install, at, fake.lines, note))
            return
        site = self._base_site(cand, node, module, install, at, fake.lines, fake.note)
        key = self._key(fake.key) or f"{site.line}:{site.column}"
        fixable = fake.target is not None and fake.provided is not None
        self._add(
            replace(
                site,
                form=fake.form if fake.provided is not None else None,
                provided=fake.provided,
                fixable=fixable,
                fake_key=key,
            )
        )
        if fixable:
            self.analysis.fakes.setdefault(key, fake)

    def _key(self, node: cst.CSTNode | None) -> str | None:
        pos = self.pos(node) if node is not None else None
        return None if pos is None else f"{pos.start.line}:{pos.start.column + 1}"

    def _base_site(
        self,
        cand: Candidate,
        node: cst.CSTNode,
        module: str,
        install: InstallKind,
        at: cst.CSTNode | None,
        fake_lines: tuple[int, ...],
        note: str | None,
    ) -> Site:
        where = self.pos(at or node) or self.pos(node)
        line, column = (where.start.line, where.start.column + 1) if where else (0, 0)
        lines = set(fake_lines) | set(self._lines(node, cand, at))
        return Site(
            path=self.path,
            line=line,
            column=column,
            module=module,
            install=install,
            form=None,
            provided=None,
            fixable=False,
            ignored=_suppress.ignored(self.suppressions, lines),
            note=note,
        )

    def _lines(self, node: cst.CSTNode, cand: Candidate, at: cst.CSTNode | None) -> Iterator[int]:
        # The line that installs the fake: first and last line of the call or statement.
        for item in (node, cand.stmt, at):
            pos = self.pos(item) if item is not None else None
            if pos is not None:
                yield pos.start.line
                yield pos.end.line

    def _add(self, site: Site) -> None:
        self.analysis.sites.append(site)


def _arg(call: cst.Call, index: int, keyword: str) -> cst.BaseExpression | None:
    """The argument at positional ``index`` or passed as ``keyword``."""
    positional = 0
    for arg in call.args:
        if arg.keyword is not None:
            if keyword and arg.keyword.value == keyword:
                return arg.value
            continue
        if arg.star:
            return None  # positions after *args are unknown
        if positional == index:
            return arg.value
        positional += 1
    return None
