"""Titles come from the first user message and are remembered on it."""

from __future__ import annotations

import asyncio
import importlib
import sys
from types import SimpleNamespace
from unittest.mock import AsyncMock

from harness import mock_module

CRUD = "assistant.conversation_crud"

# The CRUD functions as they were when these tests were written; each test overrides some.
BASE_CRUD = {
    "create_conversation": AsyncMock(return_value="c-1"),
    "add_message": AsyncMock(),
    "get_messages": AsyncMock(return_value=[]),
    "update_message_metadata": AsyncMock(return_value=True),
    "delete_message": AsyncMock(return_value=True),
}


def suggest(messages: list[SimpleNamespace]) -> tuple[str, AsyncMock]:
    update = AsyncMock(return_value=True)
    fake = {
        **BASE_CRUD,
        "get_messages": AsyncMock(return_value=messages),
        "update_message_metadata": update,
    }
    with mock_module(CRUD, fake):
        sys.modules.pop("assistant.titles", None)
        titles = importlib.import_module("assistant.titles")
        return asyncio.run(titles.suggest_title("c-1", max_words=4)), update


def test_title_is_the_first_words_of_the_first_user_message() -> None:
    title, update = suggest(
        [
            SimpleNamespace(id="m-1", role="system", content="Be brief."),
            SimpleNamespace(id="m-2", role="user", content="How do I reserve a message first?"),
        ]
    )
    assert title == "How do I reserve..."
    update.assert_awaited_once_with("m-2", {"title": "How do I reserve..."})


def test_no_user_message_gives_the_default_title() -> None:
    title, update = suggest([SimpleNamespace(id="m-1", role="system", content="Be brief.")])
    assert title == "New conversation"
    update.assert_not_awaited()
