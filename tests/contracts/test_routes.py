"""Route commitment and amendment: B5, B6, B14–B16."""

from eth_abi import encode
from eth_utils import keccak
from shipment_kit import CODES, DAY, LEG_TYPE, lc, route_hash


def test_b5_commit_route_stores_legs_and_emits_complete_route(kit, opened):
    """B5: seller commits; Routed; event legs hash to routeHash; view returns the legs."""
    legs = kit.legs()
    receipt = kit.commit(opened, legs, network=b"\x22" * 32)

    v = kit.view(opened)
    (event,) = kit.events(receipt, "RouteCommitted")
    assert (
        v["state"] == 2 and v["routeHash"] == route_hash(legs) and v["networkHash"] == b"\x22" * 32
    )
    assert [tuple(leg) for leg in v["legs"]] == legs
    assert event["fromLeg"] == 0 and route_hash(_legs(event["legs"])) == event["routeHash"]


def test_b5_route_hash_matches_python_abi_encoding(kit, opened):
    """B5: cross-language: eth_abi tuple-array encoding + keccak is what the contract accepts."""
    legs = kit.legs(passages=[0, 0b101, 0])
    encoded = encode([LEG_TYPE], [legs])
    kit.send(kit.ship.functions.commitRoute(opened, legs, keccak(encoded), b"\0" * 32), "seller")
    assert kit.view(opened)["routeHash"] == keccak(encoded)


def test_b5_route_hash_matches_routing_encoder_when_present(kit, opened):
    """B5: the routing package's encoder (routing.encode) gives bytes the contract accepts."""
    import pytest

    encoder = pytest.importorskip("routing.encode")
    legs = kit.legs(passages=[1, 0, 0b11])
    assert encoder.encode_legs(legs) == encode([LEG_TYPE], [legs])
    kit.send(
        kit.ship.functions.commitRoute(opened, legs, encoder.route_hash(legs), b"\0" * 32), "seller"
    )
    assert kit.view(opened)["routeHash"] == encoder.route_hash(legs)


def test_b5_wrong_hash_reverts_with_computed_hash(kit, opened):
    """B5: routeHash must match the legs."""
    legs = kit.legs()
    with kit.reverts("InvalidRoute", b"\x01" * 32, route_hash(legs)):
        kit.send(kit.ship.functions.commitRoute(opened, legs, b"\x01" * 32, b"\0" * 32), "seller")


def test_b5_malformed_routes_revert(kit, opened):
    """B5: disconnected, wrong destination, zero carrier, times reversed, empty, >16 legs."""
    good = kit.legs()
    bad_routes = [
        [good[0], good[2]],  # disconnected
        good[:2],  # ends at EGPSD, not the destination
        [good[0], good[1], good[2][:3] + ("0x" + "00" * 20,) + good[2][4:]],  # no carrier
        [
            good[0],
            good[1],
            good[2][:4] + (good[2][5] + 1, good[2][5]) + good[2][6:],
        ],  # arrival before departure
        [],
        kit.legs(ports=["CNSHA"] + ["SGSIN", "MYPKG"] * 8 + ["NLRTM"]),  # 17 legs
    ]
    for legs in bad_routes:
        with kit.reverts("InvalidRoute", route_hash(legs), b"\0" * 32):
            kit.send(
                kit.ship.functions.commitRoute(opened, legs, route_hash(legs), b"\0" * 32), "seller"
            )


def test_b5_sixteen_legs_are_accepted(kit, opened):
    """B5: up to 16 legs."""
    legs = kit.legs(ports=["CNSHA"] + ["SGSIN", "MYPKG"] * 7 + ["SGSIN", "NLRTM"])
    assert len(legs) == 16
    kit.commit(opened, legs)
    assert len(kit.view(opened)["legs"]) == 16


