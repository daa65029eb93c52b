"""Deadline-constrained search: the best routes by the objective that arrive in time.

A label-setting search over the multigraph with real schedules (each lane leaves at
its next weekly departure, after the cut-off, the transfer dwell and any import
release, as :func:`routing.schedules.leg_times`). A label is (objective so far, arrival
time) at a node; it is dropped when its arrival plus a lower bound of the remaining
time (ALT bounds over in-motion hours + cut-off) misses the deadline, or when
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
from .bestpath import _expand
from .core import core_graph, query_graph
from .edges import EdgeRef, _keys_along, alt_heuristic, edge_filter, edge_weight, projection
from .network import Network
from .query import Query
from .schedules import TimeBounds, leg_times

__all__ = ["on_time_best"]

#: Searches without --max-transshipments stop at this many legs.
MAX_LEGS = 8


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
    # ALT bounds (a reverse Dijkstra per query cost more than the search it pruned)
    lb_t = TimeBounds(net, q)
    if start + lb_t[o] > deadline:
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
            if v in on_path:
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
    heuristic = alt_heuristic(net, q.objective, q.destination, q.origin)
    if q.max_legs is None:
        return _penalised_core(net, q, seen_edges, seen_services, penalty, heuristic)
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


def _penalised_core(net, q, seen_edges, seen_services, penalty, heuristic):
    """The penalised search on the query's core graph (hubs only, ~220 nodes; fast).

    A core hop ``a -> b`` weighs ``1 + penalty`` more per earlier use of the pair (also
    through a feeder port, recorded as the two-step pair) and of its direct lane's service.
    """
    h, _ = projection(net, q)
    core = core_graph(h)
    o, d = q.origin, q.destination
    g = query_graph(core, h, o, d)
    pairs: dict[tuple[str, str], int] = {}
    for u, v, _key in seen_edges:
        pairs[(u, v)] = pairs.get((u, v), 0) + seen_edges[(u, v, _key)]
    hadj = h._adj

    def weight(a: str, b: str, attr: dict) -> float:
        uses = pairs.get((a, b), 0)
        direct = hadj[a].get(b)
        if direct is not None:
            uses += seen_services.get(direct["k"], 0)
        return attr["w"] * (1.0 + penalty * uses)

    try:
        path = nx.astar_path(g, o, d, heuristic=heuristic, weight=weight)
    except nx.NetworkXNoPath:
        return None
    return _keys_along(h, _expand(core, path, o, d))


#: Via-node candidates weigh at most this many times the best route (bounded stretch).
STRETCH = 2.0


def via_node_paths(net: Network, q: Query, best_weight: float | None = None, limit: int = 60):
    """Candidate alternatives by the via-node method, lightest first (no leg limit).

    One Dijkstra from the origin and one to the destination on the query's core graph
    give, for every hub ``v``, the lightest path through it: ``o -> v -> d``. Paths that
    are not simple are skipped; each is expanded to its lanes. This is the via-node
    method of alternative routes in road networks (Abraham, Delling, Goldberg, Werneck),
    cheap because both trees are computed once.
    """
    h, _ = projection(net, q)
    core = core_graph(h)
    o, d = q.origin, q.destination
    g = query_graph(core, h, o, d)
    if o not in g or d not in g:
        return
    cutoff = None if best_weight is None else STRETCH * best_weight * (1 + 1e-9) + 1e-9
    fwd_d, fwd_p = nx.single_source_dijkstra(g, o, cutoff=cutoff, weight="w")
    bwd_d, bwd_p = nx.single_source_dijkstra(g.reverse(copy=False), d, cutoff=cutoff, weight="w")
    vias = sorted(
        (fwd_d[v] + bwd_d[v], v)
        for v in fwd_d
        if v in bwd_d and v not in (o, d) and (cutoff is None or fwd_d[v] + bwd_d[v] <= cutoff)
    )
    candidates = [(w, fwd_p[v] + bwd_p[v][::-1][1:], None) for w, v in vias[:limit]]
    # The best path with one hop taken another way (another feeder port, or direct).
    best = fwd_p.get(d) or []
    ends = {o, d} & core.peripheral
    for i, (a, b) in enumerate(zip(best, best[1:], strict=False)):
        ways = core.hops.get((a, b), ())
        for w, via in ways[1:6]:
            if via not in ends:
                candidates.append((fwd_d[d] - ways[0][0] + w, best, (i, via)))
    candidates.sort(key=lambda c: c[0])
    seen: set[tuple] = set()
    for _, path, way in candidates:
        key = (tuple(path), way)
        if len(set(path)) != len(path) or key in seen:
            continue
        seen.add(key)
        if way is None:
            yield _keys_along(h, _expand(core, path, o, d))
        else:
            yield _keys_along(h, _reroute(core, path, o, d, *way))
    # The best route with one lane by another mode (rail instead of road, …).
    if best:
        yield from _mode_variants(net, q, _keys_along(h, _expand(core, best, o, d)))


def _mode_variants(net: Network, q: Query, edges: list[EdgeRef]):
    allowed = edge_filter(net, q)
    weight = edge_weight(q.objective)
    adj = net.graph._adj
    for i, (u, v, key) in enumerate(edges):
        mode = adj[u][v][key]["mode"]
        lightest: dict[str, tuple[float, str]] = {}
        for k, data in adj[u][v].items():
            if data["mode"] != mode and (allowed is None or allowed(u, v, k, data)):
                w = weight(data)
                if data["mode"] not in lightest or w < lightest[data["mode"]][0]:
                    lightest[data["mode"]] = (w, k)
        for _, k in sorted(lightest.values()):
            yield edges[:i] + [(u, v, k)] + edges[i + 1 :]


def _reroute(core, path: list[str], o: str, d: str, i: int, via: str) -> list[str]:
    """The expansion of a core path with hop ``i`` taken through ``via`` ("" = direct)."""
    head = _expand(core, path[: i + 1], o, d)
    tail = _expand(core, path[i + 1 :], o, d)
    return head + ([via] if via else []) + tail
