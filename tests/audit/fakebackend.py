"""A small working stand-in for the libcst half, so engine tests do not depend on it.

It understands one pattern, ``mock_module("mod", {...})``, well enough to find
sites and add dict keys; anything else passed as the fake is a note.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

from audit._engine import Backend
from audit._types import ParseFailure, Site, SiteFix


def might_have_sites(data: bytes) -> bool:
    return b"mock_module" in data


def find_sites(source: str, path: str) -> list[Site] | ParseFailure:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return ParseFailure(path, f"SyntaxError: {exc.msg} (line {exc.lineno}).")
    lines = source.splitlines()
    sites: list[Site] = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "mock_module"
            and len(node.args) == 2
            and isinstance(node.args[0], ast.Constant)
        ):
            continue
        module = str(node.args[0].value)
        fake = node.args[1]
        ignored = frozenset[str]() if "mock-audit: ignore" in lines[node.lineno - 1] else None
        common = {"path": path, "line": node.lineno, "column": node.col_offset + 1}
        if isinstance(fake, ast.Dict):
            keys = frozenset(str(k.value) for k in fake.keys if isinstance(k, ast.Constant))
            sites.append(
                Site(
                    **common,  # type: ignore[arg-type]
                    module=module,
                    install="mock_module",
                    form="dict",
                    provided=keys,
                    ignored=ignored,
                    fake_key=f"{node.lineno}:{fake.col_offset}",
                )
            )
        elif isinstance(fake, ast.Call) and getattr(fake.func, "id", "") == "MagicMock":
            sites.append(
                Site(**common, module=module, install="mock_module", form=None, provided=None)
            )  # type: ignore[arg-type]
        else:
            sites.append(
                Site(
                    **common,  # type: ignore[arg-type]
                    module=module,
                    install="mock_module",
                    form=None,
                    provided=None,
                    fixable=False,
                    note="The fake is not a form mock-audit understands.",
                )
            )
    return sites


def fix_source(
    source: str, path: str, fixes: Sequence[SiteFix], *, stubs: Mapping[str, str] = {}
) -> str:
    lines = source.splitlines(keepends=True)
    for fix in fixes:
        index = fix.site.line - 1
        entries = "".join(
            f'"{name}": {stubs.get(name, "AsyncMock()" if kind == "async" else "MagicMock()")}, '
            for name, kind in fix.names.items()
        )
        head, brace, tail = lines[index].partition("{")
        lines[index] = head + brace + entries + tail
    return "".join(lines)


BACKEND = Backend(might_have_sites, find_sites, fix_source)
