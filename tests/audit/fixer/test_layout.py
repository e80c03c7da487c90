"""fit_line splits a line that got too long the way ruff format does (the expected
outputs are ruff's own); lines it cannot split safely stay as they are."""

# ruff: noqa: E501

from __future__ import annotations

import pytest

from audit.fixer.layout import fit_line, indent_unit, measured

from .helpers import dedent


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            'x = {"add_message": AsyncMock(), "reserve_message": AsyncMock()}',
            'x = {\n    "add_message": AsyncMock(),\n    "reserve_message": AsyncMock(),\n}',
            id="collection-one-per-line",
        ),
        pytest.param(
            'x = {"add_message_long_name_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx": 1}',
            'x = {\n    "add_message_long_name_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx": 1\n}',
            id="one-item-no-trailing-comma",
        ),
        pytest.param(
            "x = SimpleNamespace(add_message=AsyncMock(), get_m=MagicMock())",
            "x = SimpleNamespace(\n    add_message=AsyncMock(), get_m=MagicMock()\n)",
            id="call-arguments-on-one-line",
        ),
        pytest.param(
            'f(x={"add_message": AsyncMock(), "get_message": MagicMock()})',
            'f(\n    x={\n        "add_message": AsyncMock(),\n        "get_message": MagicMock(),\n    }\n)',
            id="one-argument-holding-a-collection",
        ),
        pytest.param(
            'x = {"a": 1, "b": 2}  # a long normal comment here.....................',
            'x = {\n    "a": 1,\n    "b": 2,\n}  # a long normal comment here.....................',
            id="comment-follows-the-closing-bracket",
        ),
        pytest.param(
            'x = {"a": 1, "b": 2}  # noqa: E501 a long pragma comment here.........',
            'x = {"a": 1, "b": 2}  # noqa: E501 a long pragma comment here.........',
            id="pragma-comment-does-not-count",
        ),
        pytest.param(
            'x = f"{a[\'b\']}" + g(f"{x}", lambda a, b: {"add_message": 1, "get": 2})',
            'x = f"{a[\'b\']}" + g(\n    f"{x}", lambda a, b: {"add_message": 1, "get": 2}\n)',
            id="fstrings-and-lambda-parameters-are-not-split",
        ),
        pytest.param(
            'x = "a string much too long to fit on any line of sixty columns"',
            None,
            id="unsplittable",
        ),
    ],
)
def test_fit_line_matches_ruff_format(line: str, expected: str | None) -> None:
    assert fit_line(line + "\n", 1, 60) == (expected or line) + "\n"


def test_a_line_inside_brackets_splits_at_its_commas_with_a_trailing_comma() -> None:
    code = 'f(\n    "app.crud", {"add_message": AsyncMock(), "get_message": 1}\n)\n'
    assert fit_line(code, 2, 60) == (
        'f(\n    "app.crud",\n    {"add_message": AsyncMock(), "get_message": 1},\n)\n'
    )


def test_a_line_with_a_string_running_over_lines_is_left_alone() -> None:
    code = 'x = {"a": 1, "b": """doc\nstring"""}\n'
    assert fit_line(code, 1, 10) == code


@pytest.mark.parametrize(
    ("line", "columns"),
    [
        pytest.param("abc", 3, id="ascii"),
        pytest.param("\tx", 5, id="tab"),
        pytest.param("\u4e2d\u6587", 4, id="wide"),
        pytest.param("x = 1  # noqa: E501", 5, id="pragma"),
        pytest.param("x = 1  # a comment", 18, id="comment"),
    ],
)
def test_measured(line: str, columns: int) -> None:
    assert measured(line) == columns


@pytest.mark.parametrize(
    ("code", "unit"),
    [
        pytest.param("def f():\n    return 1\n", "    ", id="four"),
        pytest.param("class A:\n  def f(self):\n    pass\n", "  ", id="two"),
        pytest.param("def f():\n\treturn 1\n", "\t", id="tab"),
        pytest.param("x = 1\n", "    ", id="none"),
    ],
)
def test_indent_unit(code: str, unit: str) -> None:
    assert indent_unit(dedent(code)) == unit
