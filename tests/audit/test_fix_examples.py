"""The fixer over every recognised example: output compiles, gains the names, and is stable."""

from __future__ import annotations

import textwrap

import pytest

from audit._fix import fix_source
from audit._sites import find_sites
from audit._types import ParseFailure, Site, SiteFix

from .cases.sites import ALL

FIXABLE = [
    pytest.param(textwrap.dedent(case.code), id=f"{form}-{i}")
    for form, examples in ALL.items()
    for i, case in enumerate(examples.match)
    if any(isinstance(provided, tuple) for _, provided in case.expect)
]
NAMES = {"zz_async": "async", "zz_sync": "sync"}


def sites(code: str) -> list[Site]:
    found = find_sites(code, "t.py")
    assert not isinstance(found, ParseFailure), found
    return found


@pytest.mark.parametrize("code", FIXABLE)
def test_every_fixed_example_compiles_gains_the_names_and_is_stable(code):
    found = sites(code)
    before = [s for s in found if s.fixable]
    # Only an inline ``ModuleType(...)`` has names and nowhere to add one.
    assert before or all(s.form == "module_type" for s in found if s.provided is not None)
    out = fix_source(code, "t.py", [SiteFix(s, NAMES) for s in before])  # type: ignore[arg-type]
    compile(out, "t.py", "exec", dont_inherit=True)
    after = [s for s in sites(out) if s.fixable]
    assert len(after) == len(before)
    for site in after:
        assert site.provided is not None and {"zz_async", "zz_sync"} <= site.provided
    again = fix_source(out, "t.py", [SiteFix(s, NAMES) for s in after])  # type: ignore[arg-type]
    assert again == out


def test_at_least_one_example_of_every_fake_form_is_fixable():
    forms = {
        s.form
        for form, examples in ALL.items()
        for case in examples.match
        for s in sites(textwrap.dedent(case.code))
        if s.fixable
    }
    assert forms == {"dict", "module_type", "namespace", "mock_spec", "kwargs_helper", "class"}
