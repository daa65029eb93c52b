"""Routing benchmark on the reference network (a benchmark, not a timed test).

Over a fixed, seeded set of origin-destination pairs it times, per query:

* best route (``routing.propose``, cost objective, A* on the cached projection),
  side by side with python-igraph's Dijkstra and a plain ``networkx.dijkstra_path``
  on the same graph and weights;
* k = 5 alternatives, against the baseline ``networkx.shortest_simple_paths`` on the
  min-weight simple-graph projection;
* the Pareto set (cost, time, CO2e) and the schedule-aware earliest-arrival itinerary;
* realism: how many lanes of ``routing.realism.LANES`` (published transit ranges,
  expected corridors, no land leg across water, no absurd detour) the network passes
  (``realism_lanes``, ``realism_pass``, and the failing lanes' ids);

plus the network's load time and memory. ``run()`` returns the figures; running the
module prints them as JSON and writes them to ``reports/routing_bench.json``.

Usage::

    .venv/bin/python -m benchmarks.routing_bench [--pairs 200] [--out FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import random
import statistics
import sys
import time
import tracemalloc
from itertools import islice
from pathlib import Path

import networkx as nx

import routing
from routing import load as network_module
from routing.realism import LANES, check

DEPART = "2025-03-03T00:00:00+00:00"
SEED = 20250303
DEFAULT_PAIRS = 200


def _pairs(net: routing.Network, n: int) -> list[tuple[str, str]]:
    """A fixed set of pairs: seeded sample of connected nodes (ports, airports, inland)."""
    nodes = sorted(v for v in net.graph if net.graph.out_degree(v) and net.graph.in_degree(v))
    rng = random.Random(SEED)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < n:
        a, b = rng.sample(nodes, 2)
        pairs.append((a, b))
    return pairs


def _ms(samples: list[float]) -> tuple[float, float]:
    xs = sorted(samples)
    p95 = xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]
    return round(statistics.median(xs) * 1000, 3), round(p95 * 1000, 3)


def _time(fn, pairs) -> list[float]:
    out = []
    for o, d in pairs:
        t = time.perf_counter()
        with contextlib.suppress(routing.NoRoute, nx.NetworkXNoPath):
            fn(o, d)
        out.append(time.perf_counter() - t)
    return out


def _load_figures() -> tuple[float, float]:
    loads = []
    for _ in range(3):
        network_module._CACHE.clear()
        gc.collect()
        t = time.perf_counter()
        routing.load_network()
        loads.append(time.perf_counter() - t)
    network_module._CACHE.clear()
    gc.collect()
    tracemalloc.start()
    routing.load_network()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(statistics.median(loads) * 1000, 1), round(current / 2**20, 1)


def _igraph(net: routing.Network):
    """The same multigraph and cost weights in igraph, or None if igraph is missing."""
    try:
        import igraph as ig
    except ImportError:
        return None, None
    index = {v: i for i, v in enumerate(net.graph)}
    edges, weights = [], []
    for u, v, d in net.graph.edges(data=True):
        edges.append((index[u], index[v]))
        weights.append(d["cost"])
    g = ig.Graph(n=len(index), edges=edges, directed=True)
    g.es["w"] = weights
    return g, index


def run(n_pairs: int = DEFAULT_PAIRS) -> dict:
    """Run the benchmark; returns figures (milliseconds unless named otherwise)."""
    load_ms, mem_mb = _load_figures()
    net = routing.load_network()
    pairs = _pairs(net, n_pairs)
    figures = _query_figures(net, pairs)
    failing = [lane.id for lane in LANES if check(net, lane)]
    figures["realism_lanes"] = len(LANES)
    figures["realism_pass"] = len(LANES) - len(failing)
    figures["realism_failing"] = failing

    result = {
        "pairs": len(pairs),
        "network_ports": len(net.ports),
        "network_lanes": net.graph.number_of_edges(),
        "network_load_ms": load_ms,
        "network_mem_mb": mem_mb,
        **figures,
    }
    ig_ms = result["igraph_best_median_ms"]
    result["best_vs_igraph_ratio"] = round(result["best_median_ms"] / ig_ms, 2) if ig_ms else 0.0
    result["k5_speedup_vs_baseline"] = round(
        result["baseline_k5_median_ms"] / max(result["k5_median_ms"], 1e-9), 2
    )
    return result


def _query_figures(net: routing.Network, pairs) -> dict:
    """Median and p95 of each kind of query over the pairs, ours beside its baseline."""
    queries = _queries(net)
    queries["best"](*pairs[0])  # warm the projection cache once, like any long-running process
    figures = _timing("best", queries["best"], pairs)
    figures.update(_igraph_figures(net, pairs))
    for name in ("baseline_best", "k5", "baseline_k5", "pareto", "schedule"):
        figures.update(_timing(name, queries[name], pairs))
    return figures


def _queries(net: routing.Network) -> dict:
    """Each kind of query by its figures' name: routing's, and the networkx baselines."""

    def best(o, d):
        return routing.propose(net, o, d, depart_after=DEPART)

    def k5(o, d):
        return routing.propose(net, o, d, alternatives=5, depart_after=DEPART)

    def pareto(o, d):
        return routing.propose(net, o, d, pareto=True, depart_after=DEPART)

    def sched(o, d):
        return routing.propose(net, o, d, objective="time", depart_after=DEPART)

    def baseline(o, d):
        return nx.dijkstra_path(net.graph, o, d, weight="cost")

    # The baseline's min-weight simple projection is built once, outside the timings.
    simple = nx.DiGraph()
    for u, v, d in net.graph.edges(data=True):
        if not simple.has_edge(u, v) or d["cost"] < simple[u][v]["w"]:
            simple.add_edge(u, v, w=d["cost"])

    def baseline_k5(o, d):
        return list(islice(nx.shortest_simple_paths(simple, o, d, weight="w"), 5))

    return {
        "best": best,
        "k5": k5,
        "pareto": pareto,
        "schedule": sched,
        "baseline_best": baseline,
        "baseline_k5": baseline_k5,
    }


def _igraph_figures(net: routing.Network, pairs) -> dict:
    """python-igraph's Dijkstra on the same graph and weights (NaN when igraph is missing)."""
    g, index = _igraph(net)
    if g is None:
        return {"igraph_best_median_ms": float("nan")}

    def igraph_best(o, d):
        return g.get_shortest_path(index[o], index[d], weights="w", output="vpath")

    return _timing("igraph_best", igraph_best, pairs)


def _timing(name: str, fn, pairs) -> dict:
    median, p95 = _ms(_time(fn, pairs))
    return {f"{name}_median_ms": median, f"{name}_p95_ms": p95}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=DEFAULT_PAIRS)
    parser.add_argument("--out", default="reports/routing_bench.json")
    args = parser.parse_args(argv)
    result = run(args.pairs)
    text = json.dumps(result, indent=2)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
