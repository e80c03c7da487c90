"""Fuzz ``mock-audit fix`` end to end: generated test files hold fakes of every form amid
arbitrary valid Python, in every newline style and encoding; the analysis finds them and
``audit.apply.fix`` adds what they lack.

Properties: every written file compiles; bytes outside the statements that hold fakes
and the import block never change (newlines and BOM/cookie included); the mode is kept;
a second fix changes nothing; ``check`` never raises and, after the fix, finds nothing.

Fast by default (25 examples); ``MOCK_AUDIT_FUZZ=N`` runs N examples.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.api import check, run_check
from audit.apply import fix, plan_of
from audit.config import load_config

EXAMPLES = int(os.environ.get("MOCK_AUDIT_FUZZ", "25"))

CRUD = '''\
"""The real module: the fakes stand in for it."""

STATUS = "ready"


class Store:
    pass


def add_message(conversation_id, role, content):
    pass


async def reserve_message(conversation_id, role):
    pass


def get_message(message_id):
    pass


def delete_message(message_id):
    pass
'''
NAMES = ("STATUS", "Store", "add_message", "delete_message", "get_message", "reserve_message")
SERVICE = f"from app.crud import {', '.join(NAMES)}\n"
PYPROJECT = '[tool.mock-audit]\nsrc = ["src"]\ntests = ["tests"]\ncache-dir = false\n'
IMPORTS = [
    "import sys",
    "import types",
    "from types import SimpleNamespace",
    "from unittest.mock import MagicMock, patch",
    "import pytest",
    "from harness import mock_module",
]

# --- text -------------------------------------------------------------------------------

ASCII_WORDS = ["alpha", "beta", "gamma", "x", "quote's", 'say "hi"', "back\\slash", "{brace}"]
WIDE = {"ascii": "", "latin-1": "éüß¿ÀÿÑ", "utf-8": "éüß中文😀∑ﬁ"}


@st.composite
def words(draw: st.DrawFn, charset: str) -> str:
    parts = draw(st.lists(st.sampled_from(ASCII_WORDS), min_size=1, max_size=4))
    wide = WIDE[charset]
    if wide and draw(st.booleans()):
        parts.append(draw(st.text(alphabet=wide, min_size=1, max_size=5)))
    return " ".join(parts)


@st.composite
def strings(draw: st.DrawFn, charset: str) -> str:
    """A string literal: quotes of every kind, escapes (``\\r`` among them), prefixes;
    a triple-quoted one may hold real line breaks (they take the file's newline)."""
    body = draw(words(charset)).replace("\\", "\\\\")
    kind = draw(st.sampled_from(["single", "double", "triple", "raw", "bytes", "fstring"]))
    escape = draw(st.sampled_from(["", "\\r", "\\n", "\\r\\n", "\\t", "\\'", '\\"', "\\x41"]))
    if kind == "triple":
        quote = draw(st.sampled_from(['"""', "'''"]))
        inner = body.replace(quote[0], "\\" + quote[0])
        return f"{quote}{inner}{escape}\n  {inner}\n{quote}"
    if kind == "bytes":
        return 'b"' + re.sub(r"[^ -~]", "?", body).replace('"', '\\"') + escape + '"'
    if kind == "raw":
        return "r'" + body.replace("'", "").replace("\\", "/") + "'"
    quote = '"' if kind in ("double", "fstring") else "'"
    inner = body.replace(quote, "\\" + quote).replace("{", "{{").replace("}", "}}")
    if kind == "fstring":
        return f'f"{inner}{escape} {{v_0!r}}"'
    return f"{quote}{inner}{escape}{quote}"


@st.composite
def expressions(draw: st.DrawFn, charset: str, depth: int = 0) -> str:
    leaf = st.one_of(
        st.integers(-(10**6), 10**6).map(str),
        st.sampled_from(["None", "True", "v_0", "v_1.attr", "3.5e-3", "0x_ff", "..."]),
        strings(charset),
    )
    if depth >= 2:
        return draw(leaf)
    inner = expressions(charset, depth + 1)
    kind = draw(st.integers(0, 9))
    if kind <= 2:
        return draw(leaf)
    items = draw(st.lists(inner, max_size=3))
    if kind == 3:  # brackets over several lines, a trailing comma, a comment
        joined = ",\n        ".join(items)
        comma = "," if items and draw(st.booleans()) else ""
        return f"[\n        {joined}{comma}  # {draw(words(charset))}\n    ]"
    if kind == 4:
        pairs = ", ".join(f"{draw(strings(charset))}: {item}" for item in items)
        return "{" + pairs + "}"
    if kind == 5:
        return f"v_2({', '.join([*items, 'key=1'])})"
    if kind == 6:
        return f"({draw(inner)} if {draw(inner)} else {draw(inner)})"
    if kind == 7:
        return f"[w for w in {draw(inner)} if w]"
    if kind == 8:
        return f"(lambda a, *b, c=1, **d: {draw(inner)})"
    return f"({draw(inner)} + {draw(inner)})"


@st.composite
def statements(draw: st.DrawFn, charset: str, unit: str, indent: str, depth: int = 0) -> str:
    """One statement (maybe a block of them) of filler Python, at ``indent``."""
    expr = expressions(charset)
    simple = draw(st.integers(0, 7))
    if depth >= 2 or draw(st.integers(0, 2)) > 0:
        if simple == 0:
            return f"{indent}# {draw(words(charset))}"
        if simple == 1:
            return f"{indent}v_{draw(st.integers(0, 9))} = {draw(expr)}"
        if simple == 2:
            return f"{indent}v_3 = 1; v_4 = {draw(expr)}  # two on a line"
        if simple == 3:
            return f"{indent}v_5 = 1 + \\\n{indent}{unit}2"
        if simple == 4:
            return f"{indent}assert {draw(expr)}, {draw(strings(charset))}"
        if simple == 5:
            return f"{indent}v_6: dict[str, int] = {{}}"
        if simple == 6:
            return f"{indent}print({draw(expr)}, sep='')"
        return f"{indent}pass"
    body = draw(block(charset, unit, indent + unit, depth + 1))
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return f"{indent}if {draw(expr)}:\n{body}\n{indent}else:\n{indent}{unit}pass"
    if kind == 1:
        return f"{indent}for v_7 in {draw(expr)}:\n{body}"
    if kind == 2:
        handler = f"{indent}except (ValueError, KeyError) as exc:\n{indent}{unit}raise"
        return f"{indent}try:\n{body}\n{handler}"
    if kind == 3:
        return f"{indent}with v_8() as (v_9, v_10):\n{body}"
    if kind == 4:
        name = f"helper_{draw(st.integers(0, 10**6))}"
        head = f"{indent}def {name}(a, /, b=1, *c, d, **e):"
        return f"{indent}@v_11.deco({draw(expr)})\n{head}\n{body}"
    return f"{indent}class Base{draw(st.integers(0, 10**6))}(object, metaclass=type):\n{body}"


@st.composite
def block(draw: st.DrawFn, charset: str, unit: str, indent: str, depth: int = 0) -> str:
    parts = draw(st.lists(statements(charset, unit, indent, depth), min_size=1, max_size=3))
    if all(part.lstrip().startswith("#") for part in parts):
        parts.append(f"{indent}pass")  # a block of comments only is no block
    return "\n".join(parts)


# --- fakes --------------------------------------------------------------------------------


def _stub(name: str) -> str:
    return {"STATUS": '"ready"', "Store": "type('Store', (), {})"}.get(name, "MagicMock()")


@st.composite
def fakes(draw: st.DrawFn, index: int, charset: str, unit: str) -> str:
    """A test (and what it needs) that installs a fake of ``app.crud`` holding some names,
    then imports a module that needs them all."""
    given = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=len(NAMES) - 1))
    form = draw(st.sampled_from(["dict", "namespace", "module_type", "spec", "class", "kwargs"]))
    u = unit
    filler = draw(block(charset, unit, unit, 1)) + "\n" if draw(st.booleans()) else ""
    dec = f"@pytest.mark.skipif(False, reason={draw(strings(charset))})\n" if draw(
        st.booleans()) else ""  # fmt: skip
    trailer = f"{u}import app.service\n"
    if form == "dict":
        entries = [f'"{n}": {_stub(n)}' for n in given]
        if entries and draw(st.booleans()):
            inside = "".join(f"\n{u}{u}{u}{e}," for e in entries)
            literal = "{" + inside + f"\n{u}{u}}}"
        else:
            literal = "{" + ", ".join(entries) + "}"
        factory = f"lambda: {literal}" if draw(st.booleans()) else literal
        return (
            f"{dec}def test_site_{index}():\n{filler}"
            f'{u}with mock_module("app.crud", {factory}):\n{u}{trailer}'
        )
    if form == "namespace":
        keywords = ", ".join(f"{n}={_stub(n)}" for n in given)
        if draw(st.booleans()):  # module level
            return (
                f'sys.modules["app.crud"] = SimpleNamespace({keywords})  '
                f"# {draw(words(charset))}\n\n\n{dec}def test_site_{index}():\n{filler}{trailer}"
            )
        return (
            f"{dec}def test_site_{index}(monkeypatch):\n{filler}"
            f'{u}monkeypatch.setitem(sys.modules, "app.crud", SimpleNamespace({keywords}))\n'
            f"{trailer}"
        )
    if form == "module_type":
        lines = [f'{u}fake_{index} = types.ModuleType("app.crud")\n']
        lines += [f"{u}fake_{index}.{n} = {_stub(n)}\n" for n in given]
        return (
            f"{dec}def test_site_{index}(monkeypatch):\n{filler}{''.join(lines)}"
            f'{u}monkeypatch.setitem(sys.modules, "app.crud", fake_{index})\n{trailer}'
        )
    if form == "spec":
        spec = "[" + ", ".join(f'"{n}"' for n in given) + "]"
        install = f'patch.dict(sys.modules, {{"app.crud": MagicMock(spec={spec})}})'
        if draw(st.booleans()):
            return f"@{install}\ndef test_site_{index}():\n{filler}{trailer}"
        return f"{dec}def test_site_{index}():\n{filler}{u}with {install}:\n{u}{trailer}"
    if form == "class":
        body = []
        for n in given:
            if n[0].islower() and draw(st.booleans()):
                body.append(f"{u}def {n}(self, *args):\n{u}{u}return None\n")
            else:
                body.append(f"{u}{n} = {_stub(n)}\n")
        klass = f"class FakeCrud{index}:\n" + ("\n".join(body) if body else f"{u}pass\n")
        return (
            f"{klass}\n\n{dec}def test_site_{index}(monkeypatch):\n{filler}"
            f'{u}monkeypatch.setitem(sys.modules, "app.crud", FakeCrud{index}())\n{trailer}'
        )
    keywords = ", ".join(f"{n}={_stub(n)}" for n in given)
    return (
        f"def make_crud_{index}(**functions):\n{u}return SimpleNamespace(**functions)\n\n\n"
        f"{dec}def test_site_{index}(monkeypatch):\n{filler}"
        f'{u}monkeypatch.setitem(sys.modules, "app.crud", make_crud_{index}({keywords}))\n'
        f"{trailer}"
    )


