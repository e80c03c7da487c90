"""``project/scan.py``: the byte scanner says what ``ast`` says, on real code.

The replay reads every project module's imports from its bytes (``scan``); ``scan_ast``
parses. They must agree on every module both can read: the standard library and the
installed packages (libcst, pytest, ...) are thousands of real modules, written by many
hands, so a difference shows a case the byte scanner gets wrong.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

import _pytest
import libcst
import pytest

from audit.project.scan import UNKNOWN, Import, scan, scan_ast


def _modules() -> list[Path]:
    """The standard library's modules and those of the packages this test runs with."""
    roots = [Path(sysconfig.get_paths()["stdlib"])]
    roots += [Path(m.__file__).parent for m in (_pytest, libcst) if m.__file__]
    out: list[Path] = []
    for root in roots:
        for folder, dirs, files in os.walk(root):
            skip = ("test", "tests", "idlelib", "lib2to3", "site-packages")
            dirs[:] = sorted(d for d in dirs if d not in skip)
            out.extend(Path(folder, f) for f in sorted(files) if f.endswith(".py"))
    return out


def _package(path: Path) -> str:
    parts: list[str] = []
    folder = path.parent
    while (folder / "__init__.py").exists():
        parts.append(folder.name)
        folder = folder.parent
    return ".".join(reversed(parts))


def _shape(records: tuple[Import, ...]) -> list[tuple[object, ...]]:
    return sorted((r.line, r.module, r.names, r.when, r.guarded) for r in records)


def test_the_byte_scan_agrees_with_ast_on_installed_code() -> None:
    modules = _modules()
    assert len(modules) > 500
    differ: list[str] = []
    for path in modules:
        data = path.read_bytes()
        package = _package(path)
        exact = scan_ast(data, package)
        if not exact and b"import" in data:
            continue  # does not parse with this Python (a template, a py2 file)
        if _shape(scan(data, package)) != _shape(exact):
            differ.append(str(path))
    assert not differ, f"{len(differ)} modules differ, e.g. {differ[:5]}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("import importlib\nmod = importlib.import_module(name)\n", [(2, UNKNOWN, "import")]),
        (
            "from importlib import import_module\nfor n in NAMES:\n    import_module(n)\n",
            [(3, UNKNOWN, "import")],
        ),
        ("m = __import__ (name)\n", [(1, UNKNOWN, "import")]),
        ("if not re: import re\n", [(1, "re", "import")]),
        ("m = __import__(name)\n", [(1, UNKNOWN, "import")]),
        ("def f(name):\n    return importlib.import_module(name)\n", [(2, UNKNOWN, "call")]),
        ('m = importlib.import_module("app.crud")\n', [(1, "app.crud", "import")]),
        # definitions, strings and comments are not calls
        ("def import_module(self, name):\n    pass\n", []),
        ('text = "importlib.import_module(name)"\n', []),
        ("# importlib.import_module(name)\n", []),
    ],
    ids=[
        "attribute",
        "loop",
        "dunder",
        "dunder-space",
        "after-colon",
        "in-function",
        "literal",
        "def",
        "string",
        "comment",
    ],
)
def test_a_computed_dynamic_import_is_an_unknown_import(
    text: str, expected: list[tuple[int, str, str]]
) -> None:
    for scanner in (scan, scan_ast):
        found = [(r.line, r.module, r.when) for r in scanner(text.encode(), "")]
        assert [f for f in found if f[1] not in ("importlib",)] == expected, scanner.__name__


def test_the_installed_code_has_computed_imports() -> None:
    # the case above is not a synthetic one: real modules import by computed names
    hits = 0
    for path in _modules():
        data = path.read_bytes()
        if b"import_module(" in data:
            hits += any(r.module == UNKNOWN for r in scan(data, _package(path)))
    assert hits >= 3, sys.version
