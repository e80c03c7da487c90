"""ModuleMocker: the object behind the ``mock_module`` fixture; installs fakes, undoes them."""

from __future__ import annotations

import os
import types
from contextlib import ExitStack

from harness._mock_module import Factory, mock_module


class ModuleMocker:
    """Call it like ``harness.mock_module`` without a ``with``: every fake is undone by ``undo``.

    ``strict=None`` takes the default given at construction (the ``mock_module_strict`` ini
    option, for the fixture).
    """

    def __init__(
        self, *, strict: bool = False, project: str | os.PathLike[str] | None = None
    ) -> None:
        self.strict = strict
        self.project = project  # where strict mode looks for the project's config
        self._stack = ExitStack()
        self.installed: list[str] = []

    def __call__(
        self, name: str, factory: Factory, *, strict: bool | None = None
    ) -> types.ModuleType:
        use_strict = self.strict if strict is None else strict
        module = self._stack.enter_context(
            mock_module(name, factory, strict=use_strict, project=self.project or os.getcwd())
        )
        self.installed.append(name)
        return module

    def undo(self) -> None:
        """Restore every module replaced so far, newest first."""
        self._stack.close()
        self.installed.clear()

    def __repr__(self) -> str:
        return f"ModuleMocker(strict={self.strict!r}, installed={self.installed!r})"
