"""Completeness offline: the bundle's state proof of the shipment's head, on a real anvil
(eth-tester has no eth_getProof), checked against a block hash the user trusts."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner
from eth_utils import keccak
from trace_kit import build

from tradelane.chain import connect
from tradelane.client import Tradelane
from tradelane.node import Anvil
from tradelane.trace import stateproof
from tradelane.trace.bundle import build_bundle, digest
from tradelane.trace.verify import verify

pytestmark = pytest.mark.anvil


@pytest.fixture(scope="module")
def node():
    with Anvil() as anvil:  # stopped even when a test fails
        yield anvil


@pytest.fixture(scope="module")
def proven(node, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADELANE_HOME", str(tmp_path_factory.mktemp("home")))
    live, _ = Tradelane.deploy(connect(node.url))
    b = build(live, "full")
    other = build(live, "late_items_departed")
    bundle = build_bundle(live, b.sid)
    yield live, b, bundle, build_bundle(live, other.sid)
    mp.undo()


def _forged(bundle, mutate):
    out = copy.deepcopy(bundle)
    mutate(out)
    out["digest"] = digest(out)
    return out


def _truncate(b):
    del b["milestones"][8:]
    b["head"] = b["milestones"][-1]["head"]
    b["milestone_count"] = 8


def test_the_bundle_carries_a_proof_of_the_head(proven):
    live, b, bundle, _ = proven
    proof = bundle["state_proof"]
    assert bundle["state_proof_missing"] is None
    block = live.chain.w3.eth.get_block(proof["block_number"])
    assert proof["block_hash"] == "0x" + bytes(block["hash"]).hex()
    assert proof["slot"] == "0x" + stateproof.progress_slot(b.sid).to_bytes(32, "big").hex()
    head = stateproof.check(proof, bundle["contract"], b.sid)
    assert head == live.view(b.sid)["head"]


def test_trusted_block_proves_completeness_offline(proven):
    _, _, bundle, _ = proven
    trusted = bundle["state_proof"]["block_hash"]

    untrusted, complete = verify(bundle), verify(bundle, trusted_block=trusted)

    assert untrusted.ok and not untrusted.complete
    assert "pass --trusted-block" in untrusted.statements[1]
    assert complete.ok and complete.complete
    assert complete.statements[1].startswith(
        f"complete at block {bundle['state_proof']['block_number']}"
    )


def test_a_truncated_bundle_is_caught_offline_by_its_proof(proven):
    _, _, bundle, _ = proven
    problems = verify(_forged(bundle, _truncate)).problems
    assert any("lacks milestones recorded by then" in p for p in problems), problems


def test_a_truncated_bundle_without_its_proof_is_not_called_complete(proven):
    _, _, bundle, _ = proven

    def strip(b):
        _truncate(b)
        b["state_proof"], b["state_proof_missing"] = None, "removed"

    forged = _forged(bundle, strip)
    trusted = bundle["state_proof"]["block_hash"]

    assert verify(forged).ok and not verify(forged).complete
    assert verify(forged, trusted_block=trusted).problems == [
        f"no state proof in the bundle to check against trusted block {trusted}"
    ]


def _flip_node(key, index):
    def mutate(b):
        nodes = b["state_proof"][key]
        node = nodes[index]
        nodes[index] = node[:-2] + ("00" if node[-2:] != "00" else "01")

    return mutate


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_flip_node("account_proof", 0), "account proof does not verify"),
        (_flip_node("account_proof", -1), "account proof"),
        (_flip_node("storage_proof", -1), "storage proof"),
        (lambda b: b["state_proof"]["storage_proof"].clear(), "storage proof does not verify"),
        (
            lambda b: b["state_proof"].update(header=b["state_proof"]["header"][:-2] + "ff"),
            "header does not hash to block hash",
        ),
        (
            lambda b: b["state_proof"].update(block_number=b["state_proof"]["block_number"] - 1),
            "header is block",
        ),
        (lambda b: b["state_proof"].update(slot="0x" + "00" * 32), "is not shipment"),
        (
            lambda b: b["state_proof"].update(
                header="0xc0", block_hash="0x" + keccak(b"\xc0").hex()
            ),
            "header is not an RLP block header",
        ),
        (
            lambda b: b["state_proof"].update(account_proof=["0x00"]),
            "account proof does not verify",
        ),
        (lambda b: b["state_proof"].update(storage_proof=["0xc0", "0x80"]), "storage proof"),
    ],
)
def test_a_broken_proof_is_named(proven, mutate, message):
    _, _, bundle, _ = proven
    problems = verify(_forged(bundle, mutate)).problems
    assert any(message in p for p in problems), problems


def test_another_shipments_proof_does_not_fit(proven):
    _, _, bundle, other = proven
    forged = _forged(bundle, lambda b: b.update(state_proof=other["state_proof"]))
    problems = verify(forged).problems
    assert any("is not shipment" in p for p in problems), problems


def test_a_proof_for_another_block_than_the_trusted_one(proven):
    _, _, bundle, _ = proven
    problems = verify(bundle, trusted_block="0x" + "ab" * 32).problems
    assert problems == [
        f"the state proof is for block {bundle['state_proof']['block_hash']}, "
        f"not the trusted block 0x{'ab' * 32}"
    ]


def test_verify_command_with_a_trusted_block(proven, tmp_path):
    from tradelane.cli import cli

    _, _, bundle, _ = proven
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    runner = CliRunner()

    good = runner.invoke(
        cli, ["verify", str(path), "--trusted-block", bundle["state_proof"]["block_hash"]]
    )
    bad = runner.invoke(cli, ["verify", str(path), "--trusted-block", "0x12"])

    assert good.exit_code == 0, good.output
    assert "complete at block" in good.output
    assert bad.exit_code == 1
    assert bad.output.strip() == "error: --trusted-block '0x12' is not a 0x-prefixed 32-byte hash"
