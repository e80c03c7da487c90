"""The fixer: add missing names to module fakes, editing only the statements that hold them.

Pure text in, text out: the edits (``audit.model.FakeEdit``) come from the analysis.
"""

from __future__ import annotations

from ..sourcefile import Decoded, decode, encode, write_atomic
from .command import AddMissingNames, FixPlan, fix_file_text, run_command
from .edits import FixError, apply_edits

__all__ = [
    "AddMissingNames",
    "Decoded",
    "FixError",
    "FixPlan",
    "apply_edits",
    "decode",
    "encode",
    "fix_file_text",
    "run_command",
    "write_atomic",
]
