"""Helpers for the CLI tests (imported by name: a conftest is not importable from every folder)."""

from __future__ import annotations

from routing.encode import EncodedRoute, route_hash
from tradelane.chain import dev_accounts
from tradelane.client import DAY, Tradelane


def encoded_route(tl: Tradelane, stops=("CNSHA", "SGSIN", "NLRTM"), carriers=None) -> EncodedRoute:
    """A committed-route argument built by hand: one leg per hop, 5 days each, from now+1d."""
    dev = dev_accounts()
    carriers = carriers or ["carrier1", "carrier2", "carrier3"]
    start = tl.chain.now() + DAY
    legs = []
    for i, (a, b) in enumerate(zip(stops, stops[1:], strict=False)):
        dep = start + i * 6 * DAY
        carrier = dev[carriers[i % len(carriers)]].address
        legs.append((a.encode(), b.encode(), 0, carrier, dep, dep + 5 * DAY, 0))
    return EncodedRoute(legs=legs, route_hash=route_hash(legs), network_hash=bytes(32))
