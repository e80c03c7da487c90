"""Generate a deterministic synthetic monorepo for the mock-audit bench, shaped like real suites.

The shape is calibrated on three real checkouts (aragora, ragflow, menace_sandbox; the
numbers are in docs/benchmarks.md): at scale 1.0 it has 5,000 test modules and 3,800
source modules. Sources form a layered package tree whose imports go to earlier modules
(a DAG), with a few hub modules that a large share of the tree imports (the most
imported one is what the bench touches) and one registry that imports many; module
sizes, fan-out and test file sizes follow the measured spreads.

About 12% of the test modules replace modules with fakes, in the four places real
suites put them: ``with patch.dict(sys.modules, {...})`` in tests (aragora), a per-file
loader helper that installs ``ModuleType`` fakes with ``monkeypatch.setitem`` and then
imports the unit under test (ragflow), module-level ``sys.modules.setdefault`` /
assignments before the module imports the unit (menace_sandbox), and fixtures; two
conftests install fakes for every test below them. The fakes take the measured mix of
forms: ``ModuleType`` with attributes, ``SimpleNamespace``, spec-less ``MagicMock()``,
``None``, ``MagicMock(spec=[...])`` and fakes built by a helper of the file.

The generator knows every import it wrote, so it replays each test file as pytest
would run it alone (DESIGN.md, "When a missing name crashes a test") and computes the
findings a correct ``mock-audit check`` reports (``SynthStats.expected``): MA001 for the
missing names an import in a fake's window reaches, MA002 for the rest.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "BASE_SOURCES",
    "BASE_TESTS",
    "BIG_FILE_BYTES",
    "CACHE_DIR",
    "BigFile",
    "Finding",
    "SynthSite",
    "SynthStats",
    "counts",
    "generate",
    "generate_big_file",
]

BASE_TESTS = 5000
BASE_SOURCES = 3800
BIG_FILE_BYTES = 5_800_000
CACHE_DIR = ".mock-audit-cache"  # relative to the root, written into its pyproject.toml

# --- calibration (docs/benchmarks.md, "Calibration") -----------------------------------
FAKE_FILE_SHARE = 0.12  # test modules holding fakes: aragora 9%, ragflow 17%, menace 39%
SITES_PER_FILE = (8.0, 1.0, 200)  # lognormal mean, sigma, the largest file's count
TEST_SIZE = (20_000, 0.9, 150_000)  # bytes: lognormal mean, sigma, cap
SOURCE_SIZE = (15_000, 0.9, 460_000)
FAN_OUT_MEAN = 2.8  # module-level first-party imports per source module (geometric)
HUB_PICK = (0.15, 0.08, 0.05, 0.03, 0.03, 0.02)  # chance a module imports each hub
REGISTRY_SHARE = 0.05  # the registry imports this share of all modules
TEST_IMPORTS = ((0, 0.2), (1, 0.4), (2, 0.25), (3, 0.1), (4, 0.05))
# Where a file's fakes live (by file): tests, a loader helper, module level, fixtures.
STYLES = (("test", 0.45), ("helper", 0.30), ("module", 0.17), ("fixture", 0.08))
# The fake of one entry of a ``patch.dict`` in a test (aragora's mix).
TEST_FORMS = (
    ("mock", 0.45),
    ("none", 0.20),
    ("module_type", 0.15),
    ("namespace", 0.10),
    ("mock_spec", 0.05),
    ("factory", 0.05),
)
LEGACY_SHARE = 0.08  # test modules below the conftest that installs at module level
PLUGIN_SHARE = 0.05  # test modules below the conftest whose autouse fixture installs

FINITE = frozenset({"module_type", "namespace", "mock_spec", "factory"})
#: The fakes the generator writes; a form outside FINITE is never a finding.
FORMS = ("module_type", "namespace", "mock_spec", "factory", "mock", "none")
WHERE = ("test", "helper", "module", "fixture", "conftest")

_WORDS_TEXT = """
    account audit badge batch cache cart channel client config cursor digest draft event
    export feed filter ledger limit locale member metric notice order owner page payload
    policy price quota queue rating record region report route rule schedule score search
    session signal slot source stock summary tag task tenant ticket token topic usage vendor
    window
    """
WORDS = tuple(_WORDS_TEXT.split())
_VERBS_TEXT = """
    build check collect compute encode filter format load merge normalise parse rank resolve
    sync update validate
    """
VERBS = tuple(_VERBS_TEXT.split())
_AREAS_TEXT = """
    agents api billing core_ext debate docs gateway knowledge memory ops pipeline ranking
    server storage workflow
    """
AREAS = tuple(_AREAS_TEXT.split())

Finding = tuple[str, str, str, tuple[str, ...]]  # (path, module, code, missing names)


@dataclass(frozen=True)
class SynthSite:
    """One fake the generator wrote."""

    path: str  # relative to the root, "/"-separated
    module: str
    form: str  # one of FORMS
    where: str  # one of WHERE
    provided: frozenset[str] | None  # None: accepts any name or blocks (never a finding)


@dataclass(frozen=True)
class SynthStats:
    """What ``generate`` wrote, and what a correct audit of it reports."""

    root: Path
    test_files: int  # test modules (test_*.py)
    source_modules: int  # source modules (not package __init__ files)
    test_bytes: int
    source_bytes: int
    fake_files: int  # test modules and conftests holding sites
    sites: tuple[SynthSite, ...]
    expected: tuple[Finding, ...]  # sorted; a multiset (one finding per site and code)
    hub: str  # the most imported source module
    hub_fan_in: int
    touch_target: Path  # the hub's file
    test_paths: tuple[Path, ...]
    source_paths: tuple[Path, ...]

    def count(self, attribute: str) -> dict[str, int]:
        """Sites by ``form`` or ``where``."""
        return dict(sorted(Counter(getattr(s, attribute) for s in self.sites).items()))


def counts(scale: float) -> tuple[int, int]:
    """(test modules, source modules) at ``scale`` (1.0: 5,000 and 3,800)."""
    return max(40, round(BASE_TESTS * scale)), max(60, round(BASE_SOURCES * scale))


def generate(root: Path, *, tests: int, sources: int, seed: int = 0) -> SynthStats:
    """Write the tree under ``root`` (created if needed) and describe it.

    The same arguments always write the same bytes.
    """
    if tests < 40:
        raise ValueError(f"tests must be at least 40; got {tests!r}.")
    if sources < 60:
        raise ValueError(f"sources must be at least 60; got {sources!r}.")
    root.mkdir(parents=True, exist_ok=True)
    return _Generator(root, tests, sources, seed).run()


# --- the model: imports, sites, and the replay of a test file ------------------------------


@dataclass(frozen=True)
class _Imp:
    """One first-party import statement of a source module."""

    module: str
    names: tuple[str, ...] = ()  # ``from module import names``; () for ``import m as alias``
    alias: str = ""
    reads: tuple[str, ...] = ()  # names read as ``alias.name`` inside functions
    guarded: bool = False  # in ``try: ... except ImportError``


@dataclass
class _Src:
    name: str
    funcs: list[str]
    asyncs: frozenset[str]
    imports: list[_Imp] = field(default_factory=list)  # module level, in order
    lazy: list[_Imp] = field(default_factory=list)  # inside functions: never run on import


@dataclass
class _Site:
    path: str
    module: str
    form: str
    where: str
    provided: frozenset[str] | None


# Events of a file's body, a test, fixture or helper (what the replay runs):
# ("import", module, names, guarded) | ("install", site, lasts, snapshot, if_absent)
# | ("uninstall", site) | ("call", helper) | ("evict", module)
Event = tuple


@dataclass
class _Test:
    requests: tuple[str, ...]
    events: list[Event]


@dataclass
class _Program:
    path: str  # relative
    body: list[Event] = field(default_factory=list)
    tests: list[_Test] = field(default_factory=list)
    fixtures: dict[str, list[Event]] = field(default_factory=dict)
    autouse: list[str] = field(default_factory=list)
    helpers: dict[str, list[Event]] = field(default_factory=dict)


class _Replay:
    """Run one test file alone, as pytest would, on the generator's model of the tree.

    Python's rules: a module already in ``sys.modules`` is not run again; a fake
    answers for its module while installed; importing a real module runs its
    module-level imports in order, and ``from m import x`` with ``m`` a fake lacking
    ``x`` crashes (unless inside ``try/except ImportError``). Crashes do not stop the
    replay: every name a chain reaches is recorded (DESIGN.md's static definition).
    """

    def __init__(self, sources: dict[str, _Src], packages: set[str], sites: list[_Site]) -> None:
        self.sources = sources
        self.packages = packages
        self.sites = sites
        self.crashes: dict[int, set[str]] = {}

    def run(self, conftests: Sequence[_Program], program: _Program) -> None:
        self.loaded: set[str] = set()
        self.fakes: dict[str, int] = {}
        self.installed: list[tuple[int, str, int | None, frozenset[str] | None, str]] = []
        self.program = program
        self.conftests = conftests
        for conftest in conftests:
            self.events(conftest.body, conftest)
        self.events(program.body, program)
        for test in program.tests:
            self.test(test, program)

    def test(self, test: _Test, program: _Program) -> None:
        mark = len(self.installed)
        for conftest in self.conftests:  # autouse fixtures, root first
            for name in conftest.autouse:
                self.events(conftest.fixtures[name], conftest)
        for name in test.requests:
            owner = (
                program
                if name in program.fixtures
                else next((c for c in reversed(self.conftests) if name in c.fixtures), None)
            )
            if owner is not None:
                self.events(owner.fixtures[name], owner)
        self.events(test.events, program)
        for entry in reversed(self.installed[mark:]):
            if entry[4] == "test":
                self.undo(entry)
        self.installed = self.installed[:mark] + [
            e for e in self.installed[mark:] if e[4] == "never"
        ]

    def events(self, events: Iterable[Event], owner: _Program) -> None:
        for event in events:
            kind = event[0]
            if kind == "import":
                self.do_import(event[1], event[2], event[3])
            elif kind == "install":
                self.install(event[1], event[2], event[3], event[4])
            elif kind == "uninstall":
                for entry in reversed(self.installed):
                    if entry[0] == event[1]:
                        self.installed.remove(entry)
                        self.undo(entry)
                        break
            elif kind == "call":
                self.events(owner.helpers[event[1]], owner)
            elif kind == "evict":
                self.loaded.discard(event[1])
                self.fakes.pop(event[1], None)

    def install(self, site: int, lasts: str, snapshot: bool, if_absent: bool) -> None:
        module = self.sites[site].module
        if if_absent and (module in self.loaded or module in self.fakes):
            return  # sys.modules.setdefault keeps the module that is there
        before = frozenset(self.loaded) if snapshot else None
        self.installed.append((site, module, self.fakes.get(module), before, lasts))
        self.fakes[module] = site

    def undo(self, entry: tuple[int, str, int | None, frozenset[str] | None, str]) -> None:
        _, module, previous, before, _ = entry
        if previous is None:
            self.fakes.pop(module, None)
        else:
            self.fakes[module] = previous
        if before is not None:  # patch.dict puts the whole of sys.modules back
            self.loaded = set(before)

    def do_import(self, module: str, names: tuple[str, ...], guarded: bool) -> bool:
        """Run one import statement; True when it raises ImportError (unguarded, the
        replay still goes on through every name, as ``ensure`` says)."""
        raised = self.ensure(module, guarded)
        if raised and guarded:
            return True
        site = self.fakes.get(module)
        if site is not None:
            provided = self.sites[site].provided
            missing = [n for n in names if provided is not None and n not in provided]
            if missing and not guarded:
                self.crashes.setdefault(site, set()).update(missing)
            return raised or bool(missing)
        for name in names:
            sub = f"{module}.{name}"
            if (sub in self.sources or sub in self.packages) and self.ensure(sub, guarded):
                if guarded:
                    return True
                raised = True
        return raised

    def ensure(self, module: str, guarded: bool) -> bool:
        """Import ``module`` if it is not loaded; True when that raises ImportError.

        An ImportError caught by ``try/except ImportError`` further up stops the modules
        between the failing import and the ``try`` and takes them out of ``sys.modules``
        (so a later import runs them again); an uncaught one fails the test, and the
        replay goes on to record every name the chain reaches (the static definition).
        """
        if module in self.fakes or module in self.loaded:
            return False
        parent = module.rpartition(".")[0]
        if parent and self.ensure(parent, guarded):
            return True
        if module in self.packages:
            self.loaded.add(module)  # every package __init__ of the tree is a docstring
            return False
        source = self.sources.get(module)
        if source is None:
            return False  # the standard library or a third-party module: nothing of ours runs
        self.loaded.add(module)
        raised = False
        for imp in source.imports:
            if not self.do_import(imp.module, imp.names, guarded or imp.guarded):
                continue
            if imp.guarded:
                continue  # caught here: this module goes on
            raised = True
            if guarded:
                self.loaded.discard(module)  # the error leaves it, up to the ``try``
                return True
        return raised


# --- text helpers --------------------------------------------------------------------------


def _lognormal(rng: random.Random, mean: float, sigma: float, cap: float) -> int:
    mu = math.log(mean) - sigma * sigma / 2
    return int(min(cap, max(600.0, rng.lognormvariate(mu, sigma))))


def _weighted(rng: random.Random, table: Sequence[tuple[object, float]]) -> object:
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


def _stub(rng: random.Random) -> str:
    return rng.choice(("MagicMock()", "AsyncMock()", "lambda *args, **kwargs: None", "_noop"))


class _Generator:
    def __init__(self, root: Path, tests: int, sources: int, seed: int) -> None:
        self.root = root
        self.n_tests = tests
        self.n_sources = sources
        self.rng = random.Random(seed)
        self.sources: dict[str, _Src] = {}
        self.order: list[_Src] = []
        self.packages: set[str] = set()
        self.required: dict[str, set[str]] = {}  # module -> names the sources use of it
        self.fan_in: Counter[str] = Counter()
        self.sites: list[_Site] = []
        self.files: dict[str, str] = {}  # rel path -> text
        self.programs: dict[str, _Program] = {}
        self.conftests: dict[str, _Program] = {}  # folder (rel) -> its conftest
        self.legacy = ""  # the folder whose conftest installs fakes at module level

    # --- sources ----------------------------------------------------------------------------

    def make_sources(self) -> None:
        rng = self.rng
        n = self.n_sources
        hubs = ["base", "config", "errors", "types", "utils", "events"][: len(HUB_PICK)]
        names: list[str] = [f"app.core.{h}" for h in hubs]
        per_package = 40
        packages = [
            f"app.{AREAS[p % len(AREAS)]}.{rng.choice(WORDS)}_{p:02d}"
            for p in range((n - len(hubs) - 1 + per_package - 1) // per_package)
        ]
        for i in range(n - len(hubs) - 1):
            names.append(f"{packages[i // per_package]}.{rng.choice(WORDS)}_{i:04d}")
        names.append("app.registry")
        giant = rng.randrange(len(hubs), n - 1)
        for index, name in enumerate(names):
            count = 20 if index < len(hubs) else rng.randint(4, 12)
            funcs: list[str] = []
            while len(funcs) < count:
                func = f"{rng.choice(VERBS)}_{rng.choice(WORDS)}"
                funcs.append(func if func not in funcs else f"{func}_{len(funcs)}")
            asyncs = frozenset(f for f in funcs if rng.random() < 0.25)
            source = _Src(name, funcs, asyncs)
            self.pick_imports(index, source, hubs=len(hubs))
            self.sources[name] = source
            self.order.append(source)
            parts = name.split(".")
            self.packages.update(".".join(parts[:k]) for k in range(1, len(parts)))
        for index, source in enumerate(self.order):
            size = _lognormal(rng, *SOURCE_SIZE)
            if index == giant:
                size = SOURCE_SIZE[2] if n >= 1000 else 100_000
            self.files[self.source_path(source.name)] = self.source_text(source, size)
        for package in sorted(self.packages):
            path = "src/" + package.replace(".", "/") + "/__init__.py"
            self.files[path] = f'"""The {package} package."""\n'

    def pick_imports(self, index: int, source: _Src, hubs: int) -> None:
        rng = self.rng
        if index < hubs:
            chosen = list(range(index))  # hubs import the hubs before them
        elif source.name == "app.registry":
            chosen = sorted(rng.sample(range(hubs, index), max(5, round(REGISTRY_SHARE * index))))
        else:
            chosen = [h for h in range(hubs) if rng.random() < HUB_PICK[h]]
            fan_out = min(40, int(rng.expovariate(1 / FAN_OUT_MEAN)))
            package_start = hubs + ((index - hubs) // 40) * 40
            for _ in range(fan_out):
                if rng.random() < 0.5 and index > package_start:
                    chosen.append(rng.randrange(package_start, index))  # same package
                else:
                    chosen.append(rng.randrange(0, index))
        for target_index in dict.fromkeys(chosen):
            target = self.order[target_index]
            imp, lazy = self.spell(target)
            if lazy:
                source.lazy.append(imp)
            else:
                source.imports.append(imp)
                self.fan_in[target.name] += 1
            self.required.setdefault(target.name, set()).update(imp.names or imp.reads)

    def some_names(self, target: _Src) -> tuple[str, ...]:
        rng = self.rng
        # the first names are a module's popular API
        weights = [1 / (k + 1) for k in range(len(target.funcs))]
        picked = {rng.choices(target.funcs, weights)[0] for _ in range(rng.randint(1, 3))}
        return tuple(sorted(picked, key=target.funcs.index))

    def spell(self, target: _Src) -> tuple[_Imp, bool]:
        """How a module imports ``target``, and whether inside a function (lazily)."""
        roll = self.rng.random()
        if roll < 0.10:
            return _Imp(target.name, self.some_names(target)), True
        if roll < 0.30:
            alias = "_" + target.name.rpartition(".")[2]
            return _Imp(target.name, alias=alias, reads=self.some_names(target)), False
        return _Imp(target.name, self.some_names(target), guarded=roll > 0.95), False

    def source_path(self, module: str) -> str:
        return "src/" + module.replace(".", "/") + ".py"

    def source_text(self, source: _Src, size: int) -> str:
        rng = self.rng
        word = rng.choice(WORDS)
        lines = [f'"""{word.capitalize()} handling for {source.name}."""', ""]
        lines += ["from __future__ import annotations", "", "import logging", "import math"]
        lines += ["from dataclasses import dataclass", ""]
        calls: list[str] = []
        guarded: list[_Imp] = []
        for imp in source.imports:
            if imp.guarded:
                guarded.append(imp)
            elif imp.alias:
                lines.append(f"import {imp.module} as {imp.alias}")
                calls += [f"{imp.alias}.{name}" for name in imp.reads]
            else:
                lines.append(f"from {imp.module} import {', '.join(imp.names)}")
                calls += list(imp.names)
        for imp in guarded:
            lines += ["", "try:", f"    from {imp.module} import {', '.join(imp.names)}"]
            lines += ["except ImportError:  # optional in this deployment"]
            lines += [f"    {name} = None" for name in imp.names]
        lines += ["", "log = logging.getLogger(__name__)", "", f"LIMIT = {rng.randint(5, 500)}"]
        lines += ["", "", "@dataclass", f"class {word.capitalize()}Record:"]
        lines += ["    id: int", "    name: str", "    score: float = 0.0", ""]
        lines += ["    def label(self) -> str:", '        return f"{self.name}#{self.id}"']
        text = "\n".join(lines)
        parts = [text]
        length = len(text)
        lazy = list(source.lazy)
        for func in source.funcs:
            block = self.source_function(func, func in source.asyncs, calls, lazy)
            parts.append(block)
            length += len(block) + 2
        k = 0
        while length < size or lazy or calls:
            block = self.source_function(f"_{rng.choice(VERBS)}_part_{k}", False, calls, lazy)
            parts.append(block)
            length += len(block) + 2
            k += 1
        return "\n\n\n".join(parts) + "\n"

    def source_function(self, name: str, is_async: bool, calls: list[str], lazy: list[_Imp]) -> str:
        rng = self.rng
        noun = rng.choice(WORDS)
        head = "async def" if is_async else "def"
        body = [
            f"{head} {name}(items: list, factor: float = {rng.randint(1, 9)}.0) -> list:",
            f'    """Return the {noun} values scaled by ``factor``, skipping empty ones."""',
            "    out = []",
            "    for item in items:",
            "        if item is None:",
            f'            raise ValueError("{noun} items must not be None")',
            "        out.append(math.floor(item * factor))",
        ]
        for _ in range(rng.randint(0, 6)):
            a, b = rng.randint(2, 99), rng.randint(2, 99)
            body += [
                f"    if len(out) > {a}:",
                f"        out = out[: {a}] + [{b}] * {rng.randint(1, 4)}",
            ]
        if calls:
            body += ["    if len(out) > LIMIT:", f"        out = {calls.pop()}(out[:LIMIT])"]
        if lazy:
            imp = lazy.pop()
            body += [f"    from {imp.module} import {', '.join(imp.names)}", ""]
            body += [f"    log.debug('%s', {imp.names[0]})"]
        body += ["    return out"]
        return "\n".join(body)

    # --- tests ------------------------------------------------------------------------------

    def make_tests(self) -> None:
        rng = self.rng
        n = self.n_tests
        areas = max(6, n // 120)
        folders = [f"tests/{AREAS[a % len(AREAS)]}_{a:02d}" for a in range(areas)]
        legacy, plugins = folders[0], folders[1]
        self.legacy = legacy
        # the two special areas hold their share of the test modules; the rest spread evenly
        quota = {legacy: max(2, round(LEGACY_SHARE * n)), plugins: max(2, round(PLUGIN_SHARE * n))}
        placed: list[str] = []
        for folder, count in quota.items():
            placed += [folder] * count
        placed += [folders[2 + i % (areas - 2)] for i in range(n - len(placed))]
        rng.shuffle(placed)
        with_fakes = max(len(STYLES), round(FAKE_FILE_SHARE * n))
        fake_at = sorted(rng.sample(range(n), with_fakes))
        counts = self.site_counts(len(fake_at))
        styles = [_weighted(rng, STYLES) for _ in fake_at]
        for j, style in enumerate(STYLES):  # every style at least once
            styles[j] = style[0]
        plan = {i: (str(styles[j]), counts[j]) for j, i in enumerate(fake_at)}
        self.make_conftests(folders, legacy, plugins)
        for i in range(n):
            folder = placed[i]
            rel = f"{folder}/test_{rng.choice(WORDS)}_{i:05d}.py"
            self.test_file(rel, plan.get(i))
        for folder in folders:
            self.files[f"{folder}/__init__.py"] = ""
        self.files["tests/__init__.py"] = ""

    def site_counts(self, files: int) -> list[int]:
        mean, sigma, top = SITES_PER_FILE
        mu = math.log(mean) - sigma * sigma / 2
        out = [max(1, min(top, round(self.rng.lognormvariate(mu, sigma)))) for _ in range(files)]
        biggest = max(range(files), key=out.__getitem__)
        out[biggest] = max(out[biggest], min(top, max(10, round(top * self.n_tests / BASE_TESTS))))
        return out

    def make_conftests(self, folders: list[str], legacy: str, plugins: str) -> None:
        rng = self.rng
        root = _Program("tests/conftest.py")
        hub = self.order[0].name
        root.body.append(("import", hub, (), False))
        self.conftests["tests"] = root
        # every other area has its own fixtures, and loads a module of its part of the app
        for folder in folders:
            if folder in (legacy, plugins):
                continue
            module = rng.choice(self.order[len(HUB_PICK) : -1])
            program = _Program(f"{folder}/conftest.py", body=[("import", module.name, (), False)])
            self.conftests[folder] = program
            self.files[program.path] = (
                f'"""Fixtures of {folder}."""\n\nimport pytest\n\n'
                f"import {module.name}  # noqa: F401\n"
                f"\n\n@pytest.fixture\ndef {rng.choice(WORDS)}_payload():\n"
                f'    return {{"id": {rng.randint(1, 99)}, "tags": ["{rng.choice(WORDS)}"]}}\n'
            )
        self.files["tests/conftest.py"] = (
            '"""Shared fixtures."""\n\nimport pytest\n\n'
            f"import {hub}  # noqa: F401  (loaded for every test, as the app does)\n\n\n"
            "@pytest.fixture\ndef numbers():\n    return list(range(10))\n"
        )
        # a legacy area stubs optional modules for every test below it (menace_sandbox)
        program = _Program(f"{legacy}/conftest.py")
        lines = ['"""Stubs for modules the legacy tests cannot import."""', "", "import sys"]
        lines += ["import types", "", "", "def _noop(*args, **kwargs):", "    return None", ""]
        for k, target in enumerate(self.targets_with_users(rng.randint(3, 6))):
            provided = self.provide(target, rng.random() < 0.5)
            site = self.add_site(program.path, target, "module_type", "conftest", provided)
            lines += ["", f'_stub_{k} = types.ModuleType("{target}")']
            lines += [f"_stub_{k}.{name} = _noop" for name in sorted(provided)]
            lines += [f'sys.modules.setdefault("{target}", _stub_{k})']
            program.body.append(("install", site, "never", False, True))
        self.files[program.path] = "\n".join(lines) + "\n"
        self.conftests[legacy] = program
        # a plugin area's autouse fixture fakes two modules in every test below (ragflow)
        program = _Program(f"{plugins}/conftest.py")
        lines = ['"""Every test here runs without the real clients."""', "", "import sys"]
        lines += ["from types import ModuleType", "", "import pytest", "", ""]
        lines += ["@pytest.fixture(autouse=True)", "def _offline_clients(monkeypatch):"]
        events: list[Event] = []
        for k, target in enumerate(self.targets_with_users(2)):
            provided = self.provide(target, rng.random() < 0.5)
            site = self.add_site(program.path, target, "module_type", "conftest", provided)
            lines += [f'    client_{k} = ModuleType("{target}")']
            lines += [
                f"    client_{k}.{name} = lambda *args, **kwargs: None" for name in sorted(provided)
            ]
            lines += [f'    monkeypatch.setitem(sys.modules, "{target}", client_{k})']
            events.append(("install", site, "test", False, False))
        lines.append("    yield")
        program.fixtures["_offline_clients"] = events
        program.autouse.append("_offline_clients")
        self.files[program.path] = "\n".join(lines) + "\n"
        self.conftests[plugins] = program

    def targets_with_users(self, count: int) -> list[str]:
        """Modules that other modules import names from (fakes of them can lack names)."""
        pool = [s.name for s in self.order[len(HUB_PICK) : -1] if self.required.get(s.name)]
        return self.rng.sample(pool, min(count, len(pool)))

    def provide(self, target: str, complete: bool, needed: Iterable[str] = ()) -> frozenset[str]:
        """Names a finite fake of ``target`` declares: what its test needs, and either
        everything the project uses of it or a few of those."""
        rng = self.rng
        used = sorted(self.required.get(target, ()), key=self.sources[target].funcs.index)
        base = set(needed)
        if complete:
            base |= set(used)
        elif used:
            base |= set(rng.sample(used, rng.randint(0, max(0, len(used) - 1))))
        if not base:
            base.add(self.sources[target].funcs[-1])
        return frozenset(base)

    def add_site(
        self, path: str, module: str, form: str, where: str, provided: frozenset[str] | None
    ) -> int:
        self.sites.append(_Site(path, module, form, where, provided if form in FINITE else None))
        return len(self.sites) - 1

    def test_file(self, rel: str, plan: tuple[str, int] | None) -> None:
        rng = self.rng
        program = _Program(rel)
        header = ['"""Tests for the {} area."""'.format(rel.split("/")[1]), ""]
        header += ["from __future__ import annotations", "", "import json", ""]
        callables: list[str] = []
        pool = self.order[len(HUB_PICK) :]
        imported = rng.sample(pool, int(_weighted(rng, TEST_IMPORTS)))  # type: ignore[call-overload]
        sections: list[str] = []
        module_level: list[str] = []
        unit: _Src | None = None
        if plan is not None:
            style, count = plan
            unit = self.pick_unit()
            imported = [m for m in imported if m.name != unit.name]
            header += [
                "import importlib",
                "import sys",
                "import types",
                "from types import ModuleType, SimpleNamespace",
            ]
            header += ["from unittest.mock import AsyncMock, MagicMock, patch", ""]
        header += ["import pytest", ""]
        first_party: list[str] = []
        for module in imported:
            if rng.random() < 0.5:
                first_party.append(f"from {module.name} import {module.funcs[0]}")
                callables.append(module.funcs[0])
                program.body.append(("import", module.name, (module.funcs[0],), False))
            else:
                alias = "_" + module.name.rpartition(".")[2]
                first_party.append(f"import {module.name} as {alias}")
                callables.append(f"{alias}.{module.funcs[-1]}")
                program.body.append(("import", module.name, (), False))
        avoid = {m.name for m in imported}
        if plan is not None and unit is not None:
            style, count = plan
            writer = getattr(self, f"style_{style}")
            module_level, sections = writer(program, unit, count, avoid, callables)
        if not callables:
            callables.append("sorted")
        header += first_party
        if plan is not None:
            header += ["", "", "def _noop(*args, **kwargs):", "    return None"]
        text = "\n".join(header)
        parts = [text, *module_level]
        size = _lognormal(rng, *TEST_SIZE)
        length = sum(len(p) for p in parts)
        fillers: list[str] = []
        k = 0
        while length + sum(len(s) for s in sections) < size:
            block = self.test_block(rng.choice(callables), k)
            fillers.append(block)
            length += len(block) + 2
            k += 1
        # the fake sections sit among the other tests, in order
        slots = sorted(rng.randrange(len(fillers) + 1) for _ in sections)
        body: list[str] = []
        s = 0
        for f_index in range(len(fillers) + 1):
            while s < len(sections) and slots[s] == f_index:
                body.append(sections[s])
                s += 1
            if f_index < len(fillers):
                body.append(fillers[f_index])
        parts += body
        self.files[rel] = "\n\n\n".join(p.rstrip("\n") for p in parts if p) + "\n"
        if plan is not None:
            self.programs[rel] = program
        elif rel.startswith(self.legacy + "/"):
            self.programs[rel] = program  # its imports run under the conftest's stubs

    def pick_unit(self) -> _Src:
        """A unit under test: a module that imports first-party modules."""
        rng = self.rng
        while True:
            unit = rng.choice(self.order[len(HUB_PICK) : -1])
            if len(unit.imports) >= 2 or rng.random() < 0.1:
                return unit

    def targets(self, unit: _Src, count: int, avoid: set[str]) -> list[_Src]:
        """What a file fakes: the unit's own imports first, then modules it does not use."""
        rng = self.rng
        own = [self.sources[i.module] for i in unit.imports if i.module not in avoid]
        rng.shuffle(own)
        extra = [
            s
            for s in rng.sample(self.order[:-1], min(len(self.order) - 1, count + 4))
            if s.name not in avoid and s.name != unit.name and s not in own
        ]
        return (own + extra)[: max(1, count)]

    def needed(self, unit: _Src, target: str) -> set[str]:
        return {n for i in unit.imports if i.module == target for n in (i.names or i.reads)}

    def unit_import(self, unit: _Src, indent: str) -> tuple[str, Event]:
        package, _, leaf = unit.name.rpartition(".")
        roll = self.rng.randrange(4)
        if roll == 0:
            return f"{indent}module = importlib.import_module({unit.name!r})", (
                "import",
                unit.name,
                (),
                False,
            )
        if roll == 1:
            return f"{indent}from {package} import {leaf} as module", (
                "import",
                package,
                (leaf,),
                False,
            )
        if roll == 2:
            return f"{indent}import {unit.name} as module", ("import", unit.name, (), False)
        name = unit.funcs[0]
        return f"{indent}from {unit.name} import {name} as module", (
            "import",
            unit.name,
            (name,),
            False,
        )

    def fake_expr(
        self,
        form: str,
        target: _Src,
        provided: frozenset[str],
        var: str,
        indent: str,
        factories: list[str],
    ) -> tuple[list[str], str]:
        """Lines that build a fake, and the expression installed."""
        names = sorted(provided)
        rng = self.rng
        if form == "mock":
            return [], "MagicMock()"
        if form == "none":
            return [], "None"
        if form == "mock_spec":
            return [], f"MagicMock(spec={names!r})"
        if form == "namespace":
            args = ", ".join(f"{n}={_stub(rng)}" for n in names)
            return [], f"SimpleNamespace({args})"
        if form == "factory":
            func = f"_make_{target.name.rpartition('.')[2]}_{len(factories)}"
            body = [f"def {func}():", f'    module = types.ModuleType("{target.name}")']
            body += [f"    module.{n} = {_stub(rng)}" for n in names]
            body += ["    return module"]
            factories.append("\n".join(body))
            return [], f"{func}()"
        lines = [f'{indent}{var} = types.ModuleType("{target.name}")']
        lines += [f"{indent}{var}.{n} = {_stub(rng)}" for n in names]
        return lines, var

    # --- where a file's fakes live ------------------------------------------------------------

    def style_test(
        self, program: _Program, unit: _Src, count: int, avoid: set[str], callables: list[str]
    ) -> tuple[list[str], list[str]]:
        """``with patch.dict(sys.modules, {...})`` in tests (aragora)."""
        rng = self.rng
        pool = self.targets(unit, rng.randint(2, 8), avoid)
        module_level: list[str] = []
        sections: list[str] = []
        factories: list[str] = []
        if rng.random() < 0.5:  # the unit imported at module level: windows find it loaded
            name = unit.funcs[0]
            program.body.append(("import", unit.name, (name,), False))
            module_level.append(f"from {unit.name} import {name} as unit_entry")
        left = count
        t = 0
        while left > 0:
            entries = min(left, rng.randint(1, min(5, len(pool))))
            left -= entries
            decorator = rng.random() < 0.08
            build: list[str] = []
            items: list[str] = []
            installed: list[int] = []
            for k, target in enumerate(rng.sample(pool, entries)):
                form = str(_weighted(rng, TEST_FORMS))
                if decorator and form in ("module_type", "factory"):
                    form = "mock"  # a decorator's mapping cannot use the test's names
                provided = self.provide(
                    target.name, rng.random() < 0.6, self.needed(unit, target.name)
                )
                if form in FINITE and rng.random() < 0.25:
                    provided = frozenset(provided - {rng.choice(sorted(provided))}) or provided
                lines, expr = self.fake_expr(form, target, provided, f"fake_{k}", "    ", factories)
                build += lines
                items.append(f'"{target.name}": {expr},')
                installed.append(self.add_site(program.path, target.name, form, "test", provided))
            head = f"def test_{rng.choice(WORDS)}_with_fakes_{t}():"
            if decorator:
                line, event = self.unit_import(unit, "    ")
                mapping = "{\n" + "".join(f"    {i}\n" for i in items) + "}"
                text = [f"@patch.dict(sys.modules, {mapping})", head, line]
                text.append("    assert module is not None")
            else:
                line, event = self.unit_import(unit, "        ")
                mapping = "{\n" + "".join(f"        {i}\n" for i in items) + "    }"
                if rng.random() < 0.1:  # the mapping bound to a name first
                    text = [head, *build, f"    modules = {mapping}"]
                    text.append("    with patch.dict(sys.modules, modules):")
                else:
                    text = [head, *build, f"    with patch.dict(sys.modules, {mapping}):"]
                text += [line, "        assert module is not None"]
            events: list[Event] = [("install", s, "idle", True, False) for s in installed]
            events.append(event)
            events += [("uninstall", s) for s in reversed(installed)]
            program.tests.append(_Test((), events))
            body = "\n".join(text)
            if rng.random() < 0.5 and not decorator:  # a method of a test class
                body = body.replace("():", "(self):", 1)
                indented = "\n".join("    " + ln if ln else ln for ln in body.split("\n"))
                body = f"class TestFakes{t}:\n{indented}"
            sections.append(body)
            t += 1
        sections[:0] = factories
        return module_level, sections

    def style_helper(
        self, program: _Program, unit: _Src, count: int, avoid: set[str], callables: list[str]
    ) -> tuple[list[str], list[str]]:
        """A loader helper that fakes the unit's imports, then imports it (ragflow)."""
        rng = self.rng
        pool = self.targets(unit, count, avoid)
        leaf = unit.name.rpartition(".")[2]
        helper = f"_load_{leaf}_module"
        lines = [f"def {helper}(monkeypatch):"]
        events: list[Event] = []
        for k, target in enumerate(pool):
            form = "namespace" if rng.random() < 0.05 else "module_type"
            provided = self.provide(target.name, rng.random() < 0.6, self.needed(unit, target.name))
            if rng.random() < 0.25:
                provided = frozenset(provided - {rng.choice(sorted(provided))}) or provided
            site = self.add_site(program.path, target.name, form, "helper", provided)
            if form == "namespace":
                args = ", ".join(f"{n}={_stub(rng)}" for n in sorted(provided))
                lines.append(f"    dep_{k} = SimpleNamespace({args})")
            else:
                lines.append(f'    dep_{k} = ModuleType("{target.name}")')
                lines += [f"    dep_{k}.{n} = {_stub(rng)}" for n in sorted(provided)]
            lines.append(f'    monkeypatch.setitem(sys.modules, "{target.name}", dep_{k})')
            events.append(("install", site, "test", False, False))
        lines.append(f"    return importlib.import_module({unit.name!r})")
        events.append(("import", unit.name, (), False))
        program.helpers[helper] = events
        sections = ["\n".join(lines)]
        for t in range(rng.randint(1, 6)):
            sections.append(
                f"def test_{leaf}_{rng.choice(WORDS)}_{t}(monkeypatch):\n"
                f"    module = {helper}(monkeypatch)\n"
                "    assert module is not None\n"
            )
            program.tests.append(_Test((), [("call", helper)]))
        return [], sections

    def style_module(
        self, program: _Program, unit: _Src, count: int, avoid: set[str], callables: list[str]
    ) -> tuple[list[str], list[str]]:
        """Stubs installed at module level, then the unit imported (menace_sandbox)."""
        rng = self.rng
        pool = self.targets(unit, count, avoid)
        lines: list[str] = []
        for k, target in enumerate(pool):
            form = "namespace" if rng.random() < 0.3 else "module_type"
            provided = self.provide(target.name, rng.random() < 0.6, self.needed(unit, target.name))
            if rng.random() < 0.25:
                provided = frozenset(provided - {rng.choice(sorted(provided))}) or provided
            site = self.add_site(program.path, target.name, form, "module", provided)
            if form == "namespace":
                args = ", ".join(f"{n}=_noop" for n in sorted(provided))
                expr = f"types.SimpleNamespace({args})"
            else:
                lines.append(f'_stub_{k} = types.ModuleType("{target.name}")')
                lines += [f"_stub_{k}.{n} = _noop" for n in sorted(provided)]
                expr = f"_stub_{k}"
            if rng.random() < 0.55:
                lines.append(f'sys.modules.setdefault("{target.name}", {expr})')
                program.body.append(("install", site, "never", False, True))
            else:
                lines.append(f'sys.modules["{target.name}"] = {expr}')
                program.body.append(("install", site, "never", False, False))
        name = unit.funcs[0]
        lines += ["", f"from {unit.name} import {name}  # noqa: E402"]
        program.body.append(("import", unit.name, (name,), False))
        callables.append(name)
        return ["\n".join(lines)], []

    def style_fixture(
        self, program: _Program, unit: _Src, count: int, avoid: set[str], callables: list[str]
    ) -> tuple[list[str], list[str]]:
        """Fixtures that install fakes; tests request them and import the unit."""
        rng = self.rng
        pool = self.targets(unit, min(count, 6), avoid)
        sections: list[str] = []
        fixtures: list[str] = []
        for target in pool:
            provided = self.provide(target.name, rng.random() < 0.6, self.needed(unit, target.name))
            site = self.add_site(program.path, target.name, "module_type", "fixture", provided)
            name = f"fake_{target.name.rpartition('.')[2]}"
            lines = ["@pytest.fixture", f"def {name}(monkeypatch):"]
            lines.append(f'    fake = types.ModuleType("{target.name}")')
            lines += [f"    fake.{n} = {_stub(rng)}" for n in sorted(provided)]
            lines += [
                f'    monkeypatch.setitem(sys.modules, "{target.name}", fake)',
                "    yield fake",
            ]
            program.fixtures[name] = [("install", site, "test", False, False)]
            fixtures.append(name)
            sections.append("\n".join(lines))
        for t in range(max(1, count - len(pool) + 1)):
            requests = tuple(rng.sample(fixtures, rng.randint(1, len(fixtures))))
            line, event = self.unit_import(unit, "    ")
            sections.append(
                f"def test_{rng.choice(WORDS)}_isolated_{t}({', '.join(requests)}):\n"
                f"{line}\n    assert module is not None\n"
            )
            program.tests.append(_Test(requests, [event]))
        return [], sections

    def test_block(self, func: str, k: int) -> str:
        rng = self.rng
        word = rng.choice(WORDS)
        n = rng.randint(2, 40)
        kind = rng.randrange(6)
        if kind == 0:
            tags = ", ".join(f'"{rng.choice(WORDS)}"' for _ in range(rng.randint(1, 4)))
            return (
                f"def test_{word}_round_trips_{k}():\n"
                f'    data = {{"id": {n}, "name": "{word}", "tags": [{tags}]}}\n'
                "    encoded = json.dumps(data, sort_keys=True)\n"
                "    assert json.loads(encoded) == data\n"
                f'    assert "{word}" in encoded\n'
            )
        if kind == 1:
            rows = "\n".join(f"        ({v}, {v * 2})," for v in rng.sample(range(100), 4))
            return (
                "@pytest.mark.parametrize(\n"
                '    ("value", "expected"),\n'
                "    [\n"
                f"{rows}\n"
                "    ],\n"
                ")\n"
                f"def test_{word}_doubles_{k}(value, expected):\n"
                f"    assert {func}([value], factor=2.0) == [expected]\n"
            )
        if kind == 2:
            m = rng.randint(2, 9)
            return (
                "@pytest.fixture\n"
                f"def {word}_records_{k}():\n"
                f'    return [{{"id": i, "score": i * {m}}} for i in range({n})]\n'
                "\n\n"
                f"def test_{word}_scores_{k}({word}_records_{k}):\n"
                f'    total = sum(r["score"] for r in {word}_records_{k})\n'
                f"    assert total == {m * n * (n - 1) // 2}\n"
                f"    assert {func}([]) == []\n"
            )
        if kind == 3:
            return (
                f"class Test{word.capitalize()}{k}:\n"
                "    def setup_method(self):\n"
                f"        self.items = list(range({n}))\n"
                "\n"
                "    def test_length(self):\n"
                f"        assert len(self.items) == {n}\n"
                "\n"
                "    def test_reversed(self):\n"
                f"        assert list(reversed(self.items))[0] == {n - 1}\n"
            )
        if kind == 4:
            return (
                f"async def test_{word}_async_{k}():\n"
                f"    result = {func}([{n}])\n"
                f"    assert result is not None\n"
            )
        return (
            f"def test_{word}_rejects_none_{k}():\n"
            '    with pytest.raises(ValueError, match="must not be None"):\n'
            f"        {func}([None])\n"
        )

    # --- expected findings, and the files -----------------------------------------------------

    def expected(self) -> list[Finding]:
        replay = _Replay(self.sources, self.packages, self.sites)
        for rel, program in self.programs.items():
            folders = rel.split("/")[:-1]
            chain = ["/".join(folders[:k]) for k in range(1, len(folders) + 1)]
            conftests = [self.conftests[f] for f in chain if f in self.conftests]
            replay.run(conftests, program)
        out: list[Finding] = []
        for index, site in enumerate(self.sites):
            if site.provided is None:
                continue
            # a name a replay reaches crashes the run whether or not own code needs it
            reached = replay.crashes.get(index, set())
            missing = self.required.get(site.module, set()) - site.provided
            if reached:
                out.append((site.path, site.module, "MA001", tuple(sorted(reached))))
            if missing - reached:
                out.append((site.path, site.module, "MA002", tuple(sorted(missing - reached))))
        return sorted(out)

    def run(self) -> SynthStats:
        self.make_sources()
        self.make_tests()
        pyproject = (
            "[project]\n"
            'name = "synthetic-monorepo"\n'
            'version = "0"\n'
            "\n"
            "[tool.mock-audit]\n"
            'src = ["src"]\n'
            'tests = ["tests"]\n'
            f'cache-dir = "{CACHE_DIR}"\n'
        )
        self.files["pyproject.toml"] = pyproject
        expected = self.expected()
        test_bytes = source_bytes = 0
        made: set[Path] = set()
        for rel in sorted(self.files):
            path = self.root / rel
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            data = self.files[rel].encode()
            path.write_bytes(data)
            if rel.startswith("tests/") and path.name.startswith("test_"):
                test_bytes += len(data)
            elif rel.startswith("src/") and path.name != "__init__.py":
                source_bytes += len(data)
        test_paths = tuple(
            sorted(
                self.root / r
                for r in self.files
                if r.startswith("tests/") and r.rpartition("/")[2].startswith("test_")
            )
        )
        source_paths = tuple(sorted(self.root / self.source_path(s.name) for s in self.order))
        hub, fan_in = self.fan_in.most_common(1)[0]
        with_sites = {s.path for s in self.sites}
        return SynthStats(
            root=self.root,
            test_files=len(test_paths),
            source_modules=len(source_paths),
            test_bytes=test_bytes,
            source_bytes=source_bytes,
            fake_files=len(with_sites),
            sites=tuple(
                SynthSite(s.path, s.module, s.form, s.where, s.provided) for s in self.sites
            ),
            expected=tuple(expected),
            hub=hub,
            hub_fan_in=fan_in,
            touch_target=self.root / self.source_path(hub),
            test_paths=test_paths,
            source_paths=source_paths,
        )


# --- one big generated test file -------------------------------------------------------------


@dataclass(frozen=True)
class BigFile:
    """A small project whose one test file is huge and holds one fake that lacks a name."""

    root: Path
    test_file: Path
    size: int
    expected: tuple[Finding, ...]


def generate_big_file(root: Path, size: int = BIG_FILE_BYTES, seed: int = 0) -> BigFile:
    """Write a project with one generated test file of about ``size`` bytes (tables of
    cases and thousands of tests, as code generators write them) and one fake in it."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "pyproject.toml": '[project]\nname = "bigfile"\nversion = "0"\n\n[tool.mock-audit]\n'
        f'src = ["src"]\ntests = ["tests"]\ncache-dir = "{CACHE_DIR}"\n',
        "src/bigapp/__init__.py": '"""The app."""\n',
        "src/bigapp/store.py": '"""Storage."""\n\n\nasync def add_item(key):\n    return key\n\n\n'
        "async def reserve_item(key):\n    return key\n\n\ndef item_key(kind, ident):\n"
        '    return f"{kind}:{ident}"\n',
        "src/bigapp/service.py": '"""Service."""\n\nfrom bigapp.store import add_item, item_key, '
        "reserve_item\n\n\nasync def save(kind, ident):\n"
        "    await reserve_item(item_key(kind, ident))\n"
        "    return await add_item(item_key(kind, ident))\n",
        "tests/__init__.py": "",
    }
    head = (
        '"""Generated: every case of the pricing table (do not edit by hand)."""\n\n'
        "import sys\nfrom types import SimpleNamespace\nfrom unittest.mock import AsyncMock, "
        "MagicMock, patch\n\nimport pytest\n\n\n"
    )
    fake = (
        "def test_service_saves_through_the_store():\n"
        "    fake = SimpleNamespace(add_item=AsyncMock(), item_key=MagicMock())\n"
        '    with patch.dict(sys.modules, {"bigapp.store": fake}):\n'
        "        import bigapp.service\n"
        "    assert bigapp.service is not None\n"
    )
    parts = [head]
    length = len(head)
    k = 0
    placed = False
    while length < size:
        if k % 3 == 0:
            rows = "\n".join(
                f'    ({rng.randint(0, 10**6)}, "{rng.choice(WORDS)}", {rng.random():.6f}),'
                for _ in range(200)
            )
            block = f"CASES_{k} = [\n{rows}\n]\n\n\n"
            block += f'@pytest.mark.parametrize("n, word, ratio", CASES_{k})\n'
            block += f"def test_case_table_{k}(n, word, ratio):\n"
            block += "    assert n >= 0 and word and ratio >= 0\n"
        else:
            block = "".join(
                f"def test_generated_{k}_{j}():\n    value = {rng.randint(0, 999)}\n"
                f"    assert value * 2 == {0} + value + value\n\n\n"
                for j in range(40)
            )
        if not placed and length > size // 2:
            block = fake + "\n\n" + block
            placed = True
        parts.append(block + "\n\n")
        length += len(block) + 2
        k += 1
    if not placed:
        parts.append(fake)
    files["tests/test_generated_cases.py"] = "".join(parts).rstrip("\n") + "\n"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    test_file = root / "tests/test_generated_cases.py"
    expected = (("tests/test_generated_cases.py", "bigapp.store", "MA001", ("reserve_item",)),)
    return BigFile(root, test_file, test_file.stat().st_size, expected)