# --- whole files ----------------------------------------------------------------------------


@dataclass
class Generated:
    name: str
    data: bytes
    mode: int
    prefix: bytes  # the BOM and cookie line(s): kept byte for byte
    text: str = field(repr=False, default="")


_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
ENCODINGS = ["utf-8", "utf-8-cookie", "latin-1", "latin-1-second-line", "bom", "bom-cookie"]
NEWLINES = ["lf", "crlf", "cr", "mixed"]


@st.composite
def newline_style(draw: st.DrawFn, text: str) -> str:
    """``text`` (LF) in one newline style, or mixed per line; a CR is never put right
    before an LF that ends the next line (that would be one CRLF)."""
    style = draw(st.sampled_from(NEWLINES))
    if style == "lf":
        return text
    if style == "crlf":
        return text.replace("\n", "\r\n")
    if style == "cr":
        return text.replace("\n", "\r")
    chosen = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=8))
    out: list[str] = []
    count = 0
    for i, char in enumerate(text):
        if char != "\n":
            out.append(char)
            continue
        ending = chosen[count % len(chosen)]
        count += 1
        if ending == "\r" and text[i + 1 : i + 2] == "\n":
            ending = "\r\n"
        out.append(ending)
    return "".join(out)


@st.composite
def generated_files(draw: st.DrawFn, number: int) -> Generated:
    encoding = draw(st.sampled_from(ENCODINGS))
    charset = "latin-1" if encoding.startswith("latin-1") else "utf-8"
    if draw(st.booleans()):
        charset = "ascii"
    unit = draw(st.sampled_from(["    ", "  ", "\t"]))
    head = {
        "utf-8": "",
        "utf-8-cookie": "# -*- coding: utf-8 -*-\n",
        "latin-1": "# -*- coding: latin-1 -*-\n",
        "latin-1-second-line": "#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\n",
        "bom": "",
        "bom-cookie": "# coding: utf-8\n",
    }[encoding]
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append(f'"""Tests of {draw(words(charset)).replace(chr(92), "/")}."""\n')
    imports = list(IMPORTS)
    if draw(st.booleans()):
        imports = draw(st.permutations(imports))
    parts.append("\n".join(imports) + "\n\n")
    count = draw(st.integers(1, 3))
    for index in range(count):
        if draw(st.booleans()):
            parts.append(draw(block(charset, unit, "")) + "\n\n\n")
        parts.append(draw(fakes(index, charset, unit)) + "\n\n")
    if draw(st.booleans()):
        parts.append(f"# {draw(words(charset))}")  # no newline at the end
    text = draw(newline_style(head + "".join(parts)))
    codec = "latin-1" if encoding.startswith("latin-1") else "utf-8"
    bom = b"\xef\xbb\xbf" if encoding.startswith("bom") else b""
    data = bom + text.encode(codec)
    prefix = b"".join(_LINE.findall(data)[: head.count("\n")]) or bom
    mode = draw(st.sampled_from([0o644, 0o600, 0o755, 0o664]))
    return Generated(f"test_gen_{number}.py", data, mode, prefix, text)


