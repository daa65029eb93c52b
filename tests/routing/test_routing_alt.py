"""ALT heuristic, core graph and Yen: exactness against plain searches (no timings).

* the landmark bound never exceeds the true distance (and is consistent) under random
  filters and objectives;
* ALT-A* on the core graph finds the same least weight as plain Dijkstra;
* k alternatives match plain Yen (``networkx.shortest_simple_paths``) on the
  projection, and brute force on small random multigraphs (hypothesis);
* landmark tables survive the disk cache; the cached core graph is never modified.
"""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from routing_kit import lane, make_network

from routing import landmarks, search
from routing.edges import _unfiltered
from routing.query import make_query

FILTERS = [
    {},
    {"avoid_passages": "suez"},
    {"avoid_passages": "suez,panama,malacca"},
    {"modes": "sea,road"},
    {"avoid_countries": "SG,EG"},
    {"avoid_ports": "NLRTM,CNSHA,SGSIN"},
]
OBJECTIVES = ["cost", "time", "co2", "distance", "cost=0.7,time=0.3", "co2=1,distance=2"]


def _nodes(net):
    return sorted(v for v in net.graph if net.graph.out_degree(v) and net.graph.in_degree(v))


def _query(net, o, d, **kw):
    try:
        return make_query(net, o, d, **kw)
    except Exception:  # an end is an avoided port/country: not a query
        return None


def _route_weight(net, q, edges):
    weight = search.edge_weight(q.objective)
    return sum(weight(net.graph[u][v][key]) for u, v, key in edges)


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def test_alt_heuristic_is_admissible_and_consistent(reference):
    rng = random.Random(7)
    nodes = _nodes(reference)
    for trial in range(12):
        t, s = rng.sample(nodes, 2)
        filters = FILTERS[trial % len(FILTERS)]
        objective = OBJECTIVES[trial % len(OBJECTIVES)]
        q = _query(reference, s, t, objective=objective, **filters)
        if q is None:
            continue
        h, _ = search.projection(reference, q)
        heuristic = search.alt_heuristic(reference, q.objective, t, s)
        exact = nx.single_source_dijkstra_path_length(h.reverse(copy=False), t, weight="w")
        for v in rng.sample(nodes, 300):
            if v in exact:
                assert heuristic(v) <= exact[v] * (1 + 1e-9) + 1e-9, (objective, filters, v, t)
        for u, v, w in itertools.islice(h.edges(data="w"), 0, None, 7):
            assert heuristic(u) <= w + heuristic(v) + 1e-6 * max(1.0, w), (u, v)
        assert heuristic(t) <= 1e-9


def test_alt_lower_bound_all_landmarks(reference):
    table = search.alt_table(reference, "cost")
    assert len(table.marks) == landmarks.N_LANDMARKS
    h = _unfiltered(reference, "cost")
    rng = random.Random(3)
    nodes = _nodes(reference)
    for _ in range(5):
        u = rng.choice(nodes)
        dist = nx.single_source_dijkstra_path_length(h, u, weight="w")
        for v in rng.sample(nodes, 200):
            if v in dist:
                assert table.lower_bound(u, v) <= dist[v] * (1 + 1e-9) + 1e-9


def test_alt_astar_matches_dijkstra(reference):
    rng = random.Random(11)
    nodes = _nodes(reference)
    checked = 0
    for trial in range(90):
        o, d = rng.sample(nodes, 2)
        q = _query(
            reference,
            o,
            d,
            objective=OBJECTIVES[trial % len(OBJECTIVES)],
            **FILTERS[trial % len(FILTERS)],
        )
        if q is None:
            continue
        h, _ = search.projection(reference, q)
        edges = search.best_path(reference, q)
        try:
            expected = nx.dijkstra_path_length(h, o, d, weight="w")
        except nx.NetworkXNoPath:
            assert edges is None
            continue
        assert edges is not None and edges[0][0] == o and edges[-1][1] == d
        assert all(a[1] == b[0] for a, b in zip(edges, edges[1:], strict=False))
        assert _close(_route_weight(reference, q, edges), expected), (o, d, q.objective)
        checked += 1
    assert checked > 50


def _hop_limited(h, o, d, max_legs):
    """Least weight from o to d with at most max_legs edges (Bellman-Ford rounds)."""
    best = {o: 0.0}
    for _ in range(max_legs):
        nxt = dict(best)
        for u, x in best.items():
            for v, a in h._adj[u].items():
                if x + a["w"] < nxt.get(v, math.inf):
                    nxt[v] = x + a["w"]
        best = nxt
    return best.get(d)


def test_leg_limited_best_path_matches_hop_limited_dp(reference):
    rng = random.Random(5)
    nodes = _nodes(reference)
    for trial in range(30):
        o, d = rng.sample(nodes, 2)
        q = _query(reference, o, d, max_transshipments=trial % 3, **FILTERS[trial % 3])
        if q is None:
            continue
        h, _ = search.projection(reference, q)
        expected = _hop_limited(h, o, d, q.max_legs)
        edges = search.best_path(reference, q)
        if expected is None:
            assert edges is None
        else:
            assert len(edges) <= q.max_legs
            assert _close(_route_weight(reference, q, edges), expected)


