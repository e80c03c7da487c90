"""The whole story, end to end, with the real site finder and fixer and the installed command.

A test fakes the CRUD module with a factory that lacks ``reserve_message``; a
module the test imports transitively does ``from ...conversation_crud import
reserve_message``. The project's own pytest fails at import time; ``mock-audit
check`` reports MA001 with the chain; ``fix`` adds the stub; pytest passes;
``check`` is clean; a second ``fix`` changes nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from .test_cli import run, write

PROJECT = {
    "pyproject.toml": """
        [project]
        name = "story"
        version = "0"

        [tool.pytest.ini_options]
        pythonpath = ["."]

        [tool.mock-audit]
        src = ["."]
        tests = ["tests"]
    """,
    "app/__init__.py": "",
    "app/conversation_crud.py": """
        async def add_message(conversation_id, role, content):
            raise RuntimeError("the real store is not available in unit tests")

        async def reserve_message(conversation_id, role):
            raise RuntimeError("the real store is not available in unit tests")

        async def update_message_content(message_id, content):
            raise RuntimeError("the real store is not available in unit tests")
    """,
    "app/agent/__init__.py": "from app.agent.loop import run_turn\n",
    "app/agent/loop.py": """
        from app.agent.stream import open_stream


        async def run_turn(conversation_id):
            message_id = await open_stream(conversation_id)
            return message_id
    """,
    "app/agent/stream.py": """
        from app.conversation_crud import reserve_message, update_message_content


        async def open_stream(conversation_id):
            message = await reserve_message(conversation_id, "assistant")
            await update_message_content(message.id, "[]")
            return message.id
    """,
    "tests/test_agent.py": """
        import asyncio
        import importlib
        from types import SimpleNamespace
        from unittest.mock import AsyncMock


        def test_turn_returns_the_reserved_id(mock_module):
            mock_module(
                "app.conversation_crud",
                lambda: {
                    "add_message": AsyncMock(),
                    "update_message_content": AsyncMock(),  # keep this comment
                },
            )
            agent = importlib.import_module("app.agent")
            crud = importlib.import_module("app.conversation_crud")
            crud.reserve_message.return_value = SimpleNamespace(id="m1")
            assert asyncio.run(agent.run_turn("c1")) == "m1"
    """,
}


def project_pytest(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_story_end_to_end(tmp_path):
    write(tmp_path, PROJECT)
    test_file = tmp_path / "tests/test_agent.py"

    before = project_pytest(tmp_path)
    assert before.returncode == 1, before.stdout + before.stderr
    assert "cannot import name 'reserve_message'" in before.stdout

    check = run(tmp_path, "check", "--format", "json")
    assert check.returncode == 1, check.stderr
    [finding] = json.loads(check.stdout)["findings"]
    assert finding["code"] == "MA001"
    assert finding["module"] == "app.conversation_crud"
    assert finding["missing"] == ["reserve_message"]
    assert finding["reached"] is True and finding["fixable"] is True

    text = run(tmp_path, "check")
    assert text.stdout.splitlines()[1:5] == [
        "    tests/test_agent.py:16 imports app.agent",
        "    app/agent/__init__.py:1 imports app.agent.loop",
        "    app/agent/loop.py:2 imports app.agent.stream",
        "    app/agent/stream.py:2 imports app.conversation_crud",
    ]

    fixed = run(tmp_path, "fix")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    source = test_file.read_text()
    assert "reserve_message" in source
    assert "AsyncMock()" in source
    assert "# keep this comment" in source

    after = project_pytest(tmp_path)
    assert after.returncode == 0, after.stdout + after.stderr

    assert run(tmp_path, "check").returncode == 0
    again = run(tmp_path, "fix")
    assert again.returncode == 0
    assert test_file.read_text() == source


def test_diff_mode_writes_nothing(tmp_path):
    write(tmp_path, PROJECT)
    before = (tmp_path / "tests/test_agent.py").read_text()
    result = run(tmp_path, "fix", "--diff")
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/")
    assert "+" in result.stdout and "reserve_message" in result.stdout
    assert (tmp_path / "tests/test_agent.py").read_text() == before
    assert before == textwrap.dedent(PROJECT["tests/test_agent.py"])
