"""The persistence_pipeline fixture: a PersistencePipeline over the test's current store."""

from __future__ import annotations

import pytest


def test_persistence_pipeline_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_users="""
        import asyncio

        import pytest

        from fake_store import FakeStore
        from harness import Add, AddResult, PersistencePipeline, Reserve, UpdateContent
        from harness import conversation_crud as crud


        def test_runs_against_the_fake_store(persistence_pipeline, fake_store):
            assert isinstance(persistence_pipeline, PersistencePipeline)

            async def scenario():
                await fake_store.create_conversation("c")
                reserved = await persistence_pipeline.run(Reserve("c", "assistant"))
                await persistence_pipeline.run(UpdateContent(reserved.message.id, '"x"'))
                return reserved

            reserved = asyncio.run(scenario())
            fake_store.calls.assert_called_once("reserve", conversation_id="c")
            fake_store.calls.assert_called_once(
                "update_content", message_id=reserved.message.id, content='"x"'
            )


        def test_alone_it_still_gets_a_fresh_fake_store(persistence_pipeline):
            store = crud.current_store()
            assert isinstance(store, FakeStore)
            assert len(store.calls) == 0


        def test_runs_against_the_sqlite_store(sqlite_store, persistence_pipeline):
            async def scenario():
                await sqlite_store.create_conversation("c")
                result = await persistence_pipeline.run(Add("c", "user", "hi"))
                assert isinstance(result, AddResult)
                return await sqlite_store.list_messages("c")

            assert [m.content for m in asyncio.run(scenario())] == ["hi"]


        @pytest.mark.asyncio
        async def test_async_test(persistence_pipeline, fake_store):
            await fake_store.create_conversation("c")
            result = await persistence_pipeline.run(Add("c", "assistant", "a"))
            assert await fake_store.get_message(result.message.id) == result.message
        """
    )
    result = pytester.runpytest_subprocess("-o", "asyncio_mode=strict")
    result.assert_outcomes(passed=4)
