"""AddMissingNames as a libcst codemod command, and the runners that never parse a file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import (
    CodemodContext,
    TransformFailure,
    TransformSkip,
    TransformSuccess,
    transform_module,
)

from audit.fixer import AddMissingNames, FixError, fix_file_text, run_command
from audit.model import FakeEdit

from .helpers import Want, dedent, edits_for

SOURCE = dedent(
    """
    import sys
    from unittest.mock import MagicMock

    sys.modules["app.crud"] = {"add_message": MagicMock()}
    """
)
FIXED = dedent(
    """
    import sys
    from unittest.mock import AsyncMock, MagicMock

    sys.modules["app.crud"] = {"add_message": MagicMock(), "reserve_message": AsyncMock()}
    """
)


@dataclass
class Plan:
    """Edits found in whatever code it is asked about (as the analysis would)."""

    wants: Sequence[Want]
    stubs: Mapping[str, str] = field(default_factory=dict)
    line_length: int = 88
    asked: list[str] = field(default_factory=list)

    def edits_for(self, path: str, code: str) -> Sequence[FakeEdit]:
        self.asked.append(path)
        return edits_for(code, self.wants) if "app.crud" in code else []


def command(plan: Plan | None = None) -> AddMissingNames:
    plan = plan or Plan([Want("dict", "reserve_message:async")])
    return AddMissingNames(CodemodContext(filename="tests/test_x.py"), plan)


def test_run_command_fixes_the_file_it_is_given():
    plan = Plan([Want("dict", "reserve_message:async")])
    result = run_command(command(plan), SOURCE)
    assert isinstance(result, TransformSuccess)
    assert result.code == FIXED
    assert plan.asked == ["tests/test_x.py"]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(SOURCE, id="fix"),
        pytest.param(SOURCE.replace("MagicMock()}", "MagicMock(),\n}"), id="multi-line"),
        pytest.param(SOURCE.replace("\n", "\r\n"), id="crlf"),
    ],
)
def test_libcsts_own_transform_module_gives_the_same_text(code: str):
    ours = run_command(command(), code)
    theirs = transform_module(command(), code)
    assert isinstance(ours, TransformSuccess) and isinstance(theirs, TransformSuccess)
    assert theirs.code == ours.code != code


def test_the_command_keeps_the_modules_encoding():
    tree = cst.parse_module(("# coding: latin-1\n" + SOURCE + "# caf\xe9\n").encode("latin-1"))
    out = command().transform_module(tree)
    assert out.encoding == "iso-8859-1"
    assert out.bytes.endswith("# caf\xe9\n".encode("latin-1"))


def test_a_file_with_nothing_to_add_is_skipped_by_both_runners():
    nothing = "import sys\n"
    assert isinstance(run_command(command(), nothing), TransformSkip)
    assert isinstance(transform_module(command(), nothing), TransformSkip)


def test_a_failure_is_a_result_never_an_exception():
    plan = Plan([Want("dict", "x")], stubs={"x": "def"})
    result = run_command(command(plan), SOURCE)
    assert isinstance(result, TransformFailure)
    assert isinstance(result.error, FixError)
    assert "stub template for 'x'" in str(result.error) and result.traceback_str


def test_without_a_plan_the_codemod_asks_the_project(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    import audit.codemod

    seen: list[Path] = []

    def project_plan(root: Path) -> Plan:
        seen.append(root)
        return Plan([Want("dict", "reserve_message:async")])

    monkeypatch.setattr(audit.codemod, "project_plan", project_plan)
    monkeypatch.chdir(tmp_path)
    fixer = audit.codemod.AddMissingNames(CodemodContext(filename="tests/test_x.py"))
    assert run_command(fixer, SOURCE).code == FIXED  # type: ignore[union-attr]
    run_command(fixer, SOURCE)
    assert seen == [tmp_path]  # asked once


def test_the_fixer_command_alone_needs_a_plan():
    result = run_command(AddMissingNames(CodemodContext(filename="tests/test_x.py")), SOURCE)
    assert isinstance(result, TransformFailure)
    assert "needs a plan" in str(result.error)


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param(
            lambda: edits_for(SOURCE, [Want("dict", "reserve_message:async")]),
            TransformSuccess,
            id="success",
        ),
        pytest.param(lambda: [], TransformSkip, id="no-edits"),
        pytest.param(
            lambda: edits_for(SOURCE, [Want("dict", "x")]), TransformFailure, id="bad-template"
        ),
    ],
)
def test_fix_file_text(edits, expected):
    result = fix_file_text("tests/test_x.py", SOURCE, edits(), stubs={"x": "("})
    assert type(result) is expected
    if isinstance(result, TransformSuccess):
        assert result.code == FIXED
