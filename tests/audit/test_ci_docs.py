"""docs/ci.md stays true: every block it shows is marked, run on a copy of the example
project, and compared with what the installed tools print and how they exit.

Each fenced block follows a ``<!-- test: NAME -->`` line; ``console`` blocks are sessions
(``$ command`` lines, each followed by its exact standard output), YAML blocks are run
step by step. Blocks no test knows fail the check, so nothing shown goes unchecked.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft4Validator

from audit.cli import parse
from audit.config import DEFAULT_CACHE_DIR

from .clitools import LATENT, REPO, copy_example, env, mock_audit, project

DOC = REPO / "docs" / "ci.md"
HOOKS = REPO / ".pre-commit-hooks.yaml"
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
BLOCK = re.compile(r"(?:<!-- test: ([\w-]+) -->\n)?```([\w-]*)\n(.*?)```", re.S)
SHA = re.compile(r"[0-9a-f]{40}")
# Options the page names that belong to other tools: pytest's, the plugin's and libcst's.
FOREIGN_OPTIONS = {"--mock-audit", "--no-format"}


def blocks() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, _, body in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        assert name, f"docs/ci.md has an unmarked block, so nothing checks it:\n{body[:200]}"
        assert name not in found, f"docs/ci.md marks two blocks {name!r}"
        found[name] = body
    return found


def block(name: str) -> str:
    return blocks()[name]


def session(text: str) -> Iterator[tuple[str, str]]:
    """The ``$ command`` lines of a console block, each with the output shown after it."""
    parts = re.split(r"^\$ (.*)\n", text, flags=re.M)
    assert parts[0] == "", "a console block starts with a command"
    yield from zip(parts[1::2], parts[2::2], strict=True)


def shell(cwd: Path, command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as a user's shell would, with the project's tools first on PATH."""
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, capture_output=True, text=True, env=env(), timeout=300
    )


def run_session(cwd: Path, name: str) -> list[subprocess.CompletedProcess[str]]:
    """Run every command of the block; each must print exactly what the block shows."""
    results = []
    for command, shown in session(block(name)):
        result = shell(cwd, command)
        assert result.stdout == shown, f"$ {command}\n{result.stderr}"
        results.append(result)
    return results


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example; the commands run here may write its cache, nothing else."""
    return copy_example(tmp_path_factory.mktemp("ci-docs"))


@pytest.fixture(scope="module")
def example_without_crash(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example whose MA001 is fixed: only MA002 findings are left."""
    root = copy_example(tmp_path_factory.mktemp("ci-docs-fixed"))
    result = mock_audit(root, "fix", "--select", "MA001")
    assert result.returncode == 0, result.stdout + result.stderr
    left = mock_audit(root, "check", "--statistics")
    assert left.returncode == 1 and "MA002" in left.stdout and "MA001" not in left.stdout
    return root


# --- every block is checked ------------------------------------------------------------


def test_every_block_is_marked_and_checked() -> None:
    checked = {
        "console-select",
        "github-workflow",
        "github-output",
        "gitlab",
        "pre-commit-config",
        "pytest-output",
        "codemod",
    }
    assert set(blocks()) == checked


def test_every_mock_audit_option_named_is_accepted() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*[a-z]", text)) - FOREIGN_OPTIONS
    accepted: set[str] = set()
    for command in ("check", "fix"):
        result = mock_audit(REPO, command, "--help")
        assert result.returncode == 0
        accepted |= set(re.findall(r"--[a-z][a-z-]*[a-z]", result.stdout))
    assert named <= accepted, named - accepted


def test_every_inline_mock_audit_command_parses() -> None:
    spans = re.findall(r"`([^`\n]+)`", DOC.read_text(encoding="utf-8"))
    commands = [
        part.strip()
        for span in spans
        for part in span.split("&&")
        if part.strip().startswith("mock-audit ")
    ]
    assert "mock-audit check --select MA001" in commands
    for command in commands:
        parse(shlex.split(command)[1:])  # exits 2 (SystemExit) on a bad option


# --- the console sessions on the example ----------------------------------------------


def test_select_session_is_real_output(example: Path) -> None:
    select, statistics = run_session(example, "console-select")
    assert select.returncode == 1  # the MA001 fails the command...
    assert statistics.returncode == 0  # ... and --exit-zero only reports


