"""Reachability: the static import closure of a test file, with the chain to each module."""

from __future__ import annotations

from collections import deque
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
    tests, one backward search per (target, name) from the modules that import the
    name labels every module with its next hop, so each further test costs only its
    own imports instead of its whole closure.
    """

    def __init__(self, index: ProjectIndex, *, threshold: int = 8) -> None:
        self.index = index
        self.threshold = threshold
        self.calls = 0
        self._rev: dict[Path, list[tuple[Path, ImportStep]]] | None = None
        self._nodes: list[Path] = []
        self._hops: dict[tuple[str, str], dict[Path, Hop]] = {}

    def reach(self, test: Path, target: str, names: set[str]) -> Reach:
        self.calls += 1
        if self.calls <= self.threshold:
            return reach(self.index, test, target, names)
        starts = [test.resolve(), *conftests(test, self.index.config.root)]
        chains: dict[str, tuple[ImportStep, ...]] = {}
        for name in sorted(names):
            hops = self._hops_for(target, name)
            best: tuple[int, list[ImportStep]] | None = None
            for start in starts:
                found = self._from(start, hops)
                if found is not None and (best is None or found[0] < best[0]):
                    best = found
            if best is not None:
                chains[name] = tuple(best[1])
        return Reach(chains)

    def _from(self, start: Path, hops: dict[Path, Hop]) -> tuple[int, list[ImportStep]] | None:
        if start in hops:
            return hops[start][0], self._walk(start, hops)
        # A start outside the graph (a test not under the roots): one step, then the labels.
        best: tuple[int, list[ImportStep]] | None = None
        for edge in edges(self.index, start):
            if edge.path in hops:
                dist = hops[edge.path][0] + 1
                if best is None or dist < best[0]:
                    step = ImportStep(str(start), edge.line, edge.module)
                    best = (dist, [step, *self._walk(edge.path, hops)])
        return best

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
            seen = set(self.index.files())
            queue = deque(seen)
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
        return self._rev

    def _hops_for(self, target: str, name: str) -> dict[Path, Hop]:
        key = (target, name)
        if key in self._hops:
            return self._hops[key]
        rev = self._graph()
        ref = self.index.resolve(target)
        skip = ref.path if ref is not None else None
        hops: dict[Path, Hop] = {}
        queue: deque[Path] = deque()
        for node in self._nodes:
            for record in self.index.summary(node).imports:
                if record.module == target and name in record.names:
                    hops[node] = (0, None, ImportStep(str(node), record.line, target))
                    queue.append(node)
                    break
        while queue:
            node = queue.popleft()
            dist = hops[node][0]
            for importer, step in rev.get(node, ()):
                if importer != skip and importer not in hops:
                    hops[importer] = (dist + 1, node, step)
                    queue.append(importer)
        self._hops[key] = hops
        return hops
