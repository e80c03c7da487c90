"""Find the files a run looks at: the one walker, with the one skip rule.

Every part of the audit (test files, source roots, the cache key) walks folders through
``walk`` so they all agree on what is skipped: hidden folders, ``SKIPPED_NAMES``,
virtualenvs, the configured ``exclude`` globs and what git ignores. A path given
explicitly is walked even where the skip rule or git would skip it; ``exclude`` applies
to everything. Folders that cannot be read are reported, never silently dropped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import translate
from pathlib import Path

from .gitignore import GitIgnore

SKIPPED_NAMES = frozenset({"__pycache__", "node_modules", "build", "dist", "site-packages"})


@dataclass(frozen=True)
class Walk:
    """What a walk found: the wanted files and what could not be read."""

    files: tuple[Path, ...]  # absolute, sorted, de-duplicated, real paths
    unreadable: tuple[tuple[Path, str], ...]  # (path, why), sorted


def skip_dir(dirpath: str, name: str) -> bool:
    """Whether a walk skips the folder ``name`` met inside ``dirpath``."""
    return (
        name.startswith(".")
        or name in SKIPPED_NAMES
        # A virtualenv is no part of the project and can hold tens of thousands of files.
        or os.path.isfile(os.path.join(dirpath, name, "pyvenv.cfg"))
    )


class _Exclude:
    """The ``exclude`` globs, compiled once, matched against root-relative strings."""

    def __init__(self, patterns: Sequence[str]) -> None:
        whole: list[str] = []
        part: list[str] = []
        for pattern in patterns:
            pattern = pattern.strip().rstrip("/").removeprefix("./")
            if not pattern:
                continue
            whole.append(translate(pattern))
            if "/" not in pattern:
                part.append(translate(pattern))
        self._whole = re.compile("|".join(whole)) if whole else None
        self._part = re.compile("|".join(part)) if part else None
        self.active = self._whole is not None

    def leaf(self, rel: str, name: str) -> bool:
        """Whether ``rel`` (whose parent folders are not excluded) is excluded."""
        return (self._whole is not None and self._whole.match(rel) is not None) or (
            self._part is not None and self._part.match(name) is not None
        )

    def full(self, rel: str) -> bool:
        """Whether ``rel`` or any folder above it is excluded."""
        if self._whole is None or not rel:
            return False
        parts = rel.split("/")
        return any(
            self.leaf("/".join(parts[: i + 1]), parts[i]) for i in range(len(parts)) if parts[i]
        )


def is_excluded(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    """Whether an ``exclude`` glob matches ``path`` (relative to ``root``, ``/``-separated)
    or a folder above it; a glob without ``/`` matches any single part."""
    if not patterns:
        return False
    return _Exclude(patterns).full(_relative(str(path.resolve()), str(root.resolve())))


def _relative(path: str, root: str) -> str:
    if path.startswith(root + os.sep):
        return path[len(root) + 1 :].replace(os.sep, "/")
    return "" if path == root else Path(path).as_posix()


def walk(
    paths: Iterable[Path],
    *,
    root: Path,
    exclude: Sequence[str] = (),
    suffixes: tuple[str, ...] = (".py",),
    gitignore: bool = True,
) -> Walk:
    """The files under ``paths`` (folders walked, files kept) with one of ``suffixes``."""
    walker = _Walker(str(root.resolve()), _Exclude(exclude), suffixes, gitignore)
    for path in paths:
        walker.top(path)
    # Path order (part by part): a separator sorts before any character of a name.
    files = sorted(walker.found, key=lambda p: p.replace(os.sep, "\0"))
    return Walk(tuple(map(Path, files)), tuple(sorted(walker.unreadable)))


class _Walker:
    """One walk's state; paths stay strings until the end (it meets 10,000s of files)."""

    def __init__(
        self, root: str, exclude: _Exclude, suffixes: tuple[str, ...], gitignore: bool
    ) -> None:
        self.root = root
        self.exclude = exclude
        self.suffixes = suffixes
        self.gitignore = gitignore
        self.repos: dict[str, GitIgnore] = {}
        self.found: set[str] = set()
        self.unreadable: list[tuple[Path, str]] = []

    def fail(self, path: str, exc: OSError | RuntimeError) -> None:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self.unreadable.append((Path(path), reason))

    def top(self, path: Path) -> None:
        try:
            real = str(path.resolve(strict=True))
            is_dir = os.path.isdir(real)
        except (OSError, RuntimeError) as exc:  # missing, a loop of links (RuntimeError
            self.fail(str(path.absolute()), exc)  # before Python 3.13), or unreadable
            return
        if self.exclude.full(_relative(real, self.root)):
            return
        if not is_dir:
            if real.endswith(self.suffixes):
                self.found.add(real)
            return
        self.folder(real, self._gitignore(real))

    def _gitignore(self, folder: str) -> GitIgnore | None:
        if not self.gitignore:
            return None
        rules = GitIgnore.for_root(Path(folder))
        if rules is None:
            return None
        # One matcher per repository, so its .gitignore files are read once.
        return self.repos.setdefault(rules.root, rules)

    def folder(self, top: str, rules: GitIgnore | None) -> None:
        stack = [top]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as entries:
                    listed = list(entries)
            except OSError as exc:
                self.fail(folder, exc)
                continue
            for entry in listed:
                self.entry(folder, entry, rules, stack)

    def entry(
        self, folder: str, entry: os.DirEntry[str], rules: GitIgnore | None, stack: list[str]
    ) -> None:
        name = entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            if skip_dir(folder, name):
                return
        elif not name.endswith(self.suffixes):
            return
        path = entry.path
        if self.exclude.active and self.exclude.leaf(_relative(path, self.root), name):
            return
        if rules is not None and rules.ignored_entry(folder, name, is_dir):
            return
        if is_dir:
            stack.append(path)
            return
        if entry.is_symlink():
            # Links to folders are not followed; a link to a file counts as its target.
            try:
                path = str(Path(path).resolve(strict=True))
            except (OSError, RuntimeError) as exc:  # a loop of links: RuntimeError on 3.11
                self.fail(path, exc)
                return
            if not os.path.isfile(path):
                return
        self.found.add(path)