# --- the properties -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "src" / "app").mkdir(parents=True)
    (root / "src" / "app" / "__init__.py").write_text("")
    (root / "src" / "app" / "crud.py").write_text(CRUD)
    (root / "src" / "app" / "service.py").write_text(SERVICE)
    yield root


def _import_block_end(source: bytes) -> int:
    """The last line of the module's leading docstring and imports."""
    tree = ast.parse(source)
    end = 0
    for node in tree.body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if not (isinstance(node, (ast.Import, ast.ImportFrom)) or (docstring and end == 0)):
            break
        end = node.end_lineno or node.lineno
    return end


def assert_edits_stay_in_place(old: bytes, new: bytes, allowed: set[int], name: str) -> None:
    """Every changed or deleted line (1-based, of ``old``) is in ``allowed``; inserted
    lines sit next to an allowed line, or to blank lines next to one (a line-wise diff
    may put the fixer's own blank line on either side of an existing one)."""
    a, b = _LINE.findall(old), _LINE.findall(new)
    assert b"".join(a) == old and b"".join(b) == new
    near = set(allowed)
    for line in sorted(allowed):  # blank lines that touch an allowed line, both ways
        for step in (-1, 1):
            other = line + step
            while 1 <= other <= len(a) and not a[other - 1].strip():
                near.add(other)
                other += step
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changed = set(range(i1 + 1, i2 + 1))
        ok = changed <= allowed if changed else bool({i1, i1 + 1} & (near | {0}))
        assert ok, (
            f"{name}: {tag} at lines {i1 + 1}-{i2} outside the fakes and imports "
            f"(allowed {sorted(allowed)}):\n{b''.join(a[i1:i2])!r}\n->\n{b''.join(b[j1:j2])!r}"
        )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=st.integers(1, 2).flatmap(lambda n: st.tuples(*map(generated_files, range(n)))))
