"""Measure real checkouts for the mock-audit bench: the files, and the shape of their fakes.

Two uses. ``bench/audit.py`` walks a checkout with ``python_files`` (the skip rule of
``audit/files.py``) for its read floors, and copies it with ``copy_project`` before it
changes anything. ``census`` measures what the synthetic generator (``_synth.py``) is
calibrated to: how many test files hold fakes, how many, where they are installed and
what they are, how big the files are, and how the source modules import one another.
Run as a script it prints the census of each checkout given:
``.venv/bin/python bench/_real.py /work/lab/aragora/src ...``.

The census is an ``ast`` reading, not mock-audit's analysis: it counts install
statements by their spelling (the forms of DESIGN.md) and classifies the fake by its
expression, following a name to its assignment in the same function or module.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import statistics
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = [
    "PREFILTER",
    "SKIPPED_NAMES",
    "Census",
    "census",
    "copy_project",
    "is_test_path",
    "python_files",
]

# The skip rule of audit/files.py (this script must not import the package).
SKIPPED_NAMES = frozenset({"__pycache__", "node_modules", "build", "dist", "site-packages"})
# The bytes mock-audit's prefilter looks for (audit/forms/installs.py TRIGGERS).
PREFILTER = (b"modules", b"mock_module")
TEST_FOLDERS = frozenset({"tests", "test", "testing", "unit_tests", "unittests"})


def skip_dir(folder: str, name: str) -> bool:
    return (
        name.startswith(".")
        or name in SKIPPED_NAMES
        or os.path.isfile(os.path.join(folder, name, "pyvenv.cfg"))
    )


def python_files(root: Path) -> list[Path]:
    """Every ``.py`` file under ``root`` that the skip rule keeps, sorted."""
    out: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not skip_dir(folder, d))
        out.extend(Path(folder, f) for f in sorted(filenames) if f.endswith(".py"))
    return out


def is_test_path(rel: Path) -> bool:
    """Test side of a checkout: under a test folder, or named as pytest collects."""
    name = rel.name
    return (
        name == "conftest.py"
        or name.startswith("test_")
        or name.endswith("_test.py")
        or any(part in TEST_FOLDERS for part in rel.parts[:-1])
    )


def copy_project(source: Path, target: Path) -> None:
    """Copy a checkout to ``target`` (which must not exist) for a run that changes it.

    Hidden folders, ``__pycache__``, ``node_modules`` and virtualenvs stay behind; an
    empty ``.git`` (with ``info/exclude``) keeps the copy a work tree, so mock-audit
    reads its ``.gitignore`` files as it would in the original.
    """

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [
            n
            for n in names
            if os.path.isdir(os.path.join(folder, n))
            and not os.path.islink(os.path.join(folder, n))
            and (
                n.startswith(".")
                or n in ("__pycache__", "node_modules")
                or os.path.isfile(os.path.join(folder, n, "pyvenv.cfg"))
            )
        ]

    shutil.copytree(source, target, symlinks=True, ignore=ignore)
    if os.path.lexists(source / ".git"):
        info = target / ".git" / "info"
        info.mkdir(parents=True, exist_ok=True)
        exclude = source / ".git" / "info" / "exclude"
        if exclude.is_file():
            shutil.copyfile(exclude, info / "exclude")


# --- the census -------------------------------------------------------------------

WHERE = ("module", "test", "fixture", "helper")
FORMS = (
    "module_type",
    "simple_namespace",
    "mock_spec",
    "mock_specless",
    "none",
    "dict",
    "helper_call",
    "real_module",
    "restore",
    "parameter",
    "other",
)
_MOCKS = frozenset({"Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock"})
_TEST_SETUP = frozenset({"setUp", "setUpClass", "setup_method", "setup_class", "setup"})


@dataclass(frozen=True)
class Spread:
    """count, mean, p90 and max of a list of numbers."""

    n: int
    mean: float
    p90: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            return cls(0, 0.0, 0.0, 0.0)
        ordered = sorted(values)
        p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
        return cls(len(ordered), statistics.fmean(ordered), p90, ordered[-1])


@dataclass
class Census:
    """The shape of one checkout's suite and sources (see the module docstring)."""

    root: str
    test_files: int = 0  # .py files on the test side (helpers and conftests included)
    test_modules: int = 0  # test_*.py / *_test.py
    conftests: int = 0
    test_bytes: int = 0
    test_size: Spread | None = None  # bytes, test modules
    prefilter_pass: int = 0  # test-side files holding a PREFILTER byte string
    source_modules: int = 0
    source_bytes: int = 0
    source_size: Spread | None = None
    unparsable: int = 0
    files_with_fakes: int = 0  # test-side files with a first-party install
    sites_per_file: Spread | None = None  # first-party sites per such file
    sites: int = 0  # first-party install sites (one per module entry)
    third_party_sites: int = 0
    dynamic_sites: int = 0  # module name not a literal
    where: dict[str, int] = field(default_factory=dict)
    conftest_where: dict[str, int] = field(default_factory=dict)
    forms: dict[str, int] = field(default_factory=dict)
    spellings: dict[str, int] = field(default_factory=dict)
    fan_out: Spread | None = None  # module-level first-party imports per source module
    fan_in: Spread | None = None  # importers per imported source module
    top_imported: tuple[str, int] = ("", 0)
    closure: Spread | None = None  # modules a source module's import runs (itself excluded)
    fake_file_size: Spread | None = None  # bytes, test-side files with first-party fakes
    test_imports: Spread | None = None  # module-level first-party imports per test module


