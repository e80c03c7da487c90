"""The audit's error tree: one root, subclasses that carry their context."""

from __future__ import annotations

from pathlib import Path


class AuditError(Exception):
    """Root of every error mock-audit raises on purpose (the CLI exits 2 on one)."""


class ConfigError(AuditError):
    """The configuration is unusable; the message names the file, the key and why."""

    def __init__(self, file: Path | None, message: str, key: str | None = None) -> None:
        self.file = file
        self.key = key
        prefix = f"{file}: " if file is not None else ""
        super().__init__(prefix + message)
