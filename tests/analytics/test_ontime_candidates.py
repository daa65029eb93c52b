"""On-time candidates on the reference network: the route that plans to meet the deadline is
among them, so a 19-day deadline from Shanghai to Rotterdam is not answered with air."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import routing
from routing.ontime import Observations, rank_on_time
from tradelane.analytics.routes import candidates

START = "2027-03-01"


@pytest.fixture(scope="module")
def net():
    return routing.load_network()


def _ranked(net, deadline: str):
    query = {"depart_after": START, "alternatives": 3, "deadline": deadline}
    found = candidates(net, "CNSHA", "NLRTM", query, 3)
    due = datetime.fromisoformat(deadline).replace(tzinfo=UTC)
    return found, rank_on_time(found, due, Observations(), network=net)


def test_between_sea_and_air_the_route_that_plans_to_make_it_wins(net):
    found, ranked = _ranked(net, "2027-03-20")
    planned = routing.propose(net, "CNSHA", "NLRTM", depart_after=START, deadline="2027-03-20")[0]

    best, estimate = ranked[0]
    # no observations: every leg keeps its modelled schedule, so a route planned in time is
    # certain and the cheapest of those comes first — the one the deadline query finds
    assert estimate.probability == 1.0
    assert best.legs == planned.legs
    assert {leg.mode for leg in best.legs} <= {"rail", "road", "barge"}
    cheapest_air = min(r.totals.cost_usd for r in found if "air" in {x.mode for x in r.legs})
    assert best.totals.cost_usd < cheapest_air / 4
    # the cheapest (sea) is late, and stays a candidate, ranked by its chance
    sea = min(found, key=lambda r: r.totals.cost_usd)
    assert sea.legs[-1].arrival > datetime(2027, 3, 20, tzinfo=UTC)
    assert dict((r.nodes, e.probability) for r, e in ranked)[sea.nodes] == 0.0


def test_a_deadline_the_cheapest_meets_adds_no_search(net):
    cheapest = routing.propose(net, "CNSHA", "NLRTM", depart_after=START)[0]
    loose = cheapest.legs[-1].arrival.isoformat()
    found, ranked = _ranked(net, loose)

    without = candidates(net, "CNSHA", "NLRTM", {"depart_after": START, "alternatives": 3}, 3)
    assert [r.legs for r in found] == [r.legs for r in without]
    assert ranked[0][0].legs == cheapest.legs
