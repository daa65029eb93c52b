"""A re-run finds what an earlier run sent — pending, dropped, stuck or lost — and never sends
twice. Each test has an anvil of its own, with automatic mining switched off where a
transaction must stay pending."""

from __future__ import annotations

import json

import pytest
import requests

from tradelane.chain import connect
from tradelane.node import Anvil

SHIP = ["ship", "CNSHA", "NLRTM", "--amount", "0.7", "--json"]


def rpc(node: Anvil, method: str, *params):
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    reply = requests.post(node.url, json=body, timeout=5).json()
    assert "error" not in reply, reply
    return reply["result"]


@pytest.fixture
def node(invoke, tmp_path):
    """A deployed anvil of its own and a runner bound to it and to a home of its own."""
    with Anvil() as anvil:
        env = {"TRADELANE_RPC": anvil.url, "TRADELANE_HOME": str(tmp_path)}

        def run(*args, ok=True, **extra):
            return invoke(*args, ok=ok, extra_env={**env, **extra})

        run("deploy")
        anvil.run = run
        anvil.chain = connect(anvil.url)
        yield anvil


def pending_from(node: Anvil, who: str) -> int:
    """Transactions of `who` waiting in the node's pool."""
    address = node.chain.address(who)
    chain = node.chain.w3.eth
    return chain.get_transaction_count(address, "pending") - chain.get_transaction_count(address)


def steps(home) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(home.glob("chains/*/intents/*/*.json"))]


def test_a_rerun_while_the_opening_is_pending_waits_for_it_and_sends_nothing_twice(node, tmp_path):
    rpc(node, "evm_setAutomine", False)

    first = node.run(*SHIP, ok=False, TRADELANE_RECEIPT_TIMEOUT="0.5")
    again = node.run(*SHIP, ok=False, TRADELANE_RECEIPT_TIMEOUT="0.5")
    assert pending_from(node, "buyer") == 1  # the re-run sent nothing
    rpc(node, "evm_mine")
    rpc(node, "evm_setAutomine", True)
    done = json.loads(node.run(*SHIP).stdout)
    rerun = json.loads(node.run(*SHIP).stdout)

    for failed in (first, again):
        assert "not mined within" in failed.output and "re-run the same command" in failed.output
    assert done["shipment_id"] == rerun["shipment_id"] == 1
    assert done["resumed"] is True and done["transactions"] == []  # one transaction did it all
    assert rerun["resumed"] is True and rerun["transactions"] == []
    assert done["amount"] == str(7 * 10**17) and done["state"] == "routed"
    assert node.chain.w3.eth.get_transaction_count(node.chain.address("buyer")) == 1


def test_a_dropped_transaction_is_rebroadcast_from_the_journal(node, tmp_path):
    rpc(node, "evm_setAutomine", False)
    node.run(*SHIP, ok=False, TRADELANE_RECEIPT_TIMEOUT="0.5")
    rpc(node, "anvil_dropAllTransactions")
    rpc(node, "evm_setAutomine", True)

    result = node.run(*SHIP)

    data = json.loads(result.stdout)
    assert "re-broadcast from the journal" in result.output
    assert data["shipment_id"] == 1 and data["resumed"] is True
    (opened,) = [s for s in steps(tmp_path) if s["label"] == "acceptOffer#0"]
    assert len(opened["attempts"]) == 1 and opened["state"] == "mined"
    assert node.chain.w3.eth.get_transaction_count(node.chain.address("buyer")) == 1


def test_a_stuck_transaction_is_replaced_under_the_same_nonce_with_a_higher_fee(node, tmp_path):
    node.run(*SHIP)
    rpc(node, "evm_setAutomine", False)
    node.run("confirm", "1", "--yes", ok=False, TRADELANE_RECEIPT_TIMEOUT="0.5")

    node.run("--bump-fee", "confirm", "1", "--yes", ok=False, TRADELANE_RECEIPT_TIMEOUT="0.5")
    assert pending_from(node, "buyer") == 1  # replaced, not added
    rpc(node, "evm_mine")
    rpc(node, "evm_setAutomine", True)
    done = node.run("confirm", "1", "--yes", "--json")

    (confirm,) = [s for s in steps(tmp_path) if s["label"].startswith("confirmDelivery")]
    first, bumped = confirm["attempts"]
    assert bumped["max_fee"] > first["max_fee"] and bumped["tip"] > first["tip"]
    w3 = node.chain.w3
    assert w3.eth.get_transaction_receipt(bumped["hash"])["status"] == 1  # the one mined
    assert node.chain.receipt_of([first["hash"]]) is None
    assert json.loads(done.stdout)["state"] == "completed"


