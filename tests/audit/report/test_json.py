"""The JSON format: its exact shape, a golden file, and the bundled JSON Schema."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import jsonschema
import pytest

from audit.model import Report
from audit.report import render

from .sample import DATA, FIX, FIX_DIFF, MA001, NON_UTF8, REPORT, golden


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads((DATA / "report.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_golden() -> None:
    golden("check.json", render(REPORT, "json"))


def test_fix_golden() -> None:
    golden("fix.json", render(REPORT, "json", fix=FIX))


def test_finding_shape_is_exact() -> None:
    obj = json.loads(render(REPORT, "json"))
    assert list(obj) == ["version", "findings", "notes", "warnings", "summary"]
    assert obj["findings"][0] == {
        "path": "tests/test_service.py",
        "line": 5,
        "column": 5,
        "end_line": 10,
        "end_column": 6,
        "code": "MA001",
        "module": "app.crud",
        "missing": ["reserve_message"],
        "reached": True,
        "fixable": True,
        "message": MA001.message,
        "chain": [
            {"path": "tests/test_service.py", "line": 2, "module": "app.service"},
            {"path": "app/service.py", "line": 1, "module": "app.crud"},
        ],
        "crashes": ["tests/test_service.py", "tests/test_service_more.py"],
    }
    assert obj["notes"][1] == {
        "path": "tests/caf\\xe9.py",
        "line": 7,
        "column": 5,
        "message": "The fake is built by a call mock-audit cannot follow.",
    }
    assert obj["summary"] == {
        "files_scanned": 12,
        "files_with_sites": 5,
        "sites": 9,
        "findings": 5,
        "by_code": {"MA001": 1, "MA002": 2, "MA003": 1, "MA004": 1},
        "notes": 3,
    }


def test_fix_adds_files_and_counts_and_lists_what_remains() -> None:
    obj = json.loads(render(REPORT, "json", fix=FIX))
    assert list(obj) == ["version", "findings", "notes", "warnings", "files", "summary"]
    assert [f["code"] for f in obj["findings"]] == ["MA003"]
    assert obj["files"][2] == {
        "path": "tests/caf\\xe9.py",
        "names_added": 0,
        "written": False,
        "error": "The file does not parse: invalid syntax (line 3).",
    }
    summary = obj["summary"]
    assert (summary["findings"], summary["files_fixed"], summary["names_added"]) == (1, 2, 5)
    assert summary["files_failed"] == 1


def test_missing_is_sorted() -> None:
    report = Report(root=REPORT.root, findings=(replace(MA001, missing=("b", "a")),))
    assert json.loads(render(report, "json"))["findings"][0]["missing"] == ["a", "b"]


def test_ends_with_one_newline_and_is_indented() -> None:
    out = render(REPORT, "json")
    assert out.endswith("}\n") and not out.endswith("\n\n")
    assert out.startswith('{\n  "version": 1,\n')


@pytest.mark.parametrize(
    "report_and_fix",
    [
        (REPORT, None),
        (REPORT, FIX),
        (REPORT, FIX_DIFF),
        (Report(root=REPORT.root, findings=()), None),
        (Report(root=REPORT.root, findings=(replace(MA001, path=NON_UTF8),)), None),
    ],
    ids=["check", "fix", "fix-diff", "empty", "non-utf8"],
)
def test_output_matches_the_schema(
    validator: jsonschema.protocols.Validator, report_and_fix: tuple[Report, Any]
) -> None:
    report, fix = report_and_fix
    validator.validate(json.loads(render(report, "json", fix=fix)))


def test_schema_rejects_a_fix_summary_without_files(
    validator: jsonschema.protocols.Validator,
) -> None:
    obj = json.loads(render(REPORT, "json", fix=FIX))
    del obj["files"]
    assert not validator.is_valid(obj)
    obj = json.loads(render(REPORT, "json"))
    obj["findings"][0]["extra"] = 1
    assert not validator.is_valid(obj)
