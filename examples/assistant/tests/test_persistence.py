"""The persistence terminal routes each op to its CRUD function."""

from __future__ import annotations

import asyncio
import importlib
import re
import sys
from types import ModuleType, SimpleNamespace
from unittest.mock import AsyncMock

import pytest


def make_crud(**functions: AsyncMock) -> SimpleNamespace:
    """A stand-in CRUD module holding just the given functions."""
    return SimpleNamespace(**functions)


@pytest.fixture
def crud(mocker) -> SimpleNamespace:
    fake = make_crud(
        add_message=AsyncMock(return_value="added"),
        reserve_message=AsyncMock(return_value="reserved"),
        update_message_content=AsyncMock(return_value=True),
    )
    mocker.patch.dict(sys.modules, {"assistant.conversation_crud": fake})
    sys.modules.pop("assistant.persistence", None)
    return fake


@pytest.fixture
def persistence(crud: SimpleNamespace) -> ModuleType:
    return importlib.import_module("assistant.persistence")


def test_each_op_reaches_its_function(crud: SimpleNamespace, persistence: ModuleType) -> None:
    persist = persistence.persist
    assert asyncio.run(persist(persistence.AddOp("c-1", "user", "hi"))) == "added"
    assert asyncio.run(persist(persistence.ReserveOp("c-1", "assistant"))) == "reserved"
    assert asyncio.run(persist(persistence.UpdateContentOp("m-1", "Hello"))) is True
    crud.add_message.assert_awaited_once_with("c-1", "user", "hi", None)
    crud.reserve_message.assert_awaited_once_with("c-1", "assistant")
    crud.update_message_content.assert_awaited_once_with("m-1", "Hello")


def test_anything_else_is_refused_by_name(persistence: ModuleType) -> None:
    with pytest.raises(TypeError, match=re.escape("got dict: {'op': 'add'}")):
        asyncio.run(persistence.persist({"op": "add"}))
