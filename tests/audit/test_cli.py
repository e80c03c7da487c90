"""The installed ``mock-audit`` command, run as a user runs it: ruff's conventions for code
selection and options, suppression comments, git-ignored files, config files, exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from .clitools import CRASH, LATENT, PYPROJECT, check_json, codes, git, mock_audit, project, write

MA001 = ("tests/test_crash.py", "MA001")
MA002 = ("tests/test_latent.py", "MA002")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One MA001 and one MA002; only read (every run here passes ``--no-cache``)."""
    return project(tmp_path_factory.mktemp("base"))


@pytest.fixture(scope="module")
def latent_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project(tmp_path_factory.mktemp("latent"), {"tests/test_crash.py": None})


# --- code selection, as ruff's -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "MA001"], [MA001]),
        (["--select", "MA001,MA002"], [MA001, MA002]),
        (["--select", "MA001", "--select", "MA002"], [MA001, MA002]),
        (["--select", "MA00"], [MA001, MA002]),
        (["--select", "ALL", "--ignore", "MA001"], [MA002]),
        (["--ignore", "MA001,MA002"], []),
        (["--select", "MA003", "--extend-select", "MA002"], [MA002]),
    ],
    ids=[
        "select-one",
        "comma-separated",
        "repeatable",
        "prefix",
        "all-less-ignore",
        "ignore-both",
        "extend-select",
    ],
)
def test_code_options_choose_what_is_reported(
    base: Path, args: list[str], expected: list[tuple[str, str]]
) -> None:
    returncode, document, _ = check_json(base, *args)
    assert codes(document) == expected
    assert returncode == (1 if expected else 0)


def test_select_ma001_fails_ci_only_on_crashes(base: Path, latent_only: Path) -> None:
    crashing = mock_audit(base, "check", "--no-cache", "--select", "MA001")
    assert crashing.returncode == 1, crashing.stderr
    assert "tests/test_crash.py:4:1: MA001 app.crud: missing save" in crashing.stdout
    assert "MA002" not in crashing.stdout.replace("(MA001 1)", "")
    latent = mock_audit(latent_only, "check", "--no-cache", "--select", "MA001")
    assert latent.returncode == 0, latent.stdout + latent.stderr
    assert "MA002" not in latent.stdout
    # ... while the same tree still has a latent finding to report.
    assert mock_audit(latent_only, "check", "--no-cache").returncode == 1


@pytest.mark.parametrize(
    ("table", "args", "expected"),
    [
        ('select = ["MA001"]', [], [MA001]),
        ('select = ["MA001"]\nextend-select = ["MA002"]', [], [MA001, MA002]),
        ('ignore = ["MA002"]', [], [MA001]),
        ('ignore = ["app.crud:save"]', [], []),
        ('ignore = ["app.crud:save"]', ["--select", "ALL"], []),
        ('ignore = ["MA002"]', ["--select", "MA002"], [MA002]),
    ],
    ids=[
        "select",
        "extend-select",
        "ignore-code",
        "ignore-module-name",
        "module-name-survives-cli-select",
        "cli-select-replaces-ignore",
    ],
)
def test_config_selects_codes_and_module_name_entries_still_drop_names(
    tmp_path: Path, table: str, args: list[str], expected: list[tuple[str, str]]
) -> None:
    root = project(tmp_path, {"pyproject.toml": f"{PYPROJECT}{table}\n"})
    _, document, _ = check_json(root, *args)
    assert codes(document) == expected


def test_exit_zero_reports_findings_but_exits_zero(base: Path) -> None:
    result = mock_audit(base, "check", "--no-cache", "--exit-zero")
    assert result.returncode == 0, result.stderr
    assert "MA001 app.crud: missing save" in result.stdout
    assert "MA002 app.crud: missing save" in result.stdout


@pytest.mark.parametrize(
    "args",
    [["--select", "MA9"], ["tests/no_such_file.py"]],
    ids=["bad-code", "missing-path"],
)
def test_exit_zero_never_hides_an_error(base: Path, args: list[str]) -> None:
    result = mock_audit(base, "check", "--no-cache", "--exit-zero", *args)
    assert result.returncode == 2, result.stdout + result.stderr


