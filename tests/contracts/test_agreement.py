"""Agreement (issue 12): A1–A7, and each attack of the issue tried again and refused by name.

Every attack test names the attack of docs/SPECIFICATION.md "Attacks" it replays.
"""

import pytest
from shipment_kit import ARBITER_TIMEOUT, CODES, DAY, GRACE, lc

from tradelane import agreement
from tradelane.contracts import deploy
from tradelane.errors import ContractRevert
from tradelane.model import Code, Tranche


def role(name: str) -> bytes:
    return name.encode().ljust(32, b"\0")


def _sid(kit, receipt) -> int:
    return kit.events(receipt, "ShipmentOpened")[0]["shipmentId"]


# --------------------------------------------------------------------------- A1 offers


def test_a1_offer_digest_matches_the_clients_typed_data(kit):
    """A1: the contract's Offer digest is the one tradelane.agreement signs (every term, the legs
    through the route hash, the tranches as Tranche[])."""
    legs = kit.legs()
    terms = agreement.offer_terms(
        seller=kit.addr("seller"),
        legs=legs,
        amount=10**18,
        destination="NLRTM",
        deadline=kit.chain.now() + 30 * DAY,
        grace_period=GRACE,
        arbiter=kit.addr("arbiter"),
        expiry=kit.chain.now() + DAY,
        nonce=77,
        network_hash=b"\x11" * 32,
        tranches=[Tranche(Code.DEPA, 0, 2000), Tranche(Code.ARRI, 255, 3000)],
    )
    document = agreement.sign_offer(
        kit.chain.account("seller"), kit.chain.chain_id, kit.ship.address, terms
    )
    args, sig = agreement.offer_call_args(document)
    assert "0x" + kit.ship.functions.offerDigest(args).call().hex() == document["digest"]
    receipt = kit.send(kit.ship.functions.acceptOffer(args, sig, []), "buyer", value=10**18)
    assert kit.events(receipt, "ShipmentOpened")[0]["offer"].hex() == document["digest"][2:]


def test_a1_offer_expires_and_is_used_once(kit):
    """A1: an offer is accepted at most once (its nonce is marked used), and not after expiry."""
    offer = kit.offer()
    kit.accept(offer)
    with kit.reverts("OfferUsed", kit.addr("seller"), offer[11]):
        kit.accept(offer)
    late = kit.offer(expiry=kit.chain.now() + 10)
    kit.advance(11)
    with kit.reverts("OfferExpired"):
        kit.accept(late)


def test_a1_seller_revokes_an_offer_and_its_nonce(kit):
    """A1: the seller (or its operator) withdraws an offer; every offer with that nonce dies."""
    offer = kit.offer()
    same_nonce = kit.offer(nonce=offer[11], amount=5)
    with kit.reverts("Unauthorized", kit.addr("buyer"), role("seller or operator")):
        kit.send(kit.ship.functions.revokeOffer(offer), "buyer")
    receipt = kit.send(kit.ship.functions.revokeOffer(offer), "seller")
    assert kit.events(receipt, "OfferRevoked")[0]["offer"] == kit.offer_digest(offer)
    assert kit.ship.functions.offerNonceUsed(kit.addr("seller"), offer[11]).call()
    for dead in (offer, same_nonce):
        with kit.reverts("OfferUsed"):
            kit.accept(dead)


def test_a1_nothing_binds_the_seller_that_it_did_not_sign(kit):
    """A1, attack 2: the buyer cannot change any term (here: the arbiter, the amount, a carrier)
    of a signed offer: the signature then recovers someone else."""
    offer = kit.offer()
    sig = kit.sign_offer(offer)
    legs = list(offer[13])
    legs[1] = legs[1][:3] + (kit.addr("outsider"),) + legs[1][4:]
    for changed in (
        offer[:7] + (kit.addr("operator"),) + offer[8:],  # the buyer's own "arbiter"
        offer[:3] + (1,) + offer[4:],  # a smaller amount
        offer[:13] + (legs,),  # another carrier
    ):
        with kit.reverts("Unauthorized"):
            kit.accept(changed, sig=sig, bookings=[], value=changed[3])


def test_a1_offer_is_bound_to_chain_contract_and_buyer(kit):
    """A1: a signature for another chain or deployment recovers a stranger; an offer for one
    buyer cannot be taken by another."""
    offer = kit.offer()
    for domain in ({"chain_id": 1}, {"contract": kit.addr("outsider")}):
        sig = kit._sign(kit_offer_types(), kit.offer_message(offer), "seller", domain)
        with kit.reverts("Unauthorized"):
            kit.accept(offer, sig=sig)
    private = kit.offer(buyer="buyer")
    with kit.reverts("Unauthorized", kit.addr("outsider"), role("buyer")):
        kit.accept(private, buyer="outsider")
    kit.accept(private)


