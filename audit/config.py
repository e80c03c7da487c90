"""Load the mock-audit settings (``[tool.mock-audit]`` or a bare-key file) and check every key."""

from __future__ import annotations

import ast
import dataclasses
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .layout import read_toml, source_roots, test_paths, top_level_names
from .model import CODES, Code, Config, Require

SECTION = "[tool.mock-audit]"
KEYS = (
    "cache-dir",
    "exclude",
    "extend-select",
    "ignore",
    "line-length",
    "require",
    "select",
    "src",
    "stubs",
    "tests",
)
DEFAULT_CACHE_DIR = ".mock-audit-cache"
DEFAULT_LINE_LENGTH = 88
_CODE_LIST = ", ".join(CODES)
_CODE_LIKE = re.compile(r"[A-Z]+[0-9]*")


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml with a mock-audit table, else the nearest pyproject.toml."""
    start = start.resolve()
    nearest: Path | None = None
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        nearest = nearest or candidate
        # Parse only files that can hold the table: a broken pyproject.toml of some
        # unrelated enclosing folder is not ours to complain about.
        if _mentions_us(candidate) and _has_section(read_toml(candidate)):
            return candidate
    return nearest


def load_config(start: Path | None = None, file: Path | None = None) -> Config:
    """Load the settings that apply at ``start`` (default: cwd), or those in ``file``."""
    start = (start or Path.cwd()).resolve()
    if file is None:
        found = find_config(start)
        if found is None:
            return _Reader(start, None, {}, bare=False).config()
        return _Reader(found.parent, found, _section(found, read_toml(found)), bare=False).config()
    file = file.resolve()
    if not file.is_file():
        what = "is a folder, not a file" if file.is_dir() else "does not exist"
        raise ConfigError(
            None, f"The config file {str(file)!r} given with --config {what}.", key="--config"
        )
    data = read_toml(file)
    if file.name == "pyproject.toml" or _has_section(data) or {"tool", "project"} & set(data):
        return _Reader(file.parent, file, _section(file, data), bare=False).config()
    # A bare-key file (``mock-audit.toml``) configures the project it sits in.
    project = next((f for f in (file.parent, *file.parent.parents) if _is_pyproject(f)), None)
    return _Reader(project or file.parent, file, data, bare=True).config()


def with_codes(
    config: Config,
    select: Sequence[str] | None,
    ignore: Sequence[str],
    extend_select: Sequence[str],
) -> Config:
    """Apply the command line's code options on top of the config, with ruff's precedence.

    ``--select`` replaces the configured selection (its ignores included), then
    ``--extend-select`` adds and ``--ignore`` removes.
    """
    codes = config.select if select is None else _option_codes("--select", select)
    codes |= _option_codes("--extend-select", extend_select)
    codes -= _option_codes("--ignore", ignore)
    return dataclasses.replace(config, select=codes)


def expand_code(selector: str) -> frozenset[Code] | None:
    """The codes a selector names (a code, a prefix of codes such as ``MA00``, or ``ALL``)."""
    if selector == "ALL":
        return frozenset(CODES)
    if not selector.startswith("MA"):
        return None
    return frozenset(code for code in CODES if code.startswith(selector)) or None


def _option_codes(option: str, selectors: Iterable[str]) -> frozenset[Code]:
    codes: set[Code] = set()
    for selector in selectors:
        expanded = expand_code(selector)
        if expanded is None:
            raise ConfigError(
                None,
                f"The option {option} got {selector!r}, which is not a mock-audit code; "
                f"the codes are {_CODE_LIST}.",
                key=option,
            )
        codes |= expanded
    return frozenset(codes)


def _mentions_us(file: Path) -> bool:
    try:
        return b"mock-audit" in file.read_bytes()
    except OSError:
        return False


def _has_section(data: Mapping[str, Any]) -> bool:
    tool = data.get("tool")
    return isinstance(tool, dict) and "mock-audit" in tool


def _is_pyproject(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file()


def _section(file: Path, data: Mapping[str, Any]) -> dict[str, Any]:
    tool = data.get("tool")
    section = tool.get("mock-audit", {}) if isinstance(tool, dict) else {}
    if not isinstance(section, dict):
        raise ConfigError(file, f"{SECTION} must be a table; got {section!r}.")
    return section


class _Reader:
    """Check one settings table key by key; every error names the file and the key."""

    def __init__(
        self, root: Path, file: Path | None, table: Mapping[str, Any], *, bare: bool
    ) -> None:
        self.root = root
        self.file = file
        self.table = table
        self.bare = bare
        self.key_prefix = "key" if bare else f"{SECTION} key"

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(self.file, f"{self.key_prefix} {key!r} {message}", key=key)

    def expect(self, key: str, expected: str, value: object) -> ConfigError:
        return self.error(key, f"must be {expected}; got {value!r}.")

    def config(self) -> Config:
        self.check_keys()
        layout = source_roots(self.root)
        src, src_origin = self.src(), "config"
        if src is None:
            src, src_origin = layout.roots, layout.origin
        tests = self.tests()
        ignore_codes, ignore_names = self.ignore()
        return Config(
            root=self.root,
            file=self.file,
            src=src,
            src_origin=src_origin,
            package_dirs=layout.package_dirs,
            tests=tests,
            exclude=tuple(self.strings("exclude", [])),
            require=self.require(),
            stubs=self.stubs(),
            ignore_names=ignore_names,
            select=self.select() - ignore_codes,
            cache_dir=self.cache_dir(src, tests),
            line_length=self.line_length(),
            first_party=layout.first_party | top_level_names(src),
        )

    def check_keys(self) -> None:
        unknown = sorted(set(self.table) - set(KEYS))
        if not unknown:
            return
        where = "the file" if self.bare else SECTION
        hint = (
            " (a bare config file holds mock-audit's keys at its top level; a pyproject.toml "
            "holds them under [tool.mock-audit])"
            if self.bare
            else ""
        )
        raise ConfigError(
            self.file,
            f"{where} has unknown key {unknown[0]!r}; the known keys are {', '.join(KEYS)}{hint}.",
            key=unknown[0],
        )

    def strings(self, key: str, default: list[str]) -> list[str]:
        value = self.table.get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.expect(key, "a list of strings", value)
        return value

    def paths(self, key: str, items: list[str], *, folders: bool) -> tuple[Path, ...]:
        paths: list[Path] = []
        for item in items:
            path = (self.root / item).resolve()
            if not (path.is_dir() if folders else path.exists()):
                what = "a folder" if folders else "a file or folder"
                raise self.error(
                    key, f"names {item!r}, which is not {what} (looked for {str(path)!r})."
                )
            if path not in paths:
                paths.append(path)
        return tuple(paths)

    def src(self) -> tuple[Path, ...] | None:
        if "src" not in self.table:
            return None
        items = self.strings("src", [])
        if not items:
            # With no roots nothing resolves, and every fake would pass unchecked.
            raise self.expect("src", "a list of at least one folder", items)
        return self.paths("src", items, folders=True)

    def tests(self) -> tuple[Path, ...]:
        if "tests" not in self.table:
            # pytest's own testpaths, else tests/ or test/ (a default that may not exist)
            found = [p.resolve() for p in test_paths(self.root) if p.exists()]
            if found:
                return tuple(found)
            for name in ("tests", "test"):
                if (self.root / name).is_dir():
                    return ((self.root / name).resolve(),)
            return ((self.root / "tests").resolve(),)
        return self.paths("tests", self.strings("tests", []), folders=False)

    def require(self) -> Require:
        value = self.table.get("require", "used")
        if value not in ("used", "exports"):
            raise self.expect("require", "'used' or 'exports'", value)
        return "exports" if value == "exports" else "used"

    def stubs(self) -> dict[str, str]:
        stubs = self.table.get("stubs", {})
        expected = 'a table of name = "expression" strings'
        if not isinstance(stubs, dict) or not all(isinstance(v, str) for v in stubs.values()):
            raise self.expect("stubs", expected, stubs)
        for name, expression in stubs.items():
            if not name.isidentifier():
                raise self.error("stubs", f"names {name!r}, which is not a Python identifier.")
            try:
                ast.parse(expression, mode="eval")
            except SyntaxError as exc:
                raise self.expect(f"stubs.{name}", "a Python expression", expression) from exc
        return dict(stubs)

    def codes(self, key: str, entries: Iterable[str]) -> frozenset[Code]:
        codes: set[Code] = set()
        for entry in entries:
            expanded = expand_code(entry)
            if expanded is None:
                raise self.error(
                    key, f"names the unknown code {entry!r}; the codes are {_CODE_LIST}."
                )
            codes |= expanded
        return frozenset(codes)

    def select(self) -> frozenset[Code]:
        selected = self.strings("select", list(CODES))
        return self.codes("select", selected) | self.codes(
            "extend-select", self.strings("extend-select", [])
        )

    def ignore(self) -> tuple[frozenset[Code], frozenset[tuple[str, str]]]:
        """Split ``ignore`` into codes (ruff's meaning) and ``module:name`` entries."""
        codes: list[str] = []
        names: set[tuple[str, str]] = set()
        for entry in self.strings("ignore", []):
            module, sep, name = (part.strip() for part in entry.partition(":"))
            if sep and _is_dotted(module) and (name == "*" or name.isidentifier()):
                names.add((module, name))
            elif not sep and (expand_code(entry) or _CODE_LIKE.fullmatch(entry)):
                codes.append(entry)
            else:
                raise self.expect(
                    "ignore",
                    f"a list of codes ({_CODE_LIST}) or 'module:name' entries "
                    "(name '*' for the whole module)",
                    entry,
                )
        return self.codes("ignore", codes), frozenset(names)

    def cache_dir(self, src: tuple[Path, ...], tests: tuple[Path, ...]) -> Path | None:
        value = self.table.get("cache-dir", DEFAULT_CACHE_DIR)
        if value is False:
            return None
        if not isinstance(value, str):
            raise self.expect("cache-dir", "a folder path, or false to turn the cache off", value)
        path = (self.root / value).resolve()
        if not value.strip() or path == self.root:
            reason = "the project root"
        elif self.root.is_relative_to(path):
            reason = "a folder holding the project root"
        else:
            inside = next((r for r in (*src, *tests) if r.is_relative_to(path)), None)
            if inside is None and path.exists() and not path.is_dir():
                raise self.error("cache-dir", f"names {value!r}, which is a file, not a folder.")
            if inside is None:
                # unresolved: the cache refuses a link of a folder, and writes nothing
                # outside its own folder
                return Path(os.path.abspath(self.root / value))
            kind = "source" if inside in src else "test"
            same = inside == path
            reason = f"{'the' if same else 'a folder holding the'} {kind} root {str(inside)!r}"
        raise self.error(
            "cache-dir",
            f"must not be {value!r}, which is {reason}: the cache must be a folder of its own "
            f"(mock-audit keeps it out of git), such as {DEFAULT_CACHE_DIR!r}.",
        )

    def line_length(self) -> int:
        if "line-length" in self.table:
            value = self.table["line-length"]
            length = _length(value)
            if length is None:
                raise self.expect("line-length", "a positive integer", value)
            return length
        return project_line_length(self.root)


def project_line_length(root: Path) -> int:
    """The line length the project's formatter uses: ruff's, else black's, else 88."""
    # Ruff's own order: .ruff.toml, then ruff.toml, then [tool.ruff] in pyproject.toml.
    for name in (".ruff.toml", "ruff.toml"):
        file = root / name
        if file.is_file():
            length = _length(_quiet_toml(file).get("line-length"))
            if length is not None:
                return length
    tool = _quiet_toml(root / "pyproject.toml").get("tool")
    tool = tool if isinstance(tool, dict) else {}
    for name in ("ruff", "black"):
        table = tool.get(name)
        length = _length(table.get("line-length")) if isinstance(table, dict) else None
        if length is not None:
            return length
    return DEFAULT_LINE_LENGTH


def _quiet_toml(file: Path) -> dict[str, Any]:
    # Another tool's settings: a broken or missing file is that tool's problem, not ours.
    try:
        return read_toml(file) if file.is_file() else {}
    except ConfigError:
        return {}


def _length(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _is_dotted(module: str) -> bool:
    return bool(module) and all(part.isidentifier() for part in module.split("."))
