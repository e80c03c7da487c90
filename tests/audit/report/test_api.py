"""The package's surface, and output that any UTF-8 stream accepts whatever the paths."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

import audit.report
from audit.model import FileFix, FixReport, ImportStep, Note, Report
from audit.report import Replacement, display_path, render, unified_diff

from .sample import MA001, MA004, NON_UTF8, REPORT

FORMATS = ("text", "json", "github", "sarif")


def test_exported_names() -> None:
    assert audit.report.__all__ == [
        "Format",
        "Replacement",
        "display_path",
        "render",
        "replacement",
        "unified_diff",
    ]


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="Unknown format 'xml'"):
        render(REPORT, "xml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("tests/test_x.py", "tests/test_x.py"),
        ("tests/tëst.py", "tests/tëst.py"),
        ("tests/caf\udce9.py", "tests/caf\\xe9.py"),
        ("tests/\udcff\udcfe.py", "tests/\\xff\\xfe.py"),
        ("tests/lone\ud800.py", "tests/lone\\xed\\xa0\\x80.py"),
    ],
    ids=["ascii", "utf8", "non-utf8", "two-bytes", "lone-surrogate"],
)
def test_display_path(path: str, shown: str) -> None:
    assert display_path(path) == shown
    shown.encode("utf-8")


# Every string that holds a path is not UTF-8, and so are a module and a message.
ODD = "tests/caf\udce9.py"
ODD_REPORT = Report(
    root=Path("/proj/caf\udce9"),
    findings=(
        replace(
            MA001,
            path=ODD,
            module="app.caf\udce9",
            missing=("n\udce9",),
            message="crashes in caf\udce9.py",
            chain=(ImportStep(ODD, 2, "app.x"), ImportStep("app/caf\udce9.py", 1, "app.crud")),
            crashes=(ODD,),
        ),
        replace(MA004, path="tests/lone\ud800.py"),
    ),
    notes=(Note(ODD, 3, 1, "about caf\udce9.py"), Note(ODD, 0, 0, "whole file")),
    warnings=("the module in caf\udce9.py is unknown",),
)
ODD_FIX = FixReport(
    files=(FileFix(ODD, 1, True), FileFix(ODD, 0, False, error="caf\udce9.py does not parse")),
    remaining=ODD_REPORT.findings,
    check=ODD_REPORT,
)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"fix": ODD_FIX},
        {"statistics": True, "color": True},
        {"sarif_fixes": {ODD_REPORT.findings[0]: Replacement(1, 1, "x = 'caf\udce9'")}},
    ],
    ids=["check", "fix", "statistics-color", "sarif-fixes"],
)
def test_writing_to_a_utf8_stream_never_raises(fmt: str, options: dict[str, object]) -> None:
    out = render(ODD_REPORT, fmt, **options)  # type: ignore[arg-type]
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    stream.write(out)
    stream.flush()
    assert "caf\\xe9" in out.replace("\\\\", "\\") or "caf%E9" in out


def test_diff_of_a_non_utf8_path_is_ascii_in_its_headers() -> None:
    patch = unified_diff(NON_UTF8, "a\n", "b\n")
    assert patch.splitlines()[:2] == ['--- "a/tests/caf\\351.py"', '+++ "b/tests/caf\\351.py"']
    patch.encode("utf-8")


@pytest.mark.parametrize("fmt", ["json", "github", "sarif"])
def test_machine_formats_ignore_color_statistics_and_quiet(fmt: str) -> None:
    plain = render(REPORT, fmt)  # type: ignore[arg-type]
    assert render(REPORT, fmt, color=True, statistics=True, quiet=True) == plain  # type: ignore[arg-type]
    assert "\x1b" not in plain
