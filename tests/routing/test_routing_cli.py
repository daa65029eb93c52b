"""`tradelane route` through click's CliRunner: output shapes and every error path."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from tradelane.cli.app import cli
from tradelane.cli.route import query_from_options, routing_options

DEPART = ["--depart-after", "2025-03-03"]


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, ["route", *args], catch_exceptions=False)

    return invoke


def test_route_prints_a_table_with_totals(run):
    result = run("CNSHA", "NLRTM", *DEPART)

    assert result.exit_code == 0, result.output
    assert "CNSHA" in result.output and "NLRTM" in result.output
    assert "Total" in result.output and "route_hash" in result.output


def test_route_json_has_the_issue_shape(run):
    result = run("CNSHA", "NLRTM", "--json", "--alternatives", "2", *DEPART)

    data = json.loads(result.output)
    assert len(data["routes"]) == 2
    route = data["routes"][0]
    assert set(route) == {"legs", "totals", "route_hash", "network_hash"}
    assert route["legs"][0]["from"] == "CNSHA" and route["legs"][-1]["to"] == "NLRTM"


def test_route_with_every_option(run, tmp_path):
    result = run(
        "CNSHA", "DEUER", "--json", "--objective", "cost=0.7,time=0.3", "--alternatives", "2",
        "--avoid-passage", "suez", "--avoid-passage", "panama", "--avoid-port", "SGSIN",
        "--avoid-country", "EG", "--max-transshipments", "6", "--modes", "sea,rail,road",
        "--deadline", "2025-08-01", "--network", "routing/data/examples/operator_network.json",
        *DEPART,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    for route in json.loads(result.output)["routes"]:
        assert all("suez" not in leg["passages"] for leg in route["legs"])
        assert all(leg["mode"] != "air" for leg in route["legs"])


def test_pareto_flag(run):
    result = run("CNSHA", "NLRTM", "--pareto", "--json", *DEPART)

    assert result.exit_code == 0 and len(json.loads(result.output)["routes"]) >= 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["CNSHX", "NLRTM"], "unknown port 'CNSHX'"),
        (["Rotterdam", "CNSHA"], "did you mean NLRTM (Rotterdam)"),
        (["CNSHA", "CNSHA"], "origin and destination are both CNSHA"),
        (["CNSHA", "NLRTM", "--modes", "road"], "--modes cuts off every route"),
        (["CNSHA", "NLRTM", "--pareto", "--alternatives", "3"], "contradict"),
        (["CNSHA", "NLRTM", "--alternatives", "many"], "alternatives 'many'"),
        (["CNSHA", "NLRTM", "--max-transshipments", "-2"], "0 or more"),
        (["CNSHA", "NLRTM", "--objective", "fastest"], "unknown objective 'fastest'"),
        (["CNSHA", "NLRTM", "--avoid-passage", "atlantis"], "unknown passage 'atlantis'"),
        (["CNSHA", "NLRTM", "--avoid-port", "NLRTM"], "both an end"),
        (["CNSHA", "NLRTM", "--avoid-country", "Egypt"], "alpha-2"),
        (["CNSHA", "NLRTM", "--modes", "teleport"], "unknown mode 'teleport'"),
        (["CNSHA", "NLRTM", "--carriers", "Maersk"], "unknown carrier 'Maersk'"),
        (["CNSHA", "NLRTM", "--depart-after", "tomorrow"], "not a date"),
        (["CNSHA", "NLRTM", *DEPART, "--deadline", "2025-03-01"], "not after"),
        (["CNSHA", "NLRTM", *DEPART, "--deadline", "2025-03-05"], "meets the deadline"),
        (["CNSHA", "NLRTM", "--network", "no/such/file.csv"], "not found"),
        (["CNSHA", "NLRTM", "--network-only"], "--network-only needs --network"),
        (
            [
                "CNSHA",
                "NLRTM",
                "--network",
                "routing/data/examples/operator_network.json",
                "--network-only",
            ],
            "goes to nowhere",
        ),
    ],  # fmt: skip
)
def test_errors_are_one_line_with_nonzero_exit(args, message):
    result = CliRunner().invoke(cli, ["route", *args])

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert message in lines[0]
    assert "Traceback" not in result.output


def test_bad_network_file_is_one_line(tmp_path):
    bad = tmp_path / "lanes.csv"
    bad.write_text("from,to,mode,carrier,service,distance_km,transit_hours,cost_usd\n"
                   "CNSHA,NLRTM,sea,X,S,100,10,-1\n")  # fmt: skip

    result = CliRunner().invoke(cli, ["route", "CNSHA", "NLRTM", "--network", str(bad)])

    assert result.exit_code == 1
    assert result.output.strip() == f"error: {bad}, line 2: cost_usd '-1' must be zero or more"


def test_help_has_an_example_and_every_option():
    result = CliRunner().invoke(cli, ["route", "--help"])

    assert result.exit_code == 0
    assert "Example" in result.output and "tradelane route CNSHA NLRTM" in result.output
    for option in ("--objective", "--alternatives", "--pareto", "--avoid-passage", "--avoid-port",
                   "--avoid-country", "--max-transshipments", "--modes", "--carriers",
                   "--depart-after", "--deadline", "--network", "--json"):  # fmt: skip
        assert option in result.output


def test_routing_options_are_reusable_by_other_commands():
    seen = {}

    @click.command()
    @routing_options
    def ship(**opts):
        seen.update(query_from_options(**opts))

    result = CliRunner().invoke(ship, ["--avoid-passage", "suez,cape", "--modes", "sea"])

    assert result.exit_code == 0, result.output
    assert seen["avoid_passages"] == ("suez,cape",) and seen["modes"] == "sea"
    assert seen["objective"] == "cost" and seen["alternatives"] == "1"


def test_routing_docs_mention_the_command():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "ROUTING.md").read_text()
    assert "tradelane route" in text
