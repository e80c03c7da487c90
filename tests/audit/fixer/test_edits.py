"""apply_edits, one behaviour per test: inline before/after sources, dedented by a helper."""

# One-line literals stay one line while they fit, so expected sources may pass 100 columns.
# ruff: noqa: E501

from __future__ import annotations

import pytest

from audit.fixer import FixError, apply_edits
from audit.model import EditTarget, FakeEdit, Span

from .helpers import Want, assert_fix, dedent, edits_for, fix

MISSING = "get_message reserve_message:async"


# --- dict fakes ---


def test_one_line_dict_stays_on_one_line_while_it_fits():
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
        Want("dict", MISSING),
        line_length=120,
    )


def test_one_line_dict_that_no_longer_fits_is_exploded_like_ruff_format():
    assert_fix(
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = {"add_message": AsyncMock()}  # the fake
        """,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = {
            "add_message": AsyncMock(),
            "get_message": MagicMock(),
            "reserve_message": AsyncMock(),
        }  # the fake
        """,
        Want("dict", MISSING),
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
        Want("dict", MISSING),
    )


def test_multi_line_dict_without_trailing_comma_gets_none():
    assert_fix(
        """
        from unittest.mock import AsyncMock, MagicMock

        mock_module("app.crud", {
            "add_message": AsyncMock()  # ours
        })
        """,
        """
        from unittest.mock import AsyncMock, MagicMock

        mock_module("app.crud", {
            "add_message": AsyncMock(),  # ours
            "get_message": MagicMock(),
            "reserve_message": AsyncMock()
        })
        """,
        Want("dict", MISSING),
    )


def test_dict_exploded_for_one_long_item_gets_the_trailing_comma_ruff_wants():
    assert_fix(
        """
        from unittest.mock import MagicMock

        FAKE = {
            "a_very_long_name_that_made_ruff_explode_this_dict_literal": MagicMock()
        }
        """,
        """
        from unittest.mock import MagicMock

        FAKE = {
            "a_very_long_name_that_made_ruff_explode_this_dict_literal": MagicMock(),
            "get_message": MagicMock(),
        }
        """,
        Want("dict", "get_message"),
    )


def test_empty_dict_single_quoted_keys_and_double_by_default():
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
        Want("dict", MISSING, index=0),
        Want("dict", MISSING, index=1),
        line_length=100,
    )


def test_entries_go_before_a_trailing_spread_so_the_spread_still_wins():
    assert_fix(
        """
        from unittest.mock import AsyncMock, MagicMock


        def make_fake(**overrides):
            return {"add_message": AsyncMock(), **overrides}
        """,
        """
        from unittest.mock import AsyncMock, MagicMock


        def make_fake(**overrides):
            return {"add_message": AsyncMock(), "get_message": MagicMock(), **overrides}
        """,
        Want("dict", "get_message"),
    )


def test_entries_after_a_leading_spread():
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
        Want("dict", "reserve_message:async", match="**BASE"),
        line_length=100,
    )


def test_dict_in_a_decorator_above_a_test():
    assert_fix(
        """
        import sys
        from unittest.mock import MagicMock, patch


        class TestCrud:
            @patch.dict(sys.modules, {"app.crud": {"add_message": MagicMock()}})
            @patch("app.service.x")
            def test_it(self, x):
                pass
        """,
        """
        import sys
        from unittest.mock import MagicMock, patch


        class TestCrud:
            @patch.dict(
                sys.modules,
                {"app.crud": {"add_message": MagicMock(), "get_message": MagicMock()}},
            )
            @patch("app.service.x")
            def test_it(self, x):
                pass
        """,
        Want("dict", "get_message", match='"add_message"', index=1),
    )


def test_nested_dicts_in_one_statement_get_their_own_names():
    assert_fix(
        """
        import sys
        from unittest.mock import MagicMock, patch

        patch.dict(sys.modules, {"app.a": {"x": 1}, "app.b": {}}).start()
        """,
        """
        import sys
        from unittest.mock import MagicMock, patch

        patch.dict(sys.modules, {"app.a": {"x": 1, "y": MagicMock()}, "app.b": {"z": MagicMock()}}).start()
        """,
        Want("dict", "y", index=1),
        Want("dict", "z", index=2),
        line_length=100,
    )


