"""Deadline-constrained search: the best routes by the objective that arrive in time.

A label-setting search over the multigraph with real schedules (each lane leaves at
its next weekly departure, after the cut-off, the transfer dwell and any import
release, as :func:`routing.search.leg_times`). A label is (objective so far, arrival
time) at a node; it is dropped when its arrival plus a lower bound of the remaining
time (reverse Dijkstra over in-motion hours + cut-off) misses the deadline, or when
``k`` labels at the node are no worse in both objective and arrival (FIFO schedules:
arriving earlier never hurts). Labels are expanded in order of objective + the ALT
lower bound, so the first ``k`` labels to reach the destination are the ``k`` best
on-time routes — exact, where "best k on the deadline, then the fastest" was not.

networkx has no resource-constrained shortest path, hence this loop.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

import networkx as nx

from .assumptions import IMPORT_RELEASE_HOURS
from .network import Network
from .query import Query
from .search import EdgeRef, alt_heuristic, edge_filter, edge_weight, leg_times

__all__ = ["on_time_best"]

#: Searches without --max-transshipments stop at this many legs.
MAX_LEGS = 8


def _time_bounds(net: Network, q: Query) -> dict[str, float]:
    """Lower bound of the hours from each node to the destination (reverse Dijkstra)."""
    h, _ = net.projection(
        ("lb_hours", q.filter_key()), edge_filter(net, q), lambda d: d["h"] + d["cutoff"]
    )
    return nx.single_source_dijkstra_path_length(h.reverse(copy=False), q.destination, weight="w")


def on_time_best(
    net: Network,
    q: Query,
    start: float,
    deadline: float,
    k: int = 1,
    weight: Callable[[str, str, str, dict], float] | None = None,
) -> list[list[EdgeRef]]:
    """The ``k`` best routes by ``q``'s objective arriving by ``deadline`` (epoch hours).

    ``weight(u, v, key, data)`` overrides the edge weight (the alternatives' penalties;
    it must not be lighter than the objective's, to keep the bound admissible).
    """
    o, d = q.origin, q.destination
    lb_t = _time_bounds(net, q)
    if o not in lb_t or start + lb_t[o] > deadline:
        return []
    base = edge_weight(q.objective)
    wf = weight or (lambda u, v, key, data: base(data))
    hf = alt_heuristic(net, q.objective, d, o)
    allowed = edge_filter(net, q)
    max_legs = q.max_legs if q.max_legs is not None else MAX_LEGS
    adj = net.graph._adj
    counter = itertools.count()
    # label: (f, g, arrival, legs, id, node, prev mode, parent index, edge)
    heap = [(hf(o), 0.0, start, 0, next(counter), o, None, -1, None)]
    labels: list[tuple[int, EdgeRef | None, str]] = []
    kept: dict[tuple, list[tuple[float, float]]] = {}
    found: list[list[EdgeRef]] = []
    while heap and len(found) < k:
        _, g, t, legs, _, n, prev, parent, edge = heapq.heappop(heap)
        cls = (n, prev if prev in IMPORT_RELEASE_HOURS else None)
        pool = kept.setdefault(cls, [])
        if sum(1 for pg, pt in pool if pg <= g and pt <= t) >= k:
            continue
        pool.append((g, t))
        labels.append((parent, edge, n))
        me = len(labels) - 1
        if n == d:
            found.append(_edges(labels, me))
            continue
        if legs >= max_legs:
            continue
        on_path = _nodes(labels, me)
        for v, keydict in adj[n].items():
            if v in on_path or v not in lb_t:
                continue
            for key, data in keydict.items():
                if allowed is not None and not allowed(n, v, key, data):
                    continue
                _, arr = leg_times(data, t, prev)
                if arr + lb_t[v] > deadline + 1e-9:
                    continue
                g2 = g + wf(n, v, key, data)
                cls2 = (v, data["mode"] if data["mode"] in IMPORT_RELEASE_HOURS else None)
                if sum(1 for pg, pt in kept.get(cls2, ()) if pg <= g2 and pt <= arr) >= k:
                    continue
                item = (g2 + hf(v), g2, arr, legs + 1, next(counter), v, data["mode"], me,
                        (n, v, key))  # fmt: skip
                heapq.heappush(heap, item)
    return found


def _edges(labels, idx: int) -> list[EdgeRef]:
    out = []
    while idx >= 0:
        parent, edge, _ = labels[idx]
        if edge is not None:
            out.append(edge)
        idx = parent
    return out[::-1]


def _nodes(labels, idx: int) -> set[str]:
    out = set()
    while idx >= 0:
        parent, _, node = labels[idx]
        out.add(node)
        idx = parent
    return out


def penalised_best(
    net: Network,
    q: Query,
    seen_edges: dict[EdgeRef, int],
    seen_services: dict[str, int],
    penalty: float,
    start: float,
    deadline: float | None,
) -> list[EdgeRef] | None:
    """The best route with lanes (and vessel services) already used weighing more.

    Each earlier use of a lane, or of another lane of the same sea service, adds
    ``penalty`` times its weight. Weights only grow, so the ALT bound stays admissible.
    With a deadline, the constrained search above; otherwise A* on the multigraph
    (``networkx.astar_path``; a weight function over a lane's parallel keys).
    """
    base = edge_weight(q.objective)
    allowed = edge_filter(net, q)

    def lane_weight(u: str, v: str, key: str, data: dict) -> float:
        uses = seen_edges.get((u, v, key), 0)
        if data["mode"] == "sea":
            uses += seen_services.get(data["service"], 0)
        return base(data) * (1.0 + penalty * uses)

    if deadline is not None:
        found = on_time_best(net, q, start, deadline, 1, lane_weight)
        return found[0] if found else None
    max_legs = q.max_legs

    def weight(u: str, v: str, keydict: dict) -> float | None:
        best = None
        for key, data in keydict.items():
            if allowed is not None and not allowed(u, v, key, data):
                continue
            w = lane_weight(u, v, key, data)
            if best is None or w < best:
                best = w
        return best

    heuristic = alt_heuristic(net, q.objective, q.destination, q.origin)
    try:
        path = nx.astar_path(net.graph, q.origin, q.destination, heuristic=heuristic,
                             weight=weight)  # fmt: skip
    except nx.NetworkXNoPath:
        return None
    if max_legs is not None and len(path) - 1 > max_legs:
        return None
    edges = []
    adj = net.graph._adj
    for u, v in zip(path, path[1:], strict=False):
        options = [
            (lane_weight(u, v, key, data), key)
            for key, data in adj[u][v].items()
            if allowed is None or allowed(u, v, key, data)
        ]
        edges.append((u, v, min(options)[1]))
    return edges
