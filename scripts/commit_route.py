"""Agree and fund a shipment on the best route (like `tradelane ship`, a dev shortcut that signs
as seller, carriers and buyer with the dev accounts).

brownie run scripts/commit_route.py main CNSHA NLRTM 1 --network development
"""

from __future__ import annotations

from datetime import UTC, datetime

import routing
from routing.encode import encode_route
from tradelane.chain import dev_accounts, from_brownie
from tradelane.client import DAY, Tradelane
from tradelane.model import Tranche

CARRIERS = ("carrier1", "carrier2", "carrier3")


def main(
    origin: str = "CNSHA",
    destination: str = "NLRTM",
    amount_eth: float = 1.0,
    buyer: str = "buyer",
    seller: str = "seller",
) -> int:
    chain = from_brownie()
    tl, _ = Tradelane.deploy(chain)  # attaches when already deployed
    depart = datetime.fromtimestamp(chain.now() + DAY, UTC)
    route = routing.propose(routing.load_network(), origin, destination, depart_after=depart)[0]
    names = list(dict.fromkeys(leg.carrier for leg in route.legs))
    carriers = {n: dev_accounts()[CARRIERS[i % 3]].address for i, n in enumerate(names)}
    encoded = encode_route(route, carriers)
    shipment_id = tl.open_agreed_shipment(
        buyer,
        seller=seller,
        encoded=encoded,
        amount=int(float(amount_eth) * 10**18),
        deadline=encoded.legs[-1][5] + 7 * DAY,
        arbiter="arbiter",
        tranches=[Tranche.parse("DEPA:0:2000")],
    )
    path = " → ".join(route.nodes)
    print(f"shipment {shipment_id}: {path} committed (0x{encoded.route_hash.hex()})")
    return shipment_id
