"""The progress line: on a terminal only, after a delay, cleared at the end."""

from __future__ import annotations

import io
from pathlib import Path

from audit._progress import Progress

from .test_cli import PROJECT, run, write


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_not_a_terminal_prints_nothing() -> None:
    stream = io.StringIO()
    progress = Progress(stream, delay=0)
    progress.update("reading test files 1/2")
    progress.clear()
    assert stream.getvalue() == ""


def test_terminal_line_is_rewritten_and_cleared() -> None:
    stream = Terminal()
    progress = Progress(stream, delay=0)
    progress.update("reading test files 1/2")
    progress.clear()
    text = stream.getvalue()
    assert text.startswith("\rmock-audit: reading test files 1/2")
    assert text.endswith("\r" + " " * len("mock-audit: reading test files 1/2") + "\r")


def test_short_runs_show_nothing_even_on_a_terminal() -> None:
    stream = Terminal()
    progress = Progress(stream)  # default delay: a few seconds
    progress.update("reading")
    progress.clear()
    assert stream.getvalue() == ""


def test_cli_not_on_a_terminal_writes_nothing_to_stderr(tmp_path: Path) -> None:
    write(tmp_path, PROJECT)
    done = run(tmp_path, "check")
    assert done.returncode == 1
    assert done.stderr == ""


def test_cli_cache_and_no_cache(tmp_path: Path) -> None:
    write(tmp_path, PROJECT)
    assert run(tmp_path, "check", "--no-cache").returncode == 1
    assert not (tmp_path / ".mock-audit-cache").exists()
    first = run(tmp_path, "check", "--format", "json")
    assert (tmp_path / ".mock-audit-cache" / "files.pickle").is_file()
    second = run(tmp_path, "check", "--format", "json")
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout and '"MA001"' in first.stdout
