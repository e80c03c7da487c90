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
