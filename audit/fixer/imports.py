"""Find a file's module-level imports and add missing ones where isort and ruff put them.

Only the head of the file is tokenized: the docstring, the first run of imports and the
first statement after it. Later module-level imports of the mock modules are found by a
line search, so a huge test file is never read as a whole. A new name joins an existing
``from module import ...`` (in ruff's order: CONSTANTS, Classes, functions); a new
statement goes into the standard-library group of the first import block, sorted, or
starts that group before the third-party ones.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import sys
import tokenize
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .layout import measured

#: One import a stub needs: ``(module, name)`` is ``from module import name``;
#: ``(module, "")`` is ``import module``.
Need = tuple[str, str]
ImportNode = ast.Import | ast.ImportFrom

STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"__future__"}
# Later imports worth finding: the ones that decide how mocks and importlib are spelled.
_LATER = re.compile(
    r"^(?:from[ \t]+(?:unittest|mock|importlib)\b|import[ \t][^\r\n#;]*\b(?:mock|importlib)\b)",
    re.M,
)


@dataclass(frozen=True)
class Statement:
    """A module-level statement: lines ``start:end`` (0-based), comments from ``lead``."""

    start: int
    end: int
    lead: int  # first line of the comment lines right above it (``start`` when none)
    nodes: tuple[ast.stmt, ...] = ()
    first: str = ""  # its first token ("import", "def", "@", ...)

    @property
    def imports(self) -> tuple[ImportNode, ...]:
        return tuple(n for n in self.nodes if isinstance(n, (ast.Import, ast.ImportFrom)))


@dataclass(frozen=True)
class Header:
    """The head of a file, as isort sees it."""

    docstring_end: int  # the line after the module docstring; 0 without one
    top: int  # where imports go when there are none: after the docstring, or the
    # comment lines that open the file
    block: tuple[Statement, ...]  # the first run of module-level import statements
    after: Statement | None  # the first statement after the block (or after the top)
    later: tuple[Statement, ...]  # later module-level imports of the mock modules

    @property
    def imports(self) -> tuple[ImportNode, ...]:
        return tuple(node for s in (*self.block, *self.later) for node in s.imports)


def scan(lines: Sequence[str]) -> Header:
    """The docstring, import block and later mock imports of a file split into lines."""
    statements, complete = _head(lines)
    docstring_end = 0
    block: list[Statement] = []
    after: Statement | None = None
    for index, stmt in enumerate(statements):
        if index == 0 and _is_docstring(stmt):
            docstring_end = stmt.end
        elif stmt.nodes and len(stmt.imports) == len(stmt.nodes):
            block.append(stmt)
        else:
            after = stmt
            break
    top = docstring_end
    if not docstring_end:
        while top < len(lines) and lines[top].lstrip().startswith("#"):
            top += 1
    seen = statements[-1].end if statements and complete else len(lines)
    if after is not None:
        seen = after.start
    later = tuple(_later_imports(lines, seen)) if seen < len(lines) else ()
    return Header(docstring_end, top, tuple(block), after, later)


def _normalized(lines: Sequence[str]) -> Iterator[str]:
    for line in lines:
        yield line.rstrip("\r\n") + "\n" if line.endswith(("\r", "\n")) else line


def _head(lines: Sequence[str]) -> tuple[list[Statement], bool]:
    """Module-level statements from the top up to the first one that is not an import
    (or the docstring). The bool says the scan stopped there rather than at the end."""
    out: list[Statement] = []
    start = -1
    first = ""
    try:
        for tok in tokenize.generate_tokens(_normalized(lines).__next__):
            if tok.type == tokenize.ENDMARKER:
                break
            if start < 0:
                if tok.type in (tokenize.NL, tokenize.COMMENT, tokenize.NEWLINE):
                    continue
                start, first = tok.start[0] - 1, tok.string
                if tok.type == tokenize.INDENT or first in _DEFINITION:
                    out.append(_statement(lines, start, start + 1, (), first))
                    return out, True  # a definition: the head ends here
            if tok.type == tokenize.NEWLINE:
                end = tok.end[0] if tok.string else tok.start[0]
                stmt = _statement(lines, start, end, None, first)
                out.append(stmt)
                start = -1
                docstring = len(out) == 1 and _is_docstring(stmt)
                if not docstring and not (stmt.nodes and len(stmt.imports) == len(stmt.nodes)):
                    return out, True
    except (StopIteration, tokenize.TokenError, SyntaxError):
        pass
    return out, False


def _statement(
    lines: Sequence[str],
    start: int,
    end: int,
    nodes: tuple[ast.stmt, ...] | None,
    first: str = "",
) -> Statement:
    if nodes is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "\\d" in user code is theirs
                nodes = tuple(ast.parse("".join(_normalized(lines[start:end]))).body)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            nodes = ()
    lead = start
    while lead > 0 and lines[lead - 1].lstrip().startswith("#"):
        lead -= 1
    return Statement(start, end, lead, nodes, first)


def _is_docstring(stmt: Statement) -> bool:
    node = stmt.nodes[0] if len(stmt.nodes) == 1 else None
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _later_imports(lines: Sequence[str], first: int) -> Iterator[Statement]:
    text = "".join(lines)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    for found in _LATER.finditer(text, starts[first]):
        # Not inside a triple-quoted string (a cheap test, good enough for these lines).
        before = text[: found.start()]
        if before.count('"""') % 2 or before.count("'''") % 2:
            continue
        start = bisect.bisect_right(starts, found.start()) - 1
        for end in range(start + 1, min(start + 50, len(lines)) + 1):
            stmt = _statement(lines, start, end, None)
            if stmt.nodes:
                if len(stmt.imports) == len(stmt.nodes):
                    yield stmt
                break


