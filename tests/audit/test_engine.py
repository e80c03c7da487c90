"""The engine over small projects, with a stand-in site finder and fixer."""

from __future__ import annotations

import os
import stat
import textwrap
from pathlib import Path

import pytest

from audit._engine import Backend, run_check
from audit._fixing import run_fix
from audit._types import Config

from .fakebackend import BACKEND, find_sites, fix_source

APP = {
    "app/__init__.py": "",
    "app/crud.py": """
        async def add_message(): ...
        async def reserve_message(): ...
        def get_message(): ...
        def list_messages(): ...
    """,
    "app/service.py": "from app.crud import add_message, reserve_message\n",
    "app/reports.py": "from app import crud\n\ndef report():\n    return crud.get_message()\n",
}

TEST = """
from unittest.mock import AsyncMock, MagicMock
import app.service

def test_it(mock_module):
    mock_module("app.crud", {"add_message": AsyncMock()})
"""


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def config(root: Path, **kw: object) -> Config:
    base: dict[str, object] = {
        "root": root.resolve(),
        "src": (root.resolve(),),
        "tests": (root.resolve() / "tests",),
    }
    base.update(kw)
    return Config(**base)  # type: ignore[arg-type]


def check(root: Path, **kw: object):
    cfg = config(root, **kw)
    return run_check(list(cfg.tests), cfg, BACKEND).report


def test_reached_latent_and_export_findings(tmp_path):
    write(tmp_path, {**APP, "tests/test_x.py": TEST})
    report = check(tmp_path, require="exports")
    by_code = {f.code: f for f in report.findings}
    assert sorted(by_code) == ["MA001", "MA002", "MA003"]
    ma001 = by_code["MA001"]
    assert ma001.missing == ("reserve_message",)
    assert ma001.reached and ma001.fixable
    assert (ma001.line, ma001.column) == (6, 5)
    assert [(Path(s.path).name, s.line, s.module) for s in ma001.chain] == [
        ("test_x.py", 3, "app.service"),
        ("service.py", 1, "app.crud"),
    ]
    assert ma001.message == (
        "The fake for module 'app.crud' lacks 'reserve_message'; a module this test imports "
        "does 'from app.crud import reserve_message' (line 1 of service.py), so the test fails "
        "with ImportError at import time."
    )
    assert by_code["MA002"].missing == ("get_message",)
    assert not by_code["MA002"].reached
    assert by_code["MA002"].message == (
        "The fake for module 'app.crud' lacks 'get_message', which the project imports from "
        "the real module; no import of this test reaches them yet."
    )
    assert by_code["MA003"].missing == ("list_messages",)
    assert (report.files_scanned, report.files_with_sites, report.sites) == (1, 1, 1)


def test_default_require_is_used_only(tmp_path):
    write(tmp_path, {**APP, "tests/test_x.py": TEST})
    assert sorted(f.code for f in check(tmp_path).findings) == ["MA001", "MA002"]


def test_config_ignore_and_suppression_comments_drop_names(tmp_path):
    write(tmp_path, {**APP, "tests/test_x.py": TEST})
    report = check(tmp_path, ignore=frozenset({("app.crud", "get_message")}))
    assert [f.code for f in report.findings] == ["MA001"]
    assert check(tmp_path, ignore=frozenset({("app.crud", "*")})).findings == ()
    suppressed = TEST.replace("AsyncMock()})", "AsyncMock()})  # mock-audit: ignore")
    write(tmp_path, {"tests/test_x.py": suppressed})
    assert check(tmp_path).findings == ()


def test_third_party_modules_and_anything_fakes_are_never_findings(tmp_path):
    write(
        tmp_path,
        {
            **APP,
            "tests/test_x.py": """
                from unittest.mock import MagicMock
                def test(mock_module):
                    mock_module("requests", {})
                    mock_module("app.crud", MagicMock())
            """,
        },
    )
    report = check(tmp_path)
    assert report.findings == ()
    assert report.sites == 2


