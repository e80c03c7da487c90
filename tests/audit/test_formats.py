"""Machine formats: GitHub annotations and SARIF 2.1.0, pinned by golden files.

Regenerate the golden files with ``MOCK_AUDIT_UPDATE_GOLDEN=1`` after a deliberate change.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
from pathlib import Path

import jsonschema
import pytest

import audit
from audit._output import _escape
from audit._sarif import replacement

from .test_cli import command

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
SCHEMA = HERE / "data" / "sarif-schema-2.1.0.json"

PROJECT = {
    "pyproject.toml": "[tool.mock-audit]\nsrc = ['.']\n",
    "app/__init__.py": "",
    "app/crud.py": """
        async def add_message(): ...
        async def reserve_message(): ...
        def get_message(): ...
    """,
    "app/service.py": "from app.crud import add_message, reserve_message\n",
    "app/reports.py": "from app import crud\n\ndef report():\n    return crud.get_message()\n",
    "tests/test_service.py": """
        from unittest.mock import AsyncMock, MagicMock
        import app.service

        def test_it(mock_module):
            mock_module(
                "app.crud",
                {
                    "add_message": AsyncMock(),
                },
            )
    """,
    "tests/test_latent.py": """
        import sys
        from types import SimpleNamespace

        def test_latent():
            sys.modules["app.crud"] = SimpleNamespace(add_message=1, reserve_message=2)
    """,
    # A site that cannot be analysed becomes a note (its text is the finder's, kept stable).
    "tests/test_note.py": """
        import sys

        def test_note(name):
            sys.modules[name] = {}
    """,
}


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def output(tmp_path: Path, fmt: str) -> tuple[int, str]:
    write(tmp_path, PROJECT)
    done = subprocess.run(
        [command(), "check", "--format", fmt, "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stderr == ""
    return done.returncode, done.stdout


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("MOCK_AUDIT_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_github_golden(tmp_path: Path) -> None:
    code, text = output(tmp_path, "github")
    assert code == 1
    golden("check.github.txt", text)


def test_github_one_line_per_finding_with_code_and_place(tmp_path: Path) -> None:
    _, text = output(tmp_path, "github")
    lines = text.splitlines()
    findings = [line for line in lines if not line.startswith("::notice")]
    assert [line.split(" ", 1)[0] for line in findings] == ["::warning", "::error", "::warning"]
    assert findings[1].startswith(
        "::error file=tests/test_service.py,line=5,col=5,title=MA001 app.crud::"
    )
    assert all("\n" not in line and "\r" not in line for line in lines)


@pytest.mark.parametrize(
    ("value", "prop", "expected"),
    [
        ("50% done\r\nnext", False, "50%25 done%0D%0Anext"),
        ("a:b,c", False, "a:b,c"),
        ("a:b,c%", True, "a%3Ab%2Cc%25"),
    ],
    ids=["message", "message-keeps-colon-comma", "property"],
)
def test_github_escaping(value: str, prop: bool, expected: str) -> None:
    assert _escape(value, prop=prop) == expected


def normalise_sarif(text: str) -> str:
    return re.sub(r'("version": )"[^"]+"(,\n\s+"informationUri")', r'\1"<version>"\2', text)


def test_sarif_golden_and_valid(tmp_path: Path) -> None:
    code, text = output(tmp_path, "sarif")
    assert code == 1
    log = json.loads(text)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "mock-audit" and driver["version"] == audit.__version__
    assert [r["id"] for r in driver["rules"]] == ["MA001", "MA002", "MA003"]
    golden("check.sarif", normalise_sarif(text))


def test_sarif_fix_applies_to_the_fixed_source(tmp_path: Path) -> None:
    _, text = output(tmp_path, "sarif")
    results = json.loads(text)["runs"][0]["results"]
    ma001 = next(r for r in results if r["ruleId"] == "MA001")
    change = ma001["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"] == {"uri": "tests/test_service.py", "uriBaseId": "%SRCROOT%"}
    (rep,) = change["replacements"]
    lines = (tmp_path / "tests/test_service.py").read_text().split("\n")
    start, end = rep["deletedRegion"]["startLine"], rep["deletedRegion"]["endLine"]
    patched = lines[: start - 1] + rep["insertedContent"]["text"].split("\n") + lines[end:]
    source = "\n".join(patched)
    compile(source, "patched", "exec")
    assert '"reserve_message"' in source and '"get_message"' not in source


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("a\nb\nc\n", "a\nB\nc\n", (2, 2, "B")),
        ("a\nc\n", "a\nb\nc\n", (2, 2, "b\nc")),
        ("a\n", "a\nb\n", (1, 1, "a\nb")),
        ("a\nb\n", "a\nb\n", None),
    ],
    ids=["change", "insert", "append", "same"],
)
def test_replacement(old: str, new: str, expected: object) -> None:
    assert replacement(old, new) == expected


def test_output_file(tmp_path: Path) -> None:
    write(tmp_path, PROJECT)
    done = subprocess.run(
        [command(), "check", "--format", "sarif", "--output-file", "out.sarif"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert json.loads((tmp_path / "out.sarif").read_text())["version"] == "2.1.0"
