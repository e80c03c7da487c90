"""docs/audit.md stays true: its options, config keys, examples and outputs match the tool.

Blocks the tests read are marked in the page with ``<!-- test: NAME -->`` right before the
fenced block; every marked output is compared with what the installed command prints now.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from audit._config import KEYS, load_config
from audit._errors import ConfigError
from audit._sites import find_sites

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10 only
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "audit.md"
EXAMPLE = REPO / "examples" / "assistant"

# Options the page mentions that belong to other commands, each with its owner: pytest's
# ``--mock-audit`` (the mockharness plugin) and libcst.tool's ``--no-format``.
FOREIGN_OPTIONS = {"--mock-audit", "--no-format"}
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*[a-z]")


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def marked(name: str) -> list[str]:
    """The fenced blocks preceded by ``<!-- test: name -->``."""
    pattern = rf"<!-- test: {re.escape(name)} -->\n```[\w-]*\n(.*?)```"
    return re.findall(pattern, doc(), flags=re.S)


def one(name: str) -> str:
    found = marked(name)
    assert len(found) == 1, f"docs/audit.md should mark exactly one {name!r} block"
    return found[0]


def section(title: str) -> str:
    """The text of the ``## title`` section, up to the next ``## ``."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", doc(), flags=re.S | re.M)
    assert match is not None, f"docs/audit.md has no section {title!r}"
    return match.group(1)


def table_column(text: str) -> list[str]:
    """First-column backticked values of the markdown table rows in ``text``."""
    return re.findall(r"^\| `([^`]+)` \|", text, flags=re.M)


