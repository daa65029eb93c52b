"""Route search over a :class:`~routing.network.Network`.

* :func:`best_path` - A* (networkx ``astar_path``) with the ALT heuristic
  (:mod:`routing.landmarks`: landmark distances and the triangle inequality, admissible
  and consistent under any filter) on the projection's small *core graph*
  (:class:`CoreGraph`: feeder ports folded into the hops between hubs); a leg-limited
  A* label search on the projection when ``max_transshipments`` is set.
* :func:`k_best` - Yen's k-shortest simple paths (spur paths by ALT A*) on the core
  graph, or on the projection with a leg limit, then the k cheapest choices of
  parallel carrier/service edges (and of feeder ports in a core hop) along them.
* :func:`pareto_set` - label-setting multi-criteria search (cost, time, CO2e) with
  per-node dominance, and pruning against the destination's labels using exact
  per-criterion lower bounds (reverse Dijkstra).
* :func:`earliest_arrival` - time-dependent Dijkstra on the multigraph with weekly
  departures, cut-offs and transshipment dwell (FIFO, so exact).

Edges excluded by a query are hidden by a filter (the projection keeps only allowed
edges; the networkx weight functions never see the rest). Everything derived from a
projection (core graph, bypassable edges) is cached on it; landmark tables on the
network.
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
from collections.abc import Callable

import networkx as nx

from .assumptions import IMPORT_RELEASE_HOURS, connection_hours
from .landmarks import Landmarks, mix_potential
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


#: The filter key of a query without filters (the unfiltered projections).
_NO_FILTERS = Query("", "", ()).filter_key()


def _unfiltered(net: Network, name: str) -> nx.DiGraph:
    objective = ((name, 1.0),)
    return net.projection((objective, _NO_FILTERS), None, edge_weight(objective))[0]


def alt_table(net: Network, name: str) -> Landmarks:
    """The ALT landmark table of criterion ``name`` (built or loaded on first use)."""
    return net.landmarks(CRITERIA[name], lambda: _unfiltered(net, name))


def _scaled(objective) -> list[tuple[str, float]]:
    # edge_weight: a single criterion is its raw attribute; a mix divides by MIX_SCALES.
    if len(objective) == 1:
        return [(objective[0][0], 1.0)]
    return [(name, w / MIX_SCALES[name]) for name, w in objective if w > 0]


def alt_heuristic(net: Network, objective, target: str, source: str | None = None):
    """``h(v) <= d(v, target)`` under ``objective`` and any filter: admissible, consistent."""
    return mix_potential(
        [(c, alt_table(net, name).to_target(target, source)) for name, c in _scaled(objective)]
    )


def _keys_along(h: nx.DiGraph, path: list[str]) -> list[EdgeRef]:
    adj = h._adj
    return [(u, v, adj[u][v]["k"]) for u, v in zip(path, path[1:], strict=False)]


# ------------------------------------------------------------------ best path
def bypassable(h: nx.DiGraph) -> dict[str, frozenset[str]]:
    """For each node ``u``, the successors ``v`` that no shortest path needs to visit.

    ``u -> v`` is bypassable when, for every other successor ``b`` of ``v``, ``u -> b``
    is an edge of ``h`` with ``w(u, b) <= w(u, v) + w(v, b)``: a path through
    ``u -> v -> b`` is then never cheaper than the same path with ``u -> b``, which
    has one edge less. So among the least-weight paths from any node to ``t`` there
    is one (the one with fewest edges) that uses no bypassable edge except possibly
    a last one into ``t`` itself; the same holds with a leg limit (it only removes
    legs). On the reference network about a third of the edges are bypassable: most
    are a hub's lanes to feeder ports, which the search then need not push. Cached
    on the projection (it depends on the projection only).
    """
    hit = h.graph.get("_bypassable")
    if hit is not None:
        return hit
    succ = h._adj
    out: dict[str, frozenset[str]] = {}
    for u, row in succ.items():
        skip = []
        for v, a in row.items():
            wuv = a["w"]
            for b, ab in succ[v].items():
                if b == u:
                    continue
                direct = row.get(b)
                if direct is None or direct["w"] > wuv + ab["w"]:
                    break
            else:
                skip.append(v)
        out[u] = frozenset(skip)
    h.graph["_bypassable"] = out
    return out


def best_path(net: Network, q: Query, objective=None) -> list[EdgeRef] | None:
    """The least-weight route's edges under ``q`` (None if there is none).

    A* (``networkx.astar_path``) with the ALT heuristic on the projection's core
    graph (:func:`query_graph`), each hop then expanded to its lightest way. With a
    leg limit (a core hop may be two legs), a leg-limited A* on the projection itself,
    skipping the edges :func:`bypassable` shows no shortest path needs.
    """
    objective = objective or q.objective
    h, _ = projection(net, q, objective)
    o, d = q.origin, q.destination
    heuristic = alt_heuristic(net, objective, d, o)
    if q.max_legs is not None:
        path = _leg_limited_astar(h, o, d, q.max_legs, heuristic, bypassable(h))
        return None if path is None else _keys_along(h, path)
    core = core_graph(h)
    g = query_graph(core, h, o, d)
    try:
        path = nx.astar_path(g, o, d, heuristic=heuristic, weight="w")
    except nx.NetworkXNoPath:
        return None
    return _keys_along(h, _expand(core, path, o, d))


def _expand(core: CoreGraph, path: list[str], o: str, d: str) -> list[str]:
    """A core path's lightest projection path (each hop by its lightest allowed way)."""
    ends = {o, d} & core.peripheral
    out = [path[0]]
    for u, v in zip(path, path[1:], strict=False):
        if not ((u == o and o in ends) or (v == d and d in ends)):
            via = next(via for _, via in core.hops[(u, v)] if via not in ends)
            if via:
                out.append(via)
        out.append(v)
    return out


