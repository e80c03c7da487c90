"""Reachability: the static import closure of a test file, with the chain to each module."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ._project import ProjectIndex
from ._types import ImportStep


@dataclass(frozen=True)
class Edge:
    line: int
    module: str
    path: Path


def edges(index: ProjectIndex, path: Path) -> list[Edge]:
    """Project modules a file imports (a dotted import also runs every parent package)."""
    cached = index.edge_cache.get(path)
    if cached is not None:
        return cached
    summary = index.summary(path)
    _, sys_path_entry = index.module_name(path)
    out: list[Edge] = []
    for record in summary.imports:
        parts = record.module.split(".")
        candidates = [".".join(parts[: i + 1]) for i in range(len(parts))]
        candidates += [f"{record.module}.{n}" for n in record.names if n != "*"]
        for name in candidates:
            ref = index.resolve(name, extra_root=sys_path_entry)
            if ref is not None and ref.path is not None:
                out.append(Edge(record.line, name, ref.path))
    index.edge_cache[path] = out
    return out


def conftests(test: Path, root: Path) -> list[Path]:
    """conftest.py files pytest loads for a test: its directory and each ancestor up to root."""
    found: list[Path] = []
    directory = test.resolve().parent
    root = root.resolve()
    while True:
        candidate = directory / "conftest.py"
        if candidate.is_file() and candidate != test.resolve():
            found.append(candidate)
        if directory == root or directory.parent == directory or not directory.is_relative_to(root):
            break
        directory = directory.parent
    return list(reversed(found))  # outermost first, as pytest loads them


@dataclass(frozen=True)
class Reach:
    """Where a test reaches ``from target import name``, per missing name."""

    chains: dict[str, tuple[ImportStep, ...]]


def reach(index: ProjectIndex, test: Path, target: str, names: set[str]) -> Reach:
    """Find, for each of ``names``, the shortest chain from ``test`` to a ``from target import``."""
    target_ref = index.resolve(target)
    # The faked module's own code never runs, so its imports are not followed.
    skip = target_ref.path if target_ref else None
    starts = [test.resolve(), *conftests(test, index.config.root)]
    parent: dict[Path, tuple[Path, ImportStep] | None] = {s: None for s in starts}
    queue = deque(starts)
    chains: dict[str, tuple[ImportStep, ...]] = {}
    while queue and len(chains) < len(names):
        node = queue.popleft()
        summary = index.summary(node)
        for record in summary.imports:
            if record.module != target:
                continue
            for name in record.names:
                if name in names and name not in chains:
                    chains[name] = (
                        *_chain(parent, node),
                        ImportStep(str(node), record.line, target),
                    )
        if node == skip:
            continue
        for edge in edges(index, node):
            if edge.path not in parent:
                parent[edge.path] = (node, ImportStep(str(node), edge.line, edge.module))
                queue.append(edge.path)
    return Reach(chains)


def _chain(parent: dict[Path, tuple[Path, ImportStep] | None], node: Path) -> list[ImportStep]:
    steps: list[ImportStep] = []
    link = parent[node]
    while link is not None:
        prev, step = link
        steps.append(step)
        link = parent[prev]
    return list(reversed(steps))


# A hop toward the nearest ``from target import name``: (distance, next node or None, step).
Hop = tuple[int, "Path | None", ImportStep]


class Reacher:
    """Answer ``reach`` for many tests at once.

    A few tests are answered by a forward search from each test. Past ``threshold``
    tests, the source modules (not the tests) form a graph closed under imports; one
    backward search per (target, name) from the modules that import the name labels
    each of them with its next hop. A test then costs a forward search over the few
    nodes outside that graph (itself, its conftests, test helpers) until it meets a
    labelled module, instead of its whole closure; and test files are parsed only
    when some test imports them.

    Given ``starts`` (the tests that will be asked about), the graph holds only the
    source modules in their import closure, so modules no such test can import are
    never parsed; the closure is walked breadth-first and each frontier is handed to
    ``prefetch`` first (which may parse it on a process pool). The answers are the
    same: every module a search can meet is in the graph or searched forward.
    """

    def __init__(
        self,
        index: ProjectIndex,
        *,
        threshold: int = 8,
        starts: Sequence[Path] | None = None,
        prefetch: Callable[[list[Path]], None] | None = None,
    ) -> None:
        self.index = index
        self.threshold = threshold
        self.starts = None if starts is None else list(starts)
        self.prefetch = prefetch
        self.calls = 0
        self._rev: dict[Path, list[tuple[Path, ImportStep]]] | None = None
        self._nodes: list[Path] = []
        self._by_module: dict[str, list[tuple[Path, int, tuple[str, ...]]]] | None = None
        self._in_graph: set[Path] = set()
        self._hops: dict[tuple[str, str], dict[Path, Hop]] = {}

    def reach(self, test: Path, target: str, names: set[str]) -> Reach:
        self.calls += 1
        if self.calls <= self.threshold:
            return reach(self.index, test, target, names)
        starts = [test.resolve(), *conftests(test, self.index.config.root)]
        ref = self.index.resolve(target)
        skip = ref.path if ref is not None else None
        chains: dict[str, tuple[ImportStep, ...]] = {}
        for name in sorted(names):
            found = self._search(starts, target, name, self._hops_for(target, name), skip)
            if found is not None:
                chains[name] = tuple(found)
        return Reach(chains)

    def _search(
        self,
        starts: list[Path],
        target: str,
        name: str,
        hops: dict[Path, Hop],
        skip: Path | None,
    ) -> list[ImportStep] | None:
        """Forward search outside the graph; the shortest total chain wins."""
        parent: dict[Path, tuple[Path, ImportStep] | None] = {s: None for s in starts}
        queue = deque((s, 0) for s in starts)
        best: tuple[int, list[ImportStep]] | None = None
        while queue:
            node, depth = queue.popleft()
            if best is not None and depth >= best[0]:
                break
            if node in hops:
                total = depth + hops[node][0]
                if best is None or total < best[0]:
                    best = (total, [*_chain(parent, node), *self._walk(node, hops)])
                continue
            if node in self._in_graph:
                continue  # a source module with no way to the name
            for record in self.index.summary(node).imports:
                if record.module == target and name in record.names:
                    last = ImportStep(str(node), record.line, target)
                    if best is None or depth < best[0]:
                        best = (depth, [*_chain(parent, node), last])
                    break
            if node == skip:
                continue
            for edge in edges(self.index, node):
                if edge.path not in parent:
                    parent[edge.path] = (node, ImportStep(str(node), edge.line, edge.module))
                    queue.append((edge.path, depth + 1))
        return best[1] if best is not None else None

    @staticmethod
    def _walk(node: Path | None, hops: dict[Path, Hop]) -> list[ImportStep]:
        steps: list[ImportStep] = []
        while node is not None:
            _, node, step = hops[node]
            steps.append(step)
        return steps

    def _graph(self) -> dict[Path, list[tuple[Path, ImportStep]]]:
        if self._rev is None:
            rev: dict[Path, list[tuple[Path, ImportStep]]] = {}
            if self.starts is None:
                seen = {p for p in self.index.files() if not self.index.is_test_file(p)}
            else:
                seen = {p for p in self.closure() if not self.index.is_test_file(p)}
            queue = deque(sorted(seen))
            while queue:
                node = queue.popleft()
                for edge in edges(self.index, node):
                    rev.setdefault(edge.path, []).append(
                        (node, ImportStep(str(node), edge.line, edge.module))
                    )
                    if edge.path not in seen:
                        seen.add(edge.path)
                        queue.append(edge.path)
            self._rev = rev
            self._nodes = sorted(seen)
            self._in_graph = seen
        return self._rev

    def closure(self) -> set[Path]:
        """Every module the starts (and their conftests) import, directly or not."""
        assert self.starts is not None
        root = self.index.config.root
        frontier = sorted({s for t in self.starts for s in (t, *conftests(t, root))})
        seen = set(frontier)
        while frontier:
            if self.prefetch is not None:
                self.prefetch(frontier)
            following: list[Path] = []
            for node in frontier:
                for edge in edges(self.index, node):
                    if edge.path not in seen:
                        seen.add(edge.path)
                        following.append(edge.path)
            frontier = following
        return seen

    def _from_imports(self) -> dict[str, list[tuple[Path, int, tuple[str, ...]]]]:
        """module -> (node, line, names) of every import of it in the graph, in node order;
        built once, so labelling a (target, name) does not scan every node's imports."""
        if self._by_module is None:
            self._graph()
            by_module: dict[str, list[tuple[Path, int, tuple[str, ...]]]] = {}
            for node in self._nodes:
                for record in self.index.summary(node).imports:
                    if record.names:
                        by_module.setdefault(record.module, []).append(
                            (node, record.line, record.names)
                        )
            self._by_module = by_module
        return self._by_module

    def _hops_for(self, target: str, name: str) -> dict[Path, Hop]:
        key = (target, name)
        if key in self._hops:
            return self._hops[key]
        rev = self._graph()
        ref = self.index.resolve(target)
        skip = ref.path if ref is not None else None
        hops: dict[Path, Hop] = {}
        queue: deque[Path] = deque()
        # Nodes in sorted order, each labelled by its first import of the name.
        for node, line, names in self._from_imports().get(target, ()):
            if name in names and node not in hops:
                hops[node] = (0, None, ImportStep(str(node), line, target))
                queue.append(node)
        while queue:
            node = queue.popleft()
            dist = hops[node][0]
            for importer, step in rev.get(node, ()):
                if importer != skip and importer not in hops:
                    hops[importer] = (dist + 1, node, step)
                    queue.append(importer)
        self._hops[key] = hops
        return hops
