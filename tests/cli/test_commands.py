"""Every command's happy path, through the real entry point, against the session's anvil."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tradelane.client import DAY
from tradelane.model import State
from tradelane.node import Anvil
from tradelane.web import create_app

HOUR = 3_600


def advance_to(tl, timestamp: int) -> None:
    """Move the shared anvil's clock forward to `timestamp` (never backwards)."""
    now = tl.chain.now()
    if timestamp > now:
        tl.chain.advance(timestamp - now)


def as_json(result) -> dict | list:
    return json.loads(result.stdout)


def test_deploy_records_the_contract_and_does_not_redeploy(invoke, deployed, home):
    result = invoke("deploy")

    assert "already deployed (same sources)" in result.output
    assert deployed in result.output
    recorded = json.loads((home / "deployments.json").read_text())
    (entry,) = recorded.values()
    assert entry["address"] == deployed and entry["chain_id"] == 31337
    assert entry["genesis"].startswith("0x") and entry["source_hash"].startswith("0x")
    # A7: the waits and the bounds every deployment's waits lie within, shown by deploy
    assert "buyer grace period 3 d (every deployment: 1 h to 30 d)" in result.output
    assert "arbiter timeout 14 d (1 d to 90 d)" in result.output


def test_ship_proposes_opens_commits_and_a_rerun_sends_nothing_twice(invoke, tl):
    args = ["ship", "CNSHA", "NLRTM", "--amount", "1.5", "--tranche", "DEPA:0:2000"]

    first = invoke(*args)
    shipment_id = int(first.stdout.strip().splitlines()[-1])
    again = invoke(*args, "--json")

    assert "route alternatives" in first.output
    assert as_json(again)["shipment_id"] == shipment_id
    assert as_json(again)["resumed"] is True
    assert as_json(again)["transactions"] == []
    status = as_json(invoke("status", shipment_id, "--json"))
    assert status["state"] == "routed"
    assert status["deposited"] == str(15 * 10**17)
    assert status["tranches"] == [{"code": "DEPA", "leg": 0, "bps": 2000}]
    listed = as_json(invoke("shipments", "--party", "buyer", "--json"))
    assert [s["shipment_id"] for s in listed].count(shipment_id) == 1
    # the route's sea service codes become the shipment's references (DCSA, the page)
    refs = as_json(invoke("references", shipment_id, "--json"))
    services = [leg["service_code"] for leg in refs["legs"]]
    assert services and all(code and code.isalnum() for code in services)


def test_ship_picks_an_alternative_and_maps_carriers(invoke, tl):
    result = invoke(
        "ship", "CNSHA", "NLRTM", "--pick", "2", "--amount", "0.25", "--new",
        "--carrier", "Boreal Ocean Carriers=carrier2", "--json",
    )  # fmt: skip

    data = as_json(result)
    carriers = {leg[3] for leg in tl.view(data["shipment_id"])["legs"]}
    assert carriers <= {tl.chain.address(n) for n in ("carrier1", "carrier2", "carrier3")}
    assert data["route"]["legs"]


def test_ship_commits_the_items_merkle_root_at_opening(invoke, tl, tmp_path):
    items = tmp_path / "items.csv"
    items.write_text("gtin,serial\n09506000134352,A1\n09506000134352,A2\n")

    data = as_json(invoke("ship", "CNSHA", "DEHAM", "--items", items, "--new", "--json"))

    from tradelane.trace.items import prepare

    assert tl.view(data["shipment_id"])["itemsRoot"] == prepare(items)[1]


def test_signed_milestones_relay_in_one_batch_and_direct_milestone_releases_tranche(
    invoke, tl, routed, tmp_path
):
    sid = routed()
    advance_to(tl, tl.view(sid)["legs"][0][4])
    gtin, load = tmp_path / "gtin.json", tmp_path / "load.json"

    invoke("milestone", sid, "GTIN", "--sign-only", gtin, "--nonce", 0)
    invoke("milestone", sid, "LOAD", "--sign-only", load, "--nonce", 1)
    relayed = as_json(invoke("relay", gtin, load, "--json"))
    rerun = as_json(invoke("relay", gtin, load, "--json"))
    direct = invoke("milestone", sid, "DEPA")
    repeat = invoke("milestone", sid, "DEPA")

    assert relayed["relayed"] == 2 and len(relayed["transactions"]) == 1
    assert rerun == {"relayed": 0, "already_recorded": 2, "transactions": []}
    assert "recorded DEPA ACT at CNSHA (leg 0)" in direct.output
    assert "already recorded" in repeat.output
    status = as_json(invoke("status", sid, "--json"))
    assert status["milestone_count"] == 3
    assert [m["relayed"] for m in status["milestones"]] == [True, True, False]
    assert status["released"] == str(2 * 10**17)
    assert status["history_verified"] is True
    assert status["next_expected"] == "ARRI at SGSIN (leg 0)"


def deliver(invoke, tl, sid) -> None:
    """Walk a routed shipment through every leg to DROP with `tradelane milestone`."""
    legs = tl.view(sid)["legs"]
    for i, leg in enumerate(legs):
        advance_to(tl, leg[4])
        invoke("milestone", sid, "DEPA", "--leg", i)
        advance_to(tl, leg[5])
        invoke("milestone", sid, "ARRI", "--leg", i)
    tl.chain.advance(HOUR)
    invoke("milestone", sid, "DROP")


def test_status_shows_legs_money_next_milestone_and_proof(invoke, tl, routed):
    sid = routed()
    advance_to(tl, tl.view(sid)["legs"][0][4])
    invoke("milestone", sid, "DEPA")

    result = invoke("status", sid)

    for text in ("ROUTED", "planned vs actual", "escrow", "next expected: ARRI at SGSIN"):
        assert text in result.output
    assert "history verified: 1 milestones" in result.output
    assert "0.2 ETH" in result.output and "0.8 ETH" in result.output


