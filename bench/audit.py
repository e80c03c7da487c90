"""Benchmark `mock-audit check` on a synthetic monorepo against two yardsticks.

Plain script: `.venv/bin/python bench/audit.py [--scale X | --quick] [--keep DIR]`.

It writes a deterministic synthetic repository (bench/_synth.py; at scale 1.0,
5,000 test files of 2-8 KB and 1,000 source modules, 4% of the test files
holding module fakes in every recognised form) and measures, in one run:

1. the read+prefilter floor: read every .py file and test it for
   ``b"sys.modules"`` or ``b"mock_module"`` (what no auditor can avoid);
2. the naive libcst baseline: ``libcst.parse_module`` on every test file (on a
   big tree, on a deterministic sample, extrapolated linearly);
3. a cold ``mock-audit check`` (fresh cache directory);
4. a warm check (same cache);
5. a warm check after touching one source module;

plus the peak memory of the checks (``ru_maxrss`` of the children). Goals:
cold at least 20x faster than the naive baseline; warm within 3x of the floor.
Every check's findings are compared with the ones the generator designed; a
mismatch, or a check that exits 2, makes the script exit 1.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Run as a script, bench/ is sys.path[0]. So this file never imports the `audit` package
# (its own name would shadow it); it runs the installed command, as a user does.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synth import CACHE_DIR, FAKE_FORMS, SynthStats, generate

GOAL_COLD_VS_LIBCST = 20.0  # cold check at least this many times faster than naive libcst
GOAL_WARM_VS_FLOOR = 3.0  # warm check at most this many times the read+prefilter floor
BASE_TESTS = 5000
BASE_SOURCES = 1000

Finding = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True)
class Run:
    seconds: float
    exit_code: int
    maxrss_kb: int
    findings: frozenset[Finding] | None  # None when the output was not the JSON report
    stderr: str


def mock_audit_command() -> str:
    here = Path(sys.executable).parent / "mock-audit"
    found = str(here) if here.exists() else shutil.which("mock-audit")
    if not found:
        raise SystemExit("bench/audit.py: the mock-audit command is not installed.")
    return found


def run_child(args: Sequence[str], cwd: Path) -> tuple[float, int, int, str, str]:
    """Run a command; return (seconds, exit code, its peak RSS in KiB, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err)
        # wait4 rather than wait(): it also gives this child's own resource usage.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (
            seconds,
            child.returncode,
            usage.ru_maxrss,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def check(root: Path, jobs: int | None) -> Run:
    args = [mock_audit_command(), "check", "--format", "json"]
    if jobs is not None:
        args += ["--jobs", str(jobs)]
    seconds, code, rss, stdout, stderr = run_child(args, root)
    findings: frozenset[Finding] | None
    try:
        report = json.loads(stdout)
        findings = frozenset(
            (f["path"], f["code"], tuple(f["missing"])) for f in report["findings"]
        )
    except (ValueError, KeyError, TypeError):
        findings = None
    return Run(seconds, code, rss, findings, stderr)


def python_files(root: Path) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
        out.extend(Path(dirpath, f) for f in filenames if f.endswith(".py"))
    return out


def floor(root: Path, repeat: int = 3) -> tuple[float, int, int]:
    """Best of ``repeat``: walk, read every .py file, test the prefilter. (seconds, files, hits)."""
    best = float("inf")
    files = hits = 0
    for _ in range(repeat):
        start = time.perf_counter()
        paths = python_files(root)
        hits = 0
        for path in paths:
            data = path.read_bytes()
            if b"sys.modules" in data or b"mock_module" in data:
                hits += 1
        best = min(best, time.perf_counter() - start)
        files = len(paths)
    return best, files, hits