def command() -> str:
    here = Path(sys.executable).parent / "mock-audit"
    found = str(here) if here.exists() else shutil.which("mock-audit")
    assert found, "the mock-audit console script is not installed"
    return found


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MOCK_AUDIT_DEBUG"}
    return subprocess.run(
        [command(), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def copy_example(dest: Path) -> Path:
    target = dest / "assistant"
    shutil.copytree(
        EXAMPLE, target, ignore=shutil.ignore_patterns(".mock-audit-cache", "__pycache__")
    )
    return target


@pytest.fixture(scope="module")
def example_check(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """``check`` in text and JSON on an untouched copy of the example."""
    root = copy_example(tmp_path_factory.mktemp("example"))
    text = run(root, "check", "--no-cache")
    js = run(root, "check", "--no-cache", "--format", "json")
    assert text.returncode == 1 and js.returncode == 1, text.stderr + js.stderr
    return {"text": text.stdout, "json": js.stdout}


# --- command line ---


def help_options() -> dict[str, set[str]]:
    out = {}
    for sub in ("check", "fix"):
        result = run(REPO, sub, "--help")
        assert result.returncode == 0, result.stderr
        out[sub] = set(OPTION.findall(result.stdout))
    return out


def test_every_documented_option_is_accepted_and_every_option_is_documented() -> None:
    top = run(REPO, "--help")
    accepted = set().union(*help_options().values(), OPTION.findall(top.stdout))
    mentioned = set(OPTION.findall(doc()))
    assert accepted, "the help output names no options: the parsing here is broken"
    assert not FOREIGN_OPTIONS & accepted, "a foreign option is now mock-audit's own"
    assert mentioned >= FOREIGN_OPTIONS
    assert mentioned - FOREIGN_OPTIONS == accepted


def test_options_table_lists_exactly_the_options_and_fix_only_diff() -> None:
    helped = help_options()
    table = set(table_column(section("Command line")))
    assert table == helped["check"] | helped["fix"]
    assert helped["fix"] - helped["check"] == {"--diff"}
    assert "`fix` only" in section("Command line")


def test_choices_in_help_are_documented() -> None:
    result = run(REPO, "check", "--help")
    choices = re.findall(r"\{([a-z,]+)\}", result.stdout)
    values = {v for group in choices for v in group.split(",")}
    assert {"text", "json", "github", "sarif", "used", "exports"} <= values
    table = section("Command line")
    for value in values:
        assert f"`{value}`" in table, f"{value!r} is a choice the options table does not show"


# --- configuration ---


def test_documented_config_keys_are_the_loaders_keys() -> None:
    assert set(table_column(section("Configuration"))) == set(KEYS)


def test_config_example_loads_and_uses_every_key(tmp_path: Path) -> None:
    text = one("config-example")
    section_data = tomllib.loads(text)["tool"]["mock-audit"]
    assert set(section_data) == set(KEYS)
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path)
    assert config.require == section_data["require"]
    assert dict(config.stubs) == section_data["stubs"]
    assert ("app.legacy", "*") in config.ignore


def test_an_undocumented_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.mock-audit]\nsrcs = ["src"]\n')
    with pytest.raises(ConfigError, match="unknown key 'srcs'"):
        load_config(tmp_path)


def documented_defaults() -> dict[str, Any]:
    rows = re.findall(r"^\| `([^`]+)` \| [^|]+ \| `([^`]+)`", section("Configuration"), re.M)
    return {key: tomllib.loads(f"v = {value}")["v"] for key, value in rows}


def test_documented_defaults_are_the_loaders_defaults(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()  # so the ``src`` default ("those that exist") is both roots
    defaults = documented_defaults()
    assert set(defaults) == set(KEYS)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.mock-audit]\n", encoding="utf-8")
    implicit = load_config(tmp_path)
    for key, value in defaults.items():
        pyproject.write_text(
            "[tool.mock-audit]\n" + f"{key} = {json.dumps(value)}\n"
            if not isinstance(value, dict)
            else f"[tool.mock-audit.{key}]\n",
            encoding="utf-8",
        )
        assert load_config(tmp_path) == implicit, f"the documented default of {key!r} is wrong"


# --- outputs on the example ---


def test_text_example_is_the_real_check_output(example_check: dict[str, str]) -> None:
    assert one("example-check-text") == example_check["text"]
    assert "MA001" in example_check["text"] and "imports " in example_check["text"]


def test_json_example_is_real_output_trimmed(example_check: dict[str, str]) -> None:
    shown = json.loads(one("example-check-json"))
    real = json.loads(example_check["json"])
    assert shown.keys() == real.keys()
    assert shown["version"] == real["version"]
    assert shown["summary"] == real["summary"]
    assert shown["findings"], "the example should keep at least one finding"
    for finding in shown["findings"]:
        assert finding in real["findings"]
    assert {frozenset(f) for f in real["findings"]} == {frozenset(shown["findings"][0])}


def test_json_fields_named_in_the_text_are_the_real_ones(example_check: dict[str, str]) -> None:
    real = json.loads(example_check["json"])
    text = section("JSON output")
    for name in [*real, *real["findings"][0], *real["summary"], *real["summary"]["by_code"]]:
        assert f"`{name}`" in text, f"the JSON section does not describe {name!r}"


def test_fix_summary_example_is_real(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    result = run(root, "fix", "--no-cache", "--format", "json")
    assert result.returncode == 0, result.stderr
    real = json.loads(result.stdout)
    assert json.loads(one("example-fix-summary")) == real["summary"]
    again = run(root, "fix", "--no-cache")
    assert again.returncode == 0 and again.stdout.startswith("0 name(s) added in 0 file(s)")


# --- recognised forms, non-findings and notes ---


@pytest.mark.parametrize("index", range(len(marked("site"))))
def test_each_site_example_is_one_analysable_site_declaring_load(index: int) -> None:
    source = marked("site")[index]
    sites = find_sites(source, "test_example.py")
    assert isinstance(sites, list), sites
    assert len(sites) == 1, sites
    (site,) = sites
    assert site.module == "app.crud" and site.note is None
    assert site.provided is not None and "load" in site.provided


def test_site_examples_cover_every_install_kind() -> None:
    kinds = set()
    for source in marked("site"):
        found = find_sites(source, "test_example.py")
        assert isinstance(found, list)
        kinds |= {s.install for s in found}
    assert kinds == {"mock_module", "sys_modules_assign", "setitem", "patch_dict"}
    assert len(marked("site")) >= 14


def test_not_a_finding_example_has_sites_but_neither_names_nor_notes() -> None:
    sites = find_sites(one("not-a-finding"), "test_example.py")
    assert isinstance(sites, list)
    assert len(sites) == 7
    assert all(s.provided is None and s.note is None for s in sites), sites


def test_notes_output_is_real(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mock-audit]\nsrc = ["src"]\ntests = ["tests"]\n', encoding="utf-8"
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_notes.py").write_text(one("notes"), encoding="utf-8")
    result = run(tmp_path, "check", "--no-cache")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:-1] == one("notes-output").splitlines()
    assert lines[-1].endswith("4 note(s).")


# --- the codemod recipe and pre-commit ---


def test_codemod_recipe_fixes_the_example_like_mock_audit_fix(tmp_path: Path) -> None:
    via_codemod = copy_example(tmp_path / "codemod")
    via_cli = copy_example(tmp_path / "cli")
    (via_codemod / ".libcst.codemod.yaml").write_text(one("codemod-yaml"), encoding="utf-8")
    argv = shlex.split(one("codemod-command"))
    assert argv[0] == "python"
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    result = subprocess.run(
        [sys.executable, *argv[1:]],
        cwd=via_codemod,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Failed to codemod 0 files" in result.stderr
    assert run(via_cli, "fix", "--no-cache").returncode == 0
    assert run(via_codemod, "check", "--no-cache").returncode == 0
    for path in sorted((via_cli / "tests").glob("*.py")):
        other = via_codemod / "tests" / path.name
        assert other.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


def test_precommit_hook_ids_are_documented() -> None:
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^- id: (\S+)", hooks, flags=re.M)
    assert ids, "no hooks found in .pre-commit-hooks.yaml"
    text = section("Pre-commit, CI and pytest")
    for hook in ids:
        assert f"`{hook}`" in text
    documented_filenames = "pass_filenames: false" in text
    assert documented_filenames == ("pass_filenames: false" in hooks)
