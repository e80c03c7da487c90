"""The SARIF format: valid against the OASIS schema, rules, locations, notifications, fixes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from audit._version import __version__
from audit.model import CODES, FixReport, Report
from audit.report import Replacement, render

from .sample import FIX, MA001, MA002, MA003, MA004, NON_UTF8, REPORT, SARIF_SCHEMA, golden

FIXES = {
    MA001: Replacement(
        7, 9, '        "add_message": AsyncMock(),\n        "reserve_message": AsyncMock(),'
    ),
    MA004: Replacement(3, 3, 'app = ModuleType("app")\napp.__path__ = []'),
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def sarif(report: Report = REPORT, **options: Any) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render(report, "sarif", **options))
    return log


def normalised(text: str) -> str:
    """The log with the tool's version replaced, so a release does not touch the golden."""
    log = json.loads(text)
    assert log["runs"][0]["tool"]["driver"]["version"] == __version__
    log["runs"][0]["tool"]["driver"]["version"] = "<version>"
    return json.dumps(log, indent=2) + "\n"


def test_golden() -> None:
    golden("check.sarif", normalised(render(REPORT, "sarif", sarif_fixes=FIXES)))


def test_fix_golden() -> None:
    golden("fix.sarif", normalised(render(REPORT, "sarif", fix=FIX)))


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"sarif_fixes": FIXES},
        {"fix": FIX},
    ],
    ids=["check", "with-fixes", "fix"],
)
def test_valid_against_the_oasis_schema(
    validator: jsonschema.Draft4Validator, options: dict[str, Any]
) -> None:
    validator.validate(sarif(**options))


def test_empty_report_is_valid(validator: jsonschema.Draft4Validator) -> None:
    log = sarif(Report(root=Path("/proj"), findings=()))
    validator.validate(log)
    assert log["runs"][0]["results"] == []


def test_driver_and_rules() -> None:
    run = sarif()["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("mock-audit", __version__)
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == list(CODES)
    levels = [r["defaultConfiguration"]["level"] for r in driver["rules"]]
    assert levels == ["error", "warning", "warning", "error"]
    for rule in driver["rules"]:
        assert rule["name"] and " " not in rule["name"]
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"]


def test_results_point_at_their_rule_and_place() -> None:
    log = sarif()
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == [f.code for f in REPORT.findings]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    first = results[0]
    assert first["level"] == "error" and first["message"]["text"] == MA001.message
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "tests/test_service.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 5, "startColumn": 5, "endLine": 10, "endColumn": 6},
    }
    assert [r["level"] for r in results] == ["error", "warning", "warning", "warning", "error"]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///proj/"}}
    assert run["columnKind"] == "unicodeCodePoints"


def test_chain_steps_are_related_locations() -> None:
    related = sarif()["runs"][0]["results"][0]["relatedLocations"]
    assert related == [
        {
            "id": 1,
            "physicalLocation": {
                "artifactLocation": {"uri": "tests/test_service.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 2},
            },
            "message": {"text": "imports app.service"},
        },
        {
            "id": 2,
            "physicalLocation": {
                "artifactLocation": {"uri": "app/service.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 1},
            },
            "message": {"text": "imports app.crud"},
        },
    ]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("tests/tëst_pkg.py", "tests/t%C3%ABst_pkg.py"),
        (NON_UTF8, "tests/caf%E9.py"),
        ("tests/a b#c?.py", "tests/a%20b%23c%3F.py"),
        ("tests/50%.py", "tests/50%25.py"),
    ],
    ids=["utf8", "non-utf8", "reserved", "percent"],
)
def test_uris_percent_encode_the_raw_bytes(path: str, uri: str) -> None:
    log = sarif(Report(root=Path("/proj"), findings=(replace(MA002, path=path),)))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": uri, "uriBaseId": "%SRCROOT%"}


def test_file_outside_the_root_gets_an_absolute_uri(validator: jsonschema.Draft4Validator) -> None:
    log = sarif(Report(root=Path("/proj"), findings=(replace(MA002, path="/elsewhere/t.py"),)))
    validator.validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///elsewhere/t.py"}


def test_root_uri_is_encoded_and_ends_with_a_slash() -> None:
    log = sarif(Report(root=Path("/my proj/caf\udce9"), findings=()))
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///my%20proj/caf%E9/"


def test_notes_and_warnings_are_notifications() -> None:
    invocation = sarif()["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["note", "note", "note", "warning"]
    assert notes[1]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "tests/caf%E9.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7, "startColumn": 5},
    }
    # A note about a whole file has no region.
    assert notes[2]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "app/legacy.py", "uriBaseId": "%SRCROOT%"}
    }
    assert "locations" not in notes[3]


def test_fixes_are_line_replacements() -> None:
    results = sarif(sarif_fixes=FIXES)["runs"][0]["results"]
    (fix,) = results[0]["fixes"]
    assert fix["description"]["text"] == "Add reserve_message to the fake."
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "tests/test_service.py", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 7, "endLine": 9},
            "insertedContent": {"text": FIXES[MA001].text},
        }
    ]
    assert [("fixes" in r) for r in results] == [True, False, False, False, True]


def test_fix_report_results_are_what_remains() -> None:
    run = sarif(fix=FIX)["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == [MA003.code]
    messages = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert "not fixed: The file does not parse: invalid syntax (line 3)." in messages


def test_crashes_and_names_in_properties() -> None:
    result = sarif()["runs"][0]["results"][0]
    assert result["properties"] == {
        "module": "app.crud",
        "missing": ["reserve_message"],
        "crashes": ["tests/test_service.py", "tests/test_service_more.py"],
    }


def test_fix_report_with_nothing_remaining(validator: jsonschema.Draft4Validator) -> None:
    validator.validate(sarif(fix=FixReport(files=(), remaining=(), check=REPORT)))
