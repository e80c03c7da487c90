"""The ``mock-audit`` command: parse arguments into Options and hand them to the API."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .api import Options, run


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be 0 (all cores) or more")
    return jobs


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mock-audit",
        description="Find module-mock fakes that lack names the project imports, and fix them.",
    )
    parser.add_argument("--version", action="version", version=f"mock-audit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{check,fix}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("paths", nargs="*", help="files or directories (default: configured tests)")
    common.add_argument(
        "--format",
        choices=("text", "json", "github", "sarif"),
        default="text",
        help="report format (default: text); github: workflow annotations; sarif: code scanning",
    )
    common.add_argument(
        "--require",
        choices=("used", "exports"),
        default=None,
        help="names a fake must provide: those the project imports (used, the default), "
        "or also every public name of the real module (exports)",
    )
    common.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="TOML file with [tool.mock-audit] (default: pyproject.toml found upward)",
    )
    common.add_argument(
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help="processes for parsing on big trees (default 0: one per core)",
    )
    common.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the cache-dir cache"
    )
    common.add_argument(
        "--output-file", type=Path, default=None, metavar="FILE", help="write the report here"
    )
    sub.add_parser("check", parents=[common], help="report fakes that lack names")
    fix = sub.add_parser("fix", parents=[common], help="add the missing names to the fakes")
    fix.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")
    return parser


def parse(argv: Sequence[str] | None = None) -> Options:
    ns = _parser().parse_args(argv)
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
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; argparse errors exit 2 on their own."""
    options = parse(argv)
    try:
        return run(options)
    except Exception as exc:  # an internal error: a message, exit 2, a traceback on request
        if os.environ.get("MOCK_AUDIT_DEBUG") == "1":
            traceback.print_exc()
        sys.stderr.write(f"mock-audit: internal error: {exc!r}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
