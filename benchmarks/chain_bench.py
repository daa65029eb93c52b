"""Status lookups at 100 and 10 000 shipments, and full lifecycles per second.

A lifecycle is: the seller's signed offer on a 3-leg route, the carriers' bookings, the buyer's
acceptance (open + ETH escrow + route + bookings in one transaction), 6 milestones (DEPA + ARRI
per leg, signed by each leg's carrier and relayed in one batch), release (buyer confirms).
Embedded runs them one transaction at a time; on anvil each stage of many lifecycles
goes out as one JSON-RPC batch of pre-signed transactions.
"""

from __future__ import annotations

import statistics
import time

from routing.encode import route_hash
from tradelane import agreement, attest
from tradelane.chain import Chain, connect
from tradelane.client import DAY, Tradelane
from tradelane.model import Classifier, Code, Milestone, Tranche
from tradelane.node import Anvil

__all__ = ["run"]

PORTS = [("CNSHA", "SGSIN"), ("SGSIN", "NLRTM"), ("NLRTM", "DEDUI")]
CARRIERS = ("carrier1", "carrier2", "carrier3")
AMOUNT = 10**15


class _Route:
    """What Tradelane.make_offer takes: legs, their hash, the network hash."""

    def __init__(self, chain: Chain, start: int):
        self.legs = []
        t = start
        for i, ((origin, destination), carrier) in enumerate(zip(PORTS, CARRIERS, strict=True)):
            mode = 2 if i == 2 else 0
            self.legs.append(
                (origin.encode(), destination.encode(), mode, chain.address(carrier), t, t + DAY, 0)
            )
            t += 2 * DAY
        self.route_hash = route_hash(self.legs)
        self.network_hash = bytes(32)


def accept_calls(
    tl: Tradelane, route, n: int, *, booked: bool, deadline: int | None = None
) -> list:
    """`n` acceptOffer calls of distinct signed offers on `route` (with every booking if
    `booked`), signed here in advance so that they can go out as one batch."""
    now = tl.chain.now()
    calls = []
    for _ in range(n):
        offer = tl.make_offer(
            "seller",
            route,
            amount=AMOUNT,
            deadline=deadline or now + 60 * DAY,
            arbiter="arbiter",
            tranches=[Tranche(Code.DEPA, 0, 2000)],
            nonce=tl.count() + len(calls) + 1,
        )
        bookings = [tl.sign_booking(leg[3], offer, i) for i, leg in enumerate(route.legs)]
        args, sig = agreement.offer_call_args(offer)
        tuples = agreement.booking_tuples(bookings if booked else [], offer["digest"])
        calls.append(tl.contract.functions.acceptOffer(args, sig, tuples))
    return calls


def _signed_milestones(tl: Tradelane, sid: int, now: int) -> list[tuple]:
    entries = []
    for leg, ((origin, destination), carrier) in enumerate(zip(PORTS, CARRIERS, strict=True)):
        # the attestation nonce is the milestone's place on its leg: DEPA 0, ARRI 1
        for nonce, (code, where) in enumerate(((Code.DEPA, origin), (Code.ARRI, destination))):
            m = Milestone(sid, leg, code, Classifier.ACT, where, now)
            att = tl.sign(carrier, m, nonce=nonce)
            entries.append(attest.to_entry(att, tl.chain.chain_id, tl.address))
    return entries


def _lifecycles(tl: Tradelane, n: int, *, pipelined: bool) -> float:
    """Run `n` lifecycles; returns lifecycles per second."""
    chain, fns = tl.chain, tl.contract.functions
    now = chain.now()
    route = _Route(chain, now + DAY)
    started = time.perf_counter()
    if not pipelined:
        for _ in range(n):
            sid = tl.open_agreed_shipment(
                "buyer",
                seller="seller",
                encoded=route,
                amount=AMOUNT,
                deadline=now + 60 * DAY,
                arbiter="arbiter",
            )
            chain.send(fns.recordBatch(_signed_milestones(tl, sid, chain.now())), "relayer")
            tl.confirm("buyer", sid)
        return n / (time.perf_counter() - started)
    first = tl.count() + 1
    ids = range(first, first + n)
    calls = accept_calls(tl, route, n, booked=True)
    chain.send_many(calls, "buyer", gas=500_000, value=AMOUNT)
    stamp = chain.now()
    batches = [fns.recordBatch(_signed_milestones(tl, i, stamp)) for i in ids]
    chain.send_many(batches, "relayer", gas=900_000)
    chain.send_many([fns.confirmDelivery(i) for i in ids], "buyer", gas=300_000)
    return n / (time.perf_counter() - started)


def _lookup_ms(tl: Tradelane, sid: int, repeats: int = 15) -> float:
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        status = tl.status(sid)
        samples.append((time.perf_counter() - t) * 1000)
        assert status.history_verified, status.history_problem
    return statistics.median(samples)


def _seed(tl: Tradelane, total: int) -> float:
    """Open shipments until the chain holds `total`; returns seconds taken."""
    missing = total - tl.count()
    started = time.perf_counter()
    route = _Route(tl.chain, tl.chain.now() + DAY)
    while missing > 0:
        step = min(missing, 1000)
        calls = accept_calls(tl, route, step, booked=False)
        tl.chain.send_many(calls, "buyer", gas=500_000, value=AMOUNT)
        missing -= step
    return time.perf_counter() - started


def run(*, lifecycles: int = 20, big: int = 10_000) -> dict:
    embedded, _ = Tradelane.deploy(connect("embedded"))
    eth_tester_rate = _lifecycles(embedded, lifecycles, pipelined=False)

    with Anvil() as node:
        tl, _ = Tradelane.deploy(connect(node.url), force=True)
        anvil_rate = _lifecycles(tl, lifecycles * 5, pipelined=True)
        probe = tl.count()  # a finished lifecycle with route and 6 milestones
        _seed(tl, 100)
        at_100 = _lookup_ms(tl, probe)
        seed_s = _seed(tl, big)
        at_big = _lookup_ms(tl, probe)
        shipments = tl.count()
    return {
        "status": {
            "lookup_ms_100": round(at_100, 2),
            "lookup_ms_10000": round(at_big, 2),
            "shipments_on_chain": shipments,
            "seed_10000_s": round(seed_s, 1),
        },
        "throughput": {
            "lifecycles_per_s_eth_tester": round(eth_tester_rate, 2),
            "lifecycles_per_s_anvil": round(anvil_rate, 2),
            "lifecycles_eth_tester": lifecycles,
            "lifecycles_anvil": lifecycles * 5,
        },
    }
