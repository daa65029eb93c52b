"""Property tests (hypothesis) on the reference network.

For random origin/destination pairs and random constraints, every returned route
is connected, respects every constraint, is no worse than any other route returned,
and alternatives are distinct.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import routing
from routing.errors import NoRoute
from routing.passages import PASSAGES

PLACES = [
    "CNSHA",
    "SGSIN",
    "NLRTM",
    "DEHAM",
    "USLAX",
    "USNYC",
    "AEJEA",
    "BRSSZ",
    "ZADUR",
    "KEMBA",
    "AUSYD",
    "JPYOK",
    "INNSA",
    "EGPSD",
    "GRPIR",
    "PAMIT",
    "CLSAI",
    "NGAPP",
    "TRAMR",
    "CAVAN",
    "USCHI",
    "DEMUC",
    "CNCKG",
    "INDEL",
    "ZAJNB",
    "HKHKG",
    "DEFRA",
    "USMEM",
    "ALDRZ",
    "FJSUV",
    "ISREY",
    "NOOSL",
]
DEPART = "2025-03-03"
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

pairs = st.tuples(st.sampled_from(PLACES), st.sampled_from(PLACES)).filter(lambda p: p[0] != p[1])
constraints = st.fixed_dictionaries(
    {},
    optional={
        "avoid_passages": st.lists(st.sampled_from(PASSAGES), max_size=2, unique=True),
        "modes": st.sets(st.sampled_from(["sea", "air", "rail", "road"]), min_size=2),
        "max_transshipments": st.integers(min_value=1, max_value=5),
        "avoid_ports": st.lists(st.sampled_from(["SGSIN", "EGPSD", "HKHKG", "PAMIT"]), max_size=2),
        "objective": st.sampled_from(["cost", "time", "co2", "distance", "cost=0.6,co2=0.4"]),
    },
)


def check_constraints(route, kwargs, net):
    avoid = set(kwargs.get("avoid_passages", ()))
    ports = set(kwargs.get("avoid_ports", ())) - {route.origin, route.destination}
    for leg in route.legs:
        assert not avoid & set(leg.passages)
        assert leg.origin not in ports and leg.destination not in ports
        assert not ports & set(leg.via)
        if "modes" in kwargs:
            assert leg.mode in kwargs["modes"]
        assert net.graph.has_edge(leg.origin, leg.destination, leg.service)
    if "max_transshipments" in kwargs:
        assert route.totals.transshipments <= kwargs["max_transshipments"]


@SETTINGS
@given(pair=pairs, kwargs=constraints, k=st.integers(min_value=1, max_value=4))
def test_alternatives_are_valid_ranked_and_distinct(reference, validate_route, pair, kwargs, k):
    origin, destination = pair
    if set(kwargs.get("avoid_ports", ())) & {origin, destination}:
        return
    try:
        routes = routing.propose(
            reference, origin, destination, alternatives=k, depart_after=DEPART, **kwargs
        )
    except NoRoute:
        return

    assert 1 <= len(routes) <= k
    for route in routes:
        validate_route(route, origin, destination)
        check_constraints(route, kwargs, reference)
    scores = [r.score for r in routes]
    assert scores == sorted(scores)
    assert len(
        {tuple((leg.origin, leg.destination, leg.service) for leg in r.legs) for r in routes}
    ) == len(routes)


@SETTINGS
@given(pair=pairs, kwargs=constraints)
def test_best_route_is_no_worse_than_any_alternative(reference, pair, kwargs):
    origin, destination = pair
    if set(kwargs.get("avoid_ports", ())) & {origin, destination}:
        return
    try:
        [best] = routing.propose(reference, origin, destination, depart_after=DEPART, **kwargs)
        others = routing.propose(
            reference, origin, destination, alternatives=4, depart_after=DEPART, **kwargs
        )
    except NoRoute:
        return

    assert all(best.score <= r.score + 1e-6 for r in others)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pair=pairs)
def test_pareto_routes_do_not_dominate_each_other(reference, validate_route, pair):
    origin, destination = pair
    routes = routing.propose(reference, origin, destination, pareto=True, depart_after=DEPART)

    for a in routes:
        validate_route(a, origin, destination)
        for b in routes:
            if a is b:
                continue
            ta, tb = a.totals, b.totals
            dominates = (
                ta.cost_usd <= tb.cost_usd
                and a.legs[-1].arrival <= b.legs[-1].arrival
                and ta.co2e_kg <= tb.co2e_kg
            )
            assert not dominates or (ta.cost_usd, ta.co2e_kg) == (tb.cost_usd, tb.co2e_kg)