def _leg_limited_astar(
    h: nx.DiGraph, source: str, target: str, max_legs: int, heuristic, skip=None, weight=None
):
    """A* over (node, legs) states: the cheapest path with at most ``max_legs`` edges.

    networkx has no resource-constrained search, hence this loop. ``skip`` are the
    :func:`bypassable` successors (never needed, except into ``target``); ``weight``
    (optional) is a networkx-style weight function, None hiding an edge.
    """
    hf = heuristic or (lambda n: 0.0)
    none: frozenset[str] = frozenset()
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
        bypass = skip.get(n, none) if skip is not None else none
        for v, attr in adj[n].items():
            if v in bypass and v != target:
                continue
            if legs + 1 < best_legs.get(v, max_legs + 1):
                w = attr["w"] if weight is None else weight(n, v, attr)
                if w is None:
                    continue
                g2 = g + w
                heapq.heappush(heap, (g2 + hf(v), g2, legs + 1, next(counter), v, me))
    return None


# ------------------------------------------------------------- k alternatives
def k_best(net: Network, q: Query, k: int, objective=None) -> list[tuple[float, list[EdgeRef]]]:
    """The ``k`` least-weight distinct routes (as edge lists with their weight), best first.

    Exact on the multigraph. Without a leg limit, Yen's algorithm (:func:`_yen`, spur
    paths by ``networkx.astar_path``) runs on the projection's small core graph
    (:class:`CoreGraph`), whose paths stand for whole families of projection paths;
    with one, on the projection itself with leg-limited spur searches. Each path then
    offers its cheapest combinations of parallel lanes (carriers/services) and, in a
    core hop, of feeder ports, merged in order. A route's weight is at least its
    path's, so the ``k`` best routes are among the combinations of the ``k`` best paths.
    """
    objective = objective or q.objective
    h, _ = projection(net, q, objective)
    o, d = q.origin, q.destination
    weight = edge_weight(objective)
    allowed = edge_filter(net, q)
    adj = net.graph._adj
    memo: dict[tuple[str, str], list[tuple[float, list[EdgeRef]]]] = {}

    def lanes(u: str, v: str) -> list[tuple[float, list[EdgeRef]]]:
        """The allowed parallel lanes u -> v as sorted ``(weight, [edge])`` options."""
        hit = memo.get((u, v))
        if hit is None:
            hit = memo[(u, v)] = sorted(
                (weight(data), [(u, v, key)])
                for key, data in adj[u][v].items()
                if allowed is None or allowed(u, v, key, data)
            )
        return hit

    heuristic = alt_heuristic(net, objective, d, o)
    if q.max_legs is None:
        hop_paths = _core_k_paths(h, o, d, k, lanes, heuristic)
    else:
        first = best_path(net, q, objective)
        if first is None:
            return []
        nodes = [o] + [v for _, v, _ in first]
        node_paths = _yen(h, nodes, k, heuristic, bypassable(h), q.max_legs)
        hop_paths = [
            [lanes(u, v) for u, v in zip(path, path[1:], strict=False)] for _, path in node_paths
        ]
    candidates: list[tuple[float, list[EdgeRef]]] = []
    for hops in hop_paths:
        for total, choice in _k_best_choices(hops, k):
            edges = [e for hop, c in zip(hops, choice, strict=True) for e in hop[c][1]]
            candidates.append((total, edges))
    candidates.sort(key=lambda c: (c[0], [e[2] for e in c[1]]))
    return candidates[:k]


