"""Both stores report add_message's commit before its side effects, the same way.

The pipeline listens for these reports so that a timeout after the commit can say the write
is in (PipelineTimeout.committed); a FakeStore behind the pipeline must answer as SqliteStore.
The other writes await nothing after their commit, so they need no report.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fake_store import FakeStore
from harness import (
    Add,
    AddResult,
    Message,
    MessageStore,
    PersistencePipeline,
    PersistResult,
    PipelineTimeout,
    SqliteStore,
)
from harness._commits import SINK
from harness.conversation_crud import use_store

StoreMaker = Callable[..., MessageStore]


@pytest.fixture(params=["fake", "sqlite"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreMaker]:
    made: list[MessageStore] = []

    def make(**hooks: Any) -> MessageStore:
        store: MessageStore
        if request.param == "fake":
            store = FakeStore(**hooks)
        else:
            store = SqliteStore(tmp_path / f"reports{len(made)}.db", **hooks)
        made.append(store)
        return store

    yield make
    for store in made:
        asyncio.run(store.close())


def test_add_reports_its_commit_before_the_side_effects(make_store: StoreMaker) -> None:
    events: list[Any] = []

    class Hook:
        def index(self, message: Message) -> None:
            events.append(("index", message.id))

        def project(self, message: Message) -> None:
            events.append(("project", message.id))

    store = make_store(indexer=Hook(), projector=Hook())

    async def scenario() -> Message:
        cid = await store.create_conversation("c")  # not a pipeline op: no report
        token = SINK.set(events.append)
        try:
            added = await store.add_message(cid, "assistant", '"a"', {"k": 1})
            reserved = await store.reserve_message(cid, "assistant")
            await store.update_message_content(reserved.id, '"b"')
            await store.update_message_metadata(reserved.id, {"k": 2})
            await store.delete_message(added.id)
            await store.delete_message(added.id)
        finally:
            SINK.reset(token)
        await store.add_message(cid, "user", '"unheard"', skip_indexing=True)  # nobody listens
        return added

    added = asyncio.run(scenario())
    assert events == [AddResult(added), ("index", added.id), ("project", added.id)]


def test_a_reported_message_is_a_copy(make_store: StoreMaker) -> None:
    reports: list[PersistResult] = []
    store = make_store()

    async def scenario() -> Message | None:
        cid = await store.create_conversation("c")
        token = SINK.set(reports.append)
        try:
            await store.add_message(cid, "user", '"a"', {"k": [1]})
        finally:
            SINK.reset(token)
        (report,) = reports
        assert isinstance(report, AddResult) and report.message.metadata is not None
        report.message.metadata["k"].append(2)
        return await store.get_message(report.message.id)

    stored = asyncio.run(scenario())
    assert stored is not None and stored.metadata == {"k": [1]}


def test_a_pipeline_timeout_in_the_indexer_is_committed(make_store: StoreMaker) -> None:
    class SlowIndexer:
        async def index(self, message: Message) -> None:
            await asyncio.sleep(30)

    store = make_store(indexer=SlowIndexer())

    async def scenario() -> tuple[PipelineTimeout, list[Message]]:
        with use_store(store):
            cid = await store.create_conversation("c")
            with pytest.raises(PipelineTimeout) as caught:
                await PersistencePipeline(timeout=0.1).run(Add(cid, "user", '"hi"'))
            return caught.value, await store.list_messages(cid)

    error, stored = asyncio.run(scenario())
    assert error.committed is True
    assert isinstance(error.result, AddResult)
    assert stored == [error.result.message]
