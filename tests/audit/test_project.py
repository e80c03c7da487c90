"""The project index: module resolution and per-module summaries (ast only)."""

from __future__ import annotations

import pickle
import textwrap
from pathlib import Path

import pytest

from audit._project import ProjectIndex, is_excluded, pytest_module_name
from audit._summary import ImportRecord, resolve_relative, summarize
from audit._types import Config


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def summary_of(source: str, module: str = "pkg.mod", *, is_package: bool = False):
    return summarize(textwrap.dedent(source), "x.py", module, is_package=is_package)


def config(root: Path, **kw: object) -> Config:
    base: dict[str, object] = {"root": root, "src": (root,), "tests": (root / "tests",)}
    base.update(kw)
    return Config(**base)  # type: ignore[arg-type]


# --- summaries --------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "module", "package", "expected"),
    [
        (0, "a.b", "x", "a.b"),
        (1, "crud", "app.core", "app.core.crud"),
        (2, "crud", "app.core", "app.crud"),
        (1, None, "app", "app"),
        (3, "x", "app", None),
    ],
    ids=["absolute", "sibling", "parent", "bare-dot", "escapes"],
)
def test_resolve_relative(level, module, package, expected):
    assert resolve_relative(level, module, package) == expected


def test_relative_imports_resolve_against_the_files_package():
    s = summary_of(
        """
        from .crud import add_message, reserve_message as rm
        from .. import other
        from . import sibling
        """,
        module="app.core.service",
    )
    assert s.imports == (
        ImportRecord(2, "app.core.crud", ("add_message", "reserve_message")),
        ImportRecord(3, "app", ("other",)),
        ImportRecord(4, "app.core", ("sibling",)),
    )


def test_relative_import_in_a_package_init_uses_the_package_itself():
    s = summary_of("from .crud import x\n", module="app", is_package=True)
    assert s.imports == (ImportRecord(1, "app.crud", ("x",)),)


def test_function_level_imports_are_recorded_and_marked():
    s = summary_of(
        """
        import os

        def run():
            from app.crud import reserve_message
            import app.jobs as jobs
        """
    )
    assert ImportRecord(2, "os") in s.imports
    assert ImportRecord(5, "app.crud", ("reserve_message",), True) in s.imports
    assert ImportRecord(6, "app.jobs", (), True) in s.imports


def test_importlib_and_dunder_import_literals_are_imports():
    s = summary_of(
        """
        import importlib
        from importlib import import_module
        importlib.import_module("app.plugins")
        import_module(".local", __package__)
        __import__("app.legacy")
        importlib.import_module(name_in_a_variable)
        """,
        module="app.loader",
    )
    modules = [(r.line, r.module) for r in s.imports]
    assert (4, "app.plugins") in modules
    assert (5, "app.local") in modules
    assert (6, "app.legacy") in modules
    assert all(m != "name_in_a_variable" for _, m in modules)


def test_type_checking_imports_are_ignored():
    s = summary_of(
        """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from app.crud import Message
        else:
            from app.crud import runtime_only
        """
    )
    names = {n for r in s.imports for n in r.names}
    assert "Message" not in names
    assert "runtime_only" in names


def test_attribute_reads_through_every_import_spelling():
    s = summary_of(
        """
        import app.crud as crud
        import app.store
        from app import jobs

        crud.add_message
        app.store.open_store()
        jobs.enqueue.delay
        unrelated.thing
        crud.helper = 1  # a store, not a read
        """
    )
    assert s.reads == frozenset(
        {"app.crud.add_message", "app.store.open_store", "app.jobs.enqueue.delay"}
    )


def test_all_literal_wins_and_augmented_all_is_followed():
    s = summary_of(
        """
        __all__ = ["a", "b"]
        __all__ += ["c"]
        __all__.extend(("d",))
        def e(): ...
        """
    )
    assert s.public == ("a", "b", "c", "d")


def test_public_names_without_all_skip_private_and_imports():
    s = summary_of(
        """
        import os
        from x import imported
        def f(): ...
        async def g(): ...
        class C: ...
        CONST = 1
        typed: int = 2
        a, b = 1, 2
        _private = 3
        try:
            import fast
            fallback = 1
        except ImportError:
            other = 2
        """
    )
    assert s.public == ("C", "CONST", "a", "b", "f", "fallback", "g", "other", "typed")


def test_async_defs_and_reexports_are_recorded():
    s = summary_of(
        """
        from .impl import reserve as reserve_message
        async def add_message(): ...
        def sync(): ...
        async def later_sync(): ...
        def later_sync(): ...
        """,
        module="app.crud",
    )
    assert s.async_defs == frozenset({"add_message"})
    assert s.reexports == (("reserve_message", "app.impl", "reserve"),)


def test_a_file_that_does_not_parse_gives_an_error_summary():
    s = summary_of("def broken(:\n")
    assert s.error is not None and "SyntaxError" in s.error
    assert s.imports == ()


def test_summaries_are_picklable_and_frozen():
    s = summary_of("from app.crud import x\nimport app.y as y\ny.z\n")
    assert pickle.loads(pickle.dumps(s)) == s
    with pytest.raises(AttributeError):
        s.module = "other"  # type: ignore[misc]