def test_a_fee_is_raised_automatically_after_bump_after_seconds(node, tmp_path):
    node.run(*SHIP)
    rpc(node, "evm_setAutomine", False)

    node.run("dispute", "1", ok=False, TRADELANE_RECEIPT_TIMEOUT="1.5", TRADELANE_BUMP_AFTER="0.4")

    (step,) = [s for s in steps(tmp_path) if s["label"].startswith("openDispute")]
    assert len(step["attempts"]) >= 2
    assert len({a["hash"] for a in step["attempts"]}) == len(step["attempts"])
    assert pending_from(node, "buyer") == 1


def test_an_entry_the_chain_cannot_include_is_reported_and_never_reused(node, tmp_path):
    """The opening was journaled and dropped, then the buyer's nonce went to another
    transaction: the journal's transaction can never land, so the re-run says so and opens
    anew, reporting what the chain shows for the new one."""
    rpc(node, "evm_setAutomine", False)
    node.run(*SHIP, ok=False, TRADELANE_RECEIPT_TIMEOUT="0.5")
    rpc(node, "anvil_dropAllTransactions")
    rpc(node, "evm_setAutomine", True)
    node.chain.transfer("buyer", node.chain.address("outsider"), 1)  # takes the nonce

    result = node.run(*SHIP)

    data = json.loads(result.stdout)
    assert "never can be" in result.output and "sent anew" in result.output
    assert data["resumed"] is False and data["shipment_id"] == 1
    assert data["buyer"] == node.chain.address("buyer") and data["amount"] == str(7 * 10**17)


def test_a_damaged_journal_is_a_clear_error_and_is_never_reset(node, tmp_path):
    node.run(*SHIP)
    (path,) = [p for p in tmp_path.glob("chains/*/intents/*/acceptOffer#0.json")]
    path.write_text("{ half written")

    result = node.run(*SHIP, ok=False)

    assert result.exit_code == 1 and "is damaged" in result.output
    assert path.read_text() == "{ half written"
    assert node.chain.w3.eth.get_transaction_count(node.chain.address("buyer")) == 1


def test_an_intent_key_names_the_run_even_for_a_deliberately_new_shipment(node):
    """`ship --new` opens another shipment each run, unless the script names the run: then a
    re-run with the same --intent finishes the same one."""
    first = json.loads(node.run("--intent", "order-17", *SHIP, "--new").stdout)
    again = json.loads(node.run("--intent", "order-17", *SHIP, "--new").stdout)
    other = json.loads(node.run(*SHIP, "--new").stdout)

    assert again["shipment_id"] == first["shipment_id"] and again["resumed"] is True
    assert other["shipment_id"] == first["shipment_id"] + 1 and other["resumed"] is False


def test_a_milestone_rerun_reports_what_the_earlier_transaction_recorded(node):
    """The re-run would compute a later "now"; it reports the time the chain holds."""
    node.run(*SHIP)
    rpc(node, "evm_setAutomine", False)
    node.run("milestone", "1", "INSP", ok=False, TRADELANE_RECEIPT_TIMEOUT="0.5")
    rpc(node, "evm_mine")
    rpc(node, "evm_setAutomine", True)
    node.chain.advance(3 * 3600)

    result = json.loads(node.run("milestone", "1", "INSP", "--json").stdout)
    text = node.run("milestone", "1", "INSP").output

    logs = node.chain.w3.eth.get_logs({"fromBlock": 0, "toBlock": "latest"})
    recorded = [log for log in logs if "0x" + log["transactionHash"].hex() == result["tx"]]
    assert recorded and result["earlier_run"] is True
    assert result["milestone"]["code"] == "INSP"
    block = node.chain.w3.eth.get_block(recorded[0]["blockNumber"])
    assert result["milestone"]["event_time"] <= block["timestamp"] < node.chain.now() - 3 * 3600 + 5
    assert "sent by an earlier run" in text
