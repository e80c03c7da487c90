"""mock_module's strict check: mock-audit's analysis, registered with harness by fake_store.

harness must not depend on the tools that test it, so it only calls a registered check;
importing fake_store (the pytest plugin does at startup) registers this one.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from harness._mock_module import set_strict_check


def audit_strict_check(module: str, provided: Collection[str], project: Path) -> list[str]:
    """The sorted names the project imports from ``module`` that ``provided`` lacks."""
    # Imported at the call: a test run that never asks for strict mode never loads the
    # auditor (libcst and all).
    from audit import missing_names

    return sorted(missing_names(module, provided, start=project))


def register() -> None:
    """Register ``audit_strict_check`` unless a check is registered already (theirs wins)."""
    previous = set_strict_check(audit_strict_check)
    if previous is not None:
        set_strict_check(previous)
