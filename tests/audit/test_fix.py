"""The fixer, one behaviour per test: inline before/after sources, dedented by a helper."""

# One-line literals stay one line after a fix, so expected sources may pass 100 columns.
# ruff: noqa: E501

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import pytest

from audit._fix import fix_source
from audit._sites import find_sites
from audit._types import ParseFailure, SiteFix, StubKind

NAMES: dict[str, StubKind] = {"reserve_message": "async", "get_message": "sync"}


def dedent(code: str) -> str:
    return textwrap.dedent(code).lstrip("\n")


def fix(
    code: str, names: Mapping[str, StubKind] = NAMES, stubs: Mapping[str, str] | None = None
) -> str:
    """Ask for ``names`` on every fixable site; the result must compile."""
    sites = find_sites(code, "tests/test_x.py")
    assert not isinstance(sites, ParseFailure), sites
    fixes = [SiteFix(site, dict(names)) for site in sites if site.fixable]
    out = fix_source(code, "tests/test_x.py", fixes, stubs=stubs or {})
    compile(out, "tests/test_x.py", "exec", dont_inherit=True)
    return out


def assert_fix(
    before: str,
    after: str,
    names: Mapping[str, StubKind] = NAMES,
    stubs: Mapping[str, str] | None = None,
) -> None:
    out = fix(dedent(before), names, stubs)
    assert out == dedent(after)
    assert fix(out, names, stubs) == out, "a second fix must change nothing"


# --- dict fakes ---


def test_dict_on_one_line_stays_on_one_line():
    assert_fix(
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = {"add_message": AsyncMock()}
        """,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = {"add_message": AsyncMock(), "get_message": MagicMock(), "reserve_message": AsyncMock()}
        """,
    )


def test_multi_line_dict_keeps_trailing_comma_and_comments():
    assert_fix(
        """
        from unittest.mock import AsyncMock, MagicMock


        def test(mock_module):
            mock_module(
                "app.crud",
                lambda: {
                    "add_message": AsyncMock(),
                    # about update
                    "update_message_content": AsyncMock(),  # keep this comment
                },
            )
        """,
        """
        from unittest.mock import AsyncMock, MagicMock


        def test(mock_module):
            mock_module(
                "app.crud",
                lambda: {
                    "add_message": AsyncMock(),
                    # about update
                    "update_message_content": AsyncMock(),  # keep this comment
                    "get_message": MagicMock(),
                    "reserve_message": AsyncMock(),
                },
            )
        """,
    )


def test_multi_line_dict_without_trailing_comma_gets_none():
    assert_fix(
        """
        from unittest.mock import AsyncMock, MagicMock

        mock_module("app.crud", {
            "add_message": AsyncMock()
        })
        """,
        """
        from unittest.mock import AsyncMock, MagicMock

        mock_module("app.crud", {
            "add_message": AsyncMock(),
            "get_message": MagicMock(),
            "reserve_message": AsyncMock()
        })
        """,
    )


def test_empty_dict_and_single_quotes():
    assert_fix(
        """
        from unittest.mock import AsyncMock, MagicMock

        mock_module('app.crud', {})
        mock_module('app.other', {'a': 1})
        """,
        """
        from unittest.mock import AsyncMock, MagicMock

        mock_module('app.crud', {"get_message": MagicMock(), "reserve_message": AsyncMock()})
        mock_module('app.other', {'a': 1, 'get_message': MagicMock(), 'reserve_message': AsyncMock()})
        """,
    )


def test_spread_of_a_constant_gets_names_in_the_outer_dict():
    assert_fix(
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        BASE = {"get_message": MagicMock()}
        sys.modules["app.crud"] = {**BASE, "add_message": AsyncMock()}
        """,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        BASE = {"get_message": MagicMock()}
        sys.modules["app.crud"] = {**BASE, "add_message": AsyncMock(), "reserve_message": AsyncMock()}
        """,
    )


