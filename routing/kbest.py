"""The k best routes: Yen's k shortest simple paths, then the cheapest lane choices."""

from __future__ import annotations

import heapq
import itertools
import math

import networkx as nx

from .bestpath import _leg_limited_astar, best_path
from .core import bypassable, core_graph, query_graph
from .edges import EdgeRef, alt_heuristic, edge_filter, edge_weight, projection
from .network import Network
from .query import Query


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
            need = k - len(found)
            limit = heapq.nsmallest(need, heap)[-1][0] if len(heap) >= need else math.inf
            weight = _spur_weight(adj, spur, d, banned, set(root[:-1]), skip)
            legs_left = None if max_legs is None else max_legs - j
            tail = _spur_tail(g, spur, d, heuristic, weight, limit, root_w, legs_left)
            if tail is not None:
                cand = root[:-1] + tail
                key = tuple(cand)
                if key not in seen:
                    seen.add(key)
                    heapq.heappush(heap, (weight_of(cand), next(counter), cand, j))
            root_w += adj[spur][path[j + 1]]["w"]
    return found


def _spur_weight(adj, spur: str, d: str, banned: set, blocked: set, skip: dict):
    """Yen's spur-search weight: root nodes, banned spur edges and bypassable edges hidden.

    A bypassable successor of the spur node stays usable when Yen removed the shortcut
    that made it bypassable (one of its successors is banned).
    """
    none: frozenset[str] = frozenset()
    spur_skip = {v for v in skip.get(spur, none) if v != d and banned.isdisjoint(adj[v])}

    def weight(u, v, attr):
        if v in blocked:
            return None
        if u == spur:
            return None if v in banned or v in spur_skip else attr["w"]
        return None if v in skip.get(u, none) and v != d else attr["w"]

    return weight


def _spur_tail(g, spur, d, heuristic, weight, limit, root_w, legs_left):
    """A spur path from ``spur`` to ``d`` (None if none): A* cut off where it cannot make
    the top k (``limit`` less the root's weight ``root_w``), or leg-limited A*."""
    if legs_left is not None:
        return _leg_limited_astar(g, spur, d, legs_left, heuristic, weight=weight)
    cutoff = None if math.isinf(limit) else max(limit - root_w, 0.0) * (1 + 1e-9)
    try:
        return nx.astar_path(g, spur, d, heuristic=heuristic, weight=weight, cutoff=cutoff)
    except nx.NetworkXNoPath:
        return None


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
