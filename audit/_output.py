"""Render reports as text, JSON or GitHub annotations; paths relative to the working directory."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from ._types import FixReport, Note, Report

CODES = ("MA001", "MA002", "MA003")


def rel(path: str, cwd: Path) -> str:
    """A '/'-separated path relative to ``cwd`` (absolute when on another drive)."""
    try:
        out = os.path.relpath(path, cwd)
    except ValueError:
        out = path
    return out.replace(os.sep, "/")


def summary(report: Report, fix: FixReport | None = None) -> dict[str, Any]:
    counts = Counter[str](f.code for f in (fix.remaining if fix is not None else report.findings))
    out: dict[str, Any] = {
        "files_scanned": report.files_scanned,
        "files_with_sites": report.files_with_sites,
        "sites": report.sites,
        "findings": sum(counts.values()),
        "by_code": {code: counts.get(code, 0) for code in CODES},
        "notes": len(report.notes),
    }
    if fix is not None:
        out["files_fixed"] = sum(1 for f in fix.files if f.written)
        out["names_added"] = sum(f.names_added for f in fix.files if f.written)
        out["files_failed"] = sum(1 for f in fix.files if f.error)
    return out


def render_json(report: Report, cwd: Path, fix: FixReport | None = None) -> str:
    findings = fix.remaining if fix is not None else report.findings
    obj = {
        "version": 1,
        "findings": [
            {
                "path": rel(f.path, cwd),
                "line": f.line,
                "column": f.column,
                "code": f.code,
                "module": f.module,
                "missing": sorted(f.missing),
                "reached": f.reached,
                "fixable": f.fixable,
                "message": f.message,
            }
            for f in findings
        ],
        "summary": summary(report, fix),
    }
    return json.dumps(obj, indent=2) + "\n"


def _note_line(note: Note, cwd: Path) -> str:
    return f"{rel(note.path, cwd)}:{note.line}:{note.column}: note: {note.message}"


def render_text(report: Report, cwd: Path, fix: FixReport | None = None) -> str:
    lines: list[str] = []
    if fix is not None:
        for outcome in fix.files:
            if outcome.written:
                lines.append(f"fixed {rel(outcome.path, cwd)}: added {outcome.names_added} name(s)")
            elif outcome.error:
                lines.append(f"{rel(outcome.path, cwd)}: not fixed: {outcome.error}")
    findings = fix.remaining if fix is not None else report.findings
    for f in findings:
        where = f"{rel(f.path, cwd)}:{f.line}:{f.column}"
        lines.append(f"{where}: {f.code} {f.module}: missing {', '.join(f.missing)}")
        for step in f.chain:
            lines.append(f"    {rel(step.path, cwd)}:{step.line} imports {step.module}")
    lines.extend(_note_line(n, cwd) for n in report.notes)
    s = summary(report, fix)
    by_code = ", ".join(f"{c} {n}" for c, n in s["by_code"].items() if n)
    tail = f" ({by_code})" if by_code else ""
    line = (
        f"{s['findings']} finding(s){tail} in {s['files_scanned']} file(s) scanned, "
        f"{s['sites']} site(s), {s['notes']} note(s)."
    )
    previews = [f for f in fix.files if f.diff] if fix is not None else []
    if previews:  # fix --diff: nothing was written
        would = sum(f.names_added for f in previews)
        line = f"{would} name(s) would be added in {len(previews)} file(s); " + line
    elif fix is not None:
        line = f"{s['names_added']} name(s) added in {s['files_fixed']} file(s); " + line
    lines.append(line)
    return "\n".join(lines) + "\n"


def _escape(value: str, *, prop: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render_github(report: Report, cwd: Path, fix: FixReport | None = None) -> str:
    """GitHub workflow commands: MA001 is an error, latent findings warnings, notes notices."""
    lines: list[str] = []
    findings = fix.remaining if fix is not None else report.findings
    for f in findings:
        level = "error" if f.code == "MA001" else "warning"
        props = (
            f"file={_escape(rel(f.path, cwd), prop=True)},line={f.line},col={f.column},"
            f"title={_escape(f'{f.code} {f.module}', prop=True)}"
        )
        lines.append(f"::{level} {props}::{_escape(f.message, prop=False)}")
    for n in report.notes:
        props = f"file={_escape(rel(n.path, cwd), prop=True)},line={max(n.line, 1)}"
        lines.append(f"::notice {props}::{_escape(n.message, prop=False)}")
    return "".join(line + "\n" for line in lines)


RENDERERS = {"text": render_text, "json": render_json, "github": render_github}
