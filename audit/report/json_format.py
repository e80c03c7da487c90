"""The JSON format: one stable object per run (``"version": 1``) for scripts and CI."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..model import CODES, FileFix, Finding, FixReport, Note, Report
from .paths import display_path, display_text

#: The version of the JSON shape; bumped only on an incompatible change.
VERSION = 1


def render_json(report: Report, *, fix: FixReport | None = None) -> str:
    """Render ``report`` as JSON; with ``fix``, the findings are those left after it.

    Paths and text show undecodable bytes as ``\\xNN`` escapes; the output is ASCII.
    """
    findings = fix.remaining if fix is not None else report.findings
    obj: dict[str, Any] = {
        "version": VERSION,
        "findings": [_finding(f) for f in findings],
        "notes": [_note(n) for n in report.notes],
        "warnings": [display_text(w) for w in report.warnings],
    }
    if fix is not None:
        obj["files"] = [_file(f) for f in fix.files]
    obj["summary"] = summary(report, findings, fix)
    return json.dumps(obj, indent=2) + "\n"


def summary(
    report: Report, findings: Sequence[Finding], fix: FixReport | None = None
) -> dict[str, Any]:
    """The counts of a run; with ``fix``, also what it wrote and what it could not fix."""
    counts = Counter(f.code for f in findings)
    out: dict[str, Any] = {
        "files_scanned": report.files_scanned,
        "files_with_sites": report.files_with_sites,
        "sites": report.sites,
        "findings": len(findings),
        "by_code": {code: counts[code] for code in CODES},
        "notes": len(report.notes),
    }
    if fix is not None:
        written = [f for f in fix.files if f.written]
        out["files_fixed"] = len(written)
        out["names_added"] = sum(f.names_added for f in written)
        out["files_failed"] = sum(1 for f in fix.files if f.error is not None)
    return out


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "path": display_path(f.path),
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "code": f.code,
        "module": display_text(f.module),
        "missing": sorted(display_text(name) for name in f.missing),
        "reached": f.reached,
        "fixable": f.fixable,
        "message": display_text(f.message),
        "chain": [
            {"path": display_path(s.path), "line": s.line, "module": display_text(s.module)}
            for s in f.chain
        ],
        "crashes": [display_path(p) for p in f.crashes],
    }


def _note(n: Note) -> dict[str, Any]:
    return {
        "path": display_path(n.path),
        "line": n.line,
        "column": n.column,
        "message": display_text(n.message),
    }


def _file(f: FileFix) -> dict[str, Any]:
    return {
        "path": display_path(f.path),
        "names_added": f.names_added,
        "written": f.written,
        "error": None if f.error is None else display_text(f.error),
    }
