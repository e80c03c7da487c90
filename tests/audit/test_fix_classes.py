"""The fixer on class-based fakes and on modules named by f-strings: inline before/after."""

# ruff: noqa: E501

from __future__ import annotations

from audit._fix import fix_source
from audit._sites import find_sites
from audit._types import ParseFailure, SiteFix

from .test_fix import assert_fix, dedent, fix


def test_fstring_module_name_is_fixed_like_a_literal():
    assert_fix(
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        PKG = "app"
        sys.modules[f"{PKG}.crud"] = {"add_message": AsyncMock()}
        """,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        PKG = "app"
        sys.modules[f"{PKG}.crud"] = {"add_message": AsyncMock(), "get_message": MagicMock(), "reserve_message": AsyncMock()}
        """,
    )


# --- classes of the file, and instances of them ---


def test_instance_fake_gets_class_attributes_after_its_last_method():
    assert_fix(
        """
        import sys
        from unittest.mock import AsyncMock


        class FakeCrud:
            \"\"\"Stands in for app.crud.\"\"\"

            def __init__(self):
                self.store = {}

            async def add_message(self, m):
                return m  # keep me


        def test(monkeypatch):
            monkeypatch.setitem(sys.modules, "app.crud", FakeCrud())
        """,
        """
        import sys
        from unittest.mock import MagicMock, AsyncMock


        class FakeCrud:
            \"\"\"Stands in for app.crud.\"\"\"

            def __init__(self):
                self.store = {}

            async def add_message(self, m):
                return m  # keep me

            get_message = MagicMock()
            reserve_message = AsyncMock()


        def test(monkeypatch):
            monkeypatch.setitem(sys.modules, "app.crud", FakeCrud())
        """,
    )


def test_class_object_fake_with_only_pass_and_mock_prefix_spelling():
    assert_fix(
        """
        import sys
        from unittest import mock


        class FakeCrud:
            pass


        sys.modules["app.crud"] = FakeCrud
        """,
        """
        import sys
        from unittest import mock


        class FakeCrud:
            pass
            get_message = mock.MagicMock()
            reserve_message = mock.AsyncMock()


        sys.modules["app.crud"] = FakeCrud
        """,
    )


def test_one_line_class_in_a_function_becomes_a_block_and_imports_are_added():
    assert_fix(
        """
        import sys


        def test(monkeypatch):
            class Fake: ...

            monkeypatch.setitem(sys.modules, "app.crud", Fake())
        """,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock


        def test(monkeypatch):
            class Fake:
                ...
                get_message = MagicMock()
                reserve_message = AsyncMock()

            monkeypatch.setitem(sys.modules, "app.crud", Fake())
        """,
    )


def test_sites_sharing_a_class_share_one_edit_and_a_template_is_honoured():
    before = dedent(
        """
        import sys
        from unittest.mock import MagicMock


        class Fake:
            LIMIT = 1  # comment kept


        sys.modules["app.a"] = Fake()
        sys.modules["app.b"] = Fake
        """
    )
    sites = find_sites(before, "t.py")
    assert not isinstance(sites, ParseFailure)
    assert len({s.fake_key for s in sites}) == 1 and all(s.form == "class" for s in sites)
    stubs = {"get_message": "MagicMock(return_value=None)"}
    assert_fix(
        before,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock


        class Fake:
            LIMIT = 1  # comment kept
            get_message = MagicMock(return_value=None)
            reserve_message = AsyncMock()


        sys.modules["app.a"] = Fake()
        sys.modules["app.b"] = Fake
        """,
        stubs=stubs,
    )


def test_instance_attribute_does_not_stop_the_class_object_site_getting_the_name():
    code = dedent(
        """
        import sys
        from unittest.mock import MagicMock


        class Fake:
            def __init__(self):
                self.get_message = None


        sys.modules["app.a"] = Fake()
        sys.modules["app.b"] = Fake
        """
    )
    sites = find_sites(code, "t.py")
    assert not isinstance(sites, ParseFailure)
    instance, cls = sites
    assert instance.provided is not None and "get_message" in instance.provided
    assert cls.provided is not None and "get_message" not in cls.provided
    fixes = [SiteFix(cls, {"get_message": "sync"})]
    out = fix_source(code, "t.py", fixes)
    assert out == dedent(
        """
        import sys
        from unittest.mock import MagicMock


        class Fake:
            def __init__(self):
                self.get_message = None

            get_message = MagicMock()


        sys.modules["app.a"] = Fake()
        sys.modules["app.b"] = Fake
        """
    )
    again = find_sites(out, "t.py")
    assert not isinstance(again, ParseFailure)
    assert all(s.provided is not None and "get_message" in s.provided for s in again)


def test_base_class_names_count_and_new_names_go_to_the_installed_class():
    assert_fix(
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock


        class Base:
            get_message = MagicMock()


        class Fake(Base):
            x = 1


        sys.modules["app.crud"] = Fake()
        """,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock


        class Base:
            get_message = MagicMock()


        class Fake(Base):
            x = 1
            reserve_message = AsyncMock()


        sys.modules["app.crud"] = Fake()
        """,
    )


def test_a_class_with_an_unfollowed_base_is_not_edited():
    code = dedent(
        """
        import sys
        from unittest.mock import MagicMock


        class Fake(MagicMock):
            x = 1


        sys.modules["app.crud"] = Fake()
        """
    )
    (site,) = find_sites(code, "t.py")  # type: ignore[misc]
    assert site.note is not None and "MagicMock" in site.note and not site.fixable
    assert fix(code) == code


def test_a_class_with_slots_is_analysed_but_not_edited():
    code = dedent(
        """
        import sys


        class Fake:
            __slots__ = ("get_message",)


        sys.modules["app.crud"] = Fake()
        """
    )
    (site,) = find_sites(code, "t.py")  # type: ignore[misc]
    assert site.provided == {"__slots__"} and site.form == "class" and not site.fixable
    assert fix(code) == code