def test_unanalysable_sites_parse_failures_and_crashing_finders_are_notes(tmp_path):
    write(
        tmp_path,
        {
            **APP,
            "tests/test_a.py": "def t(mock_module):\n    mock_module('app.crud', make())\n",
            "tests/test_b.py": "mock_module(\ndef broken(:\n",
            "tests/test_c.py": "mock_module('app.crud', {'boom': 1})\n",
        },
    )

    def find(source: str, path: str):
        if "boom" in source:
            raise RuntimeError("finder bug")
        return find_sites(source, path)

    cfg = config(tmp_path)
    report = run_check(
        list(cfg.tests), cfg, Backend(BACKEND.might_have_sites, find, fix_source)
    ).report
    assert report.findings == ()
    notes = {Path(n.path).name: n.message for n in report.notes}
    assert notes["test_a.py"] == "The fake is not a form mock-audit understands."
    assert notes["test_b.py"].startswith("The file does not parse: SyntaxError")
    assert notes["test_c.py"] == "The file cannot be analysed: RuntimeError('finder bug')."


def test_files_without_the_prefilter_bytes_are_not_parsed(tmp_path):
    write(tmp_path, {**APP, "tests/test_x.py": TEST, "tests/test_plain.py": "x = 1\n"})
    seen: list[str] = []

    def find(source: str, path: str):
        seen.append(Path(path).name)
        return find_sites(source, path)

    cfg = config(tmp_path)
    run_check(list(cfg.tests), cfg, Backend(BACKEND.might_have_sites, find, fix_source))
    assert seen == ["test_x.py"]


def test_excluded_test_files_are_skipped(tmp_path):
    write(tmp_path, {**APP, "tests/fixtures/test_x.py": TEST})
    assert check(tmp_path, exclude=("tests/fixtures",)).files_scanned == 0
    assert check(tmp_path).files_scanned == 1


# --- fix --------------------------------------------------------------------


def fix(root: Path, *, diff: bool = False, **kw: object):
    cfg = config(root, **kw)
    return run_fix(list(cfg.tests), cfg, BACKEND, diff=diff)


def test_fix_adds_stubs_by_kind_and_a_second_fix_changes_nothing(tmp_path):
    write(tmp_path, {**APP, "tests/test_x.py": TEST})
    result = fix(tmp_path)
    assert result.remaining == ()
    assert [(Path(f.path).name, f.names_added, f.written) for f in result.files] == [
        ("test_x.py", 2, True)
    ]
    text = (tmp_path / "tests/test_x.py").read_text()
    assert (
        'mock_module("app.crud", {"get_message": MagicMock(), "reserve_message": AsyncMock(), '
        '"add_message": AsyncMock()})' in text
    )
    assert check(tmp_path).findings == ()
    again = fix(tmp_path)
    assert again.files == () and again.remaining == ()
    assert (tmp_path / "tests/test_x.py").read_text() == text


def test_fix_uses_configured_stub_templates(tmp_path):
    write(tmp_path, {**APP, "tests/test_x.py": TEST})
    fix(tmp_path, stubs={"reserve_message": "AsyncMock(return_value=None)"})
    assert (
        '"reserve_message": AsyncMock(return_value=None)'
        in (tmp_path / "tests/test_x.py").read_text()
    )


