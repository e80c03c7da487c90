"""Benchmark `mock-audit` against the speed goals of issue 11, on real checkouts and synthetic.

Plain script:
`.venv/bin/python bench/audit.py [--repo PATH]... [--quick] [--keep DIR] [--repeat N]`.

With ``--repo`` it measures each checkout (on a copy: the checkout itself is never
written); without, a synthetic tree shaped like real suites (bench/_synth.py, 5,000 test
modules and 3,800 source modules at ``--scale 1``) and one 5.8 MB generated test file.
Each round measures, in this order:

1. the floors, in this process, over every ``.py`` file the walk keeps (the skip rule of
   audit/files.py): read every file and test it for the prefilter's bytes (the *floor*,
   median of three), and read and ``ast.parse`` every file (the *parse baseline*);
2. a cold ``mock-audit check`` (fresh cache directory) and its peak memory;
3. a warm check (unchanged tree); a warm check after adding a function to the most
   imported source module (no import changes: the replay is kept), then one after adding
   an import to it (every test file is replayed again);
4. a fresh clone with the cache restored (CI): the tree and its cache copied with new
   mtimes, at the same path and at another path;
5. a cold ``mock-audit fix`` on a throwaway copy.

Ratios are taken within a round, then the median over rounds is reported. Every check
runs the installed command in a child process, started by a small launcher that times
it and takes its ``ru_maxrss`` with ``os.wait4`` (the largest of it and the pool workers
it waited for; see ``_LAUNCHER`` for why not from here). Each warm and
restored check must report the cold check's findings (JSON, exactly); on the synthetic
tree, the cold check must report the findings the generator designed. A difference, or
a run that exits 2, makes the script exit 1; ``--strict`` also fails on a missed goal.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Run as a script, bench/ is sys.path[0]. So this file never imports the `audit` package
# (its own name would shadow it); it runs the installed command, as a user does.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _real import PREFILTER, copy_project, python_files
from _synth import BIG_FILE_BYTES, CACHE_DIR, SynthStats, counts, generate, generate_big_file

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None  # type: ignore[assignment]

MEASURES = ("cold", "warm", "touched", "touched-import", "restored", "moved", "fix", "big-file")
GOALS = {  # measure -> (what the ratio is of, goal, unit)
    "cold": ("cold check / parse baseline", 0.15),
    "warm": ("warm check / floor", 3.0),
    "touched": ("warm, a function added to the hub / floor", 10.0),
    "touched-import": ("warm, then an import added to the hub / floor", 10.0),
    "restored": ("restored cache, same path / floor", 3.0),
    "moved": ("restored cache, other path / floor", 3.0),
    "fix": ("cold fix / cold check", 2.0),
}
GOAL_MEMORY_MB = 500.0
GOAL_BIG_SECONDS = 10.0
GOAL_BIG_MB = 300.0


def command() -> str:
    found = Path(sys.executable).with_name("mock-audit")
    if not found.exists():
        raise SystemExit(f"bench/audit.py: {found} is not installed (pip install -e .).")
    return str(found)


@dataclass(frozen=True)
class Run:
    """One child process: how long, how it ended, its peak memory, what it printed."""

    seconds: float
    exit_code: int
    maxrss_kb: int
    stdout: str
    stderr: str

    @property
    def mb(self) -> float:
        return self.maxrss_kb / 1024

    def report(self) -> dict | None:
        try:
            report = json.loads(self.stdout)
        except ValueError:
            return None
        return report if isinstance(report, dict) else None


#: The children run as on a user's machine: with bytecode caching (some sandboxes set
#: PYTHONDONTWRITEBYTECODE, which makes every run compile the tool again, about 0.1 s).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


#: Each child is started by this small launcher, which times it and reports its peak
#: memory. Started from the bench directly, a child's ``ru_maxrss`` would include the
#: bench's own memory (Linux carries the parent's high-water mark over ``vfork`` and
#: ``exec``), and the bench holds a few hundred MB after its parse baseline.
_LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - start
sys.stderr.write(f"\\n@bench {seconds!r} {usage.ru_maxrss}\\n")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_child(args: Sequence[str], cwd: Path) -> Run:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        launcher = [sys.executable, "-c", _LAUNCHER, *args]
        done = subprocess.run(launcher, cwd=cwd, stdout=out, stderr=err, env=CHILD_ENV)
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        head, _, last = stderr.rstrip("\n").rpartition("\n@bench ")
        seconds, maxrss = last.split()
        return Run(
            float(seconds),
            done.returncode,
            int(maxrss),
            out.read().decode("utf-8", "replace"),
            head,
        )


def mock_audit(root: Path, verb: str, jobs: int | None) -> Run:
    args = [command(), verb, "--format", "json"]
    if jobs is not None:
        args += ["--jobs", str(jobs)]
    return run_child(args, root)


def provenance() -> str:
    """Which code the command runs: its package folder, and that folder's git commit."""
    found = subprocess.run(
        [sys.executable, "-c", "import audit, os; print(os.path.dirname(audit.__file__))"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tempfile.gettempdir(),  # not this checkout: `python -c` puts the cwd first
    )
    folder = found.stdout.strip() or "(audit not importable)"
    head = subprocess.run(
        ["git", "-C", folder, "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    if head.returncode != 0:
        return f"audit from {folder} (not a git work tree)"
    dirty = subprocess.run(
        ["git", "-C", folder, "status", "--porcelain", "--", "."],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"audit from {folder} at {head.stdout.strip()[:12]}" + (
        " with uncommitted changes" if dirty else ""
    )


# --- the floors -------------------------------------------------------------------------------


def floor(root: Path) -> tuple[float, int, int]:
    """Walk, read every file and test the prefilter: (seconds, files, files passing)."""
    start = time.perf_counter()
    paths = python_files(root)
    passing = 0
    for path in paths:
        data = path.read_bytes()
        if any(t in data for t in PREFILTER):
            passing += 1
    return time.perf_counter() - start, len(paths), passing


def parse_baseline(root: Path) -> tuple[float, int]:
    """Walk, read and ``ast.parse`` every file in one process: (seconds, unparsable)."""
    start = time.perf_counter()
    bad = 0
    for path in python_files(root):
        try:
            ast.parse(path.read_bytes(), filename=str(path))
        except (SyntaxError, ValueError):
            bad += 1
    return time.perf_counter() - start, bad


# --- trees --------------------------------------------------------------------------------------


def bump_mtimes(root: Path) -> None:
    """Give every file and folder a new mtime, as a fresh clone and a cache restore do."""
    when = time.time() + 5
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.utime(path, (when, when))
        os.utime(folder, (when, when))


def clone(source: Path, target: Path, *, drop: str | None = None) -> None:
    """Copy a working tree with new mtimes; ``drop`` names a folder to leave out (the cache)."""
    shutil.copytree(source, target, symlinks=True, copy_function=shutil.copy)
    if drop is not None:
        shutil.rmtree(target / drop, ignore_errors=True)
    bump_mtimes(target)


def cache_dir_of(root: Path) -> str:
    """The cache folder ``mock-audit`` uses at ``root`` (its pyproject's ``cache-dir``)."""
    pyproject = root / "pyproject.toml"
    if tomllib is not None and pyproject.is_file():
        try:
            table = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            table = {}
        value = table.get("tool", {}).get("mock-audit", {}).get("cache-dir")
        if isinstance(value, str) and value.strip():
            return value
    return CACHE_DIR


_IMPORT = re.compile(
    rb"^(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([\w, \t]+)|import[ \t]+([\w.]+))", re.M
)


def most_imported(root: Path, files: Sequence[Path]) -> tuple[Path, int] | None:
    """The source module that the most files import at their top level (a byte scan),
    and how many files import it."""
    modules: dict[str, Path] = {}
    names: dict[Path, str] = {}
    for path in files:
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts[:1] == ["src"]:
            parts.pop(0)
        if parts and not _is_test(path.relative_to(root)):
            modules.setdefault(".".join(parts), path)
        names[path] = ".".join(parts)
    importers: Counter[str] = Counter()
    for path in files:
        seen: set[str] = set()
        package = names[path] if path.name == "__init__.py" else names[path].rpartition(".")[0]
        for match in _IMPORT.finditer(path.read_bytes()):
            module = (match.group(1) or match.group(3)).decode()
            level = len(module) - len(module.lstrip("."))
            if level:
                base = package.split(".")[: len(package.split(".")) - level + 1] if package else []
                module = ".".join([*base, module.lstrip(".")]).strip(".")
            subs = [n.strip() for n in match.group(2).decode().split(",")] if match.group(2) else []
            for name in [*(f"{module}.{n}" for n in subs if n), module]:
                if name in modules and modules[name] != path:
                    seen.add(name)
                    break
        importers.update(seen)
    if not importers:
        return None
    best = max(importers, key=lambda m: (importers[m], modules[m].name != "__init__.py", m))
    return modules[best], importers[best]


def _is_test(rel: Path) -> bool:
    name = rel.name
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(p in ("tests", "test") for p in rel.parts[:-1])
    )


# --- one round ----------------------------------------------------------------------------------


@dataclass
class Round:
    """What one round measured; ratios per measure."""

    floor: float = 0.0
    parse: float = 0.0
    runs: dict[str, Run] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)


def findings_key(report: dict, root: Path) -> list[str]:
    """The findings of a JSON report, each as sorted JSON with the root written as <root>."""
    text = [json.dumps(f, sort_keys=True) for f in report.get("findings", [])]
    return sorted(t.replace(str(root), "<root>") for t in text)


def measure_round(
    work: Path,
    touch: Path,
    options: argparse.Namespace,
    problems: list[str],
    cold_check: Callable[[dict], list[str]] | None,
    label: str,
) -> Round:
    cache = cache_dir_of(work)
    r = Round()
    r.floor = statistics.median(floor(work)[0] for _ in range(3))
    r.parse, _ = parse_baseline(work)
    skip = set(options.skip)
    shutil.rmtree(work / cache, ignore_errors=True)
    cold = r.runs["cold"] = mock_audit(work, "check", options.jobs)
    r.ratios["cold"] = cold.seconds / r.parse
    reference = cold.report()
    if cold.exit_code not in (0, 1) or reference is None:
        problems.append(f"{label}: cold check exited {cold.exit_code}: {_last(cold.stderr)}")
        return r
    if cold_check is not None:
        problems.extend(f"{label}: {p}" for p in cold_check(reference))
    expected = findings_key(reference, work)

    def compare(name: str, run: Run, root: Path) -> None:
        report = run.report()
        if run.exit_code not in (0, 1) or report is None:
            problems.append(f"{label}: {name} exited {run.exit_code}: {_last(run.stderr)}")
        elif findings_key(report, root) != expected:
            got = findings_key(report, root)
            only_cold, only_here = (
                Counter(expected) - Counter(got),
                Counter(got) - Counter(expected),
            )
            problems.append(
                f"{label}: {name} reports {len(got)} findings, the cold check {len(expected)}: "
                f"{sum(only_cold.values())} only in the cold check (e.g. {_brief(only_cold)}), "
                f"{sum(only_here.values())} only here (e.g. {_brief(only_here)})"
            )

    if "warm" not in skip:
        r.runs["warm"] = mock_audit(work, "check", options.jobs)
        compare("warm check", r.runs["warm"], work)
    if "touched" not in skip:
        # an edit that changes no import: the kept replay holds (audit/memo.py)
        with touch.open("a", encoding="utf-8") as handle:
            handle.write("\n\ndef _touched_by_bench():  # bench/audit.py\n    return 1\n")
        r.runs["touched"] = mock_audit(work, "check", options.jobs)
        compare("warm check after adding a function to the hub", r.runs["touched"], work)
    if "touched-import" not in skip:
        # an edit that changes the hub's imports: every test file is replayed again
        with touch.open("a", encoding="utf-8") as handle:
            handle.write("\nimport json as _json_by_bench  # bench/audit.py\n")
        r.runs["touched-import"] = mock_audit(work, "check", options.jobs)
        compare("warm check after adding an import to the hub", r.runs["touched-import"], work)
    if "restored" not in skip:
        # a fresh clone at the same path: the tree moved away and copied back, new mtimes
        aside = work.with_name(work.name + "-aside")
        work.rename(aside)
        clone(aside, work)
        shutil.rmtree(aside)
        r.runs["restored"] = mock_audit(work, "check", options.jobs)
        compare("restored cache (same path)", r.runs["restored"], work)
    if "moved" not in skip:
        other = work.with_name(work.name + "-elsewhere")
        clone(work, other)
        r.runs["moved"] = mock_audit(other, "check", options.jobs)
        compare("restored cache (other path)", r.runs["moved"], other)
        shutil.rmtree(other)
    if "fix" not in skip:
        throwaway = work.with_name(work.name + "-fix")
        clone(work, throwaway, drop=cache)
        fixed = r.runs["fix"] = mock_audit(throwaway, "fix", options.jobs)
        if fixed.exit_code not in (0, 1):
            problems.append(f"{label}: fix exited {fixed.exit_code}: {_last(fixed.stderr)}")
        else:
            report = fixed.report() or {}
            left = sum(1 for f in report.get("findings", []) if f.get("fixable"))
            if left:  # fix re-checks what it wrote: a fixable finding left is a wrong edit
                problems.append(f"{label}: fix left {left} fixable finding(s)")
            summary = report.get("summary", {})
            print(
                f"  fix: {summary.get('files_fixed', '?')} files fixed, "
                f"{summary.get('files_failed', '?')} failed, {left} fixable findings left"
            )
        shutil.rmtree(throwaway)
    for name in ("warm", "touched", "touched-import", "restored", "moved"):
        if name in r.runs:
            r.ratios[name] = r.runs[name].seconds / r.floor
    if "fix" in r.runs:
        r.ratios["fix"] = r.runs["fix"].seconds / cold.seconds
    return r


def _brief(findings: Counter[str]) -> str:
    """One finding (sorted JSON) as ``path:line code module: missing``."""
    if not findings:
        return "none"
    f = json.loads(min(findings))
    return f"{f['path']}:{f['line']} {f['code']} {f['module']}: {', '.join(f['missing'])}"


def _last(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else "no output"


# --- the table ----------------------------------------------------------------------------------


def table(
    label: str, rounds: list[Round], big: list[Run] | None, big_size: int = BIG_FILE_BYTES
) -> tuple[str, list[bool]]:
    """The results as a Markdown table (medians over rounds), and which goals were met."""

    def med(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")

    rows = [
        "| measure | seconds | ratio | goal | met? | peak MB |",
        "|---|---|---|---|---|---|",
        f"| read + prefilter (floor) | {med([r.floor for r in rounds]):.3f} | | | | |",
        f"| read + `ast.parse` (parse baseline) | {med([r.parse for r in rounds]):.2f} | | | | |",
    ]
    met: list[bool] = []
    for name, (what, goal) in GOALS.items():
        runs = [r.runs[name] for r in rounds if name in r.runs]
        ratios = [r.ratios[name] for r in rounds if name in r.ratios]
        if not runs:
            continue
        ratio = med(ratios)
        ok = ratio <= goal
        met.append(ok)
        rows.append(
            f"| {what} | {med([x.seconds for x in runs]):.2f} | {ratio:.2f} | <= {goal:g} | "
            f"{'yes' if ok else '**no**'} | {med([x.mb for x in runs]):.0f} |"
        )
    colds = [r.runs["cold"] for r in rounds if "cold" in r.runs]
    if colds:
        peak = max(x.mb for x in colds)
        met.append(peak <= GOAL_MEMORY_MB)
        rows.append(
            f"| peak memory, cold (ru_maxrss, largest of rounds) | | | <= {GOAL_MEMORY_MB:g} MB | "
            f"{'yes' if peak <= GOAL_MEMORY_MB else '**no**'} | {peak:.0f} |"
        )
    if big:
        seconds = med([x.seconds for x in big])
        peak = max(x.mb for x in big)
        ok = seconds <= GOAL_BIG_SECONDS and peak <= GOAL_BIG_MB
        met.append(ok)
        rows.append(
            f"| fix, one {big_size / 1e6:.1f} MB test file | {seconds:.2f} | | "
            f"<= {GOAL_BIG_SECONDS:g} s, <= {GOAL_BIG_MB:g} MB | {'yes' if ok else '**no**'} "
            f"| {peak:.0f} |"
        )
    return f"\n{label} (median of {len(rounds)} round(s))\n\n" + "\n".join(rows), met


# --- targets ------------------------------------------------------------------------------------


def bench_repo(
    source: Path, base: Path, options: argparse.Namespace, problems: list[str]
) -> list[bool]:
    source = source.resolve()
    if not (source / "pyproject.toml").is_file():
        problems.append(f"{source}: no pyproject.toml; give a project root.")
        return []
    label = source.name if source.name != "src" else source.parent.name
    work = base / label / "repo"
    work.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    copy_project(source, work)
    files = python_files(work)
    found = (work / options.touch, 0) if options.touch else most_imported(work, files)
    if found is None:
        problems.append(f"{label}: no source module is imported by another; use --touch.")
        return []
    touch, importers = found
    _, count, passing = floor(work)
    print(
        f"{label}: copied {source} to {work} in {time.perf_counter() - start:.1f} s; "
        f"{count} .py files, {passing} pass the prefilter; touching {touch.relative_to(work)}"
        + (f" (imported by {importers} files)" if importers else "")
    )
    run = command()
    print(f"  {run} --version: {run_child([run, '--version'], work).seconds:.2f} s (start-up)")
    rounds = []
    for k in range(options.repeat):
        rounds.append(measure_round(work, touch, options, problems, None, label))
        print(f"  round {k + 1}: " + _round_line(rounds[-1]))
    text, met = table(f"{label} ({source})", rounds, None)
    print(text)
    return met


def bench_synthetic(base: Path, options: argparse.Namespace, problems: list[str]) -> list[bool]:
    scale = 0.008 if options.quick else options.scale
    tests, sources = counts(scale)
    work = base / "synthetic" / "repo"
    start = time.perf_counter()
    stats = generate(work, tests=tests, sources=sources, seed=options.seed)
    print(describe(stats) + f"\n  generated in {time.perf_counter() - start:.1f} s under {work}")
    design = Counter(stats.expected)

    def designed(report: dict) -> list[str]:
        got = Counter(
            (f["path"], f["module"], f["code"], tuple(f["missing"])) for f in report["findings"]
        )
        if got == design:
            print(f"  the cold check reports exactly the {len(stats.expected)} designed findings")
            return []
        missing, extra = sorted(design - got), sorted(got - design)
        return [
            f"the cold check differs from the design: {sum((design - got).values())} designed "
            f"findings not reported (e.g. {missing[:1]}), {sum((got - design).values())} not "
            f"designed (e.g. {extra[:1]})"
        ]

    run = command()
    print(f"  {run} --version: {run_child([run, '--version'], work).seconds:.2f} s (start-up)")
    rounds = []
    for k in range(options.repeat):
        rounds.append(
            measure_round(work, stats.touch_target, options, problems, designed, "synthetic")
        )
        print(f"  round {k + 1}: " + _round_line(rounds[-1]))
    big_runs: list[Run] = []
    size = 100_000 if options.quick else BIG_FILE_BYTES
    if "big-file" not in options.skip:
        for k in range(options.repeat):
            project = base / "big-file" / f"round-{k}"
            big = generate_big_file(project, size)
            done = mock_audit(project, "fix", options.jobs)
            big_runs.append(done)
            report = done.report() or {}
            fixed = report.get("summary", {}).get("files_fixed")
            if done.exit_code != 0 or fixed != 1:
                problems.append(
                    f"big file: fix exited {done.exit_code} and fixed {fixed} files "
                    f"(expected 0 and 1): {_last(done.stderr)}"
                )
            print(
                f"  big file ({big.size / 1e6:.2f} MB): fix {done.seconds:.2f} s, {done.mb:.0f} MB"
            )
            shutil.rmtree(project)
    text, met = table(f"synthetic, scale {scale:g} (seed {options.seed})", rounds, big_runs, size)
    print(text)
    return met


def _round_line(r: Round) -> str:
    parts = [f"floor {r.floor:.3f} s", f"parse {r.parse:.2f} s"]
    for name, run in r.runs.items():
        parts.append(f"{name} {run.seconds:.2f} s ({run.mb:.0f} MB, exit {run.exit_code})")
    return ", ".join(parts)


def describe(stats: SynthStats) -> str:
    codes = Counter(code for _, _, code, _ in stats.expected)
    return (
        f"synthetic tree: {stats.test_files} test modules ({stats.test_bytes / 1e6:.1f} MB), "
        f"{stats.source_modules} source modules ({stats.source_bytes / 1e6:.1f} MB); "
        f"{stats.fake_files} files hold {len(stats.sites)} fakes (by place {stats.count('where')}; "
        f"by form {stats.count('form')}); hub {stats.hub} imported by {stats.hub_fan_in}; "
        f"designed findings: {codes['MA001']} MA001, {codes['MA002']} MA002"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repo",
        action="append",
        type=Path,
        default=[],
        help="a checkout's project root (repeatable); measured on a copy",
    )
    parser.add_argument("--quick", action="store_true", help="a small synthetic tree (a smoke run)")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="synthetic size; 1.0 = 5,000 test and 3,800 source modules",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are reported")
    parser.add_argument("--jobs", type=int, default=None, help="passed to mock-audit --jobs")
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep the trees")
    parser.add_argument(
        "--touch",
        default=None,
        help="the source file (relative) to touch; default: the most imported",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=MEASURES,
        help="leave a measure out (repeatable)",
    )
    parser.add_argument("--strict", action="store_true", help="also exit 1 when a goal is missed")
    options = parser.parse_args(argv)
    if options.scale <= 0:
        parser.error(f"--scale must be more than 0; got {options.scale!r}.")
    if options.repeat < 1:
        parser.error(f"--repeat must be at least 1; got {options.repeat!r}.")
    if "cold" in options.skip:
        parser.error("the cold check cannot be skipped: every other run is compared with it.")
    if options.keep is not None and options.keep.exists() and any(options.keep.iterdir()):
        parser.error(f"--keep {str(options.keep)!r} is not empty; give a new directory.")
    print(
        f"mock-audit bench: Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}; {provenance()}"
    )
    problems: list[str] = []
    met: list[bool] = []
    with tempfile.TemporaryDirectory(prefix="mock-audit-bench-") as tmp:
        base = options.keep.resolve() if options.keep else Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        if options.repo:
            for repo in options.repo:
                met += bench_repo(repo, base, options, problems)
        else:
            met += bench_synthetic(base, options, problems)
    print(f"\ngoals met: {sum(met)} of {len(met)}")
    if problems:
        print("PROBLEMS:")
        for problem, times in Counter(problems).items():
            print(f"  {problem}" + (f" (in {times} rounds)" if times > 1 else ""))
        return 1
    print("findings: every warm and restored check reported the cold check's findings")
    return 1 if options.strict and not all(met) else 0


if __name__ == "__main__":
    raise SystemExit(main())
