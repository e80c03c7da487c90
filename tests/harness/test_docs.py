"""docs/harness.md's code blocks run, in order and in one namespace; the demo runs too."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "harness.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def python_blocks(text: str) -> list[str]:
    return BLOCK.findall(text)


def test_blocks_are_found() -> None:
    assert len(python_blocks("```python\na = 1\n```\ntext\n```sh\nls\n```\n")) == 1
    assert len(python_blocks(DOC.read_text())) >= 6


def test_doc_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {"__name__": "harness_docs"}
    for number, block in enumerate(python_blocks(DOC.read_text()), start=1):
        code = compile(block, f"{DOC.name} block {number}", "exec")
        exec(code, namespace)
    out = capsys.readouterr().out
    # The printed lines the page promises.
    assert "Cannot register plugin 'late': the registry is closed" in out
    assert "('observe', 'protect_pinned', 'default_persistence_terminal')" in out
    assert "add_message failed after 3 attempts" in out
    assert "ConversationNotFound - Conversation 'nope' does not exist" in out
    assert "ValueError - role must be one of" in out
    assert "TypeError - metadata is not JSON-serialisable" in out
    assert (
        "The fake for module 'harness.conversation_crud' lacks 1 name(s) that the project "
        "imports from it: reserve_message." in out
    )
    # The timeout advice: the first run wrote nothing (retried), the second committed.
    first, second = [line for line in out.splitlines() if "exceeded its timeout" in line]
    assert first.endswith("nothing was written, so retrying is safe.")
    assert re.search(
        r"the write committed \(message id '[0-9a-f]{32}'\), so do not retry it", second
    )


def test_demo_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert re.search(r"reserved message id: [0-9a-f]{32}", out)
    assert out.count("[pipeline] update_content") >= 3
    assert "[pipeline] reserve" in out
    assert "final conversation" in out
    # The audit half: the crash today, the findings, the fix on a copy, then green.
    assert "ImportError: cannot import name 'reserve_message'" in out
    assert "MA001 assistant.conversation_crud: missing reserve_message" in out
    assert "20 passed" in out
    assert "demo: every step behaved as expected" in out
