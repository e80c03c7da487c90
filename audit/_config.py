"""Load ``[tool.mock-audit]`` from pyproject.toml and check every key's type."""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ._errors import ConfigError
from ._types import Config, Require

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

SECTION = "[tool.mock-audit]"
KEYS = ("cache-dir", "exclude", "ignore", "require", "src", "stubs", "tests")


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml with a mock-audit section, else the nearest pyproject.toml."""
    start = start.resolve()
    nearest: Path | None = None
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            nearest = nearest or candidate
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "mock-audit" in text and _section(_parse(candidate, text)) is not None:
                return candidate
    return nearest


def _parse(file: Path, text: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, f"the file is not valid TOML: {exc}.") from exc


def _section(data: Mapping[str, Any]) -> Any:
    tool = data.get("tool")
    return tool.get("mock-audit") if isinstance(tool, dict) else None


def load_config(start: Path | None = None, file: Path | None = None) -> Config:
    """Load the config that applies at ``start`` (default: cwd), or from ``file`` if given."""
    start = (start or Path.cwd()).resolve()
    if file is not None:
        file = file.resolve()
        if not file.is_file():
            raise ConfigError(None, f"The config file {str(file)!r} does not exist.")
    else:
        file = find_config(start)
    if file is None:
        return _build(start, None, {})
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(file, f"the file cannot be read: {exc}.") from exc
    section = _section(_parse(file, text))
    if section is None:
        section = {}
    if not isinstance(section, dict):
        raise ConfigError(file, f"{SECTION} must be a table; got {section!r}.")
    return _build(file.parent, file, section)


def _expect(file: Path | None, key: str, expected: str, value: object) -> ConfigError:
    return ConfigError(file, f"{SECTION} key {key!r} must be {expected}; got {value!r}.", key=key)


def _str_list(file: Path | None, key: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _expect(file, key, "a list of strings", value)
    return value


def _build(root: Path, file: Path | None, section: Mapping[str, Any]) -> Config:
    unknown = sorted(set(section) - set(KEYS))
    if unknown:
        raise ConfigError(
            file,
            f"{SECTION} has unknown key {unknown[0]!r}; the known keys are {', '.join(KEYS)}.",
            key=unknown[0],
        )
    paths: Callable[[list[str]], tuple[Path, ...]] = lambda items: tuple(  # noqa: E731
        (root / item).resolve() for item in items
    )
    if "src" in section:
        src = paths(_str_list(file, "src", section["src"]))
    else:
        src = tuple(p for p in paths(["src", "."]) if p.is_dir())
    tests = paths(_str_list(file, "tests", section.get("tests", ["tests"])))
    exclude = tuple(_str_list(file, "exclude", section.get("exclude", [])))

    require = section.get("require", "used")
    if require not in ("used", "exports"):
        raise _expect(file, "require", "'used' or 'exports'", require)
    req: Require = "exports" if require == "exports" else "used"

    stubs = section.get("stubs", {})
    if not isinstance(stubs, dict) or not all(isinstance(v, str) for v in stubs.values()):
        raise _expect(file, "stubs", 'a table of name = "expression" strings', stubs)
    for name, expr in stubs.items():
        try:
            ast.parse(expr, mode="eval")
        except SyntaxError as exc:
            raise _expect(file, f"stubs.{name}", "a Python expression", expr) from exc

    ignore: set[tuple[str, str]] = set()
    for entry in _str_list(file, "ignore", section.get("ignore", [])):
        module, sep, name = entry.partition(":")
        if not sep or not module or not name:
            raise _expect(file, "ignore", "a list of 'module:name' strings", entry)
        ignore.add((module.strip(), name.strip()))

    cache_dir = section.get("cache-dir", ".mock-audit-cache")
    if not isinstance(cache_dir, str):
        raise _expect(file, "cache-dir", "a string (a directory path)", cache_dir)

    return Config(
        root=root,
        file=file,
        src=src,
        tests=tests,
        exclude=exclude,
        require=req,
        stubs=dict(stubs),
        ignore=frozenset(ignore),
        cache_dir=(root / cache_dir).resolve(),
    )
