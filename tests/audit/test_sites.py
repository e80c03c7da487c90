"""Site recognition, generated from the examples each form carries (tests/audit/cases/sites.py)."""

from __future__ import annotations

import textwrap

import pytest

from audit._sites import find_sites, might_have_sites
from audit._types import ParseFailure, Site

from .cases.sites import ALL, NOTE, Match

MATCHES = [
    pytest.param(case, id=f"{form}-{i}")
    for form, ex in ALL.items()
    for i, case in enumerate(ex.match)
]
NO_MATCHES = [
    pytest.param(code, id=f"{form}-{i}")
    for form, ex in ALL.items()
    for i, code in enumerate(ex.no_match)
]


def sites_of(code: str) -> list[Site]:
    found = find_sites(textwrap.dedent(code), "test_x.py")
    assert not isinstance(found, ParseFailure), found
    return found


@pytest.mark.parametrize("case", MATCHES)
def test_recognised(case: Match) -> None:
    sites = sites_of(case.code)
    got = [
        (
            s.module,
            NOTE
            if s.note is not None
            else (None if s.provided is None else tuple(sorted(s.provided))),
        )
        for s in sites
    ]
    assert got == list(case.expect)
    for site in sites:
        assert site.line >= 1 and site.column >= 1
        if site.note is not None or site.provided is None:
            assert site.provided is None and not site.fixable
        elif case.form is not None:
            assert site.form == case.form


@pytest.mark.parametrize("code", NO_MATCHES)
def test_not_recognised(code: str) -> None:
    assert sites_of(code) == []


@pytest.mark.parametrize("case", MATCHES)
def test_prefilter_keeps_every_file_with_a_site(case: Match) -> None:
    assert might_have_sites(textwrap.dedent(case.code).encode())


@pytest.mark.parametrize(
    "code",
    [
        "def test_add():\n    assert 1 + 1 == 2\n",
        "import os\nfrom unittest.mock import patch\n\n"
        "@patch('os.getcwd')\ndef test(m):\n    pass\n",
        "import sys\n\ndef test():\n    assert sys.platform\n",
    ],
    ids=["plain", "patch-not-modules", "sys-without-modules"],
)
def test_prefilter_rejects_files_without_triggers(code: str) -> None:
    assert not might_have_sites(code.encode())


def test_class_fakes_share_a_key_and_honour_a_suppression_on_the_class_line() -> None:
    sites = sites_of(
        """
        import sys

        class Fake:  # mock-audit: ignore[get]
            x = 1

        class Other:
            x = 1

        sys.modules["a"] = Fake()
        sys.modules["b"] = Fake
        sys.modules["c"] = Other
        """
    )
    a, b, c = sites
    assert a.fake_key == b.fake_key != c.fake_key
    assert a.ignored == b.ignored == frozenset({"get"}) and c.ignored is None
    assert all(s.form == "class" and s.fixable for s in sites)