def test_fix_keeps_crlf_encoding_cookie_and_permissions(tmp_path):
    write(tmp_path, APP)
    source = "# -*- coding: latin-1 -*-\n# caf\xe9\n" + textwrap.dedent(TEST)
    test = tmp_path / "tests/test_x.py"
    test.parent.mkdir()
    test.write_bytes(source.replace("\n", "\r\n").encode("latin-1"))
    os.chmod(test, 0o640)
    fix(tmp_path)
    data = test.read_bytes()
    assert b"caf\xe9" in data
    assert data.count(b"\n") == data.count(b"\r\n") > 5
    assert b'"reserve_message": AsyncMock()' in data
    assert stat.S_IMODE(test.stat().st_mode) == 0o640
    assert [p.name for p in test.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_fix_keeps_a_bom(tmp_path):
    write(tmp_path, APP)
    test = tmp_path / "tests/test_x.py"
    test.parent.mkdir()
    test.write_bytes(b"\xef\xbb\xbf" + textwrap.dedent(TEST).encode())
    fix(tmp_path)
    data = test.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert b"reserve_message" in data


def test_diff_writes_nothing_and_shows_the_change(tmp_path):
    write(tmp_path, {**APP, "tests/test_x.py": TEST})
    before = (tmp_path / "tests/test_x.py").read_bytes()
    result = fix(tmp_path, diff=True)
    assert (tmp_path / "tests/test_x.py").read_bytes() == before
    [outcome] = result.files
    assert not outcome.written
    assert '-    mock_module("app.crud", {"add_message": AsyncMock()})' in outcome.diff
    assert '+    mock_module("app.crud", {"get_message": MagicMock(), ' in outcome.diff
    assert len(result.remaining) == 2


@pytest.mark.parametrize("broken", ["syntax", "exception"])
def test_a_fix_that_fails_leaves_the_file_untouched_and_findings_remain(tmp_path, broken):
    write(tmp_path, {**APP, "tests/test_x.py": TEST})
    before = (tmp_path / "tests/test_x.py").read_bytes()

    def bad_fix(source, path, fixes, *, stubs=None):
        if broken == "syntax":
            return source + "\ndef (:\n"
        raise ValueError("fixer bug")

    cfg = config(tmp_path)
    result = run_fix(
        list(cfg.tests), cfg, Backend(BACKEND.might_have_sites, find_sites, bad_fix), diff=False
    )
    assert (tmp_path / "tests/test_x.py").read_bytes() == before
    [outcome] = result.files
    assert not outcome.written and outcome.error is not None
    expected = "does not compile" if broken == "syntax" else "ValueError('fixer bug')"
    assert expected in outcome.error
    assert len(result.remaining) == 2


def test_unfixable_sites_stay_in_remaining(tmp_path):
    write(tmp_path, {**APP, "tests/test_x.py": TEST})

    def find(source: str, path: str):
        import dataclasses

        found = find_sites(source, path)
        assert isinstance(found, list)
        return [dataclasses.replace(s, fixable=False) for s in found]

    cfg = config(tmp_path)
    result = run_fix(
        list(cfg.tests), cfg, Backend(BACKEND.might_have_sites, find, fix_source), diff=False
    )
    assert result.files == ()
    assert [f.fixable for f in result.remaining] == [False, False]


def test_a_fixer_that_changes_nothing_is_reported(tmp_path):
    write(tmp_path, {**APP, "tests/test_x.py": TEST})
    cfg = config(tmp_path)
    backend = Backend(BACKEND.might_have_sites, find_sites, lambda source, *a, **k: source)
    result = run_fix(list(cfg.tests), cfg, backend, diff=False)
    [outcome] = result.files
    assert outcome.error == "The fixer found nothing it could change."
    assert not outcome.written
    assert len(result.remaining) == 2


def test_parallel_site_finding_gives_the_same_report(tmp_path):
    from audit._engine import PARALLEL_MIN_FILES

    files = {f"tests/test_{i}.py": TEST for i in range(PARALLEL_MIN_FILES + 6)}
    write(tmp_path, {**APP, **files})
    cfg = config(tmp_path)
    sequential = run_check(list(cfg.tests), cfg, BACKEND, jobs=1).report
    parallel = run_check(list(cfg.tests), cfg, BACKEND, jobs=2).report
    assert parallel == sequential
    assert len(parallel.findings) == 2 * len(files)
