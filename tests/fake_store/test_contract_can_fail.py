"""The contract suite catches a store that breaks one behaviour (it can fail)."""

from __future__ import annotations

import pytest

BROKEN = """
    import pytest

    from fake_store import FakeStore
    from fake_store.contract import MessageStoreContract
    from harness._rules import check_role, check_str, encode_metadata


    class ReservesEmptyContent(FakeStore):
        # Deliberately broken: the placeholder is stored as "" instead of "[]".
        async def reserve_message(self, conversation_id, role, metadata=None):
            check_str("conversation_id", conversation_id)
            check_role(role)
            encode_metadata("metadata", metadata)
            return await self.add_message(
                conversation_id, role, "", metadata, skip_indexing=True
            )


    class TestBroken(MessageStoreContract):
        @pytest.fixture
        def store(self):
            return ReservesEmptyContent()


    class TestSound(MessageStoreContract):
        @pytest.fixture
        def store(self):
            return FakeStore()
"""


def test_contract_fails_for_a_store_that_reserves_empty_content(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_broken_store=BROKEN)
    result = pytester.runpytest_subprocess("-q", "-k", "TestBroken")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) >= 1
    result.stdout.fnmatch_lines(
        ["*FAILED*TestBroken::test_reserve_message_stores_the_placeholder*"]
    )
    assert "TestBroken::test_add_message_returns_the_stored_message" not in result.stdout.str()


def test_the_same_contract_passes_for_the_sound_store(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_broken_store=BROKEN)
    result = pytester.runpytest_subprocess("-q", "-k", "TestSound")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0
    assert outcomes["passed"] >= 40
