"""Milestones, attestations and batches: B7–B13."""

import pytest
from eth_abi import encode
from eth_account.messages import _hash_eip191_message, encode_typed_data
from eth_utils import function_abi_to_4byte_selector, keccak
from shipment_kit import ATTESTATION_TYPES, CODES, DAY, SECP256K1_N, lc

from tradelane.attest import expand_signature
from tradelane.errors import ContractRevert, InputError


def _record_word(rec: bytes) -> dict:
    w = int.from_bytes(rec, "big")
    return {
        "leg": w >> 248,
        "code": (w >> 240) & 0xFF,
        "cls": (w >> 232) & 0xFF,
        "loc": ((w >> 192) & (2**40 - 1)).to_bytes(5, "big"),
        "eventTime": (w >> 152) & (2**40 - 1),
        "recordedAt": (w >> 112) & (2**40 - 1),
        "seq": (w >> 80) & (2**32 - 1),
        "relayed": (w >> 72) & 1,
        "rest": w & ((1 << 72) - 1) | ((w >> 73) & 0x7F) << 73,
    }


def test_b7_milestone_record_and_hash_chain(kit, routed):
    """B7: record layout, indexed carrier, head' = bytes24(keccak(head ‖ record ‖ carrier))."""
    head0 = kit.view(routed)["head"]
    t = kit.chain.now()
    receipt = kit.record(routed, 0, "GTIN", "CNSHA", t=t)

    (event,) = kit.events(receipt, "MilestoneRecorded")
    fields = _record_word(event["record"])
    block = kit.chain.w3.eth.get_block(receipt["blockNumber"])
    assert event["carrier"] == kit.addr("carrier1") and event["shipmentId"] == routed
    assert fields == {
        "leg": 0,
        "code": CODES["GTIN"],
        "cls": 0,
        "loc": lc("CNSHA"),
        "eventTime": t,
        "recordedAt": block["timestamp"],
        "seq": 0,
        "relayed": 0,
        "rest": 0,
    }
    expected = keccak(head0 + event["record"] + bytes.fromhex(kit.addr("carrier1")[2:]))[:24]
    assert event["head"] == expected == kit.view(routed)["head"]
    assert kit.view(routed)["milestones"] == 1


def test_b7_history_from_logs_replays_to_stored_head(kit, routed):
    """B7: replaying the logs from head₀ reproduces the stored head; seq runs 0, 1, 2, …"""
    kit.deliver(routed)
    logs = kit.ship.events.MilestoneRecorded().get_logs(
        from_block=0, argument_filters={"shipmentId": routed}
    )
    head = keccak(
        encode(["uint256", "address", "uint256"], [kit.chain.chain_id, kit.ship.address, routed])
    )[:24]
    for seq, log in enumerate(logs):
        assert _record_word(log["args"]["record"])["seq"] == seq
        head = keccak(head + log["args"]["record"] + bytes.fromhex(log["args"]["carrier"][2:]))[:24]
    assert head == kit.view(routed)["head"] and len(logs) == kit.view(routed)["milestones"] == 7


def test_b7_only_the_leg_carrier_records(kit, routed):
    """B7/B31: other carriers, seller, buyer, outsider → NotCarrier."""
    for who in ("carrier2", "seller", "buyer", "outsider"):
        with kit.reverts("NotCarrier", routed, 0, kit.addr(who), kit.addr("carrier1")):
            kit.record(routed, 0, "GTIN", "CNSHA", sender=who)


def test_a2_unconfirmed_leg_or_unknown_shipment_reverts(kit):
    """A2/B7: a leg whose carrier has not confirmed its booking records nothing and moves no
    money (BookingNotConfirmed); once confirmed it does; unknown id → UnknownShipment."""
    sid = kit.open(bookings=[])
    with kit.reverts("BookingNotConfirmed", sid, 0):
        kit.record(sid, 0, "DEPA", "CNSHA", sender="carrier1")
    kit.send(kit.ship.functions.confirmBooking(sid, 0, kit.terms(sid)), "carrier1")
    kit.record(sid, 0, "DEPA", "CNSHA", sender="carrier1")
    assert kit.view(sid)["released"] == 2 * 10**17
    with kit.reverts("UnknownShipment", 99):
        kit.record(99, 0, "GTIN", "CNSHA", sender="carrier1")


