"""The whole lifecycle through brownie's contract objects (SPECIFICATION.md B1–B26)."""

from __future__ import annotations

import brownie
from eth_account import Account

from tradelane.attest import sign_milestone, to_entry
from tradelane.chain import dev_accounts
from tradelane.model import Classifier, Code, Milestone

HOUR = 3_600
ACT = int(Classifier.ACT)


def milestone(shipment_id, leg, code, location, when):
    return (shipment_id, leg, int(code), ACT, location.encode(), when)


def test_accepting_an_offer_escrows_the_payment_and_emits_shipment_opened(
    shipments, create_shipment, buyer, seller
):
    balance = buyer.balance()

    shipment_id, _ = create_shipment(booked=False)

    view = shipments.shipment(shipment_id)
    assert view[0] == 2  # Routed: the route came with the offer
    assert view[12] == 10**18  # deposited
    assert buyer.balance() == balance - 10**18
    assert shipments.shipmentCount() == shipment_id


def test_full_lifecycle_releases_tranche_then_rest_and_seller_withdraws(
    shipments, create_shipment, carriers, relayer, buyer, seller, chain
):
    shipment_id, route = create_shipment()
    legs = route.legs
    chain.sleep(legs[0][4] - chain.time())
    chain.mine()

    # the first carrier signs DEPA off-line; a relayer sends it (B10)
    m = Milestone(shipment_id, 0, Code.DEPA, Classifier.ACT, "CNSHA", chain.time())
    carrier0 = Account.from_key(dev_accounts()["carrier1"].key)
    signed = sign_milestone(
        carrier0, chain.id, shipments.address, m, nonce=0, deadline=chain.time() + 3_600
    )
    entry = to_entry(signed, chain.id, shipments.address)
    tx = shipments.relaySignedMilestone(*entry, {"from": relayer})

    assert tx.events["MilestoneRecorded"]["carrier"] == carriers[0]
    assert tx.events["TrancheReleased"]["amount"] == 2 * 10**17
    assert shipments.credit(seller, "0x" + "00" * 20) == 2 * 10**17

    for leg, (origin, destination, *_rest) in enumerate(legs):
        if leg:
            chain.sleep(max(0, legs[leg][4] - chain.time()))
            chain.mine()
            shipments.recordMilestone(
                milestone(shipment_id, leg, Code.DEPA, origin.decode(), chain.time()),
                {"from": carriers[leg]},
            )
        chain.sleep(max(0, legs[leg][5] - chain.time()))
        chain.mine()
        shipments.recordMilestone(
            milestone(shipment_id, leg, Code.ARRI, destination.decode(), chain.time()),
            {"from": carriers[leg]},
        )
    last = len(legs) - 1
    tx = shipments.recordMilestone(
        milestone(shipment_id, last, Code.DROP, "NLRTM", chain.time()), {"from": carriers[last]}
    )
    assert "Delivered" in tx.events

    tx = shipments.confirmDelivery(shipment_id, {"from": buyer})

    assert tx.events["Completed"]["amount"] == 8 * 10**17
    assert shipments.shipment(shipment_id)[0] == 5  # Completed
    before = seller.balance()
    shipments.withdraw("0x" + "00" * 20, seller, {"from": seller})
    assert seller.balance() == before + 10**18


def test_milestone_out_of_order_reverts(shipments, create_shipment, carriers, chain):
    shipment_id, _ = create_shipment()

    with brownie.reverts():
        shipments.recordMilestone(
            milestone(shipment_id, 0, Code.ARRI, "SGSIN", chain.time()), {"from": carriers[0]}
        )


def test_only_the_legs_carrier_records(shipments, create_shipment, carriers, chain):
    shipment_id, _ = create_shipment()

    with brownie.reverts():
        shipments.recordMilestone(
            milestone(shipment_id, 0, Code.GTIN, "CNSHA", chain.time()), {"from": carriers[1]}
        )


def test_refund_after_the_deadline_returns_the_escrow(shipments, create_shipment, buyer, chain):
    shipment_id, _ = create_shipment()
    chain.sleep(41 * 86_400)
    chain.mine()

    tx = shipments.refund(shipment_id, {"from": buyer})

    assert tx.events["Refunded"]["amount"] == 10**18
    assert shipments.credit(buyer, "0x" + "00" * 20) == 10**18