# --- keyword fakes ---


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

        sys.modules["app.crud"] = SimpleNamespace(add_message=AsyncMock(), get_message=MagicMock())
        """,
        Want("keywords", "get_message", match="SimpleNamespace("),
        line_length=100,
    )


def test_namespace_that_no_longer_fits_puts_its_arguments_on_one_indented_line():
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

        sys.modules["app.crud"] = SimpleNamespace(
            add_message=AsyncMock(), get_message=MagicMock(), reserve_message=AsyncMock()
        )
        """,
        Want("keywords", MISSING, match="SimpleNamespace("),
    )


def test_arguments_line_that_no_longer_fits_becomes_one_per_line():
    assert_fix(
        """
        from types import SimpleNamespace
        from unittest.mock import AsyncMock, MagicMock

        FAKE = SimpleNamespace(
            add_message=AsyncMock(), delete_message=AsyncMock(), get_message=MagicMock()
        )
        """,
        """
        from types import SimpleNamespace
        from unittest.mock import AsyncMock, MagicMock

        FAKE = SimpleNamespace(
            add_message=AsyncMock(),
            delete_message=AsyncMock(),
            get_message=MagicMock(),
            reserve_message=AsyncMock(),
        )
        """,
        Want("keywords", "reserve_message:async", match="SimpleNamespace("),
    )


def test_multi_line_namespace_keeps_its_trailing_comment():
    assert_fix(
        """
        import sys
        from types import SimpleNamespace
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = SimpleNamespace(
            add_message=AsyncMock(),  # the one we had
            delete_message=AsyncMock()
        )
        """,
        """
        import sys
        from types import SimpleNamespace
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = SimpleNamespace(
            add_message=AsyncMock(),  # the one we had
            delete_message=AsyncMock(),
            get_message=MagicMock(),
            reserve_message=AsyncMock()
        )
        """,
        Want("keywords", MISSING, match="SimpleNamespace("),
    )


def test_keywords_go_after_a_spread_and_in_a_helper_call():
    assert_fix(
        """
        import sys
        from unittest.mock import MagicMock

        sys.modules["app.crud"] = make_fake("app.crud", load=f, **extra)
        """,
        """
        import sys
        from unittest.mock import MagicMock

        sys.modules["app.crud"] = make_fake("app.crud", load=f, **extra, save=MagicMock())
        """,
        Want("keywords", "save", match="make_fake("),
    )


# --- strings (spec lists, name constants) ---


def test_spec_list_gets_string_items_and_no_import():
    assert_fix(
        """
        import sys
        from unittest.mock import Mock

        sys.modules["app.crud"] = Mock(spec=["add_message"])
        """,
        """
        import sys
        from unittest.mock import Mock

        sys.modules["app.crud"] = Mock(spec=["add_message", "get_message", "reserve_message"])
        """,
        Want("strings", MISSING),
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param("NAMES = ('a',)\n", "NAMES = ('a', 'b')\n", id="one-element-tuple"),
        pytest.param("NAMES = 'a',\n", "NAMES = 'a', 'b'\n", id="bare-one-element-tuple"),
        pytest.param("NAMES = ()\n", 'NAMES = ("b",)\n', id="empty-tuple"),
        pytest.param("NAMES = {'a'}\n", "NAMES = {'a', 'b'}\n", id="set"),
        pytest.param("NAMES = ['a', ]\n", "NAMES = ['a', 'b', ]\n", id="list-trailing-comma"),
        pytest.param(
            "NAMES = (\n    'a',\n)\n", "NAMES = (\n    'a',\n    'b',\n)\n", id="multi-line-tuple"
        ),
        pytest.param(
            "for n in ['a']:\n    fake[n] = 1\n",
            "for n in ['a', 'b']:\n    fake[n] = 1\n",
            id="loop-literal",
        ),
    ],
)
def test_strings_targets(before, after):
    assert fix(before, Want("strings", "b")) == after


