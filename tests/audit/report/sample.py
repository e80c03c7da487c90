"""A hand-made report with every kind of finding, and the golden-file helper.

Regenerate the golden files with ``UPDATE_GOLDEN=1`` after a deliberate change, and
read the diff before committing it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from audit.model import FileFix, Finding, FixReport, ImportStep, Note, Report

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
DATA = HERE / "data"
SARIF_SCHEMA = HERE.parent / "data" / "sarif-schema-2.1.0.json"

#: A file name that is not UTF-8 (b"caf\xe9.py"), as ``os.fsdecode`` gives it.
NON_UTF8 = "tests/caf\udce9.py"

MA001 = Finding(
    path="tests/test_service.py",
    line=5,
    column=5,
    end_line=10,
    end_column=6,
    code="MA001",
    module="app.crud",
    missing=("reserve_message",),
    reached=True,
    fixable=True,
    message="running this file crashes: the fake for 'app.crud' lacks 'reserve_message', "
    "which 'app.service' imports while the fake is installed.",
    chain=(
        ImportStep("tests/test_service.py", 2, "app.service"),
        ImportStep("app/service.py", 1, "app.crud"),
    ),
    crashes=("tests/test_service.py", "tests/test_service_more.py"),
)
MA002 = Finding(
    path="tests/test_latent.py",
    line=6,
    column=5,
    end_line=6,
    end_column=77,
    code="MA002",
    module="app.crud",
    missing=("get_message", "list_messages"),
    reached=False,
    fixable=True,
    message="latent: crashes if a module that imports it is first imported while the fake "
    "is installed: 'get_message', 'list_messages'.",
)
MA002_AGAIN = replace(MA002, path="tests/test_latent_too.py", line=9, end_line=9)
MA003 = Finding(
    path="tests/test_exports.py",
    line=8,
    column=9,
    end_line=8,
    end_column=40,
    code="MA003",
    module="app.crud",
    missing=("delete_message",),
    reached=False,
    fixable=False,
    message="the fake for 'app.crud' lacks the public export 'delete_message'.",
)
MA004 = Finding(
    path="tests/tëst_pkg.py",  # a non-ASCII (UTF-8) file name
    line=3,
    column=1,
    end_line=3,
    end_column=30,
    code="MA004",
    module="app",
    missing=(),
    reached=True,
    fixable=True,
    message="running this file crashes: 'app' is not a package: the fake has no __path__ "
    "and 'app.crud' is imported while it is installed.",
    chain=(ImportStep("tests/tëst_pkg.py", 4, "app.crud"),),
    crashes=("tests/tëst_pkg.py",),
)
NOTES = (
    Note(
        "tests/test_note.py",
        4,
        5,
        "The module name is not a constant string, so mock-audit cannot tell which module "
        "this fake replaces.",
    ),
    Note(NON_UTF8, 7, 5, "The fake is built by a call mock-audit cannot follow."),
    Note("app/legacy.py", 0, 0, "The module does not parse (invalid syntax at line 3)."),
)
WARNINGS = (
    "The module 'vendor.sdk' faked in tests/test_vendor.py is not under the source roots; "
    "it is treated as third-party.",
)
REPORT = Report(
    root=Path("/proj"),
    findings=(MA001, MA002, MA002_AGAIN, MA003, MA004),
    notes=NOTES,
    warnings=WARNINGS,
    files_scanned=12,
    files_with_sites=5,
    sites=9,
)
FIX = FixReport(
    files=(
        FileFix("tests/test_service.py", 1, True),
        FileFix("tests/test_latent.py", 4, True),
        FileFix(NON_UTF8, 0, False, error="The file does not parse: invalid syntax (line 3)."),
    ),
    remaining=(MA003,),
    check=REPORT,
)
DIFF = "--- a/tests/test_service.py\n+++ b/tests/test_service.py\n@@ -1 +1 @@\n-a\n+b\n"
FIX_DIFF = FixReport(
    files=(
        FileFix("tests/test_service.py", 1, False, diff=DIFF),
        FileFix("tests/test_latent.py", 4, False, diff=DIFF),
    ),
    remaining=(MA003,),
    check=REPORT,
)


def golden(name: str, text: str) -> None:
    """Compare ``text`` with the golden file ``name`` (rewrite it with UPDATE_GOLDEN=1)."""
    __tracebackhide__ = True
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{path} is missing; run with UPDATE_GOLDEN=1 to create it."
    assert text == path.read_bytes().decode("utf-8")