def test_statistics_count_per_code(base: Path) -> None:
    result = mock_audit(base, "check", "--no-cache", "--statistics")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "1\tMA001\tmissing name; running the test file crashes now",
        "1\tMA002\tmissing name; latent",
        "2 finding(s) (MA001 1, MA002 1) in 2 file(s) scanned, 2 site(s), 0 note(s).",
    ]


@pytest.mark.parametrize("flag", ["-q", "--quiet"])
def test_quiet_prints_the_findings_only(base: Path, flag: str) -> None:
    result = mock_audit(base, "check", "--no-cache", flag)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "tests/test_crash.py:4:1: MA001 app.crud: missing save",
        "    tests/test_crash.py:5 imports app.service",
        "    src/app/service.py:1 imports app.crud",
        "tests/test_latent.py:6:5: MA002 app.crud: missing save",
    ]
    assert result.stderr == ""


def test_output_format_is_an_alias_of_format(base: Path) -> None:
    alias = mock_audit(base, "check", "--no-cache", "--output-format", "github")
    plain = mock_audit(base, "check", "--no-cache", "--format", "github")
    assert alias.returncode == plain.returncode == 1
    assert alias.stdout == plain.stdout
    assert alias.stdout.startswith("::error file=tests/test_crash.py,")


@pytest.mark.parametrize(
    "args",
    [
        ["--out", "json"],
        ["--form", "json"],
        ["--sel", "MA001"],
    ],
    ids=lambda args: args[0],
)
def test_options_cannot_be_abbreviated(tmp_path: Path, args: list[str]) -> None:
    root = project(tmp_path)
    result = mock_audit(root, "check", *args)
    assert result.returncode == 2, result.stdout
    assert "unrecognized arguments" in result.stderr
    assert result.stdout == ""
    assert not (root / "json").exists()  # ``--out json`` did not become --output-file


# --- suppression comments ----------------------------------------------------------

FAKE_LINE = """\
import sys
from types import SimpleNamespace


def test_it():
    fake = SimpleNamespace(load=print)  {fake}
    sys.modules["app.crud"] = fake  {install}
"""

# name -> (comment on the fake line, comment on the install line, codes left, warning)
SUPPRESSIONS: dict[str, tuple[str, str, list[str], str | None]] = {
    "noqa_code_on_install": ("", "# noqa: MA002", [], None),
    "noqa_code_on_fake": ("# noqa: MA002", "", [], None),
    "ignore_code_on_install": ("", "# mock-audit: ignore[MA002]", [], None),
    "ignore_code_on_fake": ("# mock-audit: ignore[MA002]", "", [], None),
    "ignore_name": ("", "# mock-audit: ignore[save]", [], None),
    "ignore_other_name": ("", "# mock-audit: ignore[load]", ["MA002"], None),
    "ignore_everything": ("# mock-audit: ignore", "", [], None),
    "noqa_other_code": ("", "# noqa: MA001", ["MA002"], None),
    "noqa_other_tool": ("# noqa: E501", "", ["MA002"], None),
    "ignore_unknown_code": ("", "# mock-audit: ignore[MA009]", ["MA002"], "MA009"),
    "noqa_unknown_code": ("# noqa: MA008", "", ["MA002"], "MA008"),
}
CRASH_SUPPRESSIONS: dict[str, tuple[str, list[str]]] = {
    "crash_noqa_own_code": ("# noqa: MA001", []),
    "crash_noqa_other_code": ("# noqa: MA002", ["MA001"]),
    "crash_ignore_code": ("# mock-audit: ignore[MA001]", []),
}


