"""Loading the settings: discovery, --config files, defaults, codes and every error message."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from audit.config import load_config, with_codes
from audit.errors import ConfigError
from audit.model import CODES


def tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path -> text, dedented) under ``root``; return the resolved root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root.resolve()


def project(root: Path, section: str, **files: str) -> Path:
    """A project whose pyproject.toml holds ``[tool.mock-audit]`` with ``section``."""
    return tree(root, {"pyproject.toml": f"[tool.mock-audit]\n{section}\n", **files})


def config_error(root: Path, file: Path | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(root, file=file)
    return info.value


# --- discovery ------------------------------------------------------------------


def test_found_from_a_subdirectory_and_paths_are_relative_to_the_file(tmp_path):
    root = tree(
        tmp_path,
        {
            "pyproject.toml": """
                [tool.mock-audit]
                src = ["lib"]
                tests = ["checks"]
                exclude = ["checks/fixtures"]
                require = "exports"
                stubs = { reserve_message = "AsyncMock(return_value=None)" }
                ignore = ["app.crud:legacy", "app.old:*"]
                cache-dir = ".cache/ma"
                line-length = 79
            """,
            "lib/app/__init__.py": "",
            "checks/deep/test_x.py": "",
        },
    )
    config = load_config(root / "checks" / "deep")
    assert config.file == root / "pyproject.toml"
    assert config.root == root
    assert config.src == (root / "lib",)
    assert config.src_origin == "config"
    assert config.first_party == {"app"}
    assert config.tests == (root / "checks",)
    assert config.exclude == ("checks/fixtures",)
    assert config.require == "exports"
    assert config.stubs == {"reserve_message": "AsyncMock(return_value=None)"}
    assert config.ignore_names == {("app.crud", "legacy"), ("app.old", "*")}
    assert config.select == frozenset(CODES)
    assert config.cache_dir == root / ".cache/ma"
    assert config.line_length == 79


def test_defaults_come_from_the_layout(tmp_path):
    root = tree(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n", "src/pkg/__init__.py": ""})
    config = load_config(root)
    assert config.file == root / "pyproject.toml"
    assert config.src == (root / "src",)
    assert config.src_origin == "src"
    assert config.first_party == {"pkg"}
    assert config.tests == (root / "tests",)  # the default need not exist
    assert config.require == "used"
    assert config.select == frozenset(CODES)
    assert config.cache_dir == root / ".mock-audit-cache"
    assert config.line_length == 88


def test_a_uv_workspace_finds_every_member(tmp_path):
    root = tree(
        tmp_path,
        {
            "pyproject.toml": "[tool.uv.workspace]\nmembers = ['packages/*']\n",
            "packages/a/pyproject.toml": "[project]\nname = 'a'\n",
            "packages/a/src/a_pkg/__init__.py": "",
            "packages/b/pyproject.toml": "[project]\nname = 'b'\n",
            "packages/b/src/b_pkg/__init__.py": "",
        },
    )
    config = load_config(root)
    assert config.src == (root / "packages/a/src", root / "packages/b/src")
    assert config.src_origin == "uv workspace"
    assert config.first_party == {"a_pkg", "b_pkg"}


def test_without_any_pyproject_the_root_is_the_start_folder(tmp_path):
    config = load_config(tmp_path)
    assert config.root == tmp_path.resolve()
    assert config.file is None


def test_the_nearest_file_with_a_section_wins_over_a_nearer_one_without(tmp_path):
    outer = project(tmp_path, "require = 'exports'", **{"inner/pyproject.toml": "[project]\n"})
    config = load_config(outer / "inner")
    assert config.file == outer / "pyproject.toml"
    assert config.root == outer
    assert config.require == "exports"


def test_the_nearest_pyproject_is_the_root_when_none_has_a_section(tmp_path):
    root = tree(tmp_path, {"pyproject.toml": "[project]\n", "inner/pyproject.toml": "[project]\n"})
    assert load_config(root / "inner").root == root / "inner"


# --- --config FILE ----------------------------------------------------------------


def test_explicit_pyproject_file(tmp_path):
    root = project(tmp_path / "conf", "tests = ['t']", **{"t/test_x.py": ""})
    config = load_config(tmp_path, file=root / "pyproject.toml")
    assert config.root == root
    assert config.tests == (root / "t",)


def test_explicit_pyproject_without_a_table_gives_the_defaults(tmp_path):
    root = tree(tmp_path, {"other.toml": "[tool.ruff]\nline-length = 99\n"})
    config = load_config(tmp_path, file=root / "other.toml")
    assert config.file == root / "other.toml"
    assert config.require == "used"


def test_bare_key_file_configures_the_project_it_sits_in(tmp_path):
    root = tree(
        tmp_path,
        {
            "pyproject.toml": "[tool.mock-audit]\nrequire = 'exports'\n",
            "lib/pkg/__init__.py": "",
            "conf/mock-audit.toml": "src = ['lib']\nselect = ['MA001']\n",
        },
    )
    config = load_config(root / "conf", file=root / "conf" / "mock-audit.toml")
    assert config.file == root / "conf" / "mock-audit.toml"
    assert config.root == root  # the nearest pyproject.toml's folder
    assert config.src == (root / "lib",)
    assert config.select == {"MA001"}
    assert config.require == "used"  # the pyproject's table is not merged in


def test_bare_key_file_outside_any_project_is_its_own_root(tmp_path):
    root = tree(tmp_path, {"mock-audit.toml": "require = 'exports'\n"})
    config = load_config(root, file=root / "mock-audit.toml")
    assert config.root == root
    assert config.require == "exports"


def test_bare_key_file_with_an_unknown_key_is_refused(tmp_path):
    root = tree(tmp_path, {"ruff.toml": "target-version = 'py310'\n"})
    error = config_error(root, root / "ruff.toml")
    assert str(error) == (
        f"{root / 'ruff.toml'}: the file has unknown key 'target-version'; the known keys are "
        "cache-dir, exclude, extend-select, ignore, line-length, require, select, src, stubs, "
        "tests (a bare config file holds mock-audit's keys at its top level; a pyproject.toml "
        "holds them under [tool.mock-audit])."
    )
    assert error.key == "target-version"


def test_bare_key_file_errors_name_the_key_without_the_section(tmp_path):
    root = tree(tmp_path, {"mock-audit.toml": "require = 'all'\n"})
    error = config_error(root, root / "mock-audit.toml")
    assert str(error) == (
        f"{root / 'mock-audit.toml'}: key 'require' must be 'used' or 'exports'; got 'all'."
    )


def test_a_missing_explicit_file_is_a_config_error(tmp_path):
    error = config_error(tmp_path, tmp_path / "nope.toml")
    missing = str((tmp_path / "nope.toml").resolve())
    assert str(error) == f"The config file {missing!r} given with --config does not exist."
    assert error.key == "--config"


def test_a_folder_given_as_the_config_file_is_a_config_error(tmp_path):
    error = config_error(tmp_path, tmp_path)
    folder = str(tmp_path.resolve())
    assert str(error) == f"The config file {folder!r} given with --config is a folder, not a file."


def test_invalid_toml_is_a_config_error(tmp_path):
    root = tree(tmp_path, {"pyproject.toml": "[tool.mock-audit\n"})
    error = config_error(root, root / "pyproject.toml")
    assert str(error).startswith(f"{root / 'pyproject.toml'}: the file is not valid TOML: ")


# --- bad values -------------------------------------------------------------------

KNOWN = "cache-dir, exclude, extend-select, ignore, line-length, require, select, src, stubs, tests"


@pytest.mark.parametrize(
    ("body", "key", "message"),
    [
        ("src = 'lib'", "src", "key 'src' must be a list of strings; got 'lib'."),
        ("src = []", "src", "key 'src' must be a list of at least one folder; got []."),
        ("tests = [1]", "tests", "key 'tests' must be a list of strings; got [1]."),
        ("exclude = 'x'", "exclude", "key 'exclude' must be a list of strings; got 'x'."),
        ("require = 'all'", "require", "key 'require' must be 'used' or 'exports'; got 'all'."),
        (
            "ignore = ['no-colon']",
            "ignore",
            "key 'ignore' must be a list of codes (MA001, MA002, MA003, MA004) or 'module:name' "
            "entries (name '*' for the whole module); got 'no-colon'.",
        ),
        (
            "ignore = ['pkg.mod:not a name']",
            "ignore",
            "key 'ignore' must be a list of codes (MA001, MA002, MA003, MA004) or 'module:name' "
            "entries (name '*' for the whole module); got 'pkg.mod:not a name'.",
        ),
        (
            "ignore = ['MA009']",
            "ignore",
            "key 'ignore' names the unknown code 'MA009'; the codes are MA001, MA002, MA003, "
            "MA004.",
        ),
        (
            "select = ['MA001', 'E501']",
            "select",
            "key 'select' names the unknown code 'E501'; the codes are MA001, MA002, MA003, MA004.",
        ),
        (
            "extend-select = ['MA5']",
            "extend-select",
            "key 'extend-select' names the unknown code 'MA5'; the codes are MA001, MA002, "
            "MA003, MA004.",
        ),
        (
            "stubs = { x = 1 }",
            "stubs",
            "key 'stubs' must be a table of name = \"expression\" strings; got {'x': 1}.",
        ),
        (
            "stubs = { x = 'AsyncMock(' }",
            "stubs.x",
            "key 'stubs.x' must be a Python expression; got 'AsyncMock('.",
        ),
        (
            "stubs = { 'a-b' = 'None' }",
            "stubs",
            "key 'stubs' names 'a-b', which is not a Python identifier.",
        ),
        (
            "cache-dir = 3",
            "cache-dir",
            "key 'cache-dir' must be a folder path, or false to turn the cache off; got 3.",
        ),
        (
            "cache-dir = true",
            "cache-dir",
            "key 'cache-dir' must be a folder path, or false to turn the cache off; got True.",
        ),
        ("line-length = 0", "line-length", "key 'line-length' must be a positive integer; got 0."),
        (
            "line-length = true",
            "line-length",
            "key 'line-length' must be a positive integer; got True.",
        ),
        (
            "sources = ['x']",
            "sources",
            f"has unknown key 'sources'; the known keys are {KNOWN}.",
        ),
    ],
    ids=[
        "src-str",
        "src-empty",
        "tests-int",
        "exclude-str",
        "require",
        "ignore-neither",
        "ignore-bad-name",
        "ignore-unknown-code",
        "select-unknown-code",
        "extend-select-unknown-code",
        "stubs-type",
        "stubs-expr",
        "stubs-name",
        "cache-int",
        "cache-true",
        "line-length-zero",
        "line-length-bool",
        "unknown-key",
    ],
)
def test_bad_values_name_the_file_the_key_and_what_was_expected(tmp_path, body, key, message):
    root = project(tmp_path, body)
    error = config_error(root)
    assert str(error) == f"{root / 'pyproject.toml'}: [tool.mock-audit] {message}"
    assert error.key == key
    assert error.file == root / "pyproject.toml"


def test_the_table_must_be_a_table(tmp_path):
    root = tree(tmp_path, {"pyproject.toml": "[tool]\nmock-audit = 3\n"})
    assert str(config_error(root)) == (
        f"{root / 'pyproject.toml'}: [tool.mock-audit] must be a table; got 3."
    )


def test_a_configured_src_that_does_not_exist_names_the_key_and_the_path(tmp_path):
    root = project(tmp_path, "src = ['srcc']", **{"src/pkg/__init__.py": ""})
    error = config_error(root)
    assert str(error) == (
        f"{root / 'pyproject.toml'}: [tool.mock-audit] key 'src' names 'srcc', which is not a "
        f"folder (looked for {str(root / 'srcc')!r})."
    )
    assert error.key == "src"


def test_a_configured_tests_path_that_does_not_exist_names_the_key_and_the_path(tmp_path):
    root = project(tmp_path, "tests = ['tests', 'tset']", **{"tests/test_x.py": ""})
    assert str(config_error(root)) == (
        f"{root / 'pyproject.toml'}: [tool.mock-audit] key 'tests' names 'tset', which is not a "
        f"file or folder (looked for {str(root / 'tset')!r})."
    )


# --- cache-dir --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "the project root"),
        (".", "the project root"),
        ("./", "the project root"),
        ("..", "a folder holding the project root"),
        ("tests", "the test root {tests!r}"),
        ("lib", "a folder holding the source root {src!r}"),
        ("lib/pkgroot", "the source root {src!r}"),
    ],
    ids=["empty", "dot", "dot-slash", "parent", "tests", "holds-src", "is-src"],
)
def test_cache_dir_refuses_folders_its_gitignore_would_hide(tmp_path, value, reason):
    root = project(
        tmp_path / "p",
        f"src = ['lib/pkgroot']\ncache-dir = {value!r}",
        **{"lib/pkgroot/pkg/__init__.py": "", "tests/test_x.py": ""},
    )
    error = config_error(root)
    reason = reason.format(tests=str(root / "tests"), src=str(root / "lib/pkgroot"))
    assert str(error) == (
        f"{root / 'pyproject.toml'}: [tool.mock-audit] key 'cache-dir' must not be {value!r}, "
        f"which is {reason}: the cache must be a folder of its own (mock-audit keeps it out "
        "of git), such as '.mock-audit-cache'."
    )
    assert error.key == "cache-dir"


def test_cache_dir_that_is_a_file_is_refused(tmp_path):
    root = project(tmp_path, "cache-dir = 'README.md'", **{"README.md": ""})
    assert str(config_error(root)) == (
        f"{root / 'pyproject.toml'}: [tool.mock-audit] key 'cache-dir' names 'README.md', "
        "which is a file, not a folder."
    )


def test_cache_dir_false_turns_the_cache_off(tmp_path):
    assert load_config(project(tmp_path, "cache-dir = false")).cache_dir is None


def test_cache_dir_inside_a_flat_source_root_is_fine(tmp_path):
    root = project(tmp_path, "", **{"pkg/__init__.py": ""})
    config = load_config(root)
    assert config.src == (root,)
    assert config.cache_dir == root / ".mock-audit-cache"


# --- codes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", set(CODES)),
        ("select = ['MA001', 'MA002']", {"MA001", "MA002"}),
        ("select = ['MA001']\nextend-select = ['MA004']", {"MA001", "MA004"}),
        ("ignore = ['MA002']", {"MA001", "MA003", "MA004"}),
        ("select = ['MA00']\nignore = ['MA003', 'pkg.mod:name']", {"MA001", "MA002", "MA004"}),
        ("select = ['ALL']\nignore = ['MA']", set()),
        ("select = []\nextend-select = ['MA003']", {"MA003"}),
    ],
    ids=["default", "select", "extend", "ignore", "prefix-and-names", "all-none", "empty-select"],
)
def test_select_extend_select_and_ignore_in_the_config(tmp_path, body, expected):
    assert load_config(project(tmp_path, body)).select == expected


def test_old_module_name_ignores_still_work_beside_codes(tmp_path):
    config = load_config(project(tmp_path, "ignore = ['app.crud:legacy', 'MA003', 'a.b : *']"))
    assert config.ignore_names == {("app.crud", "legacy"), ("a.b", "*")}
    assert "MA003" not in config.select


@pytest.mark.parametrize(
    ("select", "ignore", "extend", "expected"),
    [
        (None, [], [], {"MA001", "MA003", "MA004"}),
        # ruff's rule: --select replaces the configured selection, its ignores included.
        (["MA002"], [], [], {"MA002"}),
        (None, [], ["MA002"], set(CODES)),
        (None, ["MA001"], [], {"MA003", "MA004"}),
        (["MA001", "MA002"], ["MA002"], ["MA003"], {"MA001", "MA003"}),
    ],
    ids=["config-only", "select-replaces", "extend-adds", "ignore-removes", "all-three"],
)
def test_command_line_codes_apply_on_top_with_ruffs_precedence(
    tmp_path, select, ignore, extend, expected
):
    config = load_config(project(tmp_path, "ignore = ['MA002']"))
    assert with_codes(config, select, ignore, extend).select == expected


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_command_line_unknown_codes_name_the_option(tmp_path, option):
    config = load_config(tmp_path)
    lists: dict[str, list[str]] = {"--select": [], "--ignore": [], "--extend-select": []}
    lists[option] = ["MA009"]
    with pytest.raises(ConfigError) as info:
        with_codes(config, lists["--select"], lists["--ignore"], lists["--extend-select"])
    assert str(info.value) == (
        f"The option {option} got 'MA009', which is not a mock-audit code; "
        "the codes are MA001, MA002, MA003, MA004."
    )
    assert info.value.key == option


# --- line length ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, 88),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, 100),
        ({"pyproject.toml": "[tool.black]\nline-length = 120\n"}, 120),
        (
            {"pyproject.toml": "[tool.ruff]\nline-length = 100\n[tool.black]\nline-length = 1\n"},
            100,
        ),
        (
            {
                "pyproject.toml": "[tool.ruff]\nline-length = 100\n",
                "ruff.toml": "line-length = 110\n",
            },
            110,
        ),
        ({"ruff.toml": "line-length = 110\n", ".ruff.toml": "line-length = 111\n"}, 111),
        ({"ruff.toml": "line-length = 'long'\n"}, 88),
        ({"ruff.toml": "line-length = [\n"}, 88),  # another tool's broken file: not ours
        (
            {
                "pyproject.toml": "[tool.ruff]\nline-length = 100\n[tool.mock-audit]\n"
                "line-length = 72\n"
            },
            72,
        ),
    ],
    ids=[
        "default",
        "ruff",
        "black",
        "ruff-before-black",
        "ruff.toml",
        ".ruff.toml",
        "not-an-int",
        "broken-ruff.toml",
        "own-key",
    ],
)
def test_line_length_comes_from_the_projects_formatter(tmp_path, files, expected):
    root = tree(tmp_path, {"pyproject.toml": "[project]\n", **files})
    assert load_config(root).line_length == expected