# ------------------------------------------------------------------ core graph
class CoreGraph:
    """A projection's *core graph*: its paths without the pass-through ports.

    ``peripheral`` is an independent set of nodes with at most two neighbours (feeder
    ports, inland points): a simple path can only pass through one as ``a -> p -> b``
    between two core nodes. ``hops[(a, b)]`` lists every way from core node ``a`` to
    core node ``b`` in one step — the direct edge (``via`` = "") and each peripheral
    ``p`` (``via`` = p) — as ``(weight, via)`` sorted by weight. ``graph`` is the
    DiGraph of the core nodes with each hop's least weight ``w``. Simple paths of
    the projection between two core nodes are exactly the simple core paths with one
    ``via`` chosen per hop; on the reference network the core has ~220 nodes against
    ~4,000, and no hub's feeder fan-out is left in it.
    """

    __slots__ = ("graph", "hops", "peripheral")

    def __init__(self, h: nx.DiGraph):
        succ, pred = h._adj, h._pred
        peripheral: set[str] = set()
        for v in sorted(h):
            nbrs = (succ[v].keys() | pred[v].keys()) - {v}
            if len(nbrs) <= 2 and nbrs.isdisjoint(peripheral):
                peripheral.add(v)
        hops: dict[tuple[str, str], list[tuple[float, str]]] = {}
        for a, row in succ.items():
            if a in peripheral:
                continue
            for b, attr in row.items():
                if b != a and b not in peripheral:
                    hops.setdefault((a, b), []).append((attr["w"], ""))
        for p in peripheral:
            for a, ap in pred[p].items():
                for b, pb in succ[p].items():
                    if a != b and p not in (a, b):
                        hops.setdefault((a, b), []).append((ap["w"] + pb["w"], p))
        for opts in hops.values():
            opts.sort()
        g = nx.DiGraph()
        g.add_nodes_from(v for v in h if v not in peripheral)
        g.add_edges_from((a, b, {"w": opts[0][0]}) for (a, b), opts in hops.items())
        self.peripheral = frozenset(peripheral)
        self.hops = hops
        self.graph = g


def core_graph(h: nx.DiGraph) -> CoreGraph:
    """The :class:`CoreGraph` of projection ``h`` (cached on it)."""
    hit = h.graph.get("_core")
    if hit is None:
        hit = h.graph["_core"] = CoreGraph(h)
    return hit


