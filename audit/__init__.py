"""mock-audit: find module fakes that lack names the project imports, and fix them."""

from __future__ import annotations

from ._version import __version__ as __version__
from .api import check, fix, missing_names
from .config import load_config
from .errors import AuditError, ConfigError
from .model import Config, FileFix, Finding, FixReport, ImportStep, Note, Report

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
