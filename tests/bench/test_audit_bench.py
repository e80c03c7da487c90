"""bench/audit.py end to end on the smallest synthetic tree: every measure and goal printed,
the cold check's findings as designed, every warm and restored check's as the cold's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "bench" / "audit.py"


def test_quick_run_prints_every_measure_and_agrees(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--repeat", "1", "--keep", str(tmp_path / "k")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for label in (
        "read + prefilter (floor)",
        "read + `ast.parse` (parse baseline)",
        "cold check / parse baseline",
        "warm check / floor",
        "warm, a function added to the hub / floor",
        "warm, then an import added to the hub / floor",
        "restored cache, same path / floor",
        "restored cache, other path / floor",
        "cold fix / cold check",
        "peak memory, cold",
        "MB test file",
        "| measure | seconds | ratio | goal | met? | peak MB |",
    ):
        assert label in out, label
    assert "the cold check reports exactly the" in out
    assert "every warm and restored check reported the cold check's findings" in out
    # the kept tree: its hub edited twice, its cache written; the throwaway copies are gone
    repo = tmp_path / "k" / "synthetic" / "repo"
    hub = (repo / "src/app/core/base.py").read_text()
    assert "def _touched_by_bench():" in hub and "import json as _json_by_bench" in hub
    assert (repo / ".mock-audit-cache").is_dir()
    assert sorted(p.name for p in (tmp_path / "k" / "synthetic").iterdir()) == ["repo"]


def test_a_bad_option_is_refused_by_name() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--skip", "cold"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "the cold check cannot be skipped" in done.stderr
