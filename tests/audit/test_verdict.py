"""The verdict on a suite (``audit/verdict.py``), through the public ``check``: which
sites are judged, and which of their notes reach the report."""

from __future__ import annotations

from pathlib import Path

import audit
from audit.config import load_config

from .clitools import project

UNFOLLOWABLE = """\
import sys

from helpers import make_fake


def test_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "{module}", make_fake())
"""


def test_a_fake_it_cannot_follow_is_noted_only_for_the_projects_own_modules(
    tmp_path: Path,
) -> None:
    root = project(
        tmp_path,
        {
            "tests/test_own.py": UNFOLLOWABLE.format(module="app.crud"),
            "tests/test_third_party.py": UNFOLLOWABLE.format(module="requests.adapters"),
        },
    )
    report = audit.check(config=load_config(root))
    noted = sorted((n.path, n.message) for n in report.notes)
    assert noted == [
        (
            "tests/test_own.py",
            "The fake is built by a call to 'helpers.make_fake', which mock-audit cannot follow.",
        )
    ]


def test_a_fake_of_an_own_module_not_found_names_the_roots_relative_to_the_project(
    tmp_path: Path,
) -> None:
    # a flat layout: the package at the project root, so the source root is the root
    root = project(
        tmp_path,
        {
            "pyproject.toml": "[tool.mock-audit]\n",
            "app/__init__.py": "",
            "app/crud.py": "def save(): ...\n",
            "src/app/__init__.py": None,
            "src/app/crud.py": None,
            "src/app/service.py": None,
            "tests/test_crash.py": None,
            "tests/test_latent.py": None,
            "tests/test_x.py": (
                "import sys\nfrom types import SimpleNamespace\n\n"
                'sys.modules["app.legacy"] = SimpleNamespace(load=print)\n'
            ),
        },
    )
    report = audit.check(config=load_config(root))
    assert report.warnings == (
        "tests/test_x.py:4: the fake of 'app.legacy' is not checked: the module is part of "
        "the project (its top-level package is the project's) but cannot be found under the "
        "source roots '.'; set `src` under [tool.mock-audit].",
    )
