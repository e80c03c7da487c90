"""Render a report in every output format: text, JSON, GitHub annotations and SARIF.

Findings carry root-relative, ``/``-separated paths; the renderers print them as
given, whatever the working directory, and never raise on a path that is not UTF-8.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import Finding, FixReport, Format, Report
from .diff import unified_diff
from .github import render_github
from .json_format import render_json
from .paths import display_path
from .sarif import Replacement, render_sarif, replacement
from .text import render_text


def render(
    report: Report,
    format: Format,
    *,
    fix: FixReport | None = None,
    sarif_fixes: Mapping[Finding, Replacement] | None = None,
    statistics: bool = False,
    color: bool = False,
    quiet: bool = False,
) -> str:
    """Render ``report`` (with ``fix``: what ``fix`` did and the findings left) as
    ``format``. ``statistics``, ``color`` and ``quiet`` shape the text format only: the
    machine formats are always complete and never coloured."""
    if format == "text":
        return render_text(report, fix=fix, statistics=statistics, color=color, quiet=quiet)
    if format == "json":
        return render_json(report, fix=fix)
    if format == "github":
        return render_github(report, fix=fix)
    if format == "sarif":
        return render_sarif(report, fix=fix, fixes=sarif_fixes)
    raise ValueError(f"Unknown format {format!r}; expected one of text, json, github, sarif.")


__all__ = [
    "Format",
    "Replacement",
    "display_path",
    "render",
    "replacement",
    "unified_diff",
]
