"""Kill anvil mid-lifecycle, restart it from its state file, finish: nothing lost or doubled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from tradelane.chain import connect
from tradelane.node import Anvil, free_port

SHIP = ["ship", "CNSHA", "NLRTM", "--amount", "0.5", "--json"]


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


def start_node(port: int, state, home) -> subprocess.Popen:
    """`tradelane node` in the background; returns once it printed its banner."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tradelane.cli", "node", "--port", str(port), "--state", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "TRADELANE_HOME": str(home)},
    )
    process.banner = []
    for line in process.stdout:
        process.banner.append(line)
        if "Ctrl-C" in line:
            break
    return process


def test_a_node_killed_right_after_a_reported_success_keeps_it_and_its_moved_clock(
    invoke, tmp_path
):
    """The node dies by SIGKILL well within anvil's one-second save interval after `ship`
    reported a shipment and after the clock was moved 30 days: the restarted node keeps the
    clock (monotonic, offset kept) and has the shipment again, restored from the journal."""
    port = free_port()
    state = tmp_path / "anvil-state.json"
    env = {"TRADELANE_RPC": f"http://127.0.0.1:{port}", "TRADELANE_HOME": str(tmp_path)}

    def run(*args, **kwargs):
        return invoke(*args, extra_env=env, **kwargs)

    node = Anvil(port, state).start()
    try:
        run("deploy")
        first = json.loads(run(*SHIP).stdout)
        time.sleep(1.5)  # saved: the deployment and the first shipment
        moved = json.loads(run("node", "advance", "30d", "--json").stdout)
        second = json.loads(run(*SHIP, "--new", "--pick", "2").stdout)
        chain = connect(env["TRADELANE_RPC"])
        last = chain.w3.eth.get_block("latest")
    finally:
        node.stop(kill=True)  # within the second: the state file has neither
    process = start_node(port, state, tmp_path)
    try:
        chain = connect(env["TRADELANE_RPC"])
        head = chain.w3.eth.get_block("latest")
        status = json.loads(run("status", second["shipment_id"], "--json").stdout)
        run("milestone", second["shipment_id"], "GTIN")  # an ACT at the chain's "now"
        recorded = json.loads(run("status", second["shipment_id"], "--json").stdout)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    banner = " ".join("".join(process.banner).split())

    assert moved["advanced"] >= 30 * 86_400
    assert head["timestamp"] >= last["timestamp"]  # never earlier than the last block seen
    assert head["timestamp"] >= time.time() + 29 * 86_400  # the offset survived
    assert "ahead of real time" in banner and "were sent again" in banner
    assert second["shipment_id"] == first["shipment_id"] + 1
    assert status["state"] == "routed" and status["deposited"] == second["amount"]
    assert recorded["milestone_count"] == 1