def query_graph(core: CoreGraph, h: nx.DiGraph, o: str, d: str) -> nx.DiGraph:
    """The core graph for one query: ``o``/``d`` added if peripheral, no hop via them.

    Built copy-on-write over the cached core graph's adjacency rows (only the rows
    this query changes are copied), since copying the whole graph per query would
    cost more than the search. The cached graph is never modified.
    """
    base = core.graph
    g = nx.DiGraph()
    g._node.update(base._node)
    g._succ.update(base._succ)
    g._pred.update(base._pred)
    succ, pred = g._succ, g._pred

    def own(rows: dict, u: str) -> dict:
        row = rows[u] = dict(rows.get(u, {}))
        return row

    ends = {o, d} & core.peripheral
    for p in ends:  # an end cannot be passed through: take the next way, or none
        for a in h._pred[p]:
            for b in h._succ[p]:
                opts = core.hops.get((a, b))
                if not opts or opts[0][1] not in ends:
                    continue
                rest = [w for w, via in opts if via not in ends]
                if rest:
                    attr = {"w": rest[0]}
                    own(succ, a)[b] = attr
                    own(pred, b)[a] = attr
                elif b in succ.get(a, {}):
                    del own(succ, a)[b]
                    del own(pred, b)[a]
    if o in ends:
        g._node[o] = {}
        succ[o] = {b: {"w": attr["w"]} for b, attr in h._succ[o].items()}
        pred[o] = {}
        for b, attr in succ[o].items():
            own(pred, b)[o] = attr
    if d in ends:
        g._node[d] = {}
        pred[d] = {a: {"w": attr["w"]} for a, attr in h._pred[d].items()}
        succ[d] = {}
        for a, attr in pred[d].items():
            own(succ, a)[d] = attr
    return g


def _core_k_paths(h: nx.DiGraph, o: str, d: str, k: int, lanes, heuristic) -> list[list[list]]:
    """The k best paths from ``o`` to ``d`` as lists of hops, each hop its sorted options.

    Yen's algorithm (``networkx.shortest_simple_paths``) on :func:`query_graph`; a
    core hop's options are, over its ``k`` lightest ways (no other way can hold one of
    its ``k`` best options), the lanes of the direct edge and the ``k`` best lane pairs
    through each peripheral node.
    """
    core = core_graph(h)
    g = query_graph(core, h, o, d)
    ends = {o, d} & core.peripheral
    try:
        first = nx.astar_path(g, o, d, heuristic=heuristic, weight="w")
    except nx.NetworkXNoPath:
        return []
    paths = [path for _, path in _yen(g, first, k, heuristic)]
    out = []
    for path in paths:
        hops = []
        for u, v in zip(path, path[1:], strict=False):
            if (u == o and o in ends) or (v == d and d in ends):
                hops.append(lanes(u, v))
                continue
            items: list[tuple[float, list[EdgeRef]]] = []
            ways = 0
            for _, via in core.hops[(u, v)]:
                if via in ends:
                    continue
                if ways == k:
                    break
                ways += 1
                if not via:
                    items += lanes(u, v)[:k]
                else:
                    first, second = lanes(u, via), lanes(via, v)
                    for total, (i, j) in _k_best_choices([first, second], k):
                        items.append((total, first[i][1] + second[j][1]))
            items.sort()
            hops.append(items[:k])
        out.append(hops)
    return out


def _yen(
    g: nx.DiGraph,
    first: list[str],
    k: int,
    heuristic,
    skip: dict[str, frozenset[str]] | None = None,
    max_legs: int | None = None,
) -> list[tuple[float, list[str]]]:
    """Yen's k shortest simple paths of ``g`` (edge weight ``w``), best first; exact.

    ``first`` is a least-weight path. Yen's algorithm with Lawler's rule (a path
    spurs only from its deviation node on); each spur path is found by
    ``networkx.astar_path`` with the ALT ``heuristic`` (still admissible with Yen's
    removals: they only lengthen paths), the removed root nodes and spur edges
    hidden by a weight function returning None, and cut off at the weight that can
    still make the top ``k`` (once enough candidates are queued, a heavier spur path
    could never be accepted, nor could anything derived from it). ``skip``
    (:func:`bypassable`) hides edges no shortest path needs — except out of the spur
    node when Yen removed the shortcut that makes them so. With ``max_legs``, each
    spur search is the leg-limited A* with the legs the root leaves, so only routes
    within the limit come out.
    """
    d = first[-1]
    adj = g._adj
    none: frozenset[str] = frozenset()
    skip = skip or {}

    def weight_of(path) -> float:
        return sum(adj[u][v]["w"] for u, v in zip(path, path[1:], strict=False))

    found: list[tuple[float, list[str]]] = []
    counter = itertools.count()
    heap = [(weight_of(first), next(counter), first, 0)]
    seen = {tuple(first)}
    while heap:
        w, _, path, dev = heapq.heappop(heap)
        found.append((w, path))
        if len(found) >= k:
            break
        root_w = weight_of(path[: dev + 1])
        for j in range(dev, len(path) - 1):
            spur = path[j]
            root = path[: j + 1]
            banned = {p[j + 1] for _, p in found if len(p) > j + 1 and p[: j + 1] == root}
            blocked = set(root[:-1])
            need = k - len(found)
            limit = heapq.nsmallest(need, heap)[-1][0] if len(heap) >= need else math.inf
            spur_skip = {v for v in skip.get(spur, none) if v != d and banned.isdisjoint(adj[v])}

            def weight(u, v, attr, spur=spur, banned=banned, blocked=blocked, ss=spur_skip):
                if v in blocked:
                    return None
                if u == spur:
                    return None if v in banned or v in ss else attr["w"]
                return None if v in skip.get(u, none) and v != d else attr["w"]

            if max_legs is None:
                cutoff = None if math.isinf(limit) else max(limit - root_w, 0.0) * (1 + 1e-9)
                try:
                    tail = nx.astar_path(
                        g, spur, d, heuristic=heuristic, weight=weight, cutoff=cutoff
                    )
                except nx.NetworkXNoPath:
                    tail = None
            else:
                tail = _leg_limited_astar(g, spur, d, max_legs - j, heuristic, weight=weight)
            if tail is not None:
                cand = root[:-1] + tail
                key = tuple(cand)
                if key not in seen:
                    seen.add(key)
                    heapq.heappush(heap, (weight_of(cand), next(counter), cand, j))
            root_w += adj[spur][path[j + 1]]["w"]
    return found


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


