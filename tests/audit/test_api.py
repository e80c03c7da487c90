"""The public API: check/fix with defaults, and missing_exports for mock_module(strict=True)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import audit
from audit import AuditError, check, fix, load_config, missing_exports

from .fakebackend import BACKEND


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


PROJECT = {
    "pyproject.toml": """
        [tool.mock-audit]
        src = ["src"]
        ignore = ["app.crud:legacy"]
    """,
    "src/app/__init__.py": "",
    "src/app/crud.py": "__all__ = ['add_message', 'reserve_message', 'extra']\n",
    "src/app/service.py": "from app.crud import add_message, reserve_message, legacy\n",
    "tests/test_x.py": """
        import app.service
        def test(mock_module):
            mock_module("app.crud", {"add_message": 1})
    """,
}


def test_missing_exports_uses_the_config_found_from_start(tmp_path):
    write(tmp_path, PROJECT)
    assert missing_exports("app.crud", ["add_message"], start=tmp_path / "tests") == [
        "reserve_message"
    ]
    assert missing_exports("app.crud", {"add_message", "reserve_message"}, start=tmp_path) == []
    assert missing_exports("requests", [], start=tmp_path) == []


def test_missing_exports_follows_require_exports(tmp_path):
    write(tmp_path, PROJECT)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'require = "exports"\n')
    assert missing_exports("app.crud", ["add_message"], start=tmp_path) == [
        "extra",
        "reserve_message",
    ]


def test_missing_exports_drops_a_wholly_ignored_module(tmp_path):
    write(tmp_path, PROJECT)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("app.crud:legacy", "app.crud:*"))
    assert missing_exports("app.crud", [], start=tmp_path) == []


def test_missing_exports_defaults_to_the_working_directory(tmp_path, monkeypatch):
    write(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path / "src")
    assert missing_exports("app.crud", []) == ["add_message", "reserve_message"]


def test_check_defaults_to_the_configured_tests(tmp_path):
    write(tmp_path, PROJECT)
    report = check(config=load_config(tmp_path), backend=BACKEND)
    assert [(f.code, f.missing) for f in report.findings] == [("MA001", ("reserve_message",))]


def test_fix_through_the_api(tmp_path):
    write(tmp_path, PROJECT)
    result = fix([tmp_path / "tests"], load_config(tmp_path), backend=BACKEND)
    assert result.remaining == ()
    assert '"reserve_message": MagicMock()' in (tmp_path / "tests/test_x.py").read_text()


def test_a_path_that_does_not_exist_is_an_error(tmp_path):
    write(tmp_path, PROJECT)
    with pytest.raises(AuditError) as info:
        check([tmp_path / "nope"], load_config(tmp_path), backend=BACKEND)
    assert str(info.value) == f"The path {str(tmp_path / 'nope')!r} does not exist."


def test_importing_audit_does_not_import_libcst():
    import subprocess
    import sys

    code = "import sys, audit; print('libcst' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert audit.missing_exports is missing_exports


def test_missing_exports_reads_the_project_once_per_process(tmp_path, monkeypatch):
    """Strict mock_module calls it for every fake: the second call parses nothing."""
    from audit import _summary

    write(tmp_path, PROJECT)
    assert missing_exports("app.crud", ["add_message"], start=tmp_path) == ["reserve_message"]
    parsed: list[object] = []
    real = _summary.summarize
    monkeypatch.setattr(_summary, "summarize", lambda *a, **k: parsed.append(a) or real(*a, **k))
    assert missing_exports("app.crud", [], start=tmp_path) == ["add_message", "reserve_message"]
    assert parsed == []
