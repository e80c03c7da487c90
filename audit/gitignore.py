"""Tell which files git ignores, by reading ``.gitignore`` files ourselves.

Running ``git`` in an untrusted checkout can execute code (``core.fsmonitor`` and other
hooks in ``.git/config``), and nothing mock-audit reads from a checkout may do that; so
this is a small pure-Python matcher of git's pattern rules (gitignore(5), git's
``wildmatch``). It reads the ``.gitignore`` files from the repository root (the folder
holding ``.git``) down to each folder and ``.git/info/exclude``; a nested repository
starts afresh with its own. It never reads ``.git/config``, so a global
``core.excludesFile`` is not honoured.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

# POSIX classes git's wildmatch knows, as the inside of a regex character class.
_CLASSES = {
    "alnum": "a-zA-Z0-9",
    "alpha": "a-zA-Z",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "\\x21-\\x7e",
    "lower": "a-z",
    "print": "\\x20-\\x7e",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "space": " \\t\\n\\r\\f\\v",
    "upper": "A-Z",
    "xdigit": "0-9a-fA-F",
}


@dataclass(frozen=True)
class IgnorePattern:
    """One line of an ignore file, compiled to a regex source."""

    regex: str  # matches the basename (``basename``) or the path below the file's folder
    negated: bool
    dir_only: bool
    basename: bool


def _trim_trailing_spaces(line: str) -> str:
    """Drop trailing spaces that are not escaped with a backslash (git's rule)."""
    last_space = -1
    i = 0
    while i < len(line):
        char = line[i]
        if char == " ":
            if last_space < 0:
                last_space = i
        else:
            if char == "\\":
                i += 1
                if i == len(line):
                    return line
            last_space = -1
        i += 1
    return line[:last_space] if last_space >= 0 else line


def parse_line(line: str) -> IgnorePattern | None:
    """One line of a gitignore file as a pattern; None for blanks, comments and
    patterns git could never match."""
    if line.endswith("\r"):  # git drops the CR of CRLF line ends
        line = line[:-1]
    if not line or line.startswith("#"):
        return None
    line = _trim_trailing_spaces(line)
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    dir_only = line.endswith("/")
    if dir_only:
        line = line[:-1]
    if not line:
        return None
    basename = "/" not in line
    if line.startswith("/"):
        line = line[1:]
    regex = _translate(line)
    if regex is None:
        return None
    return IgnorePattern(regex, negated, dir_only, basename)


def _translate(pattern: str) -> str | None:
    """A regex for a wildmatch pattern with git's WM_PATHNAME rules; None if invalid."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            i += 1
            if i == n:  # a trailing backslash makes the pattern invalid
                return None
            out.append(re.escape(pattern[i]))
        elif char == "*":
            start = i
            while i + 1 < n and pattern[i + 1] == "*":
                i += 1
            at_boundary = start == 0 or pattern[start - 1] == "/"
            if i > start and at_boundary and i + 1 == n:
                out.append(".*")  # trailing "/**" (or a lone "**"): everything inside
            elif i > start and at_boundary and pattern[i + 1] == "/":
                out.append("(?:.*/)?")  # "**/": zero or more folders
                i += 1
            else:
                out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            parsed = _bracket(pattern, i)
            if parsed is None:
                return None
            regex, i = parsed
            out.append(regex)
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def _bracket(pattern: str, start: int) -> tuple[str, int] | None:
    """The regex for the ``[...]`` at ``start`` and the index of its ``]``; None when
    it is unterminated or names an unknown class (git then matches nothing).

    A port of the bracket loop of git's wildmatch, quirks included: the first item may
    be ``]``, a range's first character also matches alone (so a reversed range ``[z-a]``
    matches ``z``), and ``[:`` without a closing ``:]`` is a plain ``[``.
    """
    i, n = start + 1, len(pattern)
    negated = i < n and pattern[i] in "!^"
    if negated:
        i += 1
    items: list[str] = []
    previous = ""  # the last single character, which a following "-" makes a range start
    first = True
    while True:
        if i >= n:
            return None
        char = pattern[i]
        if char == "]" and not first:
            break
        first = False
        if char == "\\":
            i += 1
            if i >= n:
                return None
            previous = pattern[i]
            items.append(re.escape(previous))
        elif char == "-" and previous and i + 1 < n and pattern[i + 1] != "]":
            i += 1
            high = pattern[i]
            if high == "\\":
                i += 1
                if i >= n:
                    return None
                high = pattern[i]
            if previous <= high:
                items.append(f"{re.escape(previous)}-{re.escape(high)}")
            previous = ""
        elif char == "[" and pattern.startswith("[:", i):
            end = pattern.find("]", i + 2)
            if end < 0:
                return None
            name = pattern[i + 2 : end]
            if not name.endswith(":"):
                items.append(re.escape("["))
                previous = "["
                i += 1
                continue
            if name[:-1] not in _CLASSES:
                return None
            items.append(_CLASSES[name[:-1]])
            previous = ""
            i = end
        else:
            previous = char
            items.append(re.escape(char))
        i += 1
    # Under WM_PATHNAME a bracket never matches "/".
    if negated:
        return f"[^/{''.join(items)}]", i
    return f"(?!/)[{''.join(items)}]", i


class _Level:
    """The patterns of one file, applying to paths below ``base``."""

    def __init__(self, base: str, patterns: list[IgnorePattern]) -> None:
        self.prefix_len = len(base) + 1
        # The last matching pattern decides: alternatives are tried last line first,
        # one regex per (kind of subject, kind of path), with one group per line.
        self._regexes = {
            (basename, is_dir): self._compile(patterns, basename, is_dir)
            for basename in (True, False)
            for is_dir in (True, False)
        }

    @staticmethod
    def _compile(
        patterns: list[IgnorePattern], basename: bool, is_dir: bool
    ) -> tuple[re.Pattern[str], list[tuple[int, bool]]] | None:
        chosen = [
            (index, p)
            for index, p in enumerate(patterns)
            if p.basename is basename and (is_dir or not p.dir_only)
        ]
        if not chosen:
            return None
        chosen.reverse()
        regex = re.compile("|".join(f"({p.regex})" for _, p in chosen), re.DOTALL)
        return regex, [(index, p.negated) for index, p in chosen]

    def verdict(self, path: str, name: str, is_dir: bool) -> bool | None:
        """True ignored, False re-included, None when no pattern of this file matches."""
        best: tuple[int, bool] | None = None
        for basename in (True, False):
            compiled = self._regexes[basename, is_dir]
            if compiled is None:
                continue
            regex, lines = compiled
            if basename:
                subject = name
            else:
                subject = path[self.prefix_len :]
                if os.sep != "/":
                    subject = subject.replace(os.sep, "/")
            match = regex.fullmatch(subject)
            if match is not None and match.lastindex is not None:
                line = lines[match.lastindex - 1]
                if best is None or line[0] > best[0]:
                    best = line
        return None if best is None else not best[1]


def _read_lines(path: str, *, follow_links: bool) -> list[str]:
    flags = os.O_RDONLY
    if not follow_links:  # git does not follow an in-tree .gitignore that is a link
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return []
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read()
    except OSError:
        return []
    text = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    return text.split("\n")


def _level(base: str, file: str, *, follow_links: bool = False) -> _Level | None:
    patterns = [
        p for p in map(parse_line, _read_lines(file, follow_links=follow_links)) if p is not None
    ]
    return _Level(base, patterns) if patterns else None


def _git_dir(root: str) -> str:
    """The repository's own git folder (``.git``, or where a ``.git`` file points)."""
    dot_git = os.path.join(root, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    for line in _read_lines(dot_git, follow_links=True):
        if line.startswith("gitdir:"):
            git_dir = os.path.join(root, line[len("gitdir:") :].strip())
            # A linked worktree keeps info/exclude in the common folder.
            common = _read_lines(os.path.join(git_dir, "commondir"), follow_links=True)
            if common and common[0].strip():
                return os.path.normpath(os.path.join(git_dir, common[0].strip()))
            return os.path.normpath(git_dir)
    return dot_git


def _info_exclude(root: str) -> tuple[_Level, ...]:
    """The repository's ``info/exclude``: the weakest patterns, anchored at ``root``."""
    level = _level(root, os.path.join(_git_dir(root), "info", "exclude"), follow_links=True)
    return () if level is None else (level,)


class GitIgnore:
    """The ignore rules of one git work tree; ``.gitignore`` files are read on demand."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self._prefix = self.root + os.sep
        self._levels: dict[str, tuple[_Level, ...]] = {}
        self._dirs: dict[str, bool] = {}  # folder -> ignored, itself or through a parent

    @classmethod
    def for_root(cls, start: Path) -> GitIgnore | None:
        """The rules of the work tree holding ``start``; None outside any."""
        here = start.resolve()
        for folder in (here, *here.parents):
            if os.path.lexists(folder / ".git"):
                return cls(folder)
        return None

    def _levels_for(self, folder: str) -> tuple[_Level, ...]:
        """The pattern files that apply to entries of ``folder``, root first."""
        levels = self._levels.get(folder)
        if levels is None:
            if folder == self.root or os.path.lexists(os.path.join(folder, ".git")):
                # A nested repository has its own rules, not those of the folders above.
                above = _info_exclude(folder)
            else:
                above = self._levels_for(os.path.dirname(folder))
            own = _level(folder, os.path.join(folder, ".gitignore"))
            levels = above if own is None else (*above, own)
            self._levels[folder] = levels
        return levels

    def ignored_entry(self, folder: str, name: str, is_dir: bool) -> bool:
        """Whether the entry ``name`` of ``folder`` is ignored, given that no folder above
        it is (the walker does not descend into ignored folders)."""
        if not (folder == self.root or folder.startswith(self._prefix)):
            return False
        path = os.path.join(folder, name)
        # Deeper files take precedence over shallower ones, info/exclude comes last.
        for level in reversed(self._levels_for(folder)):
            verdict = level.verdict(path, name, is_dir)
            if verdict is not None:
                return verdict
        return False

    def ignored(self, path: str, is_dir: bool) -> bool:
        """Whether git ignores the absolute ``path``, also through an ignored parent
        folder (a file is never re-included inside an excluded folder)."""
        path = os.path.normpath(path)
        if not path.startswith(self._prefix):
            return False
        folder, name = os.path.split(path)
        return self._dir_ignored(folder) or self.ignored_entry(folder, name, is_dir)

    def _dir_ignored(self, folder: str) -> bool:
        if folder == self.root or not folder.startswith(self._prefix):
            return False
        verdict = self._dirs.get(folder)
        if verdict is None:
            parent, name = os.path.split(folder)
            verdict = self._dir_ignored(parent) or self.ignored_entry(parent, name, True)
            self._dirs[folder] = verdict
        return verdict
