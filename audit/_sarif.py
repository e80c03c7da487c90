"""Render a report as SARIF 2.1.0 for code scanning, with fixes computed by the fixer."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ._engine import Backend, CheckRun
from ._fixing import site_fixes
from ._output import rel
from ._types import Config, Finding, Note, Report
from ._version import __version__
from ._write import decode

INFORMATION_URI = "https://github.com/mockharness/mockharness/blob/main/docs/ci.md"
SRCROOT = "%SRCROOT%"

#: (start line, end line, inserted text): replace whole lines start..end (1-based, inclusive).
Replacement = tuple[int, int, str]

RULES: tuple[dict[str, Any], ...] = (
    {
        "id": "MA001",
        "name": "MissingNameReached",
        "shortDescription": {"text": "A module fake lacks a name the test imports."},
        "fullDescription": {
            "text": "A test replaces a module with a fake that lacks a name which a module "
            "the test imports does 'from module import name' with, so the test fails with "
            "ImportError when it is collected."
        },
        "help": {
            "text": "Add the missing names to the fake (mock-audit fix does it), or mark "
            "the site with '# mock-audit: ignore[name]'."
        },
        "defaultConfiguration": {"level": "error"},
    },
    {
        "id": "MA002",
        "name": "MissingNameLatent",
        "shortDescription": {"text": "A module fake lacks a name the project imports."},
        "fullDescription": {
            "text": "A test replaces a module with a fake that lacks a name the project "
            "imports from the real module; no import of this test reaches it yet, but the "
            "first one that does will fail with ImportError."
        },
        "help": {"text": "Add the missing names to the fake (mock-audit fix does it)."},
        "defaultConfiguration": {"level": "warning"},
    },
    {
        "id": "MA003",
        "name": "MissingPublicExport",
        "shortDescription": {"text": "A module fake lacks a public export."},
        "fullDescription": {
            "text": "With --require exports: a module fake lacks a public name of the real "
            "module (its __all__, or its public top-level definitions)."
        },
        "help": {"text": "Add the missing exports to the fake (mock-audit fix does it)."},
        "defaultConfiguration": {"level": "warning"},
    },
)
_RULE_INDEX = {rule["id"]: i for i, rule in enumerate(RULES)}


def _location(path: str, cwd: Path) -> dict[str, Any]:
    return {"uri": quote(rel(path, cwd)), "uriBaseId": SRCROOT}


def _region(line: int, column: int) -> dict[str, int]:
    region = {"startLine": max(line, 1)}
    if column >= 1:
        region["startColumn"] = column
    return region


def replacement(old: str, new: str) -> Replacement | None:
    """The smallest whole-line range of ``old`` that, replaced, gives ``new``."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    changes = [op for op in difflib.SequenceMatcher(None, a, b).get_opcodes() if op[0] != "equal"]
    if not changes:
        return None
    i1, j1 = changes[0][1], changes[0][3]
    i2, j2 = changes[-1][2], changes[-1][4]
    if i1 == i2:  # a pure insertion: widen it to one line so the deleted region is not empty
        if i1 < len(a):
            i2, j2 = i2 + 1, j2 + 1
        else:
            i1, j1 = i1 - 1, j1 - 1
    # The region ends at the end of line i2 without its newline, so the text drops its last.
    text = "".join(b[j1:j2])
    if a[i2 - 1].endswith("\n") and text.endswith("\n"):
        text = text[:-1]
    return i1 + 1, i2, text


def sarif_fixes(run: CheckRun, backend: Backend, config: Config) -> dict[Finding, Replacement]:
    """For each fixable finding, the line replacement that fixing its fake alone makes."""
    results = {r.path: r for r in run.results}
    out: dict[Finding, Replacement] = {}
    for finding, site in run.pairs:
        if not site.fixable:
            continue
        try:
            path = Path(finding.path).resolve()
            result = results.get(path)
            data = result.data if result is not None and result.data else path.read_bytes()
            text = decode(data).text
            fixes = site_fixes(run.index, [(finding, site)])
            new = backend.fix_source(text, str(path), fixes, stubs=config.stubs)
        except Exception:  # no fix is offered rather than no report
            continue
        change = replacement(text, new)
        if change is not None:
            out[finding] = change
    return out


def _result(f: Finding, cwd: Path, fix: Replacement | None) -> dict[str, Any]:
    location = _location(f.path, cwd)
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": _RULE_INDEX[f.code],
        "level": RULES[_RULE_INDEX[f.code]]["defaultConfiguration"]["level"],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": _region(f.line, f.column),
                }
            }
        ],
    }
    if fix is not None:
        start, end, text = fix
        result["fixes"] = [
            {
                "description": {"text": f"Add {', '.join(f.missing)} to the fake."},
                "artifactChanges": [
                    {
                        "artifactLocation": location,
                        "replacements": [
                            {
                                "deletedRegion": {"startLine": start, "endLine": end},
                                "insertedContent": {"text": text},
                            }
                        ],
                    }
                ],
            }
        ]
    return result


def _notification(note: Note, cwd: Path) -> dict[str, Any]:
    return {
        "level": "note",
        "message": {"text": note.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _location(note.path, cwd),
                    "region": _region(note.line, note.column),
                }
            }
        ],
    }


def render_sarif(
    report: Report,
    cwd: Path,
    findings: Sequence[Finding],
    fixes: Mapping[Finding, Replacement],
) -> str:
    """One SARIF log with one run; notes become tool execution notifications."""
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mock-audit",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": list(RULES),
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [_notification(n, cwd) for n in report.notes],
                    }
                ],
                "results": [_result(f, cwd, fixes.get(f)) for f in findings],
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
