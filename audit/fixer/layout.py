"""Add items to a bracketed sequence in its own layout; split a line that got too long.

Two halves. ``add_items`` works on libcst nodes: a sequence laid out one item per line
gets one new line per item in the items' own indentation (its trailing comma, if it had
one, moves to the new last item; comments stay with their items); a sequence on one
line, or a call whose arguments share one indented line, gets the new items on that
same line. ``fit_line`` then splits such a line when it no longer fits, the way ruff
format (and black) would: at the last bracket whose head fits, a collection one item per
line with a trailing comma, a call's arguments on one indented line while they fit.
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import libcst as cst

E = TypeVar("E", bound=cst.CSTNode)
Whitespace = cst.BaseParenthesizableWhitespace

# --- adding items to libcst sequences ---------------------------------------------


def _comma(after: Whitespace, before: cst.SimpleWhitespace | None = None) -> cst.Comma:
    return cst.Comma(before or cst.SimpleWhitespace(""), after)


def _line_break(like: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    """A line break into the indentation of ``like``, without its comment or blank lines."""
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        empty_lines=[],
        indent=like.indent,
        last_line=like.last_line,
    )


def _is_break(ws: object) -> bool:
    return isinstance(ws, cst.ParenthesizedWhitespace)


def _joined(items: Sequence[Any], last_comma: Any = cst.MaybeSentinel.DEFAULT) -> list[Any]:
    """``a, b, c`` on one line; the last item gets ``last_comma``."""
    out = [item.with_changes(comma=_comma(cst.SimpleWhitespace(" "))) for item in items]
    if out:
        out[-1] = out[-1].with_changes(comma=last_comma)
    return out


@dataclass(frozen=True)
class Added:
    """A sequence with new items: its items, its new closing whitespace, and whether
    the new items went on an existing line (which may now be too long)."""

    items: list[Any]
    closing: Whitespace | None
    same_line: bool


def add_items(
    items: Sequence[Any],
    new: Sequence[Any],
    opening: Whitespace | None,
    closing: Whitespace | None,
    *,
    call: bool = False,
    tuple_: bool = False,
    unit: str = "    ",
    at: int | None = None,
    hugged: bool = False,
) -> Added:
    """``items`` with ``new`` inserted at ``at`` (default: the end), in their own layout.

    ``opening``/``closing`` are the whitespace after the opening bracket and before the
    closing one (None for a call's closing side, which its last argument holds, and for a
    tuple without parentheses). ``call`` says the items are a call's arguments;
    ``hugged`` that the closing bracket is followed by another one (``})``).
    """
    if not new:
        return Added(list(items), closing, False)
    if at is not None and at < len(items):
        return _insert(items, new, opening, closing, at)
    if not items:
        return Added(_joined(new), closing, True)
    last = items[-1]
    trailing = isinstance(last.comma, cst.Comma)
    gaps = (
        last.comma.whitespace_after if trailing else None,
        last.whitespace_after_arg if call else None,
        closing,
    )
    gap = next((g for g in gaps if _is_break(g)), None)
    between = [i.comma.whitespace_after for i in items[:-1] if isinstance(i.comma, cst.Comma)]
    step = next((w for w in reversed(between) if _is_break(w)), None)
    if step is None and (gap is None or _items_line(len(items), opening, trailing, call)):
        return _same_line(items, new, closing, trailing, call, tuple_)
    if step is None and _is_break(opening):
        step = opening
    if step is None:
        # One item opened on its bracket's line, closed on a line of its own.
        assert isinstance(gap, cst.ParenthesizedWhitespace)
        step = gap.with_changes(last_line=cst.SimpleWhitespace(gap.last_line.value + unit))
    assert isinstance(step, cst.ParenthesizedWhitespace)
    # A collection that ruff exploded for its one long item has no trailing comma; with
    # two items ruff wants one (and keeps one per line), so it gets one.
    add_comma = trailing or (len(items) == 1 and not call and not hugged and _is_break(opening))
    return _per_line(items, new, step, gap, gaps, closing, trailing, add_comma, call)


def _items_line(count: int, opening: Whitespace | None, trailing: bool, call: bool) -> bool:
    """All items on one indented line between the brackets (ruff's call layout)."""
    return _is_break(opening) and not trailing and (call or count > 1)


def _same_line(
    items: Sequence[Any],
    new: Sequence[Any],
    closing: Whitespace | None,
    trailing: bool,
    call: bool,
    tuple_: bool,
) -> Added:
    last = items[-1]
    before = last.comma.whitespace_before if trailing else None
    head = last.with_changes(comma=_comma(cst.SimpleWhitespace(" "), before))
    # ``("a",)``: that comma made the tuple; ``("a", "b")`` needs none.
    keep = last.comma if not (tuple_ and len(items) == 1) else cst.MaybeSentinel.DEFAULT
    tail = _joined(new, keep)
    if call:  # ``f(a=1 )``: the space before ``)`` stays before it
        head = head.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
        tail[-1] = tail[-1].with_changes(whitespace_after_arg=last.whitespace_after_arg)
    return Added([*items[:-1], head, *tail], closing, True)


def _per_line(
    items: Sequence[Any],
    new: Sequence[Any],
    step: cst.ParenthesizedWhitespace,
    gap: Whitespace | None,
    gaps: tuple[Whitespace | None, ...],
    closing: Whitespace | None,
    trailing: bool,
    add_comma: bool,
    call: bool,
) -> Added:
    last = items[-1]
    before = last.comma.whitespace_before if trailing else None
    sep = _comma(_line_break(step))
    tail = [item.with_changes(comma=sep) for item in new]
    if not isinstance(gap, cst.ParenthesizedWhitespace):
        # Closed on the last item's line: the new last item takes over its ending.
        head = last.with_changes(comma=_comma(_line_break(step), before))
        tail[-1] = tail[-1].with_changes(comma=last.comma)
        if call:
            head = head.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
            tail[-1] = tail[-1].with_changes(whitespace_after_arg=last.whitespace_after_arg)
        return Added([*items[:-1], head, *tail], closing, False)
    # The old last item keeps its own comment; the closing line keeps its blank lines.
    keep_comment = gap.with_changes(empty_lines=[], indent=step.indent, last_line=step.last_line)
    head = last.with_changes(comma=_comma(keep_comment, before))
    close = gap.with_changes(first_line=cst.TrailingWhitespace())
    end = tail[-1]
    if gap is gaps[0]:
        end = end.with_changes(comma=_comma(close))
    elif add_comma:
        end = end.with_changes(comma=_comma(cst.SimpleWhitespace("")))
    else:
        end = end.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    if call:
        head = head.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
        after_arg = close if gap is gaps[1] else cst.SimpleWhitespace("")
        end = end.with_changes(whitespace_after_arg=after_arg)
    tail[-1] = end
    return Added([*items[:-1], head, *tail], close if gap is gaps[2] else closing, False)


def _insert(
    items: Sequence[Any],
    new: Sequence[Any],
    opening: Whitespace | None,
    closing: Whitespace | None,
    at: int,
) -> Added:
    """New items before ``items[at]``: each is followed by an item, so each gets a comma."""
    between = [i.comma.whitespace_after for i in items[:-1] if isinstance(i.comma, cst.Comma)]
    step = next((w for w in between if isinstance(w, cst.ParenthesizedWhitespace)), None)
    if step is None and isinstance(opening, cst.ParenthesizedWhitespace):
        step = opening
    after: Whitespace = _line_break(step) if step is not None else cst.SimpleWhitespace(" ")
    added = [item.with_changes(comma=_comma(after)) for item in new]
    return Added([*items[:at], *added, *items[at:]], closing, step is None)


# --- splitting a line that does not fit, like ruff format -------------------------

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")", "]", "}"}
_SKIP = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)
_TSTRING_START = getattr(tokenize, "TSTRING_START", -1)
_TSTRING_END = getattr(tokenize, "TSTRING_END", -1)
_PRAGMA = re.compile(
    r"(?:^|\s)#\s*(?:[nN][oO][qQ][aA]|nosec|(?:isort|type|pyright|pylint|flake8|ruff):)"
)


