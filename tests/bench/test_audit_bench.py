"""bench/audit.py end to end on a small tree: every figure printed, findings as designed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "bench" / "audit.py"


def test_quick_run_prints_every_figure_and_matches_the_design(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--sample", "10", "--keep", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for label in (
        "read+prefilter floor",
        "naive libcst parse",
        "extrapolated linearly",
        "cold check",
        "warm check",
        "warm, one source touched",
        "peak memory",
        "cold check vs naive libcst",
        "warm check vs read+prefilter floor",
    ):
        assert label in out
    assert "findings: all three checks report exactly the" in out
    assert (tmp_path / "r" / ".mock-audit-cache" / "files.pickle").is_file()
