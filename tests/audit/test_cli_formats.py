"""What the installed command prints: root-relative paths in every format from any folder,
SARIF that validates, GitHub annotations with end positions, colour only where it belongs,
and ``fix`` output that keeps passing the project's ruff checks."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from audit.main import Options, run, use_color

from .clitools import BIN, LATENT, PYPROJECT, env, mock_audit, project, write

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
ESC = "\x1b["


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project(tmp_path_factory.mktemp("formats"))


@pytest.fixture(scope="module")
def from_subfolder(base: Path) -> dict[str, str]:
    """``cd tests && mock-audit check --format F`` for every format."""
    out = {}
    for format in ("text", "json", "github", "sarif"):
        result = mock_audit(base / "tests", "check", "--no-cache", "--format", format)
        assert result.returncode == 1, result.stderr
        out[format] = result.stdout
    return out


# --- paths relative to the project root --------------------------------------------


def test_text_paths_are_root_relative_from_a_subfolder(from_subfolder: dict[str, str]) -> None:
    lines = from_subfolder["text"].splitlines()
    assert lines[0] == "tests/test_crash.py:4:1: MA001 app.crud: missing save"
    assert lines[1:3] == [
        "    tests/test_crash.py:5 imports app.service",
        "    src/app/service.py:1 imports app.crud",
    ]
    assert lines[3] == "tests/test_latent.py:6:5: MA002 app.crud: missing save"


def test_json_paths_are_root_relative_from_a_subfolder(from_subfolder: dict[str, str]) -> None:
    document = json.loads(from_subfolder["json"])
    assert [f["path"] for f in document["findings"]] == [
        "tests/test_crash.py",
        "tests/test_latent.py",
    ]
    assert [s["path"] for s in document["findings"][0]["chain"]] == [
        "tests/test_crash.py",
        "src/app/service.py",
    ]
    assert document["findings"][0]["crashes"] == ["tests/test_crash.py"]


def test_github_paths_are_root_relative_from_a_subfolder(from_subfolder: dict[str, str]) -> None:
    files = [line.split(",", 1)[0] for line in from_subfolder["github"].splitlines()]
    assert files == ["::error file=tests/test_crash.py", "::warning file=tests/test_latent.py"]


def sarif_locations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        r["locations"][0]["physicalLocation"]["artifactLocation"]
        for r in document["runs"][0]["results"]
    ]


def test_sarif_paths_are_root_relative_from_a_subfolder(
    base: Path, from_subfolder: dict[str, str]
) -> None:
    document = json.loads(from_subfolder["sarif"])
    assert sarif_locations(document) == [
        {"uri": "tests/test_crash.py", "uriBaseId": "%SRCROOT%"},
        {"uri": "tests/test_latent.py", "uriBaseId": "%SRCROOT%"},
    ]
    base_ids = document["runs"][0]["originalUriBaseIds"]
    assert base_ids == {"%SRCROOT%": {"uri": base.resolve().as_uri() + "/"}}


def test_a_path_argument_from_a_subfolder_is_reported_root_relative(base: Path) -> None:
    result = mock_audit(base / "tests", "check", "--no-cache", "--format", "sarif", "test_crash.py")
    assert result.returncode == 1, result.stderr
    assert sarif_locations(json.loads(result.stdout)) == [
        {"uri": "tests/test_crash.py", "uriBaseId": "%SRCROOT%"}
    ]


def test_sarif_validates_against_the_sarif_2_1_0_schema(from_subfolder: dict[str, str]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(
        Draft4Validator(schema).iter_errors(json.loads(from_subfolder["sarif"])),
        key=lambda e: list(e.path),
    )
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_github_annotations_carry_end_line_and_end_column(
    from_subfolder: dict[str, str],
) -> None:
    findings = json.loads(from_subfolder["json"])["findings"]
    lines = from_subfolder["github"].splitlines()
    assert len(lines) == len(findings) == 2
    for line, finding in zip(lines, findings, strict=True):
        props = dict(p.split("=", 1) for p in line.split("::")[1].split(" ", 1)[1].split(","))
        assert props["line"] == str(finding["line"])
        assert props["col"] == str(finding["column"])
        assert props["endLine"] == str(finding["end_line"])
        assert props["endColumn"] == str(finding["end_column"])
        assert int(props["endColumn"]) > int(props["col"])


# --- colour --------------------------------------------------------------------------


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        super().isatty()  # ValueError on a closed stream, as a real one
        return True


@pytest.mark.parametrize(
    ("stream", "environ", "expected"),
    [
        (Terminal(), {}, True),
        (Terminal(), {"NO_COLOR": "1"}, False),
        (Terminal(), {"NO_COLOR": ""}, True),  # no-color.org: set *and* not empty
        (Terminal(), {"TERM": "dumb"}, False),
        (Terminal(), {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        (io.StringIO(), {}, False),
        (io.StringIO(), {"FORCE_COLOR": "1"}, True),
    ],
    ids=[
        "terminal",
        "no-color",
        "empty-no-color",
        "dumb-terminal",
        "no-color-beats-force",
        "pipe",
        "force-color",
    ],
)
def test_use_color_decides_from_the_stream_and_the_environment(
    stream: io.StringIO, environ: dict[str, str], expected: bool
) -> None:
    assert use_color(stream, environ) is expected


def test_use_color_survives_a_closed_stream() -> None:
    stream = Terminal()
    stream.close()
    assert use_color(stream, {}) is False


def run_in(root: Path, monkeypatch: pytest.MonkeyPatch, stream: io.StringIO, **options: Any) -> str:
    monkeypatch.chdir(root)
    err = io.StringIO()
    code = run(
        Options(command="check", no_cache=True, jobs=1, **options), stdout=stream, stderr=err
    )
    assert code == 1, err.getvalue()
    return stream.getvalue()


@pytest.mark.parametrize(
    ("stream", "no_color", "coloured"),
    [(Terminal(), None, True), (Terminal(), "1", False), (io.StringIO(), None, False)],
    ids=["terminal", "no-color", "pipe"],
)
def test_run_colours_text_on_a_terminal_only(
    base: Path,
    monkeypatch: pytest.MonkeyPatch,
    stream: io.StringIO,
    no_color: str | None,
    coloured: bool,
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    text = run_in(base, monkeypatch, stream)
    assert (ESC in text) is coloured
    assert "MA001" in text


@pytest.mark.parametrize("format", ["json", "github", "sarif"])
def test_machine_formats_are_never_coloured(
    base: Path, monkeypatch: pytest.MonkeyPatch, format: str
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert ESC not in run_in(base, monkeypatch, Terminal(), format=format)


def test_the_command_colours_with_force_color_and_not_when_piped(base: Path) -> None:
    forced = mock_audit(base, "check", "--no-cache", extra_env={"FORCE_COLOR": "1"})
    assert f"{ESC}1;31mMA001{ESC}0m" in forced.stdout
    piped = mock_audit(base, "check", "--no-cache")
    assert ESC not in piped.stdout + piped.stderr
    assert (
        ESC
        not in mock_audit(
            base, "check", "--no-cache", extra_env={"FORCE_COLOR": "1", "NO_COLOR": "1"}
        ).stdout
    )


# --- fix keeps the project's ruff checks passing ---------------------------------------

RUFF_PYPROJECT = (
    PYPROJECT
    + """