def leg_times(data: dict, arrived: float, prev_mode: str | None) -> tuple[float, float]:
    """(ETD, ETA) of a lane for cargo at its origin at ``arrived`` (hours since epoch).

    ``prev_mode`` is the mode the cargo arrived by (None at the origin): the transfer
    dwell and, from a ship or aircraft onto land or inland water, the import release
    (:func:`routing.assumptions.connection_hours`) come first.
    """
    ready = arrived + connection_hours(prev_mode, data["mode"])
    dep = next_departure(ready + data["cutoff"], data["deps"])
    return dep, dep + data["h"]


def earliest_arrival(net: Network, q: Query, start: float) -> list[EdgeRef] | None:
    """The itinerary with the earliest arrival for cargo ready at ``start`` (epoch hours).

    Time-dependent Dijkstra over the multigraph: each lane departs at its next weekly
    departure after the cargo is ready and the cut-off is met; a transfer adds the
    dwell (and the import release after a ship or aircraft, so a label is a node and
    whether that release is pending). Departure functions are FIFO, so this is exact.
    With ``max_transshipments`` the labels also count legs.
    """
    o, d = q.origin, q.destination
    allowed = edge_filter(net, q)
    max_legs = q.max_legs
    adj = net.graph._adj
    counter = itertools.count()
    heap = [(start, 0, next(counter), o, None, -1, None)]
    best_legs: dict[tuple, int] = {}
    labels: list[tuple[int, EdgeRef | None]] = []
    cap = (max_legs + 1) if max_legs is not None else 1
    while heap:
        t, legs, _, n, prev, parent, edge = heapq.heappop(heap)
        state = legs if max_legs is not None else 0
        key = (n, prev if prev in IMPORT_RELEASE_HOURS else None)
        if state >= best_legs.get(key, cap):
            continue
        best_legs[key] = state
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
        nxt_state = legs + 1 if max_legs is not None else 0
        for v, keydict in adj[n].items():
            best: dict[str, tuple[float, str]] = {}  # next label class -> (arrival, key)
            for k, data in keydict.items():
                if allowed is not None and not allowed(n, v, k, data):
                    continue
                mode = data["mode"]
                release = mode if mode in IMPORT_RELEASE_HOURS else None
                if nxt_state >= best_legs.get((v, release), cap):
                    continue
                _, arr = leg_times(data, t, prev)
                cls = release or ""
                if cls not in best or arr < best[cls][0]:
                    best[cls] = (arr, k)
            for arr, k in best.values():
                mode = keydict[k]["mode"]
                heapq.heappush(heap, (arr, legs + 1, next(counter), v, mode, me, (n, v, k)))
    return None
