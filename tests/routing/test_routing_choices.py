"""Deadline-constrained search, diverse alternatives and complete, reduced Pareto sets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from routing_kit import MONDAY

import routing
from routing.diverse import MAX_OVERLAP, corridor, overlap

DEPART = "2025-03-03"
PAIRS = [("CNSHA", "NLRTM"), ("CNSHA", "USCHI"), ("SGSIN", "DEHAM"), ("CNCKG", "DEDUI"),
         ("HKHKG", "USMEM"), ("BRSSZ", "CNSHA")]  # fmt: skip


def test_deadline_picks_the_cheapest_route_that_arrives_in_time(diamond):
    # via B: 200 USD, 64 h; via C: 400 USD, 44 h (with 24 h dwell); direct air: 1000 USD, 5 h.
    deadline = MONDAY + timedelta(hours=50)
    [route] = routing.propose(diamond, "XXAAA", "XXDDD", depart_after=MONDAY, deadline=deadline)

    assert route.nodes == ("XXAAA", "XXCCC", "XXDDD")
    assert route.legs[-1].arrival <= deadline


def test_deadline_alternatives_are_all_on_time(diamond):
    deadline = MONDAY + timedelta(hours=50)
    routes = routing.propose(
        diamond, "XXAAA", "XXDDD", depart_after=MONDAY, deadline=deadline, alternatives=3
    )

    assert [r.nodes for r in routes] == [("XXAAA", "XXCCC", "XXDDD"), ("XXAAA", "XXDDD")]
    assert all(r.legs[-1].arrival <= deadline for r in routes)


def test_chongqing_duisburg_with_a_deadline_takes_the_train_not_air(reference):
    free = routing.propose(reference, "CNCKG", "DEDUI", depart_after=DEPART, objective="time")
    deadline = free[0].legs[-1].arrival + timedelta(days=22)
    [route] = routing.propose(reference, "CNCKG", "DEDUI", depart_after=DEPART, deadline=deadline)
    routes = routing.propose(
        reference, "CNCKG", "DEDUI", depart_after=DEPART, deadline=deadline, alternatives=3
    )

    assert route.legs[-1].arrival <= deadline
    assert "air" not in {leg.mode for leg in route.legs}
    assert len(routes) >= 2 and all(r.legs[-1].arrival <= deadline for r in routes)
    assert routes[0].totals.cost_usd == route.totals.cost_usd
    assert all(route.totals.cost_usd <= r.totals.cost_usd for r in routes)


@pytest.mark.parametrize(("origin", "destination"), PAIRS)
def test_alternatives_differ_in_corridor_with_bounded_overlap(reference, origin, destination):
    routes = routing.propose(reference, origin, destination, alternatives=5, depart_after=DEPART)
    [best] = routing.propose(reference, origin, destination, depart_after=DEPART)

    assert routes[0].totals.cost_usd == best.totals.cost_usd
    assert len(routes) >= 3
    for i, a in enumerate(routes):
        for b in routes[i + 1 :]:
            assert corridor(a, reference) != corridor(b, reference)
            assert overlap(a, b) <= MAX_OVERLAP + 1e-9


@pytest.mark.parametrize(("origin", "destination"), PAIRS)
def test_pareto_set_is_complete_non_dominated_and_one_per_corridor(reference, origin, destination):
    front = routing.propose(reference, origin, destination, pareto=True, depart_after=DEPART)
    [cheapest] = routing.propose(reference, origin, destination, depart_after=DEPART)
    [fastest] = routing.propose(
        reference, origin, destination, objective="time", depart_after=DEPART
    )
    [greenest] = routing.propose(
        reference, origin, destination, objective="co2", depart_after=DEPART
    )

    assert min(r.totals.cost_usd for r in front) == pytest.approx(cheapest.totals.cost_usd)
    assert min(r.legs[-1].arrival for r in front) == fastest.legs[-1].arrival
    assert min(r.totals.co2e_kg for r in front) == pytest.approx(greenest.totals.co2e_kg)
    for a in front:
        for b in front:
            if a is not b:
                assert not (
                    a.totals.cost_usd <= b.totals.cost_usd
                    and a.legs[-1].arrival <= b.legs[-1].arrival
                    and a.totals.co2e_kg <= b.totals.co2e_kg
                    and (a.totals.cost_usd, a.legs[-1].arrival, a.totals.co2e_kg)
                    != (b.totals.cost_usd, b.legs[-1].arrival, b.totals.co2e_kg)
                )
    assert len(front) <= 15
    extremes = {
        id(min(front, key=lambda r: (r.totals.cost_usd, r.legs[-1].arrival))),
        id(min(front, key=lambda r: (r.legs[-1].arrival, r.totals.cost_usd))),
        id(min(front, key=lambda r: (r.totals.co2e_kg, r.totals.cost_usd))),
    }
    for i, a in enumerate(front):
        for b in front[i + 1 :]:
            if not {id(a), id(b)} <= extremes:
                assert overlap(a, b) <= MAX_OVERLAP + 1e-9
                assert corridor(a, reference) != corridor(b, reference)


def test_sea_backhaul_costs_a_quarter_to_a_third_of_the_headhaul(reference):
    east = reference.graph["NLRTM"]
    west = reference.graph["CNSHA"]
    head = min(d["cost"] for d in west["NLRTM"].values() if d["mode"] == "sea")
    back = min(d["cost"] for d in east["CNSHA"].values() if d["mode"] == "sea")

    assert 0.2 <= back / head <= 0.4


def test_ship_is_greener_than_the_china_europe_train(reference):
    sea = routing.propose(reference, "CNSHA", "NLRTM", objective="co2", depart_after=DEPART)[0]
    km = sea.totals.distance_km
    # GLEC v3 Asia-North Europe lane default: about 50 g CO2e per TEU-km.
    assert sea.totals.co2e_kg / km * 1000 < 80
    train = [d for d in reference.graph["CNCKG"]["DEDUI"].values() if d["mode"] == "rail"][0]
    assert train["co2"] / train["km"] > sea.totals.co2e_kg / km


def test_import_release_delays_the_onward_land_leg(reference):
    [route] = routing.propose(reference, "CNSHA", "USCHI", depart_after=DEPART)
    for a, b in zip(route.legs, route.legs[1:], strict=False):
        if a.mode == "sea" and b.mode in ("rail", "road"):
            assert b.departure - a.arrival >= timedelta(hours=72)
            break
    else:
        pytest.fail("no sea -> land transfer on Shanghai -> Chicago")
