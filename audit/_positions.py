"""Positions on demand: lines and columns of the few nodes a report names.

libcst's PositionProvider over a whole file costs more than parsing it; a site
needs the positions of a handful of nodes. This computes them one top-level
statement at a time, only for statements that hold a node someone asked about.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider


class Positions:
    def __init__(self, module: cst.Module, tops: dict[int, cst.CSTNode]) -> None:
        self.module = module
        self.tops = tops  # id(node) -> the top-level statement holding it
        self.offsets: dict[int, int] | None = None
        self.known: dict[int, CodeRange] = {}
        self.done: set[int] = set()

    def _offsets(self) -> dict[int, int]:
        if self.offsets is None:
            line = sum(_breaks(self.module.code_for_node(h)) for h in self.module.header)
            self.offsets = {}
            for stmt in self.module.body:
                self.offsets[id(stmt)] = line
                line += _breaks(self.module.code_for_node(stmt))
        return self.offsets

    def get(self, node: cst.CSTNode) -> CodeRange | None:
        found = self.known.get(id(node))
        if found is not None:
            return found
        top = self.tops.get(id(node))
        if top is None or id(top) in self.done:
            return None
        self.done.add(id(top))
        offset = self._offsets().get(id(top), 0)
        part = self.module.with_changes(header=[], body=[top], footer=[])
        ranges = MetadataWrapper(part, unsafe_skip_copy=True).resolve(PositionProvider)
        for child, where in ranges.items():
            self.known[id(child)] = CodeRange(
                CodePosition(where.start.line + offset, where.start.column),
                CodePosition(where.end.line + offset, where.end.column),
            )
        return self.known.get(id(node))

    def line(self, node: cst.CSTNode) -> int:
        where = self.get(node)
        return where.start.line if where is not None else 0


def _breaks(code: str) -> int:
    """Line breaks in ``code`` as Python (and libcst) count them: ``\n``, ``\r\n``, ``\r``."""
    return code.count("\n") + code.count("\r") - code.count("\r\n")