def census(root: Path) -> Census:
    """Read every file of the checkout at ``root`` once and measure it."""
    root = root.resolve()
    out = Census(str(root))
    files = python_files(root)
    rels = [p.relative_to(root) for p in files]
    modules = _module_names(rels)
    first_party = {name.split(".")[0] for names in modules.values() for name in names}
    known = {name for names in modules.values() for name in names}
    test_sizes: list[float] = []
    source_sizes: list[float] = []
    sites_per_file: list[float] = []
    fan_out: list[float] = []
    fake_sizes: list[float] = []
    edges: dict[str, set[str]] = {}
    importers: Counter[str] = Counter()
    test_imports: list[float] = []
    where: Counter[str] = Counter()
    conftest_where: Counter[str] = Counter()
    forms: Counter[str] = Counter()
    spellings: Counter[str] = Counter()
    for path, rel in zip(files, rels, strict=True):
        data = path.read_bytes()
        test_side = is_test_path(rel)
        try:
            tree = ast.parse(data, filename=str(path))
        except (SyntaxError, ValueError):
            out.unparsable += 1
            tree = None
        names = modules.get(rel, ())
        imported = (
            set() if tree is None else _module_imports(tree, names, known, rel.stem == "__init__")
        )
        if test_side:
            out.test_files += 1
            out.test_bytes += len(data)
            out.conftests += rel.name == "conftest.py"
            if rel.name.startswith("test_") or rel.name.endswith("_test.py"):
                out.test_modules += 1
                test_sizes.append(len(data))
                test_imports.append(len(imported))
            out.prefilter_pass += any(t in data for t in PREFILTER)
            if tree is None or not any(t in data for t in PREFILTER):
                continue
            count = 0
            for site in _sites(tree):
                top = None if site.module is None else site.module.split(".")[0]
                if top is None:
                    out.dynamic_sites += 1
                    continue
                if top not in first_party:
                    out.third_party_sites += 1
                    continue
                count += 1
                where[site.where] += 1
                forms[site.form] += 1
                spellings[site.spelling] += 1
                if rel.name == "conftest.py":
                    conftest_where[site.where] += 1
            if count:
                fake_sizes.append(len(data))
                out.files_with_fakes += 1
                out.sites += count
                sites_per_file.append(count)
        else:
            out.source_modules += 1
            out.source_bytes += len(data)
            source_sizes.append(len(data))
            fan_out.append(len(imported))
            importers.update(imported)
            for name in names:
                edges[name] = imported
    out.test_size = Spread.of(test_sizes)
    out.source_size = Spread.of(source_sizes)
    out.sites_per_file = Spread.of(sites_per_file)
    out.fan_out = Spread.of(fan_out)
    out.fan_in = Spread.of(list(importers.values()))
    out.top_imported = importers.most_common(1)[0] if importers else ("", 0)
    out.test_imports = Spread.of(test_imports)
    out.closure = Spread.of([len(_closure(m, edges)) - 1 for m in edges])
    out.fake_file_size = Spread.of(fake_sizes)
    out.where = {k: where[k] for k in WHERE}
    out.conftest_where = {k: conftest_where[k] for k in WHERE}
    out.forms = {k: forms[k] for k in FORMS if forms[k]}
    out.spellings = dict(spellings.most_common())
    return out