_BLOCK = re.compile(r"^([ \t]*)[^\s#][^\r\n]*:[ \t]*(?:#[^\r\n]*)?(?:\r\n|\r|\n)\1([ \t]+)\S", re.M)


def indent_unit(text: str) -> str:
    """One level of the file's indentation (four spaces when it shows none)."""
    found = _BLOCK.search(text)
    if found is None:
        return "    "
    unit = found.group(2)
    return "\t" if "\t" in unit else unit


def width(line: str, tab: int = 4) -> int:
    """The columns ``line`` takes, as ruff counts them (wide characters 2, tabs to stops)."""
    col = 0
    for char in line:
        if char == "\t":
            col += tab - col % tab
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            col += 2
        else:
            col += 1
    return col


def measured(line: str) -> int:
    """The width ruff format gives a line: a trailing pragma comment does not count."""
    found = _PRAGMA.search(line)
    if found is not None:
        line = line[: found.start()].rstrip()
    return width(line.rstrip("\r\n"))


@dataclass
class _Leaf:
    text: str
    prefix: str  # whitespace before it on the line
    kind: str  # "open", "close", "comma" or ""
    depth: int  # bracket depth within the line; lambda parameters and for-targets count
    atom: bool = False  # an opening bracket that starts a display, not a call/subscript
    partner: int = -1
    start: int = 0  # column where an f-string leaf starts


