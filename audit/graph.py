"""The one graph search: what importing a module runs, as bit sets, and how it gets there.

Nodes are module names; a node's children are what it imports when it runs. Each node
gets a bit; ``closure(n)`` is the set of nodes importing ``n`` runs (``n`` included),
an ``int`` used as a bit set (OR and AND on thousands of modules cost nanoseconds).
Closures are computed once per strongly connected component (import cycles are
common), iteratively (deep import chains must not hit the recursion limit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


class Graph:
    def __init__(self, children: Callable[[str], Iterable[str]]) -> None:
        self._children = children
        self._kids: dict[str, tuple[str, ...]] = {}
        self.bit: dict[str, int] = {}
        self.names: list[str] = []
        self._closure: dict[str, int] = {}

    def node(self, name: str) -> int:
        """The bit of ``name`` (given one on first sight)."""
        bit = self.bit.get(name)
        if bit is None:
            bit = self.bit[name] = 1 << len(self.names)
            self.names.append(name)
        return bit

    def children(self, name: str) -> tuple[str, ...]:
        kids = self._kids.get(name)
        if kids is None:
            kids = self._kids[name] = tuple(dict.fromkeys(self._children(name)))
        return kids

    def bits(self, names: Iterable[str]) -> int:
        out = 0
        for name in names:
            out |= self.node(name)
        return out

    def members(self, bits: int) -> list[str]:
        out: list[str] = []
        index = 0
        while bits:
            if bits & 1:
                out.append(self.names[index])
            bits >>= 1
            index += 1
        return out

    def closure(self, start: str) -> int:
        """Every node importing ``start`` runs, ``start`` included (Tarjan, iterative)."""
        known = self._closure.get(start)
        if known is not None:
            return known
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        counter = 0
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, child_at = work.pop()
            if child_at == 0:
                if node in self._closure:
                    continue
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            kids = self.children(node)
            descended = False
            for i in range(child_at, len(kids)):
                kid = kids[i]
                if kid in self._closure:
                    continue
                if kid not in index:
                    work.append((node, i + 1))
                    work.append((kid, 0))
                    descended = True
                    break
                if kid in on_stack:
                    low[node] = min(low[node], index[kid])
            if descended:
                continue
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                bits = self.bits(component)
                for member in component:
                    for kid in self.children(member):
                        if kid not in component:
                            bits |= self._closure[kid]
                for member in component:
                    self._closure[member] = bits
            if work:
                parent = work[-1][0]
                if parent in low and node in low:
                    low[parent] = min(low[parent], low[node])
        return self._closure[start]
