"""``AddMissingNames``: mock-audit's fix as a libcst codemod command.

Run it with libcst's own runner: list ``audit`` under ``modules`` in
``.libcst.codemod.yaml``, then ``python -m libcst.tool codemod codemod.AddMissingNames
tests/``. It asks the project of the working directory what each fake lacks (the same
analysis as ``mock-audit check``) and edits only the statements that hold the fakes.
"""

from __future__ import annotations

from pathlib import Path

from .apply import project_plan
from .fixer import command
from .fixer.command import FixPlan


class AddMissingNames(command.AddMissingNames):
    """Add every name a module fake lacks, as ``MagicMock()``/``AsyncMock()`` stubs."""

    def default_plan(self) -> FixPlan:
        return project_plan(Path.cwd())


__all__ = ["AddMissingNames"]
