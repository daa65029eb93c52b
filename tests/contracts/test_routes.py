"""The agreed route and its amendments: B5, B6, B14–B16, A4."""

import pytest
from eth_abi import encode
from eth_utils import keccak
from shipment_kit import CODES, DAY, LEG_TYPE, lc, route_hash


def test_b5_accepted_route_is_stored_and_emitted_complete(kit):
    """B5: acceptance commits the route: hot words in storage (planned times only in the hash and
    the event); the event's legs hash to routeHash; terms = keccak(offer digest, routeHash)."""
    legs = kit.legs(passages=[0, 0b101, 0])
    offer = kit.offer(legs=legs, network=b"\x22" * 32)
    receipt = kit.accept(offer)
    sid = kit.events(receipt, "ShipmentOpened")[0]["shipmentId"]

    v = kit.view(sid)
    (event,) = kit.events(receipt, "RouteCommitted")
    assert v["state"] == 2 and event["networkHash"] == b"\x22" * 32
    assert event["fromLeg"] == 0 and _legs(event["legs"]) == legs
    assert event["routeHash"] == route_hash(legs) and event["agreement"] == kit.offer_digest(offer)
    assert v["terms"] == kit.terms(sid)
    assert [tuple(leg[:4]) for leg in v["legs"]] == [leg[:4] for leg in legs]
    assert all(leg[4:] == (0, 0, 0) for leg in v["legs"])


def test_b5_route_hash_matches_python_and_routing_encoders(kit):
    """B5: cross-language: eth_abi's tuple-array encoding and routing.encode give the hash the
    contract commits to."""
    encoder = pytest.importorskip("routing.encode")
    legs = kit.legs(passages=[1, 0, 0b11])
    assert encoder.encode_legs(legs) == encode([LEG_TYPE], [legs])
    receipt = kit.accept(kit.offer(legs=legs))
    assert kit.events(receipt, "RouteCommitted")[0]["routeHash"] == keccak(
        encoder.encode_legs(legs)
    )


def test_b5_malformed_routes_revert(kit):
    """B5: disconnected, wrong destination, zero carrier, times reversed, empty, >16 legs."""
    good = kit.legs()
    bad_routes = [
        [good[0], good[2]],  # disconnected
        good[:2],  # ends at EGPSD, not the destination
        [good[0], good[1], good[2][:3] + ("0x" + "00" * 20,) + good[2][4:]],  # no carrier
        [good[0], good[1], good[2][:4] + (good[2][5] + 1, good[2][5]) + good[2][6:]],
        kit.legs(ports=["CNSHA"] + ["SGSIN", "MYPKG"] * 8 + ["NLRTM"]),  # 17 legs
    ]
    for legs in bad_routes:
        with kit.reverts("InvalidRoute", route_hash(legs), b"\0" * 32):
            kit.accept(kit.offer(legs=legs, destination="NLRTM", tranches=[]), bookings=[])
    with kit.reverts("InvalidRoute"):
        kit.accept(kit.offer(legs=[], destination="NLRTM", tranches=[]), bookings=[])


def test_b5_sixteen_legs_are_accepted(kit):
    """B5: up to 16 legs."""
    legs = kit.legs(ports=["CNSHA"] + ["SGSIN", "MYPKG"] * 7 + ["SGSIN", "NLRTM"])
    assert len(legs) == 16
    sid = kit.open(legs=legs)
    assert len(kit.view(sid)["legs"]) == 16 and kit.view(sid)["confirmedLegs"] == 0xFFFF


def test_b6_the_route_changes_only_by_amendment(kit, routed):
    """B6: there is no seller-only route commitment any more: the route accepted is the route
    in force until buyer and seller both sign an amendment (A1)."""
    names = {f["name"] for f in kit.ship.abi if f["type"] == "function"}
    assert "commitRoute" not in names and "openShipment" not in names
    agreement, route = kit.in_force(routed)
    assert kit.view(routed)["terms"] == keccak(
        encode(["bytes32", "bytes32"], [agreement, route_hash(route)])
    )