def test_b5_operator_commits_and_others_cannot(kit, opened):
    """B5/B29/B31: the seller's operator commits; buyer, carrier, outsider, ex-operator cannot."""
    for who in ("buyer", "carrier1", "outsider", "operator"):
        with kit.reverts("Unauthorized", kit.addr(who), b"seller or operator".ljust(32, b"\0")):
            kit.commit(opened, sender=who)
    kit.send(kit.ship.functions.setOperator(kit.addr("operator"), True), "seller")
    kit.commit(opened, sender="operator")
    kit.send(kit.ship.functions.setOperator(kit.addr("operator"), False), "seller")
    with kit.reverts("Unauthorized"):
        kit.commit(opened, sender="operator")


def test_b6_recommit_replaces_route_until_first_act(kit, routed):
    """B6: a shorter route replaces the old one (stale legs cleared); EST does not freeze."""
    kit.record(routed, 0, "DEPA", "CNSHA", cls="EST", t=kit.chain.now() + DAY)
    shorter = kit.legs(ports=("CNSHA", "NLRTM"), carriers=("carrier2",))
    kit.commit(routed, shorter)

    assert [tuple(leg) for leg in kit.view(routed)["legs"]] == shorter
    kit.record(routed, 0, "LOAD", "CNSHA", sender="carrier2")
    with kit.reverts("RouteFrozen", routed, 0):
        kit.commit(routed, kit.legs())


def test_b6_commit_in_final_or_disputed_state_reverts(kit, routed):
    """B6: only Open or Routed."""
    kit.send(kit.ship.functions.openDispute(routed), "buyer")
    with kit.reverts("WrongState"):
        kit.commit(routed)


def test_b6_tranche_on_missing_leg_is_paid_on_delivery(kit):
    """B6/B27: a tranche on leg 5 of a 3-leg route never triggers; its share goes on delivery."""
    sid = kit.open(tranches=[(CODES["DEPA"], 5, 5000)], amount=1000)
    kit.commit(sid)
    kit.deliver(sid)
    assert kit.view(sid)["released"] == 0
    kit.send(kit.ship.functions.confirmDelivery(sid), "buyer")
    assert kit.view(sid)["released"] == 1000


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
    full=None,
    old=None,
):
    v = kit.view(sid)
    full = [tuple(leg) for leg in v["legs"]][:from_leg] + list(new_legs) if full is None else full
    new_hash = route_hash(full)
    deadline = deadline or kit.chain.now() + DAY
    old = v["routeHash"] if old is None else old
    sigs = [kit.sign_amendment(sid, old, from_leg, new_hash, network, deadline, s) for s in signers]
    fn = kit.ship.functions.amendRoute(
        sid, from_leg, list(new_legs), new_hash, network, deadline, *sigs
    )
    return kit.send(fn, sender), full, sigs, deadline


def _cape(kit, sid):
    """Leg 1 SGSIN→EGPSD→… replaced by SGSIN→ZADUR→NLRTM (round the Cape), same carrier."""
    legs = [tuple(leg) for leg in kit.view(sid)["legs"]]
    now = kit.chain.now()
    return [
        (lc("SGSIN"), lc("ZADUR"), 0, legs[1][3], legs[1][4], now + 20 * DAY, 0b10),
        (lc("ZADUR"), lc("NLRTM"), 0, kit.addr("carrier3"), now + 21 * DAY, now + 29 * DAY, 0),
    ]


def test_b14_amendment_signed_by_both_is_applied_by_anyone(kit, routed):
    """B14: buyer+seller EIP-712 signatures; a relayer submits; complete route in the event."""
    old = kit.view(routed)["routeHash"]
    receipt, full, _, _ = _amend(kit, routed, 1, _cape(kit, routed))

    v = kit.view(routed)
    (event,) = kit.events(receipt, "RouteCommitted")
    assert v["routeHash"] == route_hash(full) != old
    assert [tuple(leg) for leg in v["legs"]] == full
    assert event["fromLeg"] == 1 and _legs(event["legs"]) == full