def test_one_element_tuple_exploded_keeps_a_trailing_comma():
    out = fix(
        'NAMES = ("a_fairly_long_module_attribute_name",)\n',
        Want("strings", "another_name_to_add"),
        line_length=40,
    )
    assert (
        out
        == 'NAMES = (\n    "a_fairly_long_module_attribute_name",\n    "another_name_to_add",\n)\n'
    )


# --- ModuleType fakes: attribute lines ---


def test_attribute_lines_after_the_statement_at_its_indentation():
    assert_fix(
        """
        import sys
        import types
        from unittest.mock import AsyncMock, MagicMock


        def test():
            fake = types.ModuleType("app.crud")
            fake.add_message = AsyncMock()  # first
            sys.modules["app.crud"] = fake
        """,
        """
        import sys
        import types
        from unittest.mock import AsyncMock, MagicMock


        def test():
            fake = types.ModuleType("app.crud")
            fake.add_message = AsyncMock()  # first
            fake.get_message = MagicMock()
            fake.reserve_message = AsyncMock()
            sys.modules["app.crud"] = fake
        """,
        Want("attributes", MISSING, match="fake.add_message", var="fake"),
    )


def test_attribute_names_already_set_in_the_block_are_not_added_again():
    code = dedent(
        """
        import types
        from unittest.mock import MagicMock

        fake = types.ModuleType("app.crud")
        fake.get_message = MagicMock()
        setattr(fake, "reserve_message", MagicMock())
        """
    )
    assert fix(code, Want("attributes", MISSING, match="ModuleType", var="fake")) == code


def test_attribute_lines_in_a_one_line_block_make_it_a_block():
    assert_fix(
        """
        import types
        from unittest.mock import MagicMock

        if True: fake = types.ModuleType("app.crud")
        """,
        """
        import types
        from unittest.mock import MagicMock

        if True:
            fake = types.ModuleType("app.crud")
            fake.get_message = MagicMock()
        """,
        Want("attributes", "get_message", match="ModuleType", var="fake"),
    )


def test_attribute_lines_with_tabs():
    before = "import types\nfrom unittest.mock import MagicMock\n\ndef f():\n\tif x:\n\t\tfake = types.ModuleType('m')\n\treturn fake\n"
    after = "import types\nfrom unittest.mock import MagicMock\n\ndef f():\n\tif x:\n\t\tfake = types.ModuleType('m')\n\t\tfake.a = MagicMock()\n\treturn fake\n"
    assert fix(before, Want("attributes", "a", match="ModuleType", var="fake")) == after


def test_one_line_class_in_a_tab_indented_file():
    before = (
        "from unittest.mock import MagicMock\n\n\ndef f():\n\tclass Fake: pass\n\treturn Fake\n"
    )
    after = "from unittest.mock import MagicMock\n\n\ndef f():\n\tclass Fake:\n\t\tpass\n\t\ta = MagicMock()\n\treturn Fake\n"
    assert fix(before, Want("class_body", "a")) == after


def test_statement_after_else_that_no_longer_fits_is_exploded():
    code = "from unittest.mock import MagicMock\n\nif x:\n    pass\nelse: FAKE = {'a': 1}\n"
    out = fix(code, Want("dict", "bbbbbbbbbb cccccccccc"), line_length=40)
    assert out.endswith(
        "else: FAKE = {\n    'a': 1,\n    'bbbbbbbbbb': MagicMock(),\n    'cccccccccc': MagicMock(),\n}\n"
    )


# --- class fakes ---


def test_class_attributes_after_its_last_method():
    assert_fix(
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock


        class FakeCrud:
            \"\"\"Stands in for app.crud.\"\"\"

            async def add_message(self, m):
                return m  # keep me


        sys.modules["app.crud"] = FakeCrud()
        """,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock


        class FakeCrud:
            \"\"\"Stands in for app.crud.\"\"\"

            async def add_message(self, m):
                return m  # keep me

            get_message = MagicMock()
            reserve_message = AsyncMock()


        sys.modules["app.crud"] = FakeCrud()
        """,
        Want("class_body", MISSING),
    )