def test_delivery_confirm_and_withdraw(invoke, tl, routed):
    sid = routed(stops=("CNSHA", "NLRTM"))
    credit_before = tl.credit("seller")

    deliver(invoke, tl, sid)
    confirmed = as_json(invoke("confirm", sid, "--json"))
    again = invoke("confirm", sid)
    withdrawn = as_json(invoke("withdraw", sid, "--account", "seller", "--json"))

    assert confirmed["state"] == "completed" and confirmed["held"] == "0"
    assert "already completed; nothing sent" in again.output
    assert int(withdrawn["amount"]) == credit_before + 10**18
    assert tl.credit("seller") == 0


def test_watch_prints_milestones_and_stops_at_delivery(invoke, tl, routed):
    sid = routed(stops=("CNSHA", "NLRTM"))
    deliver(invoke, tl, sid)

    result = invoke("watch", sid, "--json", "--interval", "0.05")

    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("code") for line in lines[:-1]] == ["DEPA", "ARRI", "DROP"]
    assert lines[-1] == {"shipment_id": sid, "state": "delivered"}


def test_watch_ctrl_c_exits_cleanly(invoke, routed, monkeypatch):
    sid = routed()

    def interrupt(_seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr("tradelane.cli.status.time.sleep", interrupt)
    result = invoke("watch", sid)

    assert result.exit_code == 0
    assert f"stopped watching shipment {sid}" in result.output


def test_watch_timeout_exits_2(invoke, routed):
    sid = routed()

    result = invoke("watch", sid, "--timeout", "0", "--interval", "0.01", ok=False)

    assert result.exit_code == 2
    assert "stopped after" in result.output


def test_dispute_then_arbiter_resolves_a_split(invoke, tl, routed):
    sid = routed()
    buyer_credit = tl.credit("buyer")

    invoke("dispute", sid, "--account", "seller")
    resolved = as_json(invoke("resolve", sid, "--to-buyer", "40%", "--json"))

    assert resolved["state"] == "resolved"
    assert tl.credit("buyer") - buyer_credit == 4 * 10**17


def test_dispute_settles_by_default_rule_after_arbiter_timeout(invoke, tl, routed):
    sid = routed()
    invoke("dispute", sid)
    tl.chain.advance(15 * DAY)

    result = as_json(invoke("settle", sid, "--json"))

    assert result["state"] == "resolved"


def test_refund_after_the_deadline(invoke, tl, routed):
    sid = routed(deadline_days=3)
    tl.chain.advance(4 * DAY)
    assert as_json(invoke("status", sid, "--json"))["refundable"] == str(10**18)

    result = as_json(invoke("refund", sid, "--json"))

    assert result["state"] == "refunded" and result["refunded"] == str(10**18)


def test_seller_cancels(invoke, routed):
    sid = routed()

    result = invoke("cancel", sid)

    assert "now refunded" in result.output


def test_finalize_after_the_grace_period(invoke, tl, routed):
    sid = routed(stops=("CNSHA", "NLRTM"))
    deliver(invoke, tl, sid)
    tl.chain.advance(4 * DAY)

    result = as_json(invoke("finalize", sid, "--json"))

    assert result["state"] == State.COMPLETED.label


def test_shipments_lists_a_partys_shipments(invoke, routed):
    sid = routed()

    result = invoke("shipments", "--party", "seller")

    assert "shipments of seller" in result.output
    assert f"\n│ {sid:>2} " in result.output or str(sid) in result.output


@pytest.mark.parametrize("flag", [[], ["--json"]])
def test_demo_runs_the_whole_lifecycle_on_the_embedded_chain(invoke, flag):
    result = invoke("demo", *flag)

    if flag:
        data = as_json(result)
        assert data["status"]["state"] == "completed"
        assert data["status"]["history_verified"] is True
        assert all(row["gas"] > 0 for row in data["transactions"])
    else:
        for text in ("route alternatives", "relay 3 signed milestones", "every transaction"):
            assert text in result.output
        assert "completed" in result.output


def test_demo_on_a_dev_node_leaves_its_shipment_for_the_page(invoke, tmp_path, monkeypatch):
    """`demo --rpc` runs on a node of its own here (it moves the clock by weeks); a second run
    reuses the deployment, and the page and `status` show the shipment afterwards."""
    monkeypatch.setenv("TRADELANE_HOME", str(tmp_path))
    home = {"TRADELANE_HOME": str(tmp_path)}
    with Anvil() as node:
        first = as_json(invoke("demo", "--rpc", node.url, "--json", extra_env=home))
        second = as_json(invoke("demo", "--rpc", node.url, "--json", extra_env=home))
        sid = second["shipment_id"]
        status = as_json(invoke("status", sid, "--rpc", node.url, "--json", extra_env=home))
        page = TestClient(create_app(node.url)).get(f"/shipment/{sid}")

    assert second["contract"] == first["contract"] and sid == first["shipment_id"] + 1
    assert status["state"] == "completed" and status["history_verified"] is True
    assert page.status_code == 200 and 'data-verified="true"' in page.text


def test_commands_also_run_on_the_embedded_chain(invoke):
    """`--rpc embedded` is a fresh in-process chain per invocation, deployed on the fly."""
    result = as_json(invoke("ship", "CNSHA", "NLRTM", "--rpc", "embedded", "--json"))

    assert result["shipment_id"] == 1
    steps = [t["step"] for t in result["transactions"]]
    assert steps == ["accept offer: open + fund + route + bookings"]
