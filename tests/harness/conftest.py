"""Shared fixtures for the harness tests: real SQLite files under tmp_path."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import SqliteStore
from harness.conversation_crud import use_store


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "needs_audit: depends on the audit package (audit.missing_names); skipped until it "
        "provides it",
    )


def dump(path: Path) -> list[str]:
    """Every table row and schema statement of the database file, read by another connection."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "harness.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[SqliteStore]:
    """A SqliteStore on a file, made current for conversation_crud."""
    s = SqliteStore(db_path)
    with use_store(s):
        yield s
    s.close_sync()
