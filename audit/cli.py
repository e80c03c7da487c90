"""The ``mock-audit`` command: parse arguments into ``Options`` and run them.

Options follow ruff's conventions (``--select``, ``--ignore``, ``--extend-select``,
``--exit-zero``, ``--statistics``, ``-q``, ``--output-format``); no option may be
abbreviated (``--out json`` is an error, not ``--output-file json``).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from ._version import __version__
from .model import CODE_TITLES, Options


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be 0 (all cores) or more")
    return jobs


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _parser() -> argparse.ArgumentParser:
    codes = "; ".join(f"{code}: {title}" for code, title in CODE_TITLES.items())
    parser = argparse.ArgumentParser(
        prog="mock-audit",
        description="Find module-mock fakes that lack names the project imports, and fix them.",
        epilog=f"Codes: {codes}. Exit status: 0 clean, 1 findings, 2 error.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"mock-audit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{check,fix}")
    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    common.add_argument("paths", nargs="*", help="files or folders (default: the configured tests)")
    common.add_argument(
        "--format",
        "--output-format",
        dest="format",
        choices=("text", "json", "github", "sarif"),
        default="text",
        help="report format (default: text); github: workflow annotations; sarif: code scanning",
    )
    common.add_argument(
        "--require",
        choices=("used", "exports"),
        default=None,
        help="names a fake must have: those the project imports (used, the default) or also "
        "every public name of the real module (exports)",
    )
    common.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="a pyproject.toml, or a TOML file of bare keys such as mock-audit.toml "
        "(default: the pyproject.toml found upward)",
    )
    common.add_argument(
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help="processes for reading test files (default 0: one per core)",
    )
    common.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the cache in cache-dir"
    )
    common.add_argument(
        "--output-file", type=Path, default=None, metavar="FILE", help="write the report to FILE"
    )
    common.add_argument(
        "--select",
        type=_codes,
        action="append",
        metavar="CODES",
        help="report only these codes: comma-separated, repeatable; a prefix (MA00) or ALL "
        "selects several (replaces the configured selection)",
    )
    common.add_argument(
        "--extend-select",
        type=_codes,
        action="append",
        metavar="CODES",
        help="report these codes too",
    )
    common.add_argument(
        "--ignore", type=_codes, action="append", metavar="CODES", help="do not report these codes"
    )
    common.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings remain (errors still exit 2)",
    )
    common.add_argument(
        "--statistics",
        action="store_true",
        help="count findings per code instead of listing them",
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print the findings only (no notes, warnings or summary)",
    )
    sub.add_parser(
        "check", parents=[common], help="report fakes that lack names", allow_abbrev=False
    )
    fixer = sub.add_parser(
        "fix", parents=[common], help="add the missing names to the fakes", allow_abbrev=False
    )
    fixer.add_argument(
        "--diff",
        action="store_true",
        help="print a diff that git apply accepts; write nothing (exit 1 if there is one)",
    )
    return parser


def parse(argv: Sequence[str] | None = None) -> Options:
    ns = _parser().parse_args(argv)

    def flat(groups: list[list[str]] | None) -> tuple[str, ...] | None:
        return None if groups is None else tuple(c for group in groups for c in group)

    return Options(
        command=ns.command,
        paths=tuple(ns.paths),
        format=ns.format,
        require=ns.require,
        config=ns.config,
        jobs=ns.jobs,
        no_cache=ns.no_cache,
        output_file=ns.output_file,
        diff=getattr(ns, "diff", False),
        select=flat(ns.select),
        ignore=flat(ns.ignore) or (),
        extend_select=flat(ns.extend_select) or (),
        exit_zero=ns.exit_zero,
        statistics=ns.statistics,
        quiet=ns.quiet,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The console script; argparse errors exit 2 on their own."""
    options = parse(argv)
    # Imported only now: --help and usage errors do not load the analysis (and libcst).
    from .main import run

    try:
        return run(options)
    except Exception as exc:  # an internal error: one line, exit 2, a traceback on request
        if os.environ.get("MOCK_AUDIT_DEBUG") == "1":
            traceback.print_exc()
        sys.stderr.write(f"mock-audit: internal error: {exc!r}\n")
        return 2
