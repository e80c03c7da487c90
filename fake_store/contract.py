"""A contract suite any MessageStore can be run against: the shared store semantics as tests.

Use it by subclassing in a test module and providing a ``store`` fixture that returns a fresh,
empty store (close it in the fixture's teardown if it holds resources)::

    from fake_store.contract import MessageStoreContract

    class TestMyStore(MessageStoreContract):
        @pytest.fixture
        def store(self, tmp_path):
            store = MyStore(tmp_path / "db.sqlite")
            yield store
            asyncio.run(store.close())

The side-effect tests need stores with an indexer and a projector: they use the
``store_factory`` fixture, which by default calls ``type(store)(indexer=..., projector=...)``.
Override it when your store's constructor needs more. Tests are plain sync functions that
drive the store with ``asyncio.run``, so no async pytest plugin is needed.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest

from harness._errors import ConversationNotFound, HarnessError
from harness._types import RESERVED_CONTENT, Message, MessageStore

T = TypeVar("T")
StoreFactory = Callable[..., MessageStore]


def run(step: Callable[[], Awaitable[T]]) -> T:
    """Run one async scenario to completion on a fresh event loop."""

    async def main() -> T:
        return await step()

    return asyncio.run(main())


class Recorder:
    """An indexer and projector at once: records what it was given, optionally async/failing."""

    def __init__(self, *, use_async: bool = False, fail: bool = False) -> None:
        self.use_async = use_async
        self.fail = fail
        self.seen: list[tuple[str, Message]] = []

    def _hook(self, kind: str, message: Message) -> Any:
        if not self.use_async:
            self.seen.append((kind, message))
            if self.fail:
                raise RuntimeError(f"{kind} broke on purpose")
            return None

        async def later() -> None:
            await asyncio.sleep(0)
            self.seen.append((kind, message))
            if self.fail:
                raise RuntimeError(f"{kind} broke on purpose")

        return later()

    def index(self, message: Message) -> Any:
        return self._hook("index", message)

    def project(self, message: Message) -> Any:
        return self._hook("project", message)


class MessageStoreContract:
    """The behaviours every MessageStore shares (see the class docstring of the module)."""

    @pytest.fixture
    def store(self) -> Iterator[MessageStore]:
        raise NotImplementedError(
            "Provide a 'store' fixture in your MessageStoreContract subclass that returns a "
            "fresh, empty store."
        )

    @pytest.fixture
    def store_factory(self, store: MessageStore) -> StoreFactory:
        def make(**kwargs: Any) -> MessageStore:
            try:
                made: MessageStore = type(store)(**kwargs)
            except TypeError as error:
                raise TypeError(
                    f"{type(store).__name__}(**{sorted(kwargs)}) failed ({error}); override "
                    "the 'store_factory' fixture to build your store with an indexer and "
                    "a projector."
                ) from error
            return made

        return make

    # --- create_conversation ------------------------------------------------------

    def test_create_conversation_without_id_returns_new_unique_ids(
        self, store: MessageStore
    ) -> None:
        async def scenario() -> tuple[str, str]:
            return await store.create_conversation(), await store.create_conversation()

        first, second = run(scenario)
        assert isinstance(first, str) and first
        assert isinstance(second, str) and second
        assert first != second

    def test_create_conversation_is_idempotent(self, store: MessageStore) -> None:
        async def scenario() -> tuple[str, str, list[Message]]:
            cid = await store.create_conversation("c-1", title="first")
            await store.add_message(cid, "user", '"hi"')
            again = await store.create_conversation("c-1", title="second")
            return cid, again, await store.list_messages("c-1")

        cid, again, messages = run(scenario)
        assert (cid, again) == ("c-1", "c-1")
        assert [m.content for m in messages] == ['"hi"']

    @pytest.mark.parametrize(
        ("kwargs", "name"),
        [({"conversation_id": 7}, "conversation_id"), ({"title": 7}, "title")],
        ids=["id", "title"],
    )
    def test_create_conversation_rejects_bad_types(
        self, store: MessageStore, kwargs: dict[str, Any], name: str
    ) -> None:
        with pytest.raises(TypeError, match=name):
            run(lambda: store.create_conversation(**kwargs))

    # --- add_message -------------------------------------------------------------------

    def test_add_message_returns_the_stored_message(self, store: MessageStore) -> None:
        async def scenario() -> tuple[Message, Message | None]:
            await store.create_conversation("c")
            added = await store.add_message("c", "user", '{"text": "hi"}', {"k": "v"})
            return added, await store.get_message(added.id)

        added, fetched = run(scenario)
        assert (added.conversation_id, added.role, added.content) == ("c", "user", '{"text": "hi"}')
        assert added.metadata == {"k": "v"}
        assert isinstance(added.created_at, int)
        assert fetched == added

    def test_content_is_stored_as_given(self, store: MessageStore) -> None:
        contents = ["", "not json at all", "  spaced  ", "ünïcødé ✓", "[]", "line\nbreak"]

        async def scenario() -> list[Message]:
            await store.create_conversation("c")
            for content in contents:
                await store.add_message("c", "user", content)
            return await store.list_messages("c")

        assert [m.content for m in run(scenario)] == contents

    def test_metadata_round_trips_through_json(self, store: MessageStore) -> None:
        metadata: dict[Any, Any] = {
            "tuple": (1, 2),
            "nested": {"a": [1, {"b": None}]},
            "f": 1.5,
            3: "int key",
        }
        expected = {"tuple": [1, 2], "nested": {"a": [1, {"b": None}]}, "f": 1.5, "3": "int key"}

        async def scenario() -> tuple[Message, Message | None, Message, Message]:
            await store.create_conversation("c")
            added = await store.add_message("c", "tool", "1", metadata)
            empty = await store.add_message("c", "tool", "2", {})
            none = await store.add_message("c", "tool", "3")
            return added, await store.get_message(added.id), empty, none

        added, fetched, empty, none = run(scenario)
        assert added.metadata == expected
        assert fetched is not None and fetched.metadata == expected
        assert empty.metadata == {}
        assert none.metadata is None

    def test_ids_are_unique_and_created_at_strictly_increases(self, store: MessageStore) -> None:
        async def scenario() -> list[Message]:
            await store.create_conversation("a")
            await store.create_conversation("b")
            made = []
            for i in range(60):
                if i % 3 == 0:
                    made.append(await store.reserve_message("ab"[i % 2], "assistant"))
                else:
                    made.append(await store.add_message("ab"[i % 2], "user", str(i)))
            return made

        made = run(scenario)
        assert len({m.id for m in made}) == len(made)
        stamps = [m.created_at for m in made]
        assert all(earlier < later for earlier, later in itertools.pairwise(stamps))

    @pytest.mark.parametrize("role", ["user", "assistant", "system", "tool"])
    def test_every_role_is_accepted(self, store: MessageStore, role: str) -> None:
        async def scenario() -> Message:
            await store.create_conversation("c")
            return await store.add_message("c", role, "x")

        assert run(scenario).role == role

    @pytest.mark.parametrize(
        ("call", "error", "match"),
        [
            (("c", "user", "x", None, 7), TypeError, "conversation_id"),
            (("c", "user", 7, None, "c"), TypeError, "content"),
            (("c", "user", None, None, "c"), TypeError, "content"),
            (("c", "user", "x", ["k"], "c"), TypeError, "metadata"),
            (("c", "user", "x", {"k": object()}, "c"), TypeError, "metadata"),
            (("c", "user", "x", {"k": float("nan")}, "c"), TypeError, "metadata"),
            (("c", "User", "x", None, "c"), ValueError, "role"),
            (("c", "robot", "x", None, "c"), ValueError, "role"),
            (("c", "robot", 7, None, "c"), TypeError, "content"),
            (("c", "robot", "x", None, "nope"), ValueError, "role"),
            (("c", "user", 7, None, "nope"), TypeError, "content"),
            (("c", "user", "x", None, "nope"), ConversationNotFound, "nope"),
        ],
        ids=[
            "id-type",
            "content-int",
            "content-none",
            "metadata-list",
            "metadata-object",
            "metadata-nan",
            "role-case",
            "role-unknown",
            "types-before-role",
            "role-before-existence",
            "types-before-existence",
            "unknown-conversation",
        ],
    )
    def test_add_message_rejects_bad_input_and_changes_nothing(
        self,
        store: MessageStore,
        call: tuple[Any, ...],
        error: type[Exception],
        match: str,
    ) -> None:
        _, role, content, metadata, target = call

        async def scenario() -> None:
            await store.create_conversation("c")
            await store.add_message("c", "user", "before")
            await store.add_message(target, role, content, metadata)

        with pytest.raises(error, match=match):
            run(scenario)
        remaining = run(lambda: store.list_messages("c"))
        assert [m.content for m in remaining] == ["before"]

    def test_unknown_conversation_error_names_it(self, store: MessageStore) -> None:
        with pytest.raises(ConversationNotFound) as caught:
            run(lambda: store.add_message("missing", "user", "x"))
        assert caught.value.conversation_id == "missing"
        assert "'missing'" in str(caught.value)

    # --- reserve_message ---------------------------------------------------------------

    def test_reserve_message_stores_the_placeholder(self, store: MessageStore) -> None:
        async def scenario() -> tuple[Message, Message | None]:
            await store.create_conversation("c")
            reserved = await store.reserve_message("c", "assistant", {"turn": (1,)})
            return reserved, await store.get_message(reserved.id)

        reserved, fetched = run(scenario)
        assert reserved.content == RESERVED_CONTENT == "[]"
        assert reserved.role == "assistant"
        assert reserved.metadata == {"turn": [1]}
        assert fetched == reserved

    @pytest.mark.parametrize(
        ("target", "role", "metadata", "error"),
        [
            (7, "assistant", None, TypeError),
            ("c", "assistant", "meta", TypeError),
            ("c", "bot", None, ValueError),
            ("nope", "bot", None, ValueError),
            ("nope", "assistant", None, ConversationNotFound),
        ],
        ids=["id-type", "metadata-type", "role", "role-before-existence", "unknown-conversation"],
    )
    def test_reserve_message_rejects_bad_input_and_changes_nothing(
        self, store: MessageStore, target: Any, role: Any, metadata: Any, error: type[Exception]
    ) -> None:
        async def scenario() -> None:
            await store.create_conversation("c")
            await store.reserve_message(target, role, metadata)

        with pytest.raises(error):
            run(scenario)
        assert run(lambda: store.list_messages("c")) == []

    # --- update_message_content ----------------------------------------------------------

    def test_update_content_overwrites_in_place(self, store: MessageStore) -> None:
        async def scenario() -> tuple[Message, bool, Message | None, list[Message]]:
            await store.create_conversation("c")
            reserved = await store.reserve_message("c", "assistant", {"k": 1})
            later = await store.add_message("c", "user", "later")
            found = await store.update_message_content(reserved.id, '"final"')
            listed = await store.list_messages("c")
            assert listed[1] == later
            return reserved, found, await store.get_message(reserved.id), listed

        reserved, found, fetched, listed = run(scenario)
        assert found is True
        assert fetched is not None
        assert fetched.content == '"final"'
        assert (fetched.id, fetched.created_at, fetched.metadata) == (
            reserved.id,
            reserved.created_at,
            {"k": 1},
        )
        assert listed[0].id == reserved.id

    def test_update_content_of_unknown_id_is_false(self, store: MessageStore) -> None:
        assert run(lambda: store.update_message_content("missing", "x")) is False

    @pytest.mark.parametrize(("message_id", "content"), [(7, "x"), ("id", 7), ("id", None)])
    def test_update_content_rejects_bad_types(
        self, store: MessageStore, message_id: Any, content: Any
    ) -> None:
        async def scenario() -> None:
            await store.create_conversation("c")
            kept = await store.add_message("c", "user", "kept")
            try:
                await store.update_message_content(
                    kept.id if message_id == "id" else message_id, content
                )
            finally:
                assert (await store.get_message(kept.id)) == kept

        with pytest.raises(TypeError):
            run(scenario)

    # --- update_message_metadata ---------------------------------------------------------

    def test_update_metadata_merges_shallowly(self, store: MessageStore) -> None:
        async def scenario() -> tuple[list[bool], list[Message | None]]:
            await store.create_conversation("c")
            with_meta = await store.add_message("c", "user", "a", {"a": 1, "n": {"x": 1}})
            without = await store.add_message("c", "user", "b")
            found = [
                await store.update_message_metadata(with_meta.id, {"b": (2,), "n": {"y": 2}}),
                await store.update_message_metadata(without.id, {"c": 3}),
                await store.update_message_metadata(without.id, {}),
            ]
            return found, [
                await store.get_message(with_meta.id),
                await store.get_message(without.id),
            ]

        found, (first, second) = run(scenario)
        assert found == [True, True, True]
        assert first is not None and first.metadata == {"a": 1, "n": {"y": 2}, "b": [2]}
        assert second is not None and second.metadata == {"c": 3}

    def test_update_metadata_of_unknown_id_is_false(self, store: MessageStore) -> None:
        assert run(lambda: store.update_message_metadata("missing", {"a": 1})) is False

    @pytest.mark.parametrize(
        ("message_id", "updates"),
        [(7, {"a": 1}), ("id", ["a"]), ("id", None), ("id", {"a": object()})],
        ids=["id-type", "list", "none", "not-json"],
    )
    def test_update_metadata_rejects_bad_input(
        self, store: MessageStore, message_id: Any, updates: Any
    ) -> None:
        async def scenario() -> None:
            await store.create_conversation("c")
            kept = await store.add_message("c", "user", "kept", {"k": 1})
            try:
                await store.update_message_metadata(
                    kept.id if message_id == "id" else message_id, updates
                )
            finally:
                assert (await store.get_message(kept.id)) == kept

        with pytest.raises(TypeError, match="message_id" if message_id == 7 else "updates"):
            run(scenario)

    # --- delete_message --------------------------------------------------------------------

    def test_delete_message(self, store: MessageStore) -> None:
        async def scenario() -> tuple[list[bool], Message | None, list[Message], Message]:
            await store.create_conversation("c")
            gone = await store.add_message("c", "user", "gone")
            kept = await store.add_message("c", "user", "kept")
            found = [await store.delete_message(gone.id), await store.delete_message(gone.id)]
            return found, await store.get_message(gone.id), await store.list_messages("c"), kept

        found, fetched, listed, kept = run(scenario)
        assert found == [True, False]
        assert fetched is None
        assert listed == [kept]

    def test_delete_rejects_bad_type(self, store: MessageStore) -> None:
        with pytest.raises(TypeError, match="message_id"):
            run(lambda: store.delete_message(7))  # type: ignore[arg-type]

    # --- reads ---------------------------------------------------------------------------

    def test_unknown_reads_are_empty_not_errors(self, store: MessageStore) -> None:
        assert run(lambda: store.get_message("missing")) is None
        assert run(lambda: store.list_messages("missing")) == []

    def test_list_messages_is_in_created_at_order_per_conversation(
        self, store: MessageStore
    ) -> None:
        async def scenario() -> tuple[list[Message], list[Message]]:
            await store.create_conversation("a")
            await store.create_conversation("b")
            for i in range(10):
                await store.add_message("ab"[i % 3 == 0], "user", str(i))
            return await store.list_messages("a"), await store.list_messages("b")

        a, b = run(scenario)
        assert [m.content for m in a] == ["1", "2", "4", "5", "7", "8"]
        assert [m.content for m in b] == ["0", "3", "6", "9"]
        assert [m.created_at for m in a] == sorted(m.created_at for m in a)
        assert {m.conversation_id for m in a} == {"a"}

    def test_results_are_copies(self, store: MessageStore) -> None:
        metadata: dict[str, Any] = {"list": [1], "n": {"x": 1}}

        async def scenario() -> Message | None:
            await store.create_conversation("c")
            added = await store.add_message("c", "user", "x", metadata)
            metadata["list"].append(2)
            metadata["new"] = True
            assert added.metadata is not None
            added.metadata["list"].append(3)
            added.metadata["n"]["x"] = 99
            fetched = await store.get_message(added.id)
            assert fetched is not None and fetched.metadata is not None
            fetched.metadata.clear()
            listed = await store.list_messages("c")
            assert listed[0].metadata is not None
            listed[0].metadata["extra"] = 1
            listed.clear()
            return await store.get_message(added.id)

        final = run(scenario)
        assert final is not None and final.metadata == {"list": [1], "n": {"x": 1}}
        assert run(lambda: store.list_messages("c")) == [final]

    def test_every_read_hands_out_its_own_metadata(self, store: MessageStore) -> None:
        async def scenario() -> list[Message]:
            await store.create_conversation("c")
            added = await store.add_message("c", "user", "x", {"flat": 1})
            reserved = await store.reserve_message("c", "assistant", {"flat": 2})
            handed_out = [
                added,
                reserved,
                *(await store.list_messages("c")),
                *(await store.list_messages("c")),
            ]
            for fetched in (
                await store.get_message(added.id),
                await store.get_message(reserved.id),
            ):
                assert fetched is not None
                handed_out.append(fetched)
            for message in handed_out:
                assert message.metadata is not None
                message.metadata["flat"] = "mutated"
            return await store.list_messages("c")

        assert [m.metadata for m in run(scenario)] == [{"flat": 1}, {"flat": 2}]

    # --- close -------------------------------------------------------------------------

    def test_every_call_after_close_raises(self, store: MessageStore) -> None:
        calls: list[Callable[[], Awaitable[Any]]] = [
            lambda: store.create_conversation("c"),
            lambda: store.add_message("c", "user", "x"),
            lambda: store.reserve_message("c", "assistant"),
            lambda: store.update_message_content("m", "x"),
            lambda: store.update_message_metadata("m", {}),
            lambda: store.delete_message("m"),
            lambda: store.get_message("m"),
            lambda: store.list_messages("c"),
        ]
        run(lambda: store.create_conversation("c"))
        run(store.close)
        run(store.close)  # closing twice is fine
        for call in calls:
            with pytest.raises(HarnessError, match="closed"):
                run(call)

    # --- indexer and projector -------------------------------------------------------------

    @pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
    def test_side_effects_follow_add_only(
        self, store_factory: StoreFactory, use_async: bool
    ) -> None:
        recorder = Recorder(use_async=use_async)
        store = store_factory(indexer=recorder, projector=recorder)

        async def scenario() -> list[Message]:
            await store.create_conversation("c")
            made = [
                await store.add_message("c", "user", "u"),
                await store.add_message("c", "assistant", "a"),
                await store.add_message("c", "assistant", "s", skip_indexing=True),
                await store.add_message("c", "tool", "t", skip_indexing=True),
                await store.reserve_message("c", "assistant"),
            ]
            await store.update_message_content(made[-1].id, "done")
            await store.close()
            return made

        u, a, s, _t, _r = run(scenario)
        assert recorder.seen == [("index", u), ("index", a), ("project", a), ("project", s)]

    @pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
    def test_side_effect_failures_are_logged_and_swallowed(
        self, store_factory: StoreFactory, use_async: bool, caplog: pytest.LogCaptureFixture
    ) -> None:
        recorder = Recorder(use_async=use_async, fail=True)
        store = store_factory(indexer=recorder, projector=recorder)

        async def scenario() -> tuple[Message, list[Message]]:
            await store.create_conversation("c")
            added = await store.add_message("c", "assistant", "a")
            listed = await store.list_messages("c")
            await store.close()
            return added, listed

        with caplog.at_level(logging.WARNING, logger="harness.store"):
            added, listed = run(scenario)
        assert listed == [added]
        assert [kind for kind, _ in recorder.seen] == ["index", "project"]
        records = [r for r in caplog.records if r.name == "harness.store"]
        assert len(records) == 2
        assert all(r.exc_info and isinstance(r.exc_info[1], RuntimeError) for r in records)

    def test_a_hook_that_mutates_metadata_changes_nothing_else(
        self, store_factory: StoreFactory
    ) -> None:
        class Meddler:
            def index(self, message: Message) -> None:
                assert message.metadata is not None
                message.metadata["meddled"] = True

            project = index

        store = store_factory(indexer=Meddler(), projector=Meddler())

        async def scenario() -> tuple[Message, Message | None]:
            await store.create_conversation("c")
            added = await store.add_message("c", "assistant", "a", {"k": 1})
            stored = await store.get_message(added.id)
            await store.close()
            return added, stored

        added, stored = run(scenario)
        assert added.metadata == {"k": 1}
        assert stored is not None and stored.metadata == {"k": 1}

    def test_side_effects_run_after_the_write_is_visible(self, store_factory: StoreFactory) -> None:
        seen: list[Message | None] = []
        holder: list[MessageStore] = []

        class LookingIndexer:
            async def index(self, message: Message) -> None:
                seen.append(await holder[0].get_message(message.id))

        store = store_factory(indexer=LookingIndexer())
        holder.append(store)

        async def scenario() -> Message:
            await store.create_conversation("c")
            added = await store.add_message("c", "user", "x")
            await store.close()
            return added

        assert seen == [run(scenario)]
