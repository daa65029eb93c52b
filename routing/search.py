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
* :func:`earliest_arrival` - time-dependent A* on the multigraph with weekly
  departures, cut-offs and transshipment dwell (FIFO, so exact).

Edges excluded by a query are hidden by a filter (the projection keeps only allowed
edges; the networkx weight functions never see the rest). Everything derived from a
projection (core graph, bypassable edges) is cached on it; landmark tables on the
network.

This module is the public face of the searches; each algorithm lives in its own module:
:mod:`routing.edges` (filters, weights, projections, ALT heuristic), :mod:`routing.core`
(core graph, bypassable edges), :mod:`routing.bestpath`, :mod:`routing.kbest`,
:mod:`routing.pareto` and :mod:`routing.schedules`.
"""

from __future__ import annotations

from .bestpath import best_path
from .core import CoreGraph, bypassable, core_graph, query_graph
from .edges import (
    EdgeRef,
    alt_heuristic,
    alt_table,
    edge_filter,
    edge_weight,
    projection,
)
from .kbest import k_best
from .pareto import PARETO_MAX_LEGS, pareto_set
from .schedules import WEEK_ANCHOR_HOURS, earliest_arrival, leg_times, next_departure

__all__ = [
    "PARETO_MAX_LEGS",
    "WEEK_ANCHOR_HOURS",
    "CoreGraph",
    "EdgeRef",
    "alt_heuristic",
    "alt_table",
    "best_path",
    "bypassable",
    "core_graph",
    "earliest_arrival",
    "edge_filter",
    "edge_weight",
    "k_best",
    "leg_times",
    "next_departure",
    "pareto_set",
    "projection",
    "query_graph",
]
