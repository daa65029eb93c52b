"""Shipments in every state, made through the client on a dev chain (anvil).

`every_state(tl)` leaves one shipment per state (open, routed with a relayed milestone and a
released tranche, delivered, disputed, completed and withdrawn, refunded, resolved, amended,
with a receiver and items) and returns {label: shipment id}. `traffic(tl, n)` adds `n`
transactions of varied kinds (for reorg and crash tests).
"""

from __future__ import annotations

import itertools

from routing.encode import EncodedRoute, route_hash
from tradelane.client import DAY, ETH, Tradelane
from tradelane.model import Classifier, Code, Milestone, Tranche

STOPS = ("CNSHA", "SGSIN", "NLRTM")
CARRIERS = ("carrier1", "carrier2", "carrier3")
_ids = itertools.count(1)


def route(tl: Tradelane, stops=STOPS, carriers=CARRIERS, start_in: int = DAY) -> EncodedRoute:
    start = tl.chain.now() + start_in
    legs = []
    for i, (a, b) in enumerate(itertools.pairwise(stops)):
        dep = start + i * 6 * DAY
        carrier = tl.chain.address(carriers[i % len(carriers)])
        legs.append((a.encode(), b.encode(), i % 3, carrier, dep, dep + 5 * DAY, 1 << i))
    return EncodedRoute(legs=legs, route_hash=route_hash(legs), network_hash=b"\x07" * 32)


def opened(tl: Tradelane, *, items: bool = False, amount: int = 10**16) -> int:
    """An accepted offer (open + escrow + route), no carrier booking confirmed yet."""
    offer = tl.make_offer(
        "seller",
        route(tl),
        amount=amount + next(_ids),  # distinct amounts: no two openings alike
        deadline=tl.chain.now() + 60 * DAY,
        arbiter="arbiter",
        token=ETH,
        tranches=[Tranche.parse("DEPA:0:2000"), Tranche.parse("ARRI:last:3000")],
        items_root=b"\x01" * 32 if items else bytes(32),
    )
    return tl.accept_offer("buyer", offer)


def book(tl: Tradelane, sid: int) -> None:
    """Every carrier of the route confirms its booking."""
    for leg in range(len(STOPS) - 1):
        tl.confirm_booking(CARRIERS[leg % len(CARRIERS)], sid, leg)


def routed(tl: Tradelane, **kwargs) -> int:
    sid = opened(tl, **kwargs)
    book(tl, sid)
    return sid


def act(tl: Tradelane, sid: int, leg: int, code: Code, where: str, *, relay: bool = False):
    m = Milestone(sid, leg, code, Classifier.ACT, where, tl.chain.now())
    carrier = CARRIERS[leg % len(CARRIERS)]
    if relay:
        tl.relay("relayer", [tl.sign(carrier, m)])
    else:
        tl.record(carrier, m)


def delivered(tl: Tradelane) -> int:
    sid = routed(tl)
    for leg, (a, b) in enumerate(itertools.pairwise(STOPS)):
        act(tl, sid, leg, Code.DEPA, a, relay=leg == 0)
        act(tl, sid, leg, Code.ARRI, b)
    act(tl, sid, len(STOPS) - 2, Code.DROP, STOPS[-1])
    return sid


def every_state(tl: Tradelane) -> dict[str, int]:
    ids: dict[str, int] = {}
    ids["open"] = opened(tl, items=True)
    sid = routed(tl)
    est = Milestone(sid, 0, Code.DEPA, Classifier.EST, STOPS[0], tl.chain.now() + DAY)
    tl.record("carrier1", est)
    act(tl, sid, 0, Code.DEPA, STOPS[0], relay=True)  # releases the 20 % tranche
    tl.set_receiver("seller", sid, tl.chain.address("operator"))
    ids["routed"] = sid
    ids["delivered"] = delivered(tl)
    sid = delivered(tl)
    tl.confirm("buyer", sid)
    tl.withdraw("seller")
    ids["completed"] = sid
    sid = routed(tl)
    tl.cancel("seller", sid)
    ids["refunded"] = sid
    sid = routed(tl)
    tl.dispute("buyer", sid)
    ids["disputed"] = sid
    sid = routed(tl)
    act(tl, sid, 0, Code.DEPA, STOPS[0])
    tl.dispute("seller", sid)
    tl.resolve("arbiter", sid, tl.view(sid)["held"] // 3)
    ids["resolved"] = sid
    ids["amended"] = amended(tl)
    return ids


def amended(tl: Tradelane) -> int:
    """Routed, leg 0 departed, legs from 1 re-routed through another port by both parties."""
    sid = routed(tl)
    act(tl, sid, 0, Code.DEPA, STOPS[0])
    new = route(tl, stops=("SGSIN", "EGPSD", "NLRTM"), carriers=("carrier2", "carrier3"))
    doc = tl.propose_amendment("buyer", sid, 1, new.legs, network_hash=b"\x09" * 32)
    doc = tl.sign_amendment("seller", doc)
    bookings = [tl.sign_booking(c, doc, i) for i, c in ((1, "carrier2"), (2, "carrier3"))]
    tl.send_amendment("seller", doc, bookings)
    return sid


def traffic(tl: Tradelane, n: int, salt: int = 0) -> list[int]:
    """`n` transactions (each its own block on anvil) of varied kinds; returns new ids."""
    made: list[int] = []
    kinds = itertools.cycle(("open", "route", "depa", "est"))
    for _ in range(salt % 4):
        next(kinds)
    for kind in itertools.islice(kinds, n):
        if kind == "open" or not made:
            made.append(opened(tl))
        elif kind == "route":
            book(tl, made[-1])
        elif kind == "depa":
            v = tl.view(made[-1])
            if v["confirmedLegs"] & 1 and not v["legPhase"]:
                act(tl, made[-1], 0, Code.DEPA, STOPS[0])
            else:
                made.append(opened(tl))
        else:
            m = Milestone(made[-1], 0, Code.DEPA, Classifier.EST, STOPS[0], tl.chain.now() + DAY)
            if tl.view(made[-1])["confirmedLegs"] & 1:
                tl.record("carrier1", m)
            else:
                made.append(opened(tl))
    return made