@pytest.mark.parametrize("seed", range(4))
def test_k_best_matches_plain_yen(reference, seed):
    rng = random.Random(100 + seed)
    nodes = _nodes(reference)
    done = 0
    while done < 3:
        o, d = rng.sample(nodes, 2)
        k = rng.choice([2, 5, 8])
        q = _query(reference, o, d, alternatives=k, **FILTERS[(seed + done) % len(FILTERS)])
        if q is None:
            continue
        try:
            expected = _plain_k_best_exact(reference, q, k)
        except nx.NetworkXNoPath:
            assert search.k_best(reference, q, k) == []
            done += 1
            continue
        got = search.k_best(reference, q, k)
        assert [round(w, 6) for w, _ in got] == [round(w, 6) for w in expected]
        for w, edges in got:
            assert _close(_route_weight(reference, q, edges), w)
        assert len({tuple(e) for _, e in got}) == len(got)
        done += 1


def _plain_k_best_exact(net, q, k):
    """Plain Yen on the projection, reading node paths until none can still place."""
    h, _ = search.projection(net, q)
    weight = search.edge_weight(q.objective)
    allowed = search.edge_filter(net, q)
    found: list[float] = []
    for path in nx.shortest_simple_paths(h, q.origin, q.destination, weight="w"):
        floor = sum(h[u][v]["w"] for u, v in zip(path, path[1:], strict=False))
        if len(found) >= k and floor > sorted(found)[k - 1]:
            break
        lanes = [
            sorted(
                weight(data)
                for key, data in net.graph[u][v].items()
                if allowed is None or allowed(u, v, key, data)
            )[:k]
            for u, v in zip(path, path[1:], strict=False)
        ]
        found += [sum(c) for c in itertools.product(*lanes)]
    return sorted(found)[:k]


# ------------------------------------------------------------- small random graphs
CODES = [f"XX{c}{c}{c}" for c in "ABCDEFGH"]


@st.composite
def small_networks(draw):
    n = draw(st.integers(4, 8))
    codes = CODES[:n]
    pairs = [(a, b) for a in codes for b in codes if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=3, max_size=22))
    lanes = []
    for i, (a, b) in enumerate(chosen):
        lanes.append(
            {
                "from": a,
                "to": b,
                "cost": float(draw(st.integers(0, 40))),
                "hours": float(draw(st.integers(1, 30))),
                "carrier": draw(st.sampled_from(["Acme", "Bolt"])),
                "service": f"S{i}",
                "passages": draw(st.sampled_from([(), ("suez",)])),
            }
        )
    present = sorted({x["from"] for x in lanes} | {x["to"] for x in lanes})
    o, d = draw(st.sampled_from([(a, b) for a in present for b in present if a != b]))
    return lanes, o, d


def _brute_force(net, q, k):
    weight = search.edge_weight(q.objective)
    allowed = search.edge_filter(net, q)
    g = net.graph
    totals = []
    for path in nx.all_simple_edge_paths(g, q.origin, q.destination):
        if q.max_legs is not None and len(path) > q.max_legs:
            continue
        if allowed is not None and not all(allowed(u, v, key, g[u][v][key]) for u, v, key in path):
            continue
        totals.append(sum(weight(g[u][v][key]) for u, v, key in path))
    return sorted(totals)[:k]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    small_networks(),
    st.sampled_from(["cost", "time", "cost=0.5,time=0.5"]),
    st.sampled_from([None, 0, 1, 2]),
    st.booleans(),
    st.integers(1, 6),
)
def test_small_graphs_match_brute_force(case, objective, max_ts, avoid, k):
    lanes, o, d = case
    net = make_network(
        [
            lane(
                x["from"],
                x["to"],
                cost=x["cost"],
                hours=x["hours"],
                carrier=x["carrier"],
                service=x["service"],
                passages=x["passages"],
            )
            for x in lanes
        ]
    )
    q = make_query(
        net,
        o,
        d,
        objective=objective,
        alternatives=k,
        max_transshipments=max_ts,
        avoid_passages="suez" if avoid else (),
    )
    expected = _brute_force(net, q, k)
    got = search.k_best(net, q, k)
    assert [round(w, 6) for w, _ in got] == [round(w, 6) for w in expected]
    best = search.best_path(net, q)
    if expected:
        assert best is not None and _close(_route_weight(net, q, best), expected[0])
        assert q.max_legs is None or len(best) <= q.max_legs
    else:
        assert best is None


