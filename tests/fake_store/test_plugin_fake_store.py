"""The fake_store fixture, as users meet it: loaded through the installed entry point."""

from __future__ import annotations

import pytest

USES_CRUD = """
    import asyncio

    import pytest

    from fake_store import FakeStore
    from harness import conversation_crud as crud


    def test_sync_test_writes_through_crud(fake_store):
        assert isinstance(fake_store, FakeStore)
        assert crud.current_store() is fake_store

        async def scenario():
            cid = await crud.create_conversation("c")
            reserved = await crud.reserve_message(cid, "assistant")
            await crud.update_message_content(reserved.id, '"done"')
            return await fake_store.list_messages("c")

        (message,) = asyncio.run(scenario())
        assert message.content == '"done"'
        fake_store.calls.assert_called_once("reserve_message", role="assistant")


    @pytest.mark.asyncio
    async def test_async_test_sees_the_sync_fixture_store(fake_store):
        assert crud.current_store() is fake_store
        await crud.create_conversation("c")
        await crud.add_message("c", "user", "hi")
        assert [m.content for m in await fake_store.list_messages("c")] == ["hi"]
        assert fake_store.calls.methods() == ["create_conversation", "add_message", "list_messages"]


    @pytest.mark.parametrize("n", range(6))
    def test_each_test_gets_a_fresh_store(fake_store, n):
        assert len(fake_store.calls) == 0
        assert asyncio.run(fake_store.list_messages("c")) == []
        asyncio.run(fake_store.create_conversation("c"))
        asyncio.run(fake_store.add_message("c", "user", str(n)))


    @pytest.mark.asyncio(loop_scope="module")
    async def test_module_loop_sees_it(fake_store):
        assert crud.current_store() is fake_store


    @pytest.mark.asyncio(loop_scope="session")
    async def test_session_loop_sees_it(fake_store):
        assert crud.current_store() is fake_store
        task = asyncio.create_task(crud.list_messages("c"))
        assert await task == []
        assert fake_store.calls.methods() == ["list_messages"]


    def test_the_store_is_no_longer_current_after_its_test():
        assert not isinstance(crud.current_store(), FakeStore)
"""


def test_fixture_in_sync_and_async_strict_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USES_CRUD)
    result = pytester.runpytest_subprocess("-o", "asyncio_mode=strict")
    result.assert_outcomes(passed=11)


def test_fixture_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_users=USES_CRUD.replace(
            "def test_the_store_is_no_longer_current_after_its_test():",
            "def _not_run_under_xdist():",
        )
    )
    result = pytester.runpytest_subprocess("-n", "2", "-o", "asyncio_mode=strict")
    result.assert_outcomes(passed=10)
    result.stdout.fnmatch_lines(["*2 workers*"])


def test_a_failing_call_assertion_shows_the_recorded_calls_not_the_helper(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_users="""
        import asyncio

        def test_wrong_role(fake_store):
            asyncio.run(fake_store.create_conversation("c"))
            asyncio.run(fake_store.add_message("c", "user", "hi"))
            fake_store.calls.assert_called("add", role="assistant")
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Expected a call add_message(role='assistant') but none matched.",
            "*Recorded calls:",
            "*#1 add_message(conversation_id='c', role='user', content='hi'*",
        ]
    )
    # __tracebackhide__: the traceback stops at the test's line, not inside the helper.
    assert "raise AssertionError(" not in result.stdout.str()
    assert "_calls.py" not in result.stdout.str()
