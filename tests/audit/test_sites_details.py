"""Positions, suppression comments, shared fake keys, parse failures and odd code."""

from __future__ import annotations

import textwrap

import pytest

from audit._sites import find_sites
from audit._types import ParseFailure, Site


def sites_of(code: str) -> list[Site]:
    found = find_sites(textwrap.dedent(code).lstrip("\n"), "tests/test_x.py")
    assert not isinstance(found, ParseFailure), found
    return found


def test_position_is_one_based_line_and_column_of_the_install():
    [site] = sites_of(
        """
        import sys


        def test():
            sys.modules["pkg.mod"] = {"a": 1}
        """
    )
    assert (site.path, site.line, site.column) == ("tests/test_x.py", 5, 5)
    assert site.install == "sys_modules_assign"


def test_patch_dict_sites_point_at_their_own_key():
    one, two = sites_of(
        """
        import sys
        from unittest.mock import patch

        with patch.dict(sys.modules, {
            "p.one": {"a": 1},
            "p.two": {"b": 1},
        }):
            pass
        """
    )
    assert [(one.module, one.line, one.column), (two.module, two.line, two.column)] == [
        ("p.one", 5, 5),
        ("p.two", 6, 5),
    ]
    assert one.install == two.install == "patch_dict"


@pytest.mark.parametrize(
    ("code", "ignored"),
    [
        pytest.param(
            'import sys\nsys.modules["m"] = {"a": 1}  # mock-audit: ignore\n',
            frozenset(),
            id="install-line-bare",
        ),
        pytest.param(
            'import sys\nsys.modules["m"] = {"a": 1}  # mock-audit: ignore[x, y]\n',
            frozenset({"x", "y"}),
            id="install-line-names",
        ),
        pytest.param(
            'import sys\nFAKE = {"a": 1}  # mock-audit: ignore[x]\n\nsys.modules["m"] = FAKE\n',
            frozenset({"x"}),
            id="line-that-builds-the-fake",
        ),
        pytest.param(
            "import sys\nfrom types import ModuleType\n"
            'fake = ModuleType("m")  # mock-audit: ignore\nsys.modules["m"] = fake\n',
            frozenset(),
            id="module-type-binding-line",
        ),
        pytest.param(
            'def test(mock_module):\n    mock_module(\n        "m",\n        {"a": 1},\n'
            "    )  # mock-audit: ignore[z]\n",
            frozenset({"z"}),
            id="last-line-of-a-multi-line-call",
        ),
        pytest.param('import sys\nsys.modules["m"] = {"a": 1}  # a comment\n', None, id="none"),
        pytest.param(
            'import sys\n# mock-audit: ignore\nsys.modules["m"] = {"a": 1}\n', None, id="other-line"
        ),
    ],
)
def test_suppression_comments(code, ignored):
    [site] = sites_of(code)
    assert site.ignored == ignored


@pytest.mark.parametrize("odd", ["\x0c", "\x0b", "\x1c", "\u2028"])
def test_suppression_lines_count_only_real_line_breaks(odd):
    # str.splitlines breaks at these too; Python (and the site's line number) does not.
    code = f'import sys\nx = "{odd}"\nsys.modules["m"] = {{"a": 1}}  # mock-audit: ignore[b]\n'
    [site] = find_sites(code, "tests/test_x.py")
    assert (site.line, site.ignored) == (3, frozenset({"b"}))


def test_empty_ignore_brackets_ignore_every_name():
    [site] = sites_of('import sys\nsys.modules["m"] = {"a": 1}  # mock-audit: ignore[]\n')
    assert site.ignored == frozenset()


def test_sites_sharing_a_fake_share_its_key_and_others_do_not():
    first, second, third = sites_of(
        """
        import sys

        FAKE = {"a": 1}


        def test_one():
            sys.modules["m"] = FAKE


        def test_two(monkeypatch):
            monkeypatch.setitem(sys.modules, "m", FAKE)
            sys.modules["n"] = {"a": 1}
        """
    )
    assert first.fake_key == second.fake_key == "3:8"
    assert third.fake_key != first.fake_key