def test_select_ma001_passes_once_only_ma002_is_left(example_without_crash: Path) -> None:
    command, _ = next(session(block("console-select")))
    assert shell(example_without_crash, command).returncode == 0


def test_paths_are_root_relative_from_the_tests_folder(example: Path) -> None:
    assert "`cd tests && mock-audit check`" in DOC.read_text(encoding="utf-8")
    result = shell(example, "cd tests && mock-audit check")
    assert result.returncode == 1
    assert result.stdout.startswith("tests/test_")
    assert "tests/test_worker.py:22:10: MA001" in result.stdout


def test_github_output_is_real_and_fails(example: Path) -> None:
    (result,) = run_session(example, "github-output")
    assert result.returncode == 1


def test_pytest_session_is_real_output(example: Path) -> None:
    (result,) = run_session(example, "pytest-output")
    assert result.returncode == 2, result.stderr


def test_the_codemod_recipe_fixes_the_example(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    for command, shown in session(block("codemod")):
        result = shell(root, command)
        assert result.returncode == 0, result.stderr[-2000:]
        assert (result.stdout, shown) == ("", "")
    assert (root / ".libcst.codemod.yaml").is_file()
    after = mock_audit(root, "check", "--no-cache")
    assert after.returncode == 0, after.stdout


# --- GitHub Actions --------------------------------------------------------------------


def workflow_steps() -> list[dict[str, Any]]:
    document = yaml.safe_load(block("github-workflow"))
    steps: list[dict[str, Any]] = document["jobs"]["mock-audit"]["steps"]
    return steps


def mock_audit_steps() -> list[dict[str, Any]]:
    return [s for s in workflow_steps() if str(s.get("run", "")).startswith("mock-audit ")]


def test_workflow_fails_on_ma001_and_annotates_ma002(
    example: Path, example_without_crash: Path
) -> None:
    fail_step, annotate_step, _ = mock_audit_steps()
    failing = shell(example, fail_step["run"])
    assert failing.returncode == 1
    assert failing.stdout.splitlines()
    assert all(
        line.startswith("::error ") and ",title=MA001 " in line
        for line in failing.stdout.splitlines()
    )
    assert shell(example_without_crash, fail_step["run"]).returncode == 0
    annotated = shell(example, annotate_step["run"])
    assert annotated.returncode == 0
    lines = annotated.stdout.splitlines()
    assert len(lines) == 7
    assert all(line.startswith("::warning ") and ",title=MA002 " in line for line in lines)
    assert annotate_step["if"] == "always()"


def test_workflow_uploads_a_valid_sarif_file(example: Path) -> None:
    sarif_step = mock_audit_steps()[2]
    (upload,) = [s for s in workflow_steps() if "upload-sarif" in s.get("uses", "")]
    result = shell(example, sarif_step["run"])
    assert result.returncode == 0, result.stderr
    path = example / upload["with"]["sarif_file"]
    document = json.loads(path.read_text(encoding="utf-8"))
    assert not list(Draft4Validator(json.loads(SCHEMA.read_text())).iter_errors(document))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    }
    assert "tests/test_worker.py" in uris
    assert sarif_step["if"] == upload["if"] == "always()"


