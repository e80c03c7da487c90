"""The SARIF 2.1.0 format for code scanning, and the whole-line fixes it carries."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from ..model import CODE_TITLES, CODES, Code, Finding, FixReport, Note, Report
from .paths import display_path, display_text, is_absolute, is_error, uri_reference

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/mockharness/mockharness/blob/main/docs/ci.md"
SRCROOT = "%SRCROOT%"


@dataclass(frozen=True)
class Replacement:
    """A SARIF fix: replace whole lines ``start_line..end_line`` (1-based, inclusive)
    with ``text``. The region ends before the newline of ``end_line``, so ``text``
    does not end with that newline either."""

    start_line: int
    end_line: int
    text: str


_NAMES: Mapping[Code, str] = {
    "MA001": "MissingNameReached",
    "MA002": "MissingNameLatent",
    "MA003": "MissingPublicExport",
    "MA004": "PackageFakeWithoutPath",
}
_DESCRIPTIONS: Mapping[Code, str] = {
    "MA001": "A test replaces a module with a fake that lacks a name which a module imported "
    "while the fake is installed does 'from module import name' with, so running the test "
    "file fails with ImportError.",
    "MA002": "A test replaces a module with a fake that lacks a name the project imports from "
    "the real module; no import in the fake's window reaches it yet, but the first one that "
    "does will fail with ImportError.",
    "MA003": "With --require exports: a module fake lacks a public name of the real module "
    "(its __all__, or its public top-level definitions).",
    "MA004": "A test replaces a package with a fake that has no __path__ while an import in "
    "its window loads one of the package's submodules, which fails with "
    "\"'pkg' is not a package\".",
}
_HELP: Mapping[Code, str] = {
    "MA001": "Add the missing names to the fake (mock-audit fix does it), or mark the site "
    "with '# mock-audit: ignore[name]'.",
    "MA002": "Add the missing names to the fake (mock-audit fix does it).",
    "MA003": "Add the missing exports to the fake (mock-audit fix does it).",
    "MA004": "Give the fake the real package's folder as its __path__ (mock-audit fix does it).",
}


def _sentence(title: str) -> str:
    return title[:1].upper() + title[1:] + "."


def _level(code: Code) -> str:
    return "error" if is_error(code) else "warning"


RULES: tuple[dict[str, Any], ...] = tuple(
    {
        "id": code,
        "name": _NAMES[code],
        "shortDescription": {"text": _sentence(CODE_TITLES[code])},
        "fullDescription": {"text": _DESCRIPTIONS[code]},
        "help": {"text": _HELP[code]},
        "defaultConfiguration": {"level": _level(code)},
    }
    for code in CODES
)

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_NEWLINE = re.compile(r"(?:\r\n|\r|\n)\Z")


def _lines(text: str) -> list[str]:
    """The lines of ``text`` with their ends, split where SARIF splits (CRLF, LF, CR)."""
    return _LINE.findall(text)


def _newline(line: str) -> str:
    match = _NEWLINE.search(line)
    return match.group() if match else ""


def replacement(old: str, new: str) -> Replacement | None:
    """The smallest whole-line range of ``old`` that, replaced, gives ``new``.

    None when nothing changed, or when the change cannot be said in whole lines
    (only removing or changing the newline at the very end of the file).
    """
    if old == new:
        return None
    a, b = _lines(old), _lines(new)
    if not a:
        return Replacement(1, 1, new)
    changes = [
        op
        for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        if op[0] != "equal"
    ]
    i1, j1 = changes[0][1], changes[0][3]
    i2, j2 = changes[-1][2], changes[-1][4]
    while not _whole_lines(a[i1:i2], b[j1:j2]):  # widen over unchanged lines
        if i2 < len(a):
            i2, j2 = i2 + 1, j2 + 1
        elif i1 > 0:
            i1, j1 = i1 - 1, j1 - 1
        else:
            return None
    text = "".join(b[j1:j2])
    return Replacement(i1 + 1, i2, text[: len(text) - len(_newline(a[i2 - 1]))])


def _whole_lines(deleted: list[str], inserted: list[str]) -> bool:
    """Whether lines ``deleted`` replaced by ``inserted`` make a SARIF replacement: the
    region covers a line and keeps its last newline, so the text must end with that."""
    if not deleted:
        return False
    newline = _newline(deleted[-1])
    return not newline or (bool(inserted) and _newline(inserted[-1]) == newline)


def render_sarif(
    report: Report,
    *,
    fix: FixReport | None = None,
    fixes: Mapping[Finding, Replacement] | None = None,
) -> str:
    """Render ``report`` as one SARIF log with one run; notes and warnings become tool
    execution notifications, ``fixes`` the results' fixes."""
    findings = fix.remaining if fix is not None else report.findings
    notifications = [_note(n) for n in report.notes]
    notifications += [_notification("warning", w) for w in report.warnings]
    if fix is not None:
        notifications += [
            _notification("warning", f"not fixed: {f.error}", _location(f.path))
            for f in fix.files
            if f.error is not None
        ]
    fixes = fixes or {}
    run = {
        "tool": {
            "driver": {
                "name": "mock-audit",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": list(RULES),
            }
        },
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(report.root)}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, fixes.get(f)) for f in findings],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2) + "\n"