# --- the index --------------------------------------------------------------


def test_resolution_of_modules_packages_and_namespace_packages(tmp_path):
    write(
        tmp_path,
        {
            "src/app/__init__.py": "",
            "src/app/crud.py": "",
            "src/nsp/inner.py": "",
            "tests/test_x.py": "",
        },
    )
    index = ProjectIndex(config(tmp_path, src=(tmp_path / "src",)))
    app = index.resolve("app")
    assert app is not None and app.is_package and app.path == tmp_path / "src/app/__init__.py"
    crud = index.resolve("app.crud")
    assert crud is not None and crud.path == tmp_path / "src/app/crud.py"
    nsp = index.resolve("nsp")
    assert nsp is not None and nsp.path is None and nsp.is_package
    assert index.resolve("nsp.inner") is not None
    assert index.resolve("requests") is None
    assert index.resolve("app.missing") is None


def test_module_names_prefer_the_deepest_root_and_pytest_rules_for_tests(tmp_path):
    write(
        tmp_path,
        {
            "src/app/__init__.py": "",
            "src/app/crud.py": "",
            "tests/__init__.py": "",
            "tests/unit/__init__.py": "",
            "tests/unit/test_a.py": "",
            "tests/plain/test_b.py": "",
        },
    )
    index = ProjectIndex(config(tmp_path, src=(tmp_path / "src", tmp_path)))
    assert index.module_name(tmp_path / "src/app/crud.py")[0] == "app.crud"
    assert index.module_name(tmp_path / "tests/unit/test_a.py")[0] == "tests.unit.test_a"
    assert index.module_name(tmp_path / "tests/plain/test_b.py") == (
        "test_b",
        (tmp_path / "tests/plain").resolve(),
    )
    assert pytest_module_name(tmp_path / "tests/unit/__init__.py")[0] == "tests.unit"


def test_used_names_come_from_sources_and_tests(tmp_path):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/crud.py": "async def add_message(): ...\n",
            "app/service.py": "from app.crud import add_message, reserve_message\n",
            "app/jobs.py": "from . import crud\n\ndef run():\n    crud.update_content()\n",
            "app/unrelated.py": "import os\nos.path.join\n",
            "tests/test_api.py": "import app.crud\napp.crud.get_message\n",
        },
    )
    index = ProjectIndex(config(tmp_path))
    used = index.used_names(["app.crud"])["app.crud"]
    assert set(used) == {"add_message", "reserve_message", "update_content", "get_message"}
    assert used["reserve_message"] == ["app.service"]
    assert used["update_content"] == ["app.jobs"]


def test_required_with_exports_adds_public_names_only_the_exports_rule_needs(tmp_path):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/crud.py": "__all__ = ['add_message', 'list_messages']\n",
            "app/service.py": "from app.crud import add_message\n",
        },
    )
    index = ProjectIndex(config(tmp_path))
    assert index.required("app.crud", "used") == ({"add_message"}, set())
    assert index.required("app.crud", "exports") == ({"add_message"}, {"list_messages"})


def test_stub_kind_follows_async_defs_and_one_reexport_hop(tmp_path):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/impl.py": "async def reserve(): ...\ndef plain(): ...\n",
            "app/crud.py": (
                "from .impl import reserve as reserve_message, plain\n"
                "async def add_message(): ...\nVALUE = 1\n"
            ),
        },
    )
    index = ProjectIndex(config(tmp_path))
    assert index.stub_kind("app.crud", "add_message") == "async"
    assert index.stub_kind("app.crud", "reserve_message") == "async"
    assert index.stub_kind("app.crud", "plain") == "sync"
    assert index.stub_kind("app.crud", "VALUE") == "sync"
    assert index.stub_kind("app.crud", "nowhere") == "sync"


def test_files_skip_hidden_dirs_virtualenvs_and_excludes(tmp_path):
    write(
        tmp_path,
        {
            "app/a.py": "",
            ".venv/lib/x.py": "",
            "env/pyvenv.cfg": "",
            "env/lib/y.py": "",
            "app/fixtures/broken.py": "",
            "app/__pycache__/z.py": "",
        },
    )
    index = ProjectIndex(config(tmp_path, exclude=("app/fixtures",)))
    names = sorted(p.relative_to(tmp_path.resolve()).as_posix() for p in index.files())
    assert names == ["app/a.py"]


@pytest.mark.parametrize(
    ("rel", "pattern", "expected"),
    [
        ("tests/fixtures/a.py", "tests/fixtures", True),
        ("tests/fixtures/a.py", "fixtures", True),
        ("tests/fixtures/a.py", "*.py", True),
        ("tests/test_a.py", "tests/fixtures/*", False),
        ("tests/test_a.py", "test_b.py", False),
    ],
    ids=["dir", "component", "glob", "other-dir", "other-file"],
)
def test_is_excluded(tmp_path, rel, pattern, expected):
    assert is_excluded(tmp_path / rel, tmp_path, [pattern]) is expected
