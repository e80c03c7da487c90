"""Shared data shapes: messages, the five persistence ops, their results, the store protocol."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

ROLES: frozenset[str] = frozenset({"user", "assistant", "system", "tool"})

#: Content of a reserved placeholder, before update_content writes the real content.
RESERVED_CONTENT = "[]"


@dataclass(frozen=True)
class Message:
    """One stored message. ``content`` is JSON text; ``created_at`` is ms since epoch."""

    id: str
    conversation_id: str
    role: str
    content: str
    created_at: int
    metadata: dict[str, Any] | None = None


# --- the five ops -----------------------------------------------------------


@dataclass(frozen=True)
class Add:
    op: ClassVar[Literal["add"]] = "add"
    conversation_id: str
    role: str
    content: str
    metadata: Mapping[str, Any] | None = None
    skip_indexing: bool = False


@dataclass(frozen=True)
class Reserve:
    op: ClassVar[Literal["reserve"]] = "reserve"
    conversation_id: str
    role: str
    metadata: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class UpdateContent:
    op: ClassVar[Literal["update_content"]] = "update_content"
    message_id: str
    content: str


@dataclass(frozen=True)
class Update:
    op: ClassVar[Literal["update"]] = "update"
    message_id: str
    updates: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Delete:
    op: ClassVar[Literal["delete"]] = "delete"
    message_id: str


PersistArgs = Add | Reserve | UpdateContent | Update | Delete

# --- their results ------------------------------------------------------------


@dataclass(frozen=True)
class AddResult:
    op: ClassVar[Literal["add"]] = "add"
    message: Message


@dataclass(frozen=True)
class ReserveResult:
    op: ClassVar[Literal["reserve"]] = "reserve"
    message: Message


@dataclass(frozen=True)
class UpdateContentResult:
    op: ClassVar[Literal["update_content"]] = "update_content"
    message_id: str
    found: bool


@dataclass(frozen=True)
class UpdateResult:
    op: ClassVar[Literal["update"]] = "update"
    message_id: str
    found: bool


@dataclass(frozen=True)
class DeleteResult:
    op: ClassVar[Literal["delete"]] = "delete"
    message_id: str
    found: bool


PersistResult = AddResult | ReserveResult | UpdateContentResult | UpdateResult | DeleteResult


@dataclass(frozen=True)
class TurnContext:
    """Who is asking: passed to every middleware of one pipeline run."""

    request_id: str
    conversation_id: str | None = None
    turn_index: int = 0


# --- collaborators --------------------------------------------------------------


class Indexer(Protocol):
    def index(self, message: Message) -> Any: ...


class Projector(Protocol):
    def project(self, message: Message) -> Any: ...


@runtime_checkable
class MessageStore(Protocol):
    """What every store offers; all methods are coroutines except ``close``'s callers may await."""

    async def create_conversation(
        self, conversation_id: str | None = None, *, title: str | None = None
    ) -> str: ...

    async def add_message(
        self,
        conversation_id: str,
        role: str,
        content: str,
        metadata: Mapping[str, Any] | None = None,
        *,
        skip_indexing: bool = False,
    ) -> Message: ...

    async def reserve_message(
        self, conversation_id: str, role: str, metadata: Mapping[str, Any] | None = None
    ) -> Message: ...

    async def update_message_content(self, message_id: str, content: str) -> bool: ...

    async def update_message_metadata(
        self, message_id: str, updates: Mapping[str, Any]
    ) -> bool: ...

    async def delete_message(self, message_id: str) -> bool: ...

    async def get_message(self, message_id: str) -> Message | None: ...

    async def list_messages(self, conversation_id: str) -> list[Message]: ...

    async def close(self) -> None: ...