def test_b14_amendment_digest_view_matches_typed_data(kit, routed):
    """B14: amendmentDigest equals the EIP-712 digest eth-account signs."""
    from eth_account.messages import _hash_eip191_message, encode_typed_data
    from shipment_kit import AMENDMENT_TYPES

    old = kit.view(routed)["routeHash"]
    message = {
        "shipmentId": routed,
        "oldRouteHash": old,
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
    onchain = kit.ship.functions.amendmentDigest(routed, 1, b"\x01" * 32, b"\x02" * 32, 1234).call()
    assert onchain == _hash_eip191_message(signable)


def test_b14_amendment_needs_both_signatures(kit, routed):
    """B14/B31: a missing or wrong signer reverts Unauthorized(signer, role)."""
    with kit.reverts("Unauthorized", kit.addr("outsider"), b"buyer".ljust(32, b"\0")):
        _amend(kit, routed, 1, _cape(kit, routed), signers=("outsider", "seller"))
    with kit.reverts("Unauthorized", kit.addr("buyer"), b"seller".ljust(32, b"\0")):
        _amend(kit, routed, 1, _cape(kit, routed), signers=("buyer", "buyer"))
    with kit.reverts("Unauthorized", kit.addr("operator"), b"seller".ljust(32, b"\0")):
        _amend(kit, routed, 1, _cape(kit, routed), signers=("buyer", "operator"))


def test_b14_expired_amendment_reverts(kit, routed):
    """B14: deadline ≥ now."""
    with kit.reverts("AttestationExpired"):
        _amend(kit, routed, 1, _cape(kit, routed), deadline=kit.chain.now() - 1)


def test_b14_amendment_with_wrong_hash_reverts(kit, routed):
    """B14: the kept + new legs must hash to routeHash."""
    new = _cape(kit, routed)
    with kit.reverts("InvalidRoute"):
        _amend(kit, routed, 1, new, full=new)


def test_b15_diversion_at_sea_keeps_origin_and_carrier(kit, routed):
    """B15: after leg 1 departed, replacing it keeps origin+carrier; it stays departed."""
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


def test_b15_diversion_changing_carrier_or_origin_reverts(kit, routed):
    """B15: a departed leg cannot change carrier."""
    kit.run_leg(routed, 0, "CNSHA", "SGSIN", codes=("DEPA", "ARRI"))
    kit.record(routed, 1, "DEPA", "SGSIN")
    new = _cape(kit, routed)
    new[0] = new[0][:3] + (kit.addr("carrier1"),) + new[0][4:]
    with kit.reverts("RouteFrozen", routed, 1):
        _amend(kit, routed, 1, new)


def test_b15_amending_passed_or_arrived_legs_reverts(kit, routed):
    """B15: fromLeg before the current leg, or the current one once arrived: RouteFrozen."""
    kit.run_leg(routed, 0, "CNSHA", "SGSIN", codes=("DEPA", "ARRI"))
    legs = [tuple(leg) for leg in kit.view(routed)["legs"]]
    with kit.reverts("RouteFrozen", routed, 0):
        _amend(kit, routed, 0, legs)
    kit.record(routed, 1, "DEPA", "SGSIN")
    kit.record(routed, 1, "ARRI", "EGPSD")
    with kit.reverts("RouteFrozen", routed, 1):
        _amend(kit, routed, 1, legs[1:])
    with kit.reverts("InvalidRoute"):
        _amend(kit, routed, 4, [])


def test_b15_amendment_outside_routed_reverts(kit, opened):
    """B15: only in Routed."""
    with kit.reverts("WrongState"):
        _amend(kit, opened, 0, kit.legs(), old=b"\0" * 32)


def test_b16_amendment_cannot_be_replayed(kit, routed):
    """B16: the same signatures fail once the route changed, and even if it changes back."""
    original = [tuple(leg) for leg in kit.view(routed)["legs"]]
    receipt, full, sigs, deadline = _amend(kit, routed, 1, _cape(kit, routed))
    fn = kit.ship.functions.amendRoute(
        routed, 1, full[1:], route_hash(full), b"\x33" * 32, deadline, *sigs
    )
    with kit.reverts("Unauthorized"):
        kit.send(fn, "relayer")  # signed against the old route hash: recovers someone else

    _amend(kit, routed, 1, original[1:])  # back to the original hash
    assert kit.view(routed)["routeHash"] == route_hash(original)
    with kit.reverts("AttestationExpired"):
        kit.send(fn, "relayer")
