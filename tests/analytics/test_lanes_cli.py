"""`tradelane lanes`, `tradelane route --objective on-time` and `tradelane simulate` from the
command line, over the simulated population's index."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from tradelane.cli import cli

pytestmark = pytest.mark.anvil


@pytest.fixture
def run(simulated, sim_config):
    _tl, ix, _result, home = simulated
    env = {"TRADELANE_HOME": str(home), "TRADELANE_DB": ix.store.url, "TRADELANE_DEBUG": None}

    def invoke(*args, ok=True):
        result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


def test_lanes_json_csv_and_filters(run):
    rep = json.loads(run("lanes", "--json").stdout)
    names = {r["carrier_name"] for r in rep["lanes"]}
    assert names == {"Steady", "Cheapo"}
    assert [r["carrier_name"] for r in rep["league"]["CNSHA-SGSIN"]] == ["Steady", "Cheapo"]
    assert sum(r["arrivals"] for r in rep["lanes"]) == rep["legs"] == 300
    assert rep["eta_accuracy"] and rep["delivery"] and rep["series"]

    only = json.loads(run("lanes", "--carrier", "cheapo", "--json").stdout)
    assert {r["carrier_name"] for r in only["lanes"]} == {"Cheapo"}
    assert {r["carrier_name"] for r in only["delivery"]} == {"Cheapo"}
    assert json.loads(run("lanes", "--mode", "air", "--json").stdout)["lanes"] == []

    rows = list(csv.DictReader(io.StringIO(run("lanes", "--csv").stdout)))
    assert {r["carrier_name"] for r in rows} == {"Steady", "Cheapo"}
    assert all(0 <= float(r["reliability"]) <= 1 for r in rows)

    table = run("lanes").stdout
    assert "CNSHA-SGSIN — carrier league" in table and "Steady" in table
    assert "CO2e per delivered TEU" in table


def test_lanes_co2e_from_the_network_given(run, sim_config):
    """Every simulated shipment is one leg on the config's CNSHA-SGSIN lanes (no refunds):
    with the config as the network, each delivered TEU carries that lane's CO2e."""
    rep = json.loads(run("lanes", "--network", sim_config.path, "--network-only", "--json").stdout)
    edges = sim_config.network.graph.get_edge_data("CNSHA", "SGSIN").values()
    kg = round(sum(e["co2"] for e in edges) / len(edges), 1)
    [lane] = rep["co2e"]["by_lane"]
    assert lane["lane"] == "CNSHA-SGSIN" and lane["co2e_kg_per_teu"] == kg
    assert lane["delivered_teu"] == 300
    assert sum(r["delivered_teu"] for r in rep["co2e"]["by_carrier"]) == 300
    assert {r["co2e_kg_per_teu"] for r in rep["delivery"]} == {kg}
    rows = list(csv.DictReader(io.StringIO(run("lanes", "--csv").stdout)))
    assert sum(int(r["delivered_teu"]) for r in rows) == 300


def test_lanes_rolling_window_keeps_the_latest_weeks(run):
    full = json.loads(run("lanes", "--json").stdout)
    ends = [s["period_end"] for s in full["series"]]
    middle = (min(ends) + max(ends)) / 2 - 3.5 * 86400  # mid-way through the planned arrivals
    weeks = int((full["as_of"] - middle) // (7 * 86400)) + 1
    recent = json.loads(run("lanes", "--window", f"{weeks}w", "--json").stdout)
    assert 0 < recent["legs"] < full["legs"]
    assert recent["filters"]["scope"]["since"] == full["as_of"] - weeks * 7 * 86400
    days = json.loads(run("lanes", "--window", f"{weeks * 7}d", "--json").stdout)
    assert days["legs"] == recent["legs"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--window", "0w"], "window '0w'"),
        (["--lane", "SHANGHAI"], "lane 'SHANGHAI'"),
        (["--since", "2030-02-01", "--until", "2030-01-01"], "is not before --until"),
        (["--json", "--csv"], "contradict"),
        (["--since", "yesterday-ish"], "time 'yesterday-ish'"),
        (["--network-only"], "--network-only needs --network FILE"),
    ],
)
def test_lanes_bad_input_is_one_line(run, args, message):
    result = run("lanes", *args, ok=False)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output


def test_route_on_time_ranks_by_probability(run, sim_config):
    base = ["route", "CNSHA", "SGSIN", "--network", sim_config.path, "--network-only", "-k", "2",
            "--objective", "on-time", "--depart-after", "2030-01-07", "--json"]  # fmt: skip
    loose = json.loads(run(*base, "--deadline", "2030-02-10").stdout)
    tight = json.loads(run(*base, "--deadline", "2030-01-21").stdout)
    # planned arrival is Mon 2030-01-14 + 120 h = Sat 2030-01-19 12:00
    assert loose["routes"][0]["legs"][0]["carrier"] == "Cheapo"
    assert tight["routes"][0]["legs"][0]["carrier"] == "Steady"
    p = [r["on_time"]["p_on_time"] for r in tight["routes"]]
    assert p[0] > p[1] + 0.2
    assert tight["analytics_snapshot"] == tight["routes"][0]["on_time"]["analytics_snapshot"]
    assert tight["routes"][0]["on_time"]["fallback"] == []
    text = run(*base[:-1], "--deadline", "2030-01-21").stdout
    assert "P(on time)" in text and "p10" in text and "analytics snapshot 0x" in text

    missing = run(*base[:-1], ok=False)
    assert missing.exit_code == 1 and "needs --deadline" in missing.output


def test_simulate_refuses_a_chain_that_is_not_a_dev_node(run):
    result = run("simulate", "--rpc", "embedded", ok=False)
    assert result.exit_code == 1
    assert "dev node only" in result.output and "Traceback" not in result.output
    bad = run("simulate", "--config", "/nonexistent.json", ok=False)
    assert "does not exist" in bad.output