def kit_offer_types():
    from shipment_kit import OFFER_TYPES

    return OFFER_TYPES


def test_a1_operator_signs_offers_for_the_seller(kit):
    """A1/B29: an operator the seller authorised signs offers; a revoked one cannot."""
    offer = kit.offer()
    with kit.reverts("Unauthorized", kit.addr("operator"), role("seller or operator")):
        kit.accept(offer, signer="operator")
    kit.send(kit.ship.functions.setOperator(kit.addr("operator"), True), "seller")
    sid = _sid(kit, kit.accept(offer, signer="operator"))
    assert kit.view(sid)["seller"] == kit.addr("seller")


# --------------------------------------------------------------------------- A2 bookings


def test_a2_bookings_ride_along_or_come_later_direct_or_relayed(kit):
    """A2: bookings ride in the acceptance; a missing one comes later from the carrier directly
    or signed and relayed by anyone; confirming twice changes nothing."""
    offer = kit.offer()
    digest = kit.offer_digest(offer)
    receipt = kit.accept(offer, bookings=kit.bookings(digest, offer[13], [0]))
    sid = _sid(kit, receipt)
    assert kit.events(receipt, "BookingsConfirmed")[0]["legs"] == 0b001
    assert kit.view(sid)["confirmedLegs"] == 0b001

    kit.send(kit.ship.functions.confirmBooking(sid, 1, kit.terms(sid)), "carrier2")
    agreement_digest, route = kit.in_force(sid)
    relayed = kit.ship.functions.confirmBookings(
        sid, agreement_digest, kit_route_hash(route), kit.bookings(digest, offer[13], [2, 0])
    )
    receipt = kit.send(relayed, "relayer")
    assert kit.events(receipt, "BookingsConfirmed")[0]["legs"] == 0b100
    assert kit.view(sid)["confirmedLegs"] == 0b111


def kit_route_hash(route):
    from shipment_kit import route_hash

    return route_hash(route)


def test_a2_only_the_legs_carrier_confirms_the_terms_in_force(kit):
    """A2: a booking signed by anyone but the leg's carrier, for another offer, or for terms no
    longer in force is refused."""
    offer = kit.offer()
    digest = kit.offer_digest(offer)
    with kit.reverts("Unauthorized", kit.addr("carrier1"), role("carrier")):
        kit.accept(offer, bookings=[kit.sign_booking(digest, 1, "carrier1")])
    other = kit.offer_digest(kit.offer())
    with kit.reverts("Unauthorized"):
        kit.accept(offer, bookings=[kit.sign_booking(other, 0, "carrier1")])
    sid = _sid(kit, kit.accept(offer, bookings=[]))
    with kit.reverts("Unauthorized", kit.addr("seller"), role("carrier")):
        kit.send(kit.ship.functions.confirmBooking(sid, 0, kit.terms(sid)), "seller")
    with kit.reverts("TermsMismatch", sid, 0):
        kit.send(kit.ship.functions.confirmBooking(sid, 0, b"\x01" * 32), "carrier1")


def test_a2_parties_hold_one_role_each(kit):
    """A2, attack 1: the seller, the buyer, the arbiter and the offer's signer are never carriers;
    the arbiter is neither buyer nor seller (A3)."""
    cases = [
        (("seller", "carrier2", "carrier3"), {}, "seller", "carrier"),
        (("carrier1", "buyer", "carrier3"), {}, "buyer", "carrier"),
        (("carrier1", "carrier2", "arbiter"), {}, "arbiter", "carrier"),
        (("carrier1", "carrier2", "carrier3"), {"arbiter": "buyer"}, "buyer", "arbiter"),
        (("carrier1", "carrier2", "carrier3"), {"arbiter": "seller"}, "seller", "arbiter"),
        (("carrier1", "carrier2", "carrier3"), {"seller": "buyer"}, "buyer", "buyer"),
    ]
    for carriers, kw, who, name in cases:
        offer = kit.offer(legs=kit.legs(carriers=carriers), **kw)
        signer = kw.get("seller", "seller")
        with kit.reverts("RoleConflict", kit.addr(who), role(name)):
            kit.accept(offer, signer=signer, bookings=[])
    kit.send(kit.ship.functions.setOperator(kit.addr("operator"), True), "seller")
    offer = kit.offer(legs=kit.legs(carriers=("operator", "carrier2", "carrier3")))
    with kit.reverts("RoleConflict", kit.addr("operator"), role("carrier")):
        kit.accept(offer, signer="operator", bookings=[])