# --- adding imports -------------------------------------------------------------


def add_imports(
    lines: Sequence[str], needs: Iterable[Need], *, newline: str, line_length: int, unit: str
) -> list[str]:
    """``lines`` with each needed import added (merged into an existing statement of its
    module when there is one), in isort/ruff order."""
    header = scan(lines)
    wanted: dict[str, set[str]] = {}
    for module, name in needs:
        wanted.setdefault(module, set()).add(name)
    changes: dict[int, tuple[int, list[str]]] = {}  # start -> (end, new lines)
    new: list[tuple[tuple[int, str, str], list[str]]] = []
    for module, names in sorted(wanted.items()):
        froms = sorted(n for n in names if n)
        if "" in names:
            new.append(((0, *_module_key(module)), [f"import {module}{newline}"]))
        if not froms:
            continue
        target = _merge_target(header, module)
        merged = (
            None if target is None else _merged(lines, target, froms, newline, line_length, unit)
        )
        if target is not None and merged is not None:
            changes[target.start] = (target.end, merged)
        else:
            text = _render_from(module, froms, "", newline, line_length, unit, wrap=False)
            new.append(((1, *_module_key(module)), text))
    for at, (end, text) in _placed(header, sorted(new), newline, lines).items():
        end, old = changes.get(at, (end, []))
        changes[at] = (end, [*text, *old])
    out = list(lines)
    if out and not out[-1].endswith(("\r", "\n")) and any(s >= len(out) for s in changes):
        out[-1] += newline
    for start in sorted(changes, reverse=True):
        end, text = changes[start]
        before = out[start - 1] if start > 0 else ""
        out[start:end] = _seamed(text, before, out[end] if end < len(out) else "")
    return out


def _seamed(text: list[str], before: str, after: str) -> list[str]:
    """``text`` with line ends that cannot run into the file's own: in a file of mixed
    newlines a line ending in "\r" followed by one starting with "\n" would read as a
    single "\r\n", so a line (ours, or the file's) would vanish."""
    if not text:
        return text
    text = list(text)
    if before.endswith("\r") and text[0].startswith("\n"):
        text[0] = "\r" + text[0][1:]
    if after.startswith("\n") and text[-1].endswith("\r"):
        text[-1] += "\n"
    return text


def _module_key(module: str) -> tuple[str, str]:
    return (_natural(module.lower()), module)


def _natural(text: str) -> str:
    # Ruff compares digit runs as numbers; zero-padding them gives the same order.
    return re.sub(r"\d+", lambda m: m.group().zfill(20), text)


def member_key(name: str) -> tuple[int, str, str]:
    """Ruff's default member order: CONSTANTS, then Classes, then everything else."""
    if len(name) > 1 and name.isupper():
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return (kind, _natural(name.lower()), name)


def _merge_target(header: Header, module: str) -> Statement | None:
    for stmt in (*header.block, *header.later):
        node = stmt.nodes[0] if len(stmt.nodes) == 1 else None
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module == module
            and all(a.asname is None and a.name != "*" for a in node.names)
        ):
            return stmt
    return None


