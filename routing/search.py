"""Route search over a :class:`~routing.network.Network`.

* :func:`best_path` - A* (networkx ``astar_path``) on the cached min-weight simple
  projection with a great-circle heuristic that is admissible and consistent for any
  objective (see :meth:`Network.projection`); a leg-limited A* label search when
  ``max_transshipments`` is set.
* :func:`k_best` - Yen's k-shortest simple paths (networkx ``shortest_simple_paths``)
  on the projection, restricted to the nodes that can lie on a path within a cost
  bound (exact: the bound grows until k paths fit under it), then the k cheapest
  choices of parallel carrier/service edges along those node paths.
* :func:`pareto_set` - label-setting multi-criteria search (cost, time, CO2e) with
  per-node dominance, and pruning against the destination's labels using exact
  per-criterion lower bounds (reverse Dijkstra).
* :func:`earliest_arrival` - time-dependent Dijkstra on the multigraph with weekly
  departures, cut-offs and transshipment dwell (FIFO, so exact).

Edges excluded by a query are hidden by a filter (the projection keeps only allowed
edges; the networkx weight functions never see the rest).
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
from collections.abc import Callable

import networkx as nx

from .assumptions import MIN_CONNECTION_HOURS, great_circle_km
from .network import WEEK_HOURS, Network
from .query import CRITERIA, MIX_SCALES, Query

__all__ = [
    "EdgeRef",
    "best_path",
    "earliest_arrival",
    "edge_filter",
    "edge_weight",
    "k_best",
    "next_departure",
    "pareto_set",
]

EdgeRef = tuple[str, str, str]  # (u, v, key)
#: Monday 1970-01-05 00:00 UTC, in hours after the unix epoch: weekly schedules anchor here.
WEEK_ANCHOR_HOURS = 96.0
#: Pareto searches without --max-transshipments stop at this many legs.
PARETO_MAX_LEGS = 6
#: With a leg limit, Yen gives up after skipping this many over-long paths.
YEN_MAX_PATHS = 2000


# ----------------------------------------------------------------- edge rules
def edge_filter(net: Network, q: Query) -> Callable[[str, str, str, dict], bool] | None:
    """A predicate ``(u, v, key, data) -> bool`` for the edges ``q`` allows (None: all)."""
    if not q.has_filters():
        return None
    amask = q.avoid_mask
    ports, countries = q.avoid_ports, q.avoid_countries
    modes, carriers = q.modes, q.carriers
    country = {code: p.country for code, p in net.ports.items()}

    def allowed(u: str, v: str, key: str, d: dict) -> bool:
        if amask and d["pmask"] & amask:
            return False
        if modes is not None and d["mode"] not in modes:
            return False
        if carriers is not None and d["carrier"] not in carriers:
            return False
        if ports and (u in ports or v in ports or not ports.isdisjoint(d["via"])):
            return False
        if countries:
            if country[u] in countries or country[v] in countries:
                return False
            for x in d["via"]:
                if country.get(x, x[:2]) in countries:
                    return False
        return True

    return allowed


def edge_weight(objective: tuple[tuple[str, float], ...]) -> Callable[[dict], float]:
    """The static weight of an edge under an objective (a mix divides by MIX_SCALES)."""
    if len(objective) == 1:
        return operator.itemgetter(CRITERIA[objective[0][0]])
    terms = [(CRITERIA[name], w / MIX_SCALES[name]) for name, w in objective]
    return lambda d: sum(d[attr] * c for attr, c in terms)


def projection(net: Network, q: Query, objective=None) -> tuple[nx.DiGraph, float]:
    objective = objective or q.objective
    return net.projection((objective, q.filter_key()), edge_filter(net, q), edge_weight(objective))


def _heuristic(net: Network, target: str, ratio: float):
    if ratio <= 0:
        return None
    lat, lon = net.coords(target)
    latlon = net._latlon

    def h(n: str, _target: str | None = None) -> float:
        a, b = latlon[n]
        return ratio * great_circle_km(a, b, lat, lon)

    return h


def _keys_along(h: nx.DiGraph, path: list[str]) -> list[EdgeRef]:
    adj = h._adj
    return [(u, v, adj[u][v]["k"]) for u, v in zip(path, path[1:], strict=False)]


# ------------------------------------------------------------------ best path
def best_path(net: Network, q: Query, objective=None) -> list[EdgeRef] | None:
    """The least-weight route's edges under ``q`` (None if there is none)."""
    h, ratio = projection(net, q, objective)
    heuristic = _heuristic(net, q.destination, ratio)
    if q.max_legs is not None:
        path = _leg_limited_astar(h, q.origin, q.destination, q.max_legs, heuristic)
        return None if path is None else _keys_along(h, path)
    objective = objective or q.objective
    try:
        if heuristic is not None and objective == (("distance", 1.0),):
            # Sea/road/air distances are all >= great-circle: a tight heuristic.
            path = nx.astar_path(h, q.origin, q.destination, heuristic=heuristic, weight="w")
        else:
            # For cost/time/CO2e the great-circle bound is loose (fixed per-leg charges
            # dominate short legs), and bidirectional Dijkstra settles fewer nodes.
            _, path = nx.bidirectional_dijkstra(h, q.origin, q.destination, weight="w")
    except nx.NetworkXNoPath:
        return None
    return _keys_along(h, path)


