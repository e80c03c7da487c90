"""AddMissingExports: the fix as a libcst codemod, fed required names by a callable."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from libcst.codemod import CodemodContext, SkipFile, TransformSuccess, transform_module

from audit.codemod import AddMissingExports

SOURCE = textwrap.dedent(
    """
    import sys
    from unittest.mock import MagicMock

    sys.modules["app.crud"] = {"add_message": MagicMock()}  # mock-audit: ignore[delete_message]
    sys.modules["third.party"] = MagicMock()
    """
).lstrip("\n")

REQUIRED = {
    "app.crud": ["add_message", "delete_message", "reserve_message"],
    "third.party": ["anything"],
}


def command(**kwargs: object) -> AddMissingExports:
    return AddMissingExports(
        CodemodContext(filename="tests/test_x.py"),
        required=lambda module: REQUIRED.get(module, []),
        stub_kind=lambda module, name: "async" if name == "reserve_message" else "sync",
        **kwargs,  # type: ignore[arg-type]
    )


def test_codemod_adds_missing_names_and_honours_suppressions():
    result = transform_module(command(), SOURCE)
    assert isinstance(result, TransformSuccess)
    assert result.code == (
        "import sys\n"
        "from unittest.mock import AsyncMock, MagicMock\n"
        "\n"
        'sys.modules["app.crud"] = {"add_message": MagicMock(), "reserve_message": AsyncMock()}'
        "  # mock-audit: ignore[delete_message]\n"
        'sys.modules["third.party"] = MagicMock()\n'
    )
    compile(result.code, "t.py", "exec")


def test_codemod_uses_stub_templates():
    out = command(stubs={"reserve_message": "AsyncMock(return_value=None)"}).transform_module(
        cst.parse_module(SOURCE)
    )
    assert '"reserve_message": AsyncMock(return_value=None)' in out.code


def test_codemod_skips_a_file_with_nothing_to_add():
    done = transform_module(command(), SOURCE).code  # type: ignore[attr-defined]
    with pytest.raises(SkipFile):
        command().transform_module(cst.parse_module(done))
