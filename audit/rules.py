"""The finding codes, in one place: MA001-MA004 for one site, from what it lacks.

For each site whose fake is finite: the names own code requires of the real module
(``project.required``) that the fake lacks. Those that a replayed test file reaches
(``windows``) are MA001 ("running this file crashes"); the rest are MA002 (latent);
with ``require = "exports"``, public names of the real module nobody imports are MA003;
a package fake without ``__path__`` whose submodule is imported in its window is MA004.
The CLI, the codemod, strict ``mock_module`` and ``pytest --mock-audit`` all use this.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .model import Code, Config, Finding, ImportStep
from .project.index import Project
from .project.names import RealNames
from .project.required import Required
from .testfile.program import Site
from .windows import Crash


@dataclass
class SiteResult:
    """What one site lacks, before it becomes findings."""

    site: Site
    reached: dict[str, Crash] = field(default_factory=dict)  # name -> first crash
    latent: set[str] = field(default_factory=set)
    # the real submodules own code imports through a fake without __path__ -> who does
    latent_path: dict[str, set[str]] = field(default_factory=dict)
    exports: set[str] = field(default_factory=set)
    package: list[Crash] = field(default_factory=list)  # MA004
    name_crashes: set[str] = field(default_factory=set)  # test files a missing name crashes


def judge(
    site: Site,
    config: Config,
    project: Project,
    real: RealNames,
    required: Required,
    crashes: Sequence[Crash],
    own_files: Iterable[Path],
    installed: Collection[str] = (),
) -> SiteResult | None:
    """What ``site`` lacks; None when it cannot lack anything (not a finite fake, not
    the project's module, or suppressed whole). ``installed``: the modules the site's
    file and its conftests put in ``sys.modules`` themselves."""
    fake = site.fake
    module = site.module
    if module is None or (not fake.finite and not crashes):
        return None
    if (module, "*") in config.ignore_names or site.ignored_names == ():
        return None
    result = SiteResult(site)
    dropped = {n for m, n in config.ignore_names if m == module} | set(site.ignored_names or ())
    answered: set[str] = set()  # names sys.modules answered in a replayed window
    for crash in crashes:
        if crash.kind == "fallback":
            answered.add(crash.name)
        elif crash.kind == "package":
            result.package.append(crash)
        elif crash.name not in dropped:
            result.reached.setdefault(crash.name, crash)
            result.name_crashes.add(crash.test_file)
    if fake.finite:
        assert fake.names is not None
        needed = required.needed(module, own_files)
        missing = set(needed) - set(fake.names) - dropped
        # ``from pkg import sub`` falls back to sys.modules["pkg.sub"] (through the fake's
        # __name__) when this file fills it itself, or a replayed window had it loaded: a
        # stub on the package would shadow it (where it is not there in time, the
        # replay claims the crash)
        if fake.named:
            missing -= {n for n in missing if f"{module}.{n}" in installed} | answered
        result.latent = missing - set(result.reached)
        if not (fake.package or fake.empty_path or result.package or "__path__" in dropped):
            found = project.resolve(module)
            if found is not None and found.package:
                result.latent_path = {
                    child: askers
                    for child, askers in required.submodules(module, own_files).items()
                    if child not in installed  # sys.modules answers before __path__ is asked
                }
        if config.require == "exports":
            public = set(real.of(module).public)
            result.exports = public - set(fake.names) - set(needed) - dropped
    return result


def findings(result: SiteResult, config: Config, relative: Callable[[str], str]) -> list[Finding]:
    """The findings of one site, in code order, filtered by the selected codes and
    the site's suppression comments."""
    site = result.site
    module = site.module or ""
    out: list[Finding] = []
    skip = set(site.ignored_codes) | (
        set(("MA001", "MA002", "MA003", "MA004")) - set(config.select)
    )
    fixable = site.fake.edit is not None
    # a ``__path__`` can be added to a fake's names, not to a spec list (a spec'd mock's
    # __path__ would be a mock), and an empty one would have to be replaced
    path_fixable = (
        fixable
        and not site.fake.empty_path
        and site.fake.edit is not None
        and site.fake.edit.kind != "strings"
    )

    def make(
        code: Code,
        names: Iterable[str],
        message: str,
        chain: Sequence[ImportStep] = (),
        crashes: Iterable[str] = (),
    ) -> None:
        if code in skip:
            return
        can_fix = path_fixable if "__path__" in names else fixable
        out.append(
            Finding(
                path=relative(site.path),
                line=site.line,
                column=site.column,
                end_line=site.end_line,
                end_column=site.end_column,
                code=code,
                module=module,
                missing=tuple(sorted(names)),
                reached=code in ("MA001", "MA004"),
                fixable=can_fix,
                message=message,
                chain=tuple(ImportStep(relative(s.path), s.line, s.module) for s in chain),
                crashes=tuple(sorted(relative(c) for c in crashes)),
            )
        )

    if result.reached:
        names = sorted(result.reached)
        first = result.reached[names[0]]
        test = relative(first.test_file)
        make(
            "MA001",
            names,
            f"running {test} crashes: the fake of {module!r} lacks {_names(names)}; "
            f"{_chain(first.chain, relative)} does 'from {module} import {first.name}'.",
            first.chain,
            result.name_crashes,
        )
    if result.latent:
        names = sorted(result.latent)
        make(
            "MA002",
            names,
            f"latent: the fake of {module!r} lacks {_names(names)}, which the project imports "
            "from the real module; no import run while it is installed reaches them here, but "
            "a test crashes when it first imports a module that imports them (or calls code "
            "that does) while the fake is installed.",
        )
    if result.latent_path:
        child = min(result.latent_path)
        asker = min(result.latent_path[child])
        more = len(result.latent_path) - 1
        others = f" and {more} other submodule(s)" if more else ""
        make(
            "MA002",
            ["__path__"],
            f"latent: the fake of {module!r} has no __path__, but the project imports its "
            f'submodule {child!r} ({asker} does){others}; a test crashes ("{module!r} is '
            'not a package") when such an import runs while the fake is installed.',
        )
    if result.exports:
        names = sorted(result.exports)
        make(
            "MA003",
            names,
            f"the fake of {module!r} lacks the public export(s) {_names(names)} "
            "of the real module.",
        )
    if result.package:
        first = result.package[0]
        test = relative(first.test_file)
        if site.fake.empty_path:
            what = "a fake whose __path__ is empty"
            error = f"No module named {first.name!r}"
        else:
            what = "an object without __path__"
            error = f"No module named {first.name!r}; {module!r} is not a package"
        make(
            "MA004",
            ["__path__"],
            f"running {test} crashes: {module!r} is faked by {what}, and "
            f"{_chain(first.chain, relative)} imports its submodule {first.name!r} "
            f'("{error}").',
            first.chain,
            {c.test_file for c in result.package},
        )
    return out


def _names(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _chain(chain: Sequence[ImportStep], relative: Callable[[str], str]) -> str:
    """``a.py:3 imports x -> src/x.py:8``: how the run gets to the failing line."""
    if not chain:
        return "an import"
    *before, final = chain
    steps = [f"{relative(s.path)}:{s.line} imports {s.module}" for s in before]
    return " -> ".join([*steps, f"{relative(final.path)}:{final.line}"])


def own_files(site_path: str, conftests: Sequence[str], helpers: Iterable[str]) -> list[Path]:
    """The test-side files whose code counts as the site's own."""
    files = dict.fromkeys([site_path, *conftests, *helpers])
    return [Path(p) for p in files if p and os.path.isfile(p)]