def test_b8_leg_order(kit, routed):
    """B8: the next leg only after the current one arrived; never a leg past the route."""
    with kit.reverts("LegOutOfOrder", routed, 1, 0):
        kit.record(routed, 1, "GTIN", "SGSIN", sender="carrier2")
    kit.run_leg(routed, 0, "CNSHA", "SGSIN", codes=("DEPA", "ARRI"))
    kit.record(routed, 1, "GTIN", "SGSIN")
    assert kit.view(routed)["currentLeg"] == 1
    with kit.reverts("LegOutOfOrder", routed, 0, 1):
        kit.record(routed, 0, "DISC", "SGSIN", sender="carrier1")
    kit.run_leg(routed, 1, "SGSIN", "EGPSD", codes=("DEPA", "ARRI"))
    kit.run_leg(routed, 2, "EGPSD", "NLRTM", codes=("DEPA", "ARRI"))
    with kit.reverts("LegOutOfOrder", routed, 3, 2):
        kit.record(routed, 3, "GTIN", "NLRTM", sender="carrier1")


def test_b8_location_must_be_the_legs_port(kit, routed):
    """B8: origin-side at origin, destination-side at destination, INSP at either."""
    with kit.reverts("WrongLocation", routed, 0, lc("SGSIN"), lc("CNSHA")):
        kit.record(routed, 0, "LOAD", "SGSIN")
    kit.record(routed, 0, "INSP", "CNSHA")
    kit.record(routed, 0, "DEPA", "CNSHA")
    with kit.reverts("WrongLocation", routed, 0, lc("CNSHA"), lc("SGSIN")):
        kit.record(routed, 0, "ARRI", "CNSHA")
    kit.record(routed, 0, "INSP", "SGSIN")
    with kit.reverts("WrongLocation"):
        kit.record(routed, 0, "INSP", "NLRTM")


def test_b8_code_order_within_a_leg(kit, routed):
    """B8: GTIN/LOAD before DEPA; DEPA, ARRI once, in order; DISC.. after ARRI; DROP last."""
    with kit.reverts("CodeOutOfOrder", routed, 0, CODES["ARRI"]):
        kit.record(routed, 0, "ARRI", "SGSIN")
    with kit.reverts("CodeOutOfOrder", routed, 0, CODES["DISC"]):
        kit.record(routed, 0, "DISC", "SGSIN")
    kit.record(routed, 0, "DEPA", "CNSHA")
    for code in ("GTIN", "LOAD", "DEPA"):
        with kit.reverts("CodeOutOfOrder", routed, 0, CODES[code]):
            kit.record(routed, 0, code, "CNSHA")
    kit.record(routed, 0, "ARRI", "SGSIN")
    with kit.reverts("CodeOutOfOrder", routed, 0, CODES["ARRI"]):
        kit.record(routed, 0, "ARRI", "SGSIN")
    with kit.reverts("CodeOutOfOrder", routed, 0, CODES["DROP"]):
        kit.record(routed, 0, "DROP", "SGSIN")
    for code in ("DISC", "GTOT", "RELS"):
        kit.record(routed, 0, code, "SGSIN")


def test_b8_act_time_moves_forward_and_not_into_the_future(kit, routed):
    """B8: eventTime ≥ last ACT time and ≤ block.timestamp."""
    t = kit.chain.now()
    kit.record(routed, 0, "GTIN", "CNSHA", t=t)
    with kit.reverts("TimeOutOfOrder", routed, t - 1, t):
        kit.record(routed, 0, "LOAD", "CNSHA", t=t - 1)
    with kit.reverts("TimeOutOfOrder"):
        kit.record(routed, 0, "LOAD", "CNSHA", t=t + 10 * DAY)
    kit.record(routed, 0, "LOAD", "CNSHA", t=t)
    assert kit.view(routed)["lastEventTime"] == t


def test_b9_est_and_pln_are_recorded_and_move_nothing(kit, routed):
    """B9: EST/PLN in chain and log; no phase, leg, time or money change; still location-checked."""
    before = kit.view(routed)
    kit.record(routed, 0, "DEPA", "CNSHA", cls="EST", t=kit.chain.now() + 5 * DAY)
    kit.record(routed, 0, "ARRI", "SGSIN", cls="PLN", t=kit.chain.now() + 9 * DAY)
    after = kit.view(routed)
    assert after["milestones"] == 2 and after["head"] != before["head"]
    for key in ("legPhase", "currentLeg", "lastEventTime", "released", "held"):
        assert after[key] == before[key]
    with kit.reverts("WrongLocation"):
        kit.record(routed, 0, "DEPA", "SGSIN", cls="EST")