def fit_line(code: str, number: int, line_length: int, unit: str = "    ") -> str:
    """``code`` with its line ``number`` (1-based) split the way ruff format would when
    it is longer than ``line_length``; unchanged when it fits or cannot be split."""
    lines = code.split("\n")
    if measured(lines[number - 1]) <= line_length:
        return code
    parsed = _leaves(code, number)
    if parsed is None:
        return code
    leaves, comment, inside, ends_body = parsed
    indent = lines[number - 1][: len(lines[number - 1]) - len(lines[number - 1].lstrip())]
    splitter = _Splitter(leaves, comment, line_length, unit)
    new = splitter.line(0, len(leaves), indent, inside, ends_body)
    return "\n".join([*lines[: number - 1], *new, *lines[number:]])


def _leaves(code: str, number: int) -> tuple[list[_Leaf], str, bool, bool] | None:
    """The tokens of line ``number``; its comment; whether it starts inside brackets and
    whether a closing bracket comes right after it. None when it cannot be split safely."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    source = code.split("\n")[number - 1]
    leaves: list[_Leaf] = []
    stack: list[int] = []
    comment = ""
    depth = start_depth = 0
    previous = ""
    end_col = 0
    fstring = 0  # nesting of f-strings (Python 3.12+ tokenizes their parts)
    after: tokenize.TokenInfo | None = None
    for tok in tokens:
        if tok.type in _SKIP:
            continue
        if tok.start[0] > number:
            after = tok
            break
        starts = tok.type in (_FSTRING_START, _TSTRING_START)
        ends = tok.type in (_FSTRING_END, _TSTRING_END)
        if tok.start[0] < number:
            if fstring == 0 and tok.type == tokenize.OP and tok.string in _OPEN:
                depth += 1
            elif fstring == 0 and tok.type == tokenize.OP and tok.string in _CLOSE:
                depth -= 1
            fstring += starts - ends
            previous = tok.string if tok.type != tokenize.COMMENT else previous
            continue
        if tok.end[0] != number:
            return None  # a string that runs over lines: leave the line alone
        if not leaves and not comment:
            start_depth = depth
        prefix = source[end_col : tok.start[1]]
        end_col = tok.end[1]
        if tok.type == tokenize.COMMENT:
            comment = prefix + tok.string
            continue
        if fstring or starts:
            # An f-string is one leaf, its source text: its braces are not the line's.
            if fstring == 0:
                leaves.append(_Leaf("", prefix, "", len(stack), start=tok.start[1]))
            fstring += starts - ends
            if fstring == 0:
                leaves[-1].text = source[leaves[-1].start : tok.end[1]]
            previous = '"'
            continue
        leaf = _Leaf(tok.string, prefix, "", len(stack))
        if tok.type == tokenize.OP and tok.string in _OPEN:
            leaf.kind = "open"
            leaf.atom = not (
                previous in _CLOSE
                or (previous[:1].isidentifier() and not keyword.iskeyword(previous))
                or previous[-1:] in "\"'"
            )
            stack.append(len(leaves))
        elif tok.type == tokenize.OP and tok.string in _CLOSE:
            if not stack:
                return None  # closes a bracket of an earlier line
            leaf.kind = "close"
            leaf.partner = stack.pop()
            leaf.depth = len(stack)
            leaves[leaf.partner].partner = len(leaves)
        elif tok.type == tokenize.OP and tok.string == ",":
            leaf.kind = "comma"
        leaves.append(leaf)
        previous = tok.string
    if stack or not leaves or source.rstrip().endswith("\\"):
        return None
    _mark_soft_depth(leaves)
    ends_body = after is not None and after.type == tokenize.OP and after.string in _CLOSE
    return leaves, comment, start_depth > 0, ends_body


def _mark_soft_depth(leaves: list[_Leaf]) -> None:
    """Commas of ``lambda a, b:`` parameters and ``for a, b in`` targets never split."""
    open_until: list[tuple[int, str]] = []  # (depth, the leaf that ends it)
    for leaf in leaves:
        if open_until and leaf.depth == open_until[-1][0] and leaf.text == open_until[-1][1]:
            open_until.pop()
        if open_until:
            leaf.depth += len(open_until)
        if leaf.text == "lambda":
            open_until.append((leaf.depth - len(open_until), ":"))
        elif leaf.text == "for":
            open_until.append((leaf.depth - len(open_until), "in"))


class _Splitter:
    """Black's right-hand split and delimiter split over the leaves of one line."""

    def __init__(self, leaves: list[_Leaf], comment: str, line_length: int, unit: str) -> None:
        self.leaves = leaves
        self.comment = comment
        self.limit = line_length
        self.unit = unit

    def render(self, lo: int, hi: int, suffix: str = "") -> str:
        parts = [self.leaves[lo].text]
        parts += [leaf.prefix + leaf.text for leaf in self.leaves[lo + 1 : hi]]
        text = "".join(parts) + suffix
        return text + self.comment if hi == len(self.leaves) else text

    def fits(self, line: str) -> bool:
        return measured(line) <= self.limit

    def commas(self, lo: int, hi: int) -> list[int]:
        """Indexes of the commas that separate items of ``lo:hi`` (not a trailing one)."""
        base = self.leaves[lo].depth
        found = [i for i in range(lo, hi) if self.leaves[i].kind == "comma"]
        return [i for i in found if self.leaves[i].depth == base and i != hi - 1]

    def line(
        self, lo: int, hi: int, indent: str, inside: bool, comma: bool, suffix: str = ""
    ) -> list[str]:
        """Lines for ``lo:hi`` at ``indent``; ``inside`` brackets it may split at its commas
        (adding a trailing comma when ``comma``)."""
        flat = indent + self.render(lo, hi, suffix)
        if self.fits(flat):
            return [flat]
        if inside and self.commas(lo, hi):
            return self.items(lo, hi, indent, comma, suffix)
        return self.right(lo, hi, indent, suffix) or [flat]

    def items(self, lo: int, hi: int, indent: str, comma: bool, suffix: str = "") -> list[str]:
        """One item per line, each with its comma."""
        out: list[str] = []
        start = lo
        for cut in [*self.commas(lo, hi), hi - 1]:
            end = cut + 1
            last = end >= hi
            add = "," if last and comma and self.leaves[hi - 1].kind != "comma" else ""
            out += self.line(start, end, indent, True, True, (add + suffix) if last else "")
            start = end
        return out

    def right(self, lo: int, hi: int, indent: str, suffix: str) -> list[str] | None:
        """Split at the last bracket (the last one whose head line still fits)."""
        base = self.leaves[lo].depth
        closers = [
            i
            for i in range(hi - 1, lo - 1, -1)
            if self.leaves[i].kind == "close"
            and self.leaves[i].depth == base
            and self.leaves[i].partner + 1 < i
            and self.leaves[i].partner >= lo
        ]
        if not closers:
            return None
        close = next(
            (c for c in closers if self.fits(indent + self.render(lo, self.leaves[c].partner + 1))),
            closers[0],
        )
        opener = self.leaves[close].partner
        head = indent + self.render(lo, opener + 1)
        tail = indent + self.render(close, hi, suffix)
        inner = indent + self.unit
        body_lo, body_hi = opener + 1, close
        last = self.leaves[body_hi - 1]
        collection = self.leaves[opener].atom
        single_tuple = (
            self.leaves[opener].text == "(" and collection and not self.commas(body_lo, body_hi)
        )
        magic = last.kind == "comma" and not single_tuple
        if magic or (collection and self.commas(body_lo, body_hi)):
            body = self.items(body_lo, body_hi, inner, True)
        else:
            body = self.line(body_lo, body_hi, inner, True, True)
        return [head, *body, tail]
