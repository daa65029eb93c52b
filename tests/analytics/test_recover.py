"""The test that matters: analytics computed from the chain (via the index) recover the
parameters the simulator injected, and on-time routing picks the reliable carrier over the
cheaper unreliable one exactly when the deadline makes the difference."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from routing.ontime import rank_on_time
from tradelane.analytics import metrics, simulate
from tradelane.analytics.frame import Legs
from tradelane.analytics.load import load_legs
from tradelane.analytics.population import plan_population, truth
from tradelane.analytics.routes import candidates
from tradelane.analytics.snapshot import load_snapshot

pytestmark = pytest.mark.anvil


def _names():
    return {address: name for name, address in simulate.carrier_directory().items()}


def _by_name(rows):
    names = _names()
    return {names[r["carrier"]]: r for r in rows}


def test_the_chain_holds_the_population(simulated, sim_config):
    tl, _ix, result, _home = simulated
    assert result.shipments == 300 and tl.count() == 300
    assert result.milestones == sum(
        len(p.events) for p in plan_population(sim_config, result.start)
    )
    assert tl.view(1)["milestones"] > 0


def test_analytics_equal_what_was_injected(simulated, sim_config):
    """Every leg's actual times went through signatures, batches, the chain and the index
    unchanged: the metrics from the index equal the metrics of the simulator's own draws."""
    _tl, ix, result, _home = simulated
    rows = []
    for p in plan_population(sim_config, result.start):
        act = {e.code: e.event_time for e in p.events if e.classifier == "ACT"}
        leg = p.route.legs[0]
        rows.append(
            {"shipment": str(id(p)), "leg": 0, "origin": leg.origin,
             "destination": leg.destination, "mode": leg.mode,
             "carrier": simulate.carrier_account(leg.carrier).address,
             "planned_departure": leg.departure.timestamp(),
             "planned_arrival": leg.arrival.timestamp(), "actual_departure": act.get("DEPA"),
             "actual_arrival": act.get("ARRI"), "discharged": act.get("DISC"), "loaded": None}
        )  # fmt: skip
    injected = Legs.from_rows(rows)
    chain = load_legs(ix.store.engine, ix.store.tables)
    assert len(chain) == len(injected) == 300
    for fn in (metrics.reliability, metrics.transit):
        assert _by_name(fn(chain)) == _by_name(fn(injected))


def test_recovers_the_configured_parameters(simulated, sim_config):
    """On-time share within ±3 pp and median transit within ±0.5 day of the values the
    config's distributions imply, for every lane with at least 200 legs."""
    _tl, ix, _result, _home = simulated
    legs = load_legs(ix.store.engine, ix.store.tables)
    expected = {carrier: v for (_o, _d, carrier), v in truth(sim_config).items()}
    rel = _by_name(metrics.reliability(legs))
    tra = _by_name(metrics.transit(legs))
    big = [c for c, r in rel.items() if r["arrivals"] >= 200]
    assert big == ["Steady"]  # three bookings in four
    for carrier in big:
        assert abs(rel[carrier]["reliability"] - expected[carrier]["on_time"]) <= 0.03
        assert abs(tra[carrier]["p50_d"] - expected[carrier]["median_transit_d"]) <= 0.5
    # the smaller lane is still clearly told apart
    assert rel["Cheapo"]["reliability"] < rel["Steady"]["reliability"] - 0.2


