"""A hypothesis state machine that applies the same random calls to two stores and compares.

Needs hypothesis (a test extra of mockharness; importing ``fake_store`` itself does not).

Every step calls one store method with the same arguments (ids mapped between the stores) on
a *candidate* and a *reference* store, and compares the answers: the same result, or the same
exception type and message. Ids are mapped, ``created_at`` is compared by order (each store's
values strictly increase and never change), and the indexer/projector calls are compared too.
Bad inputs are part of the mix: unknown ids and conversations, bad roles, non-str content,
non-mapping or non-JSON metadata.

By default the candidate is a ``FakeStore`` and the reference a ``SqliteStore(":memory:")``.
To check your own store against SqliteStore::

    from fake_store.differential import comparison_machine

    TestMyStore = comparison_machine(lambda **hooks: MyStore(**hooks)).TestCase

The factories are called with ``indexer=`` and ``projector=`` keyword arguments.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from fake_store._store import FakeStore
from harness._sqlite import SqliteStore
from harness._types import Message, MessageStore

T = TypeVar("T")
StoreMaker = Callable[..., MessageStore]
Pair = tuple[Any, Any]  # (value for the candidate, value for the reference)

__all__ = ["StoreComparison", "StoreMaker", "comparison_machine"]


def _fake_store(**hooks: Any) -> MessageStore:
    return FakeStore(**hooks)


def _sqlite_memory(**hooks: Any) -> MessageStore:
    return SqliteStore(":memory:", **hooks)


class _Hooks:
    """Indexer and projector at once: records the message ids it was shown, in order."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def index(self, message: Message) -> None:
        self.seen.append(("index", message.id))

    def project(self, message: Message) -> None:
        self.seen.append(("project", message.id))


def _same(value: Any) -> Pair:
    return (value, value)


def _unchanged(value: T) -> T:
    return value


def _mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    # one_of picks a branch uniformly: repeat the good one so most calls get past validation
    # and reach the stores' state, while every kind of bad input still shows up. (Distinct
    # .map wrappers: hypothesis merges equal branches, e.g. two sampled_from strategies.)
    return st.one_of(*(good.map(_unchanged) for _ in range(7)), bad.map(_unchanged))


# --- strategies -------------------------------------------------------------------------

