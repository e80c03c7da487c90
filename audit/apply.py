"""``fix``: from a check to edited files.

The check's per-site results become a plan (``Plan``: which names go into which fake,
with the stub each real binding wants); the fixer (``fixer.AddMissingNames``, a libcst
codemod) runs on each file the plan names; a file is written only when the result
compiles, atomically. Kept apart from ``api`` so that ``check`` never imports libcst.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from libcst.codemod import CodemodContext, TransformFailure, TransformSkip, TransformSuccess

from . import fixer
from .api import CheckRun, rel_path, run_check
from .config import load_config
from .model import Config, EditTarget, FakeEdit, FileFix, Finding, FixReport, StubKind
from .report import unified_diff
from .sourcefile import decode, encode, write_atomic
from .testfile.program import Site

__all__ = ["Plan", "fake_edits", "fix", "plan_of", "project_plan", "stub_kinds"]


def stub_kinds(
    run: CheckRun, module: str, names: Iterable[str]
) -> tuple[tuple[str, StubKind], ...]:
    return tuple((n, _kind(run, module, n)) for n in sorted(names))


def _kind(run: CheckRun, module: str, name: str) -> StubKind:
    assert run.real is not None
    if name == "__path__":
        return "path"
    if name == "__spec__":
        return "none"
    return "async" if run.real.is_async(module, name) else "sync"


#: Fakes that are not modules: with a ``__path__`` they also need a ``__spec__`` (from
#: Python 3.11 the import of a submodule reads the parent's; None will do).
_WITHOUT_SPEC = frozenset({"namespace", "class"})


def fake_edits(run: CheckRun, selected: Sequence[Finding]) -> dict[str, list[FakeEdit]]:
    """Per file, the edits ``fix`` makes: the names the selected findings of each
    fixable site lack, merged per edit target (where and through which variable the
    names go). A helper's one install line is the site of every module it is called
    with, each call its own target; one fake installed twice has one target."""
    config = Config(root=run.report.root)
    by_place: dict[tuple[str, int, int, str], set[str]] = {}
    for finding in selected:
        place = (finding.path, finding.line, finding.column, finding.module)
        by_place.setdefault(place, set()).update(finding.missing)
    merged: dict[tuple[str, EditTarget], tuple[Site, set[str]]] = {}
    for result in run.results:
        site = result.site
        edit = site.fake.edit
        if edit is None or site.module is None:
            continue
        names = by_place.get((rel_path(config, site.path), site.line, site.column, site.module))
        if not names:
            continue
        path = site.fake_path or site.path
        merged.setdefault((path, edit), (site, set()))[1].update(names)
    out: dict[str, list[FakeEdit]] = {}
    for (path, _), (site, names) in merged.items():
        assert site.fake.edit is not None and site.module is not None
        if (
            "__path__" in names
            and site.fake.form in _WITHOUT_SPEC
            and "__spec__" not in (site.fake.names or ())
        ):
            names = names | {"__spec__"}
        kinds = stub_kinds(run, site.module, names)
        folder = _folder(run, site.module, path) if "__path__" in names else ()
        out.setdefault(path, []).append(FakeEdit(site.fake.edit, site.module, kinds, folder))
    return out


def _folder(run: CheckRun, module: str, path: str) -> tuple[str, ...]:
    """The real package's folder from the folder of ``path`` (the file that gets the
    ``__path__``), as path parts; () for a namespace package or another drive."""
    found = run.project.resolve(module) if run.project is not None else None
    if found is None or found.path is None or not found.package:
        return ()
    try:
        relative = os.path.relpath(found.path.parent, os.path.dirname(path))
    except ValueError:
        return ()
    return tuple(relative.split(os.sep))


@dataclass(frozen=True)
class Plan:
    """What ``fix`` adds where (the fixer's ``FixPlan``): edits per absolute path."""

    edits: Mapping[str, Sequence[FakeEdit]]
    stubs: Mapping[str, str]
    line_length: int

    def edits_for(self, path: str, code: str) -> Sequence[FakeEdit]:
        return self.edits.get(str(Path(path).resolve()), ())


def plan_of(run: CheckRun, config: Config, selected: Sequence[Finding] | None = None) -> Plan:
    chosen = [f for f in (run.report.findings if selected is None else selected) if f.fixable]
    return Plan(fake_edits(run, chosen), dict(config.stubs), config.line_length)


def project_plan(start: Path) -> Plan:
    """The plan for the project found from ``start``: what libcst's codemod tool runs."""
    config = load_config(start)
    return plan_of(run_check(None, config, cache=True), config)


def fix(
    paths: Iterable[str | Path] | None = None,
    config: Config | None = None,
    *,
    diff: bool = False,
    jobs: int = 1,
    cache: bool = False,
) -> FixReport:
    """Add the missing names to every fixable fake (with ``diff``: compute the diffs,
    write nothing). The report's findings are those left after the fix.

    A fix can take an import chain further than the check could see: a package fake
    given its real ``__path__`` lets the next import run, which may meet another fake.
    So after writing, the check runs again, and what it finds fixable is fixed too, for
    up to ``ROUNDS`` rounds (``diff`` writes nothing, so it shows the first round)."""
    config = config or load_config()
    run = before = run_check(paths, config, jobs=jobs, cache=cache)
    outcomes: dict[str, FileFix] = {}
    wrote = False
    for _ in range(ROUNDS):
        plan = plan_of(run, config, [f for f in run.report.findings if f.fixable])
        done = [_fix_file(Path(path), plan, config, diff=diff) for path in sorted(plan.edits)]
        for outcome in done:
            outcomes[outcome.path] = _merged(outcomes.get(outcome.path), outcome)
        if diff or not any(o.written for o in done):
            break
        wrote = True
        run = run_check(paths, config, jobs=jobs, cache=cache)
    if wrote:
        after = run.report
    else:
        fixed = {o.path for o in outcomes.values() if o.diff}
        after = dataclasses.replace(
            run.report,
            findings=tuple(f for f in run.report.findings if not (f.fixable and f.path in fixed)),
        )
    files = tuple(outcomes[path] for path in sorted(outcomes))
    return FixReport(files, after.findings, before.report)


#: Rounds of fixing at most: each one after the first needs a fake the previous round's
#: edits let an import reach (a chain of package fakes is a few long at most).
ROUNDS = 5


def _merged(earlier: FileFix | None, later: FileFix) -> FileFix:
    """One file's outcome over the rounds: what was written stays written."""
    if earlier is None or not earlier.written:
        return later
    if not later.written:
        return earlier
    return dataclasses.replace(later, names_added=earlier.names_added + later.names_added)


def _fix_file(path: Path, plan: Plan, config: Config, *, diff: bool) -> FileFix:
    relative = rel_path(config, str(path))
    edits = plan.edits.get(str(path), ())
    added = sum(len(e.names) for e in edits)
    try:
        data = path.read_bytes()
        decoded = decode(data)
    except (OSError, UnicodeDecodeError, SyntaxError) as exc:
        return FileFix(relative, 0, False, error=f"cannot be read: {exc}")
    command = fixer.AddMissingNames(CodemodContext(filename=str(path)), plan)
    result = fixer.run_command(command, decoded.text)
    if isinstance(result, TransformSkip):
        return FileFix(relative, 0, False, error=result.skip_description)
    if isinstance(result, TransformFailure):
        return FileFix(relative, 0, False, error=f"cannot be fixed: {result.error}")
    assert isinstance(result, TransformSuccess)
    new = result.code
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "\d" in a test file is the user's business
            compile(new, str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return FileFix(relative, 0, False, error=f"the fixed file would not compile: {exc}")
    if new == decoded.text:
        return FileFix(relative, 0, False, error="nothing left to add")
    if diff:
        return FileFix(relative, added, False, diff=unified_diff(relative, decoded.text, new))
    try:
        write_atomic(path, encode(decoded, new))
    except OSError as exc:
        return FileFix(relative, 0, False, error=f"cannot be written: {exc.strerror or exc}")
    return FileFix(relative, added, True)
