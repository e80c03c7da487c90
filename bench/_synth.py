"""Generate a deterministic synthetic monorepo for the mock-audit benchmark.

The tree looks like a large application's: ``src/app`` holds ordinary modules
that import one another, a few CRUD-like *target* modules, the services that
import names from them and API modules that import the services; ``tests``
holds ordinary test files (imports, fixtures, parametrized tests, classes,
asserts) of 2-8 KB each. A few percent of the test files replace a target
module with a fake, in every form mock-audit recognises; some fakes lack
names, and some of those tests import a module that needs a missing name.

The generator knows the whole import graph, so it also computes the findings a
correct ``mock-audit check`` must report (``SynthStats.expected``).
"""

from __future__ import annotations

import random
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CACHE_DIR", "FAKE_FORMS", "NAMES", "SynthSite", "SynthStats", "generate"]

#: The functions of every target module; ``reserve_item`` is "the new one".
NAMES = (
    "add_item",
    "delete_item",
    "get_item",
    "item_key",
    "list_items",
    "reserve_item",
    "update_item",
)
SYNC_NAMES = frozenset({"item_key"})
CACHE_DIR = ".mock-audit-cache"  # relative to the root, written into its pyproject.toml
OLD_NAMES = tuple(n for n in NAMES if n != "reserve_item")
# What the two service modules of each target import from it.
ITEMS_IMPORTS = ("add_item", "delete_item", "get_item", "item_key", "list_items")
STREAM_IMPORTS = ("reserve_item", "update_item")

#: Every way a test file here builds or installs a fake. The first group can be findings;
#: the second never is (accepts any name, suppressed, an import blocker, third-party).
ANALYSABLE_FORMS = (
    "mock_module_lambda",
    "mock_module_dict",
    "sys_modules_namespace",
    "setitem_module_type",
    "patch_dict_cm_magicmock_spec",
    "patch_dict_decorator_constant",
    "patch_dict_string",
    "mocker_patch_dict",
    "dict_spread",
    "helper",
    "kwargs_helper",
    "name_constant",
    "unittest_mock_module",
)
QUIET_FORMS = ("specless", "suppressed", "blocker", "third_party")
FAKE_FORMS = ANALYSABLE_FORMS + QUIET_FORMS

WORDS = [
    "alpha",
    "account",
    "audit",
    "badge",
    "batch",
    "cache",
    "cart",
    "channel",
    "client",
    "config",
    "cursor",
    "digest",
    "draft",
    "event",
    "export",
    "feed",
    "filter",
    "ledger",
    "limit",
    "locale",
    "member",
    "metric",
    "notice",
    "order",
    "owner",
    "page",
    "payload",
    "policy",
    "price",
    "quota",
    "queue",
    "rating",
    "record",
    "region",
    "report",
    "route",
    "rule",
    "schedule",
    "score",
    "search",
    "session",
    "signal",
    "slot",
    "source",
    "stock",
    "summary",
    "tag",
    "task",
    "tenant",
    "ticket",
    "token",
    "topic",
    "usage",
    "vendor",
    "window",
]
VERBS = [
    "build",
    "check",
    "collect",
    "compute",
    "encode",
    "filter",
    "format",
    "load",
    "merge",
    "normalise",
    "parse",
    "rank",
]


@dataclass(frozen=True)
class SynthSite:
    """One fake the generator wrote: where, in which form, of which module, declaring what."""

    path: str  # relative to the root, "/"-separated
    form: str
    module: str
    provided: frozenset[str] | None  # None: never a finding (see QUIET_FORMS)
    imports: tuple[str, ...]  # project modules the test imports in the patched scope


@dataclass(frozen=True)
class SynthStats:
    """What ``generate`` wrote, and what a correct audit of it must report."""

    root: Path
    test_files: int
    source_modules: int
    test_bytes: int
    source_bytes: int
    fake_files: int
    sites_by_form: dict[str, int]
    # (path relative to root, code, sorted missing names), one entry per finding.
    expected: frozenset[tuple[str, str, tuple[str, ...]]]
    # A source module the benchmark may touch to invalidate part of a cache.
    touch_target: Path
    sites: tuple[SynthSite, ...] = ()
    test_paths: tuple[Path, ...] = field(repr=False, default=())
    source_paths: tuple[Path, ...] = field(repr=False, default=())


