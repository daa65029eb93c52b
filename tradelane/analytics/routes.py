"""Routes ranked by the chance of arriving by the deadline (`--objective on-time`).

Candidates come from routing as usual (the cheapest and the fastest few, without the
deadline cut, since a route planned to be a little late may still be the likeliest to
make it); each is scored by ``routing.ontime`` against the analytics snapshot of the
index, whose hash every proposal carries.
"""

from __future__ import annotations

from collections.abc import Mapping

import routing
from routing.ontime import OnTime, rank_on_time
from routing.query import parse_time

from ..errors import InputError
from .snapshot import Snapshot, load_snapshot

__all__ = ["on_time_routes"]

OBJECTIVE = "on-time"


def _candidates(network: routing.Network, origin: str, destination: str, query: dict, k: int):
    base = {**query, "deadline": None, "pareto": False}
    seen: dict[tuple, routing.Route] = {}
    for objective, n in (("cost", max(k, 5)), ("time", max(k, 3))):
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
    candidates = _candidates(network, origin, destination, dict(query), k)
    snapshot = load_snapshot(store, names)
    ranked = rank_on_time(candidates, deadline, snapshot.observations, network=network)
    return ranked[:k], snapshot
