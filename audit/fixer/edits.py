"""Apply ``FakeEdit``s to source text, one statement at a time.

The file is never parsed as a whole: for each statement an edit targets, its lines are
cut out, parsed alone with libcst (an indented one under an ``if True:`` line), edited
by a small transformer, laid out (``layout``) and spliced back. Every byte outside the
edited statements stays as it was; missing imports go in last (``imports``).
"""

from __future__ import annotations

import ast
import io
import keyword
import re
import tokenize
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, ParentNodeProvider, PositionProvider

from audit.errors import AuditError
from audit.model import EditKind, FakeEdit, Span, StubKind

from ..sourcefile import split_lines
from . import imports, layout
from .stubs import Spelling, TemplateError, spelling, stub_for

#: Deeper bracket nesting than this is refused: libcst's native parser can crash the
#: process on very deep nesting, where ``ast`` and ``tokenize`` fail cleanly.
MAX_DEPTH = 100
_WRAPPER = "if True:\n"


class FixError(AuditError, ValueError):
    """An edit that cannot be applied; the message says which statement and why."""

    def __init__(self, message: str, line: int = 0) -> None:
        self.line = line  # the statement's first line (0 when not about one)
        super().__init__(message)


def apply_edits(
    text: str,
    edits: Sequence[FakeEdit],
    *,
    stubs: Mapping[str, str] = {},
    line_length: int = 88,
) -> str:
    """``text`` with each edit's names added to its fake; unchanged when nothing is left
    to add. Raises FixError when a statement cannot be parsed or edited, or a stub
    template is not an expression."""
    todo = [edit for edit in edits if edit.names]
    if not todo:
        return text
    lines = split_lines(text)
    header = imports.scan(lines)
    found = re.search(r"\r\n|\r|\n", text)
    context = _Context(
        folders={e.module: e.folder for e in todo if e.folder},
        spell=spelling(header.imports),
        templates=stubs,
        line_length=line_length,
        unit=layout.indent_unit(text),
        newline=found.group() if found else "\n",
    )
    for start, end, group in reversed(_groups(todo)):
        if start < 1 or end > len(lines):
            raise FixError(f"Line {start}: the edit is outside the file.", start)
        present = {id(e): _assigned(lines, e) for e in group if e.target.kind == "attributes"}
        lines[start - 1 : end] = _Statement(lines[start - 1 : end], start, context).edit(
            group, present
        )
    if context.needs:
        lines = imports.add_imports(
            lines,
            sorted(context.needs),
            newline=context.newline,
            line_length=line_length,
            unit=context.unit,
        )
    return "".join(lines)


@dataclass
class _Context:
    folders: Mapping[str, tuple[str, ...]]  # a faked package -> its real folder
    spell: Spelling
    templates: Mapping[str, str]
    line_length: int
    unit: str
    newline: str
    needs: set[imports.Need] = field(default_factory=set)

    def stub(self, name: str, kind: StubKind, module: str) -> cst.BaseExpression:
        try:
            folder = self.folders.get(module, ())
            made = stub_for(name, kind, module, self.spell, self.templates, folder)
            node = cst.parse_expression(made.code)
        except TemplateError as exc:
            raise FixError(str(exc)) from None
        except cst.ParserSyntaxError as exc:
            raise FixError(f"The stub for {name!r} does not parse: {exc.message}.") from None
        self.needs.update(made.needs)
        return node


def _groups(edits: Sequence[FakeEdit]) -> list[tuple[int, int, list[FakeEdit]]]:
    """Edits grouped by statement: statements that share a line are edited together."""
    out: list[tuple[int, int, list[FakeEdit]]] = []
    for edit in sorted(edits, key=lambda e: (e.target.statement.line, e.target.statement.end_line)):
        span = edit.target.statement
        if out and span.line <= out[-1][1]:
            start, end, group = out[-1]
            out[-1] = (start, max(end, span.end_line), [*group, edit])
        else:
            out.append((span.line, span.end_line, [edit]))
    return out