def test_factory_function_passed_to_mock_module():
    assert_fix(
        """
        from unittest.mock import AsyncMock, MagicMock


        def crud_factory():
            return {"add_message": AsyncMock()}


        def test(mock_module):
            mock_module("app.crud", crud_factory)
        """,
        """
        from unittest.mock import AsyncMock, MagicMock


        def crud_factory():
            return {"add_message": AsyncMock(), "get_message": MagicMock(), "reserve_message": AsyncMock()}


        def test(mock_module):
            mock_module("app.crud", crud_factory)
        """,
    )


def test_sites_sharing_a_fake_get_the_union_once():
    code = dedent(
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        FAKE = {"add_message": AsyncMock()}


        def test_one():
            sys.modules["app.crud"] = FAKE


        def test_two(monkeypatch):
            monkeypatch.setitem(sys.modules, "app.crud", FAKE)
        """
    )
    sites = find_sites(code, "t.py")
    assert not isinstance(sites, ParseFailure)
    one, two = sites
    fixes = [SiteFix(one, {"get_message": "sync"}), SiteFix(two, {"reserve_message": "async"})]
    out = fix_source(code, "t.py", fixes)
    assert (
        'FAKE = {"add_message": AsyncMock(), "get_message": MagicMock(), '
        '"reserve_message": AsyncMock()}\n'
    ) in out
    assert out.count("get_message") == 1 and out.count("reserve_message") == 1


# --- ModuleType fakes ---


def test_module_type_gets_attribute_lines_after_the_last_assignment():
    assert_fix(
        """
        import sys
        import types
        from unittest.mock import AsyncMock, MagicMock


        def test():
            fake = types.ModuleType("app.crud")
            fake.add_message = AsyncMock()  # first
            setattr(fake, "delete_message", AsyncMock())
            sys.modules["app.crud"] = fake
        """,
        """
        import sys
        import types
        from unittest.mock import AsyncMock, MagicMock


        def test():
            fake = types.ModuleType("app.crud")
            fake.add_message = AsyncMock()  # first
            setattr(fake, "delete_message", AsyncMock())
            fake.get_message = MagicMock()
            fake.reserve_message = AsyncMock()
            sys.modules["app.crud"] = fake
        """,
    )


def test_module_type_lines_never_land_inside_a_nested_block():
    assert_fix(
        """
        import sys
        from types import ModuleType
        from unittest.mock import AsyncMock, MagicMock

        fake = ModuleType("app.crud")
        if sys.platform:
            fake.add_message = AsyncMock()
        sys.modules["app.crud"] = fake
        """,
        """
        import sys
        from types import ModuleType
        from unittest.mock import AsyncMock, MagicMock

        fake = ModuleType("app.crud")
        fake.get_message = MagicMock()
        fake.reserve_message = AsyncMock()
        if sys.platform:
            fake.add_message = AsyncMock()
        sys.modules["app.crud"] = fake
        """,
    )


def test_inline_module_type_is_not_fixable():
    code = dedent(
        """
        import sys
        from types import ModuleType

        sys.modules["app.crud"] = ModuleType("app.crud")
        """
    )
    [site] = find_sites(code, "t.py")  # type: ignore[misc]
    assert site.provided == frozenset() and not site.fixable


# --- keyword (SimpleNamespace) fakes ---


def test_namespace_on_one_line():
    assert_fix(
        """
        import sys
        from types import SimpleNamespace
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = SimpleNamespace(add_message=AsyncMock())
        """,
        """
        import sys
        from types import SimpleNamespace
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = SimpleNamespace(add_message=AsyncMock(), get_message=MagicMock(), reserve_message=AsyncMock())
        """,
    )


def test_multi_line_namespace_keeps_its_trailing_comment():
    assert_fix(
        """
        import sys
        from types import SimpleNamespace
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = SimpleNamespace(
            add_message=AsyncMock()  # the one we had
        )
        """,
        """
        import sys
        from types import SimpleNamespace
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = SimpleNamespace(
            add_message=AsyncMock(),  # the one we had
            get_message=MagicMock(),
            reserve_message=AsyncMock()
        )
        """,
    )


# --- spec'd mocks ---


def test_spec_list_gets_string_entries_only():
    assert_fix(
        """
        import sys
        from unittest.mock import MagicMock

        sys.modules["app.crud"] = MagicMock(spec=["add_message"])
        """,
        """
        import sys
        from unittest.mock import MagicMock

        sys.modules["app.crud"] = MagicMock(spec=["add_message", "get_message", "reserve_message"])
        """,
    )


def test_one_element_spec_tuple_drops_the_now_needless_comma():
    assert_fix(
        """
        import sys
        from unittest.mock import Mock

        sys.modules["app.crud"] = Mock(spec_set=('add_message',))
        """,
        """
        import sys
        from unittest.mock import Mock

        sys.modules["app.crud"] = Mock(spec_set=('add_message', 'get_message', 'reserve_message'))
        """,
    )


def test_multi_line_spec_list():
    assert_fix(
        """
        import sys
        from unittest import mock

        sys.modules["app.crud"] = mock.MagicMock(
            spec=[
                "add_message",
            ]
        )
        """,
        """
        import sys
        from unittest import mock

        sys.modules["app.crud"] = mock.MagicMock(
            spec=[
                "add_message",
                "get_message",
                "reserve_message",
            ]
        )
        """,
    )


# --- helpers that build the fake from **kwargs ---


def test_kwargs_helper_dict_gets_names_before_the_spread():
    assert_fix(
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock


        def make_fake(**overrides):
            return {"add_message": AsyncMock(), **overrides}


        sys.modules["app.crud"] = make_fake()
        """,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock


        def make_fake(**overrides):
            return {"add_message": AsyncMock(), "get_message": MagicMock(), "reserve_message": AsyncMock(), **overrides}


        sys.modules["app.crud"] = make_fake()
        """,
    )


def test_kwargs_helper_namespace_merges_names_into_the_spread_so_callers_still_work():
    before = dedent(
        """
        import sys
        from types import SimpleNamespace
        from unittest.mock import AsyncMock, MagicMock


        def make_fake(**overrides):
            return SimpleNamespace(add_message=AsyncMock(), **overrides)


        sys.modules["app.crud"] = make_fake()
        sys.modules["app.other"] = make_fake(get_message="caller's own")
        """
    )
    out = fix(before)
    assert (
        "    return SimpleNamespace(add_message=AsyncMock(), "
        '**{"get_message": MagicMock(), "reserve_message": AsyncMock(), **overrides})\n'
    ) in out
    namespace: dict[str, object] = {}
    exec(compile(out.split("\n\n\nsys.modules")[0], "t.py", "exec"), namespace)
    made = namespace["make_fake"](get_message="caller's own")  # type: ignore[operator]
    assert made.get_message == "caller's own"  # no "multiple values for keyword argument"
    assert fix(out) == out


# --- stub spelling ---


@pytest.mark.parametrize(
    ("imports", "sync", "async_", "added"),
    [
        pytest.param(
            "from unittest import mock\n",
            "mock.MagicMock()",
            "mock.AsyncMock()",
            "",
            id="from-unittest-import-mock",
        ),
        pytest.param("import mock\n", "mock.MagicMock()", "mock.AsyncMock()", "", id="import-mock"),
        pytest.param(
            "import unittest.mock\n",
            "unittest.mock.MagicMock()",
            "unittest.mock.AsyncMock()",
            "",
            id="import-unittest-mock",
        ),
        pytest.param(
            "import unittest.mock as um\n", "um.MagicMock()", "um.AsyncMock()", "", id="import-as"
        ),
        pytest.param(
            "from unittest.mock import MagicMock\n",
            "MagicMock()",
            "AsyncMock()",
            "from unittest.mock import AsyncMock, MagicMock\n",
            id="bare-adds-import",
        ),
        pytest.param(
            "from mock import MagicMock\n",
            "MagicMock()",
            "AsyncMock()",
            "from mock import AsyncMock, MagicMock\n",
            id="backport-bare",
        ),
        pytest.param(
            "",
            "MagicMock()",
            "AsyncMock()",
            "from unittest.mock import AsyncMock, MagicMock\n",
            id="no-mock-import",
        ),
    ],
)
def test_stubs_are_spelled_like_the_files_mocks(imports, sync, async_, added):
    out = fix("import sys\n" + imports + '\nsys.modules["app.crud"] = {}\n')
    assert f'{{"get_message": {sync}, "reserve_message": {async_}}}' in out
    if added:
        assert added in out
    assert out.count("import ") == 2  # ``import sys`` and one mock import, never a duplicate


def test_mocker_only_files_get_a_module_level_import():
    out = fix(
        dedent(
            """
            import sys


            def test(mocker):
                mocker.patch.dict(sys.modules, {"app.crud": {}})
            """
        ),
        {"reserve_message": "async"},
    )
    assert out.startswith("import sys\nfrom unittest.mock import AsyncMock\n")
    assert '{"app.crud": {"reserve_message": AsyncMock()}}' in out


# --- templates ---


def test_a_template_overrides_the_stub_and_brings_its_import():
    assert_fix(
        """
        import sys

        sys.modules["app.crud"] = {}
        """,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = {"get_message": MagicMock(), "reserve_message": AsyncMock(return_value=None)}
        """,
        stubs={"reserve_message": "AsyncMock(return_value=None)"},
    )


