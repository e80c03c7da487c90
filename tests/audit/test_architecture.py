"""The two traces docs/architecture.md promises a newcomer, checked as go-to-definition
would follow them: each step's function names the next one, which is defined in the
same module or imported by name from the module the next step is in (no string
imports, no function tables). Each question is answered within four modules.
"""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path

import pytest

import audit

PACKAGE = Path(audit.__file__).parent

Step = tuple[str, str]  # (module, name defined at its top level)

# a question -> the call paths that answer it, from what ``audit/__init__.py`` exports
TRACES: dict[str, list[list[Step]]] = {
    "what names a fake provides": [
        [
            ("api", "check"),
            ("api", "run_check"),
            ("suite", "load_suite"),
            ("suite", "_analyse"),
            ("suite", "_analyse_job"),
            ("testfile.analysis", "analyse"),
            ("testfile.analysis", "_analyse"),
            ("testfile.analysis", "_site"),
            ("forms.fakes", "fake_of"),
            ("forms.fakes", "FAKE_FORMS"),
        ],
        [  # a name bound to a fake, and the names given to it later
            ("forms.fakes", "fake_of"),
            ("forms.fakes", "_name"),
            ("forms.fakes", "_bound"),
            ("forms.fakes", "_with_additions"),
        ],
        [  # names given through ``sys.modules["m"].x = ...``
            ("testfile.analysis", "_site"),
            ("forms.fakes", "given_later"),
        ],
    ],
    "MA001 or MA002": [
        [
            ("api", "check"),
            ("api", "run_check"),
            ("verdict", "judge_suite"),
            ("rules", "judge"),
        ],
        [
            ("verdict", "judge_suite"),
            ("verdict", "_replay"),
            ("windows", "Replay"),
        ],
    ],
}


def _tree(module: str) -> ast.Module:
    path = PACKAGE.joinpath(*module.split("."))
    file = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    return ast.parse(file.read_text(encoding="utf-8"))


def _top_level(tree: ast.Module, name: str) -> ast.stmt | None:
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if stmt.name == name:
                return stmt
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return stmt
    return None


def _imports_from(node: ast.AST, here: str, name: str) -> set[str]:
    """The modules (dotted, relative to ``audit``) that ``from ... import name`` reads,
    anywhere in ``node``: a lazy import inside a function counts, go-to-definition
    follows it."""
    package = here.split(".")[:-1]  # "testfile.analysis" -> ["testfile"]; "api" -> []
    found: set[str] = set()
    for sub in ast.walk(node):
        if not (isinstance(sub, ast.ImportFrom) and any(a.name == name for a in sub.names)):
            continue
        written = sub.module.split(".") if sub.module else []
        if sub.level:
            parts = [*package[: len(package) - (sub.level - 1)], *written]
        elif written[:1] == ["audit"]:
            parts = written[1:]
        else:
            continue
        found.add(".".join(parts))
    return found


def _named(node: ast.AST, name: str) -> bool:
    return any(
        (isinstance(sub, ast.Name) and sub.id == name)
        or (isinstance(sub, ast.Attribute) and sub.attr == name)
        for sub in ast.walk(node)
    )


@pytest.mark.parametrize("question", sorted(TRACES))
def test_each_step_names_the_next_and_go_to_definition_finds_it(question: str) -> None:
    for path in TRACES[question]:
        for (module, name), (next_module, next_name) in pairwise(path):
            tree = _tree(module)
            defined = _top_level(tree, name)
            assert defined is not None, f"{name} is not defined in audit/{module}"
            assert _named(defined, next_name), f"{module}.{name} does not name {next_name}"
            if next_module == module:
                assert _top_level(tree, next_name) is not None, f"{next_name} not in {module}"
            else:
                assert next_module in _imports_from(tree, module, next_name), (
                    f"audit/{module} does not import {next_name} from {next_module}"
                )
        last_module, last_name = path[-1]
        assert _top_level(_tree(last_module), last_name) is not None


@pytest.mark.parametrize("question", sorted(TRACES))
def test_each_question_is_answered_within_four_modules(question: str) -> None:
    modules = {module for path in TRACES[question] for module, _ in path}
    assert len(modules) <= 4, sorted(modules)


def test_the_traces_start_at_what_audit_exports() -> None:
    init = _tree("__init__")
    assert "api" in _imports_from(init, "__init__", "check")
    assert "check" in audit.__all__