def _merged(
    lines: Sequence[str],
    stmt: Statement,
    names: Sequence[str],
    newline: str,
    line_length: int,
    unit: str,
) -> list[str] | None:
    """The statement with ``names`` joined in, or None when its layout is not one this
    can keep (comments between names on a shared line)."""
    node = stmt.nodes[0]
    assert isinstance(node, ast.ImportFrom) and node.module is not None
    have = [a.name for a in node.names]
    add = [n for n in names if n not in have]
    if not add:
        return list(lines[stmt.start : stmt.end])
    text = "".join(lines[stmt.start : stmt.end])
    comments = [c for c in _comments(text)]
    wrapped = "(" in text and text.rstrip().rstrip(")").rstrip().endswith(",")
    if len(comments) == 1 and stmt.end - stmt.start == 1:
        return _render_from(node.module, [*have, *add], comments[0], newline, line_length, unit)
    if not comments:
        return _render_from(
            node.module, [*have, *add], "", newline, line_length, unit, wrap=wrapped
        )
    if not wrapped or any(a.lineno == a.end_lineno == 1 for a in node.names):
        return None
    # One name per line with comments: each new name gets a line of its own, in order.
    out = list(lines[stmt.start : stmt.end])
    rows = {a.name: a.lineno - 1 for a in node.names}
    for name in sorted(add, key=member_key, reverse=True):
        later = [rows[h] for h in have if member_key(h) > member_key(name)]
        row = min(later) if later else max(rows.values()) + 1
        out.insert(row, f"{unit}{name},{newline}")
    return out


def _comments(text: str) -> list[str]:
    try:
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        return [t.string for t in tokens if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        return []


def _render_from(
    module: str,
    names: Sequence[str],
    comment: str,
    newline: str,
    line_length: int,
    unit: str,
    *,
    wrap: bool = False,
) -> list[str]:
    ordered = sorted(set(names), key=member_key)
    after = f"  {comment}" if comment else ""
    one = f"from {module} import {', '.join(ordered)}{after}"
    if not wrap and measured(one) <= line_length:
        return [one + newline]
    return [
        f"from {module} import ({after}{newline}",
        *(f"{unit}{name},{newline}" for name in ordered),
        f"){newline}",
    ]


def _placed(
    header: Header,
    new: Sequence[tuple[tuple[int, str, str], list[str]]],
    newline: str,
    lines: Sequence[str],
) -> dict[int, tuple[int, list[str]]]:
    """Where the new statements go: first line replaced -> (line after it, new lines)."""
    out: dict[int, tuple[int, list[str]]] = {}
    if not new:
        return out
    stdlib = [s for s in header.block if _section(s) == 1]
    if stdlib:
        for key, text in new:
            at = next((s.lead for s in stdlib if _key(s) >= key), stdlib[-1].end)
            out[at] = (at, [*out.get(at, (at, []))[1], *text])
        return out
    group = [line for _, text in new for line in text]
    future = [s for s in header.block if _section(s) == 0]
    others = [s for s in header.block if _section(s) > 1]
    if others:
        out[others[0].lead] = (others[0].lead, [*group, newline])
    elif future:
        out[future[-1].end] = (future[-1].end, [newline, *group])
    else:
        # No imports yet: after the docstring (or the opening comments) and one blank
        # line; then the blank lines ruff wants before the next statement.
        at, after = header.top, header.after
        end = at
        while end < (after.lead if after else len(lines)) and not lines[end].strip():
            end += 1
        before = [newline] if at > 0 else []
        blank = 2 if after is not None and after.first in _DEFINITION else 1
        out[at] = (end, [*before, *group, *([newline] * blank if after is not None else [])])
    return out


_DEFINITION = ("@", "def", "class", "async")


def _section(stmt: Statement) -> int:
    """0 future, 1 standard library, 2 everything else (third party, first party, local)."""
    node = stmt.imports[0]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            return 2
        module = node.module or ""
    else:
        module = node.names[0].name
    if module == "__future__":
        return 0
    return 1 if module.split(".")[0] in STDLIB else 2


def _key(stmt: Statement) -> tuple[int, str, str]:
    node = stmt.imports[0]
    if isinstance(node, ast.ImportFrom):
        return (1, *_module_key(node.module or ""))
    return (0, *_module_key(node.names[0].name))