def test_a_template_spelled_through_a_module_adds_no_import():
    out = fix(
        "import sys\nfrom unittest import mock\n\nsys.modules['m'] = {}\n",
        {"reserve_message": "async"},
        stubs={"reserve_message": "mock.AsyncMock(name='reserve')"},
    )
    assert out == (
        "import sys\nfrom unittest import mock\n\n"
        "sys.modules['m'] = {\"reserve_message\": mock.AsyncMock(name='reserve')}\n"
    )


def test_a_template_that_is_not_an_expression_is_a_clear_error():
    code = "import sys\nsys.modules['m'] = {}\n"
    [site] = find_sites(code, "t.py")  # type: ignore[misc]
    with pytest.raises(
        ValueError, match=r"stub template for 'x' is not a Python expression: 'def'"
    ):
        fix_source(code, "t.py", [SiteFix(site, {"x": "sync"})], stubs={"x": "def"})


# --- what never changes ---


def test_names_already_present_are_never_added_again():
    code = "import sys\nfrom unittest.mock import MagicMock\n\nsys.modules['m'] = {'a': 1}\n"
    [site] = find_sites(code, "t.py")  # type: ignore[misc]
    assert fix_source(code, "t.py", [SiteFix(site, {"a": "sync"})]) == code


def test_no_names_and_stale_sites_change_nothing():
    code = "import sys\nsys.modules['m'] = {'a': 1}\n"
    [site] = find_sites(code, "t.py")  # type: ignore[misc]
    assert fix_source(code, "t.py", [SiteFix(site, {})]) == code
    other = "import sys\n\n\nsys.modules['m'] = {'a': 1}\n"  # the fake moved: key is stale
    assert fix_source(other, "t.py", [SiteFix(site, {"b": "sync"})]) == other


def test_a_file_that_does_not_parse_is_an_error_not_a_rewrite():
    [site] = find_sites("import sys\nsys.modules['m'] = {}\n", "t.py")  # type: ignore[misc]
    with pytest.raises(ValueError, match="Syntax error"):
        fix_source("import sys\nsys.modules['m'] = {\n", "t.py", [SiteFix(site, {"b": "sync"})])


def test_a_later_fix_of_a_kwargs_helper_adds_into_the_merged_spread():
    assert_fix(
        """
        import sys
        from types import SimpleNamespace
        from unittest.mock import MagicMock


        def make_fake(**overrides):
            return SimpleNamespace(a=1, **{"b": MagicMock(), **overrides})


        sys.modules["app.crud"] = make_fake()
        """,
        """
        import sys
        from types import SimpleNamespace
        from unittest.mock import MagicMock


        def make_fake(**overrides):
            return SimpleNamespace(a=1, **{"b": MagicMock(), "c": MagicMock(), **overrides})


        sys.modules["app.crud"] = make_fake()
        """,
        names={"b": "sync", "c": "sync"},
    )