def test_fix_edits_only_the_fakes_and_is_idempotent(
    project: Path, files: tuple[Generated, ...]
) -> None:
    tests = project / "tests"
    shutil.rmtree(tests, ignore_errors=True)
    tests.mkdir()
    paths = []
    for generated in files:
        # the generator's own check: it makes valid Python only
        compile(generated.data, generated.name, "exec", dont_inherit=True)
        path = tests / generated.name
        path.write_bytes(generated.data)
        path.chmod(generated.mode)
        paths.append(path)
    config = load_config(project)

    run = run_check(None, config)
    assert run.report.notes == (), run.report.notes
    assert run.report.findings, "every generated file holds a fake that lacks names"
    plan = plan_of(run, config)
    allowed: dict[str, set[int]] = {}
    for path, generated in zip(paths, files, strict=True):
        lines = set(range(1, _import_block_end(generated.data) + 1))
        for edit in plan.edits.get(str(path), ()):
            span = edit.target.statement
            lines |= set(range(span.line, span.end_line + 1))
        allowed[str(path)] = lines

    report = fix(None, config)
    errors = [(f.path, f.error) for f in report.files if f.error]
    assert errors == [], errors
    assert report.remaining == (), [f.message for f in report.remaining]
    for path, generated in zip(paths, files, strict=True):
        new = path.read_bytes()
        compile(new, generated.name, "exec", dont_inherit=True)
        assert stat.S_IMODE(path.stat().st_mode) == generated.mode
        assert new.startswith(generated.prefix)
        assert new[-1:] == generated.data[-1:]
        assert_edits_stay_in_place(generated.data, new, allowed[str(path)], generated.name)

    after = {p: p.read_bytes() for p in paths}
    again = fix(None, config)
    assert [f for f in again.files if f.written or f.error] == []
    assert {p: p.read_bytes() for p in paths} == after, "a second fix must change nothing"
    final = check(None, config)
    assert final.findings == () and final.notes == ()
