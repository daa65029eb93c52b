"""A projection's *core graph* and its bypassable edges (both cached on the projection)."""

from __future__ import annotations

import networkx as nx


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
