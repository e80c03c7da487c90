"""A failed write is recorded and the worker goes on with the next op."""

from __future__ import annotations

import asyncio
import importlib
import sys
from unittest.mock import AsyncMock, MagicMock


def test_a_failed_write_does_not_stop_the_worker(monkeypatch) -> None:
    # A spec-less MagicMock answers every attribute, so it can never lack a name.
    crud = MagicMock()
    crud.add_message = AsyncMock(side_effect=[RuntimeError("database is locked"), "stored"])
    monkeypatch.setitem(sys.modules, "assistant.conversation_crud", crud)
    for name in ("assistant.worker", "assistant.persistence"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    worker_module = importlib.import_module("assistant.worker")
    persistence = importlib.import_module("assistant.persistence")

    worker = worker_module.Worker()
    worker.submit(persistence.AddOp("c-1", "user", "first"))
    worker.submit(persistence.AddOp("c-1", "user", "second"))
    worker.stop()
    asyncio.run(worker.run())

    assert [(op.content, str(exc)) for op, exc in worker.failures] == [
        ("first", "database is locked")
    ]
    assert worker.persisted == ["stored"]
