"""docs/audit.md stays true: every output it shows is what the tool prints now.

The page marks what these tests read with an HTML comment right before a block:

* ``<!-- test: file PATH -->``: a file of the sample project every scenario starts from;
* ``<!-- test: scenario NAME PATH -->``: a file of scenario NAME (on top of the sample);
* ``<!-- test: run NAME -->``: a ``console`` block of ``$ command`` lines, each followed by
  what it prints, run in order in a fresh copy of scenario NAME (``assistant``: a copy of
  ``examples/assistant``; ``-``: an empty folder). A command ending in ``2>&1`` shows
  standard error (first) and standard output; otherwise only standard output;
* ``<!-- test: messages NAME ... -->``: the message of the first finding of each code
  found by ``check --require exports`` in those scenarios, one ``CODE: message`` a line;
* ``<!-- test: forms install -->`` / ``<!-- test: forms fake -->``: the tables of forms,
  generated from the registries (``INSTALL_FORMS``, ``FAKE_FORMS``);
* ``crash NAME``, ``config``, ``strict``/``strict-error``,
  ``codemod-yaml``/``codemod-command``: see their tests.

``python -m tests.audit.test_docs_audit --write`` rewrites every generated table and
output block from what the tool does now; review the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from audit.config import KEYS, load_config
from audit.forms.base import Form
from audit.forms.fakes import FAKE_FORMS
from audit.forms.installs import INSTALL_FORMS
from audit.model import CODES

from .oracle.bundle import crashes

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "audit.md"
EXAMPLE = REPO / "examples" / "assistant"
BIN = Path(sys.executable).parent
# argparse wraps help to the terminal width, and Python 3.13 changed its layout: the
# help shown was produced on this Python at this width.
HELP_PYTHON = (3, 11)
ENV = {
    **{k: v for k, v in os.environ.items() if k not in ("MOCK_AUDIT_DEBUG", "FORCE_COLOR")},
    "COLUMNS": "88",
    "NO_COLOR": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}
BLOCK = re.compile(r"<!-- test: ([^>]*?) -->\n```([\w-]*)\n(.*?)```", re.S)
TABLE = re.compile(r"<!-- test: forms (\w+) -->\n((?:\|.*\n)+)")


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Block:
    words: tuple[str, ...]  # the marker's words: ("run", "assistant")
    lang: str
    body: str
    start: int  # where the body starts and ends in the page
    end: int


def blocks(kind: str, text: str | None = None) -> list[Block]:
    out = []
    for match in BLOCK.finditer(doc() if text is None else text):
        words = tuple(match.group(1).split())
        if words and words[0] == kind:
            out.append(Block(words, match.group(2), match.group(3), match.start(3), match.end(3)))
    return out


def one(kind: str) -> Block:
    found = blocks(kind)
    assert len(found) == 1, f"docs/audit.md should mark exactly one {kind!r} block"
    return found[0]


def section(title: str) -> str:
    """The text of the ``## title`` section, up to the next ``## ``."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", doc(), flags=re.S | re.M)
    assert match is not None, f"docs/audit.md has no section {title!r}"
    return match.group(1)


# --- projects -------------------------------------------------------------------------


def scenario_files(name: str) -> dict[str, str]:
    files = {b.words[1]: b.body for b in blocks("file")}
    for block in blocks("scenario"):
        if block.words[1] == name:
            files[block.words[2]] = block.body
    return files


def scenarios() -> list[str]:
    return list(dict.fromkeys(b.words[1] for b in blocks("scenario")))


def make(name: str, root: Path) -> Path:
    """A fresh copy of scenario ``name`` under ``root``; returns its folder."""
    target = root / name.replace("-", "_")
    if name == "assistant":
        ignore = shutil.ignore_patterns(".mock-audit-cache", "__pycache__", ".pytest_cache")
        shutil.copytree(EXAMPLE, target, ignore=ignore)
        return target
    target.mkdir(parents=True)
    if name == "-":
        return target
    assert name in scenarios(), f"docs/audit.md has no scenario {name!r}"
    for rel, text in scenario_files(name).items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target


