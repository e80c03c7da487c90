"""Reachability: the import closure of a test file and the chain to the crashing import."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from audit._project import ProjectIndex
from audit._reach import Reacher, conftests
from audit._reach import reach as forward_reach
from audit._types import Config, ImportStep


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def index_for(root: Path) -> ProjectIndex:
    return ProjectIndex(Config(root=root.resolve(), src=(root,), tests=(root / "tests",)))


def steps(chain: tuple[ImportStep, ...], root: Path) -> list[str]:
    return [
        f"{Path(s.path).relative_to(root.resolve()).as_posix()}:{s.line} {s.module}" for s in chain
    ]


@pytest.fixture(params=["forward", "backward"])
def reach(request):
    """Both strategies must give the same answers: forward search and backward labels."""
    if request.param == "forward":
        return forward_reach

    def backward(index, test, target, names):
        return Reacher(index, threshold=0).reach(test, target, names)

    return backward


APP = {
    "app/__init__.py": "",
    "app/crud.py": "async def reserve_message(): ...\n",
    "app/service.py": "import os\nfrom app.crud import reserve_message\n",
    "app/api.py": "from app import service\n",
    "app/lazy.py": "def later():\n    from app.crud import update_content\n",
}


def test_transitive_chain_ends_at_the_from_import(tmp_path, reach):
    write(tmp_path, {**APP, "tests/test_x.py": "import json\nfrom app.api import handler\n"})
    r = reach(index_for(tmp_path), tmp_path / "tests/test_x.py", "app.crud", {"reserve_message"})
    assert steps(r.chains["reserve_message"], tmp_path) == [
        "tests/test_x.py:2 app.api",
        "app/api.py:1 app.service",
        "app/service.py:2 app.crud",
    ]


def test_names_not_imported_in_the_closure_are_not_reached(tmp_path, reach):
    write(tmp_path, {**APP, "tests/test_x.py": "import app.api\n"})
    r = reach(index_for(tmp_path), tmp_path / "tests/test_x.py", "app.crud", {"add_message"})
    assert r.chains == {}


def test_function_level_imports_and_importlib_literals_are_followed(tmp_path, reach):
    write(
        tmp_path,
        {
            **APP,
            "tests/test_x.py": """
                import importlib

                def test_it():
                    importlib.import_module("app.lazy")
            """,
        },
    )
    r = reach(index_for(tmp_path), tmp_path / "tests/test_x.py", "app.crud", {"update_content"})
    assert steps(r.chains["update_content"], tmp_path) == [
        "tests/test_x.py:5 app.lazy",
        "app/lazy.py:2 app.crud",
    ]


def test_conftest_files_up_to_the_root_are_in_the_closure(tmp_path, reach):
    write(
        tmp_path,
        {
            **APP,
            "tests/conftest.py": "from app import service\n",
            "tests/unit/test_x.py": "def test(): pass\n",
        },
    )
    index = index_for(tmp_path)
    test = tmp_path / "tests/unit/test_x.py"
    assert conftests(test, tmp_path) == [(tmp_path / "tests/conftest.py").resolve()]
    r = reach(index, test, "app.crud", {"reserve_message"})
    assert steps(r.chains["reserve_message"], tmp_path) == [
        "tests/conftest.py:1 app.service",
        "app/service.py:2 app.crud",
    ]


def test_a_package_init_that_imports_the_name_is_reached_through_a_submodule_import(
    tmp_path, reach
):
    write(
        tmp_path,
        {
            "app/__init__.py": "from app.crud import reserve_message\n",
            "app/crud.py": "",
            "app/other.py": "",
            "tests/test_x.py": "import app.other\n",
        },
    )
    r = reach(index_for(tmp_path), tmp_path / "tests/test_x.py", "app.crud", {"reserve_message"})
    assert steps(r.chains["reserve_message"], tmp_path) == [
        "tests/test_x.py:1 app",
        "app/__init__.py:1 app.crud",
    ]


def test_the_faked_modules_own_imports_are_not_followed(tmp_path, reach):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/crud.py": "import app.helper\n",
            "app/helper.py": "from app.crud import reserve_message\n",
            "tests/test_x.py": "import app.crud\n",
        },
    )
    r = reach(index_for(tmp_path), tmp_path / "tests/test_x.py", "app.crud", {"reserve_message"})
    assert r.chains == {}


def test_the_shortest_chain_is_reported_and_cycles_terminate(tmp_path, reach):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/crud.py": "",
            "app/a.py": "import app.b\nfrom app.crud import x\n",
            "app/b.py": "import app.a\nfrom app.crud import x\n",
            "tests/test_x.py": "import app.b\n",
        },
    )
    r = reach(index_for(tmp_path), tmp_path / "tests/test_x.py", "app.crud", {"x"})
    assert steps(r.chains["x"], tmp_path) == ["tests/test_x.py:1 app.b", "app/b.py:2 app.crud"]


def test_the_test_file_importing_the_name_itself_is_a_one_step_chain(tmp_path, reach):
    write(tmp_path, {**APP, "tests/test_x.py": "\n\nfrom app.crud import reserve_message\n"})
    r = reach(index_for(tmp_path), tmp_path / "tests/test_x.py", "app.crud", {"reserve_message"})
    assert steps(r.chains["reserve_message"], tmp_path) == ["tests/test_x.py:3 app.crud"]


def test_sibling_helper_modules_of_rootless_tests_resolve(tmp_path, reach):
    write(
        tmp_path,
        {
            **APP,
            "tests/unit/helpers.py": "from app.crud import reserve_message\n",
            "tests/unit/test_x.py": "import helpers\n",
        },
    )
    r = reach(
        index_for(tmp_path), tmp_path / "tests/unit/test_x.py", "app.crud", {"reserve_message"}
    )
    assert steps(r.chains["reserve_message"], tmp_path) == [
        "tests/unit/test_x.py:1 helpers",
        "tests/unit/helpers.py:1 app.crud",
    ]


def test_a_test_outside_the_roots_still_reaches_project_modules(tmp_path, reach):
    write(
        tmp_path,
        {
            "src/app/__init__.py": "",
            "src/app/crud.py": "",
            "src/app/service.py": "from app.crud import reserve_message\n",
            "extra/test_z.py": "import app.service\n",
        },
    )
    index = ProjectIndex(
        Config(root=tmp_path.resolve(), src=(tmp_path / "src",), tests=(tmp_path / "tests",))
    )
    r = reach(index, tmp_path / "extra/test_z.py", "app.crud", {"reserve_message", "other"})
    assert set(r.chains) == {"reserve_message"}
    assert steps(r.chains["reserve_message"], tmp_path) == [
        "extra/test_z.py:1 app.service",
        "src/app/service.py:1 app.crud",
    ]
