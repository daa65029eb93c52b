"""Proof bundles: valid ones verify offline and against the chain; any tampering is named."""

from __future__ import annotations

import copy

import pytest
from trace_kit import Builder, build

from tradelane.model import Code
from tradelane.trace.bundle import build_bundle, verify_bundle
from tradelane.trace.lookup import trace

DIGEST = "bundle digest does not match"


def flip(hex_text: str) -> str:
    """The same hex string with one byte changed."""
    i = len(hex_text) - 4
    return hex_text[:i] + ("0" if hex_text[i] != "0" else "1") + hex_text[i + 1 :]


@pytest.fixture(scope="module")
def full(tl):
    """A full lifecycle and its bundle, built once (the tampering cases only read them)."""
    tester = tl.chain.w3.provider.ethereum_tester
    snapshot = tester.take_snapshot()
    b = build(tl, "full")
    yield b, build_bundle(tl, b.sid)
    tester.revert_to_snapshot(snapshot)


def test_every_lifecycle_bundle_verifies_offline_and_on_chain(tl, lifecycle):
    bundle = build_bundle(tl, lifecycle.sid)

    assert verify_bundle(bundle) == []
    assert verify_bundle(bundle, tl.chain) == []
    assert bundle["milestone_count"] == len(bundle["milestones"])


def test_bundle_carries_signatures_and_transactions(full):
    _, bundle = full
    relayed = [m for m in bundle["milestones"] if m["relayed"]]
    assert len(relayed) == 1 and relayed[0]["signature"] and relayed[0]["deadline"]
    assert all(m["transaction"] for m in bundle["milestones"])
    assert bundle["routes"][0]["network_hash"] == "0x" + "42" * 32


def test_history_gives_back_standard_signatures(tl, full):
    """Calls carry EIP-2098 (r, vs); the history and the bundle give the 65-byte r ‖ s ‖ v form,
    the one that verifies offline (the bundle's check recovers it to the carrier)."""
    b, bundle = full
    events = tl.history(b.sid, signatures=True)
    signed = {e.seq: e.signature for e in events if e.signature}
    assert signed == {m["seq"]: m["signature"] for m in bundle["milestones"] if m["relayed"]}
    ((seq, sig),) = signed.items()
    assert len(sig) == 2 + 130 and sig[-2:] in ("1b", "1c")
    assert [e.seq for e in events if e.relayed] == [seq]
    assert verify_bundle(bundle) == []


def test_identical_attestations_in_one_batch_each_keep_their_own_signature(tl):
    """The call data carries no nonce: the k-th relayed copy of a milestone in a transaction is
    its k-th signed entry. Two identical INSPs (same time) and another shipment's milestone in
    one batch each come back with the signature made for their own place."""
    a, other = Builder(tl, []), Builder(tl, [])
    now = tl.chain.now()
    insp = a.m(0, Code.INSP, "CNSHA", at=now)
    signed = [
        tl.sign("carrier1", insp, nonce=0),
        tl.sign("carrier1", other.m(0, Code.GTIN, "CNSHA", at=now), nonce=0),
        tl.sign("carrier1", insp, nonce=1),
    ]
    tl.relay("relayer", signed)

    events = tl.history(a.sid, signatures=True)
    assert [e.signature for e in events] == [signed[0]["signature"], signed[2]["signature"]]
    bundle = build_bundle(tl, a.sid)
    assert [m["nonce"] for m in bundle["milestones"]] == [0, 1]
    assert verify_bundle(bundle) == []
    assert verify_bundle(build_bundle(tl, other.sid)) == []


def _set(path, value_fn):
    def mutate(b):
        *keys, last = path
        target = b
        for k in keys:
            target = target[k]
        target[last] = value_fn(target[last])

    return mutate


def _drop(i):
    return lambda b: b["milestones"].pop(i)


def _swap(i, j):
    def mutate(b):
        ms = b["milestones"]
        ms[i], ms[j] = ms[j], ms[i]

    return mutate