def test_b9_milestones_refused_in_final_states(kit, routed):
    """B9: Completed/Refunded/Resolved refuse milestones."""
    kit.send(kit.ship.functions.cancel(routed), "seller")
    with kit.reverts("WrongState", routed, 6):
        kit.record(routed, 0, "GTIN", "CNSHA")
    with kit.reverts("WrongState", routed, 6):
        kit.record(routed, 0, "GTIN", "CNSHA", cls="EST")


def test_b9_drop_by_deadline_delivers(kit, routed):
    """B9: ACT DROP on the last leg by the deadline → Delivered, deliveredAt set."""
    kit.deliver(routed)
    v = kit.view(routed)
    assert v["state"] == 3 and v["deliveredAt"] > 0


def test_b9_drop_after_deadline_is_history_only(kit):
    """B9: a late DROP is recorded but does not deliver; the buyer can refund."""
    sid = kit.open(deadline=kit.chain.now() + 2 * DAY)
    kit.run_leg(sid, 0, "CNSHA", "SGSIN", codes=("DEPA", "ARRI"))
    kit.run_leg(sid, 1, "SGSIN", "EGPSD", codes=("DEPA", "ARRI"))
    kit.run_leg(sid, 2, "EGPSD", "NLRTM", codes=("DEPA", "ARRI"))
    kit.chain.advance(3 * DAY)
    kit.record(sid, 2, "DROP", "NLRTM")
    assert kit.state(sid) == "Routed"
    kit.send(kit.ship.functions.refund(sid), "buyer")
    assert kit.state(sid) == "Refunded"


def test_b9_disputed_milestones_recorded_without_release(kit, routed):
    """B9/B21: during a dispute, DEPA is recorded but releases nothing; DROP does not deliver."""
    kit.send(kit.ship.functions.openDispute(routed), "seller")
    kit.record(routed, 0, "DEPA", "CNSHA")
    v = kit.view(routed)
    assert v["released"] == 0 and v["legPhase"] == 1 and v["state"] == 4


# --------------------------------------------------------------------------- attestations


def test_b10_relayed_attestation_is_recorded_with_flag(kit, routed):
    """B10: anyone relays a carrier-signed milestone; record's relayed bit set."""
    m = kit.milestone(routed, 0, "GTIN", "CNSHA")
    receipt = kit.relay(m, "carrier1", sender="outsider")
    (event,) = kit.events(receipt, "MilestoneRecorded")
    assert _record_word(event["record"])["relayed"] == 1 and event["carrier"] == kit.addr(
        "carrier1"
    )


def test_b10_attestation_digest_matches_python_typed_data(kit, routed):
    """B10: attestationDigest == eth_account typed-data digest; unsafe_sign_hash verifies."""
    m = kit.milestone(routed, 0, "LOAD", "CNSHA")
    deadline = kit.chain.now() + DAY
    message = dict(
        zip(("shipmentId", "leg", "code", "classifier", "location", "eventTime"), m, strict=True)
    )
    message.update(nonce=0, deadline=deadline)
    typed = encode_typed_data(
        full_message={
            "types": ATTESTATION_TYPES,
            "primaryType": "Attestation",
            "domain": kit.domain(),
            "message": message,
        }
    )
    digest = kit.ship.functions.attestationDigest(m, 0, deadline).call()
    assert digest == _hash_eip191_message(typed)

    sig = kit.chain.account("carrier1").unsafe_sign_hash(digest).signature
    kit.send(kit.ship.functions.relaySignedMilestone(m, deadline, *kit.compact(sig)), "relayer")
    assert kit.view(routed)["milestones"] == 1


def test_b10_attestation_by_another_key_reverts(kit, routed):
    """B10: signer must be the leg's carrier."""
    m = kit.milestone(routed, 0, "GTIN", "CNSHA")
    with kit.reverts("NotCarrier", routed, 0, kit.addr("carrier2"), kit.addr("carrier1")):
        kit.relay(m, "carrier2")


