"""Known answers on small named graphs (numbered behaviours follow docs/ROUTING.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from routing_kit import MONDAY

import routing
from routing.errors import InvalidQuery, NoRoute


def nodes(route):
    return list(route.nodes)


@pytest.mark.parametrize(
    ("objective", "expected"),
    [
        ("cost", ["XXAAA", "XXBBB", "XXDDD"]),
        ("co2", ["XXAAA", "XXBBB", "XXDDD"]),
        ("time", ["XXAAA", "XXDDD"]),
        ("distance", ["XXAAA", "XXDDD"]),
    ],
)
def test_best_route_follows_the_objective(diamond, validate_route, objective, expected):
    [route] = routing.propose(diamond, "XXAAA", "XXDDD", objective=objective, depart_after=MONDAY)

    validate_route(route, "XXAAA", "XXDDD")
    assert nodes(route) == expected


def test_weighted_mix_trades_cost_against_time(diamond):
    cheap = routing.propose(diamond, "XXAAA", "XXDDD", objective="cost=1,time=0", now=MONDAY)[0]
    fast = routing.propose(diamond, "XXAAA", "XXDDD", objective="cost=0.01,time=1", now=MONDAY)[0]

    assert nodes(cheap) == ["XXAAA", "XXBBB", "XXDDD"]
    assert nodes(fast) == ["XXAAA", "XXDDD"]


def test_alternatives_are_ranked_and_distinct(diamond):
    routes = routing.propose(diamond, "XXAAA", "XXDDD", alternatives=5, now=MONDAY)

    assert [r.totals.cost_usd for r in routes] == [200, 400, 1000]
    assert len({tuple(r.nodes) for r in routes}) == 3


def test_alternatives_offer_another_mode_not_the_same_corridor_twice(make_network, lane):
    net = make_network(
        [
            lane("XXAAA", "XXBBB", carrier="Acme", cost=100),
            lane("XXAAA", "XXBBB", carrier="Bolt", cost=110),
            lane("XXAAA", "XXBBB", carrier="Core", cost=90, mode="rail"),
        ]
    )

    routes = routing.propose(net, "XXAAA", "XXBBB", alternatives=3, now=MONDAY)

    # Acme and Bolt sail the same corridor: only the cheaper one is an alternative.
    assert [r.legs[0].carrier for r in routes] == ["Core", "Acme"]
    exact = routing.propose(net, "XXAAA", "XXBBB", alternatives=3, now=MONDAY, distinct=False)
    assert [r.legs[0].carrier for r in exact] == ["Core", "Acme", "Bolt"]


def test_pareto_set_is_every_non_dominated_route(diamond):
    routes = routing.propose(diamond, "XXAAA", "XXDDD", pareto=True, depart_after=MONDAY)

    assert sorted(r.totals.cost_usd for r in routes) == [200, 400, 1000]


def test_pareto_drops_a_dominated_route(make_network, lane):
    net = make_network(
        [
            lane("XXAAA", "XXBBB", cost=100, hours=10, co2=10),
            lane("XXAAA", "XXBBB", cost=150, hours=12, co2=15, carrier="Worse"),
            lane("XXAAA", "XXBBB", cost=300, hours=2, co2=10, carrier="Fast", mode="air"),
        ]
    )

    routes = routing.propose(net, "XXAAA", "XXBBB", pareto=True, depart_after=MONDAY)

    assert {r.legs[0].carrier for r in routes} == {"Acme", "Fast"}


def test_avoid_passage_hides_lanes_through_it(diamond):
    [route] = routing.propose(diamond, "XXAAA", "XXDDD", avoid_passages="suez", now=MONDAY)

    assert nodes(route) == ["XXAAA", "XXCCC", "XXDDD"]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"avoid_ports": "XXBBB"}, ["XXAAA", "XXCCC", "XXDDD"]),
        ({"modes": "air"}, ["XXAAA", "XXDDD"]),
        ({"carriers": "Bolt"}, ["XXAAA", "XXCCC", "XXDDD"]),
        ({"max_transshipments": 0}, ["XXAAA", "XXDDD"]),
    ],
)
def test_constraints_cut_the_cheap_route(diamond, kwargs, expected):
    [route] = routing.propose(diamond, "XXAAA", "XXDDD", now=MONDAY, **kwargs)

    assert nodes(route) == expected


def test_avoid_port_also_hides_calls_the_cargo_stays_on_board_through(make_network, lane):
    net = make_network(
        [
            lane("XXAAA", "XXCCC", cost=100, via=["YYBBB"]),
            lane("XXAAA", "XXCCC", cost=500, carrier="Direct"),
            lane("YYBBB", "XXCCC", cost=1),
        ]
    )

    [route] = routing.propose(net, "XXAAA", "XXCCC", avoid_countries="YY", now=MONDAY)

    assert route.legs[0].carrier == "Direct"


def test_no_route_names_the_constraint_that_cut_it(diamond):
    with pytest.raises(NoRoute, match="--modes") as err:
        routing.propose(diamond, "XXAAA", "XXDDD", modes="rail", now=MONDAY)

    assert err.value.constraint == "--modes"


def test_no_route_between_unconnected_ports(make_network, lane):
    net = make_network([lane("XXAAA", "XXBBB"), lane("XXCCC", "XXDDD")])

    with pytest.raises(NoRoute, match="not connected"):
        routing.propose(net, "XXAAA", "XXDDD", now=MONDAY)


def test_weekly_schedule_waits_for_departure_and_respects_cutoff_and_dwell(make_network, lane):
    # Leg 1 leaves Wednesdays 12:00 (cut-off 24 h), sails 30 h; leg 2 leaves Fridays 00:00.
    net = make_network(
        [
            lane("XXAAA", "XXBBB", departures=[2 * 24 + 12], hours=30, cutoff=24),
            lane("XXBBB", "XXCCC", departures=[4 * 24], hours=10, cutoff=0),
        ]
    )

    [route] = routing.propose(net, "XXAAA", "XXCCC", depart_after=MONDAY)

    first, second = route.legs
    assert first.departure == MONDAY + timedelta(days=2, hours=12)
    assert first.arrival == MONDAY + timedelta(days=3, hours=18)
    # Arrives Thu 18:00; sea dwell is 24 h, so Friday 00:00 is missed: next Friday.
    assert second.departure == MONDAY + timedelta(days=11)
    assert route.totals.transit_hours == pytest.approx((11 * 24 + 10) - 60)


def test_cutoff_pushes_to_the_next_week(make_network, lane):
    net = make_network([lane("XXAAA", "XXBBB", departures=[10], cutoff=24)])

    [route] = routing.propose(net, "XXAAA", "XXBBB", depart_after=MONDAY)

    assert route.legs[0].departure == MONDAY + timedelta(days=7, hours=10)


def test_time_objective_finds_the_earliest_arrival_not_the_shortest_transit(make_network, lane):
    # Direct: 20 h but only on Sundays. Via B: 2 x 10 h, departing daily.
    daily = [d * 24 + 1 for d in range(7)]
    net = make_network(
        [
            lane("XXAAA", "XXCCC", hours=20, departures=[6 * 24]),
            lane("XXAAA", "XXBBB", hours=10, departures=daily, mode="road"),
            lane("XXBBB", "XXCCC", hours=10, departures=daily, mode="road"),
        ]
    )

    [route] = routing.propose(net, "XXAAA", "XXCCC", objective="time", depart_after=MONDAY)

    assert nodes(route) == ["XXAAA", "XXBBB", "XXCCC"]


def test_deadline_keeps_only_routes_that_arrive_in_time(diamond):
    deadline = MONDAY + timedelta(hours=50)  # via C: 10 h + 24 h dwell + 10 h

    routes = routing.propose(
        diamond, "XXAAA", "XXDDD", alternatives=3, depart_after=MONDAY, deadline=deadline
    )

    assert routes and all(r.legs[-1].arrival <= deadline for r in routes)
    assert nodes(routes[0]) == ["XXAAA", "XXCCC", "XXDDD"]


def test_no_itinerary_meets_the_deadline(diamond):
    with pytest.raises(NoRoute, match="meets the deadline") as err:
        routing.propose(
            diamond, "XXAAA", "XXDDD", depart_after=MONDAY, deadline=MONDAY + timedelta(hours=2)
        )

    assert err.value.constraint == "--deadline"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"destination": "XXAAA"}, "both XXAAA"),
        ({"objective": "speed"}, "unknown objective 'speed'"),
        ({"objective": "cost=x"}, "not a number"),
        ({"alternatives": 0}, "between 1 and 50"),
        ({"alternatives": 3, "pareto": True}, "contradict"),
        ({"avoid_passages": "atlantis"}, "unknown passage 'atlantis'"),
        ({"avoid_ports": "XXAAA"}, "both an end"),
        ({"avoid_countries": "XX"}, "listed to avoid"),
        ({"avoid_countries": "XYZ"}, "alpha-2"),
        ({"modes": "boat"}, "unknown mode 'boat'"),
        ({"carriers": "Acmee"}, "did you mean Acme"),
        ({"max_transshipments": -1}, "0 or more"),
        ({"depart_after": "soon"}, "not a date"),
        ({"depart_after": "2025-03-05", "deadline": "2025-03-04"}, "not after"),
    ],
)
def test_invalid_queries_raise_one_line_errors(diamond, kwargs, match):
    args = {"destination": "XXDDD"} | kwargs
    destination = args.pop("destination")

    with pytest.raises(InvalidQuery, match=match) as err:
        routing.propose(diamond, "XXAAA", destination, now=MONDAY, **args)

    assert "\n" not in str(err.value)


def test_unknown_port_suggests_close_codes(diamond):
    with pytest.raises(routing.UnknownPort, match="did you mean XXAAA") as err:
        routing.propose(diamond, "XXAAB", "XXDDD", now=MONDAY)

    assert "XXAAA" in err.value.suggestions


def test_route_hash_commits_to_the_query(diamond):
    a = routing.propose(diamond, "XXAAA", "XXDDD", depart_after=MONDAY)[0]
    b = routing.propose(diamond, "XXAAA", "XXDDD", depart_after=MONDAY)[0]
    c = routing.propose(diamond, "XXAAA", "XXDDD", depart_after=MONDAY, avoid_ports="XXCCC")[0]

    assert a.network_hash == b.network_hash
    assert a.legs == c.legs and a.network_hash != c.network_hash