def test_b6_tranche_on_last_leg_moves_with_an_amendment(kit):
    """B6/B27: a tranche on leg 255 follows the last leg when an amendment adds one."""
    sid = kit.open(tranches=[(CODES["ARRI"], 255, 5000)], amount=1000)
    _, route = kit.in_force(sid)
    longer = [route[2][:1] + (lc("DEHAM"),) + route[2][2:]]
    longer.append((lc("DEHAM"), lc("NLRTM"), 3, kit.addr("carrier1"), route[2][5], route[2][5], 0))
    kit.amend(sid, 2, longer)
    kit.run_leg(sid, 0, "CNSHA", "SGSIN", codes=("DEPA", "ARRI"))
    kit.run_leg(sid, 1, "SGSIN", "EGPSD", codes=("DEPA", "ARRI"))
    kit.run_leg(sid, 2, "EGPSD", "DEHAM", codes=("DEPA", "ARRI"))
    assert kit.view(sid)["released"] == 0
    kit.run_leg(sid, 3, "DEHAM", "NLRTM", codes=("DEPA", "ARRI"))
    assert kit.view(sid)["released"] == 500


def _legs(decoded):
    """Event legs come back as named records; the contract call wants plain tuples."""
    fields = (
        "origin",
        "destination",
        "mode",
        "carrier",
        "plannedDeparture",
        "plannedArrival",
        "passages",
    )
    return [
        tuple(leg[f] for f in fields) if hasattr(leg, "keys") else tuple(leg) for leg in decoded
    ]


# ------------------------------------------------------------------------------ amendments


def _amend(
    kit,
    sid,
    from_leg,
    new_legs,
    *,
    signers=("buyer", "seller"),
    deadline=None,
    sender="relayer",
    network=b"\x33" * 32,
    agreement=None,
    old=None,
    bookings=None,
):
    """Signs (as `signers`) and sends an amendment; returns (receipt, complete route, call)."""
    in_force, route = kit.in_force(sid)
    agreement = in_force if agreement is None else agreement
    old = route if old is None else old
    full = route[:from_leg] + list(new_legs)
    deadline = deadline or kit.chain.now() + DAY
    args = (sid, agreement, from_leg, route_hash(full), network, deadline)
    sigs = [kit.compact(kit.sign_amendment(*args, s)) for s in signers]
    if bookings is None:
        digest = kit.ship.functions.amendmentDigest(*args).call()
        bookings = kit.bookings(digest, full, range(from_leg, len(full)))
    fn = kit.ship.functions.amendRoute(
        sid, agreement, old, from_leg, list(new_legs), network, deadline, *sigs, bookings
    )
    return kit.send(fn, sender), full, fn


def _cape(kit, sid, carrier=None):
    """Leg 1 SGSIN→EGPSD→… replaced by SGSIN→ZADUR→NLRTM (round the Cape)."""
    _, legs = kit.in_force(sid)
    now = kit.chain.now()
    return [
        (lc("SGSIN"), lc("ZADUR"), 0, carrier or legs[1][3], legs[1][4], now + 20 * DAY, 0b10),
        (lc("ZADUR"), lc("NLRTM"), 0, kit.addr("carrier3"), now + 21 * DAY, now + 29 * DAY, 0),
    ]


def test_b14_amendment_signed_by_both_is_applied_by_anyone(kit, routed):
    """B14: buyer+seller EIP-712 signatures; a relayer submits; complete route in the event; the
    new carriers' bookings ride along (A2, A4)."""
    old_terms = kit.view(routed)["terms"]
    receipt, full, _ = _amend(kit, routed, 1, _cape(kit, routed))

    v = kit.view(routed)
    (event,) = kit.events(receipt, "RouteCommitted")
    assert v["terms"] == kit.terms(routed) != old_terms
    assert event["fromLeg"] == 1 and _legs(event["legs"]) == full
    assert event["routeHash"] == route_hash(full)
    assert [tuple(leg[:4]) for leg in v["legs"]] == [leg[:4] for leg in full]
    assert kit.events(receipt, "BookingsConfirmed")[0]["legs"] == 0b110


