"""The whole-run answer (``audit/answer.py``): a warm check of an unchanged tree returns
the stored report, and any change to an input the check reads gives a new one."""

from __future__ import annotations

import ast
import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from audit import answer
from audit.api import run_check
from audit.config import load_config
from audit.model import Report

from .clitools import LATENT, project, write


def checked(root: Path) -> tuple[Report, bool]:
    """The report of a cached check at ``root``, and whether it was the stored answer."""
    run = run_check(None, load_config(root), cache=True, reuse=True)
    return run.report, run.suite is None


def codes(report: Report) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(f.path, f.code, f.missing) for f in report.findings]


def test_an_unchanged_tree_gets_the_stored_report(tmp_path: Path) -> None:
    root = project(tmp_path)
    first, reused = checked(root)
    assert not reused
    assert codes(first) == [
        ("tests/test_crash.py", "MA001", ("save",)),
        ("tests/test_latent.py", "MA002", ("save",)),
    ]
    second, reused = checked(root)
    assert reused
    assert second == first


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # a source module stops importing the name: nothing is needed any more
        ({"src/app/service.py": "import os\n"}, []),
        # a source module asks for one more name
        (
            {"src/app/service.py": "from app.crud import save\nfrom app.crud import load, undo\n"},
            None,  # (undo is not bound by the real module: still only "save")
        ),
        # the test file gives the fake the name
        (
            {
                "tests/test_latent.py": (
                    "import sys\nfrom types import SimpleNamespace\n\n\ndef test_latent():\n"
                    '    sys.modules["app.crud"] = SimpleNamespace(load=print, save=print)\n'
                )
            },
            [("tests/test_crash.py", "MA001", ("save",))],
        ),
        # pytest deselects the crashing test: the crash is no longer run
        (
            {
                "pyproject.toml": (
                    '[tool.pytest.ini_options]\npythonpath = ["src"]\naddopts = "-m slow"\n\n'
                    "[tool.mock-audit]\n"
                )
            },
            None,
        ),
        # a new test file with a fake
        (
            {
                "tests/test_more.py": (
                    "import sys\nfrom types import SimpleNamespace\n\n\ndef test_more():\n"
                    '    sys.modules["app.crud"] = SimpleNamespace()\n'
                )
            },
            None,
        ),
    ],
    ids=["source-drops-import", "source-adds-import", "test-fixed", "addopts", "new-test"],
)
def test_a_changed_input_gets_a_new_report(
    tmp_path: Path, change: dict[str, str], expected: list[object] | None
) -> None:
    root = project(tmp_path / "warm")
    checked(root)
    write(root, change)
    after, reused = checked(root)
    assert not reused
    cold = run_check(None, load_config(project(tmp_path / "cold", change)), cache=False).report
    assert codes(after) == codes(cold)  # the same answer a run without the cache gives
    if expected is not None:
        assert codes(after) == expected


def test_settings_that_change_the_report_change_the_answer(tmp_path: Path) -> None:
    root = project(tmp_path)
    checked(root)
    config = dataclasses.replace(load_config(root), select=frozenset({"MA001"}))
    run = run_check(None, config, cache=True, reuse=True)
    assert run.suite is not None  # not the stored answer of the run that selected all
    assert codes(run.report) == [("tests/test_crash.py", "MA001", ("save",))]
    again = run_check(None, config, cache=True, reuse=True)
    assert again.suite is None and codes(again.report) == codes(run.report)


def test_a_tree_moved_with_its_cache_gets_the_answer_at_its_new_path(tmp_path: Path) -> None:
    # sources at the root: a warning about a first-party module not found names the root,
    # as "." (never the checkout's path), so the stored warning is true at the new path
    root = write(
        tmp_path / "here",
        {
            "pyproject.toml": '[tool.mock-audit]\nsrc = ["."]\n',
            "app/__init__.py": "",
            "app/crud.py": "def load(): ...\n\n\ndef save(): ...\n",
            "app/service.py": "from app.crud import save\n",
            "tests/test_latent.py": LATENT,
            "tests/test_lost.py": (
                'import sys, types\nsys.modules["app.gone"] = types.ModuleType("g")\n'
            ),
        },
    )
    first, _ = checked(root)
    assert any("source roots '.'" in w for w in first.warnings), first.warnings
    moved = tmp_path / "elsewhere"
    shutil.copytree(root, moved)
    second, reused = checked(moved)
    assert reused
    assert codes(second) == codes(first) == [("tests/test_latent.py", "MA002", ("save",))]
    assert second.root == moved
    assert all(str(root) not in w for w in (*first.warnings, *second.warnings))
    assert second.warnings == first.warnings


def test_a_stored_answer_of_another_shape_is_not_used(tmp_path: Path) -> None:
    assert answer.from_json({"root": "/x", "findings": [["bad"]]}, tmp_path) is None
    assert answer.from_json(None, tmp_path) is None


def test_the_key_follows_content_not_mtimes(tmp_path: Path) -> None:
    root = project(tmp_path)
    config = load_config(root)
    before = answer.inputs([], config, "salt")
    source = root / "src" / "app" / "crud.py"
    source.touch()
    assert answer.inputs([], config, "salt") == before
    source.write_text(source.read_text() + "\n\ndef undo(): ...\n")
    after = answer.inputs([], config, "salt")
    assert after.key != before.key
    # the layout (where modules are, memo.py's key) follows paths, not content
    assert after.layout == before.layout and after.digests != before.digests
    (root / "src" / "app" / "extra.py").write_text("")
    assert answer.inputs([], config, "salt").layout != before.layout
    tests = answer.inputs([root / "tests"], config, "salt")
    assert tests.key != after.key and tests.layout != after.layout


def test_a_stored_answer_loads_none_of_the_analysis(tmp_path: Path) -> None:
    """A warm check of an unchanged tree costs a read of the tree and the interpreter:
    the analysis modules (and libcst) are not even imported."""
    root = project(tmp_path)
    probe = (
        "import sys\n"
        "from audit.cli import main\n"
        "try:\n"
        "    main(['check', '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('audit.', 'libcst')))\n"
        "sys.stderr.write(repr(loaded))\n"
    )

    def loaded() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=False
        )
        names: list[str] = ast.literal_eval(done.stderr.strip().splitlines()[-1])
        return names

    first = loaded()  # no answer yet: the whole analysis runs
    assert "audit.verdict" in first and "audit.suite" in first
    second = loaded()
    heavy = (
        "audit.verdict",
        "audit.suite",
        "audit.windows",
        "audit.memo",
        "audit.testfile",
        "libcst",
    )
    assert not [m for m in second if m.startswith(heavy)], second
