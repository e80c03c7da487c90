"""The sqlite_store fixture: a SqliteStore on a file under tmp_path, current, closed after."""

from __future__ import annotations

import pytest


def test_sqlite_store_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_users="""
        import asyncio
        import sqlite3

        import pytest

        from harness import HarnessError, SqliteStore
        from harness import conversation_crud as crud

        SEEN = []


        def test_store_is_a_file_under_tmp_path_and_current(sqlite_store, tmp_path):
            SEEN.append(sqlite_store)
            assert isinstance(sqlite_store, SqliteStore)
            assert crud.current_store() is sqlite_store

            async def scenario():
                await crud.create_conversation("c")
                await crud.add_message("c", "user", "on disk")

            asyncio.run(scenario())
            files = list(tmp_path.iterdir())
            assert files, "no database file under tmp_path"
            (db,) = [f for f in files if f.suffix == ".sqlite"]
            rows = sqlite3.connect(db).execute("SELECT content FROM messages").fetchall()
            assert rows == [("on disk",)]


        def test_it_was_closed_after_its_test():
            (store,) = SEEN
            assert store.closed
            assert crud.current_store() is not store
            with pytest.raises(HarnessError, match="closed"):
                asyncio.run(store.list_messages("c"))


        @pytest.mark.asyncio
        async def test_async_test_sees_it(sqlite_store):
            assert crud.current_store() is sqlite_store
            assert await crud.list_messages("c") == []
        """
    )
    result = pytester.runpytest_subprocess("-o", "asyncio_mode=strict")
    result.assert_outcomes(passed=3)


def test_sqlite_store_fixture_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_users="""
        import asyncio

        import pytest


        @pytest.mark.parametrize("n", range(8))
        def test_fresh_database_per_test(sqlite_store, n):
            assert asyncio.run(sqlite_store.list_messages("c")) == []
            asyncio.run(sqlite_store.create_conversation("c"))
            asyncio.run(sqlite_store.add_message("c", "user", str(n)))
        """
    )
    result = pytester.runpytest_subprocess("-n", "2")
    result.assert_outcomes(passed=8)
