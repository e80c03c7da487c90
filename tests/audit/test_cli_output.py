"""Golden output of the text, JSON and GitHub renderers."""

from __future__ import annotations

import json
from pathlib import Path

from audit._output import render_github, render_json, render_text
from audit._types import FileFix, Finding, FixReport, ImportStep, Note, Report

CWD = Path("/proj")

MA001 = Finding(
    path="/proj/tests/test_x.py",
    line=6,
    column=5,
    code="MA001",
    module="app.crud",
    missing=("reserve_message",),
    reached=True,
    fixable=True,
    message="The fake for module 'app.crud' lacks 'reserve_message'.",
    chain=(
        ImportStep("/proj/tests/test_x.py", 3, "app.service"),
        ImportStep("/proj/app/service.py", 1, "app.crud"),
    ),
)
MA002 = Finding(
    path="/proj/tests/test_x.py",
    line=6,
    column=5,
    code="MA002",
    module="app.crud",
    missing=("a", "b"),
    reached=False,
    fixable=False,
    message="Latent: a, b.",
)
NOTE = Note("/proj/tests/test_y.py", 4, 1, "The fake is not a form mock-audit understands.")
REPORT = Report((MA001, MA002), (NOTE,), files_scanned=3, files_with_sites=2, sites=4)


def test_text():
    assert render_text(REPORT, CWD) == (
        "tests/test_x.py:6:5: MA001 app.crud: missing reserve_message\n"
        "    tests/test_x.py:3 imports app.service\n"
        "    app/service.py:1 imports app.crud\n"
        "tests/test_x.py:6:5: MA002 app.crud: missing a, b\n"
        "tests/test_y.py:4:1: note: The fake is not a form mock-audit understands.\n"
        "2 finding(s) (MA001 1, MA002 1) in 3 file(s) scanned, 4 site(s), 1 note(s).\n"
    )


def test_json_shape_is_exact():
    obj = json.loads(render_json(REPORT, CWD))
    assert obj == {
        "version": 1,
        "findings": [
            {
                "path": "tests/test_x.py",
                "line": 6,
                "column": 5,
                "code": "MA001",
                "module": "app.crud",
                "missing": ["reserve_message"],
                "reached": True,
                "fixable": True,
                "message": "The fake for module 'app.crud' lacks 'reserve_message'.",
            },
            {
                "path": "tests/test_x.py",
                "line": 6,
                "column": 5,
                "code": "MA002",
                "module": "app.crud",
                "missing": ["a", "b"],
                "reached": False,
                "fixable": False,
                "message": "Latent: a, b.",
            },
        ],
        "summary": {
            "files_scanned": 3,
            "files_with_sites": 2,
            "sites": 4,
            "findings": 2,
            "by_code": {"MA001": 1, "MA002": 1, "MA003": 0},
            "notes": 1,
        },
    }


def test_github_annotations_escape_properties_and_messages():
    odd = Finding(**{**MA002.__dict__, "message": "50% done,\nnext: x"})
    report = Report((MA001, odd), (NOTE,), 3, 2, 4)
    assert render_github(report, CWD).splitlines() == [
        "::error file=tests/test_x.py,line=6,col=5,title=MA001 app.crud::"
        "The fake for module 'app.crud' lacks 'reserve_message'.",
        "::warning file=tests/test_x.py,line=6,col=5,title=MA002 app.crud::50%25 done,%0Anext: x",
        "::notice file=tests/test_y.py,line=4::The fake is not a form mock-audit understands.",
    ]


def test_fix_text_and_json_report_what_was_done_and_what_remains():
    fixed = FixReport(
        files=(
            FileFix("/proj/tests/test_x.py", 1, True),
            FileFix("/proj/tests/test_z.py", 0, False, error="The file cannot be fixed."),
        ),
        remaining=(MA002,),
        notes=(),
        check=Report((MA001, MA002), (), 3, 2, 4),
    )
    assert render_text(fixed.check, CWD, fixed) == (
        "fixed tests/test_x.py: added 1 name(s)\n"
        "tests/test_z.py: not fixed: The file cannot be fixed.\n"
        "tests/test_x.py:6:5: MA002 app.crud: missing a, b\n"
        "1 name(s) added in 1 file(s); 1 finding(s) (MA002 1) in 3 file(s) scanned, "
        "4 site(s), 0 note(s).\n"
    )
    obj = json.loads(render_json(fixed.check, CWD, fixed))
    assert [f["code"] for f in obj["findings"]] == ["MA002"]
    assert obj["summary"]["files_fixed"] == 1
    assert obj["summary"]["names_added"] == 1
    assert obj["summary"]["files_failed"] == 1
