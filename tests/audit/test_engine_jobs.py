"""Site finding on a process pool gives exactly the results of one process."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from audit import _engine
from audit._config import load_config
from audit._engine import default_backend, run_check

TEST = """
from unittest.mock import AsyncMock
import app.service

def test_it(mock_module):
    mock_module("app.crud", {{"add_message": AsyncMock(), "n{i}": 1}})
"""


def test_pool_and_single_process_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pyproject.toml": "[tool.mock-audit]\nsrc = ['.']\n",
        "app/__init__.py": "",
        "app/crud.py": "async def add_message(): ...\nasync def reserve_message(): ...\n",
        "app/service.py": "from app.crud import add_message, reserve_message\n",
        "tests/test_bad.py": "import sys\nsys.modules[\n",
    }
    files.update({f"tests/test_{i}.py": TEST.format(i=i) for i in range(12)})
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    config = load_config(tmp_path)
    used_pool: list[int] = []
    real_pool = _engine.ProcessPoolExecutor

    def pool(max_workers: int):  # type: ignore[no-untyped-def]
        used_pool.append(max_workers)
        return real_pool(max_workers=max_workers)

    monkeypatch.setattr(_engine, "ProcessPoolExecutor", pool)
    monkeypatch.setattr(_engine, "PARALLEL_MIN_FILES", 2)
    one = run_check(list(config.tests), config, default_backend(), jobs=1).report
    assert used_pool == []
    two = run_check(list(config.tests), config, default_backend(), jobs=2).report
    assert used_pool and set(used_pool) == {2}  # site finding (and summaries) on the pool
    assert two == one
    assert len(one.findings) == 12 and len(one.notes) == 1