_json_scalar = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
_json = st.recursive(
    _json_scalar,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
_keys = st.text(max_size=4) | st.integers(0, 9)
_good_metadata = st.dictionaries(_keys, _json, max_size=4)
_bad_metadata = st.sampled_from(
    [["not", "a", "mapping"], "text", 7, {"set": {1, 2}}, {"nan": float("nan")}, {(1,): 2}]
)
metadata_values = _mostly(st.none() | _good_metadata, _bad_metadata)
updates_values = _mostly(_good_metadata, _bad_metadata | st.none())
roles = _mostly(
    st.sampled_from(["user", "assistant", "system", "tool"]),
    st.sampled_from(["", "User", "robot", 3, None]),
)
contents = _mostly(
    st.text(max_size=12) | st.sampled_from(["[]", '{"text": "hi"}', "\x00nul"]),
    st.sampled_from([7, None, b"bytes", ["list"], "lone \ud800 surrogate"]),
)
unknown_ids = (
    st.text(max_size=6) | st.sampled_from(["", "missing", "x\udfff"]) | st.integers()
).map(_same)
explicit_conversation_ids = st.sampled_from(["c1", "c2", "c3", "", "ünï"]) | st.text(max_size=4)
titles = st.none() | st.text(max_size=4) | st.just(5)


class StoreComparison(RuleBasedStateMachine):
    """Same calls on two stores, every answer compared. Override the two factories."""

    #: Compare exception messages too (not only their types).
    compare_error_messages = True

    def make_candidate(self, **hooks: Any) -> MessageStore:
        return _fake_store(**hooks)

    def make_reference(self, **hooks: Any) -> MessageStore:
        return _sqlite_memory(**hooks)

    conversations = Bundle("conversations")
    messages = Bundle("messages")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.hooks = (_Hooks(), _Hooks())
        self.stores = (
            self.make_candidate(indexer=self.hooks[0], projector=self.hooks[0]),
            self.make_reference(indexer=self.hooks[1], projector=self.hooks[1]),
        )
        # candidate id -> reference id, for messages and conversations.
        self.id_map: dict[str, str] = {}
        self.created_at: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self.last_created_at = [0, 0]
        self.known_conversations: set[Pair] = set()

    def teardown(self) -> None:
        try:
            for store in self.stores:
                self.loop.run_until_complete(store.close())
        finally:
            self.loop.close()

    # --- calling both stores ------------------------------------------------------------

    def both(self, call: Callable[[MessageStore, int], Awaitable[T]]) -> tuple[T, T] | None:
        """Call both stores; return both results, or None when both raised the same error."""
        outcomes: list[tuple[bool, Any]] = []
        for side, store in enumerate(self.stores):
            try:
                outcomes.append((True, self.loop.run_until_complete(call(store, side))))
            except Exception as error:
                outcomes.append((False, error))
        (ok_c, candidate), (ok_r, reference) = outcomes
        if ok_c and ok_r:
            return candidate, reference
        if ok_c or ok_r:
            raise AssertionError(
                f"The stores disagree: candidate {'returned' if ok_c else 'raised'} "
                f"{candidate!r}; reference {'returned' if ok_r else 'raised'} {reference!r}."
            )
        assert type(candidate) is type(reference), (
            f"The stores raised different errors: candidate {candidate!r}, reference {reference!r}."
        )
        if self.compare_error_messages:
            assert str(candidate) == str(reference), (candidate, reference)
        return None

    def check_message(self, candidate: Message, reference: Message, *, new: bool) -> None:
        if new:
            assert candidate.id not in self.id_map, f"candidate reused id {candidate.id!r}"
            assert reference.id not in self.id_map.values(), f"reference reused {reference.id!r}"
            self.id_map[candidate.id] = reference.id
            for side, message in enumerate((candidate, reference)):
                assert isinstance(message.created_at, int)
                assert message.created_at > self.last_created_at[side], (
                    f"created_at did not increase: {message!r}"
                )
                self.last_created_at[side] = message.created_at
                self.created_at[side][message.id] = message.created_at
        assert self.id_map.get(candidate.id) == reference.id, (candidate, reference)
        assert self.id_map.get(candidate.conversation_id, candidate.conversation_id) == (
            reference.conversation_id
        )
        assert (candidate.role, candidate.content) == (reference.role, reference.content)
        # repr: 1 and 1.0 and True are == but are different answers.
        assert repr(candidate.metadata) == repr(reference.metadata), (candidate, reference)
        for side, message in enumerate((candidate, reference)):
            assert message.created_at == self.created_at[side][message.id], "created_at changed"

    def check_hooks(self) -> None:
        candidate, reference = (hooks.seen for hooks in self.hooks)
        assert [(kind, self.id_map.get(mid)) for kind, mid in candidate] == reference

    # --- rules -----------------------------------------------------------------------------

    @initialize(target=conversations)
    def first_conversation(self) -> Any:
        pair = self.both(lambda store, side: store.create_conversation("c1"))
        assert pair == ("c1", "c1")
        self.known_conversations.add(pair)
        return pair

    @rule(
        target=conversations,
        conversation_id=st.none() | explicit_conversation_ids | st.just(9),
        title=titles,
    )
    def create_conversation(self, conversation_id: Any, title: Any) -> Any:
        pair = self.both(
            lambda store, side: store.create_conversation(conversation_id, title=title)
        )
        if pair is None:
            return multiple()
        if conversation_id is None:
            self.id_map[pair[0]] = pair[1]
        else:
            assert pair == (conversation_id, conversation_id)
        self.known_conversations.add(pair)
        return pair

    @rule(
        target=messages,
        conversation=_mostly(conversations, unknown_ids),
        role=roles,
        content=contents,
        metadata=metadata_values,
        skip_indexing=st.booleans(),
    )
    def add_message(
        self, conversation: Pair, role: Any, content: Any, metadata: Any, skip_indexing: bool
    ) -> Any:
        pair = self.both(
            lambda store, side: store.add_message(
                conversation[side], role, content, metadata, skip_indexing=skip_indexing
            )
        )
        if pair is None:
            return multiple()
        self.check_message(*pair, new=True)
        self.check_hooks()
        return (pair[0].id, pair[1].id)

    @rule(
        target=messages,
        conversation=_mostly(conversations, unknown_ids),
        role=roles,
        metadata=metadata_values,
    )
    def reserve_message(self, conversation: Pair, role: Any, metadata: Any) -> Any:
        pair = self.both(
            lambda store, side: store.reserve_message(conversation[side], role, metadata)
        )
        if pair is None:
            return multiple()
        self.check_message(*pair, new=True)
        assert pair[0].content == "[]"
        self.check_hooks()
        return (pair[0].id, pair[1].id)

    @rule(message=_mostly(messages, unknown_ids), content=contents)
    def update_message_content(self, message: Pair, content: Any) -> None:
        pair = self.both(lambda store, side: store.update_message_content(message[side], content))
        assert pair is None or pair[0] == pair[1]

    @rule(message=_mostly(messages, unknown_ids), updates=updates_values)
    def update_message_metadata(self, message: Pair, updates: Any) -> None:
        pair = self.both(lambda store, side: store.update_message_metadata(message[side], updates))
        assert pair is None or pair[0] == pair[1]

    @rule(message=_mostly(messages, unknown_ids))
    def delete_message(self, message: Pair) -> None:
        pair = self.both(lambda store, side: store.delete_message(message[side]))
        assert pair is None or pair[0] == pair[1]

    @rule(message=_mostly(messages, unknown_ids))
    def get_message(self, message: Pair) -> None:
        pair = self.both(lambda store, side: store.get_message(message[side]))
        if pair is None:
            return
        candidate, reference = pair
        assert (candidate is None) == (reference is None), pair
        if candidate is not None and reference is not None:
            self.check_message(candidate, reference, new=False)

    @rule(conversation=_mostly(conversations, unknown_ids))
    def list_messages(self, conversation: Pair) -> None:
        self.compare_lists(conversation)

    @invariant()
    def every_conversation_agrees(self) -> None:
        for conversation in self.known_conversations:
            self.compare_lists(conversation)

    def compare_lists(self, conversation: Pair) -> None:
        pair = self.both(lambda store, side: store.list_messages(conversation[side]))
        if pair is None:
            return
        candidate, reference = pair
        assert len(candidate) == len(reference), pair
        for c, r in zip(candidate, reference, strict=True):
            self.check_message(c, r, new=False)
        for side, listed in enumerate(pair):
            stamps = [m.created_at for m in listed]
            assert stamps == sorted(set(stamps)), f"list_messages out of order on side {side}"


def comparison_machine(
    make_candidate: StoreMaker, make_reference: StoreMaker = _sqlite_memory
) -> type[StoreComparison]:
    """A StoreComparison subclass over your factories; run it via its ``.TestCase``."""

    class Comparison(StoreComparison):
        def make_candidate(self, **hooks: Any) -> MessageStore:
            return make_candidate(**hooks)

        def make_reference(self, **hooks: Any) -> MessageStore:
            return make_reference(**hooks)

    return Comparison
