"""Rules every store shares: input checks, metadata round-trip, ids and timestamps.

Both ``SqliteStore`` and ``FakeStore`` call these so they cannot drift apart.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import inspect
import itertools
import json
import logging
import os
import time
from collections.abc import Mapping
from typing import Any

from harness._retry import RetryPolicy
from harness._types import ROLES, Indexer, Message, Projector

_log = logging.getLogger("harness.store")

# One encoder built once: json.dumps with keyword arguments builds a new one per call,
# which was a third of the fake store's cost per write.
_encode = json.JSONEncoder(allow_nan=False).encode


def check_str(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}: {value!r}.")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            # SQLite stores text as UTF-8; a lone surrogate cannot be, so say so up front.
            raise ValueError(
                f"{name} must be text that UTF-8 can encode; {value!r} holds a lone surrogate."
            ) from None
    return value


def check_role(role: object) -> str:
    check_str("role", role)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(sorted(ROLES))}; got {role!r}.")
    return str(role)


def encode_metadata(name: str, metadata: object) -> str | None:
    """Return the JSON text stored for ``metadata`` (None stays None)."""
    if metadata is None:
        return None
    if not isinstance(metadata, Mapping):
        raise TypeError(
            f"{name} must be a mapping or None, got {type(metadata).__name__}: {metadata!r}."
        )
    try:
        return _encode(dict(metadata))
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} is not JSON-serialisable: {error}.") from None


def decode_metadata(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    value = json.loads(text)
    assert isinstance(value, dict)
    return value


def merge_metadata(current: str | None, updates_json: str) -> str:
    """Shallow-merge already-encoded ``updates`` into the stored metadata text."""
    merged = decode_metadata(current) or {}
    merged.update(json.loads(updates_json))
    return _encode(merged)


# Ids are 32 hex digits, like uuid4().hex: a random 64-bit prefix drawn once per process
# (again after a fork) and a counter. Unique across processes sharing one database file,
# and several times cheaper than uuid4 on every write.
_id_state: tuple[int, str, itertools.count[int]] | None = None


def new_id() -> str:
    global _id_state
    state = _id_state
    if state is None or state[0] != os.getpid():
        state = _id_state = (os.getpid(), os.urandom(8).hex(), itertools.count())
    return f"{state[1]}{next(state[2]):016x}"


def next_timestamp(last: int) -> int:
    """Milliseconds since the epoch, strictly greater than ``last``."""
    return max(time.time_ns() // 1_000_000, last + 1)


def encode_updates(updates: object) -> str:
    """Return the JSON text of an ``updates`` mapping; unlike metadata, None is refused."""
    if updates is None:
        raise TypeError("updates must be a mapping, got NoneType: None.")
    text = encode_metadata("updates", updates)
    assert text is not None
    return text


def check_collaborators(retry: object, indexer: object, projector: object) -> None:
    """Refuse a retry that is not a RetryPolicy and hooks without their method."""
    if not isinstance(retry, RetryPolicy):
        raise TypeError(f"retry must be a RetryPolicy, got {type(retry).__name__}: {retry!r}.")
    for label, hook, method in (("indexer", indexer, "index"), ("projector", projector, "project")):
        if hook is not None and not callable(getattr(hook, method, None)):
            raise TypeError(
                f"{label} must have a callable .{method}(message) method, "
                f"got {type(hook).__name__}: {hook!r}."
            )


async def run_side_effects(
    message: Message, indexer: Indexer | None, projector: Projector | None, skip_indexing: bool
) -> None:
    """After ``add_message`` committed: index (unless skipped), then project assistant
    messages. Each hook gets its own copy; a hook's failure is logged, never raised, so it
    cannot undo or fail the write."""
    if not skip_indexing and indexer is not None:
        await _quietly("indexer", indexer.index, message)
    if message.role == "assistant" and projector is not None:
        await _quietly("projector", projector.project, message)


async def _quietly(what: str, hook: Any, message: Message) -> None:
    if message.metadata is not None:
        message = dataclasses.replace(message, metadata=copy.deepcopy(message.metadata))
    try:
        outcome = hook(message)
        if inspect.isawaitable(outcome):
            await outcome
    except asyncio.CancelledError:
        # A pipeline timeout cancels the run it bounds, side effects included.
        _log.warning(
            "The %s was cancelled on message %r; the message is stored, but the %s "
            "may not have finished with it.",
            what,
            message.id,
            what,
        )
        raise
    except Exception:
        _log.warning(
            "The %s failed on message %r; the message is stored anyway.",
            what,
            message.id,
            exc_info=True,
        )
