"""mock_module: replace a whole module with a fake for the length of a ``with`` block."""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness._errors import MissingExportsError

Factory = Mapping[str, Any] | Callable[[], Mapping[str, Any]]

FIX_HINT = "Run `mock-audit fix` to add stubs for them."

_ABSENT = object()  # "there was nothing here", distinct from an attribute set to None


def _check_name(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"mock_module name must be a str, got {type(name).__name__}: {name!r}.")
    if not name or not all(part.isidentifier() for part in name.split(".")):
        raise ValueError(
            f"mock_module name must be a dotted module name such as 'pkg.mod'; got {name!r}."
        )
    return name


def _attributes(name: str, factory: object) -> dict[str, Any]:
    produced = factory if isinstance(factory, Mapping) else None
    if produced is None:
        if not callable(factory):
            raise TypeError(
                f"mock_module({name!r}, ...): factory must be a mapping of attributes or a "
                f"callable returning one, got {type(factory).__name__}: {factory!r}."
            )
        produced = factory()
        if not isinstance(produced, Mapping):
            raise TypeError(
                f"mock_module({name!r}, ...): the factory returned "
                f"{type(produced).__name__}: {produced!r}, not a mapping of attributes."
            )
    bad = [key for key in produced if not isinstance(key, str) or not key.isidentifier()]
    if bad:
        raise ValueError(
            f"mock_module({name!r}, ...): attribute names must be identifiers; got {bad!r}."
        )
    return dict(produced)


def _missing_exports(name: str, provided: list[str], project: Path) -> list[str]:
    # Imported here: audit (libcst and all) is only needed by strict mode.
    audit = importlib.import_module("audit")
    missing = audit.missing_exports(name, provided, start=project)
    return sorted(str(item) for item in missing)


def _caller_directory() -> Path:
    """The directory of the file that entered ``mock_module``: its project's config is
    found from there upward, whatever the working directory of the test run is."""
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module != "contextlib" and not module.startswith(("harness.", "fake_store.")):
            filename = frame.f_globals.get("__file__")
            if filename:
                return Path(filename).resolve().parent
            break
        frame = frame.f_back  # type: ignore[assignment]
    return Path(os.getcwd())


@contextmanager
def mock_module(
    name: str,
    factory: Factory,
    *,
    strict: bool = False,
    project: str | os.PathLike[str] | None = None,
) -> Iterator[types.ModuleType]:
    """Install a fake module built from ``factory`` as ``sys.modules[name]``.

    The fake is also set as the attribute on its parent package when the parent
    is imported. Both are restored on exit, including "was absent". With
    ``strict=True`` the fake must provide every name the project imports from
    ``name``, else ``MissingExportsError`` is raised and nothing is installed;
    the project's ``[tool.mock-audit]`` config is looked up from ``project``
    (default: the directory of the calling file) upward.
    """
    _check_name(name)
    attributes = _attributes(name, factory)
    if strict:
        where = Path(project) if project is not None else _caller_directory()
        missing = _missing_exports(name, sorted(attributes), where)
        if missing:
            raise MissingExportsError(name, missing, hint=FIX_HINT)

    fake = types.ModuleType(name)
    fake.__dict__.update(attributes)
    parent_name, _, child = name.rpartition(".")

    saved_module = sys.modules.get(name, _ABSENT)
    parent = sys.modules.get(parent_name) if parent_name else None
    saved_attr = getattr(parent, child, _ABSENT) if parent is not None else _ABSENT

    sys.modules[name] = fake
    if parent is not None:
        setattr(parent, child, fake)
    try:
        yield fake
    finally:
        if saved_module is _ABSENT:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = saved_module  # type: ignore[assignment]
        if parent is not None:
            _restore_attr(parent, child, saved_attr)
        elif parent_name:
            # The parent was imported during the block and may have picked up the fake.
            late_parent = sys.modules.get(parent_name)
            if late_parent is not None and getattr(late_parent, child, None) is fake:
                _restore_attr(late_parent, child, saved_module)


def _restore_attr(parent: object, child: str, saved: object) -> None:
    if saved is _ABSENT:
        if hasattr(parent, child):
            delattr(parent, child)
    else:
        setattr(parent, child, saved)
