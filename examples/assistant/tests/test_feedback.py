"""Ratings are stored on the message's metadata."""

from __future__ import annotations

import asyncio
import importlib
import sys
import types
from unittest.mock import AsyncMock

import pytest


@pytest.fixture
def crud(monkeypatch) -> types.ModuleType:
    fake = types.ModuleType("assistant.conversation_crud")
    fake.update_message_metadata = AsyncMock(side_effect=lambda mid, updates: mid != "m-gone")
    fake.get_messages = AsyncMock(return_value=[])
    monkeypatch.setitem(sys.modules, "assistant.conversation_crud", fake)
    monkeypatch.delitem(sys.modules, "assistant.feedback", raising=False)
    return fake


def test_rating_is_stored_as_metadata(crud: types.ModuleType) -> None:
    feedback = importlib.import_module("assistant.feedback")

    assert asyncio.run(feedback.rate("m-7", -1)) is True
    crud.update_message_metadata.assert_awaited_once_with("m-7", {"feedback": -1})


def test_rating_a_deleted_message_reports_it(crud: types.ModuleType) -> None:
    feedback = importlib.import_module("assistant.feedback")

    assert asyncio.run(feedback.rate("m-gone", 1)) is False


def test_only_plus_or_minus_one_is_a_rating(crud: types.ModuleType) -> None:
    feedback = importlib.import_module("assistant.feedback")

    with pytest.raises(ValueError, match="got 5"):
        asyncio.run(feedback.rate("m-7", 5))
    crud.update_message_metadata.assert_not_awaited()
