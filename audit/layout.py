"""Find where a project's sources are, from its packaging metadata, without running any of it.

Every file is read as text (TOML, ini, or ``ast`` for ``setup.py``): the project being
audited may be untrusted, so nothing of it is imported or executed.
"""

from __future__ import annotations

import ast
import configparser
import re
import shlex
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

# Top-level folders that hold no importable project code even when they hold .py files.
_NOT_PACKAGES = frozenset(
    {"tests", "test", "docs", "doc", "examples", "scripts", "build", "dist"}
    | {"node_modules", "site-packages", "__pycache__"}
)
# Top-level modules that are tooling, not the project's code.
_NOT_MODULES = frozenset({"setup", "conftest", "noxfile"})
_SOURCE_SUFFIXES = (".py", ".pyx")


@dataclass(frozen=True)
class Layout:
    """Where a project's sources are and which top-level names are its own."""

    roots: tuple[Path, ...]  # absolute; most specific first; each a folder sys.path would hold
    # "uv workspace", "setuptools", "hatch", "poetry", "setup.cfg", "setup.py", "src", "flat"
    # ("pytest" when only pytest's pythonpath names a root).
    origin: str
    first_party: frozenset[str]  # top-level importable names of the project
    # Packages whose folder is not ``<root>/<name>`` (setuptools ``package-dir``): name -> folder.
    package_dirs: Mapping[str, Path] = field(default_factory=dict)


@dataclass
class _Found:
    roots: list[Path] = field(default_factory=list)
    origin: str = ""
    names: set[str] = field(default_factory=set)
    package_dirs: dict[str, Path] = field(default_factory=dict)

    def add(self, origin: str, folder: Path) -> None:
        folder = folder.resolve()
        if not folder.is_dir() or folder in self.roots:
            return
        self.origin = self.origin or origin
        self.roots.append(folder)

    def name(self, dotted: str) -> None:
        top = dotted.split(".")[0].strip()
        if top.isidentifier():
            self.names.add(top)

    def merge(self, origin: str, other: _Found) -> None:
        for folder in other.roots:
            self.add(origin or other.origin, folder)
        self.names |= other.names
        self.package_dirs.update(other.package_dirs)