def _assigned(lines: Sequence[str], edit: FakeEdit) -> set[str]:
    """Names ``var.name = ...`` (or ``setattr(var, "name", ...)``) sets in the block of
    the statement, at its indentation: never add one twice."""
    span = edit.target.statement
    first = lines[span.line - 1]
    indent = first[: len(first) - len(first.lstrip(" \t"))]
    var = re.escape(edit.target.var)
    pattern = re.compile(
        rf"{re.escape(indent)}(?:{var}\s*\.\s*(\w+)\s*(?::[^=\r\n]*)?=(?!=)"
        rf"|setattr\(\s*{var}\s*,\s*[\"'](\w+)[\"'])"
    )
    names: set[str] = set()

    def look(index: int) -> bool:
        line = lines[index]
        stripped = line.lstrip(" \t")
        if not stripped.strip() or stripped.startswith("#"):
            return True
        if len(line) - len(stripped) < len(indent):
            return False  # the block ended
        found = pattern.match(line)
        if found is not None:
            names.add(found.group(1) or found.group(2))
        return True

    index = span.line - 2
    while index >= 0 and look(index):
        index -= 1
    index = span.line - 1
    while index < len(lines) and look(index):
        index += 1
    return names


# --- one statement ------------------------------------------------------------


_TYPES: Mapping[EditKind, tuple[type[cst.CSTNode], ...]] = {
    "dict": (cst.Dict,),
    "keywords": (cst.Call,),
    "strings": (cst.List, cst.Tuple, cst.Set),
    "class_body": (cst.ClassDef,),
    "attributes": (cst.BaseSmallStatement, cst.SimpleStatementLine, cst.BaseCompoundStatement),
}


class _Statement:
    """The lines of one statement (or of statements that share lines), edited alone."""

    def __init__(self, chunk: Sequence[str], first: int, context: _Context) -> None:
        self.first = first
        self.context = context
        self.body = [line.rstrip("\r\n") for line in chunk]
        self.endings = [line[len(body) :] for line, body in zip(chunk, self.body, strict=True)]
        self.newline = next((e for e in self.endings if e), context.newline)

    def edit(self, group: Sequence[FakeEdit], present: Mapping[int, set[str]]) -> list[str]:
        body = list(self.body)
        blanked = ""
        try:
            module, wrapped = self._parse(body)
        except FixError:
            # ``else: x = {}``, ``a = 1; b = {}``: the statement does not start its line.
            column = min(e.target.statement.column for e in group)
            prefix = body[0][:column]
            if not prefix.strip() or len(prefix) < column:
                raise
            blanked, body[0] = prefix, " " * column + body[0][column:]
            module, wrapped = self._parse(body)
        plans = self._plans(module, wrapped, group, present)
        apply = _Apply(plans, self.context)
        try:
            new = module.visit(apply)
        except RecursionError:
            raise FixError(f"Line {self.first}: the statement is too deeply nested.") from None
        if not apply.changed:
            return [b + e for b, e in zip(self.body, self.endings, strict=True)]
        code = self._fit(new.code, set(body), wrapped)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "\\d" in user code is theirs
                ast.parse(code)
        except SyntaxError as exc:
            raise FixError(f"Line {self.first}: the edit would not compile: {exc.msg}.") from None
        out = code.split("\n")
        if wrapped:
            out = out[1:]
        if out and out[-1] == "" and self.endings[-1]:
            out.pop()
        if blanked:
            out[0] = blanked + out[0][len(blanked) :]
        return self._endings(out)

    def _parse(self, body: Sequence[str]) -> tuple[cst.Module, bool]:
        wrapped = bool(body[0][:1].isspace())
        code = "\n".join(body) + ("\n" if self.endings[-1] else "")
        source = _WRAPPER + code if wrapped else code
        _check_depth(source, self.first)
        try:
            return cst.parse_module(source), wrapped
        except cst.ParserSyntaxError as exc:
            line = self.first + exc.raw_line - 1 - wrapped
            raise FixError(
                f"Line {line}: the statement does not parse: {exc.message}.", line
            ) from None
        except RecursionError:
            raise FixError(f"Line {self.first}: the statement is too deeply nested.") from None

    def _plans(
        self,
        module: cst.Module,
        wrapped: bool,
        group: Sequence[FakeEdit],
        present: Mapping[int, set[str]],
    ) -> dict[_PlanKey, _Plan]:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        positions = wrapper.resolve(PositionProvider)
        parents = wrapper.resolve(ParentNodeProvider)
        plans: dict[_PlanKey, _Plan] = {}
        code_lines = module.code.split("\n")
        for edit in group:
            target = edit.target
            node = _find(positions, _TYPES[target.kind], self._local(target.node, wrapped), wrapped)
            if node is None:
                span = target.node
                raise FixError(
                    f"Line {span.line}, column {span.column + 1}: no {target.kind} target "
                    "there (the file changed since it was analysed?).",
                    span.line,
                )
            if target.kind == "attributes" and not target.var:
                raise FixError(f"Line {self.first}: an attributes edit needs the name to set.")
            if target.kind == "attributes" and isinstance(node, cst.BaseSmallStatement):
                node = parents[node]
            skip = present.get(id(edit), set())
            names = [(n, k, edit.module) for n, k in edit.names if n not in skip]
            if target.kind not in ("dict", "strings"):
                bad = [n for n, _, _ in names if not n.isidentifier() or keyword.iskeyword(n)]
                if bad:
                    raise FixError(
                        f"Line {self.first}: {bad[0]!r} is not a name that can be added."
                    )
            # attributes set through different names (``pkg.x`` and ``pkg.sub.y``) after
            # one statement are two plans: each line names its own variable
            var = target.var if target.kind == "attributes" else ""
            plan = plans.setdefault((id(node), target.kind, var), _Plan())
            end = positions[node].end
            rest = code_lines[end.line - 1][end.column :].lstrip()
            plan.hugged = rest[:1] in (")", "]", "}")
            plan.names += [n for n in names if n[0] not in {m for m, _, _ in plan.names}]
        return plans

    def _local(self, span: Span, wrapped: bool) -> tuple[int, int, int, int]:
        shift = self.first - 1 - wrapped
        return (span.line - shift, span.column, span.end_line - shift, span.end_column)

    def _fit(self, code: str, old: set[str], wrapped: bool) -> str:
        """Split the new or changed lines that got longer than the line length."""
        lines = code.split("\n")
        long = [
            number
            for number, line in enumerate(lines, 1)
            if line not in old
            and layout.measured(line) > self.context.line_length
            and (number > 1 or not wrapped)
        ]
        for number in reversed(long):
            code = layout.fit_line(code, number, self.context.line_length, self.context.unit)
        return code

    def _endings(self, out: list[str]) -> list[str]:
        """Each line with its newline: unchanged lines keep their own; in the changed
        part, old lines' newlines are kept in order, the last line keeps the statement's
        last newline and new lines get its first (so mixed newlines all survive)."""
        old, ends = self.body, self.endings
        head = 0
        while head < min(len(old), len(out)) and old[head] == out[head]:
            head += 1
        tail = 0
        while (
            tail < min(len(old), len(out)) - head
            and old[len(old) - 1 - tail] == out[len(out) - 1 - tail]
        ):
            tail += 1
        changed_old = ends[head : len(ends) - tail]
        middle = len(out) - head - tail
        fill = [*changed_old[:-1], *[self.newline] * middle][: max(middle - 1, 0)]
        if middle:
            fill.append(changed_old[-1] if changed_old else self.newline)
        endings = [*ends[:head], *fill, *ends[len(ends) - tail :]]
        # Only the very last line may lack a newline (a file that ends without one).
        endings = [e or self.newline for e in endings[:-1]] + [ends[-1]]
        return [line + ending for line, ending in zip(out, endings, strict=True)]


