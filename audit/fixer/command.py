"""``AddMissingNames``: the fix as a libcst codemod command, and a runner that never parses
a whole file.

``python -m libcst.tool codemod codemod.AddMissingNames tests/`` (with ``audit`` in
``.libcst.codemod.yaml``'s ``modules``) runs it through libcst's own machinery, which
parses every file; ``run_command`` and ``fix_file_text`` run it on text, parsing only
the statements they edit, with libcst's result types.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import libcst as cst
from libcst.codemod import (
    CodemodCommand,
    CodemodContext,
    SkipFile,
    SkipReason,
    TransformExit,
    TransformFailure,
    TransformResult,
    TransformSkip,
    TransformSuccess,
)

from audit.model import FakeEdit

from .edits import apply_edits


class FixPlan(Protocol):
    """What to add where: the analysis's answer for each file, and the fix settings."""

    @property
    def stubs(self) -> Mapping[str, str]: ...  # name -> stub template

    @property
    def line_length(self) -> int: ...

    def edits_for(self, path: str, code: str) -> Sequence[FakeEdit]: ...


class AddMissingNames(CodemodCommand):
    """Add every name a module fake lacks, as ``MagicMock()``/``AsyncMock()`` stubs."""

    DESCRIPTION = "Add the names module fakes lack (mock-audit fix) as stubs."

    def __init__(self, context: CodemodContext, plan: FixPlan | None = None) -> None:
        super().__init__(context)
        self._plan = plan

    @property
    def plan(self) -> FixPlan:
        """The plan given, or ``default_plan()`` (asked once)."""
        if self._plan is None:
            self._plan = self.default_plan()
        return self._plan

    def default_plan(self) -> FixPlan:
        """The plan when none is given; ``audit.codemod.AddMissingNames`` (what libcst's
        tool runs) asks the project of the working directory."""
        raise ValueError("AddMissingNames needs a plan: what to add to which fake.")

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        code = self.transform_code(tree.code)
        if code == tree.code:
            return tree
        return cst.parse_module(code).with_changes(encoding=tree.encoding)

    def transform_code(self, code: str) -> str:
        """``code`` fixed; raises SkipFile when the plan has nothing for this file."""
        plan = self.plan
        edits = plan.edits_for(self.context.filename or "", code)
        if not any(edit.names for edit in edits):
            raise SkipFile("No module fake in this file lacks a name.")
        return apply_edits(code, edits, stubs=plan.stubs, line_length=plan.line_length)


def run_command(command: AddMissingNames, code: str) -> TransformResult:
    """Like ``libcst.codemod.transform_module`` but without parsing the whole file: a
    TransformSuccess with the new code, a TransformSkip, or a TransformFailure; never
    raises (Ctrl+C gives TransformExit, as in libcst)."""
    try:
        new = command.transform_code(code)
        return TransformSuccess(code=new, warning_messages=command.context.warnings)
    except KeyboardInterrupt:
        return TransformExit()
    except SkipFile as exc:
        return TransformSkip(
            skip_description=str(exc),
            skip_reason=SkipReason.OTHER,
            warning_messages=command.context.warnings,
        )
    except Exception as exc:
        return TransformFailure(
            error=exc,
            traceback_str=traceback.format_exc(),
            warning_messages=command.context.warnings,
        )


@dataclass(frozen=True)
class _Given:
    """A plan of known edits for one file."""

    edits: Sequence[FakeEdit]
    stubs: Mapping[str, str] = field(default_factory=dict)
    line_length: int = 88

    def edits_for(self, path: str, code: str) -> Sequence[FakeEdit]:
        return self.edits


def fix_file_text(
    path: str,
    text: str,
    edits: Sequence[FakeEdit],
    *,
    stubs: Mapping[str, str] = {},
    line_length: int = 88,
) -> TransformResult:
    """Apply ``edits`` to the text of the file at ``path``: a TransformSuccess with the new
    text, a TransformSkip when no edit has a name to add, or a TransformFailure naming
    the problem (a statement that does not parse, a bad stub template). Never raises."""
    plan = _Given(tuple(edits), stubs, line_length)
    return run_command(AddMissingNames(CodemodContext(filename=path), plan), text)
