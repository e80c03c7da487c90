"""mock-audit: find module fakes that lack names the project imports, and fix them.

The names below are loaded on first use: ``import audit`` (and ``mock-audit --help``)
does not pay for the analysis and libcst until they are asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__ as __version__
from .errors import AuditError, ConfigError
from .model import Config, FileFix, Finding, FixReport, ImportStep, Note, Report

if TYPE_CHECKING:
    from .api import check, missing_names
    from .apply import fix
    from .config import load_config

__all__ = [
    "AuditError",
    "Config",
    "ConfigError",
    "FileFix",
    "Finding",
    "FixReport",
    "ImportStep",
    "Note",
    "Report",
    "check",
    "fix",
    "load_config",
    "missing_names",
]


def __getattr__(name: str) -> Any:
    if name in ("check", "missing_names"):
        from . import api

        return getattr(api, name)
    if name == "fix":
        from .apply import fix

        return fix
    if name == "load_config":
        from .config import load_config

        return load_config
    raise AttributeError(f"module 'audit' has no attribute {name!r}")
