"""Shipments in every state, made through the client on a dev chain (anvil).

`every_state(tl)` leaves one shipment per state (open, routed with a relayed milestone and a
released tranche, delivered, disputed, completed and withdrawn, refunded, resolved, amended,
with a receiver and items) and returns {label: shipment id}. `traffic(tl, n)` adds `n`
transactions of varied kinds (for reorg and crash tests).
"""

from __future__ import annotations

import itertools

from routing.encode import EncodedRoute, route_hash
from tradelane import attest
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
    return tl.open_shipment(
        "buyer",
        seller="seller",
        amount=amount + next(_ids),  # distinct amounts: no two openings alike
        destination=STOPS[-1],
        deadline=tl.chain.now() + 60 * DAY,
        arbiter="arbiter",
        token=ETH,
        tranches=[Tranche.parse("DEPA:0:2000"), Tranche.parse("ARRI:last:3000")],
        items_root=b"\x01" * 32 if items else bytes(32),
    )


def routed(tl: Tradelane, **kwargs) -> int:
    sid = opened(tl, **kwargs)
    tl.commit_route("seller", sid, route(tl))
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
    old = tl.view(sid)
    new = route(tl, stops=("SGSIN", "EGPSD", "NLRTM"), carriers=("carrier2", "carrier3"))
    legs = [tuple(leg) for leg in old["legs"][:1]] + new.legs
    whole = EncodedRoute(legs=new.legs, route_hash=route_hash(legs), network_hash=b"\x09" * 32)
    deadline = tl.chain.now() + DAY
    signed = {"deadline": deadline}
    for party in ("buyer", "seller"):
        signed[f"{party}_signature"] = attest.sign_amendment(
            tl.chain.account(party),
            tl.chain.chain_id,
            tl.address,
            sid,
            old["routeHash"],
            1,
            whole.route_hash,
            whole.network_hash,
            deadline,
        )
    tl.amend_route("seller", sid, 1, whole, signed)
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
            tl.commit_route("seller", made[-1], route(tl))
        elif kind == "depa":
            if tl.view(made[-1])["legs"] and not tl.view(made[-1])["legPhase"]:
                act(tl, made[-1], 0, Code.DEPA, STOPS[0])
            else:
                made.append(opened(tl))
        else:
            m = Milestone(made[-1], 0, Code.DEPA, Classifier.EST, STOPS[0], tl.chain.now() + DAY)
            if tl.view(made[-1])["legs"]:
                tl.record("carrier1", m)
            else:
                made.append(opened(tl))
    return made
