"""Proof bundles: valid ones verify offline and against the chain; any tampering is named."""

from __future__ import annotations

import copy

import pytest
from trace_kit import Builder, build

from tradelane.model import Code
from tradelane.trace.bundle import build_bundle, digest
from tradelane.trace.lookup import trace
from tradelane.trace.verify import verify, verify_bundle

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


def _del(path):
    def mutate(b):
        *keys, last = path
        target = b
        for k in keys:
            target = target[k]
        del target[last]

    return mutate


def _drop(i):
    return lambda b: b["milestones"].pop(i)


def _swap(i, j):
    def mutate(b):
        ms = b["milestones"]
        ms[i], ms[j] = ms[j], ms[i]

    return mutate


def _also(*mutations):
    def mutate(b):
        for m in mutations:
            m(b)

    return mutate


def _truncate(keep):
    """Cut the history to `keep` milestones and fix head and count: consistent, incomplete."""

    def mutate(b):
        del b["milestones"][keep:]
        b["head"] = b["milestones"][-1]["head"]
        b["milestone_count"] = keep

    return mutate


SERIAL_ITEM = ("items", "list", 1)
#: name -> (mutation, the message offline, the message with --rpc if it differs).
#: The attacker recomputes the digest; each case must be caught by what it breaks.
TAMPERING = {
    "event time": (_set(("milestones", 1, "event_time"), lambda v: v + 1), "does not re-pack"),
    "event time text": (
        _set(("milestones", 1, "event_time_utc"), lambda v: "1999" + v[4:]),
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
    "transaction removed": (
        _set(("milestones", 1, "transaction"), lambda v: None),
        "no signed transaction in the bundle",
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
    "route mode": (
        _set(("routes", 0, "legs", 0, "mode"), lambda v: "boat"),
        "routes[0].legs[0].mode: 'boat' must be one of sea, air, rail, road",
    ),
    "network hash": (_set(("network_hash",), flip), "network_hash"),
    "items root": (_set(("items", "root"), flip), "items hash to root"),
    "item uri": (_set((*SERIAL_ITEM, "uri"), lambda v: v[:-1] + "9"), "items hash to root"),
    "item serial, uri kept": (
        _set((*SERIAL_ITEM, "serial"), lambda v: "SN-009"),
        "items.list[1]: serial 'SN-009' is not the serial its URI spells ('SN-001')",
    ),
    "item gtin": (
        _set((*SERIAL_ITEM, "gtin"), lambda v: "09506000134369"),
        "is not the gtin its URI spells",
    ),
    "item kind": (
        _set(("items", "list", 0, "kind"), lambda v: "sgtin"),
        "items.list[0].gtin: missing",
    ),
    "item list null": (
        _set(("items", "list"), lambda v: None),
        "items.list: null must be a list",
    ),
    "item removed": (lambda b: b["items"]["list"].pop(), "the 3 items hash to root"),
    "item twice": (
        lambda b: b["items"]["list"].append(dict(b["items"]["list"][1])),
        "names an item twice",
    ),
    "item extra field": (
        _set(SERIAL_ITEM, lambda v: {**v, "lot": "L1"}),
        "items.list[1].lot: unknown field",
    ),
    "extra top-level field": (
        lambda b: b.update(verified=True),
        "verified: unknown field",
    ),
    "extra milestone field": (
        _set(("milestones", 1), lambda v: {**v, "note": "ok"}),
        "milestones[1].note: unknown field",
    ),
    "missing field": (_del(("milestones", 1, "record")), "milestones[1].record: missing"),
    "routes null": (_set(("routes",), lambda v: None), "routes: null must be a list"),
    "final head": (_set(("head",), flip), "is not the last milestone's head"),
    "genesis": (_set(("genesis",), flip), "genesis"),
    "chain id": (
        _set(("chain_id",), lambda v: v + 1),
        "genesis",
        "bundle is from chain",
    ),
    "chain id as float": (
        _set(("chain_id",), float),
        ("chain_id: ", ".0 must be a whole number (no decimal point)"),
    ),
    "shipment id as float": (
        _set(("shipment_id",), float),
        ("shipment_id: ", ".0 must be a whole number (no decimal point)"),
    ),
    "count as text": (
        _set(("milestone_count",), str),
        "milestone_count: '11' must be a whole number",
    ),
    "relayed as text": (
        _set(("milestones", 2, "relayed"), lambda v: "true"),
        "milestones[2].relayed: 'true' must be true or false",
    ),
    "time as boolean": (
        _set(("milestones", 1, "event_time"), lambda v: True),
        "milestones[1].event_time: True must be a whole number",
    ),
    "negative block": (
        _set(("milestones", 1, "block_number"), lambda v: -1),
        "milestones[1].block_number: -1 is outside",
    ),
    "signature not hex": (
        _set(("milestones", 2, "signature"), lambda v: "0xZZ" + v[4:]),
        ("milestones[2].signature: '0xZZ", "must be lowercase 0x hex"),
    ),
    "contract not checksummed": (
        _set(("contract",), str.lower),
        ("contract: '0x", "must be a checksummed address"),
    ),
    "location lower case": (
        _set(("milestones", 1, "location"), str.lower),
        "milestones[1].location: 'cnsha' must be text",
    ),
    "unknown code": (
        _set(("milestones", 1, "code"), lambda v: "XXXX"),
        "milestones[1].code: 'XXXX' must be one of",
    ),
    "state proof junk": (
        _set(("state_proof",), lambda v: {"block_number": 1}),
        "state_proof.block_hash: missing",
    ),
    "count": (_set(("milestone_count",), lambda v: v - 1), "milestone_count"),
    "milestone dropped": (_drop(4), "missing or out of order"),
    "last milestone dropped": (_drop(-1), "is not the last milestone's head"),
    "milestones reordered": (_swap(4, 5), "missing or out of order"),
    "format": (_set(("format",), lambda v: "tradelane-proof-bundle/1"), "format is"),
}


def test_the_suite_has_forty_cases():
    assert len(TAMPERING) >= 40


@pytest.mark.parametrize("online", [False, True], ids=["offline", "rpc"])
@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_tampering_is_caught_with_a_specific_message(tl, full, case, online):
    _, bundle = full
    mutate, expected, *rpc_expected = TAMPERING[case]
    tampered = copy.deepcopy(bundle)
    mutate(tampered)
    tampered["digest"] = digest(tampered)  # the forger fixes the digest

    verdict = verify(tampered, tl.chain if online else None)

    wanted = rpc_expected[0] if online and rpc_expected else expected
    parts = wanted if isinstance(wanted, tuple) else (wanted,)
    assert any(all(x in p for x in parts) for p in verdict.problems), verdict.problems
    assert all("\n" not in p and "Error " not in p for p in verdict.problems)


def test_an_altered_file_without_a_new_digest_is_named(full):
    _, bundle = full
    tampered = copy.deepcopy(bundle)
    tampered["created_at"] = "2020-01-01T00:00:00Z"
    assert verify(tampered).problems == [
        "bundle digest does not match its content: the file was altered"
    ]


def test_a_truncated_bundle_says_it_is_not_proven_complete_offline(tl, full):
    """Cut from 11 to 8 milestones (customs release, last departure and delivery removed),
    head and count fixed, digest recomputed: consistent — and not claimed complete."""
    _, bundle = full
    tampered = copy.deepcopy(bundle)
    _truncate(8)(tampered)
    tampered["digest"] = digest(tampered)

    offline = verify(tampered)
    online = verify(tampered, tl.chain)

    assert offline.problems == [] and not offline.complete
    assert offline.statements[0].startswith("history consistent up to milestone #7 (RELS ACT")
    assert any("completeness not proven offline" in s for s in offline.statements)
    assert any("on-chain head" in p for p in online.problems)
    assert any("on-chain milestone count" in p for p in online.problems)


def test_a_complete_bundle_says_what_it_proved(tl, full):
    _, bundle = full
    offline, online = verify(bundle), verify(bundle, tl.chain)
    assert offline.ok and online.ok
    assert "completeness not proven offline (the node gives no state proof" in offline.statements[1]
    assert online.complete and online.statements[1].startswith("complete: the contract on chain")
    assert offline.statements[2].startswith("4 items hash to the committed root")


def test_the_opening_terms_are_checked_against_the_chain(tl, full):
    _, bundle = full
    tampered = copy.deepcopy(bundle)
    tampered["opened"]["amount"] = str(int(tampered["opened"]["amount"]) * 2)
    tampered["digest"] = digest(tampered)
    assert verify(tampered).ok  # not provable offline
    problems = verify(tampered, tl.chain).problems
    assert problems == ["opening: the log on chain holds other terms than the bundle"]


@pytest.mark.parametrize(
    ("field", "expected"),
    [("block_number", "not 1"), ("log_index", "no MilestoneRecorded log at index")],
)
def test_log_positions_are_proven_against_the_chain(tl, full, field, expected):
    _, bundle = full
    tampered = copy.deepcopy(bundle)
    tampered["milestones"][-1][field] += 1000
    tampered["digest"] = digest(tampered)

    assert verify_bundle(tampered) == []  # not provable offline, and the verdict says so
    assert "not proven offline" in verify(tampered).statements[-1]
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
