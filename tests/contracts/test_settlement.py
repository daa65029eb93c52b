"""Tranches, delivery, refund, cancel, disputes, receiver, operators: B17–B23, B27–B29."""

from shipment_kit import ARBITER_TIMEOUT, CODES, DAY, GRACE

ONE = 10**18


def _ok(kit, sid):
    v = kit.view(sid)
    assert v["released"] + v["refunded"] + v["held"] == v["deposited"]
    return v


def test_b27_tranches_release_on_trigger_milestones_once(kit, routed):
    """B27: 20 % at first DEPA (leg 0), 30 % at ARRI on the last leg; credited to the seller."""
    receipt = kit.record(routed, 0, "DEPA", "CNSHA")
    assert kit.events(receipt, "TrancheReleased") == [
        {"shipmentId": routed, "tranche": 0, "amount": ONE // 5}
    ]
    assert kit.credit("seller") == ONE // 5
    kit.record(routed, 0, "ARRI", "SGSIN")  # not the last leg: nothing
    kit.run_leg(routed, 1, "SGSIN", "EGPSD", codes=("DEPA", "ARRI"))
    kit.record(routed, 2, "DEPA", "EGPSD")
    receipt = kit.record(routed, 2, "ARRI", "NLRTM")
    assert kit.events(receipt, "TrancheReleased")[0]["amount"] == 3 * ONE // 10
    v = _ok(kit, routed)
    assert v["released"] == ONE // 2 and v["held"] == ONE // 2


def test_b27_tranche_paid_once_even_when_amendment_moves_last_leg(kit):
    """B27: the (ARRI, last leg) tranche does not pay again after the route is extended."""
    legs = kit.legs(ports=("CNSHA", "NLRTM"))
    sid = kit.open(tranches=[(CODES["ARRI"], 255, 5000)], amount=1000, legs=legs)
    kit.record(sid, 0, "DEPA", "CNSHA")
    kit.record(sid, 0, "ARRI", "NLRTM")
    assert kit.view(sid)["released"] == 500
    from shipment_kit import lc
    from test_routes import _amend  # the amendment helper

    now = kit.chain.now()
    loop = [
        (lc("NLRTM"), lc("BEANR"), 3, kit.addr("carrier2"), now, now + DAY, 0),
        (lc("BEANR"), lc("NLRTM"), 3, kit.addr("carrier2"), now + DAY, now + 2 * DAY, 0),
    ]
    _amend(kit, sid, 1, loop)
    kit.run_leg(sid, 1, "NLRTM", "BEANR", codes=("DEPA", "ARRI"))
    kit.run_leg(sid, 2, "BEANR", "NLRTM", codes=("DEPA", "ARRI"))
    assert _ok(kit, sid)["released"] == 500


def test_b17_buyer_confirms_delivery(kit, routed):
    """B17: everything held to the seller; Completed."""
    kit.record(routed, 0, "DEPA", "CNSHA")
    receipt = kit.send(kit.ship.functions.confirmDelivery(routed), "buyer")
    assert kit.events(receipt, "Completed")[0]["amount"] == 4 * ONE // 5
    v = _ok(kit, routed)
    assert v["state"] == 5 and v["released"] == ONE and kit.credit("seller") == ONE


def test_b17_confirm_by_others_or_in_wrong_state_reverts(kit, routed):
    """B17/B31: buyer only; Routed or Delivered only."""
    for who in ("seller", "arbiter", "outsider", "carrier1"):
        with kit.reverts("Unauthorized", kit.addr(who), b"buyer".ljust(32, b"\0")):
            kit.send(kit.ship.functions.confirmDelivery(routed), who)
    kit.send(kit.ship.functions.cancel(routed), "seller")
    with kit.reverts("WrongState", routed, 6):
        kit.send(kit.ship.functions.confirmDelivery(routed), "buyer")


def test_b18_finalize_after_grace(kit, routed):
    """B18: anyone finalizes once deliveredAt + GRACE_PERIOD is reached; not before."""
    kit.deliver(routed)
    ready = kit.view(routed)["deliveredAt"] + GRACE
    with kit.reverts("TooEarly", routed, ready):
        kit.send(kit.ship.functions.finalize(routed), "outsider")
    kit.chain.advance(GRACE)
    kit.send(kit.ship.functions.finalize(routed), "outsider")
    assert _ok(kit, routed)["state"] == 5 and kit.credit("seller") == ONE


def test_b18_finalize_outside_delivered_reverts(kit, routed):
    """B18: only Delivered."""
    with kit.reverts("WrongState", routed, 2):
        kit.send(kit.ship.functions.finalize(routed), "outsider")


def test_b19_refund_after_deadline(kit):
    """B19: buyer, after the deadline, gets everything not released."""
    sid = kit.open(deadline=kit.chain.now() + 2 * DAY)
    kit.record(sid, 0, "DEPA", "CNSHA")
    deadline = kit.view(sid)["deadline"]
    with kit.reverts("TooEarly", sid, deadline + 1):
        kit.send(kit.ship.functions.refund(sid), "buyer")
    kit.chain.advance(3 * DAY)
    with kit.reverts("Unauthorized"):
        kit.send(kit.ship.functions.refund(sid), "seller")
    receipt = kit.send(kit.ship.functions.refund(sid), "buyer")
    assert kit.events(receipt, "Refunded")[0]["amount"] == 4 * ONE // 5
    v = _ok(kit, sid)
    assert (
        v["state"] == 6 and kit.credit("buyer") == 4 * ONE // 5 and kit.credit("seller") == ONE // 5
    )


def test_b19_refund_not_when_delivered_or_disputed(kit, routed):
    """B19: Delivered and Disputed cannot be refunded."""
    kit.deliver(routed)
    kit.chain.advance(40 * DAY)
    with kit.reverts("WrongState", routed, 3):
        kit.send(kit.ship.functions.refund(routed), "buyer")
    kit.send(kit.ship.functions.openDispute(routed), "buyer")
    with kit.reverts("WrongState", routed, 4):
        kit.send(kit.ship.functions.refund(routed), "buyer")


def test_b20_seller_cancels(kit, routed):
    """B20: seller → Refunded to buyer, from Routed or Delivered; nobody else."""
    opened = kit.open()
    for who in ("buyer", "operator", "outsider"):
        with kit.reverts("Unauthorized"):
            kit.send(kit.ship.functions.cancel(opened), who)
    kit.send(kit.ship.functions.cancel(opened), "seller")
    kit.deliver(routed)
    kit.send(kit.ship.functions.cancel(routed), "seller")
    assert kit.state(opened) == kit.state(routed) == "Refunded"
    assert kit.credit("buyer") == 2 * ONE - ONE // 2
    with kit.reverts("WrongState"):
        kit.send(kit.ship.functions.cancel(routed), "seller")


def test_b21_dispute_freezes(kit, routed):
    """B21: buyer or seller; freezes release, refund, cancel, confirm; not twice; not by others."""
    for who in ("arbiter", "outsider", "carrier1"):
        with kit.reverts("Unauthorized", kit.addr(who), b"buyer or seller".ljust(32, b"\0")):
            kit.send(kit.ship.functions.openDispute(routed), who)
    receipt = kit.send(kit.ship.functions.openDispute(routed), "buyer")
    assert kit.events(receipt, "DisputeOpened")[0]["by"] == kit.addr("buyer")
    for fn, who in (
        (kit.ship.functions.cancel, "seller"),
        (kit.ship.functions.confirmDelivery, "buyer"),
        (kit.ship.functions.openDispute, "seller"),
    ):
        with kit.reverts("WrongState", routed, 4):
            kit.send(fn(routed), who)
    assert kit.view(routed)["disputedAt"] > 0


def test_b22_arbiter_splits(kit, routed):
    """B22: any split up to held; rest to the seller side; Resolved."""
    kit.record(routed, 0, "DEPA", "CNSHA")
    kit.send(kit.ship.functions.openDispute(routed), "buyer")
    held = kit.view(routed)["held"]
    with kit.reverts("SplitTooLarge", held + 1, held):
        kit.send(kit.ship.functions.resolveDispute(routed, held + 1), "arbiter")
    for who in ("buyer", "seller", "outsider"):
        with kit.reverts("Unauthorized", kit.addr(who), b"arbiter".ljust(32, b"\0")):
            kit.send(kit.ship.functions.resolveDispute(routed, 0), who)
    receipt = kit.send(kit.ship.functions.resolveDispute(routed, held // 4), "arbiter")
    assert kit.events(receipt, "DisputeResolved")[0] == {
        "shipmentId": routed,
        "toBuyer": held // 4,
        "toSeller": held - held // 4,
        "byTimeout": False,
    }
    v = _ok(kit, routed)
    assert v["state"] == 7 and kit.credit("buyer") == held // 4


def test_b22_resolve_outside_dispute_reverts(kit, routed):
    """B22: only Disputed."""
    with kit.reverts("WrongState", routed, 2):
        kit.send(kit.ship.functions.resolveDispute(routed, 0), "arbiter")


def test_b23_timeout_rule_undelivered_goes_to_buyer(kit, routed):
    """B23: not delivered before the dispute → everything held back to the buyer."""
    kit.record(routed, 0, "DEPA", "CNSHA")
    kit.send(kit.ship.functions.openDispute(routed), "seller")
    ready = kit.view(routed)["disputedAt"] + ARBITER_TIMEOUT
    with kit.reverts("TooEarly", routed, ready):
        kit.send(kit.ship.functions.settleDispute(routed), "outsider")
    kit.chain.advance(ARBITER_TIMEOUT)
    receipt = kit.send(kit.ship.functions.settleDispute(routed), "outsider")
    assert kit.events(receipt, "DisputeResolved")[0]["byTimeout"] is True
    assert _ok(kit, routed)["refunded"] == 4 * ONE // 5 and kit.credit("buyer") == 4 * ONE // 5


def test_b23_timeout_rule_delivered_goes_to_seller(kit, routed):
    """B23: delivered before the dispute → everything held to the seller side."""
    kit.deliver(routed)
    kit.send(kit.ship.functions.openDispute(routed), "buyer")
    kit.chain.advance(ARBITER_TIMEOUT)
    kit.send(kit.ship.functions.settleDispute(routed), "relayer")
    assert _ok(kit, routed)["released"] == ONE and kit.credit("seller") == ONE
    with kit.reverts("WrongState"):
        kit.send(kit.ship.functions.settleDispute(routed), "relayer")


def test_b28_receiver_gets_the_seller_side(kit, routed):
    """B28: seller names a receiver; only the seller may; not after final."""
    for who in ("buyer", "operator", "outsider"):
        with kit.reverts("Unauthorized"):
            kit.send(kit.ship.functions.setReceiver(routed, kit.addr(who)), who)
    kit.send(kit.ship.functions.setReceiver(routed, kit.addr("relayer")), "seller")
    kit.deliver(routed)
    kit.send(kit.ship.functions.confirmDelivery(routed), "buyer")
    assert kit.credit("relayer") == ONE and kit.credit("seller") == 0
    with kit.reverts("WrongState"):
        kit.send(kit.ship.functions.setReceiver(routed, kit.addr("seller")), "seller")


def test_b29_operator_set_and_revoked(kit):
    """B29: OperatorSet; zero or self operator refused."""
    receipt = kit.send(kit.ship.functions.setOperator(kit.addr("operator"), True), "seller")
    assert kit.events(receipt, "OperatorSet")[0]["authorised"] is True
    assert kit.ship.functions.isOperator(kit.addr("seller"), kit.addr("operator")).call()
    with kit.reverts("InvalidOrder"):
        kit.send(kit.ship.functions.setOperator("0x" + "00" * 20, True), "seller")
    with kit.reverts("InvalidOrder"):
        kit.send(kit.ship.functions.setOperator(kit.addr("seller"), True), "seller")


def test_b30_view_reports_everything_in_one_call(kit, routed):
    """B30: status view: parties, amounts, legs, tranches, progress."""
    kit.run_leg(routed, 0, "CNSHA", "SGSIN", codes=("DEPA", "ARRI"))
    v = kit.view(routed)
    assert v["arbiter"] == kit.addr("arbiter") and v["destination"] == b"NLRTM"
    assert (v["currentLeg"], v["legPhase"], v["milestones"]) == (0, 2, 2)
    assert len(v["legs"]) == 3 and len(v["tranches"]) == 2 and v["openedAt"] > 0
    assert kit.ship.functions.GRACE_PERIOD().call() == GRACE
    assert kit.ship.functions.ARBITER_TIMEOUT().call() == ARBITER_TIMEOUT