def _check_depth(source: str, first: int) -> None:
    depth = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type != tokenize.OP:
                continue
            if tok.string in "([{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise FixError(
                        f"Line {first}: brackets nest more than {MAX_DEPTH} deep; "
                        "the statement is left alone.",
                        first,
                    )
            elif tok.string in ")]}":
                depth -= 1
    except (tokenize.TokenError, SyntaxError) as exc:
        raise FixError(f"Line {first}: the statement does not parse: {exc}.", first) from None


def _find(
    positions: Mapping[cst.CSTNode, CodeRange],
    types: tuple[type[cst.CSTNode], ...],
    span: tuple[int, int, int, int],
    wrapped: bool,
) -> cst.CSTNode | None:
    """The node of ``types`` at ``span``: the one exactly there, else the outermost one
    inside it (``span`` may include parentheses or decorators), else the innermost one
    around its start."""
    start, end = span[:2], span[2:]
    found: list[tuple[cst.CSTNode, tuple[int, int], tuple[int, int]]] = []
    for node, where in positions.items():
        if isinstance(node, types) and (where.start.line > 1 or not wrapped):
            found.append(
                (node, (where.start.line, where.start.column), (where.end.line, where.end.column))
            )
    exact = [node for node, a, b in found if (a, b) == (start, end)]
    if exact:
        return exact[0]
    inside = [(a, (-b[0], -b[1]), n) for n, a, b in found if start <= a and b <= end]
    if inside:
        return min(inside, key=lambda t: (t[0], t[1]))[2]
    around = [((-a[0], -a[1]), b, n) for n, a, b in found if a <= start < b]
    if around:
        return min(around, key=lambda t: (t[0], t[1]))[2]
    return None