def test_attack1_seller_as_carrier_cannot_release_everything_at_once(kit):
    """Attack 1: a seller naming itself (or its operator) carrier and reporting DEPA, ARRI and
    DROP right after funding: the offer is refused (RoleConflict); the route cannot be changed
    alone (no commitRoute; an amendment needs the buyer: Unauthorized); an unconfirmed carrier's
    reports move nothing (BookingNotConfirmed)."""
    offer = kit.offer(legs=kit.legs(carriers=("seller", "seller", "seller")))
    with kit.reverts("RoleConflict", kit.addr("seller"), role("carrier")):
        kit.accept(offer, bookings=[])
    sid = kit.open(bookings=[])
    with kit.reverts("Unauthorized", kit.addr("seller"), role("buyer")):
        kit.amend(sid, 0, kit.legs(carriers=("outsider",) * 3), buyer="seller")
    with kit.reverts("BookingNotConfirmed", sid, 0):
        kit.record(sid, 0, "DEPA", "CNSHA")
    assert kit.view(sid)["released"] == 0


# --------------------------------------------------------------------------- A3 dispute race


@pytest.mark.parametrize(
    ("dispute_first", "drop", "to_seller"),
    [
        (True, "on time", True),  # dispute seconds before an on-time DROP
        (False, "on time", True),  # DROP on time, dispute in the grace period
        (True, "late", False),  # dispute, then a DROP after the deadline
        (True, None, False),  # dispute, no DROP
    ],
)
def test_a3_dispute_and_drop_race_both_ways(kit, dispute_first, drop, to_seller):
    """A3, attack 2: the timeout rule follows whether the final carrier recorded DROP by the
    deadline, whichever came first, the dispute or the DROP."""
    sid = kit.open(deadline=kit.chain.now() + 10 * DAY, tranches=[])
    for i, (a, b) in enumerate((("CNSHA", "SGSIN"), ("SGSIN", "EGPSD"), ("EGPSD", "NLRTM"))):
        kit.run_leg(sid, i, a, b, codes=("DEPA", "ARRI"))
    if dispute_first:
        kit.send(kit.ship.functions.openDispute(sid), "buyer")
    if drop == "late":
        kit.advance(11 * DAY)
    if drop:
        kit.record(sid, 2, "DROP", "NLRTM")
    if not dispute_first:
        kit.send(kit.ship.functions.openDispute(sid), "buyer")
    assert kit.state(sid) == "Disputed"
    kit.advance(ARBITER_TIMEOUT + 1)
    receipt = kit.send(kit.ship.functions.settleDispute(sid), "outsider")
    (event,) = kit.events(receipt, "DisputeResolved")
    assert (event["toSeller"], event["toBuyer"]) == ((10**18, 0) if to_seller else (0, 10**18))


def test_attack2_buyer_cannot_name_its_own_arbiter(kit):
    """Attack 2: the arbiter is in the seller-signed offer: the buyer cannot swap in its second
    key (Unauthorized) nor name itself (RoleConflict); the agreed arbiter alone decides."""
    offer = kit.offer()
    sig = kit.sign_offer(offer)
    mine = offer[:7] + (kit.addr("outsider"),) + offer[8:]
    with kit.reverts("Unauthorized"):
        kit.accept(mine, sig=sig, bookings=[])
    with kit.reverts("RoleConflict", kit.addr("buyer"), role("arbiter")):
        kit.accept(kit.offer(arbiter="buyer"), bookings=[])
    sid = _sid(kit, kit.accept(offer, sig=sig))
    kit.send(kit.ship.functions.openDispute(sid), "buyer")
    with kit.reverts("Unauthorized", kit.addr("outsider"), role("arbiter")):
        kit.send(kit.ship.functions.resolveDispute(sid, 10**18), "outsider")


# --------------------------------------------------------------------------- A5 nonces


def test_a5_attack4_other_carriers_cannot_void_signed_attestations(kit):
    """A5, attack 4: carrier2 pre-signs its GTIN and LOAD on leg 1 while leg 0 is at sea; carrier1
    records more milestones, then ARRI; carrier2's attestations still go in (nonces per leg).
    Carrier2 cannot record on leg 1 before leg 0 arrived, nor an EST before its first ACT."""
    sid = kit.open()
    kit.record(sid, 0, "DEPA", "CNSHA")
    t = kit.chain.now()
    gtin = kit.milestone(sid, 1, "GTIN", "SGSIN", t=t + 2 * DAY + 3600)
    load = kit.milestone(sid, 1, "LOAD", "SGSIN", t=t + 2 * DAY + 3600)
    deadline = t + 5 * DAY
    entries = [kit.signed_entry(m, "carrier2", n, deadline) for n, m in enumerate((gtin, load))]
    with kit.reverts("LegOutOfOrder", sid, 1, 0):
        kit.record(sid, 1, "GTIN", "SGSIN", sender="carrier2")
    kit.record(sid, 0, "INSP", "CNSHA", cls="EST")
    kit.advance(2 * DAY)
    kit.record(sid, 0, "ARRI", "SGSIN")
    with kit.reverts("LegOutOfOrder", sid, 1, 0):
        kit.record(sid, 1, "DEPA", "SGSIN", cls="EST", sender="carrier2")
    kit.record(sid, 0, "DISC", "SGSIN")
    kit.advance(7200)
    kit.send(kit.ship.functions.recordBatch(entries), "relayer")
    v = kit.view(sid)
    assert (v["currentLeg"], v["legNonce"], v["milestones"]) == (1, 2, 6)


