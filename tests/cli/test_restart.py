"""Kill anvil mid-lifecycle, restart it from its state file, finish: nothing lost or doubled."""

from __future__ import annotations

import json
import time

from tradelane.node import Anvil, free_port


def test_node_killed_mid_lifecycle_resumes_from_its_state_file(invoke, tmp_path):
    port = free_port()
    state = tmp_path / "anvil-state.json"
    env = {"TRADELANE_RPC": f"http://127.0.0.1:{port}", "TRADELANE_HOME": str(tmp_path)}
    ship = ["ship", "CNSHA", "NLRTM", "--amount", "2", "--tranche", "DEPA:0:2000", "--json"]

    def run(*args, **kwargs):
        return invoke(*args, extra_env=env, **kwargs)

    node = Anvil(port, state).start()
    try:
        address = json.loads(run("deploy", "--json").stdout)["address"]
        sid = json.loads(run(*ship).stdout)["shipment_id"]
        run("milestone", sid, "GTIN", "--sign-only", tmp_path / "gtin.json")
        run("relay", tmp_path / "gtin.json")
        time.sleep(1.5)  # anvil writes its state file every second
    finally:
        node.stop(kill=True)  # a crash: no orderly dump
    assert state.exists()

    with Anvil(port, state):
        redeploy = json.loads(run("deploy", "--json").stdout)
        reship = json.loads(run(*ship).stdout)
        relayed = json.loads(run("relay", tmp_path / "gtin.json", "--json").stdout)
        before = json.loads(run("status", sid, "--json").stdout)
        # finish the lifecycle
        legs = before["legs"]
        for leg in legs:
            run("milestone", sid, "DEPA", "--leg", leg["index"])
            run("milestone", sid, "ARRI", "--leg", leg["index"])
        run("milestone", sid, "DROP")
        run("confirm", sid)
        after = json.loads(run("status", sid, "--json").stdout)
        listed = json.loads(run("shipments", "--party", "buyer", "--json").stdout)

    assert redeploy["address"] == address and redeploy["deployed_now"] is False
    assert reship["shipment_id"] == sid and reship["transactions"] == []
    assert relayed == {"relayed": 0, "already_recorded": 1, "transactions": []}
    assert before["milestone_count"] == 1 and before["history_verified"]
    assert after["state"] == "completed"
    assert after["milestone_count"] == 2 + 2 * len(legs)
    assert [m["seq"] for m in after["milestones"]] == list(range(after["milestone_count"]))
    assert after["released"] == after["deposited"] == str(2 * 10**18)
    assert after["history_verified"] is True
    assert [s["shipment_id"] for s in listed] == [sid]
