"""Weekly schedules: next departures, leg times, earliest-arrival search, ETD/ETA per leg."""

from __future__ import annotations

import bisect
import heapq
import itertools
from datetime import UTC, datetime

from .assumptions import IMPORT_RELEASE_HOURS, MIN_CONNECTION_HOURS, connection_hours
from .edges import EdgeRef, edge_filter, trace_back
from .landmarks import Landmarks
from .model import Leg
from .network import WEEK_HOURS, Network
from .query import Query

#: Monday 1970-01-05 00:00 UTC, in hours after the unix epoch: weekly schedules anchor here.
WEEK_ANCHOR_HOURS = 96.0


def next_departure(ready: float, deps: tuple[float, ...]) -> float:
    """The first weekly departure at or after ``ready`` (hours since the unix epoch).

    ``deps`` are hours after Monday 00:00 UTC; an empty tuple means on demand.
    """
    if not deps:
        return ready
    week_pos = (ready - WEEK_ANCHOR_HOURS) % WEEK_HOURS
    base = ready - week_pos
    for dep in deps:
        if dep >= week_pos - 1e-9:
            return base + dep
    return base + WEEK_HOURS + deps[0]


def leg_times(data: dict, arrived: float, prev_mode: str | None) -> tuple[float, float]:
    """(ETD, ETA) of a lane for cargo at its origin at ``arrived`` (hours since epoch).

    ``prev_mode`` is the mode the cargo arrived by (None at the origin): the transfer
    dwell and, from a ship or aircraft onto land or inland water, the import release
    (:func:`routing.assumptions.connection_hours`) come first.
    """
    ready = arrived + connection_hours(prev_mode, data["mode"])
    dep = next_departure(ready + data["cutoff"], data["deps"])
    return dep, dep + data["h"]


def earliest_arrival(net: Network, q: Query, start: float) -> list[EdgeRef] | None:
    """The itinerary with the earliest arrival for cargo ready at ``start`` (epoch hours).

    Time-dependent Dijkstra over the multigraph: each lane departs at its next weekly
    departure after the cargo is ready and the cut-off is met; a transfer adds the
    dwell (and the import release after a ship or aircraft, so a label is a node and
    whether that release is pending). Departure functions are FIFO, so this is exact.
    With ``max_transshipments`` the labels also count legs.

    Goal-directed (time-dependent A*): a label is keyed by its arrival plus a lower bound
    on the hours still to go (:func:`time_bound`); the bound is consistent, so the first
    label popped at the destination is still the earliest arrival.
    """
    o, d = q.origin, q.destination
    max_legs = q.max_legs
    relax = _relaxer(net, q)
    bounds = TimeBounds(net, q)
    counter = itertools.count()
    heap = [(start + bounds[o], start, 0, next(counter), o, None, -1, None)]
    best_legs: dict[tuple, int] = {}
    labels: list[tuple[int, EdgeRef | None]] = []
    cap = (max_legs + 1) if max_legs is not None else 1
    while heap:
        _, t, legs, _, n, prev, parent, edge = heapq.heappop(heap)
        state = legs if max_legs is not None else 0
        key = (n, prev if prev in IMPORT_RELEASE_HOURS else None)
        if state >= best_legs.get(key, cap):
            continue
        best_legs[key] = state
        labels.append((parent, edge))
        me = len(labels) - 1
        if n == d:
            return trace_back(labels, me)
        if max_legs is not None and legs >= max_legs:
            continue
        nxt_state = legs + 1 if max_legs is not None else 0
        for v, arr, k, mode in relax(n, t, prev, best_legs, nxt_state, cap):
            f = arr + bounds[v]
            heapq.heappush(heap, (f, arr, legs + 1, next(counter), v, mode, me, (n, v, k)))
    return None


def _lanes_out(net: Network) -> dict[str, tuple]:
    """Each node's lanes, grouped by next node, as flat tuples the search reads without
    dict lookups: ``(v, ((key, data, mode, release class, cut-off, hours, deps), ...))``;
    the release class is the mode when it owes an import release (ship, aircraft)."""

    def build() -> dict[str, tuple]:
        return {
            n: tuple(
                (
                    v,
                    tuple(
                        (k, x, x["mode"], _release(x["mode"]), x["cutoff"], x["h"], x["deps"])
                        for k, x in keydict.items()
                    ),
                )
                for v, keydict in nbrs.items()
            )
            for n, nbrs in net.graph._adj.items()
        }

    return net.derived("lanes out", build)


