"""The GitHub format: workflow commands that become annotations on a pull request."""

from __future__ import annotations

from ..model import Finding, FixReport, Note, Report
from .paths import display_path, display_text, is_error


def escape_data(value: str) -> str:
    """Escape a command's message as the runner expects (``%``, CR and LF)."""
    return display_text(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value: as a message, and also ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report, *, fix: FixReport | None = None) -> str:
    """Render ``report`` as workflow commands: crashes are errors, latent findings
    warnings, notes notices; warnings about the run have no file."""
    lines: list[str] = []
    if fix is not None:
        lines.extend(
            _command("warning", {"file": display_path(f.path)}, f"not fixed: {f.error}")
            for f in fix.files
            if f.error is not None
        )
    findings = fix.remaining if fix is not None else report.findings
    lines.extend(_finding(f) for f in findings)
    lines.extend(_note(n) for n in report.notes)
    lines.extend(_command("warning", {}, w) for w in report.warnings)
    return "".join(line + "\n" for line in lines)


def _finding(f: Finding) -> str:
    props = {"file": display_path(f.path), "line": str(f.line), "col": str(f.column)}
    if f.end_line >= f.line:
        props |= {"endLine": str(f.end_line), "endColumn": str(f.end_column)}
    props["title"] = f"{f.code} {f.module}"
    # the message already spells out the import chain
    return _command("error" if is_error(f.code) else "warning", props, f.message)


def _note(n: Note) -> str:
    props = {"file": display_path(n.path)}
    if n.line > 0:  # line 0: a note about the whole file
        props["line"] = str(n.line)
        if n.column > 0:
            props["col"] = str(n.column)
    return _command("notice", props, n.message)


def _command(name: str, props: dict[str, str], message: str) -> str:
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    return f"::{name}{' ' + joined if joined else ''}::{escape_data(message)}"
