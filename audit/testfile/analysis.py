"""Read one test file (or conftest, or test helper module) into a ``Program``.

``analyse`` parses the file with ``ast``, resolves its names, turns what its module
body, tests, fixtures and hooks run into events (``events``, which finds the installs
with ``forms.installs``), and makes each install a ``Site`` with the fake it puts in
``sys.modules`` (``_site``: ``forms.fakes.fake_of`` gives the names the fake provides).
It never raises: a file that cannot be read is a program with one note.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import replace

from ..forms.base import unknown
from ..forms.context import Context, Unit, fixture_name
from ..forms.fakes import fake_of, given_later
from ..forms.installs import TRIGGERS
from . import suppress
from .collect import collect, markexpr
from .events import Events, Placement
from .program import Program, Site
from .scopes import build
from .source import Unreadable, parse

__all__ = ["Program", "Unit", "analyse", "load"]


def load(path: str, data: bytes) -> Unit:
    """Parse a file into a ``Unit``; raises ``Unreadable`` with a one-line reason."""
    source = parse(data, path)
    return Unit(source, build(source.tree, source.lines))


def analyse(
    path: str, data: bytes, module: str, package: str, conftests: Sequence[Unit] = ()
) -> Program:
    """The program of one file; ``conftests`` (nearest first) lend their helpers and
    fixtures. Per-file work never raises."""
    try:
        unit = load(path, data)
    except Unreadable as exc:
        return Program(path, module, notes=((0, 0, str(exc)),))
    try:
        return _analyse(unit, module, package, conftests)
    except RecursionError:
        return Program(path, module, notes=((0, 0, "The file is nested too deeply to analyse."),))
    except Exception as exc:  # per-file work never raises; the note names the failure
        note = f"mock-audit could not analyse the file: {type(exc).__name__}: {exc}"
        return Program(path, module, notes=((0, 0, note[:300]),))


def _analyse(unit: Unit, module: str, package: str, conftests: Sequence[Unit]) -> Program:
    helpers, fixtures = _lent(conftests)
    ctx = Context(unit, unit.scopes.module, None, None, {}, 0, helpers, fixtures)
    events = Events(ctx, package)
    body = events.body(unit.source.tree.body, ctx)
    functions, runs = collect(unit.source.tree, events, ctx)
    suppressions = suppress.scan(unit.source.text)
    sites = [_site(i, p, unit, suppressions) for i, p in enumerate(events.placements)]
    # a fake of a named module that cannot be followed is noted by the verdict, and only
    # when the module is the project's (a third-party fake is never judged)
    notes = [
        (
            s.line,
            s.column,
            "The module name is not a constant string, so mock-audit cannot "
            "tell which module this fake replaces.",
        )
        for s in sites
        if s.module is None
        and (s.fake.names is not None or s.fake.note is not None)
        and not s.fake.blocker
    ]
    return Program(
        path=unit.path,
        module=module,
        sites=tuple(sites),
        body=tuple(body),
        functions=tuple(functions),
        pytest_plugins=_pytest_plugins(unit.source.tree, ctx),
        runs=runs,
        markexpr=markexpr(unit.source.tree),
        notes=tuple(sorted(set(notes))),
        helpers=_installing_helpers(unit),
    )


def _site(
    index: int, placement: Placement, unit: Unit, suppressions: suppress.Suppressions
) -> Site:
    """An install and the fake it puts in ``sys.modules``: the names it provides, where
    ``fix`` adds one, and the names and codes its suppression comments ignore."""
    entry, ctx, module = placement.entry, placement.context, placement.module
    if entry.fake is None:
        fake = unknown("The modules this installs come from a mapping mock-audit cannot follow.")
    else:
        fake = fake_of(
            entry.fake, entry.context or ctx, mapping=entry.mapping, factory=entry.factory
        )
        if fake.finite and module is not None:
            fake = given_later(fake, module, ctx)
    if placement.given and fake.finite and fake.names is not None:
        fake = replace(
            fake,
            names=fake.names | placement.given,
            package=fake.package or "__path__" in placement.given,
        )
    source = unit.source
    span = source.span(placement.anchor)
    lines = {span.line, span.end_line, *fake.lines}
    if ctx.stmt is not None and not placement.in_helper:
        lines.add(ctx.stmt.lineno)
    names, codes, unknown_codes = suppress.ignored(suppressions, lines)
    fake_path = ctx.unit.path if ctx.unit is not unit else ""
    if fake.edit is not None and fake.key and ":" in fake.key:
        fake_path = fake.key.rsplit(":", 2)[0]
    return Site(
        index=index,
        path=source.path,
        line=span.line,
        column=span.column + 1,
        end_line=span.end_line,
        end_column=span.end_column + 1,
        module=module,
        install=entry.form,
        fake=fake,
        ignored_names=names,
        ignored_codes=codes,
        unknown_codes=unknown_codes,
        fake_path=fake_path if fake_path != source.path else "",
    )


def _lent(
    conftests: Sequence[Unit],
) -> tuple[
    dict[str, tuple[ast.FunctionDef | ast.AsyncFunctionDef, Unit]],
    dict[str, tuple[tuple[ast.FunctionDef | ast.AsyncFunctionDef, Unit], ...]],
]:
    helpers: dict[str, tuple[ast.FunctionDef | ast.AsyncFunctionDef, Unit]] = {}
    fixtures: dict[str, list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, Unit]]] = {}
    for unit in conftests:  # nearest first: the first definition wins
        for stmt in unit.source.tree.body:
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            name = fixture_name(stmt)
            if name is not None:
                fixtures.setdefault(name, []).append((stmt, unit))
            else:
                helpers.setdefault(stmt.name, (stmt, unit))
    return helpers, {k: tuple(v) for k, v in fixtures.items()}


def _pytest_plugins(tree: ast.Module, ctx: Context) -> tuple[str, ...]:
    for stmt in tree.body:
        if (
            isinstance(stmt, (ast.Assign, ast.AnnAssign))
            and any(
                isinstance(t, ast.Name) and t.id == "pytest_plugins"
                for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
            )
            and stmt.value is not None
        ):
            single = ctx.string(stmt.value)
            if single is not None:
                return (single,)
            listed = ctx.strings(stmt.value)
            if listed is not None:
                return tuple(listed[0])
    return ()


def _installing_helpers(unit: Unit) -> tuple[str, ...]:
    """Module-level functions (not fixtures) whose text spells an install: a test file
    that calls one of them installs a fake even if it spells none itself."""
    lines = unit.source.lines
    out: list[str] = []
    for stmt in unit.source.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and fixture_name(stmt) is None:
            text = "".join(lines[stmt.lineno - 1 : stmt.end_lineno or stmt.lineno])
            if any(trigger.decode() in text for trigger in TRIGGERS):
                out.append(stmt.name)
    return tuple(out)
