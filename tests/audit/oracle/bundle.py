"""Oracle cases: small projects in one text file, and pytest as the judge.

A case file holds a project as ``# === path ===`` sections, after header lines that
say what mock-audit must report (``# expect: CODE path module: names``). The oracle
test writes the project out, runs ``mock-audit``'s check, and runs every test file
alone with pytest in a subprocess: MA001/MA004 must be reported for exactly the files
that fail with an ImportError from a fake, with the names that fail them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

_SECTION = re.compile(r"^# === (.+?) ===$", re.M)
_EXPECT = re.compile(r"^# expect: (MA00[1-4]) (\S+) (\S+): (.*)$")
_CANNOT = re.compile(r"cannot import name '(\w+)' from '([\w.]+|<unknown module name>)'")
_FROM = re.compile(r"\bfrom ([\w.]+) import\b")
_NOT_PACKAGE = re.compile(r"No module named '([\w.]+)'; '([\w.]+)' is not a package")
_NO_MODULE = re.compile(r"No module named '([\w.]+)'")


@dataclass(frozen=True)
class Expect:
    code: str
    path: str
    module: str
    names: frozenset[str]


@dataclass
class Case:
    name: str
    files: dict[str, str]
    expect: list[Expect] = field(default_factory=list)
    clean: bool = False  # ``# expect: nothing``
    passes_after_fix: bool = False  # ``# after fix: passes``: every test file then passes

    def write(self, root: Path) -> None:
        for rel, text in self.files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def test_files(self) -> list[str]:
        return sorted(
            p for p in self.files if Path(p).name.startswith("test_") and p.endswith(".py")
        )


def read(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    head, *rest = _SECTION.split(text)
    files = {rest[i].strip(): rest[i + 1].lstrip("\n") for i in range(0, len(rest), 2)}
    case = Case(path.stem, files)
    for line in head.splitlines():
        if line.strip() == "# expect: nothing":
            case.clean = True
        if line.strip() == "# after fix: passes":
            case.passes_after_fix = True
        found = _EXPECT.match(line.strip())
        if found:
            code, where, module, names = found.groups()
            listed = frozenset(n.strip() for n in names.split(",") if n.strip())
            case.expect.append(Expect(code, where, module, listed))
    return case


def crashes(root: Path, test_file: str) -> set[tuple[str, str]]:
    """What running ``pytest test_file`` alone fails with, from fakes: ("name",
    "module:name") and ("package", "module:submodule")."""
    return crashes_in(run_alone(root, test_file))


def run_alone(root: Path, test_file: str) -> str:
    """What ``pytest test_file`` run alone prints (short tracebacks)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "--tb=short",
            test_file,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    return done.stdout + done.stderr


def crashes_in(out: str) -> set[tuple[str, str]]:
    """The crashes from fakes in pytest's output (see ``crashes``)."""
    found: set[tuple[str, str]] = set()
    last_from = "?"  # a fake without __name__ is "<unknown module name>": the source line says
    for line in out.splitlines():
        source = _FROM.search(line)
        if source is not None and "Error" not in line:
            last_from = source.group(1)
        if "Error" not in line:
            continue
        for match in _CANNOT.finditer(line):
            module = match.group(2)
            module = last_from if module == "<unknown module name>" else module
            found.add(("name", f"{module}:{match.group(1)}"))
        for match in _NOT_PACKAGE.finditer(line):
            found.add(("package", f"{match.group(2)}:{match.group(1)}"))
        if "is not a package" not in line:
            for match in _NO_MODULE.finditer(line):
                found.add(("missing", match.group(1)))
    return found


def audit(root: Path) -> dict[str, object]:
    """``mock-audit check --format json`` run in the project, as a user runs it."""
    command = Path(sys.executable).with_name("mock-audit")
    done = subprocess.run(
        [str(command), "check", "--format", "json", "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    return report