# --- the transformer ----------------------------------------------------------


@dataclass
class _Plan:
    """What goes into one node (its kind and, for attributes, the variable are its key)."""

    names: list[tuple[str, StubKind, str]] = field(default_factory=list)  # name, kind, module
    hugged: bool = False  # its closing bracket is followed by another: ``})``


_PlanKey = tuple[int, EditKind, str]  # (id of the node, kind, variable of attributes)


class _Apply(cst.CSTTransformer):
    def __init__(self, plans: dict[_PlanKey, _Plan], context: _Context) -> None:
        super().__init__()
        self.plans = plans
        self.context = context
        self.changed = False
        self.attribute_vars: dict[int, list[str]] = {}  # node id -> variables, in order
        for node, kind, var in plans:
            if kind == "attributes":
                self.attribute_vars.setdefault(node, []).append(var)

    def _todo(
        self, node: cst.CSTNode, kind: EditKind, present: set[str], var: str = ""
    ) -> list[tuple[str, StubKind, str]]:
        plan = self.plans.get((id(node), kind, var))
        if plan is None:
            return []
        todo = [n for n in plan.names if n[0] not in present]
        self.changed = self.changed or bool(todo)
        return todo

    def _hugged(self, node: cst.CSTNode, kind: EditKind) -> bool:
        plan = self.plans.get((id(node), kind, ""))
        return plan is not None and plan.hugged

    def _string(self, node: cst.CSTNode, name: str) -> cst.SimpleString:
        quote = _own_quote(node) or '"'
        return cst.SimpleString(f"{quote}{name}{quote}")

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.BaseExpression:
        todo = self._todo(original_node, "dict", _keys(original_node.elements))
        if not todo:
            return updated_node
        new = [
            cst.DictElement(self._string(original_node, n), self.context.stub(n, k, m))
            for n, k, m in todo
        ]
        elements = updated_node.elements
        # New entries go before trailing ``**spread``s, so what a spread brings still wins.
        at = len(elements)
        while at and isinstance(elements[at - 1], cst.StarredDictElement):
            at -= 1
        added = layout.add_items(
            elements,
            new,
            updated_node.lbrace.whitespace_after,
            updated_node.rbrace.whitespace_before,
            unit=self.context.unit,
            at=at if at < len(elements) else None,
            hugged=self._hugged(original_node, "dict"),
        )
        rbrace = updated_node.rbrace.with_changes(whitespace_before=added.closing)
        return updated_node.with_changes(elements=added.items, rbrace=rbrace)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        have = {a.keyword.value for a in original_node.args if a.keyword is not None}
        for arg in original_node.args:
            if arg.star == "**" and isinstance(arg.value, cst.Dict):
                have |= _keys(arg.value.elements)
        todo = self._todo(original_node, "keywords", have)
        if not todo:
            return updated_node
        equal = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
        new = [
            cst.Arg(self.context.stub(n, k, m), keyword=cst.Name(n), equal=equal)
            for n, k, m in todo
        ]
        added = layout.add_items(
            updated_node.args,
            new,
            updated_node.whitespace_before_args,
            None,
            call=True,
            unit=self.context.unit,
        )
        return updated_node.with_changes(args=added.items)

    def _strings(self, original: Any, updated: Any, opening: Any, closing: Any) -> tuple[Any, Any]:
        have = {v for e in original.elements if (v := _string_value(e.value)) is not None}
        todo = self._todo(original, "strings", have)
        if not todo:
            return None, None
        new = [cst.Element(self._string(original, n)) for n, _, _ in todo]
        added = layout.add_items(
            updated.elements,
            new,
            opening,
            closing,
            tuple_=isinstance(original, cst.Tuple),
            unit=self.context.unit,
            hugged=self._hugged(original, "strings"),
        )
        return added.items, added.closing

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.BaseExpression:
        items, close = self._strings(
            original_node,
            updated_node,
            updated_node.lbracket.whitespace_after,
            updated_node.rbracket.whitespace_before,
        )
        if items is None:
            return updated_node
        rbracket = updated_node.rbracket.with_changes(whitespace_before=close)
        return updated_node.with_changes(elements=items, rbracket=rbracket)

    def leave_Set(self, original_node: cst.Set, updated_node: cst.Set) -> cst.BaseExpression:
        items, close = self._strings(
            original_node,
            updated_node,
            updated_node.lbrace.whitespace_after,
            updated_node.rbrace.whitespace_before,
        )
        if items is None:
            return updated_node
        rbrace = updated_node.rbrace.with_changes(whitespace_before=close)
        return updated_node.with_changes(elements=items, rbrace=rbrace)

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.BaseExpression:
        lpar, rpar = updated_node.lpar, updated_node.rpar
        items, close = self._strings(
            original_node,
            updated_node,
            lpar[-1].whitespace_after if lpar else None,
            rpar[0].whitespace_before if rpar else None,
        )
        if items is None:
            return updated_node
        if rpar:
            rpar = [rpar[0].with_changes(whitespace_before=close), *rpar[1:]]
        return updated_node.with_changes(elements=items, rpar=rpar)

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        todo = self._todo(original_node, "class_body", _class_names(original_node))
        if not todo:
            return updated_node
        lines = [self._line("", n, k, m) for n, k, m in todo]
        return updated_node.with_changes(body=self._append(updated_node.body, lines))

    def on_leave(self, original_node: Any, updated_node: Any) -> Any:
        result = super().on_leave(original_node, updated_node)
        lines = [
            self._line(var, n, k, m)
            for var in self.attribute_vars.get(id(original_node), ())
            for n, k, m in self._todo(original_node, "attributes", set(), var)
        ]
        if not lines:
            return result
        if isinstance(result, cst.SimpleStatementSuite):  # ``if x: fake = M()``
            return self._append(result, lines)
        return cst.FlattenSentinel([result, *lines])

    def _line(self, var: str, name: str, kind: StubKind, module: str) -> cst.SimpleStatementLine:
        """``name = stub``, or ``var.name = stub`` when ``var`` is given."""
        value = self.context.stub(name, kind, module)
        target: cst.BaseAssignTargetExpression = cst.Name(name)
        if var:
            try:
                target = cst.Attribute(cst.parse_expression(var), cst.Name(name))
            except cst.ParserSyntaxError:
                raise FixError(f"{var!r} is not a name whose attributes can be set.") from None
        return cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(target)], value)])

    def _append(
        self, body: cst.BaseSuite, lines: Sequence[cst.SimpleStatementLine]
    ) -> cst.IndentedBlock:
        if isinstance(body, cst.SimpleStatementSuite):
            # A one-line body (``class F: pass``) becomes a block in the file's indentation.
            first = cst.SimpleStatementLine(body.body, trailing_whitespace=body.trailing_whitespace)
            return cst.IndentedBlock([first, *lines], indent=self.context.unit)
        assert isinstance(body, cst.IndentedBlock)
        new = list(lines)
        if body.body and isinstance(body.body[-1], cst.BaseCompoundStatement):
            # After a method: one blank line, as between the methods themselves.
            new[0] = new[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        return body.with_changes(body=[*body.body, *new])


def _string_value(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _keys(elements: Sequence[cst.BaseDictElement]) -> set[str]:
    return {
        key
        for e in elements
        if isinstance(e, cst.DictElement) and (key := _string_value(e.key)) is not None
    }


def _class_names(node: cst.ClassDef) -> set[str]:
    """Names the class body binds at its own level."""
    body = node.body.body
    names: set[str] = set()
    for stmt in body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            names.add(stmt.name.value)
        small = stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()
        if isinstance(stmt, cst.BaseSmallStatement):
            small = (stmt,)
        for part in small:
            targets: list[cst.BaseExpression] = []
            if isinstance(part, cst.Assign):
                targets = [t.target for t in part.targets]
            elif isinstance(part, (cst.AnnAssign, cst.AugAssign)):
                targets = [part.target]
            for target in targets:
                names |= _bound(target)
    return names


def _bound(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {n for e in target.elements for n in _bound(e.value)}
    return set()


def _own_quote(node: cst.CSTNode) -> str:
    """The quote of the node's own string items or keys ("" when it has none)."""
    elements: Sequence[Any] = getattr(node, "elements", ())
    for element in elements:
        value = getattr(element, "key", None) or getattr(element, "value", None)
        if isinstance(value, cst.SimpleString) and not value.prefix:
            return value.quote if len(value.quote) == 1 else '"'
    return ""