@st.composite
def scheduled_networks(draw):
    """Small multigraphs of weekly services by sea, air and road (cut-offs, import release)."""
    lanes, o, d = draw(small_networks())
    for x in lanes:
        x["mode"] = draw(st.sampled_from(["sea", "air", "road"]))
        x["cutoff"] = float(draw(st.integers(0, 30)))
        hours = st.integers(0, 7 * 24 - 1).map(float)
        weekly = sorted(set(draw(st.lists(hours, max_size=3))))
        x["departures"] = [] if x["mode"] == "road" else weekly
    return lanes, o, d, draw(st.integers(0, 14 * 24))


def _earliest_by_brute_force(net, q, start):
    """The least arrival over every simple path, each scheduled lane by lane."""
    g, best = net.graph, None
    for path in nx.all_simple_edge_paths(g, q.origin, q.destination):
        if q.max_legs is not None and len(path) > q.max_legs:
            continue
        t, prev = start, None
        for u, v, key in path:
            t = search.leg_times(g[u][v][key], t, prev)[1]
            prev = g[u][v][key]["mode"]
        best = t if best is None else min(best, t)
    return best


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scheduled_networks(), st.sampled_from([None, 0, 1]))
def test_earliest_arrival_is_the_earliest_of_every_path(case, max_ts):
    """The goal-directed (A*) time-dependent search finds the earliest arrival there is."""
    lanes, o, d, offset = case
    net = make_network(
        [
            lane(x["from"], x["to"], mode=x["mode"], hours=x["hours"], carrier=x["carrier"],
                 service=x["service"], departures=x["departures"], cutoff=x["cutoff"])
            for x in lanes
        ]
    )  # fmt: skip
    q = make_query(net, o, d, objective="time", max_transshipments=max_ts)
    start = 96.0 + 52 * 168 + offset  # hours since the epoch, a Monday plus the offset
    expected = _earliest_by_brute_force(net, q, start)
    found = search.earliest_arrival(net, q, start)
    if expected is None:
        assert found is None
        return
    t, prev = start, None
    for u, v, key in found:
        t = search.leg_times(net.graph[u][v][key], t, prev)[1]
        prev = net.graph[u][v][key]["mode"]
    assert found[0][0] == o and found[-1][1] == d
    assert math.isclose(t, expected, abs_tol=1e-6)


# ------------------------------------------------------------------ derived caches
def test_landmark_disk_cache_round_trip(reference, tmp_path):
    table = search.alt_table(reference, "co2")
    h = _unfiltered(reference, "co2")
    fp = landmarks.fingerprint(h)
    landmarks.save(table, tmp_path, reference.network_hash, fp)
    loaded = landmarks.load(tmp_path, reference.network_hash, "co2", fp)
    assert loaded is not None
    assert loaded.marks == table.marks
    assert loaded.fwd == table.fwd and loaded.bwd == table.bwd
    assert landmarks.load(tmp_path, reference.network_hash, "co2", "0" * 64) is None
    assert landmarks.load(tmp_path, "0xother", "co2", fp) is None
    (path,) = tmp_path.iterdir()
    path.write_bytes(path.read_bytes()[:100])
    assert landmarks.load(tmp_path, reference.network_hash, "co2", fp) is None


def test_query_graph_leaves_the_cached_core_graph_alone(reference):
    q = make_query(reference, "NLRTM", "CNSHA")
    h, _ = search.projection(reference, q)
    core = search.core_graph(h)
    before = {(u, v, a["w"]) for u, v, a in core.graph.edges(data=True)}
    nodes_before = set(core.graph)
    peripheral = sorted(core.peripheral)
    rng = random.Random(1)
    for _ in range(20):
        o, d = rng.sample(peripheral, 2)
        search.query_graph(core, h, o, d)
    assert {(u, v, a["w"]) for u, v, a in core.graph.edges(data=True)} == before
    assert set(core.graph) == nodes_before
    assert len(core.graph) < len(h) / 5


def test_core_hop_never_passes_through_an_end():
    """XXPPP (origin) is a feeder between hubs XXAAA and XXBBB: the hop A -> B through P
    (weight 11) must not count, or P -> A -> B -> T (22 really) would take the place
    of P -> A -> T (14) as the second route."""
    net = make_network(
        [
            lane("XXPPP", "XXAAA", cost=1),
            lane("XXAAA", "XXPPP", cost=1),
            lane("XXPPP", "XXBBB", cost=10),
            lane("XXAAA", "XXBBB", cost=20),
            lane("XXBBB", "XXTTT", cost=1),
            lane("XXAAA", "XXTTT", cost=13),
        ]
    )
    q = make_query(net, "XXPPP", "XXTTT", alternatives=3)
    core = search.core_graph(search.projection(net, q)[0])
    assert {"XXPPP", "XXTTT"} <= core.peripheral
    assert [w for w, _ in search.k_best(net, q, 2)] == [11.0, 14.0]
    got = search.k_best(net, q, 3)
    assert [w for w, _ in got] == [11.0, 14.0, 22.0]
    assert [[e[1] for e in edges] for _, edges in got] == [
        ["XXBBB", "XXTTT"],
        ["XXAAA", "XXTTT"],
        ["XXAAA", "XXBBB", "XXTTT"],
    ]