def _release(mode: str) -> str | None:
    return mode if mode in IMPORT_RELEASE_HOURS else None


def _relaxer(net: Network, q: Query):
    """``relax(n, t, prev, best_legs, state, cap)``: for cargo at ``n`` at ``t`` having
    arrived by ``prev``, the earliest arrival over the allowed lanes to each next node and
    release class whose label is still open (``state`` below its settled leg count, else
    ``cap``), as ``(v, arrival, key, mode)``.

    :func:`leg_times` and :func:`next_departure` inlined (bisect on the sorted weekly
    departures): this loop is the search's hot path, run for every lane it looks at.
    """
    out = _lanes_out(net)
    allowed = edge_filter(net, q)
    modes = MIN_CONNECTION_HOURS  # every mode a lane may have (routing.io checks)
    conn = {p: {m: connection_hours(p, m) for m in modes} for p in (None, *modes)}
    anchor, week, bisect_left = WEEK_ANCHOR_HOURS, WEEK_HOURS, bisect.bisect_left

    def relax(n: str, t: float, prev: str | None, best_legs: dict, state: int, cap: int):
        found = []
        hours = conn[prev]
        for v, lanes in out[n]:
            best: dict[str | None, tuple] = {}
            for k, data, mode, release, cutoff, h, deps in lanes:
                if allowed is not None and not allowed(n, v, k, data):
                    continue
                if state >= best_legs.get((v, release), cap):
                    continue
                ready = t + hours[mode] + cutoff
                if deps:  # the same arithmetic as next_departure, so equal to the bit
                    pos = (ready - anchor) % week
                    base = ready - pos
                    i = bisect_left(deps, pos - 1e-9)
                    ready = base + deps[i] if i < len(deps) else base + week + deps[0]
                arr = ready + h
                b = best.get(release)
                if b is None or arr < b[1]:
                    best[release] = (v, arr, k, mode)
            found += best.values()
        return found

    return relax


def _least_hours(data: dict) -> float:
    """A lane's least door-to-door hours for cargo already at its origin: the cut-off and
    the time in motion (waiting for the departure and the transfer dwell only add)."""
    return data["cutoff"] + data["h"]


def time_bound(net: Network) -> Landmarks:
    """ALT lower bounds on the hours between two nodes (:mod:`routing.landmarks`), over
    each lane's :func:`_least_hours`: no itinerary, filtered or not, is faster."""
    key = ("earliest-arrival bound",)
    return net.landmarks("least-hours", lambda: net.projection(key, None, _least_hours)[0])


class TimeBounds(dict):
    """Lower bounds on the hours from each node to ``q``'s destination (:func:`time_bound`),
    each computed on first use and kept for the search: the earliest-arrival and deadline
    searches ask for a node's bound once per lane that reaches it."""

    def __init__(self, net: Network, q: Query):
        super().__init__()
        self._bound = time_bound(net).to_target(q.destination, q.origin)

    def __missing__(self, node: str) -> float:
        hours = self[node] = self._bound(node)
        return hours


def to_datetime(hours: float) -> datetime:
    """Epoch hours -> UTC datetime, rounded to the minute."""
    return datetime.fromtimestamp(round(hours * 60) * 60, UTC)


def to_hours(dt: datetime) -> float:
    """UTC datetime -> hours since the unix epoch."""
    return dt.timestamp() / 3600.0


def schedule(network: Network, edges: list[EdgeRef], start: datetime) -> tuple[Leg, ...]:
    """Give each lane of a route its ETD/ETA for cargo ready at ``start``.

    Each leg leaves at its service's next weekly departure once the cargo is at the
    departure point and the cut-off is met; at a transfer the minimum connection
    (dwell) time is added first. On-demand legs (trucks) leave as soon as ready.
    """
    adj = network.graph._adj
    t = to_hours(start)
    legs = []
    prev = None
    for u, v, key in edges:
        d = adj[u][v][key]
        dep, arr = leg_times(d, t, prev)
        prev = d["mode"]
        legs.append(
            Leg(
                origin=u,
                destination=v,
                mode=d["mode"],
                carrier=d["carrier"],
                service=d["service"],
                departure=to_datetime(dep),
                arrival=to_datetime(arr),
                distance_km=d["km"],
                cost_usd=d["cost"],
                co2e_kg=d["co2"],
                passages=d["passages"],
                via=d["via"],
            )
        )
        t = arr
    return tuple(legs)
