"""The text format: one line per finding like ruff's concise output, then a summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from ..model import CODE_TITLES, CODES, Finding, FixReport, Report
from .paths import display_path, display_text, is_error

# SGR parameters, as ruff uses them.
_BOLD = "1"
_DIM = "2"
_CYAN = "36"
_RED = "1;31"
_YELLOW = "1;33"
_GREEN = "1;32"


class _Paint:
    """Wraps text in ANSI colours, or leaves it alone when colour is off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, sgr: str, text: str) -> str:
        return f"\x1b[{sgr}m{text}\x1b[0m" if self.color else text

    def where(self, path: str, line: int, column: int) -> str:
        """``path:line:col:``, clamped to 1:1 for a note about a whole file (as ruff does)."""
        colon = self(_CYAN, ":")
        return (
            f"{self(_BOLD, display_path(path))}{colon}{self(_DIM, str(max(line, 1)))}"
            f"{colon}{self(_DIM, str(max(column, 1)))}{colon}"
        )

    def code(self, code: str, error: bool) -> str:
        return self(_RED if error else _YELLOW, code)


def render_text(
    report: Report,
    *,
    fix: FixReport | None = None,
    statistics: bool = False,
    color: bool = False,
    quiet: bool = False,
) -> str:
    """Render ``report`` (and what ``fix`` did) for a terminal; ``quiet``: findings only."""
    paint = _Paint(color)
    findings = fix.remaining if fix is not None else report.findings
    lines: list[str] = []
    if fix is not None and not quiet:
        lines.extend(_fix_lines(fix, paint))
    if statistics:
        lines.extend(_statistics(findings, paint))
    else:
        for finding in findings:
            lines.extend(_finding(finding, paint))
    if not quiet:
        note_label = paint(f"{_BOLD};{_CYAN}", "note:")
        lines.extend(
            f"{paint.where(n.path, n.line, n.column)} {note_label} {display_text(n.message)}"
            for n in report.notes
        )
        warning_label = paint(_YELLOW, "warning:")
        lines.extend(f"{warning_label} {display_text(w)}" for w in report.warnings)
        lines.append(_summary(report, findings, fix))
    return "".join(line + "\n" for line in lines)


def _finding(f: Finding, paint: _Paint) -> Iterator[str]:
    # An MA004 finding may list no name: what it lacks is the package's __path__.
    missing = ", ".join(f.missing) or ("__path__" if f.code == "MA004" else "")
    yield (
        f"{paint.where(f.path, f.line, f.column)} {paint.code(f.code, is_error(f.code))} "
        f"{display_text(f.module)}: missing {display_text(missing)}"
    )
    for step in f.chain:
        place = paint(_DIM, f"{display_path(step.path)}:{step.line}")
        yield f"    {place} imports {display_text(step.module)}"


def _statistics(findings: Sequence[Finding], paint: _Paint) -> Iterator[str]:
    """One line per code, most frequent first, laid out as ruff's ``--statistics``."""
    counts = Counter(f.code for f in findings)
    if not counts:
        return
    width = len(str(max(counts.values())))
    for code in sorted(counts, key=lambda c: (-counts[c], CODES.index(c))):
        count = paint(_BOLD, f"{counts[code]:>{width}}")
        yield f"{count}\t{paint.code(code, is_error(code))}\t{CODE_TITLES[code]}"


def _fix_lines(fix: FixReport, paint: _Paint) -> Iterator[str]:
    for outcome in fix.files:
        path = paint(_BOLD, display_path(outcome.path))
        if outcome.error is not None:
            yield f"{path}: {paint(_RED, 'not fixed:')} {display_text(outcome.error)}"
        elif outcome.written:
            yield f"{paint(_GREEN, 'fixed')} {path}: added {outcome.names_added} name(s)"
        elif outcome.diff:
            yield f"{paint(_GREEN, 'would fix')} {path}: add {outcome.names_added} name(s)"


def _summary(report: Report, findings: Sequence[Finding], fix: FixReport | None) -> str:
    counts = Counter(f.code for f in findings)
    by_code = ", ".join(f"{code} {counts[code]}" for code in CODES if counts[code])
    line = (
        f"{len(findings)} finding(s){f' ({by_code})' if by_code else ''} in "
        f"{report.files_scanned} file(s) scanned, {report.sites} site(s), "
        f"{len(report.notes)} note(s)."
    )
    if fix is None:
        return line
    previews = [f for f in fix.files if f.diff and f.error is None]
    if previews:  # fix --diff: nothing was written
        added = sum(f.names_added for f in previews)
        return f"{added} name(s) would be added in {len(previews)} file(s); {line}"
    written = [f for f in fix.files if f.written]
    added = sum(f.names_added for f in written)
    return f"{added} name(s) added in {len(written)} file(s); {line}"
