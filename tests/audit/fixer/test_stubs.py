"""Stub spelling: the way the file spells its mocks, templates, and ``__path__`` stubs."""

# ruff: noqa: E501

from __future__ import annotations

import pytest

from audit.fixer import FixError, apply_edits

from .helpers import Want, edits_for, fix

MISSING = "get_message reserve_message:async"


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
            "from unittest.mock import MagicMock as MM\n",
            "MM()",
            "AsyncMock()",
            "from unittest.mock import AsyncMock\n",
            id="aliased",
        ),
        pytest.param(
            "from mock import MagicMock\n",
            "MagicMock()",
            "AsyncMock()",
            "from mock import AsyncMock, MagicMock\n",
            id="backport-bare",
        ),
        pytest.param("from unittest.mock import *\n", "MagicMock()", "AsyncMock()", "", id="star"),
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
    out = fix(
        "import sys\n" + imports + '\nsys.modules["app.crud"] = {}\n',
        Want("dict", MISSING),
        line_length=200,
    )
    assert f'{{"get_message": {sync}, "reserve_message": {async_}}}' in out
    if added:
        assert added in out
    assert out.count("import ") == out.count("\n") - 2  # every import once, never twice


def test_mocker_fixtures_do_not_count_as_spelling():
    out = fix(
        "import sys\n\n\ndef test(mocker):\n    mocker.patch.dict(sys.modules, {'app.crud': {}})\n",
        Want("dict", "reserve_message:async", index=1),
    )
    assert out.startswith("import sys\nfrom unittest.mock import AsyncMock\n")
    assert "{'app.crud': {\"reserve_message\": AsyncMock()}}" in out


def test_a_mock_import_after_the_header_is_seen():
    code = "import sys\n\nsys.path.insert(0, '.')\nfrom unittest import mock  # noqa: E402\n\nFAKE = {}\n"
    out = fix(code, Want("dict", "a"))
    assert out == code.replace("{}", '{"a": mock.MagicMock()}')


def test_mock_imports_inside_a_docstring_do_not_count():
    code = '"""Example:\n\nfrom unittest import mock\n"""\n\nFAKE = {}\n'
    out = fix(code, Want("dict", "a"))
    assert '"a": MagicMock()' in out and "\nfrom unittest.mock import MagicMock\n" in out


@pytest.mark.parametrize(
    ("imports", "stub", "added"),
    [
        pytest.param(
            "",
            'importlib.util.find_spec("app").submodule_search_locations',
            "import importlib.util\n",
            id="none",
        ),
        pytest.param(
            "import importlib.util\n",
            'importlib.util.find_spec("app").submodule_search_locations',
            "",
            id="util",
        ),
        pytest.param(
            "import importlib.util as iu\n",
            'iu.find_spec("app").submodule_search_locations',
            "",
            id="util-as",
        ),
        pytest.param(
            "from importlib import util\n",
            'util.find_spec("app").submodule_search_locations',
            "",
            id="from-importlib",
        ),
        pytest.param(
            "from importlib.util import find_spec\n",
            'find_spec("app").submodule_search_locations',
            "",
            id="find-spec",
        ),
        pytest.param(
            "import importlib\n",
            'importlib.util.find_spec("app").submodule_search_locations',
            "import importlib\nimport importlib.util\n",
            id="importlib-only",
        ),
    ],
)
def test_path_stubs_without_a_folder_ask_find_spec(imports, stub, added):
    code = imports + "\nFAKE = {}\n"
    out = fix(code, Want("dict", "__path__:path", module="app"), line_length=200)
    assert f'FAKE = {{"__path__": {stub}}}' in out
    assert out.startswith(added or imports)


@pytest.mark.parametrize(
    ("imports", "stub", "added"),
    [
        pytest.param(
            "",
            '[os.path.join(os.path.dirname(__file__), "..", "src", "app")]',
            "import os\n",
            id="none",
        ),
        pytest.param(
            "import os\n",
            '[os.path.join(os.path.dirname(__file__), "..", "src", "app")]',
            "",
            id="os",
        ),
        pytest.param(
            "import os.path\n",
            '[os.path.join(os.path.dirname(__file__), "..", "src", "app")]',
            "",
            id="os-path",
        ),
        pytest.param(
            "import os as system\n",
            '[system.path.join(system.path.dirname(__file__), "..", "src", "app")]',
            "",
            id="os-as",
        ),
        pytest.param(  # ``os`` is something else here: find_spec, which needs no ``os``
            "from tools import os\n",
            'importlib.util.find_spec("app").submodule_search_locations',
            "import importlib.util\n\nfrom tools import os\n",
            id="os-taken",
        ),
    ],
)
def test_path_stubs_name_the_real_folder_from_the_file(imports, stub, added):
    """A fake already in ``sys.modules`` makes ``find_spec`` raise ValueError; the folder
    found from ``__file__`` depends on neither ``sys.modules`` nor ``sys.path``."""
    code = imports + "\nFAKE = {}\n"
    want = Want("dict", "__path__:path", module="app", folder=("..", "src", "app"))
    out = fix(code, want, line_length=200)
    assert f'FAKE = {{"__path__": {stub}}}' in out
    assert out.startswith(added or imports)


# --- templates ---


def test_a_template_overrides_the_stub_and_brings_its_imports():
    out = fix(
        "import sys\n\nsys.modules['app.crud'] = {}\n",
        Want("dict", MISSING),
        stubs={"reserve_message": "AsyncMock(return_value=sentinel.saved)"},
        line_length=200,
    )
    assert out == (
        "import sys\nfrom unittest.mock import AsyncMock, MagicMock, sentinel\n\n"
        'sys.modules[\'app.crud\'] = {"get_message": MagicMock(), "reserve_message": AsyncMock(return_value=sentinel.saved)}\n'
    )


def test_a_template_spelled_through_a_module_adds_no_import():
    out = fix(
        "from unittest import mock\n\nFAKE = {}\n",
        Want("dict", "reserve_message:async"),
        stubs={"reserve_message": " mock.AsyncMock(name='reserve') "},
    )
    assert (
        out
        == "from unittest import mock\n\nFAKE = {\"reserve_message\": mock.AsyncMock(name='reserve')}\n"
    )


def test_a_template_replaces_a_path_stub_too():
    out = fix("FAKE = {}\n", Want("dict", "__path__:path"), stubs={"__path__": "[]"})
    assert out == 'FAKE = {"__path__": []}\n'


@pytest.mark.parametrize("template", ["def", "x = 1", "(", ""])
def test_a_template_that_is_not_an_expression_is_a_clear_error(template):
    code = "FAKE = {}\n"
    with pytest.raises(FixError) as caught:
        apply_edits(code, edits_for(code, [Want("dict", "x")]), stubs={"x": template})
    assert f"The stub template for 'x' is not a Python expression: {template!r}" in str(
        caught.value
    )


def test_strings_targets_need_no_stub_and_no_import():
    code = "SPEC = ['a']\n"
    out = apply_edits(code, edits_for(code, [Want("strings", "b")]), stubs={"b": "def"})
    assert out == "SPEC = ['a', 'b']\n"
