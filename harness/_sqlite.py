"""SqliteStore: the real message store, one short BEGIN IMMEDIATE transaction per write."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from harness._commits import listening, report_commit
from harness._errors import ConversationNotFound, HarnessError
from harness._retry import RetryPolicy, run_with_retry
from harness._rules import (
    check_collaborators,
    check_role,
    check_str,
    decode_metadata,
    encode_metadata,
    encode_updates,
    merge_metadata,
    new_id,
    next_timestamp,
    run_side_effects,
)
from harness._types import RESERVED_CONTENT, AddResult, Indexer, Message, Projector

T = TypeVar("T")

_log = logging.getLogger("harness.store")

_DEFAULT_RETRY = RetryPolicy()

SYNCHRONOUS_MODES = ("OFF", "NORMAL", "FULL", "EXTRA")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    title TEXT,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    metadata TEXT
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, created_at);
"""

# Statement texts are constants so sqlite3's statement cache prepares each one once.
_BEGIN = "BEGIN IMMEDIATE"
_COMMIT = "COMMIT"
_ROLLBACK = "ROLLBACK"
_INSERT_CONVERSATION = (
    "INSERT OR IGNORE INTO conversations (id, title, created_at) VALUES (?, ?, ?)"
)
_INSERT_MESSAGE = (
    "INSERT INTO messages (id, conversation_id, role, content, created_at, metadata)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
_UPDATE_CONTENT = "UPDATE messages SET content = ? WHERE id = ?"
_SELECT_METADATA = "SELECT metadata FROM messages WHERE id = ?"
_UPDATE_METADATA = "UPDATE messages SET metadata = ? WHERE id = ?"
_DELETE_MESSAGE = "DELETE FROM messages WHERE id = ?"
_COLUMNS = "id, conversation_id, role, content, created_at, metadata"
_SELECT_MESSAGE = f"SELECT {_COLUMNS} FROM messages WHERE id = ?"
_LIST_MESSAGES = (
    f"SELECT {_COLUMNS} FROM messages WHERE conversation_id = ? ORDER BY created_at, rowid"
)
_FOREIGN_KEY_FAILED = "FOREIGN KEY constraint failed"


def _row_to_message(row: tuple[Any, ...]) -> Message:
    return Message(row[0], row[1], row[2], row[3], row[4], decode_metadata(row[5]))


class SqliteStore:
    """A ``MessageStore`` on SQLite (a file, or ``":memory:"``).

    Writes run on the calling (event loop) thread: each is one short transaction,
    and SQLite's own busy wait is off, so a locked database costs an
    ``await policy.sleep`` between attempts instead of a blocked loop.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = ":memory:",
        *,
        retry: RetryPolicy = _DEFAULT_RETRY,
        indexer: Indexer | None = None,
        projector: Projector | None = None,
        synchronous: str = "FULL",
    ) -> None:
        if not isinstance(synchronous, str) or synchronous.upper() not in SYNCHRONOUS_MODES:
            raise ValueError(
                f"synchronous must be one of {', '.join(SYNCHRONOUS_MODES)}; got {synchronous!r}."
            )
        check_collaborators(retry, indexer, projector)
        self.path = os.fspath(path)
        self.retry = retry
        self.indexer = indexer
        self.projector = projector
        # Setup (schema, WAL switch) may race another process opening the same file;
        # it is synchronous anyway, so let SQLite wait here and switch the wait off after.
        conn = sqlite3.connect(
            self.path, timeout=10.0, isolation_level=None, check_same_thread=False
        )
        try:
            if self.path != ":memory:" and not self.path.startswith("file::memory:"):
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA synchronous={synchronous.upper()}")
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT max(created_at) FROM messages").fetchone()
            conn.execute("PRAGMA busy_timeout=0")
        except BaseException:
            conn.close()
            raise
        self._conn: sqlite3.Connection | None = conn
        self._execute: Callable[..., sqlite3.Cursor] = conn.execute
        self._last_ts: int = row[0] or 0

    def __repr__(self) -> str:
        state = "closed" if self._conn is None else "open"
        return f"SqliteStore({self.path!r}, {state})"

    @property
    def closed(self) -> bool:
        return self._conn is None

    def _check_open(self) -> None:
        if self._conn is None:
            raise HarnessError(
                f"This SqliteStore ({self.path!r}) is closed; open a new store to keep writing."
            )

    def _transaction(self, statement: str, params: tuple[Any, ...]) -> int:
        """Run one statement in its own BEGIN IMMEDIATE transaction; return its rowcount."""
        execute = self._execute
        execute(_BEGIN)
        try:
            count = execute(statement, params).rowcount
            execute(_COMMIT)
        except BaseException:
            self._rollback()
            raise
        return count

    def _rollback(self) -> None:
        conn = self._conn
        if conn is not None and conn.in_transaction:
            conn.execute(_ROLLBACK)

    # --- writes -----------------------------------------------------------------

    async def create_conversation(
        self, conversation_id: str | None = None, *, title: str | None = None
    ) -> str:
        self._check_open()
        if conversation_id is not None:
            check_str("conversation_id", conversation_id)
        if title is not None:
            check_str("title", title)
        cid = new_id() if conversation_id is None else conversation_id
        params = (cid, title, next_timestamp(0))
        await run_with_retry(
            self.retry,
            "create_conversation",
            lambda: self._transaction(_INSERT_CONVERSATION, params),
        )
        return cid

    async def add_message(
        self,
        conversation_id: str,
        role: str,
        content: str,
        metadata: Mapping[str, Any] | None = None,
        *,
        skip_indexing: bool = False,
    ) -> Message:
        message = await self._insert("add_message", conversation_id, role, content, metadata)
        # The row is in, and the side effects may outlast a pipeline's timeout: say so now.
        if listening():
            report_commit(AddResult(message))
        await run_side_effects(message, self.indexer, self.projector, skip_indexing)
        return message

    async def reserve_message(
        self, conversation_id: str, role: str, metadata: Mapping[str, Any] | None = None
    ) -> Message:
        # A placeholder means nothing to the indexer or projector: no side effects.
        return await self._insert(
            "reserve_message", conversation_id, role, RESERVED_CONTENT, metadata
        )

    async def _insert(
        self,
        operation: str,
        conversation_id: str,
        role: str,
        content: str,
        metadata: Mapping[str, Any] | None,
    ) -> Message:
        self._check_open()
        check_str("conversation_id", conversation_id)
        check_str("role", role)
        check_str("content", content)
        meta_json = encode_metadata("metadata", metadata)
        check_role(role)
        self._last_ts = created_at = next_timestamp(self._last_ts)
        params = (new_id(), conversation_id, role, content, created_at, meta_json)
        try:
            await run_with_retry(
                self.retry, operation, lambda: self._transaction(_INSERT_MESSAGE, params)
            )
        except sqlite3.IntegrityError as error:
            # The foreign key is the existence check: one statement instead of two.
            if str(error) == _FOREIGN_KEY_FAILED:
                raise ConversationNotFound(conversation_id) from None
            raise
        return Message(
            params[0], conversation_id, role, content, created_at, decode_metadata(meta_json)
        )

    async def update_message_content(self, message_id: str, content: str) -> bool:
        self._check_open()
        check_str("message_id", message_id)
        check_str("content", content)
        params = (content, message_id)
        count = await run_with_retry(
            self.retry,
            "update_message_content",
            lambda: self._transaction(_UPDATE_CONTENT, params),
        )
        return count > 0

    async def update_message_metadata(self, message_id: str, updates: Mapping[str, Any]) -> bool:
        self._check_open()
        check_str("message_id", message_id)
        updates_json = encode_updates(updates)

        def attempt() -> bool:
            execute = self._execute
            execute(_BEGIN)
            try:
                row = execute(_SELECT_METADATA, (message_id,)).fetchone()
                if row is not None:
                    merged = merge_metadata(row[0], updates_json)
                    execute(_UPDATE_METADATA, (merged, message_id))
                execute(_COMMIT)
            except BaseException:
                self._rollback()
                raise
            return row is not None

        return await run_with_retry(self.retry, "update_message_metadata", attempt)

    async def delete_message(self, message_id: str) -> bool:
        self._check_open()
        check_str("message_id", message_id)
        params = (message_id,)
        count = await run_with_retry(
            self.retry, "delete_message", lambda: self._transaction(_DELETE_MESSAGE, params)
        )
        return count > 0

    # --- reads (not retried: WAL readers do not wait for writers) ----------------

    async def get_message(self, message_id: str) -> Message | None:
        self._check_open()
        check_str("message_id", message_id)
        row = self._execute(_SELECT_MESSAGE, (message_id,)).fetchone()
        return None if row is None else _row_to_message(row)

    async def list_messages(self, conversation_id: str) -> list[Message]:
        self._check_open()
        check_str("conversation_id", conversation_id)
        rows = self._execute(_LIST_MESSAGES, (conversation_id,)).fetchall()
        return [_row_to_message(row) for row in rows]

    async def close(self) -> None:
        self.close_sync()

    def close_sync(self) -> None:
        """Close the connection now (for code that has no event loop); twice is fine."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
