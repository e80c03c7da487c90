"""The persistence terminal: every write of a turn goes through ``persist``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.conversation_crud import add_message, reserve_message, update_message_content


@dataclass(frozen=True)
class AddOp:
    conversation_id: str
    role: str
    content: str
    metadata: dict[str, Any] | None = None


@dataclass(frozen=True)
class ReserveOp:
    conversation_id: str
    role: str


@dataclass(frozen=True)
class UpdateContentOp:
    message_id: str
    content: str


Op = AddOp | ReserveOp | UpdateContentOp


async def persist(op: Op) -> Any:
    """Route one op to the CRUD function that stores it and return that function's result."""
    if isinstance(op, AddOp):
        return await add_message(op.conversation_id, op.role, op.content, op.metadata)
    if isinstance(op, ReserveOp):
        return await reserve_message(op.conversation_id, op.role)
    if isinstance(op, UpdateContentOp):
        return await update_message_content(op.message_id, op.content)
    raise TypeError(
        f"persist() takes an AddOp, ReserveOp or UpdateContentOp; got {type(op).__name__}: {op!r}."
    )
