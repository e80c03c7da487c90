"""Blanking irrelevant top-level defs before libcst changes no site and no position."""

from __future__ import annotations

import ast
import textwrap

import pytest

from audit._sites import _reduced, analyse, find_sites, parse
from audit._types import ParseFailure, Site

from .cases.sites import ALL

FILLER = '''

def test_unrelated_{n}(tmp_path):
    """Ordinary test code that installs no fake."""
    value = {{"k": {n}}}
    assert value["k"] == {n}

'''


def full_analysis(source: str) -> list[Site]:
    module = parse(source, "test_x.py")
    assert not isinstance(module, ParseFailure)
    return analyse(module, source, "test_x.py").sites


def reduced(source: str) -> str:
    out = _reduced(source, ast.parse(source))
    assert out is not None
    return out


def padded(code: str) -> str:
    """The example with unrelated tests before and after it, as real files have."""
    head, sep, rest = textwrap.dedent(code).partition("\n\n")
    return head + "\n" + FILLER.format(n=1) + sep + rest + FILLER.format(n=2)


EXAMPLES = [
    pytest.param(case.code, id=f"{form}-{i}")
    for form, ex in ALL.items()
    for i, case in enumerate(ex.match)
]


@pytest.mark.parametrize("code", EXAMPLES)
def test_reduction_keeps_every_site_and_position(code: str) -> None:
    source = padded(code)
    assert find_sites(source, "test_x.py") == full_analysis(source)


def test_unrelated_tests_are_blanked_and_lines_kept() -> None:
    source = padded(
        """
        import sys
        from types import SimpleNamespace

        def test_fake():
            sys.modules["pkg.mod"] = SimpleNamespace(a=1)
        """
    )
    out = reduced(source)
    assert "test_unrelated_1" not in out and "test_unrelated_2" not in out
    assert "test_fake" in out
    assert out.count("\n") == source.count("\n")


def test_helpers_and_fixtures_named_by_kept_code_are_kept() -> None:
    source = textwrap.dedent(
        """
        import sys
        import pytest
        from types import SimpleNamespace

        def make_fake(**kw):
            return SimpleNamespace(a=1, **kw)

        @pytest.fixture
        def crud():
            return make_fake(b=2)

        @pytest.fixture(name="named")
        def _named_fixture():
            return 2

        @pytest.fixture
        def other():
            return 1

        @pytest.mark.usefixtures("named")
        def test_uses(crud, monkeypatch):
            monkeypatch.setitem(sys.modules, "pkg.mod", crud)
        """
    )
    out = reduced(source)
    assert "def make_fake" in out and "def crud" in out and "def _named_fixture" in out
    assert "def other" not in out
    sites = find_sites(source, "test_x.py")
    assert not isinstance(sites, ParseFailure)
    assert [sorted(s.provided or ()) for s in sites] == [["a", "b"]]


def test_form_feed_does_not_shift_lines() -> None:
    source = (
        "import sys\n\x0c\ndef test_unrelated():\n    pass\n\x0c\n"
        "def test_fake():\n    sys.modules['pkg.mod'] = {'a': 1}\n"
    )
    sites = find_sites(source, "test_x.py")
    assert not isinstance(sites, ParseFailure)
    assert [s.line for s in sites] == [7]
    assert sites == full_analysis(source)


def test_a_file_whose_statements_install_nothing_has_no_sites() -> None:
    source = "import sys\n\ndef test_x():\n    assert sys.modules\n"
    assert _reduced(source, ast.parse(source)) is None
    assert find_sites(source, "test_x.py") == []
