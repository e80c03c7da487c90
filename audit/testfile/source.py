"""One test file as the analysis sees it: its text, its ``ast`` tree, and positions.

``ast`` counts columns in UTF-8 bytes; findings and the fixer count characters. A
file that cannot be decoded or parsed is described in one short line (never the
whole file, never a traceback), so it becomes a note and the run goes on.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

from .. import sourcefile
from ..model import Span


class Unreadable(Exception):
    """The file cannot be decoded or parsed; the message says why in one line."""


@dataclass(eq=False)
class Source:
    path: str
    text: str
    tree: ast.Module
    lines: list[str]  # with their line breaks; lines[0] is line 1

    def column(self, line: int, byte_offset: int) -> int:
        """The 0-based character column of a byte offset ``ast`` reports on ``line``."""
        if not 1 <= line <= len(self.lines):
            return byte_offset
        text = self.lines[line - 1]
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))

    def span(self, node: ast.AST) -> Span:
        """The node's region: 1-based lines, 0-based character columns, end exclusive."""
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        return Span(
            line,
            self.column(line, getattr(node, "col_offset", 0)),
            end_line,
            self.column(end_line, getattr(node, "end_col_offset", 0) or 0),
        )

    def statement_span(self, stmt: ast.stmt) -> Span:
        """A whole statement, decorators included, from the start of its first line."""
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
        end_line = stmt.end_lineno or stmt.lineno
        return Span(first, 0, end_line, self.column(end_line, stmt.end_col_offset or 0))


def decode(data: bytes, path: str) -> str:
    """The file's text by its PEP 263 cookie or BOM; ``Unreadable`` with a short reason."""
    try:
        return sourcefile.decode(data).text
    except SyntaxError as exc:
        raise Unreadable(f"The file's encoding declaration is invalid: {exc.msg}.") from None
    except UnicodeDecodeError as exc:
        raise Unreadable(
            f"The file is not valid {exc.encoding} (byte offset {exc.start}: "
            f"{data[exc.start : exc.start + 1]!r}); it cannot be analysed."
        ) from None
    except LookupError as exc:
        raise Unreadable(f"The file declares an unknown encoding ({exc}).") from None


def parse(data: bytes, path: str) -> Source:
    """Decode and parse one file; ``Unreadable`` when either fails."""
    text = decode(data, path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" in old test files
            tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        message = f"Syntax error at line {exc.lineno}, column {exc.offset}: {exc.msg}"
        raise Unreadable(message if message.endswith(".") else message + ".") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise Unreadable(f"The file cannot be parsed: {type(exc).__name__}: {exc}.") from None
    return Source(path, text, tree, sourcefile.split_lines(text))