def _leg_limited_astar(h: nx.DiGraph, source: str, target: str, max_legs: int, heuristic):
    """A* over (node, legs) states: the cheapest path with at most ``max_legs`` edges."""
    hf = heuristic or (lambda n: 0.0)
    adj = h._adj
    counter = itertools.count()
    heap = [(hf(source), 0.0, 0, next(counter), source, -1)]
    parents: list[tuple[str, int]] = []
    best_legs: dict[str, int] = {}
    while heap:
        _, g, legs, _, n, parent = heapq.heappop(heap)
        if legs >= best_legs.get(n, max_legs + 1):
            continue
        best_legs[n] = legs
        parents.append((n, parent))
        if n == target:
            path, i = [], len(parents) - 1
            while i >= 0:
                node, i = parents[i]
                path.append(node)
            return path[::-1]
        if legs == max_legs:
            continue
        me = len(parents) - 1
        for v, attr in adj[n].items():
            if legs + 1 < best_legs.get(v, max_legs + 1):
                g2 = g + attr["w"]
                heapq.heappush(heap, (g2 + hf(v), g2, legs + 1, next(counter), v, me))
    return None


# ------------------------------------------------------------- k alternatives
def _path_weight(h: nx.DiGraph, path: list[str]) -> float:
    adj = h._adj
    return sum(adj[u][v]["w"] for u, v in zip(path, path[1:], strict=False))


def k_best(net: Network, q: Query, k: int, objective=None) -> list[tuple[float, list[EdgeRef]]]:
    """The ``k`` least-weight distinct routes (as edge lists with their weight), best first.

    Exact on the multigraph: node paths come from Yen's algorithm on the projection
    (pruned to a cost bound, which grows until ``k`` paths fit under it); each node
    path then offers its cheapest combinations of parallel edges, merged in order.
    """
    objective = objective or q.objective
    h, ratio = projection(net, q, objective)
    first = best_path(net, q, objective)
    if first is None:
        return []
    o, d = q.origin, q.destination
    best = _path_weight(h, [o] + [v for _, v, _ in first])
    node_paths = _yen_bounded(h, o, d, k, best, q.max_legs)
    weight = edge_weight(objective)
    allowed = edge_filter(net, q)
    adj = net.graph._adj
    candidates: list[tuple[float, list[EdgeRef]]] = []
    for _, path in node_paths:
        options = []
        for u, v in zip(path, path[1:], strict=False):
            opts = sorted(
                (weight(data), key)
                for key, data in adj[u][v].items()
                if allowed is None or allowed(u, v, key, data)
            )
            options.append(opts)
        for total, choice in _k_best_choices(options, k):
            edges = [
                (u, v, options[i][c][1])
                for i, ((u, v), c) in enumerate(
                    zip(zip(path, path[1:], strict=False), choice, strict=True)
                )
            ]
            candidates.append((total, edges))
    candidates.sort(key=lambda c: (c[0], [e[2] for e in c[1]]))
    return candidates[:k]


def _yen_bounded(h: nx.DiGraph, o: str, d: str, k: int, best: float, max_legs: int | None):
    """Yen's k shortest simple paths, on the nodes that fit under a growing cost bound.

    Every simple path of cost <= bound only visits nodes n with dist(o, n) + dist(n, d)
    <= bound, so on that subgraph the paths that come out under the bound are exactly
    the global ones, in order. With a leg limit, nodes are also pruned by hop counts
    and at most ``YEN_MAX_PATHS`` over-long paths are skipped before giving up.
    """
    rev = h.reverse(copy=False)
    hop_ok = None
    if max_legs is not None:
        hf = nx.single_source_shortest_path_length(h, o, cutoff=max_legs)
        hb = nx.single_source_shortest_path_length(rev, d, cutoff=max_legs)
        hop_ok = {n for n, x in hf.items() if n in hb and x + hb[n] <= max_legs}
    slack = 0.25
    while True:
        bound = best * (1 + slack) + 1e-9
        cutoff = None if math.isinf(bound) else bound
        df = nx.single_source_dijkstra_path_length(h, o, cutoff=cutoff, weight="w")
        db = nx.single_source_dijkstra_path_length(rev, d, cutoff=cutoff, weight="w")
        keep = [
            n
            for n, x in df.items()
            if n in db and x + db[n] <= bound and (hop_ok is None or n in hop_ok)
        ]
        kept = set(keep)
        sub = nx.DiGraph()
        sub.add_nodes_from(keep)
        sub.add_edges_from(
            (u, v, a) for u in keep for v, a in h._adj[u].items() if v in kept
        )  # a materialised copy: Yen's many spur searches run faster than on a view
        found, skipped = [], 0
        for path in nx.shortest_simple_paths(sub, o, d, weight="w"):
            c = _path_weight(h, path)
            if c > bound:
                break
            if max_legs is not None and len(path) - 1 > max_legs:
                skipped += 1
                if skipped > YEN_MAX_PATHS:
                    return found
                continue
            found.append((c, path))
            if len(found) >= k:
                return found
        if math.isinf(bound):
            return found
        slack = slack * 4 if slack < 16 else math.inf


