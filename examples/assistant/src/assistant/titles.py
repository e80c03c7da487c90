"""Conversation titles, taken from the first thing the user said."""

from __future__ import annotations

from assistant import conversation_crud as crud

DEFAULT_TITLE = "New conversation"


async def suggest_title(conversation_id: str, *, max_words: int = 6) -> str:
    """Title a conversation by its first user message and remember the title on that message."""
    messages = await crud.get_messages(conversation_id)
    first = next((m for m in messages if m.role == "user" and m.content.strip()), None)
    if first is None:
        return DEFAULT_TITLE
    words = first.content.split()
    title = " ".join(words[:max_words]) + ("..." if len(words) > max_words else "")
    await crud.update_message_metadata(first.id, {"title": title})
    return title
