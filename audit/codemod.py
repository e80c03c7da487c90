"""``AddMissingExports``: the fix as a libcst codemod command.

Run it with libcst's own runner, e.g.
``python -m libcst.tool codemod codemod.AddMissingExports tests/`` (with ``audit`` listed
in ``.libcst.codemod.yaml``'s ``modules``), or use it from Python with a callable that
says which names each module needs.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext, SkipFile

from ._fix import fix_module
from ._sites import analyse
from ._types import Site, SiteFix, StubKind

RequiredNames = Callable[[str], Iterable[str]]
StubKinds = Callable[[str, str], StubKind]

__all__ = ["AddMissingExports"]


class AddMissingExports(CodemodCommand):
    """Add every name a module-mock fake lacks, as ``MagicMock()``/``AsyncMock()`` stubs."""

    DESCRIPTION = "Add the names module-mock fakes lack (mock-audit fix) as stubs."

    def __init__(
        self,
        context: CodemodContext,
        required: RequiredNames | None = None,
        stub_kind: StubKinds | None = None,
        stubs: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(context)
        # Without a callable, ask the project (config found from the working directory);
        # stub templates then come from its config too, else there are none.
        self.required = required or _project_required
        self.stub_kind = stub_kind or _project_stub_kind
        self.stubs = stubs
        self.asks_project = required is None or stub_kind is None

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        """No options: names and stub templates come from ``[tool.mock-audit]``."""

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        path = self.context.filename or "<module>"
        analysis = analyse(tree, tree.code, path)
        fixes: list[SiteFix] = []
        for site in analysis.sites:
            missing = self._missing(site)
            if missing:
                fixes.append(SiteFix(site, {n: self.stub_kind(site.module, n) for n in missing}))
        if not fixes:
            raise SkipFile("No module-mock fake in this file lacks a name.")
        stubs = self.stubs
        if stubs is None:
            stubs = _project_stubs() if self.asks_project else {}
        return fix_module(tree, analysis.fakes, fixes, stubs=stubs)

    def _missing(self, site: Site) -> list[str]:
        if site.provided is None or not site.fixable or site.ignored == frozenset():
            return []
        dropped = site.ignored or frozenset()
        return sorted(set(self.required(site.module)) - site.provided - dropped)


# --- the project's answers, through the other half of the audit (imported lazily) ---


def _project_required(module: str) -> Iterable[str]:
    api = importlib.import_module("audit.api")
    names: list[str] = api.missing_exports(module, ())
    return names


def _project_stubs() -> Mapping[str, str]:
    stubs: Mapping[str, str] = _project_config().stubs
    return stubs


def _project_stub_kind(module: str, name: str) -> StubKind:
    config = _project_config()
    index = importlib.import_module("audit.api").project_index(config)
    kind: StubKind = index.stub_kind(module, name)
    return kind


def _project_config() -> Any:
    # Read where the command runs, each time: the index behind it is cached per config by
    # ``audit.api``, so a second project in the same process gets its own answers.
    return importlib.import_module("audit._config").load_config()