def test_helper_call_sites_share_the_helpers_fake():
    one, two = sites_of(
        """
        import sys
        from types import SimpleNamespace


        def make_fake(**overrides):
            return SimpleNamespace(a=1, **overrides)


        sys.modules["m"] = make_fake(b=1)
        sys.modules["n"] = make_fake()
        """
    )
    assert one.fake_key == two.fake_key
    assert (one.provided, two.provided) == (frozenset({"a", "b"}), frozenset({"a"}))


def test_a_syntax_error_is_a_parse_failure():
    found = find_sites("import sys\nsys.modules['m'] = {\n", "tests/test_bad.py")
    assert isinstance(found, ParseFailure)
    assert found.path == "tests/test_bad.py"
    assert "Syntax error" in found.message


ODD = [
    "",
    "import sys\nsys.modules[...] = 1\n",
    "import sys\nsys.modules['a', 'b'] = {}\n",
    "import sys\nsys.modules[1:2] = {}\n",
    "import sys\nsys.modules.update()\n",
    "import sys\nsys.modules.update(*args)\n",
    "import sys\nmock_module(*args)\n",
    "import sys\nmock_module(**kw)\n",
    "import sys\nmonkeypatch.setitem(*a)\n",
    "import sys\nsys.modules.setdefault('x')\n",
    "from unittest.mock import patch\nimport sys\npatch.dict(sys.modules, {'m': {**{**{}}}})\n",
    "import sys\nx = y = z = 1\nsys.modules['m'] = x\n",
    "import sys\nf = lambda: 1\nsys.modules['m'] = f\n",
    "import sys\ndef f():\n    return f()\nsys.modules['m'] = f()\n",
    "import sys\nA = B\nB = A\nsys.modules['m'] = {**A}\n",
    "import sys\nM = M + '.x'\nsys.modules[M] = {}\n",
    "import sys\nsys.modules['m'] = (yield)\n",
    "import sys\nclass C:\n    sys.modules['m'] = {'a': 1}\n",
    "import sys\nasync def t():\n    async with x as y:\n        sys.modules['m'] = y\n",
    "import sys\nsys.modules[f'{x}'] = {}\n",
    "import sys\nsys.modules[b'm'] = {}\n",
    "import sys\nsetattr(fake)\nsys.modules['m'] = fake\n",
    "import sys\nfor (a, b) in x:\n    sys.modules[a] = b\n",
    "import sys\nfrom . import mod\nfrom .. import *\nsys.modules['m'] = mod\n",
]


@pytest.mark.parametrize("code", ODD, ids=[f"odd-{i}" for i in range(len(ODD))])
def test_odd_code_never_raises(code):
    found = find_sites(code, "odd.py")
    assert isinstance(found, list)
    for site in found:
        assert site.provided is None or site.note is None


def test_recursive_helpers_end_in_a_note_not_a_crash():
    [site] = sites_of(
        """
        import sys

        def make():
            return make()

        sys.modules["m"] = make()
        """
    )
    assert site.provided is None and site.note


def test_columns_count_characters_not_bytes():
    [site] = sites_of('x = "éé"; import sys; sys.modules["m"] = {}\n')
    assert (site.line, site.column) == (1, 23)


SAMPLE = textwrap.dedent(
    """
    import sys
    from types import ModuleType, SimpleNamespace
    from unittest.mock import MagicMock, patch

    BASE = {"a": 1}


    def make_fake(**overrides):
        return SimpleNamespace(x=1, **overrides)


    @patch.dict(sys.modules, {"p.one": {**BASE, "b": 2}, "p.two": None})
    def test_one(mock_module, monkeypatch):
        fake = ModuleType("p.three")
        fake.alpha = 1  # mock-audit: ignore[beta]
        sys.modules["p.three"] = fake
        monkeypatch.setitem(sys.modules, "p.four", make_fake(y=2))
        mock_module("p.five", lambda: {
            "c": MagicMock(spec=["d"]),
        })
        for name in ["a", "b"]:
            sys.modules[name] = MagicMock()
    """
)