[tool.ruff]
src = ["src", "tests"]

[tool.ruff.lint.isort]
known-first-party = ["app"]
"""
)

CRUD = """\
def load(): ...


def save(): ...


async def reserve_message_for_the_streamed_reply(): ...


def update_message_content_after_streaming(): ...
"""

SERVICE = """\
from app.crud import (
    load,
    reserve_message_for_the_streamed_reply,
    save,
    update_message_content_after_streaming,
)

__all__ = [
    "load",
    "reserve_message_for_the_streamed_reply",
    "save",
    "update_message_content_after_streaming",
]
"""

# Five forms, and no mock import yet: fix must add it in the standard-library group, above
# pytest (third party) and app (first party), as isort would.
FORMS = """\
import sys
import types
from types import SimpleNamespace

import pytest

from app import service


def test_dict(mock_module):
    mock_module("app.crud", {"load": print})


def test_namespace(monkeypatch):
    monkeypatch.setitem(sys.modules, "app.crud", SimpleNamespace(load=print))


def test_module_type(monkeypatch):
    fake = types.ModuleType("app.crud")
    fake.load = print
    monkeypatch.setitem(sys.modules, "app.crud", fake)


def test_spec(monkeypatch, mocker):
    monkeypatch.setitem(sys.modules, "app.crud", mocker.MagicMock(spec=["load"]))


