"""Replay ``pytest path/to/test_file.py``, run alone, to see which fakes crash it.

A fake only matters to imports that run while it is installed (its *window*), and a
module already in ``sys.modules`` is not run again. So the run is replayed in
pytest's order: the conftests' bodies (top down) and their ``pytest_configure`` /
``pytest_sessionstart`` hooks, the test module's body, then each test after its
fixtures and setup methods, keeping which modules are loaded and which fakes are
installed. An import of a module not loaded runs it, and its module-level imports run
in turn; one that reaches ``from faked import name`` for a name the fake lacks crashes
the run (MA001), as does importing a submodule through a fake package that has no
``__path__`` (MA004). A fake of a parent package cuts the chain; an ImportError inside
``try/except ImportError`` is caught. Calls are not followed (their imports stay
latent), except helpers of the test file and its conftests (followed when read).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from . import marks
from .forms.base import Fake
from .graph import Graph
from .model import ImportStep
from .project.index import ModuleFile, Project
from .project.scan import UNKNOWN
from .project.scan import Import as ProjectImport
from .testfile.program import (
    Event,
    Evict,
    Function,
    Import,
    Install,
    Program,
    Run,
    Site,
    Uninstall,
    Yield,
)

SiteRef = tuple[str, int]  # (path of the program, site index)


@dataclass(frozen=True)
class Crash:
    site: SiteRef
    # "fallback": not a crash, ``from pkg import sub`` answered by sys.modules["pkg.sub"]
    kind: Literal["name", "package", "fallback"]
    name: str  # the missing name, or the submodule imported through a fake package
    chain: tuple[ImportStep, ...]
    test_file: str


@dataclass
class _Installed:
    module: str
    site: SiteRef
    previous: SiteRef | None
    loaded_before: int | None  # patch.dict restores the whole of sys.modules
    lasts: str


@dataclass
class _State:
    loaded: int = 0  # bit set of modules in sys.modules (the graph's bits)
    fakes: dict[str, SiteRef] = field(default_factory=dict)
    installed: list[_Installed] = field(default_factory=list)
    # bumped when modules leave sys.modules or fakes change: a function that only imports
    # and ran at the same epoch would load nothing new and crash nothing new
    epoch: int = 0
    # an import by a computed name (``import_module(name)``) ran: any module may be
    # loaded now, so no crash is claimed from here on (it may not happen)
    unknown: bool = False
    # fakes installed under a condition mock-audit cannot decide: no crash is claimed
    # through them
    uncertain: set[SiteRef] = field(default_factory=set)


class Replay:
    """Replays test files of one project; ``crashes`` collects what they hit."""

    def __init__(
        self,
        project: Project,
        program_of: Callable[[str], Program | None],
        conftests_of: Callable[[str], list[str]],
        module_program: Callable[[str], Program | None],
        faked: frozenset[str] = frozenset(),
        markexpr: str = "",
    ) -> None:
        self.project = project
        self.markexpr = markexpr  # pytest's ``-m`` from addopts ("" none, "?" unreadable)
        self._claiming = True
        self._fixture_index: dict[str, dict[tuple[str, str], Function]] = {}
        self._teardown_index: dict[str, dict[str, list[Function]]] = {}
        self._top_ours: dict[str, bool] = {}
        self._import_only: dict[tuple[str, str], bool] = {}
        self._orders: dict[tuple[str, str, tuple[str, ...]], list[tuple[Function, Program]]] = {}
        self._last_epoch: dict[tuple[str, str], tuple[int, bool]] = {}
        self._preludes: dict[
            tuple[tuple[str, ...], str], tuple[_State, list[Program], list[Crash]]
        ] = {}
        self.faked = faked  # every module some site fakes: a node even if it does not exist
        self.program_of = program_of  # by path
        self.conftests_of = conftests_of  # root first
        self.module_program = module_program  # analysed file by module name (test helpers)
        self.graph = Graph(self._children)
        self._computed: set[str] = set()  # modules that import by a computed name
        self._computed_seen = 0
        self._computed_mask = 0
        self.crashes: list[Crash] = []
        # what the replay read of modules' files, for memo.py: (path, module, package) ->
        # the imports read, and the real submodules of fake packages it aliased
        self.consulted: dict[tuple[str, str, str], tuple[ProjectImport, ...]] = {}
        self.aliases: dict[str, ModuleFile] = {}

    # --- the import graph ---------------------------------------------------------------

    def _children(self, module: str) -> list[str]:
        program = self.module_program(module)
        if program is not None and program.sites:
            records: Iterable[tuple[str, tuple[str, ...]]] = [
                (e.module, e.names) for e in program.body if isinstance(e, Import)
            ]
        else:
            records = [(r.module, r.names) for r in self._imports(module) if r.when == "import"]
        if any(target == UNKNOWN for target, _ in records):
            self._computed.add(module)
        out: list[str] = []
        parts = module.split(".")
        for i in range(1, len(parts)):
            parent = ".".join(parts[:i])
            if self._known(parent):
                out.append(parent)
        for target, names in records:
            pieces = target.split(".")
            for i in range(1, len(pieces) + 1):
                prefix = ".".join(pieces[:i])
                if self._known(prefix):
                    out.append(prefix)
            for name in names:
                sub = f"{target}.{name}"
                if name != "*" and self._known(sub):
                    out.append(sub)
        return [m for m in out if m != module]

    def _imports(self, module: str) -> tuple[ProjectImport, ...]:
        """``project.imports``, noting what was read (the only content of source modules
        a replay depends on)."""
        found = self.project.file_of(module)
        if found is None:
            return ()
        path, package = found
        records = self.project.file_imports(path, module, package)
        self.consulted[(str(path), module, package)] = records
        return records

    def _alias(self, module: str, found: ModuleFile) -> None:
        self.aliases[module] = found
        self.project.alias(module, found)

    def _computed_bits(self) -> int:
        """The graph nodes that import by a computed name when they run (known for every
        node a closure has reached: ``_children`` notes them)."""
        if self._computed_seen != len(self._computed):
            self._computed_seen = len(self._computed)
            self._computed_mask = self.graph.bits(self._computed)
        return self._computed_mask

    def _claims(self, state: _State, ref: SiteRef) -> bool:
        """Whether a crash met now through the fake ``ref`` is claimed: the test is
        selected, the fake was installed for sure, and nothing loaded by a computed name
        may have loaded the module before the fake."""
        return self._claiming and not state.unknown and ref not in state.uncertain

    def _known(self, module: str) -> bool:
        """A node of the graph: a project module, or one some site fakes (its importers
        must be seen even when the real module does not exist)."""
        return module in self.faked or self.project.resolve(module) is not None

    # --- one test file --------------------------------------------------------------------

    def run(self, test_file: str) -> None:
        """Replay ``pytest test_file`` run alone, recording its crashes."""
        program = self.program_of(test_file)
        if program is None:
            return
        self._test_file = test_file
        self._last_epoch.clear()
        conftests = [p for p in (self.program_of(c) for c in self.conftests_of(test_file)) if p]
        state, plugins = self._prelude(conftests, program)
        self._events(program.body, program, state)
        if not program.runs:
            return  # skipped tests run nothing (the body above still ran at collection)
        providers = [*reversed(conftests), *plugins]
        done_once: set[tuple[str, str]] = set()
        expression = next(
            (c.markexpr for c in reversed(conftests) if c.markexpr), self.markexpr
        )  # the last pytest_configure to set it wins
        for test in program.tests():
            if not test.runs:
                continue
            selected = True if not expression else marks.selects(expression, test.marks)
            if selected is False:
                continue  # deselected by ``-m``: it runs nothing
            # a test that may be deselected still loads modules, but no crash is claimed in it
            self._claiming = selected is True
            self._test(test, program, providers, state, done_once)
        self._claiming = True

    def _prelude(self, conftests: list[Program], program: Program) -> tuple[_State, list[Program]]:
        """The state when the test module's body starts: its conftests' bodies, their
        plugins and hooks, and its parent packages. Every test file of a folder has the
        same prelude, so it is replayed once per folder and its crashes are claimed again
        for each file (each file, run alone, meets them)."""
        key = (tuple(c.path for c in conftests), program.module.rpartition(".")[0])
        known = self._preludes.get(key)
        if known is None:
            mark = len(self.crashes)
            state = _State()
            plugins: list[Program] = []
            for conftest in conftests:
                self._packages(conftest.module, state, conftest.path)
                self._events(conftest.body, conftest, state)
                for plugin in conftest.pytest_plugins:
                    step = ImportStep(conftest.path, 0, plugin)
                    self._import(plugin, (), False, state, (step,))
                    found = self.module_program(plugin)
                    if found is not None:
                        plugins.append(found)
            for hook in ("pytest_configure", "pytest_sessionstart"):
                for conftest in conftests:
                    for function in conftest.functions:
                        if function.kind == "hook" and function.name == hook:
                            self._events(function.events, conftest, state)
            self._packages(program.module, state, program.path)
            known = self._preludes[key] = (state, plugins, self.crashes[mark:])
        else:
            self.crashes.extend(replace(c, test_file=self._test_file) for c in known[2])
        state = known[0]
        copy = _State(
            state.loaded,
            dict(state.fakes),
            list(state.installed),
            state.epoch,
            state.unknown,
            set(state.uncertain),
        )
        return copy, list(known[1])

    def _packages(self, module: str, state: _State, path: str) -> None:
        """Importing ``a.b.test_x`` runs ``a`` and ``a.b`` first."""
        parts = module.split(".")
        for i in range(1, len(parts)):
            parent = ".".join(parts[:i])
            self._import(parent, (), False, state, (ImportStep(path, 0, parent),))

    def _test(
        self,
        test: Function,
        program: Program,
        providers: list[Program],
        state: _State,
        done_once: set[tuple[str, str]],
    ) -> None:
        mark = len(state.installed)
        teardowns: list[tuple[Function, Program, int]] = []
        for function, owner in self._setup_order(test, program, providers):
            key = (owner.path, function.name)
            if function.scope != "function":
                if key in done_once:
                    continue
                done_once.add(key)
            if self._ran_unchanged(key, function, state):
                rest = len(function.events)  # imports only, nothing changed since: a no-op
                teardowns.append((function, owner, rest))
                continue
            rest = self._events(function.events, owner, state)
            if function.scope == "function":
                teardowns.append((function, owner, rest))
        self._events(test.events, program, state)
        for function, owner, rest in reversed(teardowns):
            self._events(function.events[rest:], owner, state)
        for teardown in self._teardowns(program).get(test.cls, ()):
            self._events(teardown.events, program, state)
        # monkeypatch / mocker / the mock_module fixture undo at the end of the test
        for installed in reversed(state.installed[mark:]):
            if installed.lasts == "test":
                self._undo(installed, state)
        state.installed = [i for i in state.installed[:mark]] + [
            i for i in state.installed[mark:] if i.lasts == "never"
        ]

    def _teardowns(self, program: Program) -> dict[str, list[Function]]:
        """A file's per-test teardown methods by class, found once (a generated file with
        30,000 tests made looking them up per test quadratic)."""
        known = self._teardown_index.get(program.path)
        if known is None:
            known = self._teardown_index[program.path] = {}
            for function in program.functions:
                if function.kind == "teardown" and function.scope == "function":
                    known.setdefault(function.cls, []).append(function)
        return known

    def _ran_unchanged(self, key: tuple[str, str], function: Function, state: _State) -> bool:
        """Whether ``function`` only imports and last ran at this epoch (then running it
        again loads and crashes nothing new)."""
        if self._import_only.get(key) is None:
            self._import_only[key] = all(isinstance(e, (Import, Yield)) for e in function.events)
        if not self._import_only[key]:
            return False
        mark = (state.epoch, self._claiming)
        if self._last_epoch.get(key) == mark:
            return True
        self._last_epoch[key] = mark
        return False

    def _setup_order(
        self, test: Function, program: Program, providers: list[Program]
    ) -> list[tuple[Function, Program]]:
        """``_fixture_order``, once per kind of test (most tests of a file share it)."""
        key = (program.path, test.cls, test.requests)
        known = self._orders.get(key)
        if known is None:
            known = self._orders[key] = self._fixture_order(test, program, providers)
        return known

    def _fixture_order(
        self, test: Function, program: Program, providers: list[Program]
    ) -> list[tuple[Function, Program]]:
        """Fixtures and setup methods a test runs first, in pytest's order: module and
        class setups, autouse fixtures (conftests first), then those it requests, each
        after the fixtures it requests itself."""
        out: list[tuple[Function, Program]] = []
        seen: set[tuple[str, str]] = set()

        def add(function: Function, owner: Program, depth: int = 0) -> None:
            key = (owner.path, function.name)
            if key in seen or depth > 32:
                return
            seen.add(key)
            for name in function.requests:
                found = self._fixture(name, test, program, providers)
                if found is not None:
                    add(*found, depth=depth + 1)
            out.append((function, owner))

        for function in program.functions:
            if function.kind == "setup" and function.scope in ("module",) and not function.cls:
                add(function, program)
        for function in program.functions:
            if function.kind == "setup" and function.scope == "class" and function.cls == test.cls:
                add(function, program)
        for provider in reversed(providers):
            for function in provider.functions:
                if function.kind == "fixture" and function.autouse and not function.cls:
                    add(function, provider)
        for function in program.functions:
            if function.kind == "fixture" and function.autouse and function.cls in ("", test.cls):
                add(function, program)
        for name in test.requests:
            found = self._fixture(name, test, program, providers)
            if found is not None:
                add(*found)
        for function in program.functions:
            if (
                function.kind == "setup"
                and function.scope == "function"
                and (function.cls == test.cls or (not function.cls and not test.cls))
            ):
                add(function, program)
        return out

    def _fixture(
        self, name: str, test: Function, program: Program, providers: list[Program]
    ) -> tuple[Function, Program] | None:
        """The fixture ``name`` a test gets: its class's, its module's, then the nearest
        conftest's (or plugin's)."""
        for owner, cls in ((program, test.cls), (program, ""), *((p, "") for p in providers)):
            found = self._fixtures(owner).get((cls, name))
            if found is not None:
                return found, owner
        return None

    def _fixtures(self, program: Program) -> dict[tuple[str, str], Function]:
        known = self._fixture_index.get(program.path)
        if known is None:
            known = {}
            for function in program.functions:
                if function.kind == "fixture":
                    known.setdefault((function.cls, function.fixture), function)
            self._fixture_index[program.path] = known
        return known

    # --- events ---------------------------------------------------------------------------

    def _events(self, events: Iterable[Event], program: Program, state: _State) -> int:
        """Run events up to a fixture's ``yield``; return how many ran (incl. the yield)."""
        count = 0
        for event in events:
            count += 1
            if isinstance(event, Yield):
                return count
            if isinstance(event, Import):
                if event.module == UNKNOWN:
                    state.unknown = True
                    continue
                step = ImportStep(program.path, event.line, event.module)
                self._import(event.module, event.names, event.guarded, state, (step,))
            elif isinstance(event, Install):
                self._install(event, program, state)
            elif isinstance(event, Uninstall):
                for installed in reversed(state.installed):
                    if installed.site == (program.path, event.site):
                        state.installed.remove(installed)
                        self._undo(installed, state)
                        break
            elif isinstance(event, Evict):
                self._evict(event, state)
            elif isinstance(event, Run):
                self._exec_file(event, program, state)
        return count

    def _exec_file(self, event: Run, program: Program, state: _State) -> None:
        """``loader.exec_module``: the file's module-level imports run now."""
        module, _ = self.project.module_name(Path(event.path))
        if self.project.resolve(module) is None:
            return
        step = ImportStep(program.path, event.line, module)
        state.loaded &= ~self.graph.node(module)
        if module in state.fakes:
            saved = state.fakes.pop(module)
            self._run_module(module, event.guarded, state, (step,))
            state.fakes[module] = saved
        else:
            self._run_module(module, event.guarded, state, (step,))

    def _install(self, event: Install, program: Program, state: _State) -> None:
        site = program.sites[event.site]
        module = site.module
        if module is None or not self._ours(module):
            return  # a stub of a third-party module: nothing of ours is judged through it
        if event.if_absent and (self._loaded(module, state) or module in state.fakes):
            return  # sys.modules.setdefault: the real module stays
        ref = (program.path, site.index)
        state.epoch += 1
        if event.maybe:
            state.uncertain.add(ref)
        else:
            state.uncertain.discard(ref)
        snapshot = state.loaded if site.install in ("patch_dict",) else None
        state.installed.append(
            _Installed(module, ref, state.fakes.get(module), snapshot, event.lasts)
        )
        if site.fake.form == "real":
            state.fakes.pop(module, None)
            state.loaded |= self.graph.node(module)
            return
        state.fakes[module] = ref

    def _undo(self, installed: _Installed, state: _State) -> None:
        state.epoch += 1
        if installed.previous is None:
            state.fakes.pop(installed.module, None)
        else:
            state.fakes[installed.module] = installed.previous
        if installed.loaded_before is not None:
            # patch.dict puts back sys.modules as it was: modules imported inside are gone
            state.loaded = installed.loaded_before

    def _evict(self, event: Evict, state: _State) -> None:
        if event.module and not self._ours(event.module):
            return
        state.epoch += 1

        def gone(name: str) -> bool:
            if event.prefix:
                return (
                    not event.module or name == event.module or name.startswith(event.module + ".")
                )
            return name == event.module

        if event.prefix:
            state.loaded &= ~self.graph.bits(n for n in self.graph.names if gone(n))
        else:
            state.loaded &= ~self.graph.node(event.module)
        for name in [m for m in state.fakes if gone(m)]:
            del state.fakes[name]

    # --- imports --------------------------------------------------------------------------

    def _ours(self, module: str) -> bool:
        top = module.partition(".")[0]
        known = self._top_ours.get(top)
        if known is None:
            known = self._top_ours[top] = (
                top in self.project.config.first_party
                or self.project.resolve(top) is not None
                or any(f.partition(".")[0] == top for f in self.faked)
            )
        return known

    def _loaded(self, module: str, state: _State) -> bool:
        return bool(state.loaded & self.graph.node(module))

    def _fake(self, ref: SiteRef) -> tuple[Fake, Site]:
        program = self.program_of(ref[0])
        assert program is not None
        site = program.sites[ref[1]]
        return site.fake, site

    def _import(
        self,
        module: str,
        names: tuple[str, ...],
        guarded: bool,
        state: _State,
        chain: tuple[ImportStep, ...],
    ) -> bool:
        """Run one import statement; True when it surely raises ImportError (what a
        ``try/except ImportError`` around it catches)."""
        if module not in state.fakes and not self._ours(module):
            return False
        importable, raised = self._ensure(module, guarded, state, chain)
        if not importable or (raised and guarded):
            return raised
        ref = state.fakes.get(module)
        if ref is not None:
            fake, _ = self._fake(ref)
            for name in names:
                if name == "*" or fake.names is None or name in fake.names:
                    continue
                sub = f"{module}.{name}"
                if fake.named and (sub in state.fakes or self._loaded(sub, state)):
                    # ``from pkg import sub`` falls back to sys.modules["pkg.sub"]; kept,
                    # so the name is not asked of the fake (a stub would shadow it)
                    self.crashes.append(Crash(ref, "fallback", name, chain, self._test_file))
                    continue
                if fake.path_dirs:
                    found = _in_folders(sub, fake.path_dirs, self.project.config.root)
                    if found is not None:  # a real submodule, through the shadow package
                        self._alias(sub, found)
                        if self._run_module(sub, guarded, state, chain) and guarded:
                            return True
                        continue
                elif (
                    fake.package
                    and not fake.empty_path  # "from pkg import sub" finds no sub then
                    and (fake.note or self.project.resolve(sub) is not None)
                ):
                    continue  # through the fake's __path__: not ours to judge
                if fake.blocker or not self._claims(state, ref):
                    continue  # it may not raise: nothing is claimed, nothing unloaded
                if guarded:
                    return True
                self.crashes.append(Crash(ref, "name", name, chain, self._test_file))
                raised = True
            return raised
        for name in names:
            sub = f"{module}.{name}"
            if (
                name != "*"
                and not self._loaded(sub, state)
                and self.project.resolve(sub) is not None
                and self._ensure(sub, guarded, state, chain)[1]
            ):
                if guarded:
                    return True
                raised = True
        return raised

    def _ensure(
        self, module: str, guarded: bool, state: _State, chain: tuple[ImportStep, ...]
    ) -> tuple[bool, bool]:
        """Make ``module`` importable as Python would: (whether the import goes on past
        it, whether it surely raised ImportError). False, False when it stops at a fake
        package whose ``__path__`` decides, or at a fake we cannot read."""
        if module in state.fakes:
            return True, False
        if not self._ours(module):
            return (
                True,
                False,
            )  # the standard library or a third-party package: nothing of ours runs
        if self._loaded(module, state):
            return True, False
        parent = module.rpartition(".")[0]
        if parent:
            importable, raised = self._ensure(parent, guarded, state, chain)
            if not importable:
                return False, raised
            ref = state.fakes.get(parent)
            if ref is not None:
                fake, _ = self._fake(ref)
                if fake.blocker or fake.note is not None:
                    return False, False  # not a fake we can read: no claims through it
                if fake.path_dirs:
                    found = _in_folders(module, fake.path_dirs, self.project.config.root)
                    if found is None:
                        return False, False
                    self._alias(module, found)  # a shadow package: the real file
                    return True, self._run_module(module, guarded, state, chain)
                if not fake.package or fake.empty_path:
                    # "No module named 'p.m'; 'p' is not a package" (or, with an empty
                    # __path__, "No module named 'p.m'")
                    sure = self._claims(state, ref) and self.project.resolve(module) is not None
                    if sure and not guarded:
                        self.crashes.append(Crash(ref, "package", module, chain, self._test_file))
                    return False, sure
                return False, False  # the fake's __path__ decides; the chain stops here
        found = self.project.resolve(module)
        if found is None:
            return True, False  # third-party, or not found: nothing of ours runs
        return True, self._run_module(module, guarded, state, chain)

    def _run_module(
        self, module: str, guarded: bool, state: _State, chain: tuple[ImportStep, ...]
    ) -> bool:
        """Import a real module not yet loaded: run its module-level imports. True when
        that surely raises ImportError. Under a ``try/except ImportError`` further up,
        the module stops there and leaves ``sys.modules`` (so a later import runs it
        again, and may crash then); with none, the test fails, and the replay goes on
        through the rest of the module (every name a chain reaches is claimed)."""
        program = self.module_program(module)
        if program is not None and program.sites:
            # a test helper that installs fakes when imported: its body runs as events,
            # even when nothing it imports is faked yet (``import _stubs`` installs)
            state.loaded |= self.graph.node(module)
            self._events(program.body, program, state)
            return False
        closure = self.graph.closure(module)
        if not closure & self.graph.bits(state.fakes):
            # nothing it runs imports a fake (a fake is a node of the graph, and of the
            # closure of every module that imports it or through it): all get loaded
            state.loaded |= closure
            if closure & self._computed_bits():
                state.unknown = True
            return False
        state.loaded |= self.graph.node(module)
        path = str(self.project.resolve(module).path or "")  # type: ignore[union-attr]
        raised = False
        for record in self._imports(module):
            if record.when != "import":
                continue
            if record.module == UNKNOWN:
                state.unknown = True
                continue
            step = ImportStep(path, record.line, record.module)
            inner = guarded or record.guarded
            if not self._import(record.module, record.names, inner, state, (*chain, step)):
                continue
            if record.guarded:
                continue  # caught by the ``try`` around it: the module goes on
            if guarded:
                state.loaded &= ~self.graph.node(module)
                return True
            raised = True
        return raised


def _in_folders(module: str, folders: Iterable[str], root: Path) -> ModuleFile | None:
    """The file of ``module``'s last part in one of a package's ``__path__`` folders
    (a relative folder is taken from the project root, where pytest runs)."""
    last = module.rpartition(".")[2]
    for folder in folders:
        folder = os.path.join(root, folder)
        init = os.path.join(folder, last, "__init__.py")
        if os.path.isfile(init):
            return ModuleFile(module, Path(init), True)
        for suffix in (".py", ".pyx"):
            if os.path.isfile(os.path.join(folder, last + suffix)):
                return ModuleFile(module, Path(folder, last + suffix), False)
    return None
