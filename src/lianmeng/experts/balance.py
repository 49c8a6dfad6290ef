"""均衡分配：给每份申报分配所需人数的专家，并使专家之间的任务数尽量均衡。

Pure Python. The assignment is a bipartite b-matching: each proposal needs ``need[p]`` more
experts from its eligible list (conflicts already removed), each expert already carries
``load[e]`` tasks in the round. We give as many tasks as can be given at all (maximum flow),
and among those assignments take the one whose loads are most even: every further task of an
expert costs more than the one before (its cost is his load after taking it), and a
minimum-cost flow minimises the sum of these convex costs. The loads it yields are the most
balanced possible — the heaviest load is as small as it can be, then the next, and so on — so
nobody carries more than the conflicts force on him (Hypha's "balanced reviewer assignment").

Proposals with the same eligible experts (the usual case: conflicts are few) form one node of
the flow, so the graph stays small however many proposals a round holds; a group's tasks are
then dealt to its proposals in turn, which never gives one proposal the same expert twice.
The field comes first: each task given to an expert outside the proposal's field costs more
than any imbalance can (``affinity``: 0 the field matches, 1 a near field, 2 another), so
an expert of the field is always taken while one is free, then the nearest; among experts of
the same grade the loads are as even as possible. The result is deterministic: groups,
experts and edges are visited in the order given.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Mapping, Sequence

__all__ = ["balanced_assignment"]


class _Flow:
    """Min-cost flow by successive shortest paths (SPFA). Edges into the sink are one per
    expert with a convex cost: the k-th unit through it costs ``(load + k) × weight``."""

    def __init__(self, size: int, sink: int) -> None:
        self.to: list[int] = []
        self.cap: list[int] = []
        self.cost: list[int] = []
        self.adjacent: list[list[int]] = [[] for _ in range(size)]
        self.sink = sink
        #: edge index → (expert's existing load, weight) for the convex edges into the sink
        self.convex: dict[int, tuple[int, int]] = {}
        self.used: dict[int, int] = {}

    def add(self, u: int, v: int, cap: int, cost: int = 0) -> int:
        index = len(self.to)
        for a, b, c, w in ((u, v, cap, cost), (v, u, 0, -cost)):
            self.to.append(b)
            self.cap.append(c)
            self.cost.append(w)
            self.adjacent[a].append(len(self.to) - 1)
        return index

    def add_convex(self, u: int, cap: int, load: int, weight: int) -> int:
        index = self.add(u, self.sink, cap)
        self.convex[index] = (load, weight)
        self.used[index] = 0
        return index

    def _cost(self, edge: int) -> int:
        base = edge & ~1
        if base not in self.convex:
            return self.cost[edge]
        load, weight = self.convex[base]
        used = self.used[base]
        return (load + used + 1) * weight if edge == base else -(load + used) * weight

    def run(self, source: int) -> None:
        size = len(self.adjacent)
        while True:
            distance: list[int | None] = [None] * size
            via = [-1] * size
            queued = [False] * size
            distance[source] = 0
            queue = deque([source])
            while queue:
                u = queue.popleft()
                queued[u] = False
                for edge in self.adjacent[u]:
                    if self.cap[edge] <= 0:
                        continue
                    v = self.to[edge]
                    candidate = distance[u] + self._cost(edge)
                    if distance[v] is None or candidate < distance[v]:
                        distance[v] = candidate
                        via[v] = edge
                        if not queued[v]:
                            queued[v] = True
                            queue.append(v)
            if distance[self.sink] is None:
                return
            v = self.sink  # push one unit: the convex edges price each unit separately
            while v != source:
                edge = via[v]
                self.cap[edge] -= 1
                self.cap[edge ^ 1] += 1
                base = edge & ~1
                if base in self.convex:
                    self.used[base] += 1 if edge == base else -1
                v = self.to[edge ^ 1]


def _deal(members: list[int], counts: list[tuple[int, int]], need: int) -> dict[int, list[int]]:
    """Give each proposal of a group ``need`` experts from ``counts`` [(expert, tasks)]: the
    experts' tasks laid end to end, dealt in turn; no expert has more tasks than the group has
    proposals, so none lands twice on one proposal."""
    slots = [expert for expert, n in counts for _ in range(n)]
    dealt: dict[int, list[int]] = {p: [] for p in members}
    for position, expert in enumerate(slots):
        dealt[members[position % len(members)]].append(expert)
    return dealt


def balanced_assignment(
    *,
    proposals: Sequence[int],
    experts: Sequence[int],
    need: Mapping[int, int],
    eligible: Mapping[int, Sequence[int]],
    load: Mapping[int, int] | None = None,
    preferred: Mapping[int, Collection[int]] | None = None,
    affinity: Mapping[int, Mapping[int, int]] | None = None,
) -> dict[int, list[int]]:
    """New experts per proposal: as many tasks as can be given, the proposal's own field
    first, loads as even as possible.

    ``eligible[p]`` lists the experts that may review ``p`` (no conflict, not already on it);
    ``load[e]`` is what ``e`` already carries; ``affinity[p][e]`` how far ``e``'s field is
    from ``p``'s (0 matches, 1 near, 2 other; missing: 0). ``preferred[p]``, the older form,
    names the matching experts (the others count as 1).
    """
    load = load or {}
    known = set(experts)

    def grade(p: int, e: int) -> int:
        if affinity is not None and p in affinity:
            return int(affinity[p].get(e, 0))
        if preferred is not None and p in preferred:
            return 0 if e in preferred[p] else 1
        return 0

    groups: dict[tuple[object, ...], list[int]] = {}
    for p in proposals:
        wanted = min(need.get(p, 0), len([e for e in eligible.get(p, ()) if e in known]))
        if wanted <= 0:
            continue
        pool = tuple(e for e in eligible.get(p, ()) if e in known)
        key = (pool, tuple(grade(p, e) for e in pool), wanted)
        groups.setdefault(key, []).append(p)
    index = {e: i for i, e in enumerate(experts)}
    source, sink = 0, 1
    g_base, e_base = 2, 2 + len(groups)
    flow = _Flow(e_base + len(experts), sink)
    # the field outweighs the balance: one task further from the field costs more than the
    # whole balance term can (every unit costs at most the heaviest load plus all tasks)
    units = sum(key[2] * len(members) for key, members in groups.items())
    heaviest = max((load.get(e, 0) for e in experts), default=0)
    step = units * (heaviest + units) + 1
    edges: list[tuple[tuple[object, ...], int, int]] = []
    reach = [0] * len(experts)
    for i, (key, members) in enumerate(groups.items()):
        pool, grades, wanted = key
        flow.add(source, g_base + i, wanted * len(members))
        for e, g in zip(pool, grades, strict=True):
            edge = flow.add(g_base + i, e_base + index[e], len(members), g * step)
            edges.append((key, e, edge))
            reach[index[e]] += len(members)
    for j, e in enumerate(experts):
        if reach[j]:
            flow.add_convex(e_base + j, reach[j], load.get(e, 0), 1)
    flow.run(source)
    chosen: dict[int, list[int]] = {p: [] for p in proposals}
    counts: dict[tuple[object, ...], list[tuple[int, int]]] = {key: [] for key in groups}
    for key, e, edge in edges:
        used = flow.cap[edge ^ 1]
        if used:
            counts[key].append((e, used))
    for key, members in groups.items():
        chosen.update(_deal(members, counts[key], key[2]))
    return chosen
