"""Helpers for the routing tests: small hand-made networks and the checks every route passes.

Imported by the tests and by conftest.py (a module of its own, so that it is never confused
with another folder's conftest).
"""

from __future__ import annotations

from datetime import UTC, datetime

from routing.model import Port
from routing.network import Network

#: A Monday, so weekly departure offsets are easy to read.
MONDAY = datetime(2025, 3, 3, tzinfo=UTC)


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
