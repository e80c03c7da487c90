"""The background worker persists queued ops, in order, through the persistence terminal.

This is the test the story is about: its fake CRUD module was written before
``reserve_message`` existed, and ``assistant.worker`` imports
``assistant.persistence``, which does ``from assistant.conversation_crud import
reserve_message``. Until the fake declares that name, importing the worker fails.
(Its author added ``update_message_content`` to it a release ago, when streaming
landed; nobody came back for ``reserve_message``.)
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from unittest.mock import AsyncMock

from harness import mock_module


def test_worker_persists_queued_messages_in_order() -> None:
    with mock_module(
        "assistant.conversation_crud",
        lambda: {
            "create_conversation": AsyncMock(return_value="c-1"),
            "add_message": AsyncMock(side_effect=lambda cid, role, content, metadata: content),
            "update_message_content": AsyncMock(return_value=True),
            "update_message_metadata": AsyncMock(return_value=True),
            "delete_message": AsyncMock(return_value=True),
            "get_messages": AsyncMock(return_value=[]),
        },
    ) as crud:
        # Copies imported earlier are bound to the real CRUD functions: import them anew.
        sys.modules.pop("assistant.worker", None)
        sys.modules.pop("assistant.persistence", None)
        worker_module = importlib.import_module("assistant.worker")
        persistence = importlib.import_module("assistant.persistence")

        worker = worker_module.Worker()
        worker.submit(persistence.AddOp("c-1", "user", "hello"))
        worker.submit(persistence.AddOp("c-1", "user", "are you there?"))
        worker.stop()
        asyncio.run(worker.run())

    assert worker.failures == []
    assert worker.persisted == ["hello", "are you there?"]
    assert [c.args[:2] for c in crud.add_message.await_args_list] == [("c-1", "user")] * 2
