"""The agent loop: one turn of conversation, streamed.

The assistant's message is reserved before the first chunk arrives, so every
streamed event carries the id of the message it will end up in.
"""

from __future__ import annotations

from collections.abc import AsyncIterable
from dataclasses import dataclass, field

from assistant.persistence import AddOp, ReserveOp, UpdateContentOp, persist


@dataclass(frozen=True)
class StreamEvent:
    message_id: str
    delta: str


@dataclass
class Turn:
    message_id: str
    text: str = ""
    events: list[StreamEvent] = field(default_factory=list)


async def run_turn(conversation_id: str, user_text: str, reply: AsyncIterable[str]) -> Turn:
    """Store the user's text, reserve the reply, stream it, then write its final content."""
    await persist(AddOp(conversation_id, "user", user_text))
    reserved = await persist(ReserveOp(conversation_id, "assistant"))
    turn = Turn(reserved.id)
    async for chunk in reply:
        turn.text += chunk
        turn.events.append(StreamEvent(reserved.id, chunk))
    await persist(UpdateContentOp(reserved.id, turn.text))
    return turn