TAMPERING = {
    "event time": (_set(("milestones", 1, "event_time"), lambda v: v + 1), "does not re-pack"),
    "event time text": (
        _set(("milestones", 1, "event_time_utc"), lambda v: v.replace(":", ";", 1)),
        "event_time_utc",
    ),
    "recorded at": (_set(("milestones", 1, "recorded_at"), lambda v: v - 1), "does not re-pack"),
    "location": (_set(("milestones", 1, "location"), lambda v: "CNSHB"), "does not re-pack"),
    "code": (_set(("milestones", 1, "code"), lambda v: "GTIN"), "does not re-pack"),
    "classifier": (_set(("milestones", 1, "classifier"), lambda v: "EST"), "does not re-pack"),
    "leg": (_set(("milestones", 1, "leg"), lambda v: 1), "does not re-pack"),
    "relayed flag": (_set(("milestones", 1, "relayed"), lambda v: True), "does not re-pack"),
    "record": (_set(("milestones", 1, "record"), flip), "does not re-pack"),
    "head": (_set(("milestones", 1, "head"), flip), "does not re-hash"),
    "prev head": (_set(("milestones", 2, "prev_head"), flip), "does not link"),
    "carrier": (_set(("milestones", 1, "carrier"), lambda v: "0x" + "11" * 20), "carrier"),
    "signature": (_set(("milestones", 2, "signature"), flip), "signature"),
    "deadline": (_set(("milestones", 2, "deadline"), lambda v: v + 1), "deadline"),
    "nonce": (_set(("milestones", 2, "nonce"), lambda v: v + 1), "nonce"),
    "tx hash": (_set(("milestones", 1, "tx_hash"), flip), "is not the hash of its transaction"),
    "transaction": (
        _set(("milestones", 1, "transaction"), flip),
        "is not the hash of its transaction",
    ),
    "route leg": (
        _set(("routes", 0, "legs", 0, "planned_arrival"), lambda v: v + 1),
        "legs hash to",
    ),
    "route carrier": (
        _set(("routes", 0, "legs", 1, "carrier"), lambda v: "0x" + "22" * 20),
        "legs hash to",
    ),
    "route hash": (_set(("routes", 0, "route_hash"), flip), "legs hash to"),
    "network hash": (_set(("network_hash",), flip), "network_hash"),
    "items root": (_set(("items", "root"), flip), "items hash to root"),
    "item uri": (_set(("items", "list", 1, "uri"), lambda v: v[:-1] + "9"), "items hash to root"),
    "final head": (_set(("head",), flip), "is not the last milestone's head"),
    "genesis": (_set(("genesis",), flip), "genesis"),
    "chain id": (_set(("chain_id",), lambda v: v + 1), "genesis"),
    "contract": (_set(("contract",), lambda v: "0x" + "33" * 20), "genesis"),
    "shipment id": (_set(("shipment_id",), lambda v: v + 1), "genesis"),
    "count": (_set(("milestone_count",), lambda v: v - 1), "milestone_count"),
    "milestone dropped": (_drop(4), "missing or out of order"),
    "last milestone dropped": (_drop(-1), "is not the last milestone's head"),
    "milestones reordered": (_swap(4, 5), "missing or out of order"),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_tampering_is_caught_offline_with_a_specific_message(full, case):
    _, bundle = full
    mutate, expected = TAMPERING[case]
    tampered = copy.deepcopy(bundle)
    mutate(tampered)

    problems = verify_bundle(tampered)

    assert any(expected in p for p in problems if DIGEST not in p), problems
    assert problems[-1].startswith(DIGEST)


@pytest.mark.parametrize(
    ("field", "expected"),
    [("block_number", "not 1"), ("log_index", "no MilestoneRecorded log at index")],
)
def test_log_positions_are_proven_against_the_chain(tl, full, field, expected):
    _, bundle = full
    tampered = copy.deepcopy(bundle)
    tampered["milestones"][-1][field] += 1000

    assert verify_bundle(tampered) == [verify_bundle(tampered)[-1]]  # offline: only the digest
    problems = verify_bundle(tampered, tl.chain)
    assert any(field.split("_")[0] in p for p in problems), problems


def test_bundle_from_another_chain_is_refused(tl, full):
    _, bundle = full
    other = copy.deepcopy(bundle)
    other["chain_id"] = 1
    from tradelane.trace.chaincheck import check_against_chain

    assert check_against_chain(other, tl.chain) == [
        f"bundle is from chain 1, but the node is chain {tl.chain.chain_id}"
    ]


def test_a_bundle_behind_the_chain_is_stale(tl):
    b = build(tl, "late_items_departed")
    bundle = build_bundle(tl, b.sid)
    b.step("carrier1", 0, Code.ARRI, "NLRTM")

    problems = verify_bundle(bundle, tl.chain)

    assert any("on-chain head" in p for p in problems)
    assert any("on-chain milestone count" in p for p in problems)


def test_trace_proves_an_item_and_verifies_its_history(tl, builder):
    b = builder().full()

    result = trace(tl, "(01)09506000134352(21)SN-002")

    assert result.shipment_id == b.sid and result.proof_ok and result.ok, result.problems
    assert result.status.history_verified
    assert len(result.status.milestones) == 11