def test_one_line_class_becomes_a_block_in_the_files_indentation():
    assert_fix(
        """
        import sys
        from unittest.mock import MagicMock


        def test(monkeypatch):
          class Fake: ...  # fake

          monkeypatch.setitem(sys.modules, "app.crud", Fake())
        """,
        """
        import sys
        from unittest.mock import MagicMock


        def test(monkeypatch):
          class Fake:
            ...  # fake
            get_message = MagicMock()

          monkeypatch.setitem(sys.modules, "app.crud", Fake())
        """,
        Want("class_body", "get_message"),
    )


def test_decorated_class_and_names_it_binds_already():
    assert_fix(
        """
        import dataclasses
        from unittest.mock import MagicMock


        @dataclasses.dataclass
        class Fake:
            get_message: object = None
            LIMIT = 1  # comment kept
        """,
        """
        import dataclasses
        from unittest.mock import MagicMock


        @dataclasses.dataclass
        class Fake:
            get_message: object = None
            LIMIT = 1  # comment kept
            reserve_message = MagicMock()
        """,
        Want("class_body", "get_message reserve_message"),
    )


# --- several edits, errors, what never changes ---


def test_edits_in_several_statements():
    code = dedent(
        """
        from unittest.mock import MagicMock

        A = {"a": 1}
        B = {"b": 2}
        C = {"c": 3}
        """
    )
    out = fix(code, Want("dict", "x", match='"a"'), Want("dict", "y", match='"c"'))
    assert out == code.replace('{"a": 1}', '{"a": 1, "x": MagicMock()}').replace(
        '{"c": 3}', '{"c": 3, "y": MagicMock()}'
    )


def test_two_edits_of_one_node_add_the_union_once():
    code = 'from unittest.mock import MagicMock\n\nFAKE = {"a": 1}\n'
    out = fix(code, Want("dict", "b c"), Want("dict", "c d"))
    assert (
        out
        == 'from unittest.mock import MagicMock\n\nFAKE = {"a": 1, "b": MagicMock(), "c": MagicMock(), "d": MagicMock()}\n'
    )


def test_statement_after_else_on_the_same_line_is_parsed_alone():
    code = "from unittest.mock import MagicMock\n\nif x:\n    pass\nelse: FAKE = {}\n"
    # The analysis names the small statement after ``else:`` (line 5, from column 6).
    edit = FakeEdit(
        EditTarget("dict", Span(5, 13, 5, 15), Span(5, 6, 5, 15)), "m", (("b", "sync"),)
    )
    out = apply_edits(code, [edit])
    assert out == code.replace("{}", '{"b": MagicMock()}')


def test_names_already_present_change_nothing():
    code = 'FAKE = {"a": 1}\nNS = SimpleNamespace(a=1, **{"b": 2})\nSPEC = ["a"]\n'
    wants = [Want("dict", "a"), Want("keywords", "a b"), Want("strings", "a")]
    assert apply_edits(code, edits_for(code, wants)) == code


def test_no_names_changes_nothing_and_parses_nothing():
    edit = FakeEdit(EditTarget("dict", Span(1, 0, 1, 1), Span(1, 0, 1, 1)), "m", ())
    assert apply_edits("this is not python(\n", [edit]) == "this is not python(\n"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        pytest.param("FAKE = {\n", "does not parse", id="syntax-error"),
        pytest.param("FAKE = 1\n", "no dict target", id="stale-target"),
        pytest.param("FAKE = " + "[" * 150 + "]" * 150 + "\n", "nest more than 100", id="deep"),
        pytest.param(
            "FAKE = " + "(" * 2000 + "{}" + ")" * 2000 + "\n", "nest more than 100", id="very-deep"
        ),
    ],
)
def test_statements_that_cannot_be_edited_are_clear_errors(code, message):
    line_end = code.count("\n")
    edit = FakeEdit(
        EditTarget("dict", Span(1, 7, 1, 9), Span(1, 0, line_end, 1)), "m", (("b", "sync"),)
    )
    with pytest.raises(FixError, match=message):
        apply_edits(code, [edit])


def test_a_name_that_cannot_be_a_keyword_is_an_error():
    code = "NS = SimpleNamespace()\n"
    with pytest.raises(FixError, match="'class' is not a name"):
        apply_edits(code, edits_for(code, [Want("keywords", "class")]))
