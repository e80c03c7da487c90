"""The whole-run answer: a check's report, kept under a key over every input it read.

A warm check of an unchanged tree should cost little more than reading the tree. Per
file entries (programs, scans, names) already spare the analysis, but the replay and the
rules still run over the whole suite; this stores the report itself. Its key covers
every file the check can read (Python sources and tests under the root and the source
roots, ``.gitignore`` files, and the settings files ``pyproject.toml``, ``setup.cfg``,
``pytest.ini`` and ``tox.ini``), by root-relative path and content, never by mtime or
absolute path, so a fresh clone with the cache restored, here or at another path, hits.
The root a report was made under is kept, so a message that names it follows a move
(messages spell paths relative to the root, so none should).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .cache import digest
from .files import walk
from .model import Config, Finding, ImportStep, Note, Report

#: Every file whose content can change a check's answer (``setup.py`` is a ``.py``).
_INPUTS = (
    ".py",
    ".pyx",
    ".pxd",
    ".gitignore",
    "pyproject.toml",
    "setup.cfg",
    "pytest.ini",
    "tox.ini",
)


@dataclasses.dataclass(frozen=True)
class Inputs:
    key: str  # settings, paths checked, and every input file's path and content
    layout: str  # settings, paths checked, and every input file's path (not content)
    digests: dict[str, str]  # path -> the digest of its content, as read here


def inputs(paths: Sequence[Path], config: Config, salt: str) -> Inputs:
    """Both digests in one read of the tree. ``layout`` is what decides where modules
    are (``Project.resolve``): a replay that read no changed file keeps its answer
    under it (memo.py)."""
    root = str(config.root)
    tops = [config.root, *(p for p in config.src if not _under(p, root))]
    walked = walk(tops, root=config.root, suffixes=_INPUTS, gitignore=False)
    h = hashlib.blake2b(digest_size=20)
    head = f"{salt}\0{sys.version_info[:2]}\0{_settings(config)}\0".encode()
    h.update(head)
    layout = hashlib.blake2b(head, digest_size=20)
    for path in paths:
        chosen = f"path\0{_relative(str(path), root)}\0".encode()
        h.update(chosen)
        layout.update(chosen)
    digests: dict[str, str] = {}
    for path in walked.files:
        text = str(path)
        rel = _relative(text, root)
        try:
            digests[text] = known = digest(path.read_bytes())
        except OSError:
            known = "unreadable"
        h.update(f"{rel}\0{known}\0".encode())
        layout.update(f"{rel}\0".encode())
    for path, why in walked.unreadable:
        unreadable = f"unreadable\0{_relative(str(path), root)}\0{why}\0".encode()
        h.update(unreadable)
        layout.update(unreadable)
    exclude = config.root / ".git" / "info" / "exclude"
    if exclude.is_file():
        h.update(exclude.read_bytes())
        layout.update(exclude.read_bytes())
    return Inputs(h.hexdigest(), layout.hexdigest(), digests)


def _settings(config: Config) -> str:
    """Every setting, paths relative to the root: the report depends on all of them
    (``select`` and ``line-length`` too, which per-file entries do not)."""
    root = str(config.root)

    def plain(value: object) -> object:
        if isinstance(value, Path):
            return "." if str(value) == root else _relative(str(value), root)
        if isinstance(value, (tuple, list)):
            return [plain(v) for v in value]
        if isinstance(value, frozenset):
            return sorted(repr(plain(v)) for v in value)
        if isinstance(value, Mapping):
            return sorted((str(k), repr(plain(v))) for k, v in value.items())
        return value

    fields = {f.name: plain(getattr(config, f.name)) for f in dataclasses.fields(config)}
    return repr(sorted(fields.items()))


def to_json(report: Report) -> dict[str, Any]:
    return {
        "root": str(report.root),
        "findings": [_finding(f) for f in report.findings],
        "notes": [[n.path, n.line, n.column, n.message] for n in report.notes],
        "warnings": list(report.warnings),
        "counts": [report.files_scanned, report.files_with_sites, report.sites],
    }


def from_json(data: Any, root: Path) -> Report | None:
    """The stored report, moved to ``root``; None for data of another shape."""
    try:
        old = str(data["root"])

        def moved(text: str) -> str:
            return text.replace(old, str(root)) if old != str(root) else text

        findings = tuple(_from_finding(f, moved) for f in data["findings"])
        notes = tuple(Note(str(p), int(li), int(c), moved(str(m))) for p, li, c, m in data["notes"])
        scanned, with_sites, sites = (int(n) for n in data["counts"])
        return Report(
            root,
            findings,
            notes,
            tuple(moved(str(w)) for w in data["warnings"]),
            scanned,
            with_sites,
            sites,
        )
    except (KeyError, TypeError, ValueError):
        return None


def _finding(f: Finding) -> list[Any]:
    return [
        f.path,
        f.line,
        f.column,
        f.end_line,
        f.end_column,
        f.code,
        f.module,
        list(f.missing),
        f.reached,
        f.fixable,
        f.message,
        [[s.path, s.line, s.module] for s in f.chain],
        list(f.crashes),
    ]


def _from_finding(row: list[Any], moved: Any) -> Finding:
    path, line, column, end_line, end_column, code, module, missing = row[:8]
    reached, fixable, message, chain, crashes = row[8:]
    if code not in ("MA001", "MA002", "MA003", "MA004"):
        raise ValueError(code)
    return Finding(
        str(path),
        int(line),
        int(column),
        int(end_line),
        int(end_column),
        code,
        str(module),
        tuple(str(n) for n in missing),
        bool(reached),
        bool(fixable),
        moved(str(message)),
        tuple(ImportStep(str(p), int(n), str(m)) for p, n, m in chain),
        tuple(str(c) for c in crashes),
    )


def _under(path: Path, root: str) -> bool:
    text = str(path)
    return text == root or text.startswith(root.rstrip(os.sep) + os.sep)


def _relative(path: str, root: str) -> str:
    prefix = root.rstrip(os.sep) + os.sep
    return path[len(prefix) :] if path.startswith(prefix) else path
