"""The brownie scripts in scripts/ run end to end on the development network."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scripts_deploy_propose_commit_record_and_report(capsys):
    tl = load("deploy").main()
    again = load("deploy").main()
    assert again.address == tl.address  # same sources: no second deployment

    routes = load("propose_route").main("CNSHA", "NLRTM", 2)
    assert routes and routes[0].origin == "CNSHA"

    shipment_id = load("commit_route").main("CNSHA", "NLRTM", 1.0)
    status = load("escrow_status").main(shipment_id)
    assert status.state.label == "routed"

    chain = tl.chain
    departure = status.legs[0].planned_departure
    chain.advance(max(1, departure - chain.now()))
    load("record_milestone").main(shipment_id, "DEPA")

    status = load("escrow_status").main(shipment_id)
    assert status.milestone_count == 1
    assert status.released == 2 * 10**17  # the DEPA tranche
    assert status.history_verified
    assert "history verified" in capsys.readouterr().out