def test_b11_attestation_replay_and_wrong_nonce_revert(kit, routed):
    """B11: the contract takes the nonce from the milestone count, so an attestation recorded
    once, or signed for another position in the history, recovers to a stranger: NotCarrier."""
    m = kit.milestone(routed, 0, "INSP", "CNSHA")
    deadline = kit.chain.now() + DAY
    carrier = kit.addr("carrier1")
    signature = kit.sign_attestation(m, 0, deadline, "carrier1")
    relay = kit.ship.functions.relaySignedMilestone(m, deadline, *kit.compact(signature))
    kit.send(relay, "relayer")
    replayed = kit.recover(m, 1, deadline, signature)  # what the contract recovers now
    assert replayed != carrier
    with kit.reverts("NotCarrier", routed, 0, replayed, carrier):
        kit.send(relay, "relayer")
    ahead = kit.sign_attestation(m, 5, deadline, "carrier1")
    with kit.reverts("NotCarrier", routed, 0, kit.recover(m, 1, deadline, ahead), carrier):
        kit.send(
            kit.ship.functions.relaySignedMilestone(m, deadline, *kit.compact(ahead)), "relayer"
        )
    assert kit.view(routed)["milestones"] == 1
    kit.relay(m, "carrier1", nonce=1)  # the same milestone, signed for its place, goes in
    assert kit.view(routed)["milestones"] == 2


def test_b11_expired_attestation_reverts(kit, routed):
    """B11: deadline ≥ block.timestamp."""
    m = kit.milestone(routed, 0, "GTIN", "CNSHA")
    past = kit.chain.now() - 1
    with kit.reverts("AttestationExpired"):
        kit.relay(m, "carrier1", deadline=past)


def _vs(s: int, parity: int) -> bytes:
    return (s | parity << 255).to_bytes(32, "big")