def test_the_sample_has_its_sites():
    assert [s.module for s in sites_of(SAMPLE)] == ["p.one", "p.two", "p.three", "p.four", "p.five"]


@pytest.mark.parametrize("cut", range(1, len(SAMPLE) + 1, 7))
def test_any_prefix_of_a_file_is_sites_or_a_parse_failure(cut):
    found = find_sites(SAMPLE[:cut], "cut.py")
    assert isinstance(found, (list, ParseFailure))


def test_positions_on_demand_equal_libcst_positions_for_every_node():
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from audit._positions import Positions
    from audit._scopes import Collector

    source = "# header\n\n" + SAMPLE + "\nclass K:\n    x = {'a': 1}  # c\n"
    module = cst.parse_module(source)
    collector = Collector()
    module.visit(collector)
    lazy = Positions(module, collector.collected().tops)
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    checked = 0
    for node, where in full.items():
        if isinstance(node, cst.Module) or id(node) not in collector.tops:
            continue
        assert lazy.get(node) == where, node
        checked += 1
    assert checked > 200


@pytest.mark.parametrize(
    ("source", "line"),
    [
        pytest.param("def f(:\n    pass\n\nx = 1\n", 1, id="first-line"),
        pytest.param("import sys\n\nsys.modules['a'] = {}\nprint 'hi'\n", 4, id="py2-print"),
    ],
)
def test_parse_failure_names_the_line_python_names(source: str, line: int) -> None:
    found = find_sites(source, "test_x.py")
    assert isinstance(found, ParseFailure)
    assert found.message.startswith(f"Syntax error at line {line}, column ")


@pytest.mark.parametrize(
    "body", ['return {"a": 1, **kw}', "return SimpleNamespace(a=1, **kw)"], ids=["dict", "keywords"]
)
def test_a_kwargs_helper_called_with_an_unknown_mapping_is_a_note(body):
    [site] = sites_of(
        "import sys\nfrom types import SimpleNamespace\n\n"
        f"def make(**kw):\n    {body}\n\n"
        'def test(opts):\n    sys.modules["m"] = make(**opts)\n'
    )
    assert (site.provided, site.fixable) == (None, False)
    assert site.note == "The helper's **kw comes from an unknown mapping."


GETATTR = "    def __getattr__(self, name):\n        return 1\n"


@pytest.mark.parametrize(
    "classes",
    [
        "@functools.total_ordering\nclass F:\n" + GETATTR,
        "class F:\n    if True:\n        x = 1\n" + GETATTR,
        "class B:\n" + GETATTR + "\n@functools.total_ordering\nclass F(B):\n    pass\n",
    ],
    ids=["decorated", "body-not-followed", "decorated-subclass"],
)
def test_a_class_with_getattr_answers_any_name_even_when_otherwise_not_followed(classes):
    [site] = sites_of(f"import sys\nimport functools\n\n{classes}\nsys.modules['m'] = F()\n")
    assert (site.provided, site.note) == (None, None)


def test_a_decorated_class_without_getattr_is_a_note():
    [site] = sites_of(
        "import sys\nimport functools\n\n@functools.total_ordering\nclass F:\n    x = 1\n\n"
        "sys.modules['m'] = F()\n"
    )
    assert site.provided is None and site.note is not None and "decorated" in site.note


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_lines_and_suppressions_hold_for_every_newline_style(newline):
    code = (
        'import sys\n\ndef f():\n    pass\n\nsys.modules["m"] = {"a": 1}  # mock-audit: ignore[b]\n'
    )
    [site] = find_sites(code.replace("\n", newline), "tests/test_x.py")
    assert (site.line, site.column, site.ignored) == (6, 1, frozenset({"b"}))
    assert site.fake_key == "6:20"
