"""The contract suite, run against both stores the project ships."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fake_store import FakeStore
from fake_store.contract import MessageStoreContract, StoreFactory
from harness import SqliteStore


class TestFakeStoreContract(MessageStoreContract):
    @pytest.fixture
    def store(self) -> FakeStore:
        return FakeStore()


class TestSqliteStoreContract(MessageStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SqliteStore]:
        store = SqliteStore(tmp_path / "contract.db")
        yield store
        asyncio.run(store.close())

    @pytest.fixture
    def store_factory(self, tmp_path: Path) -> StoreFactory:
        def make(**kwargs: Any) -> SqliteStore:
            return SqliteStore(tmp_path / "factory.db", **kwargs)

        return make
