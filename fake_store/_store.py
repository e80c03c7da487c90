"""FakeStore: an in-memory MessageStore that behaves like SqliteStore, down to its errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from fake_store._calls import Call, Calls
from fake_store._faults import Faults
from harness._commits import listening, report_commit
from harness._errors import ConversationNotFound, HarnessError
from harness._retry import RetryPolicy, run_with_retry
from harness._rules import (
    check_collaborators,
    check_role,
    check_str,
    encode_metadata,
    encode_updates,
    merge_metadata,
    new_id,
    next_timestamp,
    run_side_effects,
)
from harness._types import RESERVED_CONTENT, AddResult, Indexer, Message, Projector

T = TypeVar("T")


# Metadata text is json.dumps output (no surrounding whitespace): raw_decode skips the
# checks json.loads makes for arbitrary input. Same result as decode_metadata.
_decode = json.JSONDecoder().raw_decode


async def no_sleep(seconds: float) -> None:
    """Stand-in for asyncio.sleep between retries: a fake store never really waits."""


class _Row:
    # One stored message. Metadata is kept as its JSON text (the round-trip SQLite's TEXT
    # column gives); ``cached`` is the decoded Message, built once per version of the row and
    # never handed out itself: callers get copies of its metadata, call records keep it.
    __slots__ = (
        "cached",
        "content",
        "conversation_id",
        "created_at",
        "flat",
        "message_id",
        "metadata",
        "role",
    )

    def __init__(
        self,
        message_id: str,
        conversation_id: str,
        role: str,
        content: str,
        created_at: int,
        metadata: str | None,
    ) -> None:
        self.message_id = message_id
        self.conversation_id = conversation_id
        self.role = role
        self.content = content
        self.created_at = created_at
        self.metadata = metadata
        self.cached: Message | None = None
        self.flat = False  # metadata of ``cached`` holds no dict or list (set with it)


class FakeStore:
    """A MessageStore held in dicts: same answers and errors as SqliteStore, much faster.

    Writes run through ``harness._retry.run_with_retry`` like SqliteStore's, so
    ``store.faults`` can make attempts fail with SQLite-shaped errors; ``store.calls``
    records every call with its arguments and outcome.
    """

    def __init__(
        self,
        *,
        retry: RetryPolicy | None = None,
        indexer: Indexer | None = None,
        projector: Projector | None = None,
    ) -> None:
        retry = retry if retry is not None else RetryPolicy(sleep=no_sleep)
        check_collaborators(retry, indexer, projector)
        self.retry = retry
        self.indexer = indexer
        self.projector = projector
        self.calls = Calls()
        self.faults = Faults()
        self._titles: dict[str, str | None] = {}
        # conversation id -> its message ids, in insertion (= created_at) order.
        self._by_conversation: dict[str, dict[str, None]] = {}
        self._rows: dict[str, _Row] = {}
        self._last_created_at = 0
        self._closed = False

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<FakeStore {state}: {len(self._titles)} conversations, {len(self._rows)} messages>"

    # --- writes -----------------------------------------------------------------

    async def create_conversation(
        self, conversation_id: str | None = None, *, title: str | None = None
    ) -> str:
        args = {"conversation_id": conversation_id, "title": title}

        def validate() -> None:
            if conversation_id is not None:
                check_str("conversation_id", conversation_id)
            if title is not None:
                check_str("title", title)

        def attempt() -> str:
            cid = new_id() if conversation_id is None else conversation_id
            if cid not in self._titles:
                self._titles[cid] = title
                self._by_conversation[cid] = {}
            return cid

        return await self._write("create_conversation", args, validate, attempt)

    async def add_message(
        self,
        conversation_id: str,
        role: str,
        content: str,
        metadata: Mapping[str, Any] | None = None,
        *,
        skip_indexing: bool = False,
    ) -> Message:
        args = {
            "conversation_id": conversation_id,
            "role": role,
            "content": content,
            "metadata": _snapshot(metadata),
            "skip_indexing": skip_indexing,
        }
        encoded: list[str | None] = []

        def validate() -> None:
            check_str("conversation_id", conversation_id)
            check_str("role", role)
            check_str("content", content)
            encoded.append(encode_metadata("metadata", metadata))
            check_role(role)

        def attempt() -> Message:
            return self._insert(conversation_id, role, content, encoded[0])

        message = await self._write("add_message", args, validate, attempt)
        # Committed, and the side effects may outlast a pipeline's timeout: say so now.
        if listening():
            report_commit(AddResult(_fresh_message(message)))
        await run_side_effects(message, self.indexer, self.projector, skip_indexing)
        return _fresh_message(message)

    async def reserve_message(
        self, conversation_id: str, role: str, metadata: Mapping[str, Any] | None = None
    ) -> Message:
        args = {"conversation_id": conversation_id, "role": role, "metadata": _snapshot(metadata)}
        encoded: list[str | None] = []

        def validate() -> None:
            check_str("conversation_id", conversation_id)
            check_str("role", role)
            encoded.append(encode_metadata("metadata", metadata))
            check_role(role)

        def attempt() -> Message:
            return self._insert(conversation_id, role, RESERVED_CONTENT, encoded[0])

        return _fresh_message(await self._write("reserve_message", args, validate, attempt))

    async def update_message_content(self, message_id: str, content: str) -> bool:
        args = {"message_id": message_id, "content": content}

        def validate() -> None:
            check_str("message_id", message_id)
            check_str("content", content)

        def attempt() -> bool:
            row = self._rows.get(message_id)
            if row is None:
                return False
            row.content = content
            row.cached = None
            return True

        return await self._write("update_message_content", args, validate, attempt)

    async def update_message_metadata(self, message_id: str, updates: Mapping[str, Any]) -> bool:
        args = {"message_id": message_id, "updates": _snapshot(updates)}
        encoded: list[str] = []

        def validate() -> None:
            check_str("message_id", message_id)
            encoded.append(encode_updates(updates))

        def attempt() -> bool:
            row = self._rows.get(message_id)
            if row is None:
                return False
            row.metadata = merge_metadata(row.metadata, encoded[0])
            row.cached = None
            return True

        return await self._write("update_message_metadata", args, validate, attempt)

    async def delete_message(self, message_id: str) -> bool:
        args = {"message_id": message_id}

        def validate() -> None:
            check_str("message_id", message_id)

        def attempt() -> bool:
            row = self._rows.pop(message_id, None)
            if row is None:
                return False
            del self._by_conversation[row.conversation_id][message_id]
            return True

        return await self._write("delete_message", args, validate, attempt)

    # --- reads --------------------------------------------------------------------

    async def get_message(self, message_id: str) -> Message | None:
        row: _Row | None = None

        def read() -> Message | None:
            nonlocal row
            check_str("message_id", message_id)
            self.faults.check("get_message")
            row = self._rows.get(message_id)
            return None if row is None else _canonical(row)

        self._read("get_message", {"message_id": message_id}, read)
        return None if row is None else _fresh_row(row)

    async def list_messages(self, conversation_id: str) -> list[Message]:
        selected: list[_Row] = []

        def read() -> list[Message]:
            check_str("conversation_id", conversation_id)
            self.faults.check("list_messages")
            rows = self._rows
            selected.extend(rows[mid] for mid in self._by_conversation.get(conversation_id, ()))
            return [row.cached or _canonical(row) for row in selected]

        self._read("list_messages", {"conversation_id": conversation_id}, read)
        return [_fresh_row(row) for row in selected]

    @property
    def closed(self) -> bool:
        return self._closed

    async def close(self) -> None:
        self.close_sync()

    def close_sync(self) -> None:
        """Close now, for code without an event loop (fixture teardown); twice is fine."""
        self._closed = True
        self.calls.record(Call("close", {}, None, None, 0, len(self.calls)))

    # --- machinery ------------------------------------------------------------------

    def _insert(
        self, conversation_id: str, role: str, content: str, metadata: str | None
    ) -> Message:
        # Existence is checked inside the attempt, as SqliteStore does inside its transaction;
        # nothing is changed before the last step, so a raise leaves the store as it was.
        messages = self._by_conversation.get(conversation_id)
        if messages is None:
            raise ConversationNotFound(conversation_id)
        created_at = next_timestamp(self._last_created_at)
        message_id = new_id()
        row = _Row(message_id, conversation_id, role, content, created_at, metadata)
        self._rows[message_id] = row
        messages[message_id] = None
        self._last_created_at = created_at
        return _canonical(row)

    async def _write(
        self,
        method: str,
        args: dict[str, Any],
        validate: Callable[[], None],
        attempt: Callable[[], T],
    ) -> T:
        """Validate, then run ``attempt`` with retries; record the call; return the result
        (for messages, the canonical one: the caller hands out a fresh copy)."""
        attempts = 0

        def counted() -> T:
            nonlocal attempts
            attempts += 1
            # A planned fault fails the attempt first, as a lock fails SQLite's BEGIN IMMEDIATE.
            self.faults.check(method)
            return attempt()

        try:
            self._check_open()
            validate()
            result = await run_with_retry(self.retry, method, counted)
        except BaseException as error:
            self.calls.record(Call(method, args, None, error, attempts, len(self.calls)))
            raise
        self.calls.record(Call(method, args, result, None, attempts, len(self.calls)))
        return result

    def _read(self, method: str, args: dict[str, Any], read: Callable[[], T]) -> T:
        try:
            self._check_open()
            result = read()
        except BaseException as error:
            self.calls.record(Call(method, args, None, error, 0, len(self.calls)))
            raise
        self.calls.record(Call(method, args, result, None, 0, len(self.calls)))
        return result

    def _check_open(self) -> None:
        if self._closed:
            raise HarnessError("This FakeStore is closed; open a new store to keep writing.")


def _canonical(row: _Row) -> Message:
    message = row.cached
    if message is None:
        metadata = None if row.metadata is None else _decode(row.metadata)[0]
        row.flat = metadata is not None and not any(
            type(item) in _CONTAINERS for item in metadata.values()
        )
        # Filled through __dict__, as _clone does: skips the frozen __init__.
        message = object.__new__(Message)
        message.__dict__.update(
            id=row.message_id,
            conversation_id=row.conversation_id,
            role=row.role,
            content=row.content,
            created_at=row.created_at,
            metadata=metadata,
        )
        row.cached = message
    return message


def _fresh_row(row: _Row) -> Message:
    """A caller's copy of the (already built) canonical message of ``row``."""
    message = row.cached
    assert message is not None
    metadata = message.metadata
    if metadata is None:
        return message  # frozen and all-immutable: safe to share
    return _clone(message, metadata.copy() if row.flat else _deep_copy(metadata))


