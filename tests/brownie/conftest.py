"""Brownie suite: roles, the deployed contract and a shipment factory, on anvil.

Run with `make test-brownie` (tools/brownie_test.py points brownie's development network
at the pinned anvil on a free port). Every test runs in isolation (snapshot/revert).
"""

from __future__ import annotations

import pytest

from routing.encode import EncodedRoute, route_hash

DAY = 86_400
ETH = "0x0000000000000000000000000000000000000000"


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    pass


@pytest.fixture(scope="session", autouse=True)
def tradelane_home(tmp_path_factory):
    """Keep the scripts' deployments file out of the working tree."""
    import os

    previous = os.environ.get("TRADELANE_HOME")
    os.environ["TRADELANE_HOME"] = str(tmp_path_factory.mktemp("tradelane-home"))
    yield
    if previous is None:
        os.environ.pop("TRADELANE_HOME", None)
    else:
        os.environ["TRADELANE_HOME"] = previous


# anvil's dev accounts, in tradelane.chain.DEV_NAMES order
@pytest.fixture(scope="module")
def deployer(accounts):
    return accounts[0]


@pytest.fixture(scope="module")
def buyer(accounts):
    return accounts[1]


@pytest.fixture(scope="module")
def seller(accounts):
    return accounts[2]


@pytest.fixture(scope="module")
def carriers(accounts):
    return accounts[3:6]


@pytest.fixture(scope="module")
def arbiter(accounts):
    return accounts[6]


@pytest.fixture(scope="module")
def relayer(accounts):
    return accounts[8]


@pytest.fixture(scope="module")
def shipments(Shipments, interface, deployer):
    """The deployed contract through its complete interface (core + the desk behind it)."""
    deployed = Shipments.deploy(3 * DAY, 14 * DAY, {"from": deployer})
    return interface.IShipments(deployed.address)


def make_route(carriers, start, stops=("CNSHA", "SGSIN", "NLRTM")) -> EncodedRoute:
    legs = []
    for i, (a, b) in enumerate(zip(stops, stops[1:], strict=False)):
        dep = start + DAY + i * 6 * DAY
        legs.append((a.encode(), b.encode(), 0, carriers[i].address, dep, dep + 5 * DAY, 0))
    return EncodedRoute(legs=legs, route_hash=route_hash(legs), network_hash=bytes(32))


@pytest.fixture
def create_shipment(shipments, buyer, seller, arbiter, carriers, chain):
    """Factory: the seller signs an offer, the carriers their bookings (unless `booked=False`),
    the buyer accepts and funds it (tradelane.agreement's typed data, brownie's transaction)."""
    from tradelane import agreement
    from tradelane.chain import dev_accounts
    from tradelane.model import Code, Tranche

    keys = {a.address: a for a in dev_accounts().values()}

    def create(amount=10**18, tranches=((2, 0, 2_000),), booked=True):
        route = make_route(carriers, chain.time())
        terms = agreement.offer_terms(
            seller=seller.address,
            legs=route.legs,
            amount=amount,
            destination="NLRTM",
            deadline=chain.time() + 40 * DAY,
            grace_period=shipments.GRACE_PERIOD(),
            arbiter=arbiter.address,
            expiry=chain.time() + DAY,
            nonce=shipments.shipmentCount() + 1,
            tranches=[Tranche(Code(c), leg, bps) for c, leg, bps in tranches],
        )
        offer = agreement.sign_offer(keys[seller.address], chain.id, shipments.address, terms)
        digest = bytes.fromhex(offer["digest"][2:])
        bookings = [
            agreement.sign_booking(keys[leg[3]], chain.id, shipments.address, digest, i)
            for i, leg in enumerate(route.legs)
        ]
        args, sig = agreement.offer_call_args(offer)
        rides = agreement.booking_tuples(bookings if booked else [], offer["digest"])
        tx = shipments.acceptOffer(args, sig, rides, {"from": buyer, "value": amount})
        return tx.events["ShipmentOpened"]["shipmentId"], route

    return create
