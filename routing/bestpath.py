"""Best path: A* with the ALT heuristic on the core graph, or leg-limited A*."""

from __future__ import annotations

import heapq
import itertools

import networkx as nx

from .core import CoreGraph, bypassable, core_graph, query_graph
from .edges import EdgeRef, _keys_along, alt_heuristic, projection
from .network import Network
from .query import Query


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
