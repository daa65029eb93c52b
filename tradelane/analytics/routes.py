"""Routes ranked by the chance of arriving by the deadline (`--objective on-time`).

Candidates come from routing as usual (the cheapest few and the fastest, without the
deadline cut, since a route planned to be a little late may still be the likeliest to
make it); each is scored by ``routing.ontime`` against the analytics snapshot of the
index, whose hash every proposal carries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace

import routing
from routing.ontime import OnTime, rank_on_time
from routing.query import parse_time

from ..errors import InputError
from .snapshot import Snapshot, load_snapshot

__all__ = ["candidates", "naming", "on_time_routes"]

OBJECTIVE = "on-time"


def candidates(network: routing.Network, origin: str, destination: str, query: dict, k: int):
    """The cheapest few routes and the earliest arrival (deduplicated), no deadline cut."""
    base = {**query, "deadline": None, "pareto": False}
    seen: dict[tuple, routing.Route] = {}
    for objective, n in (("cost", max(k, 3)), ("time", 1)):
        for r in routing.propose(
            network, origin, destination, **{**base, "objective": objective, "alternatives": n}
        ):
            seen.setdefault(tuple((x.origin, x.carrier, x.service) for x in r.legs), r)
    return list(seen.values())


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
