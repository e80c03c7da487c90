"""Add missing names to fakes, in each fake's own form, keeping the file's formatting.

Dict fakes get ``"name": stub`` entries, keyword fakes (``SimpleNamespace``) get
``name=stub``, ``ModuleType`` fakes get ``fake.name = stub`` lines after the last
assignment to them, spec'd mocks get ``"name"`` in their spec list, classes of the
file get ``name = stub`` class attributes at the end of their body. New names go at
the end, sorted; a multi-line literal gets one line per name in its indentation and
keeps its trailing comma; a one-line literal stays on one line.

A helper that builds its fake from ``**kwargs`` is edited once, for every caller:
new dict keys go *before* the ``**kwargs`` spread and new keywords are merged into
it (``**{"name": stub, **kwargs}``), so a caller that passes the name itself still
wins and no caller gets "multiple values for keyword argument".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from . import _stubs
from ._scopes import string_value
from ._sites import analyse, parse
from ._targets import (
    AttrTarget,
    CallTarget,
    ClassTarget,
    DictTarget,
    EditTarget,
    Fake,
    SpecTarget,
)
from ._types import ParseFailure, SiteFix, StubKind

__all__ = ["fix_source", "fix_module"]

E = TypeVar("E", bound=cst.CSTNode)


def fix_source(
    source: str, path: str, fixes: Sequence[SiteFix], *, stubs: Mapping[str, str] = {}
) -> str:
    """``source`` with each fix's names added to its fake; unchanged if nothing to add.

    Raises ValueError when the source does not parse or a stub template is not an
    expression (the engine turns that into a per-file error and leaves the file alone).
    """
    if not any(fix.names for fix in fixes):
        return source
    module = parse(source, path)
    if isinstance(module, ParseFailure):
        raise ValueError(f"{path}: {module.message}")
    fakes = analyse(module, source, path).fakes
    return fix_module(module, fakes, fixes, stubs=stubs).code


def fix_module(
    module: cst.Module,
    fakes: Mapping[str, Fake],
    fixes: Sequence[SiteFix],
    *,
    stubs: Mapping[str, str] = {},
) -> cst.Module:
    """Like ``fix_source`` on a parsed module whose ``analyse`` gave ``fakes`` (the edit
    targets are its nodes), so a caller that analysed it already does not do it twice."""
    # Sites that share a fake get the union of their names, applied once.
    wanted: dict[str, dict[str, StubKind]] = {}
    for fix in fixes:
        fake = fakes.get(fix.site.fake_key)
        if fake is None or fake.target is None:
            continue  # not a fake this file still has (or never fixable): nothing to do
        names = wanted.setdefault(fix.site.fake_key, {})
        present = _present(fake)
        for name, kind in fix.names.items():
            if name not in present and name.isidentifier():
                names.setdefault(name, kind)
    edits: dict[int, tuple[EditTarget, list[str]]] = {}
    after: dict[int, list[tuple[str, list[str]]]] = {}
    all_names: dict[str, StubKind] = {}
    for key, names in wanted.items():
        if not names:
            continue
        target = fakes[key].target
        assert target is not None
        ordered = sorted(names)
        if not isinstance(target, SpecTarget):  # a spec entry is a string: no stub, no import
            all_names.update(names)
        if isinstance(target, AttrTarget):
            after.setdefault(id(target.after), []).append((target.var, ordered))
        else:
            edits[id(target.node)] = (target, ordered)
    if not edits and not after:
        return module
    built = _stubs.build(all_names, _stubs.spelling(module), stubs)
    new = module.visit(_Apply(edits, after, built.code))
    if built.imports:
        context = CodemodContext()
        for source_module, name in built.imports:
            AddImportsVisitor.add_needed_import(context, source_module, name)
        new = AddImportsVisitor(context).transform_module(new)
    return new


def _present(fake: Fake) -> set[str]:
    """Names the fake already has where the fixer would add them (never add twice)."""
    target = fake.target
    literal: set[str] = set()
    if isinstance(target, DictTarget):
        for element in target.node.elements:
            if isinstance(element, cst.DictElement):
                key = string_value(element.key)
                if key is not None:
                    literal.add(key)
    elif isinstance(target, CallTarget):
        literal = {a.keyword.value for a in target.node.args if a.keyword is not None}
        if target.star is not None and isinstance(target.star.value, cst.Dict):
            literal |= _present(Fake("dict", None, target=DictTarget(target.star.value)))
    elif isinstance(target, SpecTarget):
        literal = {v for e in target.node.elements if (v := string_value(e.value)) is not None}
    elif isinstance(target, ClassTarget):
        # An instance's ``self.x`` is not a class attribute: a class-object site that
        # shares the class still needs ``x`` added.
        return set(target.present)
    # A helper's names include its callers' keywords; only its own literal names count.
    if fake.form == "kwargs_helper" or fake.provided is None:
        return literal
    return literal | set(fake.provided)


class _Apply(cst.CSTTransformer):
    def __init__(
        self,
        edits: dict[int, tuple[EditTarget, list[str]]],
        after: dict[int, list[tuple[str, list[str]]]],
        code: dict[str, str],
    ) -> None:
        super().__init__()
        self.edits = edits
        self.after = after
        self.code = code

    def stub(self, name: str) -> cst.BaseExpression:
        return cst.parse_expression(self.code[name])

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.BaseExpression:
        edit = self.edits.get(id(original_node))
        target, names = edit if edit is not None else (None, [])
        if not isinstance(target, DictTarget):
            return updated_node
        quote = _quote(original_node)
        new = [cst.DictElement(cst.SimpleString(f"{quote}{n}{quote}"), self.stub(n)) for n in names]
        if target.before is not None:
            index = _index(original_node.elements, target.before)
            around = [*original_node.elements[:index][::-1], *original_node.elements[index:-1]]
            sep = _separator(around, original_node.lbrace.whitespace_after)
            elements = list(updated_node.elements)
            new = [e.with_changes(comma=sep) for e in new]
            return updated_node.with_changes(elements=[*elements[:index], *new, *elements[index:]])
        elements, close = _append(
            updated_node.elements,
            new,
            updated_node.lbrace.whitespace_after,
            updated_node.rbrace.whitespace_before,
        )
        return updated_node.with_changes(
            elements=elements, rbrace=updated_node.rbrace.with_changes(whitespace_before=close)
        )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        edit = self.edits.get(id(original_node))
        target, names = edit if edit is not None else (None, [])
        if not isinstance(target, CallTarget):
            return updated_node
        if target.star is not None:
            return self._merge_into_star(original_node, updated_node, target.star, names)
        equal = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
        new = [cst.Arg(self.stub(n), keyword=cst.Name(n), equal=equal) for n in names]
        args, _ = _append(updated_node.args, new, updated_node.whitespace_before_args, None)
        return updated_node.with_changes(args=args)

    def _merge_into_star(
        self, original: cst.Call, updated: cst.Call, star: cst.Arg, names: list[str]
    ) -> cst.Call:
        index = _index(original.args, star)
        arg = updated.args[index]
        quote = _quote(original)
        entries: list[cst.BaseDictElement] = [
            cst.DictElement(cst.SimpleString(f"{quote}{n}{quote}"), self.stub(n)) for n in names
        ]
        if isinstance(arg.value, cst.Dict):  # merged before: add before its ``**kwargs``
            inner = arg.value
            spreads = [
                i for i, e in enumerate(inner.elements) if isinstance(e, cst.StarredDictElement)
            ]
            spread = spreads[-1] if spreads else len(inner.elements)
            elements = [*inner.elements[:spread], *entries, *inner.elements[spread:]]
            value: cst.BaseExpression = inner.with_changes(elements=_joined(elements))
        else:
            value = cst.Dict(_joined([*entries, cst.StarredDictElement(arg.value)]))
        args = list(updated.args)
        args[index] = arg.with_changes(value=value)
        return updated.with_changes(args=args)

    def _seq(self, original: E, updated: E) -> E:
        edit = self.edits.get(id(original))
        if edit is None or not isinstance(edit[0], SpecTarget):
            return updated
        _, names = edit
        quote = _quote(original)
        new = [cst.Element(cst.SimpleString(f"{quote}{n}{quote}")) for n in names]
        node: Any = updated
        if isinstance(node, cst.Tuple):
            opening = node.lpar[0].whitespace_after if node.lpar else None
            closing = node.rpar[0].whitespace_before if node.rpar else None
            elements, close = _append(node.elements, new, opening, closing)
            last = elements[-1]
            if (
                len(node.elements) == 1
                and isinstance(last.comma, cst.Comma)
                and not isinstance(last.comma.whitespace_after, cst.ParenthesizedWhitespace)
            ):  # ``("a",)``: that comma made the tuple; ``("a", "b")`` needs none
                elements[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            if node.rpar:
                rpar = [node.rpar[0].with_changes(whitespace_before=close), *node.rpar[1:]]
                node = node.with_changes(elements=elements, rpar=rpar)
            return node  # type: ignore[no-any-return]
        bracket = "lbracket" if isinstance(node, cst.List) else "lbrace"
        closer = "rbracket" if isinstance(node, cst.List) else "rbrace"
        elements, close = _append(
            node.elements,
            new,
            getattr(node, bracket).whitespace_after,
            getattr(node, closer).whitespace_before,
        )
        changes = {closer: getattr(node, closer).with_changes(whitespace_before=close)}
        return node.with_changes(elements=elements, **changes)  # type: ignore[no-any-return]

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.BaseExpression:
        return self._seq(original_node, updated_node)

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.BaseExpression:
        return self._seq(original_node, updated_node)

    def leave_Set(self, original_node: cst.Set, updated_node: cst.Set) -> cst.BaseExpression:
        return self._seq(original_node, updated_node)

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        edit = self.edits.get(id(original_node))
        target, names = edit if edit is not None else (None, [])
        if not isinstance(target, ClassTarget):
            return updated_node
        lines = [cst.parse_statement(f"{n} = {self.code[n]}\n") for n in names]
        body = updated_node.body
        if isinstance(body, cst.SimpleStatementSuite):
            # ``class F: pass``: becomes an indented block in the module's indentation.
            first = cst.SimpleStatementLine(body.body)
            block = cst.IndentedBlock([first, *lines], header=body.trailing_whitespace)
            return updated_node.with_changes(body=block)
        assert isinstance(body, cst.IndentedBlock)
        if body.body and isinstance(body.body[-1], cst.BaseCompoundStatement):
            # After a method: one blank line, as between the methods themselves.
            lines[0] = lines[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        return updated_node.with_changes(body=body.with_changes(body=[*body.body, *lines]))

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        groups = self.after.get(id(original_node))
        if not groups:
            return updated_node
        lines: list[cst.BaseStatement] = [updated_node]
        for var, names in groups:
            for name in names:
                lines.append(cst.parse_statement(f"{var}.{name} = {self.code[name]}\n"))
        return cst.FlattenSentinel(lines)


# --- appending to bracketed, comma-separated sequences ---


def _comma(after: cst.BaseParenthesizableWhitespace) -> cst.Comma:
    return cst.Comma(cst.SimpleWhitespace(""), after)


def _joined(elements: Sequence[E]) -> list[E]:
    """One line: ``a, b, c``."""
    out: list[E] = [e.with_changes(comma=_comma(cst.SimpleWhitespace(" "))) for e in elements]
    if out:
        out[-1] = out[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return out


def _line_break(indent_from: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    """A line break followed by the indentation of ``indent_from``, with no comment."""
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        empty_lines=[],
        indent=indent_from.indent,
        last_line=indent_from.last_line,
    )


def _separator(
    neighbours: Sequence[Any], opening: cst.BaseParenthesizableWhitespace | None
) -> cst.Comma:
    """The comma (and line break, in a multi-line literal) that goes between elements.

    ``neighbours`` are elements whose comma separates two elements (never the last
    element's comma, which leads to the closing bracket), nearest first.
    """
    for element in neighbours:
        comma = element.comma
        if isinstance(comma, cst.Comma) and isinstance(
            comma.whitespace_after, cst.ParenthesizedWhitespace
        ):
            return _comma(_line_break(comma.whitespace_after))
    if isinstance(opening, cst.ParenthesizedWhitespace):
        return _comma(_line_break(opening))
    return _comma(cst.SimpleWhitespace(" "))


def _append(
    elements: Sequence[E],
    new: Sequence[E],
    opening: cst.BaseParenthesizableWhitespace | None,
    closing: cst.BaseParenthesizableWhitespace | None,
) -> tuple[list[E], Any]:
    """``elements + new`` in the literal's own layout; also the new closing whitespace."""
    if not elements:
        return _joined(new), closing
    last: Any = elements[-1]
    trailing = isinstance(last.comma, cst.Comma)
    after_arg = last.whitespace_after_arg if isinstance(last, cst.Arg) else None
    pieces = [last.comma.whitespace_after if trailing else None, after_arg, closing]
    gap = next((p for p in pieces if isinstance(p, cst.ParenthesizedWhitespace)), None)
    if gap is None:  # one line: stays one line
        sep = _comma(cst.SimpleWhitespace(" "))
        head = last.with_changes(comma=sep)
        tail: list[Any] = [e.with_changes(comma=sep) for e in new]
        tail[-1] = tail[-1].with_changes(comma=last.comma)
        if isinstance(last, cst.Arg):  # ``f(a=1 )``: the space stays before ``)``
            head = head.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
            tail[-1] = tail[-1].with_changes(whitespace_after_arg=last.whitespace_after_arg)
        return [*elements[:-1], head, *tail], closing
    sep_comma = _separator(list(elements[:-1])[::-1], opening)
    indent = sep_comma.whitespace_after
    if not isinstance(indent, cst.ParenthesizedWhitespace):
        # A one-element literal opened on the same line as its bracket: indent one level more.
        indent = gap.with_changes(last_line=cst.SimpleWhitespace(gap.last_line.value + "    "))
        sep_comma = _comma(_line_break(indent))
    # The old last element keeps its trailing comment on its own line.
    head_after = cst.ParenthesizedWhitespace(
        first_line=gap.first_line, empty_lines=[], indent=indent.indent, last_line=indent.last_line
    )
    before = last.comma.whitespace_before if trailing else cst.SimpleWhitespace("")
    head = last.with_changes(comma=cst.Comma(before, head_after))
    if isinstance(last, cst.Arg):
        head = head.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
    close_gap = cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        empty_lines=gap.empty_lines,
        indent=gap.indent,
        last_line=gap.last_line,
    )
    tail = [e.with_changes(comma=sep_comma) for e in new]
    end: Any = tail[-1]
    if gap is pieces[0]:
        end = end.with_changes(comma=_comma(close_gap))
    elif trailing:
        end = end.with_changes(comma=_comma(cst.SimpleWhitespace("")))
    else:
        end = end.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    if gap is pieces[1]:
        end = end.with_changes(whitespace_after_arg=close_gap)
    tail[-1] = end
    new_closing = close_gap if gap is pieces[2] else closing
    return [*elements[:-1], head, *tail], new_closing


def _index(items: Sequence[cst.CSTNode], wanted: cst.CSTNode) -> int:
    return next(i for i, item in enumerate(items) if item is wanted)


def _quote(node: cst.CSTNode) -> str:
    """The quote the literal's own string keys use (double by default)."""
    for child in _walk(node):
        if isinstance(child, cst.SimpleString) and child.prefix == "":
            return child.quote[0] if len(child.quote) == 1 else '"'
    return '"'


def _walk(node: cst.CSTNode, depth: int = 0) -> list[cst.CSTNode]:
    if depth > 3:
        return []
    out: list[cst.CSTNode] = []
    for child in node.children:
        out.append(child)
        out.extend(_walk(child, depth + 1))
    return out
