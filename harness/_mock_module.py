"""mock_module: replace a whole module with a fake for the length of a ``with`` block."""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness._errors import MissingExportsError, StrictCheckUnavailable

Factory = Mapping[str, Any] | Callable[[], Mapping[str, Any]]

#: ``check(module, provided, project)`` -> the sorted names the fake lacks.
StrictCheck = Callable[[str, Collection[str], Path], list[str]]

FIX_HINT = "Run `mock-audit fix` to add stubs for them."

# The harness does not depend on the tools that test it: the analysis behind strict mode
# (mock-audit's) is registered from outside, by fake_store (and so by the pytest plugin).
_strict_check: StrictCheck | None = None

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


def set_strict_check(check: StrictCheck | None) -> StrictCheck | None:
    """Register the check ``mock_module(..., strict=True)`` runs; return the previous one.

    ``check(module, provided, project)`` returns the sorted names the project imports from
    ``module`` that are not in ``provided``, reading the project's config from ``project``
    upward. ``None`` clears it. Importing ``fake_store`` (which mockharness's pytest plugin
    does at startup) registers mock-audit's check.
    """
    global _strict_check
    if check is not None and not callable(check):
        raise TypeError(
            "set_strict_check() needs a callable check(module, provided, project) or None, "
            f"got {type(check).__name__}: {check!r}."
        )
    previous, _strict_check = _strict_check, check
    return previous


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
    ``name``, as the check registered with ``set_strict_check`` answers, else
    ``MissingExportsError`` is raised and nothing is installed; the project's
    ``[tool.mock-audit]`` config is looked up from ``project`` (default: the
    directory of the calling file) upward. With no check registered, strict mode
    raises ``StrictCheckUnavailable``.
    """
    _check_name(name)
    attributes = _attributes(name, factory)
    if strict:
        check = _strict_check
        if check is None:
            raise StrictCheckUnavailable(name)
        where = Path(project) if project is not None else _caller_directory()
        missing = check(name, sorted(attributes), where)
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