def _k_best_choices(options: list[list[tuple[float, str]]], k: int):
    """The k cheapest index vectors over per-position sorted option lists (lazy heap)."""
    if any(not opts for opts in options):
        return []
    start = (0,) * len(options)
    heap = [(sum(opts[0][0] for opts in options), start)]
    seen = {start}
    out = []
    while heap and len(out) < k:
        total, choice = heapq.heappop(heap)
        out.append((total, choice))
        for i, c in enumerate(choice):
            if c + 1 < len(options[i]):
                nxt = choice[:i] + (c + 1,) + choice[i + 1 :]
                if nxt not in seen:
                    seen.add(nxt)
                    delta = options[i][c + 1][0] - options[i][c][0]
                    heapq.heappush(heap, (total + delta, nxt))
    return out


# ------------------------------------------------------------------- Pareto set
def pareto_set(net: Network, q: Query) -> list[list[EdgeRef]]:
    """Routes not dominated in (cost, static time, CO2e); label-setting search."""
    o, d = q.origin, q.destination
    allowed = edge_filter(net, q)
    lbs = []
    for name in ("cost", "time", "co2"):
        h, _ = projection(net, q, ((name, 1.0),))
        lbs.append(nx.single_source_dijkstra_path_length(h.reverse(copy=False), d, weight="w"))
    lb_c, lb_t, lb_e = lbs
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
    routes = []
    for _, idx in targets:
        edges = []
        while idx >= 0:
            parent, edge = labels[idx]
            if edge is not None:
                edges.append(edge)
            idx = parent
        routes.append(edges[::-1])
    return routes


# ------------------------------------------------------------------- schedules
def next_departure(ready: float, deps: tuple[float, ...]) -> float:
    """The first weekly departure at or after ``ready`` (hours since the unix epoch).

    ``deps`` are hours after Monday 00:00 UTC; an empty tuple means on demand.
    """
    if not deps:
        return ready
    week_pos = (ready - WEEK_ANCHOR_HOURS) % WEEK_HOURS
    base = ready - week_pos
    for dep in deps:
        if dep >= week_pos - 1e-9:
            return base + dep
    return base + WEEK_HOURS + deps[0]


def leg_times(data: dict, arrived: float, first: bool) -> tuple[float, float]:
    """(ETD, ETA) of a lane for cargo at its origin at ``arrived`` (hours since epoch)."""
    ready = arrived if first else arrived + MIN_CONNECTION_HOURS[data["mode"]]
    dep = next_departure(ready + data["cutoff"], data["deps"])
    return dep, dep + data["h"]


def earliest_arrival(net: Network, q: Query, start: float) -> list[EdgeRef] | None:
    """The itinerary with the earliest arrival for cargo ready at ``start`` (epoch hours).

    Time-dependent Dijkstra over the multigraph: each lane departs at its next weekly
    departure after the cargo is ready and the cut-off is met; a transfer adds the
    minimum connection (dwell) time. Departure functions are FIFO, so this is exact.
    With ``max_transshipments`` the labels are (node, legs) pairs.
    """
    o, d = q.origin, q.destination
    allowed = edge_filter(net, q)
    max_legs = q.max_legs
    adj = net.graph._adj
    counter = itertools.count()
    heap = [(start, 0, next(counter), o, -1, None)]
    best_legs: dict[str, int] = {}
    labels: list[tuple[int, EdgeRef | None]] = []
    cap = (max_legs + 1) if max_legs is not None else 1
    while heap:
        t, legs, _, n, parent, edge = heapq.heappop(heap)
        state = legs if max_legs is not None else 0
        if state >= best_legs.get(n, cap):
            continue
        best_legs[n] = state
        labels.append((parent, edge))
        me = len(labels) - 1
        if n == d:
            edges = []
            idx = me
            while idx >= 0:
                parent, e = labels[idx]
                if e is not None:
                    edges.append(e)
                idx = parent
            return edges[::-1]
        if max_legs is not None and legs >= max_legs:
            continue
        first = n == o
        nxt_state = legs + 1 if max_legs is not None else 0
        for v, keydict in adj[n].items():
            if nxt_state >= best_legs.get(v, cap):
                continue
            best_t, best_k = math.inf, None
            for key, data in keydict.items():
                if allowed is not None and not allowed(n, v, key, data):
                    continue
                _, arr = leg_times(data, t, first)
                if arr < best_t:
                    best_t, best_k = arr, key
            if best_k is not None:
                heapq.heappush(heap, (best_t, legs + 1, next(counter), v, me, (n, v, best_k)))
    return None
