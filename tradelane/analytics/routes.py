"""Routes ranked by the chance of arriving by the deadline (`--objective on-time`).

Candidates come from routing as usual (the cheapest few and the fastest, without the
deadline cut, since a route planned to be a little late may still be the likeliest to
make it); each is scored by ``routing.ontime`` against the analytics snapshot of the
index, whose hash every proposal carries.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

import routing
from routing.ontime import OnTime, rank_on_time
from routing.propose import schedule
from routing.query import parse_time

from ..errors import InputError
from .snapshot import Snapshot, load_snapshot

__all__ = ["candidates", "carrier_variants", "naming", "on_time_routes"]

OBJECTIVE = "on-time"


def carrier_variants(
    network: routing.Network, routes: list[routing.Route], start: datetime, limit: int = 24
) -> list[routing.Route]:
    """``routes`` plus, for each leg, the same corridor with another carrier's parallel
    service on that leg, rescheduled from ``start``.

    Routing's alternatives differ by corridor; whether the reliable carrier or the
    cheaper one on the same port pair is the better bet is exactly the question on-time
    ranking answers, so those variants are candidates too (cheapest first, ``limit``).
    """
    adj = network.graph._adj
    seen = {_ident(r): r for r in routes}
    extra = []
    for r in routes:
        edges = [(x.origin, x.destination, x.service) for x in r.legs]
        for i, (u, v, key) in enumerate(edges):
            for other in adj[u][v]:
                if other == key or adj[u][v][other]["carrier"] == r.legs[i].carrier:
                    continue
                alt = [*edges[:i], (u, v, other), *edges[i + 1 :]]
                legs = schedule(network, alt, start)
                variant = routing.Route(
                    legs, r.network_hash, r.objective, round(sum(x.cost_usd for x in legs), 4)
                )
                if _ident(variant) not in seen:
                    seen[_ident(variant)] = variant
                    extra.append(variant)
    extra.sort(key=lambda x: (x.totals.cost_usd, x.legs[-1].arrival))
    return [*routes, *extra[: max(0, limit - len(routes))]]


def _ident(route: routing.Route) -> tuple:
    return tuple((x.origin, x.destination, x.service) for x in route.legs)


def _start(query: Mapping) -> datetime:
    start = parse_time(query.get("depart_after"), "depart-after")
    return start or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def candidates(network: routing.Network, origin: str, destination: str, query: dict, k: int):
    """The cheapest few itineraries, the earliest arrival and, when the cheapest is planned
    to arrive after the query's deadline, the cheapest planned to arrive by it — each with
    its other carriers' variants (:func:`carrier_variants`). Nothing is cut at the deadline:
    a route planned a little late may still be the likeliest to make it."""
    base = {**query, "deadline": None, "pareto": False}
    seen: dict[tuple, routing.Route] = {}

    def add(**ask) -> None:
        for r in routing.propose(network, origin, destination, **{**base, **ask}):
            seen.setdefault(_ident(r), r)

    # The exact k cheapest itineraries (Yen), not routing's corridor-diverse alternatives:
    # they may differ only in carrier, which is what a ranking by reliability weighs, and
    # cost half as much to find (docs/ANALYTICS.md, "On-time routing").
    add(objective="cost", alternatives=max(k, 3), distinct=False)
    cheapest = next(iter(seen.values()))
    add(objective="time", alternatives=1, distinct=True)
    deadline = parse_time(query.get("deadline"), "deadline")
    if deadline is not None and cheapest.legs[-1].arrival > deadline:
        # Between the cheapest (late) and the fastest (dear) there is usually a route that
        # plans to make it — China–Europe rail for a 19-day deadline, where the fastest
        # is air at eight times the price. When the cheapest is on time, it is that route.
        with contextlib.suppress(routing.NoRoute):  # nothing plans to: rank the likeliest
            add(objective="cost", alternatives=1, deadline=query["deadline"])
    return carrier_variants(network, list(seen.values()), _start(query))


def on_time_routes(
    network: routing.Network,
    origin: str,
    destination: str,
    query: Mapping,
    store,
    names: Mapping[str, str],
) -> tuple[list[tuple[routing.Route, OnTime]], Snapshot]:
    """The ``query``'s alternatives ranked by P(on time), and the snapshot they were scored on.

    ``query`` holds ``routing.propose`` keywords (as `tradelane route` builds them) and
    must have a ``deadline``; ``store`` is an open index; ``names`` maps carrier
    addresses to the carrier names the network uses.
    """
    deadline = parse_time(query.get("deadline"), "deadline")
    if deadline is None:
        raise InputError("--objective on-time needs --deadline DATE (ISO 8601, UTC)")
    if query.get("pareto"):
        raise InputError("--objective on-time ranks alternatives; it contradicts --pareto")
    try:
        k = int(query.get("alternatives") or 1)
    except ValueError:
        raise InputError(
            f"alternatives {query.get('alternatives')!r} is not a whole number"
        ) from None
    found = candidates(network, origin, destination, dict(query), k)
    snapshot = load_snapshot(store, names)
    ranked = rank_on_time(found, deadline, snapshot.observations, network=network)
    return [(naming(r, snapshot.hash), e) for r, e in ranked[:k]], snapshot


def naming(route: routing.Route, snapshot_hash: str) -> routing.Route:
    """The route with a ``network_hash`` that also commits to the analytics snapshot:
    sha256(network hash ‖ snapshot hash), both 32 bytes — so the commitment on chain
    names the data the ranking used, as it names the network and the query."""
    both = bytes.fromhex(route.network_hash[2:]) + bytes.fromhex(snapshot_hash[2:])
    return replace(route, network_hash="0x" + hashlib.sha256(both).hexdigest())