def test_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "app.crud", SimpleNamespace(load=id, save=id))


@pytest.fixture
def real():
    return service
"""


def ruff(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "ruff"), *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env(),
        timeout=120,
    )


def ruff_passes(root: Path) -> None:
    lint = ruff(root, "check", "--no-cache", "--select", "I,E501", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    form = ruff(root, "format", "--no-cache", "--check", ".")
    assert form.returncode == 0, form.stdout + form.stderr


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = write(
        tmp_path_factory.mktemp("ruff"),
        {
            "pyproject.toml": RUFF_PYPROJECT,
            "src/app/__init__.py": "",
            "src/app/crud.py": CRUD,
            "src/app/service.py": SERVICE,
            "tests/test_forms.py": FORMS,
        },
    )
    ruff_passes(root)  # the project passes before the fix...
    before = {p.name: p.read_text(encoding="utf-8") for p in (root / "tests").glob("*.py")}
    result = mock_audit(root, "fix", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "added 14 name(s)" in result.stdout
    return root, before


def test_fix_output_passes_ruff_isort_line_length_and_format(
    fixed: tuple[Path, dict[str, str]],
) -> None:
    root, before = fixed
    ruff_passes(root)  # ... and after it
    text = (root / "tests" / "test_forms.py").read_text(encoding="utf-8")
    assert text != before["test_forms.py"]
    assert "import types\nfrom types import SimpleNamespace\nfrom unittest.mock import" in text
    assert "AsyncMock" in text and "reserve_message_for_the_streamed_reply" in text


def test_fix_is_idempotent_and_the_project_is_clean(fixed: tuple[Path, dict[str, str]]) -> None:
    root, _ = fixed
    text = (root / "tests" / "test_forms.py").read_text(encoding="utf-8")
    again = mock_audit(root, "fix", "--no-cache")
    assert again.returncode == 0, again.stdout
    assert (root / "tests" / "test_forms.py").read_text(encoding="utf-8") == text
    assert mock_audit(root, "check", "--no-cache").returncode == 0


def test_fix_uses_the_line_length_of_the_projects_ruff_config(tmp_path: Path) -> None:
    # 92 columns once 'save' is added: over the default 88, under this project's 99.
    root = project(
        tmp_path,
        {
            "pyproject.toml": PYPROJECT + "\n[tool.ruff]\nline-length = 99\n",
            "tests/test_crash.py": None,
            "tests/test_latent.py": LATENT.replace("load=print", "load=print, other_name=None"),
        },
    )
    ruff_passes(root)
    assert mock_audit(root, "fix", "--no-cache").returncode == 0
    ruff_passes(root)
    lines = (root / "tests" / "test_latent.py").read_text(encoding="utf-8").splitlines()
    fixed = "SimpleNamespace(load=print, other_name=None, save=MagicMock())"
    assert f'    sys.modules["app.crud"] = {fixed}' in lines