def read_toml(file: Path) -> dict[str, Any]:
    """Parse a TOML file; an unreadable or invalid one is a ``ConfigError`` naming it."""
    try:
        data: dict[str, Any] = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(file, f"the file cannot be read: {exc}.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, f"the file is not valid TOML: {exc}.") from exc
    except RecursionError:
        raise ConfigError(file, "the file is nested too deeply to read as TOML.") from None
    return data


def source_roots(root: Path) -> Layout:
    """Find the source roots and first-party names of the project at ``root``."""
    root = root.resolve()
    found = _project(root, set())
    if not found.roots:
        found.add("flat", root)
    # A folder mapped to another package name is importable only under that name.
    renamed = {folder.name for folder in found.package_dirs.values()}
    names = (top_level_names(found.roots) - renamed) | found.names
    return Layout(
        roots=_most_specific_first(found.roots),
        origin=found.origin or "flat",
        first_party=frozenset(names),
        package_dirs=dict(found.package_dirs),
    )


def top_level_names(roots: Iterable[Path]) -> frozenset[str]:
    """The packages and modules directly inside ``roots`` (one level: never a deep walk)."""
    names: set[str] = set()
    for folder in roots:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        names.update(entry.name for entry in entries if entry.is_dir() and _is_package(entry))
        names.update(
            entry.name.split(".")[0]
            for entry in entries
            if entry.suffix in _SOURCE_SUFFIXES
            and entry.stem.isidentifier()
            and entry.stem not in _NOT_MODULES
            and entry.is_file()
        )
    return frozenset(names)


def _is_package(folder: Path) -> bool:
    name = folder.name
    if not name.isidentifier() or name in _NOT_PACKAGES or name.startswith("bench"):
        return False
    if (folder / "pyvenv.cfg").exists():
        return False
    if (folder / "__init__.py").is_file():
        return True
    if name == "src":  # a src layout's folder, a source root itself, not a namespace package
        return False
    try:  # a namespace package: .py files but no __init__.py
        return any(e.suffix in _SOURCE_SUFFIXES and e.is_file() for e in folder.iterdir())
    except OSError:
        return False


def _most_specific_first(roots: list[Path]) -> tuple[Path, ...]:
    # Keep discovery order, but a root must come before any folder that contains it:
    # ``src/pkg/mod.py`` is module ``pkg.mod``, never ``src.pkg.mod``.
    ordered: list[Path] = []
    for folder in roots:
        at = next((i for i, r in enumerate(ordered) if folder.is_relative_to(r)), len(ordered))
        ordered.insert(at, folder)
    return tuple(ordered)


def _project(base: Path, seen: set[Path]) -> _Found:
    seen.add(base)
    file = base / "pyproject.toml"
    data = read_toml(file) if file.is_file() else {}
    tool = _table(data.get("tool"))
    found = _Found()
    workspace = _table(_table(tool.get("uv")).get("workspace"))
    if workspace:
        for member in _members(base, workspace):
            if member not in seen:
                found.merge("uv workspace", _project(member, seen))
        if "project" in data:
            found.merge("uv workspace", _own(base, tool))
    if not found.roots:
        found.merge("", _own(base, tool))
    for folder in _pytest_pythonpath(base, data):
        found.add("pytest", folder)
    return found


def _own(base: Path, tool: Mapping[str, Any]) -> _Found:
    """The project's own roots: the packaging metadata's, else ``src`` or the folder itself."""
    found = _Found()
    _setuptools_toml(found, base, _table(tool.get("setuptools")))
    _hatch(found, base, _table(tool.get("hatch")))
    _poetry(found, base, _table(tool.get("poetry")))
    _setup_cfg(found, base)
    _setup_py(found, base)
    if not found.roots:  # the names the metadata lists stay first party all the same
        found.merge("", _fallback(base))
    return found


def _fallback(base: Path) -> _Found:
    found = _Found()
    src = base / "src"
    # ``src/__init__.py`` makes ``src`` a package of a flat layout (``from src.app import x``).
    if not (src / "__init__.py").is_file() and top_level_names([src]):
        found.add("src", src)
    elif top_level_names([base]):  # a project is one or the other: scripts beside src/ are not
        found.add("flat", base)
    return found


def _members(base: Path, workspace: Mapping[str, Any]) -> list[Path]:
    def expand(patterns: object) -> set[Path]:
        folders: set[Path] = set()
        for pattern in _strings(patterns):
            try:
                folders.update(p.resolve() for p in base.glob(pattern) if p.is_dir())
            except (ValueError, NotImplementedError):  # absolute or otherwise unusable glob
                continue
        return folders

    members = expand(workspace.get("members")) - expand(workspace.get("exclude"))
    return sorted(m for m in members if (m / "pyproject.toml").is_file() and m != base)


# --- packaging metadata, one reader per tool ---------------------------------------


def _setuptools(
    found: _Found,
    base: Path,
    origin: str,
    package_dir: Mapping[str, str],
    find_where: list[str] | None,
    names: list[str],
) -> None:
    """Apply setuptools' rules, shared by pyproject.toml, setup.cfg and setup.py."""
    mapped = package_dir.get("")
    if mapped is not None:
        found.add(origin, base / mapped)
    for name, target in package_dir.items():
        if not name or "." in name:  # dotted keys remap subpackages; the top level is elsewhere
            continue
        folder = (base / target).resolve()
        found.name(name)
        if folder.name != name:
            found.package_dirs[name] = folder
        if folder != base:
            found.add(origin, folder.parent)
    if find_where is not None:
        # ``find`` without ``where`` searches the project folder, or the "" package-dir.
        for where in find_where or ([] if mapped is not None else ["."]):
            found.add(origin, base / where)
    elif mapped is None and any(name.split(".")[0] not in package_dir for name in names):
        found.add(origin, base)  # listed packages that no package-dir maps live at the top
    for name in names:
        found.name(name)


def _setuptools_toml(found: _Found, base: Path, setuptools: Mapping[str, Any]) -> None:
    if not setuptools:
        return
    packages = setuptools.get("packages")
    find = _table(packages).get("find") if isinstance(packages, dict) else None
    where = _strings(_table(find).get("where")) if find is not None else None
    package_dir = {k: v for k, v in _table(setuptools.get("package-dir")).items() if _is_str(v)}
    names = _strings(packages) + _strings(setuptools.get("py-modules"))
    _setuptools(found, base, "setuptools", package_dir, where, names)


def _hatch(found: _Found, base: Path, hatch: Mapping[str, Any]) -> None:
    build = _table(hatch.get("build"))
    wheel = _table(_table(build.get("targets")).get("wheel"))
    for entry in _strings(wheel.get("packages")) + _strings(build.get("packages")):
        path = base / entry
        found.add("hatch", path.parent)
        found.name(path.stem if path.suffix in _SOURCE_SUFFIXES else path.name)


def _poetry(found: _Found, base: Path, poetry: Mapping[str, Any]) -> None:
    for entry in poetry.get("packages") or ():
        if not isinstance(entry, dict) or not _is_str(entry.get("include")):
            continue
        origin = entry.get("from", ".")
        found.add("poetry", base / (origin if _is_str(origin) else "."))
        top = entry["include"].split("/")[0]
        found.name(top.removesuffix(".py"))


def _setup_cfg(found: _Found, base: Path) -> None:
    parser = _ini(base / "setup.cfg")
    if parser is None or not parser.has_section("options"):
        return
    options = parser["options"]
    package_dir = _ini_mapping(options.get("package_dir", ""))
    packages = options.get("packages", "").strip()
    where: list[str] | None = None
    names = _ini_list(options.get("py_modules", ""))
    if packages.startswith(("find:", "find_namespace:")):
        section = "options.packages.find"
        where = _ini_list(parser.get(section, "where", fallback="")) if section in parser else []
    else:
        names += _ini_list(packages)
    _setuptools(found, base, "setup.cfg", package_dir, where, names)


def _setup_py(found: _Found, base: Path) -> None:
    file = base / "setup.py"
    if not file.is_file():
        return
    text = file.read_text(encoding="utf-8", errors="replace")
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        # Newer syntax than ours, or broken: the common src layout is still worth a look.
        match = re.search(r"package_dir\s*=\s*\{\s*(['\"])\1\s*:\s*['\"]([^'\"]+)['\"]", text)
        if match:
            _setuptools(found, base, "setup.py", {"": match.group(2)}, None, [])
        return
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and _call_name(call) == "setup":
            _setup_call(found, base, call)


def _setup_call(found: _Found, base: Path, call: ast.Call) -> None:
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    package_dir = _literal(keywords.get("package_dir"))
    package_dir = package_dir if isinstance(package_dir, dict) else {}
    package_dir = {k: v for k, v in package_dir.items() if _is_str(k) and _is_str(v)}
    where: list[str] | None = None
    packages = keywords.get("packages")
    names = _strings(_literal(keywords.get("py_modules")))
    if isinstance(packages, ast.Call) and _call_name(packages).startswith("find"):
        args = [_literal(a) for a in packages.args[:1]]
        args += [_literal(k.value) for k in packages.keywords if k.arg == "where"]
        where = _strings(args[:1])
    else:
        names += _strings(_literal(packages))
    _setuptools(found, base, "setup.py", package_dir, where, names)


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _literal(node: ast.expr | None) -> object:
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return None


# --- pytest's pythonpath ------------------------------------------------------------


def _pytest_pythonpath(base: Path, pyproject: Mapping[str, Any]) -> list[Path]:
    """The folders pytest's ``pythonpath`` adds, from the ini file pytest would pick."""
    return _pytest_paths(base, pyproject, "pythonpath")


def test_paths(root: Path) -> list[Path]:
    """pytest's ``testpaths`` for the project at ``root`` (empty when not set)."""
    try:
        pyproject = (
            read_toml(root / "pyproject.toml") if (root / "pyproject.toml").is_file() else {}
        )
    except ConfigError:
        pyproject = {}
    return _pytest_paths(root, pyproject, "testpaths")


def pytest_option(root: Path, key: str) -> str | list[str]:
    """The raw value of one of pytest's options for the project at ``root`` ("" when
    not set): a list from a TOML table, a string from an ini file."""
    try:
        pyproject = (
            read_toml(root / "pyproject.toml") if (root / "pyproject.toml").is_file() else {}
        )
    except ConfigError:
        pyproject = {}
    return (_pytest_options(root, pyproject) or {}).get(key, "")


def _pytest_paths(base: Path, pyproject: Mapping[str, Any], key: str) -> list[Path]:
    """A list-of-paths option of pytest, from the file pytest would pick."""
    value = (_pytest_options(base, pyproject) or {}).get(key, [])
    if isinstance(value, str):  # split as pytest splits it in an ini file
        return _paths(base, value)
    return [base / item for item in value]


def _pytest_options(base: Path, pyproject: Mapping[str, Any]) -> dict[str, str | list[str]] | None:
    """pytest's options from the one file pytest 9 takes them from, in its order:
    ``pytest.toml``/``.pytest.toml`` (``[pytest]``), ``pytest.ini``/``.pytest.ini`` (even
    without a section), ``pyproject.toml`` (``[tool.pytest]``, or the older
    ``[tool.pytest.ini_options]``), ``tox.ini``, ``setup.cfg``. None when none holds
    them."""
    for name in ("pytest.toml", ".pytest.toml"):
        if (base / name).is_file():
            try:
                return _toml_options(_table(read_toml(base / name).get("pytest")))
            except ConfigError:
                return {}  # pytest refuses it too; no options of ours come from it
    for name in ("pytest.ini", ".pytest.ini"):
        parser = _ini(base / name)
        if parser is not None:
            return dict(parser.items("pytest")) if parser.has_section("pytest") else {}
    tool = _table(_table(pyproject.get("tool")).get("pytest"))
    native = {k: v for k, v in tool.items() if k != "ini_options"}
    if native or "ini_options" in tool:
        return _toml_options(native or _table(tool.get("ini_options")))
    for name, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        parser = _ini(base / name)
        if parser is not None and parser.has_section(section):
            return dict(parser.items(section))
    return None


def _toml_options(table: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """A TOML table's options: lists of strings, and other values as strings."""
    return {
        key: _strings(value) if isinstance(value, (list, tuple)) else str(value)
        for key, value in table.items()
    }


def _paths(base: Path, value: str) -> list[Path]:
    try:
        parts = shlex.split(value)
    except ValueError:
        parts = value.split()
    return [base / part for part in parts]


# --- small readers ------------------------------------------------------------------


def _ini(file: Path) -> configparser.ConfigParser | None:
    if not file.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(file.read_text(encoding="utf-8", errors="replace"), str(file))
    except configparser.Error:  # setuptools and pytest would refuse it too; no hint here
        return None
    return parser


def _ini_list(value: str) -> list[str]:
    return [item.strip() for line in value.splitlines() for item in line.split(",") if item.strip()]


def _ini_mapping(value: str) -> dict[str, str]:
    # ``package_dir =\n    =src\n    pkg = lib/pkg`` (or all on one line)
    mapping: dict[str, str] = {}
    for line in value.splitlines():
        key, sep, target = line.partition("=")
        if sep and target.strip():
            mapping[key.strip()] = target.strip()
    return mapping


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> list[str]:
    # Lenient on purpose: this is another tool's metadata, not ours to validate.
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    return []


def _is_str(value: object) -> bool:
    return isinstance(value, str)
