"""Properties of apply_edits over many generated files: bytes outside the edited
statements never change, newlines of every style survive, output compiles; and a huge
file with one fake is fixed without parsing it whole."""

from __future__ import annotations

import time
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.fixer import apply_edits
from audit.model import FakeEdit, Span
from audit.sourcefile import split_lines

from .helpers import Want, dedent, edits_for

HEADER = "from unittest.mock import AsyncMock, MagicMock\n"

FILLER = [
    "x = 1\n",
    "# a comment with { brackets ( and quotes '\n",
    '"""A docstring.\n\nfrom unittest import mock\nsys.modules["app.crud"] = {}\n"""\n',
    "def helper(a, b={'k': [1, 2]}):\n    return {**b, 'a': a}\n",
    "class Base:\n    x = 1\n\n    def m(self):\n        return self.x\n",
    "@decorator\ndef test_one():\n    assert f'{1}' == '1'  # note\n",
    "s = '\\u00e9t\\u00e9 \u00e9t\u00e9'\n",
    "y = (\n    1,\n    2,\n)\n",
    "if x:\n\tz = 2\n",
    "\n\n",
    "t = '''multi\n  line {'''\n",
]

TARGETS = [
    ('sys.modules["app.crud"] = {"a": MagicMock()}\n', Want("dict", "b c:async")),
    ("FAKE = {\n    'a': MagicMock(),  # kept\n}\n", Want("dict", "b")),
    ("NS = SimpleNamespace(a=1)\n", Want("keywords", "b c:async")),
    ("SPEC = MagicMock(spec=['a'])\n", Want("strings", "b")),
    ("fake = ModuleType('app.crud')\n", Want("attributes", "b", match="ModuleType", var="fake")),
    ("class Fake:\n    a = 1\n", Want("class_body", "b c:async")),
    (
        "@patch.dict(sys.modules, {'app.crud': {'a': 1}})\ndef test_it():\n    pass\n",
        Want("dict", "b", index=1),
    ),
    (
        "def test():\n    with patch.dict(sys.modules, {'m': {}}):\n        pass\n",
        Want("dict", "b", index=1),
    ),
]


def shifted(edit: FakeEdit, lines: int) -> FakeEdit:
    """``edit`` for a statement ``lines`` lines further down."""

    def move(span: Span) -> Span:
        return replace(span, line=span.line + lines, end_line=span.end_line + lines)

    target = replace(
        edit.target, node=move(edit.target.node), statement=move(edit.target.statement)
    )
    return replace(edit, target=target)


@st.composite
def files(draw: st.DrawFn) -> tuple[str, str, Want, str]:
    before = draw(st.lists(st.sampled_from(FILLER), max_size=5))
    after = draw(st.lists(st.sampled_from(FILLER), max_size=5))
    target, want = draw(st.sampled_from(TARGETS))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    prefix = HEADER + "".join(before)
    return prefix, target, want, "".join(after), newline  # type: ignore[return-value]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files(), st.sampled_from([40, 88, 120]))
def test_bytes_outside_the_edited_statement_never_change(file, line_length) -> None:
    prefix, target, want, suffix, newline = file
    code = (prefix + target + suffix).replace("\n", newline)
    edits = [shifted(edit, prefix.count("\n")) for edit in edits_for(target, [want])]
    out = apply_edits(code, edits, line_length=line_length)
    head = prefix.replace("\n", newline)
    tail = suffix.replace("\n", newline)
    assert out.startswith(head)
    assert out.endswith(tail)
    assert out != code
    middle = out[len(head) : len(out) - len(tail)]
    assert "\n" not in middle.replace(newline, "") if newline != "\n" else "\r" not in middle
    compile(out, "test_x.py", "exec", dont_inherit=True)
    # Found again in the result, the same edit adds nothing.
    fixed = middle.replace(newline, "\n")
    again = [shifted(edit, prefix.count("\n")) for edit in edits_for(fixed, [want])]
    assert apply_edits(out, again, line_length=line_length) == out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=8, max_size=8))
def test_mixed_newlines_each_line_keeps_its_own(newlines: list[str]) -> None:
    # No empty lines: "\r" then an empty line "\n" would be one "\r\n".
    lines = [
        "from unittest.mock import MagicMock",
        "# fakes",
        "FAKE = {",
        "    'a': 1,",
        "}",
        "fake = ModuleType('m')",
        "x = 1",
        "y = 2",
    ]
    code = "".join(line + nl for line, nl in zip(lines, newlines, strict=True))
    wants = [Want("dict", "b"), Want("attributes", "c", match="ModuleType", var="fake")]
    out = apply_edits(code, edits_for("\n".join(lines), wants))
    got = split_lines(out)
    expected = [
        lines[0] + newlines[0],
        lines[1] + newlines[1],
        lines[2] + newlines[2],
        lines[3] + newlines[3],
        "    'b': MagicMock()," + newlines[2],
        lines[4] + newlines[4],
        lines[5] + newlines[5],
        "fake.c = MagicMock()" + newlines[5],
        lines[6] + newlines[6],
        lines[7] + newlines[7],
    ]
    assert got == expected


def big_file(megabytes: float) -> tuple[str, int]:
    """A test file of about ``megabytes`` MB with one fake in the middle."""
    chunk = dedent(
        '''
        @pytest.mark.parametrize("value", [1, 2, {"k": "v"}])
        def test_case_{n}(value):
            """Check case {n}: from unittest import mock."""
            data = {{"id": {n}, "name": "item {n}", "tags": ["a", "b", "c"], "value": value}}
            assert process(data) == expected({n}), f"case {{value!r}}"


        '''
    )
    count = int(megabytes * 1_000_000 / len(chunk)) // 2
    head = "import sys\n\nimport pytest\n\n\n"
    first = "".join(chunk.replace("{n}", str(i)) for i in range(count))
    fake = 'sys.modules["app.crud"] = {"add_message": 1}\n\n\n'
    second = "".join(chunk.replace("{n}", str(i)) for i in range(count, 2 * count))
    text = head + first + fake + second
    return text.replace("{{", "{").replace("}}", "}"), text.count("\n", 0, len(head + first)) + 1


def test_a_huge_file_with_one_fake_is_fixed_quickly() -> None:
    text, line = big_file(5.0)
    assert len(text) > 5_000_000
    fake = 'sys.modules["app.crud"] = {"add_message": 1}\n'
    edit = shifted(
        edits_for(fake, [Want("dict", "get_message reserve_message:async")])[0], line - 1
    )
    started = time.perf_counter()
    out = apply_edits(text, [edit])
    took = time.perf_counter() - started
    print(f"fixed a {len(text) / 1e6:.1f} MB file in {took:.2f} s")
    assert "from unittest.mock import AsyncMock, MagicMock\n" in out[:200]
    assert '"get_message": MagicMock()' in out
    assert len(split_lines(out)) == len(split_lines(text)) + 5  # the import, the exploded dict