def _closure(module: str, edges: dict[str, set[str]]) -> set[str]:
    seen = {module}
    stack = [module]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _module_names(rels: list[Path]) -> dict[Path, tuple[str, ...]]:
    """Dotted names of each file: relative to the root, and to ``src/`` when it is one."""
    out: dict[Path, tuple[str, ...]] = {}
    for rel in rels:
        names = []
        for base in ((), ("src",)):
            parts = rel.with_suffix("").parts
            if parts[: len(base)] != base:
                continue
            parts = parts[len(base) :]
            if parts and parts[-1] == "__init__":
                parts = parts[:-1]
            if parts and all(p.isidentifier() for p in parts):
                names.append(".".join(parts))
        out[rel] = tuple(names)
    return out


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run when the module is imported (into if/try/with, not defs)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            for block in ("body", "orelse", "finalbody"):
                yield from _module_level(getattr(stmt, block, []))
            for handler in getattr(stmt, "handlers", []):
                yield from _module_level(handler.body)


def _module_imports(
    tree: ast.Module, names: tuple[str, ...], known: set[str], is_package: bool
) -> set[str]:
    """First-party modules a module imports at its top level (other than itself)."""
    own = names[-1] if names else ""  # the name under src/ when there is one
    package = own if is_package else own.rpartition(".")[0]
    found: set[str] = set()
    for stmt in _module_level(tree.body):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                found.add(_longest_known(alias.name, known))
        elif isinstance(stmt, ast.ImportFrom):
            base = stmt.module or ""
            if stmt.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (stmt.level - 1)] if stmt.level > 1 else parts
                base = ".".join([*parts, *([base] if base else [])])
            for alias in stmt.names:
                sub = f"{base}.{alias.name}" if base else alias.name
                found.add(sub if sub in known else _longest_known(base, known))
    found.discard("")
    found.difference_update(names)
    return found


def _longest_known(name: str, known: set[str]) -> str:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return ""


@dataclass(frozen=True)
class _Site:
    module: str | None  # None: not a string literal
    where: str
    form: str
    spelling: str


def _is_sys_modules(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "modules"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    ) or (isinstance(node, ast.Constant) and node.value == "sys.modules")