def _fresh_message(message: Message) -> Message:
    """A caller's copy of a canonical message (when its row's flatness is not at hand)."""
    metadata = message.metadata
    if metadata is None:
        return message
    flat = not any(type(item) in _CONTAINERS for item in metadata.values())
    return _clone(message, metadata.copy() if flat else _deep_copy(metadata))


_CONTAINERS = frozenset({dict, list})
_new_object = object.__new__
_set_attribute = object.__setattr__  # a frozen dataclass refuses plain attribute setting


def _clone(message: Message, metadata: dict[str, Any]) -> Message:
    # An equal Message with its own metadata. Built through __dict__, which skips the frozen
    # dataclass's __init__ (one object.__setattr__ per field) and halves the cost of a read.
    fields = message.__dict__.copy()
    fields["metadata"] = metadata
    clone = _new_object(Message)
    _set_attribute(clone, "__dict__", fields)
    return clone


def _deep_copy(value: Any) -> Any:
    # Decoded JSON holds only dicts, lists and immutable scalars: far cheaper than deepcopy.
    kind = type(value)
    if kind is dict:
        return {key: _deep_copy(item) for key, item in value.items()}
    if kind is list:
        return [_deep_copy(item) for item in value]
    return value


def _snapshot(value: object) -> object:
    # Record mapping arguments as they were at call time, whatever the caller does later.
    return dict(value) if isinstance(value, Mapping) else value
