"""Markdown export: one paragraph per message, empty reservations left out."""

from __future__ import annotations

import asyncio
import importlib
import sys
from types import SimpleNamespace
from unittest.mock import AsyncMock, MagicMock, patch

FAKE_CRUD = MagicMock(spec=["get_messages"])


@patch.dict(sys.modules, {"assistant.conversation_crud": FAKE_CRUD})
def test_export_leaves_out_empty_reservations() -> None:
    FAKE_CRUD.get_messages = AsyncMock(
        return_value=[
            SimpleNamespace(role="user", content="Hi"),
            SimpleNamespace(role="assistant", content="Hello!"),
            SimpleNamespace(role="assistant", content=""),
        ]
    )
    sys.modules.pop("assistant.export", None)
    export = importlib.import_module("assistant.export")

    assert asyncio.run(export.export_markdown("c-1")) == "**user**: Hi\n\n**assistant**: Hello!"
    FAKE_CRUD.get_messages.assert_awaited_once_with("c-1")
