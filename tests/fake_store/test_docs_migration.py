"""The worked migration of docs/fake_store.md, run: the 'before' test breaks, 'after' passes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "fake_store.md"

AGENT = """
import json

from harness.conversation_crud import add_message, reserve_message, update_message_content


async def run_turn(conversation_id, question):
    await add_message(conversation_id, "user", json.dumps(question))
    reserved = await reserve_message(conversation_id, "assistant")
    await update_message_content(reserved.id, json.dumps("42"))
"""


def doc_example(marker: str) -> str:
    """The python block of the doc that starts with the comment ``marker``."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    (block,) = [b for b in blocks if b.startswith(marker)]
    return block


def make_project(pytester: pytest.Pytester, test: str) -> None:
    (pytester.path / "myapp").mkdir()
    (pytester.path / "myapp" / "__init__.py").write_text("")
    (pytester.path / "myapp" / "agent.py").write_text(AGENT)
    pytester.makepyfile(test_agent=test)


def test_before_breaks_when_the_code_uses_reserve_message(pytester: pytest.Pytester) -> None:
    make_project(pytester, doc_example("# tests/test_agent.py (before)"))
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ImportError: cannot import name 'reserve_message'*"])


def test_after_passes_with_the_fake_store_fixture(pytester: pytest.Pytester) -> None:
    make_project(pytester, doc_example("# tests/test_agent.py (after)"))
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)


def test_after_fails_when_the_code_leaves_the_placeholder(pytester: pytest.Pytester) -> None:
    make_project(pytester, doc_example("# tests/test_agent.py (after)"))
    agent = pytester.path / "myapp" / "agent.py"
    agent.write_text(agent.read_text().replace("    await update_message_content", "    # "))
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