def run(cwd: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    program = {"mock-audit": str(BIN / "mock-audit"), "python": sys.executable}[argv[0]]
    return subprocess.run(
        [program, *argv[1:]], cwd=cwd, capture_output=True, text=True, env=ENV, timeout=300
    )


def commands(body: str) -> Iterator[tuple[str, str]]:
    """(command, what the page says it prints) for each ``$ command`` of a block."""
    parts = re.split(r"^\$ (.*)\n", body, flags=re.M)
    assert parts[0] == "", "a run block starts with a `$ command` line"
    for i in range(1, len(parts), 2):
        yield parts[i], parts[i + 1]


def outputs(block: Block, root: Path) -> str:
    """The block as the tool prints it now."""
    cwd = make(block.words[1], root)
    out = []
    for command, _ in commands(block.body):
        argv = shlex.split(command)
        both = argv[-1] == "2>&1"
        done = run(cwd, argv[:-1] if both else argv)
        out.append(f"$ {command}\n" + (done.stderr if both else "") + done.stdout)
    return "".join(out)


def messages(block: Block, root: Path) -> str:
    first: dict[str, str] = {}
    for name in block.words[1:]:
        done = run(make(name, root), ["mock-audit", "check", "--format", "json", "--require",
                                      "exports"])  # fmt: skip
        for finding in json.loads(done.stdout)["findings"]:
            first.setdefault(finding["code"], finding["message"])
    return "".join(f"{code}: {first[code]}\n" for code in CODES if code in first)


# --- the tables of forms --------------------------------------------------------------


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def example(text: str) -> str:
    """An example as code spans, one a line."""
    return "<br>".join(f"`{line.strip()}`" for line in text.splitlines())


def form_table(forms: tuple[Form, ...]) -> str:
    rows = ["| form | what it recognises | example |", "|---|---|---|"]
    rows += [f"| `{f.id}` | {cell(f.title)} | {cell(example(f.example))} |" for f in forms]
    return "".join(row + "\n" for row in rows)


FORM_TABLES = {"install": INSTALL_FORMS, "fake": FAKE_FORMS}


def test_the_form_tables_list_exactly_the_registries_forms() -> None:
    found = {m.group(1): m.group(2) for m in TABLE.finditer(doc())}
    assert set(found) == set(FORM_TABLES)
    for kind, forms in FORM_TABLES.items():
        documented = re.findall(r"^\| `(\w+)` \|", found[kind], flags=re.M)
        assert documented == [f.id for f in forms], f"the {kind} forms table is out of date"
        assert found[kind] == form_table(forms), (
            f"the {kind} forms table differs from the registry; run "
            "`python -m tests.audit.test_docs_audit --write`"
        )


# --- outputs --------------------------------------------------------------------------


def run_blocks() -> list[Block]:
    return blocks("run")


@pytest.mark.parametrize(
    "index", range(len(run_blocks())), ids=[" ".join(b.words[1:]) for b in run_blocks()]
)
def test_run_block_is_what_the_tool_prints(index: int, tmp_path: Path) -> None:
    block = run_blocks()[index]
    if "--help" in block.body and sys.version_info[:2] != HELP_PYTHON:
        pytest.skip("argparse lays help out differently on this Python")
    assert outputs(block, tmp_path) == block.body


@pytest.mark.parametrize("index", range(len(blocks("messages"))))
def test_messages_are_the_tools(index: int, tmp_path: Path) -> None:
    block = blocks("messages")[index]
    assert messages(block, tmp_path) == block.body


def test_crash_is_what_pytest_prints(tmp_path: Path) -> None:
    block = one("crash")
    root = make(block.words[1], tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert done.returncode != 0
    assert block.body.strip() in done.stdout


def window_scenarios() -> list[str]:
    text = section("When a missing name crashes a test")
    return list(dict.fromkeys(re.findall(r"<!-- test: scenario (\S+) ", text)))


def claims(report: dict[str, Any]) -> dict[str, set[tuple[str, str]]]:
    """The crashes the report claims, per test file, as ``bundle.crashes`` spells them."""
    out: dict[str, set[tuple[str, str]]] = {}
    for f in report["findings"]:
        if f["code"] == "MA001":
            found = {("name", f"{f['module']}:{n}") for n in f["missing"]}
        elif f["code"] == "MA004":
            found = {("package", f"{f['module']}:{f['chain'][-1]['module']}")}
        else:
            continue
        for test_file in f["crashes"]:
            out.setdefault(test_file, set()).update(found)
    return out


@pytest.mark.parametrize("name", window_scenarios())
def test_window_example_agrees_with_pytest(name: str, tmp_path: Path) -> None:
    """Each example of the windows section is an oracle case: what mock-audit says
    crashes is what crashes when pytest runs the file alone."""
    root = make(name, tmp_path)
    done = run(root, ["mock-audit", "check", "--format", "json", "--no-cache"])
    claimed = claims(json.loads(done.stdout))
    for test_file in sorted(scenario_files(name)):
        if not Path(test_file).name.startswith("test_"):
            continue
        seen = {c for c in crashes(root, test_file) if c[0] in ("name", "package")}
        assert seen == claimed.get(test_file, set()), test_file


def test_messages_cover_every_code() -> None:
    shown = {line.split(":")[0] for b in blocks("messages") for line in b.body.splitlines()}
    assert shown == set(CODES)


def test_every_scenario_is_run() -> None:
    ran = {b.words[1] for b in run_blocks()} | {w for b in blocks("messages") for w in b.words[1:]}
    assert set(scenarios()) <= ran, sorted(set(scenarios()) - ran)


def test_every_output_block_is_checked() -> None:
    """Output shown in the page comes from a marked block (``console``/``text``)."""
    unmarked = re.findall(r"(?<!-->\n)```(console|text)\n", doc())
    assert not unmarked, "an output block is not marked <!-- test: ... -->"


# --- the command line -----------------------------------------------------------------

OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*[a-z]")


def test_every_option_of_the_help_is_documented() -> None:
    helped: set[str] = set()
    for sub in ("check", "fix"):
        done = run(REPO, ["mock-audit", sub, "--help"])
        helped |= set(OPTION.findall(done.stdout))
    text = section("Command line")
    assert helped, "the help names no options: the parsing here is broken"
    for option in helped:
        assert f"`{option}" in text, f"{option} is not described under 'Command line'"


def test_exit_codes(tmp_path: Path) -> None:
    """0 clean, 1 findings, 2 error; --exit-zero turns 1 into 0; fix exits 0 once fixed."""
    root = make("module-level", tmp_path)
    assert run(root, ["mock-audit", "check", "--no-cache"]).returncode == 1
    assert run(root, ["mock-audit", "check", "--no-cache", "--exit-zero"]).returncode == 0
    assert run(root, ["mock-audit", "check", "--no-cache", "--select", "MA009"]).returncode == 2
    assert run(root, ["mock-audit", "fix", "--no-cache"]).returncode == 0
    assert run(root, ["mock-audit", "check", "--no-cache"]).returncode == 0
    table = section("Exit codes")
    assert all(f"| {code} |" in table for code in (0, 1, 2))


# --- configuration --------------------------------------------------------------------


def test_documented_config_keys_are_the_loaders_keys() -> None:
    keys = re.findall(r"^\| `([a-z-]+)` \|", section("Configuration"), flags=re.M)
    assert sorted(keys) == sorted(KEYS)


def test_config_example_loads_and_uses_every_key(tmp_path: Path) -> None:
    text = one("config").body
    table = tomllib.loads(text)["tool"]["mock-audit"]
    assert set(table) == set(KEYS)
    for folder in ("src", "tests"):
        (tmp_path / folder).mkdir()
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path)
    assert config.require == table["require"]
    assert dict(config.stubs) == table["stubs"]
    assert config.line_length == table["line-length"]


# --- strict mock_module ---------------------------------------------------------------


def strict_error(root: Path) -> str:
    """The last line of what the page's strict example prints, run in the sample project
    (``fake_store``, which the pytest plugin loads, registers the check)."""
    project = make("module-level", root)
    code = "import fake_store\n" + one("strict").body
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        capture_output=True,
        text=True,
        env={**ENV, "PYTHONPATH": str(project / "src")},
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    return done.stderr.splitlines()[-1] + "\n"


def test_strict_mock_module_raises_the_documented_error(tmp_path: Path) -> None:
    assert strict_error(tmp_path) == one("strict-error").body


# --- the libcst codemod ---------------------------------------------------------------


def test_codemod_recipe_fixes_the_example_like_mock_audit_fix(tmp_path: Path) -> None:
    via_codemod = make("assistant", tmp_path / "codemod")
    via_cli = make("assistant", tmp_path / "cli")
    (via_codemod / ".libcst.codemod.yaml").write_text(one("codemod-yaml").body, encoding="utf-8")
    argv = shlex.split(one("codemod-command").body.removeprefix("$ "))
    assert argv[0] == "python"
    done = subprocess.run(
        [sys.executable, *argv[1:]],
        cwd=via_codemod,
        capture_output=True,
        text=True,
        env={**ENV, "PATH": str(BIN) + os.pathsep + ENV.get("PATH", "")},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert run(via_cli, ["mock-audit", "fix", "--no-cache"]).returncode == 0
    assert run(via_codemod, ["mock-audit", "check", "--no-cache"]).returncode == 0
    for path in sorted((via_cli / "tests").glob("*.py")):
        other = via_codemod / "tests" / path.name
        assert other.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


# --- pre-commit and the Python API -----------------------------------------------------


def test_precommit_hook_ids_are_documented() -> None:
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^- id: (\S+)", hooks, flags=re.M)
    assert ids
    text = section("Pre-commit, CI and pytest")
    assert all(f"`{hook}`" in text for hook in ids)


def test_security_section_is_there() -> None:
    section("Security and failure modes")


# --- regenerating the page ------------------------------------------------------------


def regenerate() -> None:
    """Rewrite the form tables and every run/messages block from the tool's output."""
    text = doc()
    for match in reversed(list(TABLE.finditer(text))):
        table = form_table(FORM_TABLES[match.group(1)])
        text = text[: match.start(2)] + table + text[match.end(2) :]
    with tempfile.TemporaryDirectory() as scratch:
        found = [*blocks("run", text), *blocks("messages", text), *blocks("strict-error", text)]
        for index, block in sorted(enumerate(found), key=lambda p: -p[1].start):
            root = Path(scratch) / str(index)
            kind = block.words[0]
            if kind == "run":
                body = outputs(block, root)
            elif kind == "messages":
                body = messages(block, root)
            else:
                body = strict_error(root)
            text = text[: block.start] + body + text[block.end :]
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.audit.test_docs_audit --write")
    regenerate()