def test_workflow_caches_the_cache_dir_mock_audit_writes(example: Path) -> None:
    (cache,) = [s for s in workflow_steps() if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == DEFAULT_CACHE_DIR
    assert cache["with"]["restore-keys"]
    shell(example, mock_audit_steps()[0]["run"])
    assert (example / DEFAULT_CACHE_DIR / ".gitignore").is_file()


# --- GitLab ------------------------------------------------------------------------------


def test_gitlab_job_runs_as_shown(example: Path, example_without_crash: Path) -> None:
    job = yaml.safe_load(block("gitlab"))["mock-audit"]
    assert job["cache"]["paths"] == [DEFAULT_CACHE_DIR + "/"]
    commands = [c for c in job["script"] if c.startswith("mock-audit ")]
    assert len(commands) == 3
    report, latent, crashes = (shell(example, c) for c in commands)
    assert report.returncode == 0 and report.stdout == ""
    (artifact,) = job["artifacts"]["paths"]
    assert json.loads((example / artifact).read_text())["summary"]["by_code"]["MA001"] == 1
    assert latent.returncode == 0 and "MA002" in latent.stdout
    assert crashes.returncode == 1 and "MA001" in crashes.stdout
    assert shell(example_without_crash, commands[-1]).returncode == 0


# --- installing and pinning mockharness ---------------------------------------------------


def pinned_shas() -> set[str]:
    text = block("github-workflow") + block("gitlab") + block("pre-commit-config")
    return set(SHA.findall(text))


def test_one_commit_is_pinned_everywhere_and_it_is_a_commit_of_this_repository() -> None:
    shas = pinned_shas()
    assert len(shas) == 1, shas
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    (sha,) = shas
    found = subprocess.run(
        ["git", "cat-file", "-t", sha], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    if found.returncode != 0:  # a shallow clone may not hold it
        shallow = subprocess.run(
            ["git", "rev-parse", "--is-shallow-repository"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if shallow.stdout.strip() == "true":
            pytest.skip("a shallow clone")
    assert found.stdout.strip() == "commit", f"{sha} is not a commit of this repository"


def hooks() -> dict[str, dict[str, Any]]:
    return {h["id"]: h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}


def test_pre_commit_config_pins_a_commit_and_names_a_shipped_hook(
    example: Path, example_without_crash: Path
) -> None:
    (repo,) = yaml.safe_load(block("pre-commit-config"))["repos"]
    assert SHA.fullmatch(repo["rev"])
    (hook,) = repo["hooks"]
    shipped = hooks()[hook["id"]]
    # pre-commit runs the entry with the user's args after it (and no file names).
    command = [*shlex.split(shipped["entry"]), *hook["args"]]
    assert shell(example, shlex.join(command)).returncode == 1
    assert shell(example_without_crash, shlex.join(command)).returncode == 0


def test_hooks_check_the_whole_suite() -> None:
    found = hooks()
    assert sorted(found) == ["mock-audit", "mock-audit-fix"]
    assert parse(shlex.split(found["mock-audit"]["entry"])[1:]).command == "check"
    assert parse(shlex.split(found["mock-audit-fix"]["entry"])[1:]).command == "fix"
    for hook in found.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert {"python", "toml"} <= set(hook["types_or"])
        assert f"`{hook['id']}`" in DOC.read_text(encoding="utf-8")


def test_the_hook_catches_a_change_to_a_source_module_alone(tmp_path: Path) -> None:
    complete = LATENT.replace("load=print", "load=print, save=print")
    root = project(tmp_path, {"tests/test_crash.py": None, "tests/test_latent.py": complete})
    entry = shlex.split(hooks()["mock-audit"]["entry"])
    assert mock_audit(root, *entry[1:]).returncode == 0
    # The commit adds a name to the real module and uses it; no test file changes.
    crud = root / "src" / "app" / "crud.py"
    crud.write_text(crud.read_text() + "\n\ndef new(): ...\n")
    (root / "src/app/service.py").write_text("from app.crud import new, save\n")
    again = mock_audit(root, *entry[1:])
    assert again.returncode == 1
    assert "MA002 app.crud: missing new" in again.stdout


# --- the cache in CI -----------------------------------------------------------------------


def cache_state(root: Path) -> tuple[str, int]:
    with sqlite3.connect(root / DEFAULT_CACHE_DIR / "cache.sqlite3") as conn:
        (salt,) = conn.execute("SELECT value FROM meta WHERE name = 'salt'").fetchone()
        (entries,) = conn.execute("SELECT count(*) FROM entries").fetchone()
    return str(salt), int(entries)


def test_a_restored_cache_hits_in_a_clone_at_another_path(tmp_path: Path) -> None:
    first = copy_example(tmp_path / "runner-a")
    assert mock_audit(first, "check").returncode == 1
    before = cache_state(first)
    clone = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(first, clone)  # what restoring the cache into a fresh clone gives
    for path in clone.rglob("*.py"):
        path.touch()  # a fresh checkout: new mtimes
    result = mock_audit(clone, "check")
    assert result.returncode == 1
    assert result.stdout == mock_audit(first, "check").stdout
    assert cache_state(clone) == before  # nothing was rebuilt