def test_b14_amendment_digest_view_matches_typed_data(kit, routed):
    """B14: amendmentDigest equals the EIP-712 digest eth-account signs."""
    from eth_account.messages import _hash_eip191_message, encode_typed_data
    from shipment_kit import AMENDMENT_TYPES

    agreement, _ = kit.in_force(routed)
    message = {
        "shipmentId": routed,
        "agreement": agreement,
        "fromLeg": 1,
        "routeHash": b"\x01" * 32,
        "networkHash": b"\x02" * 32,
        "deadline": 1234,
    }
    signable = encode_typed_data(
        full_message={
            "types": AMENDMENT_TYPES,
            "primaryType": "Amendment",
            "domain": kit.domain(),
            "message": message,
        }
    )
    onchain = kit.ship.functions.amendmentDigest(
        routed, agreement, 1, b"\x01" * 32, b"\x02" * 32, 1234
    ).call()
    assert onchain == _hash_eip191_message(signable)


def test_b14_amendment_needs_both_signatures(kit, routed):
    """B14/B31: a missing or wrong signer reverts Unauthorized(signer, role)."""
    with kit.reverts("Unauthorized", kit.addr("outsider"), b"buyer".ljust(32, b"\0")):
        _amend(kit, routed, 1, _cape(kit, routed), signers=("outsider", "seller"))
    seller_role = b"seller or operator".ljust(32, b"\0")
    with kit.reverts("Unauthorized", kit.addr("buyer"), seller_role):
        _amend(kit, routed, 1, _cape(kit, routed), signers=("buyer", "buyer"))
    with kit.reverts("Unauthorized", kit.addr("operator"), seller_role):
        _amend(kit, routed, 1, _cape(kit, routed), signers=("buyer", "operator"))
    kit.send(kit.ship.functions.setOperator(kit.addr("operator"), True), "seller")
    _amend(kit, routed, 1, _cape(kit, routed), signers=("buyer", "operator"))


def test_b14_expired_amendment_reverts(kit, routed):
    """B14: deadline ≥ now."""
    with kit.reverts("AttestationExpired"):
        _amend(kit, routed, 1, _cape(kit, routed), deadline=kit.chain.now() - 1)


def test_b14_amendment_of_another_route_or_agreement_reverts(kit, routed):
    """B14: the agreement and old route given must be the terms in force."""
    _, route = kit.in_force(routed)
    with kit.reverts("TermsMismatch", routed, 1):
        _amend(kit, routed, 1, _cape(kit, routed), agreement=b"\x01" * 32)
    with kit.reverts("TermsMismatch", routed, 1):
        _amend(kit, routed, 1, _cape(kit, routed), old=route[:2] + [route[1]])


def test_a4_silent_carrier_replaced_mid_voyage(kit, routed):
    """A4: leg 1 departed and its carrier went silent: buyer and seller sign a new leg from the
    last reported location with another carrier, who confirms; it reports ARRI and delivery goes
    on. The old carrier can no longer report; the history stays in the hash chain."""
    kit.run_leg(routed, 0, "CNSHA", "SGSIN", codes=("DEPA", "ARRI"))
    kit.record(routed, 1, "DEPA", "SGSIN")
    head = kit.view(routed)["head"]
    _, route = kit.in_force(routed)
    rescue = [route[1][:3] + (kit.addr("outsider"),) + route[1][4:], route[2]]
    _amend(kit, routed, 1, rescue)

    v = kit.view(routed)
    assert (v["currentLeg"], v["legPhase"], v["milestones"], v["head"]) == (1, 1, 3, head)
    with kit.reverts("NotCarrier"):
        kit.record(routed, 1, "ARRI", "EGPSD", sender="carrier2")
    kit.record(routed, 1, "ARRI", "EGPSD", sender="outsider")
    kit.run_leg(routed, 2, "EGPSD", "NLRTM", codes=("DEPA", "ARRI"))
    kit.record(routed, 2, "DROP", "NLRTM")
    assert kit.state(routed) == "Delivered"


