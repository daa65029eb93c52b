"""The Pareto set in (cost, static time, CO2e): label-setting multi-criteria search."""

from __future__ import annotations

import heapq
import itertools

import networkx as nx

from .edges import EdgeRef, edge_filter, projection, trace_back
from .network import Network
from .query import Query

#: Pareto searches without --max-transshipments stop at this many legs.
PARETO_MAX_LEGS = 6


def pareto_set(net: Network, q: Query) -> list[list[EdgeRef]]:
    """Routes not dominated in (cost, static time, CO2e); label-setting search."""
    o, d = q.origin, q.destination
    allowed = edge_filter(net, q)
    lb_c, lb_t, lb_e = _lower_bounds(net, q)
    if o not in lb_c:
        return []
    limit = q.max_legs if q.max_legs is not None else PARETO_MAX_LEGS
    use_legs = q.max_legs is not None
    adj = net.graph._adj
    counter = itertools.count()
    heap = [(0.0, 0.0, 0.0, 0, next(counter), o, -1, None)]
    settled: dict[str, list[tuple[float, float, float, int]]] = {}
    labels: list[tuple[int, EdgeRef | None]] = []
    targets: list[tuple[tuple[float, float, float, int], int]] = []

    def dominated(vec, pool) -> bool:
        c, t, e, n = vec
        for pc, pt, pe, pn in pool:
            if pc <= c and pt <= t and pe <= e and (not use_legs or pn <= n):
                return True
        return False

    while heap:
        c, t, e, legs, _, n, parent, edge = heapq.heappop(heap)
        vec = (c, t, e, legs)
        pool = settled.setdefault(n, [])
        if dominated(vec, pool):
            continue
        if targets and dominated(
            (c + lb_c[n], t + lb_t[n], e + lb_e[n], legs), [v for v, _ in targets]
        ):
            continue
        pool.append(vec)
        labels.append((parent, edge))
        me = len(labels) - 1
        if n == d:
            targets.append((vec, me))
            continue
        if legs >= limit:
            continue
        for v, keydict in adj[n].items():
            if v not in lb_c:
                continue
            for key, data in keydict.items():
                if allowed is not None and not allowed(n, v, key, data):
                    continue
                nv = (c + data["cost"], t + data["tw"], e + data["co2"], legs + 1)
                if dominated(nv, settled.get(v, ())):
                    continue
                bound = (nv[0] + lb_c[v], nv[1] + lb_t[v], nv[2] + lb_e[v], nv[3])
                if targets and dominated(bound, [x for x, _ in targets]):
                    continue
                heapq.heappush(heap, (*nv[:3], nv[3], next(counter), v, me, (n, v, key)))
    return [trace_back(labels, idx) for _, idx in targets]


def _lower_bounds(net: Network, q: Query) -> list[dict[str, float]]:
    """Exact per-criterion (cost, time, CO2e) distances to the destination, by node."""
    lbs = []
    for name in ("cost", "time", "co2"):
        h, _ = projection(net, q, ((name, 1.0),))
        rev = h.reverse(copy=False)
        lbs.append(nx.single_source_dijkstra_path_length(rev, q.destination, weight="w"))
    return lbs