@dataclass
class _Module:
    name: str  # dotted
    functions: list[str]
    imports: list[str]  # dotted modules imported
    text: str = ""


def _path(root: Path, dotted: str) -> Path:
    return root / "src" / Path(*dotted.split(".")).with_suffix(".py")


class _Generator:
    def __init__(self, root: Path, tests: int, sources: int, seed: int) -> None:
        if tests < 20:
            raise ValueError(f"tests must be at least 20; got {tests!r}.")
        if sources < 20:
            raise ValueError(f"sources must be at least 20; got {sources!r}.")
        self.root = root
        self.tests = tests
        self.sources = sources
        self.rng = random.Random(seed)
        self.targets = max(2, sources // 100)
        self.ordinary: list[_Module] = []
        self.by_name: dict[str, _Module] = {}
        # Graph for reachability: module -> modules it imports; and from-imports of targets.
        self.edges: dict[str, list[str]] = {}
        self.target_names: dict[str, dict[str, set[str]]] = {}
        self.sites: list[SynthSite] = []

    # --- sources -----------------------------------------------------------

    def make_sources(self) -> list[tuple[Path, str]]:
        files: list[tuple[Path, str]] = []
        special = 4 * self.targets  # target, items service, stream service, api handler
        ordinary = self.sources - special
        if ordinary < 10:
            raise ValueError(f"sources={self.sources!r} leaves too few ordinary modules.")
        per_package = 40
        for i in range(ordinary):
            name = f"app.pkg{i // per_package:02d}.mod{i:04d}"
            count = self.rng.randint(3, 7)
            functions = [
                f"{self.rng.choice(VERBS)}_{self.rng.choice(WORDS)}_{i}_{k}" for k in range(count)
            ]
            # Imports only go to earlier modules, as layered code does.
            imports = sorted({m.name for m in self.rng.sample(self.ordinary, min(i, 3))})
            if i and self.rng.random() < 0.3:
                imports = imports[:1]
            module = _Module(name, functions, imports)
            module.text = self.ordinary_source(module)
            self.ordinary.append(module)
            self.by_name[name] = module
            self.edges[name] = list(imports)
            files.append((_path(self.root, name), module.text))
        for t in range(self.targets):
            files.extend(self.target_family(t))
        packages = {m.rpartition(".")[0] for m in self.edges} | {"app"}
        for package in sorted(packages):
            init = self.root / "src" / Path(*package.split(".")) / "__init__.py"
            files.append((init, f'"""The {package} package."""\n'))
        return files

    def ordinary_source(self, module: _Module) -> str:
        rng = self.rng
        word = rng.choice(WORDS)
        lines = [f'"""{word.capitalize()} helpers for {module.name}."""', ""]
        lines += ["from __future__ import annotations", "", "import logging", "import math"]
        lines += ["from dataclasses import dataclass", ""]
        # How each imported module's first function is spelled in this module's code.
        spelled: dict[str, str] = {}
        for imported in module.imports:
            first = self.by_name[imported].functions[0]
            if rng.random() < 0.5:
                lines.append(f"from {imported} import {first}")
                spelled[imported] = first
            else:
                alias = imported.rpartition(".")[2]
                lines.append(f"import {imported} as {alias}")
                spelled[imported] = f"{alias}.{first}"
        lines += ["", "log = logging.getLogger(__name__)", ""]
        lines.append(f"LIMIT = {rng.randint(5, 500)}")
        lines += ["", "", "@dataclass", f"class {word.capitalize()}Record:"]
        lines += ["    id: int", "    name: str", "    score: float = 0.0", ""]
        lines += ["    def label(self) -> str:", '        return f"{self.name}#{self.id}"', ""]
        for function in module.functions:
            lines += ["", *self.source_function(function, spelled)]
        return "\n".join(lines) + "\n"

    def source_function(self, name: str, spelled: dict[str, str]) -> list[str]:
        rng = self.rng
        noun = name.split("_")[1]
        if rng.random() < 0.25:
            return [
                f"async def {name}(key: str, *, retries: int = {rng.randint(1, 5)}) -> dict:",
                f'    """Fetch the {noun} stored under ``key``."""',
                "    for attempt in range(retries):",
                '        log.debug("attempt %d for %s", attempt, key)',
                f'    return {{"key": key, "kind": "{noun}"}}',
            ]
        body = [
            f"def {name}(items: list, factor: float = {rng.randint(1, 9)}.0) -> list:",
            f'    """Return the {noun} values scaled by ``factor``, skipping empty ones."""',
            "    out = []",
            "    for item in items:",
            "        if item is None:",
            f'            raise ValueError("{noun} items must not be None")',
            "        out.append(math.floor(item * factor))",
        ]
        if spelled and rng.random() < 0.5:
            call = spelled[sorted(spelled)[0]]
            body += ["    if len(out) > LIMIT:", f"        out = {call}(out[:LIMIT])"]
        body += ["    return out"]
        return body

    def target_family(self, t: int) -> list[tuple[Path, str]]:
        target = f"app.crud.store_{t:02d}"
        items = f"app.services.items_{t:02d}"
        stream = f"app.services.stream_{t:02d}"
        handlers = f"app.api.handlers_{t:02d}"
        defs = []
        for name in NAMES:
            if name in SYNC_NAMES:
                defs += [
                    f"def {name}(kind: str, ident: int) -> str:",
                    '    return f"{kind}:{ident}"',
                ]
            else:
                defs += [
                    f"async def {name}(*args: object, **kwargs: object) -> object:",
                    f'    raise RuntimeError("{name} needs the database")',
                ]
            defs.append("")
        target_text = "\n".join(
            [f'"""Storage for store {t}: the module tests replace with fakes."""', "", *defs]
        )
        items_text = "\n".join(
            [
                f'"""Item operations of store {t}."""',
                "",
                f"from {target} import {', '.join(ITEMS_IMPORTS)}",
                "",
                "",
                "async def add_and_list(kind: str, ident: int) -> object:",
                "    await add_item(item_key(kind, ident))",
                "    return await list_items(kind)",
                "",
                "",
                "async def replace(kind: str, ident: int) -> object:",
                "    await delete_item(item_key(kind, ident))",
                "    return await get_item(item_key(kind, ident))",
                "",
            ]
        )
        stream_text = "\n".join(
            [
                f'"""Streaming writes of store {t}: reserve first, then fill in."""',
                "",
                f"from {target} import {', '.join(STREAM_IMPORTS)}",
                "",
                "",
                "async def stream(kind: str, chunks: list) -> object:",
                "    reserved = await reserve_item(kind)",
                '    return await update_item(reserved, "".join(chunks))',
                "",
            ]
        )
        handlers_text = "\n".join(
            [
                f'"""HTTP handlers of store {t}."""',
                "",
                f"from app.services import stream_{t:02d}",
                "",
                "",
                "async def post_stream(kind: str, chunks: list) -> object:",
                f"    return await stream_{t:02d}.stream(kind, chunks)",
                "",
            ]
        )
        self.edges[target] = []
        self.edges[items] = [target]
        self.edges[stream] = [target]
        self.edges[handlers] = ["app.services", stream]
        self.target_names[items] = {target: set(ITEMS_IMPORTS)}
        self.target_names[stream] = {target: set(STREAM_IMPORTS)}
        return [
            (_path(self.root, target), target_text),
            (_path(self.root, items), items_text),
            (_path(self.root, stream), stream_text),
            (_path(self.root, handlers), handlers_text),
        ]

    # --- reachability -------------------------------------------------------

    def reached_names(self, imports: list[str], target: str) -> set[str]:
        """Names the static closure of ``imports`` from-imports from ``target``."""
        seen = set(imports)
        queue = deque(imports)
        names: set[str] = set()
        while queue:
            module = queue.popleft()
            names |= self.target_names.get(module, {}).get(target, set())
            if module == target:
                continue  # a faked module's own imports never run
            for nxt in self.edges.get(module, []):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return names

    # --- tests ---------------------------------------------------------------

    def make_tests(
        self,
    ) -> tuple[list[tuple[Path, str]], Counter[str], set[tuple[str, str, tuple[str, ...]]]]:
        rng = self.rng
        files: list[tuple[Path, str]] = []
        forms: Counter[str] = Counter()
        expected: set[tuple[str, str, tuple[str, ...]]] = set()
        # 4% of the test files hold a fake, spread evenly; at least one of each form.
        fakes = min(max(len(FAKE_FORMS), round(self.tests * 0.04)), self.tests // 2)
        fake_at = {int((j + 0.5) * self.tests / fakes) for j in range(fakes)}
        areas = max(1, self.tests // 100)
        fake_index = 0
        for i in range(self.tests):
            area = f"area{rng.randrange(areas):02d}"
            rel = f"tests/{area}/test_{rng.choice(WORDS)}_{i:05d}.py"
            # The last block may overshoot the drawn size by a few hundred bytes: stay under 8 KiB.
            size = rng.randint(2000, 7600)
            imports = self.pick_test_imports()
            fake: tuple[str, str] | None = None
            if i in fake_at:
                form = FAKE_FORMS[fake_index % len(FAKE_FORMS)]
                fake = self.fake_block(form, fake_index, rel, expected)
                forms[form] += 1
                fake_index += 1
            files.append((self.root / rel, self.test_file(imports, size, fake)))
        for a in range(areas):
            directory = self.root / "tests" / f"area{a:02d}"
            files.append((directory / "__init__.py", ""))
            files.append((directory / "conftest.py", _CONFTEST.format(n=a + 3)))
        files.append((self.root / "tests" / "__init__.py", ""))
        files.append((self.root / "tests" / "conftest.py", _CONFTEST.format(n=2)))
        return files, forms, expected

    def pick_test_imports(self) -> list[_Module]:
        count = self.rng.randint(1, 4)
        return self.rng.sample(self.ordinary, min(count, len(self.ordinary)))

    def test_file(self, imports: list[_Module], size: int, fake: tuple[str, str] | None) -> str:
        rng = self.rng
        head = [f'"""Tests for {imports[0].name}."""', "", "from __future__ import annotations", ""]
        head += ["import asyncio", "import json", ""]
        fake_head, fake_body = fake if fake is not None else ("", "")
        if fake_head:
            head.append(fake_head)
        head += ["import pytest", ""]
        callables: list[str] = []
        for module in imports:
            alias = module.name.rpartition(".")[2]
            if rng.random() < 0.5:
                chosen = module.functions[:2]
                head.append(f"from {module.name} import {', '.join(chosen)}")
                callables += chosen
            else:
                head.append(f"import {module.name} as {alias}")
                callables.append(f"{alias}.{module.functions[-1]}")
        if rng.random() < 0.01:
            head += ["import sys", ""]
            callables.append("sys.modules.get")  # mentions sys.modules without being a fake
        parts = ["\n".join(head), ""]
        if fake_body:
            parts.append(fake_body)
        length = sum(len(p) + 1 for p in parts)
        k = 0
        while length < size:
            block = self.test_block(rng.choice(callables), k)
            parts.append(block)
            length += len(block) + 1
            k += 1
        # Two blank lines between top-level blocks, as formatters leave them.
        return "\n\n\n".join(p.rstrip("\n") for p in parts if p) + "\n"

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
                f"def test_{word}_async_{k}():\n"
                "    async def scenario():\n"
                "        await asyncio.sleep(0)\n"
                f"        return {n}\n"
                "\n"
                f"    assert asyncio.run(scenario()) == {n}\n"
            )
        return (
            f"def test_{word}_rejects_none_{k}():\n"
            '    with pytest.raises(ValueError, match="must not be None"):\n'
            f"        {func}([None])\n"
        )

    # --- fakes ----------------------------------------------------------------

    def fake_block(
        self, form: str, index: int, rel: str, expected: set[tuple[str, str, tuple[str, ...]]]
    ) -> tuple[str, str]:
        """Return (extra imports, test code) of one fake, and record its expected findings."""
        rng = self.rng
        t = rng.randrange(self.targets)
        target = f"app.crud.store_{t:02d}"
        # Which names the fake declares: complete, lacking only the new one, or lacking several.
        shape = index % 5
        if shape == 0:
            provided = list(NAMES)
        elif shape in (1, 2):
            provided = list(OLD_NAMES)
        else:
            provided = sorted(rng.sample(OLD_NAMES, rng.randint(1, len(OLD_NAMES) - 1)))
        # What the test imports inside the patched scope decides what is reached.
        reach = rng.choice(["none", "none", "items", "stream", "handlers"])
        reach_modules = {
            "none": [],
            "items": [f"app.services.items_{t:02d}"],
            "stream": [f"app.services.stream_{t:02d}"],
            "handlers": [f"app.api.handlers_{t:02d}"],
        }[reach]
        use = _import_lines(reach_modules, index)
        head, body = _FAKE_WRITERS[form](target, provided, index, use)
        quiet = form not in ANALYSABLE_FORMS
        module = "redis" if form == "third_party" else target
        self.sites.append(
            SynthSite(
                rel, form, module, None if quiet else frozenset(provided), tuple(reach_modules)
            )
        )
        if not quiet:
            missing = set(NAMES) - set(provided)
            reached = missing & self.reached_names(reach_modules, target)
            if reached:
                expected.add((rel, "MA001", tuple(sorted(reached))))
            if missing - reached:
                expected.add((rel, "MA002", tuple(sorted(missing - reached))))
        return head, body

    def run(self) -> SynthStats:
        sources = self.make_sources()
        tests, forms, expected = self.make_tests()
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
        all_files = [(self.root / "pyproject.toml", pyproject), *sources, *tests]
        for path, text in all_files:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        test_paths = tuple(p for p, _ in tests if p.name.startswith("test_"))
        source_paths = tuple(p for p, _ in sources if p.name != "__init__.py")
        touch = _path(self.root, self.ordinary[len(self.ordinary) // 2].name)
        return SynthStats(
            root=self.root,
            test_files=len(test_paths),
            source_modules=len(source_paths),
            test_bytes=sum(len(t.encode()) for p, t in tests if p.name.startswith("test_")),
            source_bytes=sum(len(t.encode()) for p, t in sources if p.name != "__init__.py"),
            fake_files=sum(forms.values()),
            sites_by_form=dict(sorted(forms.items())),
            expected=frozenset(expected),
            touch_target=touch,
            sites=tuple(self.sites),
            test_paths=test_paths,
            source_paths=source_paths,
        )


def _stub(name: str, mock: str = "") -> str:
    return f"{mock}MagicMock()" if name in SYNC_NAMES else f"{mock}AsyncMock()"


def _import_lines(modules: list[str], index: int) -> list[str]:
    """Statements that import ``modules`` the way tests do, in one of three spellings."""
    out = []
    for module in modules:
        style = index % 3
        package, _, leaf = module.rpartition(".")
        if style == 0:
            out.append(f"import {module}")
        elif style == 1:
            out.append(f"from {package} import {leaf}")
        else:
            out.append(f'importlib.import_module("{module}")')
    return out


def _indent(lines: list[str], depth: int) -> str:
    pad = "    " * depth
    return "\n".join(pad + line for line in lines) if lines else pad + "pass"


FakeWriter = Callable[[str, list[str], int, list[str]], tuple[str, str]]

_MOCKS = "import importlib\nimport sys\nimport types\nfrom types import SimpleNamespace\n"
_MOCKS += "from unittest.mock import AsyncMock, MagicMock, Mock, patch\n"
_HARNESS = "from harness import mock_module\n"


def _dict_entries(provided: list[str], depth: int) -> str:
    pad = "    " * depth
    return "\n".join(f'{pad}"{n}": {_stub(n)},' for n in provided)


def _kw_entries(provided: list[str], depth: int, mock: str = "") -> str:
    pad = "    " * depth
    return "\n".join(f"{pad}{n}={_stub(n, mock)}," for n in provided)


def _spec(provided: list[str]) -> str:
    return "[" + ", ".join(f'"{n}"' for n in provided) + "]"


def _w_mock_module_lambda(
    target: str, provided: list[str], i: int, use: list[str]
) -> tuple[str, str]:
    return _MOCKS + _HARNESS, (
        f"def test_fake_store_{i}():\n"
        "    with mock_module(\n"
        f'        "{target}",\n'
        "        lambda: {\n"
        f"{_dict_entries(provided, 3)}\n"
        "        },\n"
        "    ) as fake:\n"
        f"{_indent([*use, f'assert sys.modules[{target!r}] is fake'], 2)}\n"
    )


def _w_mock_module_dict(
    target: str, provided: list[str], i: int, use: list[str]
) -> tuple[str, str]:
    return _MOCKS + _HARNESS, (
        f"def test_fake_store_{i}():\n"
        f'    with mock_module("{target}", {{\n'
        f"{_dict_entries(provided, 2)}\n"
        "    }):\n"
        f"{_indent(use, 2)}\n"
    )


def _w_sys_modules_namespace(
    target: str, provided: list[str], i: int, use: list[str]
) -> tuple[str, str]:
    return _MOCKS, (
        f"def test_fake_store_{i}():\n"
        "    fake = SimpleNamespace(\n"
        f"{_kw_entries(provided, 2)}\n"
        "    )\n"
        f'    sys.modules["{target}"] = fake\n'
        "    try:\n"
        f"{_indent(use, 2)}\n"
        "    finally:\n"
        f'        del sys.modules["{target}"]\n'
    )


def _w_setitem_module_type(
    target: str, provided: list[str], i: int, use: list[str]
) -> tuple[str, str]:
    attrs = "\n".join(f"    fake.{n} = {_stub(n)}" for n in provided)
    return _MOCKS, (
        f"def test_fake_store_{i}(monkeypatch):\n"
        f'    fake = types.ModuleType("{target}")\n'
        f"{attrs}\n"
        f'    monkeypatch.setitem(sys.modules, "{target}", fake)\n'
        f"{_indent(use, 1)}\n"
    )


def _w_patch_dict_cm(target: str, provided: list[str], i: int, use: list[str]) -> tuple[str, str]:
    return _MOCKS, (
        f"def test_fake_store_{i}():\n"
        f"    fake = MagicMock(spec={_spec(provided)})\n"
        f'    with patch.dict(sys.modules, {{"{target}": fake}}):\n'
        f"{_indent(use, 2)}\n"
    )


def _w_patch_dict_decorator(
    target: str, provided: list[str], i: int, use: list[str]
) -> tuple[str, str]:
    return _MOCKS, (
        f"FAKE_STORE_{i} = Mock(spec={_spec(provided)})\n"
        "\n\n"
        f'@patch.dict(sys.modules, {{"{target}": FAKE_STORE_{i}}})\n'
        f"def test_fake_store_{i}():\n"
        f"{_indent(use, 1)}\n"
    )


def _w_patch_dict_string(
    target: str, provided: list[str], i: int, use: list[str]
) -> tuple[str, str]:
    return _MOCKS, (
        f"def test_fake_store_{i}():\n"
        "    fake = SimpleNamespace(\n"
        f"{_kw_entries(provided, 2)}\n"
        "    )\n"
        f'    with patch.dict("sys.modules", {{"{target}": fake}}):\n'
        f"{_indent(use, 2)}\n"
    )


def _w_mocker_patch_dict(
    target: str, provided: list[str], i: int, use: list[str]
) -> tuple[str, str]:
    return _MOCKS, (
        f"def test_fake_store_{i}(mocker):\n"
        "    fake = SimpleNamespace(\n"
        f"{_kw_entries(provided, 2)}\n"
        "    )\n"
        f'    mocker.patch.dict(sys.modules, {{"{target}": fake}})\n'
        f"{_indent(use, 1)}\n"
    )


def _w_dict_spread(target: str, provided: list[str], i: int, use: list[str]) -> tuple[str, str]:
    base, extra = provided[:-1], provided[-1:]
    base_text = f"{{\n{_dict_entries(base, 1)}\n}}" if base else "{}"
    return _MOCKS + _HARNESS, (
        f"BASE_STORE_{i} = {base_text}\n"
        "\n\n"
        f"def test_fake_store_{i}():\n"
        f'    with mock_module("{target}", {{**BASE_STORE_{i}, '
        + ", ".join(f'"{n}": {_stub(n)}' for n in extra)
        + "}):\n"
        f"{_indent(use, 2)}\n"
    )


def _w_helper(target: str, provided: list[str], i: int, use: list[str]) -> tuple[str, str]:
    return _MOCKS, (
        f"def make_store_{i}():\n"
        '    """The store as this test needs it."""\n'
        "    return SimpleNamespace(\n"
        f"{_kw_entries(provided, 2)}\n"
        "    )\n"
        "\n\n"
        f"def test_fake_store_{i}(monkeypatch):\n"
        f'    monkeypatch.setitem(sys.modules, "{target}", make_store_{i}())\n'
        f"{_indent(use, 1)}\n"
    )


def _w_kwargs_helper(target: str, provided: list[str], i: int, use: list[str]) -> tuple[str, str]:
    return _MOCKS, (
        f"def build_store_{i}(**functions):\n"
        '    """A stand-in store module holding just ``functions``."""\n'
        "    return SimpleNamespace(**functions)\n"
        "\n\n"
        f"def test_fake_store_{i}(monkeypatch):\n"
        f"    fake = build_store_{i}(\n"
        f"{_kw_entries(provided, 2)}\n"
        "    )\n"
        f'    monkeypatch.setitem(sys.modules, "{target}", fake)\n'
        f"{_indent(use, 1)}\n"
    )


def _w_name_constant(target: str, provided: list[str], i: int, use: list[str]) -> tuple[str, str]:
    return _MOCKS, (
        f'STORE_MODULE_{i} = "{target}"\n'
        "\n\n"
        f"def test_fake_store_{i}():\n"
        f"    sys.modules[STORE_MODULE_{i}] = SimpleNamespace(\n"
        f"{_kw_entries(provided, 2)}\n"
        "    )\n"
        "    try:\n"
        f"{_indent(use, 2)}\n"
        "    finally:\n"
        f"        sys.modules.pop(STORE_MODULE_{i})\n"
    )


def _w_unittest_mock_module(
    target: str, provided: list[str], i: int, use: list[str]
) -> tuple[str, str]:
    return "import importlib\nimport sys\nfrom unittest import mock\n", (
        f"def test_fake_store_{i}():\n"
        f"    fake = mock.MagicMock(spec={_spec(provided)})\n"
        f'    with mock.patch.dict(sys.modules, {{"{target}": fake}}):\n'
        f"{_indent(use, 2)}\n"
    )


def _w_specless(target: str, provided: list[str], i: int, use: list[str]) -> tuple[str, str]:
    return _MOCKS, (
        f"def test_fake_store_{i}(monkeypatch):\n"
        "    # Accepts any attribute, so it can never lack a name.\n"
        f'    monkeypatch.setitem(sys.modules, "{target}", MagicMock())\n'
        f"{_indent(use, 1)}\n"
    )


def _w_suppressed(target: str, provided: list[str], i: int, use: list[str]) -> tuple[str, str]:
    return _MOCKS, (
        f"def test_fake_store_{i}(monkeypatch):\n"
        "    # Deliberately minimal: this code path must only read.\n"
        "    fake = SimpleNamespace(get_item=AsyncMock())\n"
        f'    monkeypatch.setitem(sys.modules, "{target}", fake)  # mock-audit: ignore\n'
        f"{_indent(use, 1)}\n"
    )


def _w_blocker(target: str, provided: list[str], i: int, use: list[str]) -> tuple[str, str]:
    return _MOCKS, (
        f"def test_fake_store_{i}():\n"
        "    # None makes the import fail, which is what this test checks.\n"
        f'    with patch.dict(sys.modules, {{"{target}": None}}):\n'
        "        with pytest.raises(ImportError):\n"
        f'            importlib.import_module("{target}")\n'
    )


def _w_third_party(target: str, provided: list[str], i: int, use: list[str]) -> tuple[str, str]:
    return _MOCKS, (
        f"def test_fake_store_{i}(monkeypatch):\n"
        "    # Not a project module: its exports are not ours to check.\n"
        '    monkeypatch.setitem(sys.modules, "redis", SimpleNamespace(Redis=MagicMock()))\n'
        f"{_indent(use, 1)}\n"
    )


_FAKE_WRITERS: dict[str, FakeWriter] = {
    "mock_module_lambda": _w_mock_module_lambda,
    "mock_module_dict": _w_mock_module_dict,
    "sys_modules_namespace": _w_sys_modules_namespace,
    "setitem_module_type": _w_setitem_module_type,
    "patch_dict_cm_magicmock_spec": _w_patch_dict_cm,
    "patch_dict_decorator_constant": _w_patch_dict_decorator,
    "patch_dict_string": _w_patch_dict_string,
    "mocker_patch_dict": _w_mocker_patch_dict,
    "dict_spread": _w_dict_spread,
    "helper": _w_helper,
    "kwargs_helper": _w_kwargs_helper,
    "name_constant": _w_name_constant,
    "unittest_mock_module": _w_unittest_mock_module,
    "specless": _w_specless,
    "suppressed": _w_suppressed,
    "blocker": _w_blocker,
    "third_party": _w_third_party,
}

_CONFTEST = '''"""Shared fixtures."""

import pytest


@pytest.fixture
def numbers():
    return list(range({n}))
'''


def generate(root: Path, *, tests: int, sources: int, seed: int = 0) -> SynthStats:
    """Write a synthetic monorepo under ``root`` (created if needed) and describe it.

    The same arguments always write the same bytes.
    """
    root.mkdir(parents=True, exist_ok=True)
    return _Generator(root, tests, sources, seed).run()
