"""The reach graph seeded from the tests' closure: same answers, fewer modules parsed."""

from __future__ import annotations

from pathlib import Path

from audit._reach import Reacher
from audit._reach import reach as forward_reach

from .test_project_reach import index_for, steps, write

FILES = {
    "app/__init__.py": "",
    "app/crud.py": "async def reserve_message(): ...\ndef add_message(): ...\n",
    "app/service.py": "from app.crud import reserve_message\n",
    "app/api.py": "from app import service\n",
    "app/other.py": "from app.crud import add_message\n",
    "app/unrelated.py": "import app.other\n",
    "tests/helpers.py": "from app.api import *\n",
    "tests/conftest.py": "from app.crud import add_message\n",
    "tests/test_a.py": "from tests import helpers\n",
    "tests/test_b.py": "import app.api\n",
    "tests/test_c.py": "import json\n",
}


def test_closure_graph_answers_like_the_forward_search(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    tests = [(tmp_path / "tests" / f"test_{x}.py").resolve() for x in "abc"]
    names = {"reserve_message", "add_message"}
    index = index_for(tmp_path)
    seeded = Reacher(index, threshold=0, starts=tests[:2])
    prefetched: list[list[str]] = []
    seeded.prefetch = lambda paths: prefetched.append(sorted(p.name for p in paths))
    for test in tests:
        expected = forward_reach(index_for(tmp_path), test, "app.crud", names)
        got = seeded.reach(test, "app.crud", names)
        assert {n: steps(c, tmp_path) for n, c in got.chains.items()} == {
            n: steps(c, tmp_path) for n, c in expected.chains.items()
        }
    assert prefetched[0] == ["conftest.py", "test_a.py", "test_b.py"]
    parsed = {Path(p).name for p in index._summaries}
    assert "unrelated.py" not in parsed and "other.py" not in parsed


def test_without_starts_every_source_module_is_parsed(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    index = index_for(tmp_path)
    Reacher(index, threshold=0).reach(
        (tmp_path / "tests/test_b.py").resolve(), "app.crud", {"reserve_message"}
    )
    assert "unrelated.py" in {Path(p).name for p in index._summaries}
