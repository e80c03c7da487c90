"""Where the sources are: one real project tree per layout, read without running anything."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from audit.errors import ConfigError
from audit.layout import Layout, source_roots
from audit.layout import test_paths as pytest_testpaths


def tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path -> text, dedented) under ``root``; return the resolved root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root.resolve()


def test_src_layout_without_metadata(tmp_path):
    root = tree(tmp_path, {"src/pkg/__init__.py": "", "tests/test_pkg.py": ""})
    assert source_roots(root) == Layout((root / "src",), "src", frozenset({"pkg"}))


def test_flat_layout_counts_packages_modules_and_namespaces_but_not_tooling(tmp_path):
    root = tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "mod.py": "",
            "fast.pyx": "",
            "nsp/part.py": "",  # a namespace package
            "deep/a/b/c.py": "",  # nothing at the top: never walked into
            "data/table.csv": "",
            "setup.py": "",
            "conftest.py": "",
            "noxfile.py": "",
            "tests/test_x.py": "",
            "test/x.py": "",
            "docs/conf.py": "",
            "examples/demo.py": "",
            "scripts/run.py": "",
            "benchmarks/b.py": "",
            "build/lib.py": "",
            "dist/x.py": "",
            "node_modules/x.py": "",
            ".hidden/x.py": "",
            "venv/pyvenv.cfg": "",
            "venv/x.py": "",
            "not-a-name/x.py": "",
        },
    )
    layout = source_roots(root)
    assert layout.roots == (root,)
    assert layout.origin == "flat"
    assert layout.first_party == {"pkg", "mod", "fast", "nsp"}


def test_a_project_with_nothing_at_all_is_flat(tmp_path):
    assert source_roots(tmp_path) == Layout((tmp_path.resolve(),), "flat", frozenset())


def test_src_with_an_init_is_a_package_of_a_flat_layout(tmp_path):
    root = tree(tmp_path, {"src/__init__.py": "", "src/app.py": ""})
    assert source_roots(root) == Layout((root,), "flat", frozenset({"src"}))


def test_uv_workspace_members_in_src_layout_each_resolve(tmp_path):
    # The bug this fixes: sources under packages/<member>/src/<pkg> resolved nothing.
    root = tree(
        tmp_path,
        {
            "pyproject.toml": """
                [tool.uv.workspace]
                members = ["packages/*"]
                exclude = ["packages/skipped"]
            """,
            "packages/alpha/pyproject.toml": "[project]\nname = 'alpha'\n",
            "packages/alpha/src/alpha/__init__.py": "",
            "packages/beta/pyproject.toml": "[project]\nname = 'beta'\n",
            "packages/beta/src/beta_core/__init__.py": "",
            "packages/skipped/pyproject.toml": "[project]\nname = 'skipped'\n",
            "packages/skipped/src/skipped/__init__.py": "",
            "packages/notes/README.md": "not a member: no pyproject.toml",
        },
    )
    layout = source_roots(root)
    assert layout.roots == (
        root / "packages/alpha/src",
        root / "packages/beta/src",
    )
    assert layout.origin == "uv workspace"
    assert layout.first_party == {"alpha", "beta_core"}


def test_uv_workspace_members_use_their_own_metadata_and_the_root_project_counts(tmp_path):
    root = tree(
        tmp_path,
        {
            "pyproject.toml": """
                [project]
                name = "app"
                [tool.uv.workspace]
                members = ["libs/*"]
            """,
            "app/__init__.py": "",
            "libs/hatched/pyproject.toml": """
                [tool.hatch.build.targets.wheel]
                packages = ["code/hatched"]
            """,
            "libs/hatched/code/hatched/__init__.py": "",
            "libs/flat/pyproject.toml": "[project]\nname = 'flat'\n",
            "libs/flat/flatlib/__init__.py": "",
        },
    )
    layout = source_roots(root)
    assert layout.roots == (root / "libs/flat", root / "libs/hatched/code", root)
    assert layout.first_party == {"app", "flatlib", "hatched"}


@pytest.mark.parametrize(
    ("files", "roots", "origin", "first_party", "package_dirs"),
    [
        pytest.param(
            {
                "pyproject.toml": "[tool.setuptools.packages.find]\nwhere = ['lib']\n",
                "lib/pkg/__init__.py": "",
            },
            ["lib"],
            "setuptools",
            {"pkg"},
            {},
            id="setuptools-find-where",
        ),
        pytest.param(
            {
                "pyproject.toml": "[tool.setuptools]\npackage-dir = {'' = 'src'}\n",
                "src/pkg/__init__.py": "",
            },
            ["src"],
            "setuptools",
            {"pkg"},
            {},
            id="setuptools-package-dir-root",
        ),
        pytest.param(
            {
                "pyproject.toml": """
                    [tool.setuptools]
                    packages = ["pkg", "pkg.sub"]
                    package-dir = {"pkg" = "lib/pkg_impl"}
                """,
                "lib/pkg_impl/__init__.py": "",
            },
            ["lib"],
            "setuptools",
            {"pkg"},  # not pkg_impl: that folder is importable only as pkg
            {"pkg": "lib/pkg_impl"},
            id="setuptools-package-dir-renamed",
        ),
        pytest.param(
            {
                "pyproject.toml": "[tool.setuptools]\npackage-dir = {'pkg' = 'lib/pkg'}\n",
                "lib/pkg/__init__.py": "",
            },
            ["lib"],
            "setuptools",
            {"pkg"},
            {},
            id="setuptools-package-dir-same-name",
        ),
        pytest.param(
            {
                "pyproject.toml": "[tool.setuptools]\npackages = ['app']\npy-modules = ['tool']\n",
                "app/__init__.py": "",
                "tool.py": "",
            },
            ["."],
            "setuptools",
            {"app", "tool"},
            {},
            id="setuptools-packages-flat",
        ),
        pytest.param(
            {
                "pyproject.toml": """
                    [tool.hatch.build.targets.wheel]
                    packages = ["src/pkg", "src/ghost"]
                """,
                "src/pkg/__init__.py": "",
            },
            ["src"],
            "hatch",
            {"pkg", "ghost"},  # named by the metadata: first party even with no folder
            {},
            id="hatch",
        ),
        pytest.param(
            {
                "pyproject.toml": """
                    [tool.poetry]
                    packages = [{include = "pkg", from = "source"}, {include = "extra.py"}]
                """,
                "source/pkg/__init__.py": "",
                "extra.py": "",
            },
            ["source", "."],
            "poetry",
            {"pkg", "extra"},
            {},
            id="poetry",
        ),
        pytest.param(
            {
                "setup.cfg": """
                    [options]
                    package_dir =
                        =lib
                    packages = find:

                    [options.packages.find]
                    where = lib
                """,
                "lib/pkg/__init__.py": "",
            },
            ["lib"],
            "setup.cfg",
            {"pkg"},
            {},
            id="setup.cfg",
        ),
        pytest.param(
            {
                "setup.py": """
                    from setuptools import find_packages, setup
                    setup(
                        name="x",
                        package_dir={"": "lib"},
                        packages=find_packages(where="lib"),
                        py_modules=["single"],
                    )
                """,
                "lib/pkg/__init__.py": "",
                "lib/single.py": "",
            },
            ["lib"],
            "setup.py",
            {"pkg", "single"},
            {},
            id="setup.py",
        ),
        pytest.param(
            {
                "setup.py": "setup(package_dir={'': 'lib'}, match x:\n",  # does not parse
                "lib/pkg/__init__.py": "",
            },
            ["lib"],
            "setup.py",
            {"pkg"},
            {},
            id="setup.py-unparsable",
        ),
    ],
)
def test_packaging_metadata(tmp_path, files, roots, origin, first_party, package_dirs):
    root = tree(tmp_path, files)
    layout = source_roots(root)
    assert layout.roots == tuple(root / r if r != "." else root for r in roots)
    assert layout.origin == origin
    assert layout.first_party == first_party
    assert layout.package_dirs == {k: root / v for k, v in package_dirs.items()}


def test_names_the_metadata_lists_are_first_party_even_when_no_root_exists(tmp_path):
    # A fake of one of them that does not resolve must be a warning, not a silent pass.
    root = tree(
        tmp_path,
        {
            "pyproject.toml": "[tool.hatch.build.targets.wheel]\npackages = ['lib/gone']\n",
            "app/__init__.py": "",
        },
    )
    assert source_roots(root) == Layout((root,), "flat", frozenset({"app", "gone"}))


def test_setup_py_is_read_never_run(tmp_path):
    root = tree(
        tmp_path,
        {
            "setup.py": """
                import pathlib
                pathlib.Path(__file__).with_name("ran").write_text("")
                setup(package_dir={"": "src"})
            """,
            "src/pkg/__init__.py": "",
        },
    )
    assert source_roots(root).roots == (root / "src",)
    assert not (root / "ran").exists()


def test_a_root_comes_before_any_root_that_holds_it(tmp_path):
    root = tree(
        tmp_path,
        {
            "pyproject.toml": "[tool.setuptools.packages.find]\nwhere = ['.', 'src']\n",
            "src/pkg/__init__.py": "",
            "top/__init__.py": "",
        },
    )
    assert source_roots(root).roots == (root / "src", root)


@pytest.mark.parametrize(
    "files",
    [
        {"pyproject.toml": "[tool.pytest.ini_options]\npythonpath = ['helpers']\n"},
        {"pyproject.toml": "[tool.pytest.ini_options]\npythonpath = 'helpers'\n"},
        {"pytest.ini": "[pytest]\npythonpath = helpers\n"},
        {"tox.ini": "[pytest]\npythonpath = helpers\n"},
        {"setup.cfg": "[tool:pytest]\npythonpath = helpers\n"},
        {
            # pytest picks pytest.ini first, even without a [pytest] section.
            "pytest.ini": "[pytest]\npythonpath = helpers\n",
            "tox.ini": "[pytest]\npythonpath = other\n",
        },
        # pytest 9: the native [tool.pytest] table, and pytest.toml's [pytest]
        {"pyproject.toml": "[tool.pytest]\npythonpath = ['helpers']\n"},
        {"pytest.toml": "[pytest]\npythonpath = ['helpers']\n"},
        {".pytest.toml": "[pytest]\npythonpath = ['helpers']\n"},
        {
            "pytest.toml": "[pytest]\npythonpath = ['helpers']\n",
            "pyproject.toml": "[tool.pytest.ini_options]\npythonpath = ['other']\n",
        },
    ],
    ids=[
        "pyproject-list",
        "pyproject-str",
        "pytest.ini",
        "tox.ini",
        "setup.cfg",
        "first-ini",
        "tool-pytest-native",
        "pytest.toml",
        "dot-pytest.toml",
        "pytest.toml-first",
    ],
)
def test_pytest_pythonpath_adds_roots_after_the_packaging_ones(tmp_path, files):
    root = tree(
        tmp_path,
        {**files, "src/pkg/__init__.py": "", "helpers/util.py": "", "other/o.py": ""},
    )
    layout = source_roots(root)
    assert layout.roots == (root / "src", root / "helpers")
    assert layout.origin == "src"
    assert layout.first_party == {"pkg", "util"}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pyproject.toml": "[tool.pytest]\ntestpaths = ['testing']\n"}, ["testing"]),
        ({"pyproject.toml": "[tool.pytest.ini_options]\ntestpaths = 'a b'\n"}, ["a", "b"]),
        ({"pytest.toml": "[pytest]\ntestpaths = ['testing']\n"}, ["testing"]),
        # an empty [tool.pytest.ini_options] still makes pyproject.toml pytest's file
        (
            {
                "pyproject.toml": "[tool.pytest.ini_options]\n",
                "tox.ini": "[pytest]\ntestpaths = t\n",
            },
            [],
        ),
        ({"tox.ini": "[pytest]\ntestpaths = t\n"}, ["t"]),
    ],
    ids=["tool-pytest-native", "ini-options-str", "pytest.toml", "empty-ini-options", "tox.ini"],
)
def test_testpaths_come_from_the_file_pytest_reads(tmp_path, files, expected):
    root = tree(tmp_path, files)
    assert pytest_testpaths(root) == [root / p for p in expected]


def test_invalid_pyproject_is_a_config_error_naming_it(tmp_path):
    root = tree(tmp_path, {"pyproject.toml": "[tool.setuptools\n"})
    with pytest.raises(ConfigError) as info:
        source_roots(root)
    assert str(info.value).startswith(f"{root / 'pyproject.toml'}: the file is not valid TOML: ")


def test_metadata_of_the_wrong_shape_is_ignored_not_fatal(tmp_path):
    # Another tool's settings: not ours to validate, and never a crash.
    root = tree(
        tmp_path,
        {
            "pyproject.toml": """
                [tool.setuptools]
                packages = 3
                package-dir = "src"
                [tool.poetry]
                packages = ["pkg"]
                [tool.hatch.build.targets.wheel]
                packages = 1
            """,
            "src/pkg/__init__.py": "",
        },
    )
    assert source_roots(root) == Layout((root / "src",), "src", frozenset({"pkg"}))