@pytest.fixture(scope="module")
def suppressed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """One project holding every comment, checked once: the JSON document and the text
    run's stderr."""
    files: dict[str, str | None] = {"tests/test_crash.py": None, "tests/test_latent.py": None}
    for name, (fake, install, _, _) in SUPPRESSIONS.items():
        text = FAKE_LINE.format(fake=fake, install=install).replace("  \n", "\n")
        files[f"tests/test_{name}.py"] = text
    for name, (comment, _) in CRASH_SUPPRESSIONS.items():
        text = CRASH.replace("load=print)", f"load=print)  {comment}")
        files[f"tests/test_{name}.py"] = text
    root = project(tmp_path_factory.mktemp("suppressed"), files)
    _, document, _ = check_json(root)
    plain = mock_audit(root, "check", "--no-cache")
    return document, plain.stderr


@pytest.mark.parametrize("name", sorted(SUPPRESSIONS))
def test_suppression_comments_by_code_and_by_name(
    suppressed: tuple[dict[str, Any], str], name: str
) -> None:
    document, stderr = suppressed
    _, _, left, unknown = SUPPRESSIONS[name]
    path = f"tests/test_{name}.py"
    assert [code for p, code in codes(document) if p == path] == left
    warnings = [w for w in document["warnings"] if w.startswith(path)]
    if unknown is None:
        assert warnings == []
        assert path not in stderr
    else:
        # An unknown code is a warning (stderr and JSON), never read as a name.
        assert len(warnings) == 1 and repr(unknown) in warnings[0]
        assert f"mock-audit: warning: {path}:" in stderr and repr(unknown) in stderr


@pytest.mark.parametrize("name", sorted(CRASH_SUPPRESSIONS))
def test_suppression_by_code_keeps_other_codes(
    suppressed: tuple[dict[str, Any], str], name: str
) -> None:
    document, _ = suppressed
    path = f"tests/test_{name}.py"
    left = [code for p, code in codes(document) if p == path]
    assert left == CRASH_SUPPRESSIONS[name][1]


def test_a_code_like_entry_that_is_no_code_is_a_warning(tmp_path: Path) -> None:
    text = FAKE_LINE.format(fake="", install="# mock-audit: ignore[MA00]")
    root = project(tmp_path, {"tests/test_crash.py": None, "tests/test_latent.py": text})
    _, document, _ = check_json(root)
    assert any("MA00" in w for w in document["warnings"])


# --- git-ignored files ---------------------------------------------------------------


def test_files_git_ignores_are_not_checked(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = project(
        tmp_path,
        {
            "tests/test_crash.py": None,
            "tests/test_ignored.py": LATENT,
            "tests/scratch/test_excluded.py": LATENT,
            ".gitignore": "/tests/test_ignored.py\n",
        },
    )
    git(root, "init", "-q")
    (root / ".git" / "info").mkdir(parents=True, exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text("scratch/\n", encoding="utf-8")
    _, document, _ = check_json(root)
    assert codes(document) == [MA002]
    assert document["summary"]["files_scanned"] == 1
    # Named on the command line, an ignored file is checked (as ruff does).
    _, named, _ = check_json(root, "tests/test_ignored.py")
    assert codes(named) == [("tests/test_ignored.py", "MA002")]


# --- config files --------------------------------------------------------------------


def test_a_bare_key_config_file_is_read(tmp_path: Path) -> None:
    root = project(tmp_path, {"mock-audit.toml": 'select = ["MA001"]\n'})
    _, document, _ = check_json(root, "--config", "mock-audit.toml")
    assert codes(document) == [MA001]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("ruff.toml", 'selec = ["MA001"]\n', "has unknown key 'selec'"),
        ("mock-audit.toml", 'select = "MA001"\n', "key 'select' must be a list of strings"),
        ("mock-audit.toml", "select = [\n", "not valid TOML"),
        ("pyproject.toml", '[tool.mock-audit]\nsrcs = ["src"]\n', "unknown key 'srcs'"),
    ],
    ids=["unknown-key", "wrong-type", "not-toml", "pyproject-unknown-key"],
)
def test_a_bad_config_file_is_refused(
    base: Path, tmp_path: Path, name: str, text: str, message: str
) -> None:
    config = write(tmp_path, {name: text}) / name
    result = mock_audit(base, "check", "--no-cache", "--config", str(config))
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert f"mock-audit: error: {config}: " in result.stderr
    assert message in result.stderr