def libcst_baseline(tests: Sequence[Path], sample: int) -> tuple[float, int]:
    """Seconds to parse every test file with libcst (extrapolated from a sample); (s, sampled)."""
    import libcst

    ordered = sorted(tests)
    step = max(1, -(-len(ordered) // sample))  # ceil: an even spread over the whole tree
    chosen = ordered[::step]
    start = time.perf_counter()
    for path in chosen:
        libcst.parse_module(path.read_bytes())
    measured = time.perf_counter() - start
    return measured * len(ordered) / len(chosen), len(chosen)


def compare(run: Run, expected: frozenset[Finding], label: str) -> list[str]:
    """Problems with one check's result, as sentences (empty when it is right)."""
    if run.exit_code not in (0, 1) or run.findings is None:
        detail = run.stderr.strip().splitlines()[-1:] or ["no output"]
        return [f"{label}: mock-audit exited {run.exit_code}: {detail[0]}"]
    problems = []
    wanted_code = 1 if expected else 0
    if run.exit_code != wanted_code:
        problems.append(f"{label}: exit code {run.exit_code}, expected {wanted_code}.")
    missing = sorted(expected - run.findings)
    extra = sorted(run.findings - expected)
    if missing:
        problems.append(
            f"{label}: {len(missing)} expected findings not reported, e.g. {missing[0]}."
        )
    if extra:
        problems.append(f"{label}: {len(extra)} unexpected findings, e.g. {extra[0]}.")
    return problems


def mb(kib: int) -> str:
    return f"{kib / 1024:.0f} MB"


def describe(stats: SynthStats) -> str:
    codes = [code for _, code, _ in stats.expected]
    return (
        f"synthetic repo: {stats.test_files} test files ({stats.test_bytes / 1e6:.1f} MB, "
        f"avg {stats.test_bytes / stats.test_files / 1024:.1f} KB), {stats.source_modules} "
        f"source modules ({stats.source_bytes / 1e6:.1f} MB); {stats.fake_files} test files "
        f"hold fakes in {len(stats.sites_by_form)} of {len(FAKE_FORMS)} forms; expected "
        f"findings: {codes.count('MA001')} MA001, {codes.count('MA002')} MA002"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1.0 = 5,000 test files, 1,000 source modules"
    )
    parser.add_argument("--quick", action="store_true", help="a small tree (a smoke run)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sample", type=int, default=250, help="test files libcst parses for the baseline"
    )
    parser.add_argument("--jobs", type=int, default=None, help="passed to mock-audit --jobs")
    parser.add_argument("--keep", type=Path, default=None, help="generate here and keep it")
    parser.add_argument(
        "--strict", action="store_true", help="also exit 1 when a speed goal is not met"
    )
    options = parser.parse_args(argv)
    scale = 0.06 if options.quick else options.scale
    if scale <= 0:
        parser.error(f"--scale must be more than 0; got {scale!r}.")
    tests = max(20, round(BASE_TESTS * scale))
    sources = max(40, round(BASE_SOURCES * scale))

    with tempfile.TemporaryDirectory(prefix="mock-audit-bench-") as tmp:
        root = options.keep.resolve() if options.keep else Path(tmp) / "repo"
        if options.keep and root.exists():
            parser.error(f"--keep {str(root)!r} already exists; give a new directory.")
        start = time.perf_counter()
        stats = generate(root, tests=tests, sources=sources, seed=options.seed)
        print(describe(stats))
        print(f"  generated in {time.perf_counter() - start:.1f} s under {root}")
        return measure(root, stats, options)


def measure(root: Path, stats: SynthStats, options: argparse.Namespace) -> int:
    floor_s, files, hits = floor(root)
    print(f"read+prefilter floor        {floor_s:8.3f} s  ({files} .py files, {hits} pass)")

    sample = max(1, options.sample)
    libcst_s, sampled = libcst_baseline(stats.test_paths, sample)
    how = (
        f"measured on {sampled} of {stats.test_files} test files, extrapolated linearly"
        if sampled < stats.test_files
        else f"all {sampled} test files"
    )
    print(f"naive libcst parse          {libcst_s:8.3f} s  ({how})")

    startup_s, *_ = run_child([mock_audit_command(), "--help"], root)
    print(f"mock-audit start-up (--help){startup_s:8.3f} s  (interpreter and imports)")

    cache = root / CACHE_DIR
    shutil.rmtree(cache, ignore_errors=True)
    cold = check(root, options.jobs)
    warm = check(root, options.jobs)
    with stats.touch_target.open("a", encoding="utf-8") as handle:
        handle.write("\n# touched by bench/audit.py\n")
    touched = check(root, options.jobs)
    runs = [("cold check", cold), ("warm check", warm), ("warm, one source touched", touched)]
    for label, run in runs:
        print(f"{label:<28}{run.seconds:8.3f} s  exit {run.exit_code}, peak {mb(run.maxrss_kb)}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak memory of all children (RUSAGE_CHILDREN ru_maxrss): {mb(children)}")
    if not cache.exists():
        print(f"note: no cache directory was written at {cache}")

    problems = [p for label, run in runs for p in compare(run, stats.expected, label)]
    failed = any(run.exit_code not in (0, 1) for _, run in runs)
    met_cold = met_warm = False
    if failed:
        print("goals: not measured, a check failed (see below)")
    else:
        cold_ratio = libcst_s / cold.seconds
        warm_ratio = warm.seconds / floor_s
        met_cold = cold_ratio >= GOAL_COLD_VS_LIBCST
        met_warm = warm_ratio <= GOAL_WARM_VS_FLOOR
        print("goals:")
        print(
            f"  cold check vs naive libcst: {cold_ratio:.1f}x faster "
            f"(goal >= {GOAL_COLD_VS_LIBCST:.0f}x): {'met' if met_cold else 'NOT met'}"
        )
        print(
            f"  warm check vs read+prefilter floor: {warm_ratio:.1f}x the floor "
            f"(goal <= {GOAL_WARM_VS_FLOOR:.0f}x): {'met' if met_warm else 'NOT met'}"
        )
        print(f"  warm, one source touched: {touched.seconds / floor_s:.1f}x the floor")

    if problems:
        print("findings do NOT match the generator's design:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(f"findings: all three checks report exactly the {len(stats.expected)} expected")
    if options.strict and not (met_cold and met_warm):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
