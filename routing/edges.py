"""Edge rules shared by every search: filters, weights, projections, ALT heuristics.

Edges excluded by a query are hidden by a filter (the projection keeps only allowed
edges; the networkx weight functions never see the rest). Landmark tables are cached
on the network.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

import networkx as nx

from .landmarks import Landmarks, mix_potential
from .network import Network
from .query import CRITERIA, MIX_SCALES, Query

EdgeRef = tuple[str, str, str]  # (u, v, key)


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


def trace_back(labels: list[tuple[int, EdgeRef | None]], idx: int) -> list[EdgeRef]:
    """The edges of a label-setting search's path to label ``idx``, first edge first.

    ``labels[i]`` is ``(parent index, edge into the label)``; the root's parent is -1.
    """
    edges = []
    while idx >= 0:
        idx, edge = labels[idx]
        if edge is not None:
            edges.append(edge)
    return edges[::-1]