def test_a_missing_config_file_is_an_error(base: Path) -> None:
    result = mock_audit(base, "check", "--no-cache", "--config", "nowhere.toml")
    assert result.returncode == 2
    assert "nowhere.toml" in result.stderr and "does not exist" in result.stderr


# --- exit codes ----------------------------------------------------------------------


def test_a_clean_project_exits_zero(tmp_path: Path) -> None:
    complete = LATENT.replace("load=print", "load=print, save=print")
    root = project(tmp_path, {"tests/test_crash.py": None, "tests/test_latent.py": complete})
    result = mock_audit(root, "check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("0 finding(s) in 1 file(s) scanned, 1 site(s)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "MA9"], "The option --select got 'MA9', which is not a mock-audit code"),
        (["--ignore", "E501"], "The option --ignore got 'E501'"),
        (["tests/nope.py"], "The path 'tests/nope.py' does not exist."),
        (["--output-file", "no/such/folder/out.txt"], "cannot write 'no/such/folder/out.txt'"),
        (["--format", "xml"], "argument --format/--output-format: invalid choice: 'xml'"),
    ],
    ids=[
        "bad-select",
        "foreign-code",
        "missing-path",
        "unwritable",
        "format",
    ],
)
def test_usage_errors_exit_two_with_a_message(base: Path, args: list[str], message: str) -> None:
    result = mock_audit(base, "check", "--no-cache", *args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('src = ["srcc"]', "[tool.mock-audit] key 'src' names 'srcc', which is not a folder"),
        ('require = "all"', "[tool.mock-audit] key 'require' must be 'used' or 'exports'"),
        ('ignore = ["MA009"]', "[tool.mock-audit] key 'ignore' names the unknown code 'MA009'"),
    ],
    ids=["src", "require", "ignore"],
)
def test_config_errors_name_the_file_and_the_key(tmp_path: Path, table: str, message: str) -> None:
    root = project(tmp_path, {"pyproject.toml": f"{PYPROJECT}{table}\n"})
    result = mock_audit(root, "check", "--no-cache")
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith(f"mock-audit: error: {root / 'pyproject.toml'}: {message}")
    if "srcc" in table:
        assert str(root / "srcc") in result.stderr


def test_fix_exits_zero_when_everything_is_fixed(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = mock_audit(root, "fix", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fixed tests/test_crash.py: added 1 name(s)" in result.stdout
    assert "save=MagicMock()" in (root / "tests" / "test_latent.py").read_text()
    assert mock_audit(root, "check", "--no-cache").returncode == 0


def test_fix_exits_one_when_findings_are_left(tmp_path: Path) -> None:
    # A dict installed as the module itself: the fixer has no form to add a name to.
    unfixable = LATENT.replace("SimpleNamespace(load=print)", '{"load": print}')
    root = project(tmp_path, {"tests/test_latent.py": unfixable})
    result = mock_audit(root, "fix", "--no-cache")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "fixed tests/test_crash.py" in result.stdout
    assert "tests/test_latent.py:6:5: MA002 app.crud: missing save" in result.stdout
    assert mock_audit(root, "fix", "--no-cache", "--exit-zero").returncode == 0


def test_fix_diff_writes_nothing_exits_one_and_applies_with_git(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = project(tmp_path)
    before = {p: p.read_bytes() for p in root.rglob("*.py")}
    result = mock_audit(root, "fix", "--no-cache", "--diff")
    assert result.returncode == 1, result.stderr
    assert {p: p.read_bytes() for p in root.rglob("*.py")} == before
    assert result.stdout.startswith("--- a/tests/test_crash.py\n+++ b/tests/test_crash.py\n")
    assert result.stderr.startswith("2 name(s) would be added in 2 file(s)")
    git(root, "init", "-q")
    (root / "fix.diff").write_text(result.stdout, encoding="utf-8")
    git(root, "apply", "fix.diff")
    assert mock_audit(root, "check", "--no-cache").returncode == 0
    again = mock_audit(root, "fix", "--no-cache", "--diff")
    assert (again.returncode, again.stdout) == (0, "")
