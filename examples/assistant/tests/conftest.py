"""Shared setup: every test imports the assistant package afresh."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _forget_assistant_modules() -> Iterator[None]:
    """Drop the assistant's modules after each test.

    A module imported while a fake CRUD module is installed keeps the fake's
    functions bound to its names; the next test must not inherit them.
    """
    yield
    for name in [n for n in sys.modules if n == "assistant" or n.startswith("assistant.")]:
        del sys.modules[name]
