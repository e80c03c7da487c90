"""Export only reads: its fake offers nothing but get_messages, on purpose."""

from __future__ import annotations

import asyncio
import importlib
import sys
from types import SimpleNamespace
from unittest.mock import AsyncMock, patch


def test_export_never_writes() -> None:
    # If export ever imported a write function, importing it here would fail: that is the test.
    fake = SimpleNamespace(get_messages=AsyncMock(return_value=[]))
    with patch.dict("sys.modules", {"assistant.conversation_crud": fake}):  # mock-audit: ignore
        sys.modules.pop("assistant.export", None)
        export = importlib.import_module("assistant.export")
        assert asyncio.run(export.export_markdown("c-1")) == ""