def test_a5_attestation_nonce_is_the_place_on_the_leg(kit):
    """A5/B11: a recorded attestation cannot be replayed; one signed for another place on the leg
    recovers someone else (NotCarrier)."""
    sid = kit.open()
    m = kit.milestone(sid, 0, "GTIN", "CNSHA")
    kit.relay(m, "carrier1")
    with kit.reverts("NotCarrier"):
        kit.relay(m, "carrier1", nonce=0)
    kit.relay(m, "carrier1", nonce=1)
    assert kit.view(sid)["legNonce"] == 2


def test_issue13_act_time_before_opening_is_refused(kit):
    """Issue 13: an ACT milestone dated before the shipment opened is refused (TimeOutOfOrder)."""
    sid = kit.open()
    opened = kit.view(sid)["openedAt"]
    with kit.reverts("TimeOutOfOrder", sid, opened - 1, opened):
        kit.record(sid, 0, "GTIN", "CNSHA", t=opened - 1)
    kit.record(sid, 0, "GTIN", "CNSHA", cls="EST", t=opened - 1)  # estimates are not bound


# --------------------------------------------------------------------------- A6 receivers


def test_a6_attack5_receivers_are_sane(kit):
    """A6, attack 5: the receiver is never the contract, the arbiter or a carrier; no receiver
    change while disputed; an amendment cannot make the receiver a carrier."""
    sid = kit.open()
    for bad in (kit.ship.address, kit.addr("arbiter"), kit.addr("carrier2")):
        with kit.reverts("InvalidReceiver", bad):
            kit.send(kit.ship.functions.setReceiver(sid, bad), "seller")
    kit.send(kit.ship.functions.setReceiver(sid, kit.addr("relayer")), "seller")
    _, route = kit.in_force(sid)
    with kit.reverts("RoleConflict", kit.addr("relayer"), role("carrier")):
        kit.amend(sid, 2, [route[2][:3] + (kit.addr("relayer"),) + route[2][4:]])
    kit.send(kit.ship.functions.openDispute(sid), "buyer")
    with kit.reverts("WrongState", sid, 4):
        kit.send(kit.ship.functions.setReceiver(sid, kit.addr("operator")), "seller")


# --------------------------------------------------------------------------- A7 bounds


def test_a7_attack6_waits_are_bounded_at_deployment(kit):
    """A7, attack 6: a grace period or arbiter timeout outside the bounds cannot be deployed."""
    lo_grace, hi_grace, lo_arb, hi_arb = kit.ship.functions.bounds().call()
    assert (lo_grace, hi_grace, lo_arb, hi_arb) == (3600, 30 * DAY, DAY, 90 * DAY)
    for grace, timeout, field in (
        (hi_grace + 1, ARBITER_TIMEOUT, "gracePeriod"),
        (0, ARBITER_TIMEOUT, "gracePeriod"),
        (GRACE, 10**12, "arbiterTimeout"),
        (GRACE, lo_arb - 1, "arbiterTimeout"),
    ):
        with pytest.raises(ContractRevert) as err:
            deploy(kit.chain, "Shipments", grace, timeout)
        assert err.value.error_name == "OutOfBounds" and err.value.error_args[0] == role(field)


def test_a7_desk_runs_only_inside_shipments(kit):
    """No one can call the desk directly to act on its own storage."""
    from tradelane.contracts import at

    desk = at(kit.chain, "ShipmentsDesk", kit.ship.functions.DESK().call())
    with kit.reverts("OnlyThroughShipments"):
        kit.send(desk.functions.setOperator(kit.addr("operator"), True), "seller")


def test_a1_tranche_on_leg_the_route_does_not_have_is_refused(kit):
    """A1/issue 13: a tranche on leg 5 of a 3-leg route is refused at acceptance."""
    with kit.reverts("InvalidOrder", role("tranches")):
        kit.open(tranches=[(CODES["DEPA"], 5, 100)])
    sid = kit.open(tranches=[(CODES["DEPA"], 2, 100)], legs=kit.legs())
    assert kit.view(sid)["tranches"][0][1] == 2
    assert lc("NLRTM") == kit.view(sid)["destination"]