def _callee(node: ast.expr) -> str:
    """The dotted spelling of a call's function (``mocker.patch.dict``)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


class _Scope:
    """Names bound in one function (or the module) to the expression bound last."""

    def __init__(self, node: ast.AST, where: str, parent: _Scope | None) -> None:
        self.where = where
        self.parent = parent
        self.bound: dict[str, ast.expr] = {}
        self.params: set[str] = set()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            self.params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
        for sub in ast.walk(node) if not isinstance(node, ast.Module) else node.body:
            if isinstance(sub, ast.Assign) and len(sub.targets) == 1:
                target = sub.targets[0]
                if isinstance(target, ast.Name):
                    self.bound[target.id] = sub.value

    def lookup(self, name: str) -> ast.expr | str | None:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.bound:
                return scope.bound[name]
            if name in scope.params:
                return "parameter"
            scope = scope.parent
        return None


def _sites(tree: ast.Module) -> Iterator[_Site]:
    helpers = {
        n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    module_scope = _Scope(tree, "module", None)
    yield from _visit(tree.body, module_scope, helpers)


def _where(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    if any(
        "fixture" in _callee(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list
    ):
        return "fixture"
    if node.name.startswith("test") or node.name in _TEST_SETUP:
        return "test"
    return "helper"


def _visit(body: list[ast.stmt], scope: _Scope, helpers: dict[str, ast.AST]) -> Iterator[_Site]:
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # A nested function lives where its parent does.
            where = _where(stmt) if scope.parent is None else scope.where
            inner = _Scope(stmt, where, scope)
            for decorator in stmt.decorator_list:
                yield from _in_expr(decorator, inner, helpers)
            yield from _visit(stmt.body, inner, helpers)
            continue
        if isinstance(stmt, ast.ClassDef):
            yield from _visit(stmt.body, scope, helpers)  # methods are classified by name
            continue
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Subscript) and _is_sys_modules(target.value):
                    yield _site(target.slice, stmt.value, scope, helpers, "sys.modules[...] =")
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.expr):
                yield from _in_expr(child, scope, helpers)
        for block in ("body", "orelse", "finalbody"):
            inner_body = getattr(stmt, block, None)
            if isinstance(inner_body, list) and inner_body and isinstance(inner_body[0], ast.stmt):
                yield from _visit(inner_body, scope, helpers)
        for handler in getattr(stmt, "handlers", []):
            yield from _visit(handler.body, scope, helpers)
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                yield from _in_expr(item.context_expr, scope, helpers)


def _in_expr(node: ast.expr, scope: _Scope, helpers: dict[str, ast.AST]) -> Iterator[_Site]:
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        name = _callee(call.func)
        args = call.args
        if name.endswith("patch.dict") and args and _is_sys_modules(args[0]):
            mapping = args[1] if len(args) > 1 else None
            if isinstance(mapping, ast.Dict):
                for key, value in zip(mapping.keys, mapping.values, strict=True):
                    if key is not None:
                        yield _site(key, value, scope, helpers, "patch.dict")
            for kw in call.keywords:
                if kw.arg is not None:
                    yield _site(ast.Constant(kw.arg), kw.value, scope, helpers, "patch.dict")
        elif name.endswith("setitem") and len(args) == 3 and _is_sys_modules(args[0]):
            yield _site(args[1], args[2], scope, helpers, "monkeypatch.setitem")
        elif name == "sys.modules.setdefault" and len(args) == 2:
            yield _site(args[0], args[1], scope, helpers, "sys.modules.setdefault")
        elif name == "sys.modules.update" and args and isinstance(args[0], ast.Dict):
            for key, value in zip(args[0].keys, args[0].values, strict=True):
                if key is not None:
                    yield _site(key, value, scope, helpers, "sys.modules.update")
        elif name.split(".")[-1] == "mock_module" and len(args) == 2:
            yield _site(args[0], args[1], scope, helpers, "mock_module")


def _site(
    key: ast.expr, value: ast.expr, scope: _Scope, helpers: dict[str, ast.AST], spelling: str
) -> _Site:
    module = _literal(key)
    if module is None and isinstance(key, ast.Name):
        bound = scope.lookup(key.id)
        module = _literal(bound) if isinstance(bound, ast.expr) else None
    return _Site(module, scope.where, _form(value, scope, helpers, 0), spelling)


def _form(value: ast.expr, scope: _Scope, helpers: dict[str, ast.AST], depth: int) -> str:
    if depth > 3:
        return "other"
    if isinstance(value, ast.Constant) and value.value is None:
        return "none"
    if isinstance(value, (ast.Dict, ast.Lambda)):
        return "dict"
    if isinstance(value, ast.Name):
        bound = scope.lookup(value.id)
        if bound == "parameter":
            return "parameter"
        if isinstance(bound, ast.expr):
            return _form(bound, scope, helpers, depth + 1)
        return "other"
    if isinstance(value, ast.Call):
        name = _callee(value.func)
        leaf = name.split(".")[-1]
        if leaf == "ModuleType":
            return "module_type"
        if leaf == "SimpleNamespace":
            return "simple_namespace"
        if leaf in _MOCKS:
            spec = value.args or any(k.arg in ("spec", "spec_set") for k in value.keywords)
            return "mock_spec" if spec else "mock_specless"
        if leaf == "module_from_spec":
            return "real_module"
        if name in ("sys.modules.get", "sys.modules.pop") or leaf == "import_module":
            return "restore"
        if name in helpers:
            return "helper_call"
    return "other"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def describe(c: Census) -> str:
    """The census as a few lines of text."""
    assert c.test_size and c.source_size and c.sites_per_file and c.fan_out and c.fan_in
    assert c.test_imports and c.closure and c.fake_file_size
    return "\n".join(
        [
            f"{c.root}",
            f"  test side: {c.test_files} files ({c.test_modules} test modules, {c.conftests} "
            f"conftests), {c.test_bytes / 1e6:.1f} MB; test module size mean "
            f"{c.test_size.mean / 1024:.1f} KB, p90 {c.test_size.p90 / 1024:.1f} KB, max "
            f"{c.test_size.max / 1024:.0f} KB; prefilter passes {c.prefilter_pass} "
            f"({_share(c.prefilter_pass, c.test_files)})",
            f"  sources: {c.source_modules} modules, {c.source_bytes / 1e6:.1f} MB; size mean "
            f"{c.source_size.mean / 1024:.1f} KB, p90 {c.source_size.p90 / 1024:.1f} KB, max "
            f"{c.source_size.max / 1024:.0f} KB; unparsable files {c.unparsable}",
            f"  imports: fan-out mean {c.fan_out.mean:.1f}, p90 {c.fan_out.p90:.0f}, max "
            f"{c.fan_out.max:.0f}; fan-in over {c.fan_in.n} imported modules mean "
            f"{c.fan_in.mean:.1f}, p90 {c.fan_in.p90:.0f}, max {c.fan_in.max:.0f} "
            f"({c.top_imported[0]}); test modules import {c.test_imports.mean:.1f} first-party "
            f"modules (p90 {c.test_imports.p90:.0f}); import closure of a source module mean "
            f"{c.closure.mean:.0f}, p90 {c.closure.p90:.0f}, max {c.closure.max:.0f}",
            f"  fakes: {c.files_with_fakes} files ({_share(c.files_with_fakes, c.test_files)} of "
            f"the test side) hold {c.sites} first-party sites; per file mean "
            f"{c.sites_per_file.mean:.1f}, p90 {c.sites_per_file.p90:.0f}, max "
            f"{c.sites_per_file.max:.0f}; also {c.third_party_sites} third-party and "
            f"{c.dynamic_sites} computed-name sites; size of files with fakes mean "
            f"{c.fake_file_size.mean / 1024:.1f} KB, p90 {c.fake_file_size.p90 / 1024:.1f} KB, "
            f"max {c.fake_file_size.max / 1024:.0f} KB",
            f"  where: {c.where}; in conftests: {c.conftest_where}",
            f"  forms: {c.forms}",
            f"  spellings: {c.spellings}",
        ]
    )


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    for arg in (a for a in argv if a != "--json"):
        result = census(Path(arg))
        print(json.dumps(asdict(result)) if as_json else describe(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
