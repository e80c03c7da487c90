"""The GitHub format: workflow commands, levels, chains in messages, escaping."""

from __future__ import annotations

from dataclasses import replace

import pytest

from audit.model import Note, Report
from audit.report import render
from audit.report.github import escape_data, escape_property

from .sample import FIX, MA001, MA002, REPORT, golden


def test_golden() -> None:
    golden("check.github.txt", render(REPORT, "github"))


def test_fix_golden() -> None:
    golden("fix.github.txt", render(REPORT, "github", fix=FIX))


def test_levels_by_code() -> None:
    lines = render(REPORT, "github").splitlines()
    assert [line.split(" ", 1)[0].split("::")[1] for line in lines] == [
        "error",  # MA001
        "warning",  # MA002
        "warning",  # MA002
        "warning",  # MA003
        "error",  # MA004
        "notice",
        "notice",
        "notice",
        "warning",  # about the run
    ]


def test_finding_command_has_place_title_and_the_message() -> None:
    # the message already spells out the chain: it is not repeated
    line = render(REPORT, "github").splitlines()[0]
    assert line == (
        "::error file=tests/test_service.py,line=5,col=5,endLine=10,endColumn=6,"
        "title=MA001 app.crud::" + MA001.message
    )


def test_notes_and_warnings() -> None:
    lines = render(REPORT, "github").splitlines()
    assert lines[6] == (
        "::notice file=tests/caf\\xe9.py,line=7,col=5::"
        "The fake is built by a call mock-audit cannot follow."
    )
    assert lines[7] == (
        "::notice file=app/legacy.py::The module does not parse (invalid syntax at line 3)."
    )
    assert lines[8].startswith("::warning::The module 'vendor.sdk' faked in")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("50% done\r\nnext", "50%25 done%0D%0Anext"),
        ("a:b,c", "a:b,c"),
        ("%0A", "%250A"),
    ],
    ids=["percent-cr-lf", "keeps-colon-comma", "already-escaped"],
)
def test_escape_data(value: str, expected: str) -> None:
    assert escape_data(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a:b,c%", "a%3Ab%2Cc%25"),
        ("x\ny", "x%0Ay"),
        ("caf\udce9", "caf\\xe9"),
    ],
    ids=["colon-comma-percent", "newline", "non-utf8"],
)
def test_escape_property(value: str, expected: str) -> None:
    assert escape_property(value) == expected


def test_every_command_is_one_line_whatever_the_text() -> None:
    odd = replace(MA002, path="tests/a,b:c%.py", message="50% done,\nnext: x\r")
    report = Report(
        root=REPORT.root,
        findings=(odd,),
        notes=(Note("x\ny.py", 1, 1, "two\nlines"),),
        warnings=("one\ntwo",),
    )
    out = render(report, "github")
    assert out.splitlines() == [
        "::warning file=tests/a%2Cb%3Ac%25.py,line=6,col=5,endLine=6,endColumn=77,"
        "title=MA002 app.crud::50%25 done,%0Anext: x%0D",
        "::notice file=x%0Ay.py,line=1,col=1::two%0Alines",
        "::warning::one%0Atwo",
    ]
