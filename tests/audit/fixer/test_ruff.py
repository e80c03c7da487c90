"""A fixed file still passes ruff: import order and line length (``I``, ``E501``) and
``ruff format --check``, whenever the file passed them before.

Each example is written to a temp project whose ``pyproject.toml`` tells ruff the line
length and which package is first-party; ruff checks all of them before and after.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import Want, dedent, fix

RUFF = Path(sys.executable).with_name("ruff")
if not RUFF.exists():  # pragma: no cover - ruff is a test dependency
    RUFF = Path(shutil.which("ruff") or "ruff")

MISSING = "get_message reserve_message:async"

# (id, line length, source before, what to add)
EXAMPLES: list[tuple[str, int, str, tuple[Want, ...]]] = [
    (
        "merge-into-mock-import",
        88,
        """
        import sys
        from unittest.mock import MagicMock

        sys.modules["app.crud"] = {"add_message": MagicMock()}
        """,
        (Want("dict", MISSING),),
    ),
    (
        "merge-wraps-a-long-import",
        60,
        """
        import sys
        from unittest.mock import ANY, MagicMock, call, sentinel

        sys.modules["app.crud"] = {"add": MagicMock()}
        """,
        (Want("dict", "reserve:async"),),
    ),
    (
        "merge-into-a-wrapped-import",
        88,
        """
        import sys
        from unittest.mock import (
            MagicMock,
            patch,
        )

        sys.modules["app.crud"] = {"add": MagicMock()}
        """,
        (Want("dict", "reserve:async"),),
    ),
    (
        "merge-keeps-comments",
        88,
        """
        import sys
        from unittest.mock import (
            MagicMock,  # for sync names
            patch,
        )

        sys.modules["app.crud"] = {"add": MagicMock()}
        """,
        (Want("dict", "reserve:async"),),
    ),
    (
        "new-import-after-straight-imports",
        88,
        """
        import sys
        import types

        import pytest

        from app import service

        fake = types.ModuleType("app.crud")
        """,
        (Want("attributes", MISSING, match="ModuleType", var="fake"),),
    ),
    (
        "new-import-sorted-among-from-imports",
        88,
        """
        import sys
        from pathlib import Path
        from types import SimpleNamespace
        from zipfile import ZipFile

        sys.modules["app.crud"] = SimpleNamespace(add=1)
        """,
        (Want("keywords", MISSING, match="SimpleNamespace("),),
    ),
    (
        "new-stdlib-group-before-third-party",
        88,
        """
        import pytest

        from app import service

        FAKE = {"add": 1}
        """,
        (Want("dict", MISSING),),
    ),
    (
        "new-stdlib-group-after-future",
        88,
        """
        from __future__ import annotations

        import pytest

        FAKE = {"add": 1}
        """,
        (Want("dict", MISSING),),
    ),
    (
        "only-future-imports",
        88,
        """
        from __future__ import annotations


        def make():
            return {"add": 1}
        """,
        (Want("dict", MISSING),),
    ),
    (
        "no-imports-docstring-then-code",
        88,
        '''
        """Fakes."""

        FAKE = {"add": 1}
        ''',
        (Want("dict", MISSING),),
    ),
    (
        "no-imports-docstring-then-def",
        88,
        '''
        """Fakes."""


        def make():
            return {"add": 1}
        ''',
        (Want("dict", MISSING),),
    ),
    (
        "no-imports-at-all",
        88,
        """
        FAKE = {"add": 1}
        """,
        (Want("dict", MISSING),),
    ),
    (
        "path-stub-adds-importlib-util",
        88,
        """
        import sys
        import types

        pkg = types.ModuleType("app")
        sys.modules["app"] = pkg
        """,
        (Want("attributes", "__path__:path", match="ModuleType", var="pkg", module="app"),),
    ),
    (
        "path-stub-next-to-importlib",
        88,
        """
        import importlib
        import sys

        sys.modules["app"] = {"x": 1}
        """,
        (Want("dict", "__path__:path", module="app"),),
    ),
    (
        "aliased-mock-import-stays-apart",
        88,
        """
        import sys
        from unittest.mock import MagicMock as MM

        sys.modules["app.crud"] = {"add": MM()}
        """,
        (Want("dict", MISSING),),
    ),
    (
        "module-prefix-spelling-adds-nothing",
        88,
        """
        import sys
        from unittest import mock

        sys.modules["app.crud"] = {"add": mock.MagicMock()}
        """,
        (Want("dict", MISSING),),
    ),
    (
        "explode-assignment-dict",
        60,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = {"add_message": AsyncMock()}
        """,
        (Want("dict", MISSING),),
    ),
    (
        "explode-call-arguments",
        60,
        """
        import sys
        from types import SimpleNamespace
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = SimpleNamespace(a=AsyncMock())
        """,
        (Want("keywords", MISSING, match="SimpleNamespace("),),
    ),
    (
        "explode-nested-in-a-call",
        60,
        """
        from unittest.mock import AsyncMock, MagicMock


        def test(mock_module):
            mock_module("app.crud", {"add": AsyncMock()})
        """,
        (Want("dict", MISSING),),
    ),
    (
        "explode-lambda-factory",
        60,
        """
        from unittest.mock import AsyncMock, MagicMock


        def test(mock_module):
            mock_module("app.crud", lambda: {"add": AsyncMock()})
        """,
        (Want("dict", MISSING),),
    ),
    (
        "explode-decorator",
        70,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock, patch


        @patch.dict(sys.modules, {"app.crud": {"add": AsyncMock()}})
        def test_it():
            pass
        """,
        (Want("dict", MISSING, index=1),),
    ),
    (
        "explode-with-statement",
        70,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock, patch


        def test_it():
            with patch.dict(sys.modules, {"app.crud": {"add": AsyncMock()}}):
                pass
        """,
        (Want("dict", MISSING, index=1),),
    ),
    (
        "explode-spec-list",
        60,
        """
        import sys
        from unittest.mock import MagicMock

        sys.modules["app.crud"] = MagicMock(spec=["add_message"])
        """,
        (Want("strings", "get_message reserve_message"),),
    ),
    (
        "explode-names-tuple",
        60,
        """
        NAMES = ("add_message", "delete_message")
        """,
        (Want("strings", "get_message reserve_message"),),
    ),
    (
        "arguments-line-becomes-one-per-line",
        70,
        """
        import sys
        from types import SimpleNamespace
        from unittest.mock import AsyncMock, MagicMock

        sys.modules["app.crud"] = SimpleNamespace(
            add_message=AsyncMock(), delete_message=AsyncMock()
        )
        """,
        (Want("keywords", MISSING, match="SimpleNamespace("),),
    ),
    (
        "items-line-of-a-call-splits",
        60,
        """
        from unittest.mock import AsyncMock, MagicMock


        def test(mock_module):
            mock_module(
                "app.crud", {"add_message": AsyncMock(), "x": 1}
            )
        """,
        (Want("dict", "get_message"),),
    ),
    (
        "multi-line-dict-one-per-line",
        88,
        """
        from unittest.mock import AsyncMock, MagicMock

        FAKE = {
            "add_message": AsyncMock(),
            "delete_message": AsyncMock(),  # why
        }
        """,
        (Want("dict", MISSING),),
    ),
    (
        "exploded-single-item-dict",
        60,
        """
        from unittest.mock import MagicMock

        FAKE = {
            "add_message_with_a_long_name_for_sure": MagicMock()
        }
        """,
        (Want("dict", "get_message"),),
    ),
    (
        "class-body-after-a-method",
        88,
        """
        from unittest.mock import MagicMock


        class FakeCrud:
            x = 1

            def add(self):
                return 1
        """,
        (Want("class_body", MISSING),),
    ),
    (
        "attributes-in-a-function",
        88,
        """
        import sys
        import types
        from unittest.mock import MagicMock


        def test_it():
            fake = types.ModuleType("app.crud")
            sys.modules["app.crud"] = fake
        """,
        (Want("attributes", MISSING, match="ModuleType", var="fake"),),
    ),
]


