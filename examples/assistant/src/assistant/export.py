"""Export a conversation as Markdown."""

from __future__ import annotations

from assistant.conversation_crud import get_messages


async def export_markdown(conversation_id: str) -> str:
    """One paragraph per message, oldest first; reservations still empty are left out."""
    messages = await get_messages(conversation_id)
    return "\n\n".join(f"**{m.role}**: {m.content}" for m in messages if m.content)
