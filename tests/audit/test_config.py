"""Loading [tool.mock-audit]: discovery, defaults, relative paths and error messages."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from audit import ConfigError, load_config


def pyproject(directory: Path, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "pyproject.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_found_from_a_subdirectory_and_paths_are_relative_to_the_file(tmp_path):
    file = pyproject(
        tmp_path,
        """
        [tool.mock-audit]
        src = ["lib"]
        tests = ["checks"]
        exclude = ["checks/fixtures"]
        require = "exports"
        stubs = { reserve_message = "AsyncMock(return_value=None)" }
        ignore = ["app.crud:legacy"]
        cache-dir = ".cache/ma"
        """,
    )
    sub = tmp_path / "checks" / "deep"
    sub.mkdir(parents=True)
    config = load_config(sub)
    root = tmp_path.resolve()
    assert config.file == file.resolve()
    assert config.root == root
    assert config.src == (root / "lib",)
    assert config.tests == (root / "checks",)
    assert config.exclude == ("checks/fixtures",)
    assert config.require == "exports"
    assert config.stubs == {"reserve_message": "AsyncMock(return_value=None)"}
    assert config.ignore == frozenset({("app.crud", "legacy")})
    assert config.cache_dir == root / ".cache/ma"


def test_defaults_use_src_and_dot_only_where_they_exist(tmp_path):
    pyproject(tmp_path, "[project]\nname = 'x'\n")
    config = load_config(tmp_path)
    assert config.src == (tmp_path.resolve(),)
    assert config.tests == (tmp_path.resolve() / "tests",)
    assert config.require == "used"
    (tmp_path / "src").mkdir()
    assert load_config(tmp_path).src == (tmp_path.resolve() / "src", tmp_path.resolve())


def test_the_nearest_file_with_a_section_wins_over_a_nearer_one_without(tmp_path):
    outer = pyproject(tmp_path, "[tool.mock-audit]\nrequire = 'exports'\n")
    pyproject(tmp_path / "inner", "[project]\nname = 'inner'\n")
    config = load_config(tmp_path / "inner")
    assert config.file == outer.resolve()
    assert config.require == "exports"


def test_explicit_config_file(tmp_path):
    file = pyproject(tmp_path / "conf", "[tool.mock-audit]\ntests = ['t']\n")
    config = load_config(tmp_path, file=file)
    assert config.tests == ((tmp_path / "conf" / "t").resolve(),)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "src = 'lib'",
            "[tool.mock-audit] key 'src' must be a list of strings; got 'lib'.",
        ),
        (
            "tests = [1]",
            "[tool.mock-audit] key 'tests' must be a list of strings; got [1].",
        ),
        (
            "require = 'all'",
            "[tool.mock-audit] key 'require' must be 'used' or 'exports'; got 'all'.",
        ),
        (
            "ignore = ['no-colon']",
            "[tool.mock-audit] key 'ignore' must be a list of 'module:name' strings; "
            "got 'no-colon'.",
        ),
        (
            "stubs = { x = 1 }",
            "[tool.mock-audit] key 'stubs' must be a table of name = \"expression\" strings; "
            "got {'x': 1}.",
        ),
        (
            "stubs = { x = 'AsyncMock(' }",
            "[tool.mock-audit] key 'stubs.x' must be a Python expression; got 'AsyncMock('.",
        ),
        (
            "cache-dir = 3",
            "[tool.mock-audit] key 'cache-dir' must be a string (a directory path); got 3.",
        ),
        (
            "sources = ['x']",
            "[tool.mock-audit] has unknown key 'sources'; the known keys are cache-dir, "
            "exclude, ignore, require, src, stubs, tests.",
        ),
    ],
    ids=["src-str", "tests-int", "require", "ignore", "stubs-type", "stubs-expr", "cache", "key"],
)
def test_bad_values_name_the_file_the_key_and_what_was_expected(tmp_path, body, message):
    file = pyproject(tmp_path, f"[tool.mock-audit]\n{body}\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value) == f"{file.resolve()}: {message}"


def test_invalid_toml_is_a_config_error(tmp_path):
    file = pyproject(tmp_path, "[tool.mock-audit\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, file=file)
    assert str(info.value).startswith(f"{file.resolve()}: the file is not valid TOML: ")


def test_a_missing_explicit_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, file=tmp_path / "nope.toml")
    assert (
        str(info.value)
        == f"The config file {str((tmp_path / 'nope.toml').resolve())!r} does not exist."
    )
