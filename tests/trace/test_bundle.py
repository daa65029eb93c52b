"""Proof bundles: valid ones verify offline and against the chain; any tampering is named."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tamper_cases import TAMPERING, truncate
from trace_kit import Builder, build

from tradelane.model import Code
from tradelane.trace.bundle import build_bundle, digest
from tradelane.trace.lookup import trace
from tradelane.trace.verify import verify, verify_bundle

DIGEST = "bundle digest does not match"


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


def test_a_relayed_milestone_on_a_later_leg_verifies(tl, builder):
    """The attestation nonce of a milestone on leg 1 follows the contract's rule (whatever it
    counts), so its signature recovers to the leg's carrier offline."""
    b = builder([])
    b.step("carrier1", 0, Code.DEPA, "CNSHA")
    b.step("carrier1", 0, Code.ARRI, "NLRTM")
    b.relayed("carrier2", 1, Code.DEPA, "NLRTM")

    bundle = build_bundle(tl, b.sid)

    (relayed,) = [m for m in bundle["milestones"] if m["relayed"]]
    assert relayed["leg"] == 1 and relayed["seq"] == 2
    assert verify_bundle(bundle) == [] and verify_bundle(bundle, tl.chain) == []


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
    truncate(8)(tampered)
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

    result = trace(tl, "(01)09506000134352(21)SN-002(17)271231")  # serial + expiry

    assert result.shipment_id == b.sid and result.proof_ok and result.ok, result.problems
    assert result.status.history_verified
    assert len(result.status.milestones) == 11


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            yield from _paths(v, (*prefix, i))


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.just("0x" + "ab" * 32),
    st.just([]),
    st.just({}),
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_field_set_to_anything_gives_problems_not_a_crash(full, data):
    _, bundle = full
    paths = [p for p in _paths(bundle) if p]
    path = data.draw(st.sampled_from(paths))
    value = data.draw(JUNK)
    tampered = copy.deepcopy(bundle)
    target = tampered
    for key in path[:-1]:
        target = target[key]
    if target[path[-1]] == value:
        return
    target[path[-1]] = value
    tampered["digest"] = digest(tampered)

    verdict = verify(tampered)  # never raises

    assert all(isinstance(p, str) and "\n" not in p for p in verdict.problems)
