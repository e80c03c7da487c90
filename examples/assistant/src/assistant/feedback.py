"""Thumbs up and down on the assistant's messages."""

from __future__ import annotations

from assistant.conversation_crud import update_message_metadata


async def rate(message_id: str, score: int) -> bool:
    """Store +1 or -1 on a message; return False when there is no such message."""
    if score not in (-1, 1):
        raise ValueError(f"score must be 1 or -1; got {score!r}.")
    return await update_message_metadata(message_id, {"feedback": score})
