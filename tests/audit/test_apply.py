"""``audit.fix`` (``audit/apply.py``) on whole projects: what it writes, and that the
test files it fixes then run."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import audit
from audit.config import load_config
from audit.model import Config

from .clitools import PYPROJECT, write

# ``app`` and ``app.sql`` are both faked without __path__. The check sees only the first
# crash ("'app' is not a package"): the import stops there (the second is latent,
# MA002). Once fix gives ``app`` its real folder, ``app.service`` runs and meets the
# second fake: fixing only what crashes now (MA001, MA004) takes two rounds.
CHAIN = {
    "pyproject.toml": PYPROJECT,
    "src/app/__init__.py": "",
    "src/app/service.py": "from app.sql.logic import rows\n",
    "src/app/sql/__init__.py": "",
    "src/app/sql/logic.py": "def rows():\n    return [1]\n",
    "tests/test_chain.py": (
        "import sys\n"
        "import types\n"
        "\n"
        'app = types.ModuleType("app")\n'
        'sql = types.ModuleType("app.sql")\n'
        'sys.modules["app"] = app\n'
        'sys.modules["app.sql"] = sql\n'
        "\n"
        "\n"
        "def test_service():\n"
        "    import app.service\n"
        "\n"
        "    assert app.service.rows() == [1]\n"
    ),
}


def run_alone(root: Path, test_file: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test_file],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def crash_codes_only(root: Path) -> Config:
    return dataclasses.replace(load_config(root), select=frozenset({"MA001", "MA004"}))


def test_fix_follows_a_chain_its_own_edits_open(tmp_path: Path) -> None:
    root = write(tmp_path, CHAIN)
    config = crash_codes_only(root)
    first = audit.check(config=config)
    assert [(f.code, f.module) for f in first.findings] == [("MA004", "app")]
    assert run_alone(root, "tests/test_chain.py").returncode == 1

    report = audit.fix(config=config)

    assert report.remaining == ()
    assert [(f.path, f.names_added, f.written) for f in report.files] == [
        ("tests/test_chain.py", 2, True)
    ]
    assert audit.check(config=config).findings == ()
    done = run_alone(root, "tests/test_chain.py")
    assert done.returncode == 0, done.stdout


def test_diff_shows_the_first_round_and_writes_nothing(tmp_path: Path) -> None:
    root = write(tmp_path, CHAIN)
    before = (root / "tests/test_chain.py").read_bytes()
    report = audit.fix(config=crash_codes_only(root), diff=True)
    assert (root / "tests/test_chain.py").read_bytes() == before
    [changed] = report.files
    assert changed.names_added == 1 and not changed.written
    assert '"..", "src", "app")]' in (changed.diff or "")


def test_with_every_code_the_latent_path_is_fixed_in_the_first_round(tmp_path: Path) -> None:
    root = write(tmp_path, CHAIN)
    config = load_config(root)
    assert [(f.code, f.module, f.missing) for f in audit.check(config=config).findings] == [
        ("MA004", "app", ("__path__",)),
        ("MA002", "app.sql", ("__path__",)),
    ]
    report = audit.fix(config=config, diff=True)
    [changed] = report.files
    assert changed.names_added == 2
