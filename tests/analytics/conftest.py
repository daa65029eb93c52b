"""One simulated population on a private anvil, indexed into SQLite, shared by the tests.

The config: one port pair, two carriers — Steady (reliable, dearer, three bookings in
four) and Cheapo (cheaper, unreliable) — 300 shipments over three weeks of cargo-ready
dates, played with signed batched milestones in simulated time; then the index follows
the chain. The analytics tests read only the index.
"""

from __future__ import annotations

import json
import os

import pytest

from tradelane.analytics import simulate
from tradelane.analytics.population import load_config
from tradelane.chain import connect
from tradelane.client import Tradelane
from tradelane.index import attach
from tradelane.node import Anvil

CONFIG = {
    "ports": [
        {"locode": "CNSHA", "name": "Shanghai", "lat": 31.23, "lon": 121.49},
        {"locode": "SGSIN", "name": "Singapore", "lat": 1.26, "lon": 103.84},
    ],
    "lanes": [
        {"from": "CNSHA", "to": "SGSIN", "mode": "sea", "carrier": "Steady", "service": "ST-1",
         "distance_km": 3900, "transit_hours": 120, "cost_usd": 900, "departures": "Mon 12:00",
         "share": 3, "delay": {"on_time": 0.93, "early": 0.01, "late_mean_days": 2.0,
                               "departure_delay_hours": 4}},
        {"from": "CNSHA", "to": "SGSIN", "mode": "sea", "carrier": "Cheapo", "service": "CH-1",
         "distance_km": 3900, "transit_hours": 120, "cost_usd": 600, "departures": "Mon 12:00",
         "share": 1, "delay": {"on_time": 0.45, "early": 0.05, "late_mean_days": 4.0,
                               "departure_delay_hours": 12}},
    ],
    "population": {"shipments": 300, "days": 21, "alternatives": 2, "deadline_slack_days": 3,
                   "refund_if_late": 0.0, "seed": 11,
                   "demand": [{"from": "CNSHA", "to": "SGSIN", "weight": 1}]},
}  # fmt: skip


@pytest.fixture(scope="session")
def sim_config(tmp_path_factory):
    path = tmp_path_factory.mktemp("sim") / "two_carriers.json"
    path.write_text(json.dumps(CONFIG))
    return load_config(path)


@pytest.fixture(scope="session")
def simulated(sim_config, tmp_path_factory):
    """(client, index handle, SimResult, TRADELANE_HOME) after the simulation and a sync."""
    home = tmp_path_factory.mktemp("home")
    old = os.environ.get("TRADELANE_HOME")
    os.environ["TRADELANE_HOME"] = str(home)
    node = Anvil()
    node.start()
    try:
        tl, _ = Tradelane.deploy(connect(node.url))
        result = simulate.run(tl, sim_config)
        ix = attach(tl, f"sqlite:///{home}/index.sqlite")
        ix.sync()
        yield tl, ix, result, home
        ix.stop()
    finally:
        node.stop()
        if old is None:
            os.environ.pop("TRADELANE_HOME", None)
        else:
            os.environ["TRADELANE_HOME"] = old
