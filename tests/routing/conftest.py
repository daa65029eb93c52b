"""Shared fixtures for the routing tests: the reference network and small named graphs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import routing
from routing.model import Port
from routing.network import Network

#: A Monday, so weekly departure offsets are easy to read.
MONDAY = datetime(2025, 3, 3, tzinfo=UTC)


@pytest.fixture(scope="session")
def reference() -> Network:
    return routing.load_network()


def lane(frm, to, *, mode="sea", carrier="Acme", service=None, km=100.0, hours=10.0,
         cost=100.0, co2=10.0, passages=(), departures=(), cutoff=0.0, via=()):  # fmt: skip
    return {
        "from": frm,
        "to": to,
        "mode": mode,
        "carrier": carrier,
        "service": service or f"{carrier}:{frm}-{to}",
        "distance_km": km,
        "transit_hours": hours,
        "cost_usd": cost,
        "co2e_kg": co2,
        "passages": list(passages),
        "departures": list(departures),
        "cutoff_hours": cutoff,
        "via": list(via),
    }


def make_network(lanes, coords=None) -> Network:
    """A small network from lane dicts; nodes are placed on a line 1 degree apart."""
    codes = sorted({ln["from"] for ln in lanes} | {ln["to"] for ln in lanes})
    coords = coords or {}
    ports = {
        c: Port(c, f"Port {c}", c[:2], *coords.get(c, (0.0, float(i) * 0.001)))
        for i, c in enumerate(codes)
    }
    return Network(ports, lanes, "0x" + "ab" * 32)


@pytest.fixture
def diamond() -> Network:
    """XXAAA -> XXDDD three ways: cheap & slow via XXBBB, fast & dear via XXCCC, direct (air).

    cost:  via B = 200, via C = 400, direct = 1000
    time:  via B = 40 h, via C = 20 h, direct = 5 h
    co2:   via B = 20, via C = 60, direct = 500
    """
    return make_network(
        [
            lane("XXAAA", "XXBBB", cost=100, hours=20, co2=10, passages=["suez"]),
            lane("XXBBB", "XXDDD", cost=100, hours=20, co2=10),
            lane("XXAAA", "XXCCC", cost=200, hours=10, co2=30, carrier="Bolt"),
            lane("XXCCC", "XXDDD", cost=200, hours=10, co2=30, carrier="Bolt"),
            lane("XXAAA", "XXDDD", cost=1000, hours=5, co2=500, mode="air", carrier="Wing"),
        ]
    )


def validate_route(route, query_origin, query_destination):
    """Every route: starts/ends right, legs chain, times are ordered and timezone-aware."""
    assert route.legs[0].origin == query_origin
    assert route.legs[-1].destination == query_destination
    for a, b in zip(route.legs, route.legs[1:], strict=False):
        assert a.destination == b.origin
        assert a.arrival <= b.departure
    for leg in route.legs:
        assert leg.departure.tzinfo is not None and leg.departure <= leg.arrival
    assert len(set(route.nodes)) == len(route.nodes), "route revisits a node"


@pytest.fixture(name="make_network")
def _make_network_fixture():
    return make_network


@pytest.fixture(name="lane")
def _lane_fixture():
    return lane


@pytest.fixture(name="validate_route")
def _validate_route_fixture():
    return validate_route
