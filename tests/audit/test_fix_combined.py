"""Files that mix several recognised forms: every fix compiles and a second fix changes nothing."""

from __future__ import annotations

import textwrap

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit._fix import fix_source
from audit._sites import find_sites
from audit._types import ParseFailure, SiteFix

from .cases.sites import ALL

SNIPPETS = [textwrap.dedent(c.code) for examples in ALL.values() for c in examples.match]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(st.sampled_from(SNIPPETS), min_size=2, max_size=4),
    names=st.dictionaries(
        st.sampled_from(["a", "b", "reserve_message", "get_message", "x"]),
        st.sampled_from(["async", "sync"]),
        min_size=1,
    ),
)
def test_mixed_files_fix_to_compiling_stable_code(parts, names):
    code = "\n".join(parts)
    sites = find_sites(code, "mixed.py")
    assert not isinstance(sites, ParseFailure), sites
    fixes = [SiteFix(s, names) for s in sites if s.fixable]
    out = fix_source(code, "mixed.py", fixes)
    compile(out, "mixed.py", "exec", dont_inherit=True)
    again_sites = find_sites(out, "mixed.py")
    assert not isinstance(again_sites, ParseFailure)
    again = fix_source(out, "mixed.py", [SiteFix(s, names) for s in again_sites if s.fixable])
    assert again == out
