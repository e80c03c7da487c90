"""The differential state machine: FakeStore against SqliteStore, and it catches a drift."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from fake_store import FakeStore
from fake_store.differential import StoreComparison, comparison_machine
from harness import Message, SqliteStore

TestFakeAgainstSqliteMemory = StoreComparison.TestCase
TestFakeAgainstSqliteMemory.settings = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def test_against_a_sqlite_file(tmp_path: Path) -> None:
    counter = iter(range(10**6))

    def on_file(**hooks: Any) -> SqliteStore:
        return SqliteStore(tmp_path / f"diff-{next(counter)}.db", **hooks)

    machine = comparison_machine(FakeStore, on_file)
    run_state_machine_as_test(
        machine, settings=settings(max_examples=25, deadline=None, database=None)
    )


class ListsNewestFirst(FakeStore):
    async def list_messages(self, conversation_id: str) -> list[Message]:
        return list(reversed(await super().list_messages(conversation_id)))


class ForgetsMetadataMerge(FakeStore):
    async def update_message_metadata(self, message_id: str, updates: Any) -> bool:
        found = await super().update_message_metadata(message_id, updates)
        if found and updates:
            await super().update_message_metadata(message_id, {"extra": True})
        return found


@pytest.mark.parametrize("broken", [ListsNewestFirst, ForgetsMetadataMerge])
def test_it_catches_a_store_that_drifts(broken: type[FakeStore]) -> None:
    machine = comparison_machine(broken)
    with pytest.raises(AssertionError):
        run_state_machine_as_test(
            machine,
            # No shrinking: the point is that a drift is found, not its smallest example.
            settings=settings(
                max_examples=200, deadline=None, database=None, phases=[Phase.generate]
            ),
        )


def test_importing_fake_store_does_not_need_hypothesis() -> None:
    code = (
        "import sys, fake_store, fake_store.contract, fake_store.plugin\n"
        "assert 'hypothesis' not in sys.modules, 'hypothesis was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
