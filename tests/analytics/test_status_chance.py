"""`tradelane status` (and the API it uses) shows the chance of arriving by the deadline.

Runs after the read-only tests of the simulated population: it opens two more shipments."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

import routing
from tradelane.analytics import simulate
from tradelane.analytics.arrival import arrival_chance
from tradelane.analytics.population import Plan
from tradelane.cli import cli

pytestmark = pytest.mark.anvil


def test_chance_of_arriving_by_the_deadline(simulated, sim_config):
    tl, ix, _result, home = simulated
    start = datetime.fromtimestamp(tl.chain.now() + 86400, UTC)
    names = {a: n for n, a in simulate.carrier_directory().items()}
    ids = {}
    for carrier in ("Steady", "Cheapo"):
        [route] = routing.propose(
            sim_config.network, "CNSHA", "SGSIN", carriers=carrier, depart_after=start
        )
        deadline = int(route.legs[-1].arrival.timestamp()) + 86400  # one day of slack
        plan = Plan(route, open_at=0, deadline=deadline)
        [ids[carrier]] = simulate.open_shipments(tl, [plan], simulate.carrier_directory(), 10**15)
    ix.sync()
    chance = {c: arrival_chance(tl.status(sid), ix.store, names) for c, sid in ids.items()}
    assert chance["Steady"]["p_on_time"] > chance["Cheapo"]["p_on_time"] + 0.2
    assert chance["Steady"]["fallback"] == []
    assert chance["Steady"]["arrival_p10"] <= chance["Steady"]["arrival_p90"]

    env = {"TRADELANE_HOME": str(home), "TRADELANE_DB": ix.store.url,
           "TRADELANE_RPC": tl.chain.url, "TRADELANE_DEBUG": None}  # fmt: skip
    out = CliRunner().invoke(cli, ["status", str(ids["Cheapo"]), "--json"], env=env)
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["on_time"]["p_on_time"] == chance["Cheapo"]["p_on_time"]
    text = CliRunner().invoke(cli, ["status", str(ids["Steady"])], env=env).stdout
    assert "chance of arriving by the deadline" in text

    # a delivered shipment has nothing left to predict
    assert arrival_chance(tl.status(1), ix.store, names) is None


def test_the_page_reuses_the_snapshot_until_the_index_moves(simulated):
    """`latest_snapshot` (behind every page's odds) is read once per indexed block."""
    from tradelane.analytics.snapshot import latest_snapshot, load_snapshot

    tl, ix, _result, _home = simulated
    names = {a: n for n, a in simulate.carrier_directory().items()}
    ix.sync()
    first = latest_snapshot(ix.store, names)
    assert latest_snapshot(ix.store, names) is first
    assert first.hash == load_snapshot(ix.store, names).hash
    tl.chain.w3.provider.make_request("evm_mine", [])
    ix.sync()
    again = latest_snapshot(ix.store, names)
    assert again is not first and again.hash == first.hash  # read anew; same milestones
