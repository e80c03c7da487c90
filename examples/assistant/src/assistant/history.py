"""Keeping conversations short: prune old messages and drop abandoned reservations."""

from __future__ import annotations

from assistant.conversation_crud import delete_message, get_messages


async def prune(conversation_id: str, *, keep: int) -> int:
    """Delete all but the newest ``keep`` messages, never a system message; return the count."""
    if keep < 0:
        raise ValueError(f"keep must be 0 or more; got {keep!r}.")
    messages = [m for m in await get_messages(conversation_id) if m.role != "system"]
    doomed = messages[: max(len(messages) - keep, 0)]
    return sum([await delete_message(m.id) for m in doomed])


async def drop_abandoned(conversation_id: str) -> list[str]:
    """Delete reserved messages that never got content (their stream died); return their ids."""
    dropped = []
    for message in await get_messages(conversation_id):
        if message.role == "assistant" and not message.content and await delete_message(message.id):
            dropped.append(message.id)
    return dropped