def _root_uri(root: Path) -> str:
    uri = uri_reference(root.absolute().as_posix())
    return uri if uri.endswith("/") else uri + "/"


def _artifact(path: str) -> dict[str, str]:
    if is_absolute(path):  # a file outside the root: no base to be relative to
        return {"uri": uri_reference(path)}
    return {"uri": uri_reference(path), "uriBaseId": SRCROOT}


def _region(
    line: int, column: int, end_line: int = 0, end_column: int = 0
) -> dict[str, int] | None:
    """A SARIF region, or None for line 0 (about a whole file)."""
    if line < 1:
        return None
    region = {"startLine": line}
    if column >= 1:
        region["startColumn"] = column
    if end_line >= line:
        region["endLine"] = end_line
        if end_column >= 1 and (end_line > line or end_column >= column):
            region["endColumn"] = end_column
    return region


def _location(path: str, region: dict[str, int] | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact(path)}
    if region is not None:
        physical["region"] = region
    return {"physicalLocation": physical}


def _result(f: Finding, change: Replacement | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": CODES.index(f.code),
        "level": _level(f.code),
        "message": {"text": display_text(f.message)},
        "locations": [_location(f.path, _region(f.line, f.column, f.end_line, f.end_column))],
    }
    if f.chain:
        result["relatedLocations"] = [
            {
                "id": i,
                **_location(step.path, _region(step.line, 0)),
                "message": {"text": f"imports {display_text(step.module)}"},
            }
            for i, step in enumerate(f.chain, start=1)
        ]
    if change is not None:
        names = ", ".join(f.missing) or "__path__"
        result["fixes"] = [
            {
                "description": {"text": display_text(f"Add {names} to the fake.")},
                "artifactChanges": [
                    {
                        "artifactLocation": _artifact(f.path),
                        "replacements": [
                            {
                                "deletedRegion": {
                                    "startLine": change.start_line,
                                    "endLine": change.end_line,
                                },
                                "insertedContent": {"text": display_text(change.text)},
                            }
                        ],
                    }
                ],
            }
        ]
    result["properties"] = {
        "module": display_text(f.module),
        "missing": [display_text(name) for name in f.missing],
        "crashes": [display_path(p) for p in f.crashes],
    }
    return result


def _note(n: Note) -> dict[str, Any]:
    return _notification("note", n.message, _location(n.path, _region(n.line, n.column)))


def _notification(
    level: str, message: str, location: dict[str, Any] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"level": level, "message": {"text": display_text(message)}}
    if location is not None:
        out["locations"] = [location]
    return out