def test_on_time_routing_needs_the_deadline_to_pay_for_reliability(simulated, sim_config):
    _tl, ix, _result, _home = simulated
    snap = load_snapshot(ix.store, _names())
    assert snap.hash.startswith("0x") and len(snap.hash) == 66
    assert load_snapshot(ix.store, _names()).hash == snap.hash  # same data, same hash
    net = sim_config.network
    routes = candidates(net, "CNSHA", "SGSIN", {"depart_after": "2030-01-07"}, 2)
    assert [r.legs[0].carrier for r in routes] == ["Cheapo", "Steady"]  # by cost
    planned = routes[0].legs[-1].arrival
    loose = rank_on_time(routes, planned + timedelta(days=20), snap.observations, network=net)
    tight = rank_on_time(routes, planned + timedelta(days=1), snap.observations, network=net)
    assert loose[0][0].legs[0].carrier == "Cheapo"
    assert tight[0][0].legs[0].carrier == "Steady"
    p = {r.legs[0].carrier: e.probability for r, e in tight}
    assert p["Steady"] > p["Cheapo"] + 0.2
    assert all(e.fallback == () and e.snapshot == snap.hash for _, e in tight)
    assert np.isclose(sum(e.probability for _, e in loose), 2.0, atol=0.02)


def test_an_on_time_offer_names_the_analytics_snapshot(simulated, sim_config):
    """The offer made from an on-time proposal commits (network hash) to the snapshot used."""
    from routing.encode import encode_route
    from tradelane.analytics.routes import naming, on_time_routes

    tl, ix, _result, _home = simulated
    query = {"depart_after": "2030-01-07", "deadline": "2030-01-14", "alternatives": 2}
    net = sim_config.network
    ranked, snap = on_time_routes(net, "CNSHA", "SGSIN", query, ix.store, _names())
    route = ranked[0][0]
    services = [leg.service for leg in route.legs]
    plain = next(
        r for r in candidates(net, "CNSHA", "SGSIN", query, 2)
        if [leg.service for leg in r.legs] == services
    )  # fmt: skip
    assert route.network_hash == naming(plain, snap.hash).network_hash != plain.network_hash
    carriers = {name: simulate.carrier_account(name).address for name in ("Steady", "Cheapo")}
    encoded = encode_route(route, carriers)
    offer = tl.make_offer(
        "seller", encoded, amount=10**15, deadline=int(route.legs[-1].arrival.timestamp()) + 86400,
        arbiter="arbiter", destination=route.destination,
    )  # fmt: skip
    assert offer["terms"]["network_hash"] == route.network_hash


def test_offer_make_ranks_on_time_and_names_the_snapshot(simulated, sim_config, tmp_path):
    """The offer flow itself (`tradelane offer make --objective on-time`): the seller's offer
    is the likeliest route for the deadline, committed with the snapshot it was ranked on."""
    import json

    from click.testing import CliRunner

    from tradelane.analytics.routes import naming
    from tradelane.cli import cli

    tl, ix, _result, home = simulated
    carriers = [f"{n}={simulate.carrier_account(n).address}" for n in ("Steady", "Cheapo")]
    env = {"TRADELANE_HOME": str(home), "TRADELANE_DB": ix.store.url,
           "TRADELANE_RPC": tl.chain.url, "TRADELANE_DEBUG": None}  # fmt: skip
    offer = tmp_path / "offer.json"
    args = ["offer", "make", "CNSHA", "SGSIN", "--network", str(sim_config.path),
            "--network-only", "--objective", "on-time", "--depart-after", "2030-01-07",
            "--deadline", "2030-01-21", "--amount", "0.001", "--arbiter", "arbiter",
            "--account", "seller", "-o", str(offer), "--json"]  # fmt: skip
    args += [x for c in carriers for x in ("--carrier", c)]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    terms = json.loads(offer.read_text())["terms"]
    steady = simulate.carrier_account("Steady").address
    assert [leg["carrier"] for leg in terms["legs"]] == [steady]  # the reliable one
    query = {"depart_after": "2030-01-07", "deadline": "2030-01-21", "alternatives": 3}
    snap = load_snapshot(ix.store, _names())
    plain = next(
        r for r in candidates(sim_config.network, "CNSHA", "SGSIN", query, 3)
        if r.legs[0].carrier == "Steady"
    )  # fmt: skip
    assert terms["network_hash"] == naming(plain, snap.hash).network_hash
