"""Export keeps the order the store returns (oldest first)."""

from __future__ import annotations

import asyncio
import importlib
import sys
from types import SimpleNamespace
from unittest import mock


def test_export_follows_store_order() -> None:
    # Written when the CRUD module had five functions; it still declares just those.
    crud = SimpleNamespace(
        create_conversation=mock.AsyncMock(return_value="c-1"),
        add_message=mock.AsyncMock(),
        get_messages=mock.AsyncMock(
            return_value=[
                SimpleNamespace(role="system", content="Be brief."),
                SimpleNamespace(role="user", content="Why?"),
                SimpleNamespace(role="assistant", content="Because."),
            ]
        ),
        update_message_metadata=mock.AsyncMock(return_value=True),
        delete_message=mock.AsyncMock(return_value=True),
    )
    with mock.patch.dict(sys.modules, {"assistant.conversation_crud": crud}):
        sys.modules.pop("assistant.export", None)
        export = importlib.import_module("assistant.export")
        text = asyncio.run(export.export_markdown("c-1"))

    assert text.split("\n\n") == [
        "**system**: Be brief.",
        "**user**: Why?",
        "**assistant**: Because.",
    ]
