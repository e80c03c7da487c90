"""Test helpers: inline sources and edit targets found the way the analysis reports them."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from audit.fixer import apply_edits
from audit.model import EditKind, EditTarget, FakeEdit, Span, StubKind

TYPES: Mapping[EditKind, tuple[type[cst.CSTNode], ...]] = {
    "dict": (cst.Dict,),
    "keywords": (cst.Call,),
    "strings": (cst.List, cst.Tuple, cst.Set),
    "class_body": (cst.ClassDef,),
    "attributes": (cst.SimpleStatementLine, cst.BaseSmallStatement),
}


def dedent(code: str) -> str:
    return textwrap.dedent(code).lstrip("\n")


@dataclass(frozen=True)
class Want:
    """Names to add to the ``index``-th node of ``kind`` whose code contains ``match``."""

    kind: EditKind
    names: str  # "a b:async c:path": a name, with its stub kind when not sync
    match: str = ""
    index: int = 0
    var: str = ""
    module: str = "app.crud"
    folder: tuple[str, ...] = ()  # for a ``__path__``: the real package's folder


def names(spec: str) -> tuple[tuple[str, StubKind], ...]:
    out: list[tuple[str, StubKind]] = []
    for word in spec.split():
        name, _, kind = word.partition(":")
        out.append((name, kind or "sync"))  # type: ignore[arg-type]
    return tuple(sorted(out))


def edits_for(code: str, wants: Sequence[Want]) -> list[FakeEdit]:
    """The edits the analysis would report for ``wants`` in ``code``."""
    wrapper = MetadataWrapper(cst.parse_module(code))
    positions = wrapper.resolve(PositionProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    module = wrapper.module
    out = []
    for want in wants:
        found = [
            node
            for node in positions
            if isinstance(node, TYPES[want.kind]) and want.match in module.code_for_node(node)
        ]
        found.sort(key=lambda n: (positions[n].start.line, positions[n].start.column))
        node = found[want.index]
        statement: cst.CSTNode = node
        while not isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            statement = parents[statement]
        out.append(
            FakeEdit(
                EditTarget(
                    want.kind, span(positions, node), statement_span(positions, statement), want.var
                ),
                want.module,
                names(want.names),
                want.folder,
            )
        )
    return out


def span(positions: Mapping[cst.CSTNode, object], node: cst.CSTNode) -> Span:
    where = positions[node]
    return Span(where.start.line, where.start.column, where.end.line, where.end.column)  # type: ignore[attr-defined]


def statement_span(positions: Mapping[cst.CSTNode, object], node: cst.CSTNode) -> Span:
    whole = span(positions, node)
    decorators = getattr(node, "decorators", ())
    if decorators:
        first = span(positions, decorators[0])
        return Span(first.line, first.column, whole.end_line, whole.end_column)
    return whole


def fix(
    code: str,
    *wants: Want,
    stubs: Mapping[str, str] | None = None,
    line_length: int = 88,
) -> str:
    """``code`` fixed for ``wants``; checks the result compiles and a second fix (with
    edits found again in the result) changes nothing."""
    out = apply_edits(code, edits_for(code, wants), stubs=stubs or {}, line_length=line_length)
    compile(out, "test_x.py", "exec", dont_inherit=True)
    again = apply_edits(out, edits_for(out, wants), stubs=stubs or {}, line_length=line_length)
    assert again == out, "a second fix must change nothing"
    return out


def assert_fix(
    before: str,
    after: str,
    *wants: Want,
    stubs: Mapping[str, str] | None = None,
    line_length: int = 88,
) -> None:
    assert fix(dedent(before), *wants, stubs=stubs, line_length=line_length) == dedent(after)
