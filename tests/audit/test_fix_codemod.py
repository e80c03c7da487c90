"""AddMissingExports: the fix as a libcst codemod, fed required names by a callable."""

from __future__ import annotations

import textwrap
from pathlib import Path

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


def write_project(root: Path, needed: str, crud: str, extra_config: str = "") -> None:
    files = {
        "pyproject.toml": '[tool.mock-audit]\nsrc = ["src"]\nignore = ["app.crud:legacy"]\n'
        + extra_config,
        "src/app/__init__.py": "",
        "src/app/crud.py": crud,
        "src/app/service.py": f"from app.crud import add_message, {needed}, legacy\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_codemod_without_callables_asks_the_project_of_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = 'import sys\nsys.modules["app.crud"] = {"add_message": 1}\n'
    projects = [
        ("one", "reserve_message", "async def reserve_message(): ...\n", "", "AsyncMock()"),
        ("two", "count", "def count(): ...\n", '[tool.mock-audit.stubs]\ncount = "42"\n', "42"),
    ]
    # Two projects in one process: the second must not get the first one's answers.
    for name, needed, crud, extra, stub in projects:
        write_project(tmp_path / name, needed, crud, extra)
        monkeypatch.chdir(tmp_path / name)
        out = AddMissingExports(CodemodContext(filename="tests/test_x.py")).transform_module(
            cst.parse_module(source)
        )
        assert f'{{"add_message": 1, "{needed}": {stub}}}' in out.code
        assert "legacy" not in out.code