def run_ruff(folder: Path) -> str:
    """ruff's complaints about the files in ``folder`` ("" when it has none)."""
    problems = []
    for args in (
        ["check", "--select", "I,E501", "--no-cache"],
        ["format", "--check", "--no-cache"],
    ):
        done = subprocess.run(
            [str(RUFF), *args, "."], cwd=folder, capture_output=True, text=True, check=False
        )
        if done.returncode:
            problems.append(done.stdout + done.stderr)
    return "\n".join(problems)


def project(root: Path, line_length: int) -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f"[tool.ruff]\nline-length = {line_length}\n"
        '[tool.ruff.lint.isort]\nknown-first-party = ["app"]\n',
        encoding="utf-8",
    )
    return root


@pytest.mark.skipif(not RUFF.exists(), reason="ruff is not installed")
def test_fixed_files_still_pass_ruff(tmp_path: Path) -> None:
    before: dict[int, Path] = {}
    after: dict[int, Path] = {}
    for name, length, code, wants in EXAMPLES:
        if length not in before:
            before[length] = project(tmp_path / f"before{length}", length)
            after[length] = project(tmp_path / f"after{length}", length)
        source = dedent(code)
        (before[length] / f"test_{name.replace('-', '_')}.py").write_text(source, encoding="utf-8")
        fixed = fix(source, *wants, line_length=length)
        assert fixed != source, name
        (after[length] / f"test_{name.replace('-', '_')}.py").write_text(fixed, encoding="utf-8")
    for length in before:
        problems = run_ruff(before[length])
        assert not problems, f"the examples must pass ruff before the fix:\n{problems}"
        problems = run_ruff(after[length])
        assert not problems, f"after the fix:\n{problems}"
