"""mock-audit: find module-mock factories that lack names, and fix them."""

from __future__ import annotations

from ._errors import AuditError, ConfigError
from ._types import (
    Config,
    FileFix,
    Finding,
    FixReport,
    ImportStep,
    Note,
    ParseFailure,
    Report,
    Site,
    SiteFix,
)
from ._version import __version__ as __version__
from .api import check, fix, load_config, missing_exports

__all__ = [
    "AuditError",
    "Config",
    "ConfigError",
    "FileFix",
    "Finding",
    "FixReport",
    "ImportStep",
    "Note",
    "ParseFailure",
    "Report",
    "Site",
    "SiteFix",
    "check",
    "fix",
    "load_config",
    "missing_exports",
]
