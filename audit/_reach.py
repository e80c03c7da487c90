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
                out.append(Edge(record.line, name, ref.path.resolve()))
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
    skip = target_ref.path.resolve() if target_ref and target_ref.path else None
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
