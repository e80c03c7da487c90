"""The conversation store's CRUD functions.

In the real assistant these talk to a database, which is why tests replace this
module with fakes. Here a dictionary stands in for the database, so the example
needs nothing but the standard library.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any


class ConversationNotFound(LookupError):
    """A message was added to a conversation that does not exist."""


@dataclass
class Message:
    id: str
    conversation_id: str
    role: str
    content: str
    metadata: dict[str, Any] = field(default_factory=dict)


_conversations: dict[str, dict[str, Any]] = {}
_messages: dict[str, Message] = {}
_ids = itertools.count(1)


def _check_role(role: str) -> None:
    if role not in ("user", "assistant", "system", "tool"):
        raise ValueError(f"role must be user, assistant, system or tool; got {role!r}.")


def _insert(
    conversation_id: str, role: str, content: str, metadata: dict[str, Any] | None
) -> Message:
    if conversation_id not in _conversations:
        raise ConversationNotFound(f"There is no conversation {conversation_id!r}.")
    _check_role(role)
    message = Message(f"m-{next(_ids)}", conversation_id, role, content, dict(metadata or {}))
    _messages[message.id] = message
    # Callers get a copy: changing it must not change what is stored.
    return copy.deepcopy(message)


async def create_conversation(title: str | None = None) -> str:
    conversation_id = f"c-{next(_ids)}"
    _conversations[conversation_id] = {"title": title}
    return conversation_id


async def add_message(
    conversation_id: str, role: str, content: str, metadata: dict[str, Any] | None = None
) -> Message:
    return _insert(conversation_id, role, content, metadata)


async def reserve_message(
    conversation_id: str, role: str, metadata: dict[str, Any] | None = None
) -> Message:
    """Create an empty message now, so its id exists before its content does."""
    return _insert(conversation_id, role, "", metadata)


async def update_message_content(message_id: str, content: str) -> bool:
    message = _messages.get(message_id)
    if message is None:
        return False
    message.content = content
    return True


async def update_message_metadata(message_id: str, updates: dict[str, Any]) -> bool:
    message = _messages.get(message_id)
    if message is None:
        return False
    message.metadata.update(updates)
    return True


async def delete_message(message_id: str) -> bool:
    return _messages.pop(message_id, None) is not None


async def get_messages(conversation_id: str) -> list[Message]:
    """The conversation's messages, oldest first (ids are issued in order)."""
    found = [m for m in _messages.values() if m.conversation_id == conversation_id]
    return [copy.deepcopy(m) for m in found]
