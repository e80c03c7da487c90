"""The text format: ruff-like lines, statistics, quiet, colour and fix outcomes."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from audit.model import FixReport, Report
from audit.report import render

from .sample import FIX, FIX_DIFF, MA001, MA002, NON_UTF8, REPORT, golden

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_golden() -> None:
    golden("check.txt", render(REPORT, "text"))


def test_finding_lines_keep_the_exact_shape() -> None:
    lines = render(REPORT, "text").splitlines()
    assert lines[:3] == [
        "tests/test_service.py:5:5: MA001 app.crud: missing reserve_message",
        "    tests/test_service.py:2 imports app.service",
        "    app/service.py:1 imports app.crud",
    ]
    assert "tests/tëst_pkg.py:3:1: MA004 app: missing __path__" in lines
    assert (
        "tests/caf\\xe9.py:7:5: note: The fake is built by a call mock-audit cannot follow."
        in lines
    )
    assert lines[-1] == (
        "5 finding(s) (MA001 1, MA002 2, MA003 1, MA004 1) in 12 file(s) scanned, "
        "9 site(s), 3 note(s)."
    )


def test_whole_file_note_points_at_its_start() -> None:
    assert "app/legacy.py:1:1: note: The module does not parse" in render(REPORT, "text")


def test_warnings_come_after_notes() -> None:
    lines = render(REPORT, "text").splitlines()
    assert lines[-2].startswith("warning: The module 'vendor.sdk'")
    assert lines[-3].startswith("app/legacy.py:1:1: note:")


def test_clean_report_is_just_the_summary() -> None:
    report = Report(root=REPORT.root, findings=(), files_scanned=3, sites=1)
    assert render(report, "text") == "0 finding(s) in 3 file(s) scanned, 1 site(s), 0 note(s).\n"


def test_statistics_golden() -> None:
    golden("check.statistics.txt", render(REPORT, "text", statistics=True))


def test_statistics_lines_as_ruff_lays_them_out() -> None:
    many = replace(REPORT, findings=(*REPORT.findings, *[MA002] * 9))
    lines = render(many, "text", statistics=True, quiet=True).splitlines()
    assert lines == [
        "11\tMA002\tmissing name; latent",
        " 1\tMA001\tmissing name; running the test file crashes now",
        " 1\tMA003\tmissing public export",
        " 1\tMA004\tpackage fake without __path__ whose submodule is imported",
    ]


def test_quiet_prints_findings_only() -> None:
    out = render(REPORT, "text", quiet=True)
    golden("check.quiet.txt", out)
    assert "note:" not in out and "warning:" not in out and "finding(s)" not in out
    assert render(replace(REPORT, findings=()), "text", quiet=True) == ""


def test_color_golden_and_same_text_without_escapes() -> None:
    colored = render(REPORT, "text", color=True)
    golden("check.color.txt", colored)
    assert ANSI.sub("", colored) == render(REPORT, "text")


def test_color_marks_crashes_red_and_latent_yellow() -> None:
    lines = render(REPORT, "text", color=True).splitlines()
    assert "\x1b[1;31mMA001\x1b[0m" in lines[0]
    assert "\x1b[1;33mMA002\x1b[0m" in lines[3]
    assert lines[0].startswith("\x1b[1mtests/test_service.py\x1b[0m\x1b[36m:\x1b[0m")


@pytest.mark.parametrize(
    "options",
    [{}, {"statistics": True}, {"quiet": True}, {"fix": FIX}, {"fix": FIX_DIFF}],
    ids=["plain", "statistics", "quiet", "fix", "fix-diff"],
)
def test_no_escape_codes_without_color(options: dict[str, object]) -> None:
    assert "\x1b" not in render(REPORT, "text", **options)  # type: ignore[arg-type]


def test_statistics_with_color_strips_to_plain() -> None:
    colored = render(REPORT, "text", statistics=True, color=True)
    assert "\x1b[" in colored
    assert ANSI.sub("", colored) == render(REPORT, "text", statistics=True)


def test_fix_golden() -> None:
    out = render(REPORT, "text", fix=FIX)
    golden("fix.txt", out)
    assert out.splitlines()[:4] == [
        "fixed tests/test_service.py: added 1 name(s)",
        "fixed tests/test_latent.py: added 4 name(s)",
        "tests/caf\\xe9.py: not fixed: The file does not parse: invalid syntax (line 3).",
        "tests/test_exports.py:8:9: MA003 app.crud: missing delete_message",
    ]
    assert out.splitlines()[-1] == (
        "5 name(s) added in 2 file(s); 1 finding(s) (MA003 1) in 12 file(s) scanned, "
        "9 site(s), 3 note(s)."
    )


def test_fix_diff_says_what_would_be_added() -> None:
    out = render(REPORT, "text", fix=FIX_DIFF)
    golden("fix-diff.txt", out)
    assert out.startswith("would fix tests/test_service.py: add 1 name(s)\n")
    assert out.splitlines()[-1].startswith("5 name(s) would be added in 2 file(s); 1 finding(s)")
    assert "---" not in out  # the CLI prints the diffs themselves


def test_fix_with_nothing_left() -> None:
    fix = FixReport(files=FIX.files[:1], remaining=(), check=REPORT)
    out = render(REPORT, "text", fix=fix, quiet=True)
    assert out == ""
    assert (
        render(REPORT, "text", fix=fix)
        .splitlines()[-1]
        .startswith("1 name(s) added in 1 file(s); 0 finding(s) in 12 file(s)")
    )


def test_paths_are_printed_as_given() -> None:
    report = Report(root=REPORT.root, findings=(replace(MA001, path=NON_UTF8, chain=()),))
    assert render(report, "text", quiet=True) == (
        "tests/caf\\xe9.py:5:5: MA001 app.crud: missing reserve_message\n"
    )