def test_a4_red_sea_diversion_mid_voyage(kit, routed):
    """A4/B15: after leg 1 departed, it is diverted round the Cape: same origin (the last
    reported location), new destination, a new last leg; it stays departed."""
    kit.run_leg(routed, 0, "CNSHA", "SGSIN", codes=("DEPA", "ARRI"))
    kit.record(routed, 1, "DEPA", "SGSIN")
    _amend(kit, routed, 1, _cape(kit, routed))

    v = kit.view(routed)
    assert (v["currentLeg"], v["legPhase"]) == (1, 1)
    kit.record(routed, 1, "ARRI", "ZADUR")
    kit.record(routed, 2, "DEPA", "ZADUR")
    kit.record(routed, 2, "ARRI", "NLRTM")
    kit.record(routed, 2, "DROP", "NLRTM")
    assert kit.state(routed) == "Delivered"


def test_b15_departed_leg_keeps_origin_arrived_leg_keeps_ports(kit, routed):
    """B15: a departed leg keeps its origin; an arrived one its origin and destination; a passed
    leg cannot change."""
    kit.run_leg(routed, 0, "CNSHA", "SGSIN", codes=("DEPA", "ARRI"))
    kit.record(routed, 1, "DEPA", "SGSIN")
    new = _cape(kit, routed)
    new[0] = (lc("MYPKG"),) + new[0][1:]
    with kit.reverts("RouteFrozen", routed, 1):
        _amend(kit, routed, 1, new)
    kit.record(routed, 1, "ARRI", "EGPSD")
    with kit.reverts("RouteFrozen", routed, 1):
        _amend(kit, routed, 1, _cape(kit, routed))
    _, route = kit.in_force(routed)
    with kit.reverts("RouteFrozen", routed, 0):
        _amend(kit, routed, 0, route)
    # the arrived leg may change carrier only (a carrier silent before discharge)
    _amend(kit, routed, 1, [route[1][:3] + (kit.addr("outsider"),) + route[1][4:], route[2]])
    kit.record(routed, 1, "DISC", "EGPSD", sender="outsider")


def test_b15_amendment_past_the_end_or_after_drop_reverts(kit, routed):
    """B15: fromLeg past the route's end, or after the DROP: RouteFrozen; outside Routed:
    WrongState."""
    with kit.reverts("RouteFrozen", routed, 3):
        _amend(kit, routed, 3, [])
    kit.deliver(routed)
    with kit.reverts("WrongState"):
        _amend(kit, routed, 2, _cape(kit, routed)[1:])


def test_b16_amendment_cannot_be_replayed(kit, routed):
    """B16: an amendment signs the agreement in force, itself a digest of the one before: once
    applied the terms move on, so the same signatures never apply again, even if a later
    amendment brings the route back to the same legs."""
    _, original = kit.in_force(routed)
    receipt, full, fn = _amend(kit, routed, 1, _cape(kit, routed))
    with kit.reverts("TermsMismatch"):
        kit.send(fn, "relayer")
    _amend(kit, routed, 1, original[1:])
    assert route_hash(kit.in_force(routed)[1]) == route_hash(original)
    with kit.reverts("TermsMismatch"):
        kit.send(fn, "relayer")


def test_a4_amendment_must_keep_unpaid_tranches_on_its_legs(kit):
    """A4: an amendment that drops the leg of an unpaid tranche is refused."""
    sid = kit.open(tranches=[(CODES["DEPA"], 2, 1000)])
    _, route = kit.in_force(sid)
    direct = [(lc("SGSIN"), lc("NLRTM"), 0, kit.addr("carrier2"), route[1][4], route[2][5], 0)]
    with kit.reverts("InvalidOrder", b"tranches".ljust(32, b"\0")):
        _amend(kit, sid, 1, direct)
