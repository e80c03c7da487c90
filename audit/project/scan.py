"""What a module imports, read from its bytes without parsing the whole module.

Parsing every source module of a big project with ``ast`` costs more than the whole
audit may; imports are easy to find in the bytes instead: each is a line that starts
with ``import`` or ``from ... import``. For an indented one, the block headers above
it say when it runs (on import, only when a function is called, or never under
``if TYPE_CHECKING:``) and whether an ``ImportError`` there is caught. A file whose
triple-quoted strings cannot be paired, or whose imports the scan cannot read, is
parsed with ``ast`` instead (``scan_ast``), which gives the same records.
"""

from __future__ import annotations

import ast
import bisect
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

When = Literal["import", "call", "never"]

_IMPORT = re.compile(rb"import")
_TRIPLE_DQ = re.compile(rb'"""')
_TRIPLE_SQ = re.compile(rb"'''")
# ``from . import x`` may be written ``from .import x``; ``from x.reimport`` is no import.
_FROM_PREFIX = re.compile(rb"from[ \t]+(?:(\.+)[ \t]*|(\.*[\w.]*?)[ \t]+)$")
_NAME = re.compile(r"[^\W\d]\w*")
_HEADER = re.compile(
    rb"(async[ \t]+)?(def|class|if|elif|else|try|except|finally|with|for|while|match|case)\b"
)
_TYPE_CHECKING = re.compile(rb"(?:el)?if[ \t(]+(?:\w+\.)?TYPE_CHECKING[ \t)]*:")
_GUARD_WITH = re.compile(
    rb"with[ \t].*\b(?:raises|suppress)\(.*\b(?:ImportError|ModuleNotFoundError|Exception)\b"
)
_CATCHES = re.compile(
    rb"except[ \t]*(?::|.*\b(?:ImportError|ModuleNotFoundError|Exception|BaseException)\b)", re.S
)
_DYNAMIC = re.compile(rb"""(?:import_module|__import__)\s*\(\s*(['"])(\.*[\w.]+)\1\s*[,)]""")
_DYNAMIC_CALL = re.compile(rb"(?:import_module|__import__)\s*\(\s*[^\s)]")
# ``if x: import y`` - an import after a compound statement's colon, on its line
_AFTER_COLON = re.compile(rb"(?:if|elif|else|try|except|finally|with|for|while)\b.*:\s*")
#: The module of an ``import_module(name)`` whose name is computed: it may load anything.
UNKNOWN = "?"
# What may stand right before a string that opens: a triple quote after anything else is
# inside another string or a comment (``'"""'``), and the pairing cannot be trusted.
_OPENERS = b"([{,=:+%*<>!~&|^/@-"
_OPENING_WORDS = (b"return", b"yield", b"else", b"in", b"and", b"or", b"not", b"lambda")
_PREFIX_LETTERS = b"rRbBuUfF"
_BLANKS = frozenset(b" \t\r\x0c")


@dataclass(frozen=True)
class Import:
    """One import statement (or ``importlib.import_module("literal")`` call).

    ``binds`` pairs each local name the import binds with what it refers to: ``import
    a.b`` binds ``a`` to ``a``; ``import a.b as c`` binds ``c`` to ``a.b``; ``from a
    import b as c`` binds ``c`` to ``a.b`` (a name of ``a``, or its submodule).
    """

    line: int
    module: str  # absolute
    names: tuple[str, ...] = ()  # of ``from module import ...``; () for ``import module``
    when: When = "import"  # import: runs when the module runs; call: in a function; never
    guarded: bool = False  # an ImportError raised here is caught where it happens
    binds: tuple[tuple[str, str], ...] = ()


def resolve_relative(level: int, module: str | None, package: str) -> str | None:
    """The absolute name of a relative import, or None if it escapes the top package."""
    if level == 0:
        return module
    parts = package.split(".") if package else []
    if level - 1 >= len(parts):
        return None  # beyond the top-level package: Python refuses it too
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base) or None


def scan(data: bytes, package: str) -> tuple[Import, ...]:
    """The imports of one module whose package is ``package`` ("" for a top-level module)."""
    strings = _string_spans(data)
    if strings is None:
        return scan_ast(data, package)
    try:
        return tuple(_Scanner(data, package, strings).imports())
    except _Unsure:
        return scan_ast(data, package)


class _Unsure(Exception):
    """The byte scan met something it cannot read with confidence."""