def test_b12_malleable_signature_reverts(kit, routed):
    """B12: compact (EIP-2098) signatures keep one form per signature.

    The high-s twin (s' = n − s, v flipped) is refused: where s' fits the 255 bits of `vs` it
    reverts ECDSAInvalidSignatureS; where it does not (almost always), dropping its top bit gives
    another signature that recovers someone else. Flipping v alone recovers someone else too.
    """
    m = kit.milestone(routed, 0, "GTIN", "CNSHA")
    deadline = kit.chain.now() + DAY
    sig = kit.sign_attestation(m, 0, deadline, "carrier1")
    r, vs = kit.compact(sig)
    s, parity = int.from_bytes(vs, "big") & ((1 << 255) - 1), int.from_bytes(vs, "big") >> 255
    relay = kit.ship.functions.relaySignedMilestone
    twin = kit.malleate(sig)
    high_s = int.from_bytes(twin[32:64], "big")
    assert high_s > SECP256K1_N // 2
    refused = {"ECDSAInvalidSignatureS", "ECDSAInvalidSignature", "NotCarrier"}
    for bad_vs in (_vs(high_s & ((1 << 255) - 1), 1 - parity), _vs(s, 1 - parity)):
        with pytest.raises(ContractRevert) as err:
            kit.send(relay(m, deadline, r, bad_vs), "relayer")
        assert err.value.error_name in refused
    # Any s above n/2 that vs can carry: ECDSAInvalidSignatureS, whatever the parity bit.
    for bad_s in (SECP256K1_N // 2 + 1, (1 << 255) - 1):
        for bit in (0, 1):
            with kit.reverts("ECDSAInvalidSignatureS"):
                kit.send(relay(m, deadline, r, _vs(bad_s, bit)), "relayer")
    # r = 0 (no point): ECDSAInvalidSignature. The genuine signature still works afterwards.
    with kit.reverts("ECDSAInvalidSignature"):
        kit.send(relay(m, deadline, b"\0" * 32, vs), "relayer")
    kit.send(relay(m, deadline, r, vs), "relayer")
    assert kit.view(routed)["milestones"] == 1


def test_b12_compact_signature_round_trips_the_standard_one(kit, routed):
    """B12: (r, vs) is lossless for every low-s signature; a high-s one is refused off-chain too."""
    m = kit.milestone(routed, 0, "GTIN", "CNSHA")
    sig = kit.sign_attestation(m, 0, kit.chain.now() + DAY, "carrier1")
    assert expand_signature(*kit.compact(sig)) == sig
    with pytest.raises(InputError, match="malleable"):
        kit.compact(sig[:32] + (1 << 255 | 1).to_bytes(32, "big") + sig[64:])
    with pytest.raises(InputError, match="65"):
        kit.compact(sig[:64])


def test_b12_signature_for_other_chain_or_contract_reverts(kit, routed):
    """B12: another domain (chain id, contract) recovers another address → NotCarrier."""
    m = kit.milestone(routed, 0, "GTIN", "CNSHA")
    deadline = kit.chain.now() + DAY
    for domain in ({"chain_id": 1}, {"contract": kit.tokens["MockToken"].address}):
        r, vs = kit.compact(kit.sign_attestation(m, 0, deadline, "carrier1", **domain))
        with kit.reverts("NotCarrier"):
            kit.send(kit.ship.functions.relaySignedMilestone(m, deadline, r, vs), "relayer")


def test_b13_batch_mixes_direct_and_signed_entries(kit, routed):
    """B13: direct (r = vs = 0) and signed entries in one transaction."""
    m0 = kit.milestone(routed, 0, "GTIN", "CNSHA")
    m1 = kit.milestone(routed, 0, "LOAD", "CNSHA")
    m2 = kit.milestone(routed, 0, "DEPA", "CNSHA")
    entries = [kit.direct_entry(m0), kit.signed_entry(m1, "carrier1", 1), kit.direct_entry(m2)]
    receipt = kit.send(kit.ship.functions.recordBatch(entries), "carrier1")

    events = kit.events(receipt, "MilestoneRecorded")
    assert [_record_word(e["record"])["relayed"] for e in events] == [0, 1, 0]
    assert kit.view(routed)["milestones"] == 3 and kit.view(routed)["released"] == 2 * 10**17


def test_b13_batch_signed_entries_checked_like_relayed_ones(kit, routed):
    """B13: in a batch a signed entry is an attestation: expiry, nonce, signer, malleability."""
    m0 = kit.milestone(routed, 0, "GTIN", "CNSHA")
    batch = kit.ship.functions.recordBatch
    expired = kit.signed_entry(m0, "carrier1", 0, deadline=kit.chain.now() - 1)
    with kit.reverts("AttestationExpired"):
        kit.send(batch([expired]), "relayer")
    deadline = kit.chain.now() + DAY
    ahead = kit.sign_attestation(m0, 3, deadline, "carrier1")
    stranger = kit.recover(m0, 0, deadline, ahead)
    with kit.reverts("NotCarrier", routed, 0, stranger, kit.addr("carrier1")):
        kit.send(batch([(m0, deadline, *kit.compact(ahead))]), "relayer")
    with kit.reverts("NotCarrier", routed, 0, kit.addr("carrier2"), kit.addr("carrier1")):
        kit.send(batch([kit.signed_entry(m0, "carrier2", 0)]), "relayer")
    m, deadline, r, vs = kit.signed_entry(m0, "carrier1", 0)
    high = _vs(SECP256K1_N // 2 + 1, int.from_bytes(vs, "big") >> 255)
    with kit.reverts("ECDSAInvalidSignatureS"):
        kit.send(batch([(m, deadline, r, high)]), "relayer")
    # r alone or vs alone being zero is still a signature, not a direct entry.
    with kit.reverts("ECDSAInvalidSignature"):
        kit.send(batch([(m, deadline, b"\0" * 32, vs)]), "carrier1")
    with kit.reverts("ECDSAInvalidSignature"):
        kit.send(batch([(m, deadline, r, b"\0" * 32)]), "carrier1")
    kit.send(batch([(m, deadline, r, vs)]), "relayer")
    assert kit.view(routed)["milestones"] == 1


def test_b13_batch_with_one_bad_entry_reverts_entirely(kit, routed):
    """B13: all or nothing, in both batch forms."""
    good = kit.milestone(routed, 0, "GTIN", "CNSHA")
    bad = kit.milestone(routed, 0, "ARRI", "SGSIN")
    with kit.reverts("CodeOutOfOrder"):
        kit.send(
            kit.ship.functions.recordBatch([kit.direct_entry(good), kit.direct_entry(bad)]),
            "carrier1",
        )
    with kit.reverts("CodeOutOfOrder"):
        kit.send(kit.ship.functions.recordMilestones([good, bad]), "carrier1")
    assert kit.view(routed)["milestones"] == 0


def test_b13_batch_direct_entry_by_non_carrier_reverts(kit, routed):
    """B13/B31: a relayer cannot submit direct entries for a carrier, in either batch form."""
    m = kit.milestone(routed, 0, "GTIN", "CNSHA")
    with kit.reverts("NotCarrier", routed, 0, kit.addr("relayer"), kit.addr("carrier1")):
        kit.send(kit.ship.functions.recordBatch([kit.direct_entry(m)]), "relayer")
    for who in ("relayer", "carrier2", "seller", "buyer"):
        with kit.reverts("NotCarrier", routed, 0, kit.addr(who), kit.addr("carrier1")):
            kit.send(kit.ship.functions.recordMilestones([m]), who)


def test_b13_record_milestones_direct_batch(kit, routed):
    """B13: recordMilestones records the sender's own milestones in order, across legs and
    shipments, releasing tranches as it goes; an empty batch records nothing."""
    other = kit.open()
    ms = [
        kit.milestone(routed, 0, "GTIN", "CNSHA"),
        kit.milestone(other, 0, "GTIN", "CNSHA"),
        kit.milestone(routed, 0, "DEPA", "CNSHA"),
        kit.milestone(routed, 0, "ARRI", "SGSIN", cls="EST", t=kit.chain.now() + DAY),
    ]
    receipt = kit.send(kit.ship.functions.recordMilestones(ms), "carrier1")

    events = kit.events(receipt, "MilestoneRecorded")
    assert [e["shipmentId"] for e in events] == [routed, other, routed, routed]
    assert {_record_word(e["record"])["relayed"] for e in events} == {0}
    assert kit.view(routed)["milestones"] == 3 and kit.view(other)["milestones"] == 1
    assert kit.view(routed)["released"] == 2 * 10**17 and kit.view(routed)["legPhase"] == 1
    kit.send(kit.ship.functions.recordMilestones([]), "outsider")
    assert kit.view(routed)["milestones"] == 3


def test_b7_malformed_batch_calldata_reverts(kit, routed):
    """B7/B13: out-of-type values inside either batch are refused like Solidity's decoder would."""
    m = kit.milestone(routed, 0, "GTIN", "CNSHA")
    cases = [
        # recordMilestones: offset, length, then the Milestone words; code 9 does not exist.
        (kit.ship.functions.recordMilestones([m]), 4 + 0x40 + 0x40 + 31, 9),
        # recordBatch: offset, length, then milestone (6 words), deadline, r, vs; a deadline
        # above uint40 (its word's top byte set).
        (kit.ship.functions.recordBatch([kit.signed_entry(m, "carrier1", 0)]), 4 + 0x40 + 0xC0, 1),
    ]
    for fn, offset, value in cases:
        data = bytearray(bytes.fromhex(fn._encode_transaction_data()[2:]))
        data[offset] = value
        tx = {"to": kit.ship.address, "data": bytes(data), "from": kit.addr("carrier1")}
        with pytest.raises(Exception):  # noqa: B017,PT011 - bare revert, no error data
            kit.chain.w3.eth.call(tx)
    assert kit.view(routed)["milestones"] == 0


def test_b7_malformed_milestone_calldata_reverts(kit, routed):
    """B7: values outside their ABI types are refused like Solidity's decoder would."""
    import pytest

    fn = kit.ship.functions.recordMilestone(kit.milestone(routed, 0, "GTIN", "CNSHA"))
    data = bytearray(bytes.fromhex(fn._encode_transaction_data()[2:]))
    data[4 + 0x40 + 31] = 9  # code 9 does not exist
    tx = {"to": kit.ship.address, "data": bytes(data), "from": kit.addr("carrier1")}
    with pytest.raises(Exception):  # noqa: B017,PT011 - bare revert, no error data
        kit.chain.w3.eth.call(tx)


def test_hot_entry_points_are_dispatched_early(kit):
    """Storage and gas: the IR pipeline compares selectors one by one in ascending order, 22 gas
    each. The relayed and direct milestone calls keep their early places: a new function whose
    selector sorts before them would cost every milestone, and fails here first."""
    from tradelane.contracts import artifact

    core = artifact("Shipments").abi  # the desk's entry points are behind the fallback
    selectors = sorted(function_abi_to_4byte_selector(f) for f in core if f["type"] == "function")
    place = {
        name: selectors.index(
            function_abi_to_4byte_selector(kit.ship.get_function_by_name(name).abi)
        )
        for name in ("relaySignedMilestone", "recordMilestone")
    }
    assert place == {"relaySignedMilestone": 0, "recordMilestone": 1}
