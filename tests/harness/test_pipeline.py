"""PersistencePipeline: each op against the store, middleware powers, order, errors, logging."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from harness import (
    Add,
    AddResult,
    Delete,
    DeleteResult,
    Message,
    PersistArgs,
    PersistencePipeline,
    PersistResult,
    PipelineError,
    PipelineTimeout,
    Reserve,
    ReserveResult,
    SqliteStore,
    TurnContext,
    Update,
    UpdateContent,
    UpdateContentResult,
    UpdateResult,
    conversation_crud,
    default_persistence_terminal,
)
from harness._types import RESERVED_CONTENT
from harness.conversation_crud import use_store
from tests.harness.conftest import dump


def shape(message: Message) -> tuple[Any, ...]:
    """A message without what differs between two stores (id, clock)."""
    return (message.role, message.content, message.metadata)


async def rows(store: SqliteStore, cid: str) -> list[tuple[Any, ...]]:
    return [shape(m) for m in await store.list_messages(cid)]


@pytest.mark.asyncio
async def test_each_op_matches_the_direct_store_call(tmp_path: Path) -> None:
    """The same story told directly to one store and through the pipeline to another."""
    direct = SqliteStore(tmp_path / "direct.db")
    piped = SqliteStore(tmp_path / "piped.db")
    pipeline = PersistencePipeline()
    cid_d = await direct.create_conversation("c")
    cid_p = await piped.create_conversation("c")

    with use_store(piped):
        added_d = await direct.add_message(cid_d, "user", '"hi"', {"t": (1,)})
        added_p = await pipeline.run(Add(cid_p, "user", '"hi"', {"t": (1,)}))
        assert isinstance(added_p, AddResult)
        assert shape(added_p.message) == shape(added_d) == ("user", '"hi"', {"t": [1]})
        assert await piped.get_message(added_p.message.id) == added_p.message

        res_d = await direct.reserve_message(cid_d, "assistant", {"turn": 1})
        res_p = await pipeline.run(Reserve(cid_p, "assistant", {"turn": 1}))
        assert isinstance(res_p, ReserveResult)
        assert shape(res_p.message) == shape(res_d) == ("assistant", RESERVED_CONTENT, {"turn": 1})

        found_d = await direct.update_message_content(res_d.id, '"done"')
        upd_p = await pipeline.run(UpdateContent(res_p.message.id, '"done"'))
        assert upd_p == UpdateContentResult(res_p.message.id, found_d) and found_d is True
        after = await piped.get_message(res_p.message.id)
        assert after == replace(res_p.message, content='"done"')  # same id, same created_at

        found_d = await direct.update_message_metadata(res_d.id, {"turn": 2, "x": None})
        meta_p = await pipeline.run(Update(res_p.message.id, {"turn": 2, "x": None}))
        assert meta_p == UpdateResult(res_p.message.id, True) and found_d is True
        merged = await piped.get_message(res_p.message.id)
        assert merged is not None and merged.metadata == {"turn": 2, "x": None}

        found_d = await direct.delete_message(added_d.id)
        del_p = await pipeline.run(Delete(added_p.message.id))
        assert del_p == DeleteResult(added_p.message.id, True) and found_d is True
        assert await piped.get_message(added_p.message.id) is None

        for args, direct_call in [
            (UpdateContent("nope", "1"), direct.update_message_content("nope", "1")),
            (Update("nope", {"a": 1}), direct.update_message_metadata("nope", {"a": 1})),
            (Delete("nope"), direct.delete_message("nope")),
        ]:
            result = await pipeline.run(args)
            assert getattr(result, "found", None) is (await direct_call) is False

    assert await rows(piped, cid_p) == await rows(direct, cid_d)
    await direct.close()
    await piped.close()


@pytest.mark.asyncio
async def test_add_skip_indexing_reaches_the_store(store: SqliteStore) -> None:
    seen: list[str] = []

    class Indexer:
        def index(self, message: Message) -> None:
            seen.append(message.content)

    store.indexer = Indexer()
    cid = await store.create_conversation()
    pipeline = PersistencePipeline()
    await pipeline.run(Add(cid, "user", '"a"'))
    await pipeline.run(Add(cid, "user", '"b"', skip_indexing=True))
    assert seen == ['"a"']


# --- middleware powers ------------------------------------------------------------


@pytest.mark.asyncio
async def test_observe(store: SqliteStore) -> None:
    seen: list[tuple[str, str, str | None]] = []

    async def observer(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        result = await call_next(args)
        seen.append((args.op, result.op, ctx.request_id if ctx else None))
        return result

    cid = await store.create_conversation()
    pipeline = PersistencePipeline([observer])
    result = await pipeline.run(Reserve(cid, "assistant"), TurnContext("req-1", cid))
    assert isinstance(result, ReserveResult)
    assert seen == [("reserve", "reserve", "req-1")]
    assert await store.get_message(result.message.id) == result.message


@pytest.mark.asyncio
async def test_redirect(store: SqliteStore) -> None:
    async def to_archive(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        if isinstance(args, Add):
            args = replace(args, conversation_id="archive", metadata={"redirected": True})
        return await call_next(args)

    await store.create_conversation("live")
    await store.create_conversation("archive")
    result = await PersistencePipeline([to_archive]).run(Add("live", "user", '"x"'))
    assert isinstance(result, AddResult)
    assert await store.list_messages("live") == []
    assert await store.list_messages("archive") == [result.message]
    assert result.message.metadata == {"redirected": True}


@pytest.mark.asyncio
async def test_short_circuit_leaves_the_store_untouched(store: SqliteStore, db_path: Path) -> None:
    cid = await store.create_conversation()
    canned = Message("canned", cid, "assistant", "[]", 1, None)

    async def cache(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        return ReserveResult(canned)

    before = dump(db_path)
    result = await PersistencePipeline([cache]).run(Reserve(cid, "assistant"))
    assert result == ReserveResult(canned)
    assert dump(db_path) == before


@pytest.mark.asyncio
async def test_post_process(store: SqliteStore) -> None:
    async def hide_unknown(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        result = await call_next(args)
        if isinstance(result, DeleteResult) and not result.found:
            return replace(result, found=True)  # deleting what is gone counts as done
        return result

    result = await PersistencePipeline([hide_unknown]).run(Delete("gone"))
    assert result == DeleteResult("gone", True)


@pytest.mark.asyncio
async def test_middlewares_0_is_outermost(store: SqliteStore) -> None:
    trail: list[str] = []

    def named(name: str) -> Any:
        async def mw(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
            trail.append(f"{name}>")
            result = await call_next(args)
            trail.append(f"<{name}")
            return result

        mw.__qualname__ = name
        return mw

    async def terminal(args: PersistArgs, ctx: TurnContext | None) -> PersistResult:
        trail.append("terminal")
        return DeleteResult("m", False)

    pipeline = PersistencePipeline([named("a"), named("b"), named("c")], terminal)
    assert pipeline.chain == ("a", "b", "c", "test_middlewares_0_is_outermost.<locals>.terminal")
    await pipeline.run(Delete("m"))
    assert trail == ["a>", "b>", "c>", "terminal", "<c", "<b", "<a"]


@pytest.mark.asyncio
async def test_concurrent_runs_keep_their_own_ctx(store: SqliteStore) -> None:
    seen: list[tuple[str, str]] = []

    async def slow(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        await asyncio.sleep(0.01)
        return await call_next(args)

    async def record(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        assert ctx is not None and isinstance(args, Delete)
        seen.append((ctx.request_id, args.message_id))
        return await call_next(args)

    pipeline = PersistencePipeline([slow, record])
    await asyncio.gather(*(pipeline.run(Delete(f"m{i}"), TurnContext(f"r{i}")) for i in range(5)))
    assert sorted(seen) == [(f"r{i}", f"m{i}") for i in range(5)]


# --- contract errors -----------------------------------------------------------------


@pytest.mark.asyncio
async def test_op_mismatch_names_the_chain(store: SqliteStore) -> None:
    cid = await store.create_conversation()

    async def add_instead(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        return await call_next(Add(cid, "user", '"x"'))

    async def passing(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        return await call_next(args)

    pipeline = PersistencePipeline([passing, add_instead])
    with pytest.raises(PipelineError) as caught:
        await pipeline.run(Reserve(cid, "assistant"))
    assert caught.value.chain == (
        "test_op_mismatch_names_the_chain.<locals>.passing",
        "test_op_mismatch_names_the_chain.<locals>.add_instead",
        "default_persistence_terminal",
    )
    text = str(caught.value)
    assert "asked for op 'reserve' but returned AddResult" in text
    assert "passing -> " in text and ".add_instead -> default_persistence_terminal" in text


@pytest.mark.asyncio
async def test_middleware_returning_none_is_a_pipeline_error(store: SqliteStore) -> None:
    async def forgot_return(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        await call_next(args)

    with pytest.raises(PipelineError, match=r"returned NoneType: None"):
        await PersistencePipeline([forgot_return]).run(Delete("x"))


@pytest.mark.asyncio
async def test_timeout(store: SqliteStore) -> None:
    async def stuck(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        await asyncio.sleep(10)
        return await call_next(args)

    pipeline = PersistencePipeline([stuck], timeout=0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(PipelineTimeout) as caught:
        await pipeline.run(Delete("x"))
    assert loop.time() - started < 5
    assert caught.value.op == "delete" and caught.value.timeout == 0.05
    assert "exceeded its timeout of 0.05s" in str(caught.value)
    assert "stuck -> default_persistence_terminal" in str(caught.value)


@pytest.mark.asyncio
async def test_a_fast_run_under_a_timeout_succeeds(store: SqliteStore) -> None:
    result = await PersistencePipeline(timeout=5).run(Delete("x"))
    assert result == DeleteResult("x", False)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"middlewares": ["not callable"]}, TypeError, r"middlewares\[0\] must be callable"),
        ({"terminal": 3}, TypeError, r"terminal must be callable"),
        ({"timeout": 0}, ValueError, r"timeout must be a positive number.*got 0"),
        ({"timeout": "1"}, ValueError, r"got '1'"),
    ],
    ids=["middleware", "terminal", "zero-timeout", "str-timeout"],
)
def test_bad_construction(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        PersistencePipeline(**kwargs)


@pytest.mark.asyncio
async def test_run_refuses_what_is_not_an_op() -> None:
    with pytest.raises(TypeError, match=r"must be one of Add, Reserve.*got dict: \{'op': 'add'\}"):
        await PersistencePipeline().run({"op": "add"})  # type: ignore[arg-type]


# --- logging -----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_one_log_record_per_run(store: SqliteStore, caplog: pytest.LogCaptureFixture) -> None:
    async def observer(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        return await call_next(args)

    cid = await store.create_conversation()
    pipeline = PersistencePipeline([observer])
    with caplog.at_level(logging.INFO, logger="harness.pipeline"):
        reserved = await pipeline.run(Reserve(cid, "assistant"))
        assert isinstance(reserved, ReserveResult)
        await pipeline.run(UpdateContent(reserved.message.id, '"x"'))
        with pytest.raises(Exception, match="does not exist"):
            await pipeline.run(Add("nope", "user", "1"))
    records = [r for r in caplog.records if r.name == "harness.pipeline"]
    assert [(r.op, r.outcome) for r in records] == [  # type: ignore[attr-defined]
        ("reserve", "ok"),
        ("update_content", "ok"),
        ("add", "error:ConversationNotFound"),
    ]
    chain = "test_one_log_record_per_run.<locals>.observer -> default_persistence_terminal"
    for record in records:
        assert record.chain == chain  # type: ignore[attr-defined]
        assert isinstance(record.duration_ms, float) and record.duration_ms >= 0  # type: ignore[attr-defined]
        assert f"chain={chain}" in record.getMessage()


@pytest.mark.asyncio
async def test_timeout_and_mismatch_are_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    async def stuck(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        await asyncio.sleep(10)
        raise AssertionError("unreachable")

    async def wrong(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
        return DeleteResult("x", True)

    with caplog.at_level(logging.INFO, logger="harness.pipeline"):
        with pytest.raises(PipelineTimeout):
            await PersistencePipeline([stuck], timeout=0.01).run(Delete("x"))
        with pytest.raises(PipelineError):
            await PersistencePipeline([wrong]).run(UpdateContent("x", "1"))
    outcomes = [r.outcome for r in caplog.records if r.name == "harness.pipeline"]  # type: ignore[attr-defined]
    assert outcomes == ["timeout", "op_mismatch"]


# --- the terminal routes through conversation_crud ----------------------------------------


@pytest.mark.asyncio
async def test_terminal_honours_a_patched_crud_function(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str]] = []

    async def fake_update_content(message_id: str, content: str) -> bool:
        calls.append((message_id, content))
        return True

    monkeypatch.setattr(conversation_crud, "update_message_content", fake_update_content)
    result = await default_persistence_terminal(UpdateContent("m1", '"x"'), None)
    assert result == UpdateContentResult("m1", True)
    assert calls == [("m1", '"x"')]


@pytest.mark.asyncio
async def test_terminal_honours_a_mocked_crud_module() -> None:
    from harness import mock_module

    async def delete_message(message_id: str) -> bool:
        return message_id == "yes"

    with mock_module("harness.conversation_crud", {"delete_message": delete_message}):
        assert await PersistencePipeline().run(Delete("yes")) == DeleteResult("yes", True)
    assert conversation_crud.delete_message is not delete_message
