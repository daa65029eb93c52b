"""The chance that a route arrives by a deadline, from observed leg and hub distributions.

Pure routing-side: the observations come in as plain data (:class:`Observations`) — who
measured them (``tradelane.analytics`` reads them from the chain's index) is not routing's
business. The model (docs/ANALYTICS.md, "On-time routing"):

* legs are independent; each leg's service departs at its planned time plus a sampled
  departure delay, and takes a sampled transit time (actual departure → actual arrival);
* at a transfer the cargo is ready after a sampled hub handling time (arrival → discharge,
  never less than the routing model's connection time, ``connection_hours``: the dwell,
  plus the import release from a ship or aircraft onto land); if it is not ready by the
  service's cut-off, it waits for that service's next scheduled departure (the missed
  connection costs a whole headway, e.g. a week on a weekly service);
* a lane (or hub) with fewer than ``min_observations`` samples falls back to the modelled
  schedule: planned transit, no departure delay, the connection time — and the
  estimate says so in ``fallback``.

Monte Carlo over ``samples`` draws (numpy), seeded per lane and hub, so an estimate is
reproducible from the observations' snapshot hash, the route and the deadline. Routes that
share a lane or a hub see the same draws for it (common random numbers): the ranking then
compares the routes' differences, not sampling noise, and each lane is sampled once per
ranking however many candidates use it.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from .assumptions import CUTOFF_HOURS, connection_hours
from .model import Route
from .network import WEEK_HOURS, Network
from .search import WEEK_ANCHOR_HOURS

__all__ = ["LaneKey", "Observations", "OnTime", "estimate", "rank_on_time"]

#: (origin, destination, mode, carrier name): the finest grain the chain records for a leg.
LaneKey = tuple[str, str, str, str]

#: Estimates are compared at whole percentage points; ties go to the cheaper route.
P_RESOLUTION = 0.01


@dataclass(frozen=True)
class Observations:
    """Observed distributions, as plain data (hours).

    ``transit``: lane → actual transit samples (DEPA → ARRI). ``departure_delay``: lane →
    actual minus planned departure. ``hub_handling``: UN/LOCODE → arrival → discharge at a
    transfer. ``snapshot``: the hash naming the analytics snapshot these came from.
    """

    transit: Mapping[LaneKey, Sequence[float]] = field(default_factory=dict)
    departure_delay: Mapping[LaneKey, Sequence[float]] = field(default_factory=dict)
    hub_handling: Mapping[str, Sequence[float]] = field(default_factory=dict)
    min_observations: int = 30
    snapshot: str = ""
    #: Derived arrays and draws, memoised: a snapshot is immutable data, and the web
    #: server and the offer flow score many routes against the same one.
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def lane(self, key: LaneKey) -> tuple[np.ndarray, np.ndarray] | None:
        """(transit, departure delay) samples of a lane, or None when too few."""
        hit = self._memo.get(("lane", key), False)
        if hit is False:
            transit = self.transit.get(key, ())
            delay = self.departure_delay.get(key, ())
            hit = self._memo[("lane", key)] = (
                (np.asarray(transit, float), np.asarray(delay if len(delay) else (0.0,), float))
                if len(transit) >= self.min_observations
                else None
            )
        return hit

    def hub(self, locode: str) -> np.ndarray | None:
        hit = self._memo.get(("hub", locode), False)
        if hit is False:
            samples = self.hub_handling.get(locode, ())
            hit = self._memo[("hub", locode)] = (
                np.asarray(samples, float) if len(samples) >= self.min_observations else None
            )
        return hit

    def draws(self, samples: int, seed: int) -> _Draws:
        """The shared draws for ``samples`` and ``seed`` (:class:`_Draws`), made once."""
        hit = self._memo.get(("draws", samples, seed))
        if hit is None:
            hit = self._memo[("draws", samples, seed)] = _Draws(samples, seed)
        return hit


@dataclass(frozen=True)
class OnTime:
    """P(arrival ≤ deadline) and the arrival band of one route (times are UTC datetimes)."""

    probability: float
    expected_arrival: datetime
    p10: datetime
    p50: datetime
    p90: datetime
    samples: int
    fallback: tuple[str, ...] = ()  # lanes / hubs that used the modelled schedule
    snapshot: str = ""

    def to_json(self) -> dict:
        iso = _iso
        return {
            "p_on_time": round(self.probability, 4),
            "expected_arrival": iso(self.expected_arrival),
            "arrival_p10": iso(self.p10),
            "arrival_p50": iso(self.p50),
            "arrival_p90": iso(self.p90),
            "samples": self.samples,
            "fallback": list(self.fallback),
            "analytics_snapshot": self.snapshot,
        }


def _iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


def _dt(hours: float) -> datetime:
    from datetime import UTC

    return datetime.fromtimestamp(round(float(hours) * 3600), UTC)


def _next_departures(ready: np.ndarray, deps: tuple[float, ...]) -> np.ndarray:
    """Vectorised ``routing.search.next_departure``: the first weekly slot at or after ready."""
    if not deps:
        return ready
    week_pos = (ready - WEEK_ANCHOR_HOURS) % WEEK_HOURS
    base = ready - week_pos
    slots = np.asarray((*deps, deps[0] + WEEK_HOURS), float)
    idx = np.searchsorted(slots, week_pos - 1e-9, side="left")
    return base + slots[idx]


def _slots(ready: np.ndarray, planned: float, deps: tuple[float, ...]) -> np.ndarray:
    """The planned sailing for cargo ready (cut-off included) by then, else the service's
    next departure. Only the late draws need the weekly timetable, when the planned
    sailing is one of its departures (the usual case): the rest simply sail as planned."""
    if _next_departures(np.asarray([planned]), deps)[0] != planned:
        return np.maximum(planned, _next_departures(ready, deps))
    slot = np.full(ready.shape, planned)
    late = ready > planned
    if late.any():
        slot[late] = _next_departures(ready[late], deps)
    return slot


def _schedule_of(network: Network | None, leg) -> tuple[tuple[float, ...], float]:
    """(weekly departure hours, cut-off hours) of a leg's service; the leg's own planned
    hour, weekly, when the network does not know the service."""
    if network is not None:
        data = network.graph._adj.get(leg.origin, {}).get(leg.destination, {}).get(leg.service)
        if data is not None:
            return data["deps"], data["cutoff"]
    hour = (leg.departure.timestamp() / 3600.0 - WEEK_ANCHOR_HOURS) % WEEK_HOURS
    return (hour,), CUTOFF_HOURS.get(leg.mode, 0.0)


class _Draws:
    """Samples drawn with replacement, once per (what, key): each from its own generator
    seeded by (seed, a stable digest of the key), so a lane's draws do not depend on which
    route asks first."""

    def __init__(self, samples: int, seed: int):
        self.samples, self.seed = samples, seed
        self._drawn: dict[tuple, np.ndarray] = {}

    def __call__(self, what: str, key, values: np.ndarray) -> np.ndarray:
        hit = self._drawn.get((what, key))
        if hit is None:
            tag = zlib.crc32(repr((what, key)).encode())
            rng = np.random.default_rng((self.seed, tag))
            hit = self._drawn[(what, key)] = rng.choice(values, self.samples)
            hit.flags.writeable = False  # shared by every route and ranking that asks
        return hit


def estimate(
    route: Route,
    deadline: datetime,
    observations: Observations,
    *,
    network: Network | None = None,
    ready: datetime | None = None,
    departed: datetime | None = None,
    samples: int = 4000,
    seed: int = 0,
) -> OnTime:
    """P(the route's cargo arrives by ``deadline``) and its arrival distribution.

    ``ready`` is when the cargo is at the origin (default: just in time for the first
    leg's cut-off). ``departed``: the first leg has already left then (a shipment under
    way): no departure delay is drawn for it, only its transit. ``network`` supplies each
    service's weekly departures for missed connections (without it a leg's own planned
    hour repeats weekly).
    """
    draw = observations.draws(samples, seed)
    t, fallback = _arrivals(route, observations, draw, network, ready, departed)
    return _summaries([t], [fallback], deadline, observations.snapshot)[0]


def _arrivals(route: Route, observations: Observations, draw: _Draws, network, ready, departed):
    """The sampled arrival hours of ``route`` and the lanes/hubs that fell back to the
    modelled schedule (see :func:`estimate`)."""
    samples = draw.samples
    first = route.legs[0]
    if ready is None:  # just in time for the first leg's cut-off
        start = first.departure.timestamp() / 3600.0 - _schedule_of(network, first)[1]
    else:
        start = ready.timestamp() / 3600.0
    t = np.full(samples, start)
    fallback: list[str] = []
    prev_mode = None
    for i, leg in enumerate(route.legs):
        deps, cutoff = _schedule_of(network, leg)
        planned_dep = leg.departure.timestamp() / 3600.0
        # the routing model's connection (dwell, and the import release from a ship or
        # aircraft onto land) is the least time a transfer takes
        floor = connection_hours(prev_mode, leg.mode) if i else 0.0
        prev_mode = leg.mode
        if i == 0:
            ready_h = t
        elif (hub := observations.hub(leg.origin)) is None:
            fallback.append(f"hub {leg.origin}")
            ready_h = t + floor
        else:
            ready_h = t + np.maximum(draw("hub", leg.origin, hub), floor)
        key = (leg.origin, leg.destination, leg.mode, leg.carrier)
        observed = observations.lane(key)
        slot = _slots(ready_h + cutoff, planned_dep, deps)
        if i == 0 and departed is not None:
            slot = np.full(samples, departed.timestamp() / 3600.0)
        if observed is None:
            fallback.append(f"{leg.origin}-{leg.destination} {leg.carrier}")
            t = slot + leg.transit_hours
        else:
            transit, delay = observed
            t = slot + draw("transit", key, transit)
            if not (i == 0 and departed is not None):  # a departed leg has no delay left
                t = t + draw("delay", key, delay)
    return t, fallback


def _summaries(arrivals, fallbacks, deadline: datetime, snapshot: str) -> list[OnTime]:
    """One :class:`OnTime` per row of sampled arrivals, computed for all rows at once."""
    t = np.vstack(arrivals)
    samples = t.shape[1]
    due = deadline.timestamp() / 3600.0
    on_time = np.count_nonzero(t <= due, axis=1)
    means = t.mean(axis=1)
    bands = np.percentile(t, [10, 50, 90], axis=1)
    return [
        OnTime(
            probability=float(on_time[i]) / samples,
            expected_arrival=_dt(means[i]),
            p10=_dt(bands[0, i]),
            p50=_dt(bands[1, i]),
            p90=_dt(bands[2, i]),
            samples=samples,
            fallback=tuple(dict.fromkeys(fallbacks[i])),
            snapshot=snapshot,
        )
        for i in range(len(t))
    ]


def rank_on_time(
    routes: Sequence[Route],
    deadline: datetime,
    observations: Observations,
    *,
    network: Network | None = None,
    ready: datetime | None = None,
    samples: int = 4000,
    seed: int = 0,
) -> list[tuple[Route, OnTime]]:
    """Routes with their estimates, most likely on time first.

    P is compared at whole percentage points (:data:`P_RESOLUTION`); among equally
    likely routes the cheaper one, then the earlier expected arrival, comes first — so a
    loose deadline that every candidate meets keeps the cheapest route on top.
    """
    if not routes:
        return []
    draw = observations.draws(samples, seed)
    sampled = [_arrivals(r, observations, draw, network, ready, None) for r in routes]
    estimates = _summaries(
        [t for t, _ in sampled], [f for _, f in sampled], deadline, observations.snapshot
    )
    scored = list(zip(routes, estimates, strict=True))
    scored.sort(
        key=lambda rs: (
            -round(rs[1].probability / P_RESOLUTION),
            rs[0].totals.cost_usd,
            rs[1].expected_arrival,
            rs[0].nodes,
        )
    )
    return scored