def _string_spans(data: bytes) -> list[tuple[int, int]] | None:
    """(start, end) of every triple-quoted string, or None when they do not pair up."""
    if b'"""' not in data and b"'''" not in data:
        return []
    marks = sorted(
        [(m.start(), b'"') for m in _TRIPLE_DQ.finditer(data)]
        + [(m.start(), b"'") for m in _TRIPLE_SQ.finditer(data)]
    )
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(marks):
        start, kind = marks[i]
        if not _may_open(data[data.rfind(b"\n", 0, start) + 1 : start]):
            return None
        # the next mark of the same kind that starts at or after the end of this one
        j = i + 1
        while j < len(marks) and (marks[j][1] != kind or marks[j][0] < start + 3):
            j += 1
        if j == len(marks):
            return None
        spans.append((start, marks[j][0] + 3))
        # skip marks inside the string (a """ inside a ''' string and the like)
        end = marks[j][0] + 3
        i = j + 1
        while i < len(marks) and marks[i][0] < end:
            i += 1
    return spans


class _Scanner:
    def __init__(self, data: bytes, package: str, strings: list[tuple[int, int]]) -> None:
        self.data = data
        self.package = package
        self.starts = [s for s, _ in strings]
        self.strings = strings
        self._counted = (0, 1)  # (position, line number there): imports come in order
        self._above: dict[tuple[int, int], tuple[int, int] | None] = {}
        self._chains: dict[int, tuple[bool, bool, bool]] = {}

    def line_of(self, pos: int) -> int:
        last, line = self._counted
        if pos < last:
            last, line = 0, 1
        line += self.data.count(b"\n", last, pos)
        self._counted = (pos, line)
        return line

    def in_string(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.strings[i][1]

    def imports(self) -> Iterator[Import]:
        data = self.data
        for match in _IMPORT.finditer(data):
            pos = match.start()
            line_start = data.rfind(b"\n", 0, pos) + 1
            prefix = data[line_start:pos]
            stripped = prefix.lstrip(b" \t")
            indent = len(prefix) - len(stripped)
            after = data[pos + 6 : pos + 7]
            if after == b"_" or after == b"l":  # import_module( / importlib
                yield from self._dynamic(pos, line_start, indent)
                continue
            if after not in (b" ", b"\t", b"(", b"\\"):
                continue
            if b";" in stripped:  # ``import a; import b``: the part after the last ';'
                if any(c in stripped for c in (b"#", b'"', b"'")):
                    continue  # a comment or a string: ``"import a; import b"``
                stripped = stripped[stripped.rfind(b";") + 1 :].lstrip(b" \t")
            if stripped:
                found = _FROM_PREFIX.fullmatch(stripped)
                if found is None:
                    if _AFTER_COLON.fullmatch(stripped) and not self.in_string(pos):
                        raise _Unsure  # its context is the header's block: ast reads it
                    continue
                source: bytes | None = found.group(1) or found.group(2)
            else:
                source = None
                if pos >= 2 and data[pos - 2 : pos] == b"__":
                    continue  # __import__ is handled with import_module
            if self.in_string(pos):
                continue
            if line_start > 1 and data[max(0, line_start - 3) : line_start - 1].rstrip(
                b"\r"
            ).endswith(b"\\"):
                raise _Unsure  # ``from x \\`` + ``import y`` on the next line
            yield from self._statement(pos + 6, line_start, indent, source)

    def _statement(
        self, pos: int, line_start: int, indent: int, source: bytes | None
    ) -> Iterator[Import]:
        text, _ = self._logical_line(pos)
        line = self.line_of(line_start)
        when, guarded = self._context(line_start, indent) if indent else ("import", False)
        try:
            body = text.decode("utf-8")
        except UnicodeDecodeError:
            raise _Unsure from None
        if source is None:
            for part in _split_names(body):
                name, _, alias = part.partition(" as ")
                name, alias = name.strip(), alias.strip()
                if not _dotted(name):
                    raise _Unsure
                local = alias or name.split(".")[0]
                yield Import(line, name, (), when, guarded, ((local, name if alias else local),))
            return
        level = len(source) - len(source.lstrip(b"."))
        module = resolve_relative(level, source[level:].decode("utf-8") or None, self.package)
        if module is None:
            return
        names: list[str] = []
        binds: list[tuple[str, str]] = []
        for part in _split_names(body.strip().removeprefix("(").removesuffix(")")):
            name, _, alias = part.partition(" as ")
            name, alias = name.strip(), alias.strip()
            if name == "*":
                names.append("*")
                continue
            if not _NAME.fullmatch(name) or (alias and not _NAME.fullmatch(alias)):
                raise _Unsure
            names.append(name)
            binds.append((alias or name, f"{module}.{name}"))
        if not names:
            raise _Unsure
        yield Import(line, module, tuple(names), when, guarded, tuple(binds))

    def _dynamic(self, pos: int, line_start: int, indent: int) -> Iterator[Import]:
        start = pos - 2 if self.data[pos - 2 : pos] == b"__" else pos
        before = self.data[start - 1 : start]
        if before.isalnum() or before == b"_":
            return  # ``self._conditional_import_module(...)``: another function
        if self.in_string(pos):
            return
        found = _DYNAMIC.match(self.data, start)
        if found is None:
            if _DYNAMIC_CALL.match(self.data, start) is None:
                return
            if self.data[line_start:start].rstrip().endswith(b"def"):
                return  # ``def import_module(self, name)``: a definition, not a call
            module = UNKNOWN  # a computed name: what it loads is unknown
        else:
            literal = found.group(2).decode("utf-8", "replace")
            level = len(literal) - len(literal.lstrip("."))
            if level and not _relative_call(self.data, found.end()):
                return
            resolved = resolve_relative(level, literal[level:] or None, self.package)
            if resolved is None:
                return
            module = resolved
        line = self.line_of(line_start)
        when, guarded = self._context(line_start, indent) if indent else ("import", False)
        before = self.data[line_start:pos]
        if b"#" in before or before.count(b'"') % 2 or before.count(b"'") % 2:
            return  # in a comment or a string (``"...__import__('x')..."``): not code
        if when == "import" and b"lambda" in self.data[line_start:pos]:
            when = "call"
        yield Import(line, module, (), when, guarded, ())

    def _logical_line(self, pos: int) -> tuple[bytes, int]:
        """The rest of the statement from ``pos`` (parentheses and backslashes followed),
        without comments; and where it ends."""
        data = self.data
        out: list[bytes] = []
        depth = 0
        while True:
            end = data.find(b"\n", pos)
            end = len(data) if end == -1 else end
            chunk = data[pos:end]
            hash_at = chunk.find(b"#")
            if hash_at != -1:
                chunk = chunk[:hash_at]
            semi = chunk.find(b";")
            if semi != -1 and depth == 0 and b"(" not in chunk[:semi]:
                chunk = chunk[:semi]
                out.append(chunk)
                return b"".join(out), end
            depth += chunk.count(b"(") - chunk.count(b")")
            stripped = chunk.rstrip()
            if depth > 0 or stripped.endswith(b"\\"):
                out.append(stripped.removesuffix(b"\\") + b" ")
                if end >= len(data):
                    raise _Unsure
                pos = end + 1
                continue
            out.append(chunk)
            return b"".join(out), end

    def _context(self, line_start: int, indent: int) -> tuple[When, bool]:
        """When an indented import runs, and whether an ImportError there is caught."""
        header = self._header_above(line_start, indent)
        if header is None:
            return "import", False
        in_function, in_type_checking, guarded = self._chain(*header)
        when: When = "never" if in_type_checking else "call" if in_function else "import"
        return when, guarded

    def _chain(self, start: int, level: int) -> tuple[bool, bool, bool]:
        """(in a function, under TYPE_CHECKING, ImportError caught) for the block that the
        header line at ``start`` opens, its own enclosing blocks included. Memoised: the
        imports of one function share its header chain."""
        known = self._chains.get(start)
        if known is not None:
            return known
        end = self.data.find(b"\n", start)
        end = len(self.data) if end == -1 else end
        text = self.data[start + level : end]
        keyword = _HEADER.match(text)
        assert keyword is not None
        outer = self._header_above(start, level) if level else None
        in_function, in_type_checking, guarded = self._chain(*outer) if outer else (False,) * 3
        word = keyword.group(2)
        if word == b"def":
            in_function = True
        elif word in (b"if", b"elif") and _TYPE_CHECKING.match(text):
            in_type_checking = True
        elif word == b"except":
            guarded = True  # runs only when the ``try`` failed: no claim rests on it
        elif (word == b"try" and self._try_catches(end + 1, level)) or (
            word == b"with" and _GUARD_WITH.match(_strip_comment(text))
        ):
            guarded = True
        result = (in_function, in_type_checking, guarded)
        self._chains[start] = result
        return result

    def _header_above(self, line_start: int, want: int) -> tuple[int, int] | None:
        """(line start, indentation) of the block header that holds a line indented by
        ``want`` starting at ``line_start``; None at module level.

        Walks up line by line over the lines indented less than ``want``: each is a
        header, the end of a multi-line header (``) -> X:``), a comment, or a
        continuation line. A sibling block's header answered before gives the answer at
        once (memoised), so the methods of one long class cost one walk, not one each.
        """
        data = self.data
        query = (line_start, want)
        if query in self._above:
            return self._above[query]
        pending = False  # saw ``) -> X:``: the keyword line is further up, at that level
        end = line_start - 1
        found: tuple[int, int] | None = None
        while end > 0 and (want > 0 or pending):
            start = data.rfind(b"\n", 0, end) + 1
            first = start
            while first < end and data[first] in _BLANKS:
                first += 1
            line, end = (start, end), start - 1
            if first == line[1] or data[first] == 35:  # blank, or a comment ("#")
                continue
            level = first - start
            if level > want or (level == want and not pending):
                if level == want and (start, want) in self._above:
                    found = self._above[(start, want)]
                    break
                continue
            if self.in_string(first):
                continue
            text = data[first : line[1]]
            if _HEADER.match(text):
                # (pending: the keyword line of ``if a and \\`` + ``   b:`` may sit left of
                # the line that ends the header)
                found = (start, level)
                break
            if pending:
                continue
            if _strip_comment(text).rstrip().endswith(b":"):
                pending = True
                want = level
        self._above[query] = found
        return found

    def _try_catches(self, pos: int, indent: int) -> bool:
        """Whether the ``try`` whose body starts at ``pos`` (indented by more than
        ``indent``) has a handler that catches ImportError."""
        data = self.data
        while pos < len(data):
            end = data.find(b"\n", pos)
            end = len(data) if end == -1 else end
            text = data[pos:end]
            stripped = text.lstrip(b" \t")
            level = len(text) - len(stripped)
            if (
                stripped
                and not stripped.startswith(b"#")
                and level <= indent
                and not self.in_string(pos + level)
            ):
                if level < indent:
                    return False
                if stripped.startswith(b"except"):
                    clause, end = self._logical_line(pos + level)  # ``except (\n A,\n B):``
                    if _CATCHES.match(clause):
                        return True
                elif not stripped.startswith((b"else", b"finally")):
                    return False
            pos = end + 1
        return False


def _may_open(before: bytes) -> bool:
    """Whether a string may start after ``before`` (the line up to a triple quote)."""
    for _ in range(2):  # up to two prefix letters: rb""", f"""
        if before[-1:] and before[-1:] in _PREFIX_LETTERS and not before[-2:-1].isalnum():
            before = before[:-1]
    before = before.rstrip(b" \t")
    return (
        not before
        or before[-1:] in _OPENERS
        or (before.endswith(_OPENING_WORDS) and not before[-7:-6].isalnum())
    )


def _strip_comment(text: bytes) -> bytes:
    at = text.find(b"#")
    return text if at == -1 else text[:at]


def _relative_call(data: bytes, end: int) -> bool:
    """``import_module(".x", __package__)``: a relative literal needs a package argument."""
    return data[end : end + 40].lstrip().startswith(b",")


def _split_names(body: str) -> list[str]:
    return [" ".join(part.split()) for part in body.split(",") if part.strip()]


def _dotted(name: str) -> bool:
    return all(_NAME.fullmatch(part) for part in name.split("."))


# --- the reference: the same records from ``ast`` -----------------------------------


def scan_ast(data: bytes, package: str) -> tuple[Import, ...]:
    """``scan`` by parsing the module (slower; exact). A module that does not parse has
    no imports here; the caller reports it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    out: list[Import] = []
    _walk(tree.body, package, "import", False, out)
    out.sort(key=lambda record: record.line)
    return tuple(out)


def _walk(body: list[ast.stmt], package: str, when: When, guarded: bool, out: list[Import]) -> None:
    for stmt in body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                local = alias.asname or alias.name.split(".")[0]
                target = alias.name if alias.asname else local
                out.append(Import(stmt.lineno, alias.name, (), when, guarded, ((local, target),)))
        elif isinstance(stmt, ast.ImportFrom):
            module = resolve_relative(stmt.level, stmt.module, package)
            if module is not None:
                names = tuple(a.name for a in stmt.names)
                binds = tuple(
                    (a.asname or a.name, f"{module}.{a.name}") for a in stmt.names if a.name != "*"
                )
                out.append(Import(stmt.lineno, module, names, when, guarded, binds))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _walk(stmt.body, package, "call" if when == "import" else when, guarded, out)
        elif isinstance(stmt, ast.ClassDef):
            _walk(stmt.body, package, when, guarded, out)
        elif isinstance(stmt, ast.If):
            inner: When = when
            if when == "import" and _is_type_checking(stmt.test):
                inner = "never"
            _walk(stmt.body, package, inner, guarded, out)
            _walk(stmt.orelse, package, when, guarded, out)
        elif isinstance(stmt, ast.Try):
            catches = any(_catches_import_error(h.type) for h in stmt.handlers)
            _walk(stmt.body, package, when, guarded or catches, out)
            for handler in stmt.handlers:  # runs only when the try failed
                _walk(handler.body, package, when, True, out)
            _walk(stmt.orelse, package, when, guarded, out)
            _walk(stmt.finalbody, package, when, guarded, out)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            guard = any(_guards(item.context_expr) for item in stmt.items)
            _walk(stmt.body, package, when, guarded or guard, out)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            _walk(stmt.body, package, when, guarded, out)
            _walk(stmt.orelse, package, when, guarded, out)
        elif isinstance(stmt, ast.Match):
            for case in stmt.cases:
                _walk(case.body, package, when, guarded, out)
        for node, in_lambda in _dynamic_calls(stmt):
            first = node.args[0]
            runs: When = "call" if in_lambda and when == "import" else when
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                out.append(Import(node.lineno, UNKNOWN, (), runs, guarded, ()))
                continue
            literal = first.value
            level = len(literal) - len(literal.lstrip("."))
            if level and len(node.args) < 2:
                continue
            module = resolve_relative(level, literal[level:] or None, package)
            if module is not None:
                out.append(Import(node.lineno, module, (), runs, guarded, ()))


def _dynamic_calls(stmt: ast.stmt) -> Iterator[tuple[ast.Call, bool]]:
    """``import_module("x")`` / ``__import__("x")`` in the statement itself (not in the
    bodies of nested blocks, which ``_walk`` visits with their own context)."""
    for node, in_lambda in _own_nodes(stmt):
        if (
            isinstance(node, ast.Call)
            and node.args
            and _call_name(node.func) in ("import_module", "__import__")
        ):
            yield node, in_lambda


def _own_nodes(stmt: ast.stmt) -> Iterator[tuple[ast.AST, bool]]:
    """The statement's own expression nodes, each with whether it is inside a lambda."""
    stack: list[tuple[ast.AST, bool]] = []
    for field, value in ast.iter_fields(stmt):
        # a def's decorators, defaults and a class's bases run where the def is; bodies
        # and annotations (strings or not evaluated here) are visited elsewhere or never
        if field in ("body", "orelse", "finalbody", "handlers", "cases", "returns"):
            continue
        if field == "args" and isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = stmt.args
            stack.extend((d, False) for d in (*arguments.defaults, *arguments.kw_defaults) if d)
            continue
        if isinstance(value, list):
            stack.extend((v, False) for v in value if isinstance(v, ast.AST))
        elif isinstance(value, ast.AST):
            stack.append((value, False))
    while stack:
        node, in_lambda = stack.pop()
        yield node, in_lambda
        inner = in_lambda or isinstance(node, ast.Lambda)
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _catches_import_error(kind: ast.expr | None) -> bool:
    """A bare ``except:``, or one whose type expression names an ImportError base
    (also in tuples and sums such as ``ERRORS + (ImportError,)``)."""
    if kind is None:
        return True
    return any(
        _call_name(node) in _IMPORT_ERRORS
        for node in ast.walk(kind)
        if isinstance(node, (ast.Name, ast.Attribute))
    )


def _guards(expr: ast.expr) -> bool:
    """``pytest.raises(ImportError)`` / ``contextlib.suppress(ImportError)``."""
    return (
        isinstance(expr, ast.Call)
        and _call_name(expr.func) in ("raises", "suppress")
        and any(_catches_import_error(arg) for arg in expr.args)
    )
