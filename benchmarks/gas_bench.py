"""Gas of the Shipments contract, measured from receipts on the embedded chain.

``run()`` returns ``{"gas": {...}, "gas_floor": {...}}`` (issue 8's keys, issue 12's agreed
shipment, and extras). The floors are computed, not typed in: the EVM cost of the calldata each
call actually sends, plus the minimum state access and logs it needs (see docs/SPECIFICATION.md,
"Storage and gas").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "contracts"))

from shipment_kit import DAY, build_kit  # noqa: E402

__all__ = ["run", "calldata_gas", "milestone_floor"]

FLOOR_FORMULA = (
    "21000 + calldata (4/zero byte, 16/nonzero byte) + 2100 cold SLOAD + 2900 SSTORE update "
    "+ LOG3 (375 + 3*375 + 8*64 for 64 data bytes); relayed: + 3000 ecrecover precompile, over "
    "its own calldata (milestone, deadline, EIP-2098 r and vs); batch of n on one "
    "shipment: one 21000, its calldata, the first slot access cold, then per further item "
    "100 warm SLOAD + 100 SSTORE of a dirty slot, and n LOG3s, divided by n"
)
LOG3 = 375 + 3 * 375 + 8 * 64
ECRECOVER = 3000


def calldata_gas(data: bytes) -> int:
    """EIP-2028 calldata cost: 4 per zero byte, 16 per nonzero byte."""
    return sum(4 if b == 0 else 16 for b in data)


def milestone_floor(data: bytes) -> int:
    return 21000 + calldata_gas(data) + 2100 + 2900 + LOG3


def batch_floor_per_item(data: bytes, n: int) -> int:
    """Per-item floor of n milestones of one shipment in one call (same progress slot)."""
    return (21000 + calldata_gas(data) + 2100 + 2900 + (n - 1) * (100 + 100) + n * LOG3) // n


AGREED_FLOOR_FORMULA = (
    "21000 + calldata + 22100 per fresh storage word (progress, one word per leg, 4 words of "
    "terms and money, the terms hash) + 5000 each for the shipment counter and the seller's "
    "nonce word (cold, nonzero → nonzero) + 3000 ecrecover per signature (offer + one booking "
    "per leg) + the logs it emits (375 + 375 per topic + 8 per data byte)"
)
FRESH = 22_100
COLD_UPDATE = 2_100 + 2_900


def _log_gas(receipt) -> int:
    return sum(375 + 375 * len(log["topics"]) + 8 * len(log["data"]) for log in receipt["logs"])


def agreed_floor(data: bytes, receipt, legs: int, signatures: int) -> int:
    """The least an acceptance of `data` can cost: see AGREED_FLOOR_FORMULA."""
    fresh = 1 + legs + 4 + 1
    return (
        21000
        + calldata_gas(data)
        + FRESH * fresh
        + 2 * COLD_UPDATE
        + ECRECOVER * signatures
        + _log_gas(receipt)
    )


def _agreed(kit, gas: dict, floor: dict) -> None:
    """A funded, agreed 3-leg shipment: the seller's offer accepted by the buyer with the three
    carriers' bookings riding along (one transaction), and the same with the bookings confirmed
    afterwards by each carrier directly; the seller's nonce word and the shipment counter are
    in use already (a seller's second offer), and separately on a fresh nonce word."""
    ship = kit.ship
    kit.open()  # the counter and the seller's first nonce word are in use from here on
    offer = kit.offer()
    bookings = kit.bookings(kit.offer_digest(offer), offer[13])
    call = ship.functions.acceptOffer(offer, kit.compact(kit.sign_offer(offer)), bookings)
    data = _data(call)
    receipt = kit.send(call, "buyer", value=offer[3])
    gas["agreed_shipment_3_legs"] = gas["accept_offer_3_legs_with_bookings"] = _gas(receipt)
    floor["agreed_shipment_3_legs"] = agreed_floor(data, receipt, 3, 4)
    floor["agreed_shipment_3_legs_calldata_bytes"] = len(data)

    plain = kit.offer()
    receipt = kit.accept(plain, bookings=[])
    sid = kit.events(receipt, "ShipmentOpened")[0]["shipmentId"]
    gas["accept_offer_3_legs_no_bookings"] = _gas(receipt)
    confirms = [
        _gas(kit.send(ship.functions.confirmBooking(sid, i, kit.terms(sid)), f"carrier{i + 1}"))
        for i in range(3)
    ]
    gas["confirm_booking_direct"] = max(confirms)
    gas["agreed_shipment_3_legs_direct_confirmations"] = gas[
        "accept_offer_3_legs_no_bookings"
    ] + sum(confirms)
    fresh_word = kit.offer(nonce=10**12)
    gas["agreed_shipment_3_legs_fresh_nonce_word"] = _gas(kit.accept(fresh_word))
    floor["agreed_formula"] = AGREED_FLOOR_FORMULA


def _data(call) -> bytes:
    return bytes.fromhex(call._encode_transaction_data()[2:])


def _gas(receipt) -> int:
    return int(receipt["gasUsed"])


# The milestones of a leg that move no money, in order (leg 0 CNSHA → SGSIN, then the first of
# leg 1): each branch of the milestone checks (origin side, destination side, INSP at either,
# a phase change, an estimate, the move to the next leg) is taken at least once.
SWEEP = (
    (0, "GTIN", "CNSHA", "ACT"),
    (0, "LOAD", "CNSHA", "ACT"),
    (0, "INSP", "CNSHA", "ACT"),
    (0, "DEPA", "CNSHA", "EST"),
    (0, "DEPA", "CNSHA", "ACT"),
    (0, "INSP", "SGSIN", "ACT"),
    (0, "ARRI", "SGSIN", "ACT"),
    (0, "DISC", "SGSIN", "ACT"),
    (0, "GTOT", "SGSIN", "ACT"),
    (1, "GTIN", "SGSIN", "ACT"),
)


def _sweep(kit) -> dict[str, tuple[int, int]]:
    """(direct, relayed) gas of each SWEEP milestone, on two shipments without tranches."""
    direct, relayed = kit.open(tranches=[]), kit.open(tranches=[])
    out = {}
    for leg, code, loc, cls in SWEEP:
        d = _gas(kit.record(direct, leg, code, loc, cls=cls))
        entry = kit.signed_entry(
            kit.milestone(relayed, leg, code, loc, cls),
            f"carrier{leg + 1}",
            kit.leg_nonce(relayed, leg),
        )
        r = _gas(kit.send(kit.ship.functions.relaySignedMilestone(*entry), "relayer"))
        out[f"{leg}:{cls} {code}@{loc}"] = (d, r)
    return out


def _milestones(kit, gas: dict, sid: int) -> tuple[bytes, bytes]:
    """The first milestone of a shipment, a non-triggering ACT (LOAD), an EST, a DEPA with and
    without a tranche, and the LOAD relayed with a signature; → (direct, relayed) calldata."""
    ship, chain = kit.ship, kit.chain
    first = kit.milestone(sid, 0, "GTIN", "CNSHA")
    gas["milestone_first"] = _gas(kit.send(ship.functions.recordMilestone(first), "carrier1"))
    call = ship.functions.recordMilestone(kit.milestone(sid, 0, "LOAD", "CNSHA"))
    data = _data(call)
    gas["milestone_direct"] = _gas(kit.send(call, "carrier1"))
    gas["milestone_est"] = _gas(kit.record(sid, 0, "DEPA", "CNSHA", cls="EST", t=chain.now() + DAY))
    gas["milestone_depa_release"] = gas["release"] = _gas(kit.record(sid, 0, "DEPA", "CNSHA"))

    plain = kit.open(tranches=[])
    kit.record(plain, 0, "GTIN", "CNSHA")
    gas["milestone_depa_no_tranche"] = _gas(kit.record(plain, 0, "DEPA", "CNSHA"))

    # relayed with a signature: the same milestone as `milestone_direct`, on a twin shipment
    twin = kit.open(amount=10**18)
    kit.record(twin, 0, "GTIN", "CNSHA")
    relayed = kit.milestone(twin, 0, "LOAD", "CNSHA")
    relay_call = ship.functions.relaySignedMilestone(*kit.signed_entry(relayed, "carrier1", 1))
    gas["milestone_relayed"] = _gas(kit.send(relay_call, "relayer"))
    return data, _data(relay_call)


def _batches(kit, gas: dict) -> bytes:
    """10 direct milestones on one shipment (a carrier's events of a port call) with the
    direct-only recordMilestones, then through the mixed recordBatch, direct and signed;
    → the first batch's calldata."""
    ship = kit.ship

    def batch_shipment() -> int:
        b = kit.open()
        kit.record(b, 0, "GTIN", "CNSHA")
        return b

    b = batch_shipment()
    batch_call = ship.functions.recordMilestones(
        [kit.milestone(b, 0, "INSP", "CNSHA") for _ in range(10)]
    )
    batch = _gas(kit.send(batch_call, "carrier1"))
    gas["milestone_batch10_total"] = batch
    gas["milestone_batch10_per_item"] = batch // 10

    b = batch_shipment()
    entries = [kit.direct_entry(kit.milestone(b, 0, "INSP", "CNSHA")) for _ in range(10)]
    mixed = _gas(kit.send(ship.functions.recordBatch(entries), "carrier1"))
    gas["milestone_batch10_mixed_direct_per_item"] = mixed // 10

    b = batch_shipment()
    entries = [
        kit.signed_entry(kit.milestone(b, 0, "INSP", "CNSHA"), "carrier1", nonce)
        for nonce in range(1, 11)
    ]
    signed = _gas(kit.send(ship.functions.recordBatch(entries), "relayer"))
    gas["milestone_batch10_signed_per_item"] = signed // 10
    return _data(batch_call)


def _settlement(kit, gas: dict, sid: int) -> None:
    """Delivery and confirmation of `sid`, a withdrawal, a refund, a dispute opened and resolved."""
    ship, chain = kit.ship, kit.chain
    kit.run_leg(sid, 0, "CNSHA", "SGSIN", codes=("ARRI",))
    kit.run_leg(sid, 1, "SGSIN", "EGPSD", codes=("DEPA", "ARRI"))
    kit.run_leg(sid, 2, "EGPSD", "NLRTM", codes=("DEPA", "ARRI"))
    gas["milestone_drop_delivered"] = _gas(kit.record(sid, 2, "DROP", "NLRTM"))
    gas["confirm_delivery"] = _gas(kit.send(ship.functions.confirmDelivery(sid), "buyer"))
    gas["withdraw_eth"] = _gas(
        kit.send(ship.functions.withdraw(kit.token(None), kit.addr("seller")), "seller")
    )

    late = kit.open(deadline=chain.now() + DAY)
    chain.advance(2 * DAY)
    gas["refund"] = _gas(kit.send(ship.functions.refund(late), "buyer"))

    disputed = kit.open()
    gas["dispute_open"] = _gas(kit.send(ship.functions.openDispute(disputed), "buyer"))
    gas["dispute_resolve"] = _gas(
        kit.send(ship.functions.resolveDispute(disputed, 10**17), "arbiter")
    )


def run() -> dict:
    kit = build_kit()
    ship, chain = kit.ship, kit.chain
    gas: dict[str, int] = {}

    # agreement: offer accepted (open + fund + route), bookings
    agreed_floor: dict = {}
    _agreed(kit, gas, agreed_floor)
    sid = kit.open()
    kit.send(kit.tokens["MockToken"].functions.approve(ship.address, 10**24), "buyer")
    token_offer = kit.offer(token="MockToken", amount=10**18)
    gas["accept_offer_3_legs_erc20"] = _gas(kit.accept(token_offer))

    data, relay_data = _milestones(kit, gas, sid)
    # every milestone a leg sends that moves no money, direct and relayed: the worst case of each
    sweep = _sweep(kit)
    gas["milestone_direct_max"] = max(direct for direct, _ in sweep.values())
    gas["milestone_relayed_max"] = max(relayed for _, relayed in sweep.values())
    batch_data = _batches(kit, gas)
    _settlement(kit, gas, sid)

    gas["shipments_bytecode_bytes"] = len(chain.w3.eth.get_code(ship.address))  # EIP-170: 24 576
    desk = ship.functions.DESK().call()
    gas["shipments_desk_bytecode_bytes"] = len(chain.w3.eth.get_code(desk))
    floor = milestone_floor(data)
    return {
        "gas": gas,
        "gas_sweep": {name: {"direct": d, "relayed": r} for name, (d, r) in sweep.items()},
        "gas_floor": {
            **agreed_floor,
            "milestone": floor,
            "milestone_calldata_bytes": len(data),
            "milestone_calldata_gas": calldata_gas(data),
            "milestone_with_leg_read": floor + 2100,
            "milestone_relayed": milestone_floor(relay_data) + ECRECOVER,
            "milestone_relayed_calldata_bytes": len(relay_data),
            "milestone_batch10_per_item": batch_floor_per_item(batch_data, 10),
            "formula": FLOOR_FORMULA,
        },
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
