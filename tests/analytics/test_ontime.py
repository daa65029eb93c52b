"""routing.ontime: P(on time) from observed distributions, missed connections, fallback."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

import routing
from routing.ontime import Observations, estimate, rank_on_time

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "routing"))
from routing_kit import MONDAY, lane, make_network  # noqa: E402


@pytest.fixture
def two_carriers():
    """XXAAA → XXBBB by a reliable carrier and a cheaper unreliable one, both weekly Mon 12:00,
    240 h planned; and an onward weekly feeder XXBBB → XXCCC on Saturdays 00:00."""
    return make_network(
        [
            lane("XXAAA", "XXBBB", carrier="Steady", cost=200, hours=240, departures=[12]),
            lane("XXAAA", "XXBBB", carrier="Cheapo", cost=100, hours=240, departures=[12]),
            lane("XXBBB", "XXCCC", carrier="Feeder", cost=50, hours=24, departures=[120]),
        ]
    )


def _observed(rng, late_share):
    n = 400
    steady = rng.normal(240, 4, n)
    cheapo = np.where(rng.random(n) < late_share, 240 + 96, 240) + rng.normal(0, 4, n)
    return Observations(
        transit={
            ("XXAAA", "XXBBB", "sea", "Steady"): steady.tolist(),
            ("XXAAA", "XXBBB", "sea", "Cheapo"): cheapo.tolist(),
        },
        departure_delay={("XXAAA", "XXBBB", "sea", "Cheapo"): [0.0] * n},
        snapshot="0x" + "11" * 32,
    )


def test_the_deadline_decides_between_cheap_and_reliable(two_carriers):
    rng = np.random.default_rng(1)
    obs = _observed(rng, late_share=0.3)
    from tradelane.analytics.routes import candidates

    # routing's alternatives differ by corridor; the other carrier on it is a variant
    routes = candidates(two_carriers, "XXAAA", "XXBBB", {"depart_after": MONDAY}, 2)
    assert {r.legs[0].carrier for r in routes} == {"Steady", "Cheapo"}
    planned = routes[0].legs[-1].arrival

    loose = rank_on_time(routes, planned + timedelta(days=10), obs, network=two_carriers)
    assert loose[0][0].legs[0].carrier == "Cheapo"  # both certain: the cheaper wins
    assert [round(e.probability, 2) for _, e in loose] == [1.0, 1.0]

    tight = rank_on_time(routes, planned + timedelta(days=1), obs, network=two_carriers)
    assert tight[0][0].legs[0].carrier == "Steady"
    p = {r.legs[0].carrier: e.probability for r, e in tight}
    assert p["Steady"] > 0.99
    assert abs(p["Cheapo"] - 0.7) < 0.05  # the 30 % four days late miss it
    assert tight[1][1].snapshot == "0x" + "11" * 32


def test_band_and_expected_arrival(two_carriers):
    obs = _observed(np.random.default_rng(2), late_share=0.5)
    [route] = routing.propose(
        two_carriers, "XXAAA", "XXBBB", carriers="Cheapo", depart_after=MONDAY.isoformat()
    )
    est = estimate(route, route.legs[-1].arrival + timedelta(days=1), obs, network=two_carriers)
    planned = route.legs[-1].arrival
    assert abs((est.p10 - planned).total_seconds()) < 12 * 3600
    assert abs((est.p90 - planned).total_seconds() - 96 * 3600) < 12 * 3600
    assert abs((est.expected_arrival - planned).total_seconds() - 48 * 3600) < 6 * 3600
    assert est.fallback == ()
    data = est.to_json()
    assert set(data) >= {"p_on_time", "arrival_p10", "arrival_p90", "analytics_snapshot"}


def test_missed_connection_waits_a_week(two_carriers):
    """A late first leg misses Saturday's feeder and takes next week's."""
    obs = _observed(np.random.default_rng(3), late_share=0.25)
    [route] = routing.propose(
        two_carriers, "XXAAA", "XXCCC", carriers="Cheapo,Feeder", depart_after=MONDAY.isoformat()
    )
    assert [leg.carrier for leg in route.legs] == ["Cheapo", "Feeder"]
    planned = route.legs[-1].arrival
    est = estimate(route, planned + timedelta(days=2), obs, network=two_carriers)
    # on-time first legs connect as planned; the 25 % late ones arrive a week later
    assert abs(est.probability - 0.75) < 0.04
    assert abs((est.p90 - planned).total_seconds() - 7 * 86400) < 3600
    # the feeder lane and the hub have no observations: modelled schedule, and it says so
    assert "XXBBB-XXCCC Feeder" in est.fallback
    assert "hub XXBBB" in est.fallback


def test_too_few_observations_fall_back_to_the_schedule(two_carriers):
    [route] = routing.propose(
        two_carriers, "XXAAA", "XXBBB", carriers="Steady", depart_after=MONDAY.isoformat()
    )
    sparse = Observations(transit={("XXAAA", "XXBBB", "sea", "Steady"): [500.0] * 29})
    est = estimate(route, route.legs[-1].arrival, sparse, network=two_carriers)
    assert est.fallback == ("XXAAA-XXBBB Steady",)
    assert est.probability == 1.0 and est.p50 == route.legs[-1].arrival
    enough = Observations(transit={("XXAAA", "XXBBB", "sea", "Steady"): [500.0] * 30})
    late = estimate(route, route.legs[-1].arrival, enough, network=two_carriers)
    assert late.probability == 0.0 and late.fallback == ()


def test_a_proposal_names_its_analytics_snapshot(two_carriers):
    from tradelane.analytics.routes import naming

    [route] = routing.propose(two_carriers, "XXAAA", "XXBBB", depart_after=MONDAY.isoformat())
    a, b = "0x" + "11" * 32, "0x" + "22" * 32
    assert naming(route, a).network_hash == naming(route, a).network_hash
    assert (
        len({route.network_hash, naming(route, a).network_hash, naming(route, b).network_hash}) == 3
    )
    assert naming(route, a).legs == route.legs and naming(route, a).totals == route.totals


def test_an_estimate_does_not_depend_on_the_other_candidates(two_carriers):
    """Each lane is sampled from its own seeded stream: a route's estimate is the same alone,
    first or last in a ranking (reproducible from snapshot, route and deadline)."""
    obs = _observed(np.random.default_rng(4), late_share=0.4)
    from tradelane.analytics.routes import candidates

    routes = candidates(two_carriers, "XXAAA", "XXBBB", {"depart_after": MONDAY}, 2)
    due = routes[0].legs[-1].arrival + timedelta(hours=30)
    forward = {r.legs[0].carrier: e for r, e in rank_on_time(routes, due, obs)}
    backward = {r.legs[0].carrier: e for r, e in rank_on_time(routes[::-1], due, obs)}
    alone = {r.legs[0].carrier: estimate(r, due, obs) for r in routes}
    assert forward == backward == alone
    assert 0.5 < forward["Cheapo"].probability < 0.7  # 40 % four days late: a real spread


def test_a_transfer_from_sea_to_land_waits_for_the_import_release():
    """Without hub observations, a ship→truck transfer costs the routing model's connection:
    the truck's dwell plus the import release (routing.assumptions.connection_hours)."""
    from routing.assumptions import connection_hours

    net = make_network(
        [
            lane("XXAAA", "XXBBB", carrier="Liner", hours=100, departures=[12]),
            lane("XXBBB", "XXCCC", mode="road", carrier="Trucks", hours=10),
        ]
    )
    [route] = routing.propose(net, "XXAAA", "XXCCC", depart_after=MONDAY.isoformat())
    sea, road = route.legs
    obs = Observations(transit={("XXAAA", "XXBBB", "sea", "Liner"): [100.0] * 50})
    est = estimate(route, road.arrival, obs, network=net)
    release = connection_hours("sea", "road")
    assert release > connection_hours(None, "road")  # the release is more than nothing
    want = sea.arrival + timedelta(hours=release + road.transit_hours)
    assert est.p50 == want == road.arrival  # the model's schedule and the estimate agree
    assert est.fallback == ("hub XXBBB", "XXBBB-XXCCC Trucks")
