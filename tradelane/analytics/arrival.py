"""Will it arrive in time? P(arrival at the final destination by the escrow deadline) for a
shipment under way, from the observed distributions of its remaining legs and hubs.

    >>> chance = arrival_chance(tl.status(7), store)       # doctest: +SKIP
    >>> chance["p_on_time"], chance["analytics_snapshot"]  # doctest: +SKIP

The remaining legs are those not yet arrived: a leg in transit continues from its
actual departure (only its transit is drawn), later legs as routing.ontime models them.
The estimate is for the arrival (ARRI) at the destination; the delivery (DROP) that the
contract times against the deadline follows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import routing
from routing.ontime import estimate

from ..model import ShipmentStatus, State
from .snapshot import Snapshot, latest_snapshot

__all__ = ["arrival_chance", "describe_chance"]


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _leg(view, names: Mapping[str, str]) -> routing.Leg:
    return routing.Leg(
        origin=view.origin,
        destination=view.destination,
        mode=view.mode,
        carrier=names.get(view.carrier, view.carrier),
        service="",
        departure=_dt(view.planned_departure),
        arrival=_dt(view.planned_arrival),
        distance_km=0.0,
        cost_usd=0.0,
        co2e_kg=0.0,
    )


def arrival_chance(
    status: ShipmentStatus,
    store=None,
    names: Mapping[str, str] | None = None,
    *,
    snapshot: Snapshot | None = None,
    samples: int = 4000,
) -> dict | None:
    """``OnTime.to_json()`` plus the deadline, or None when there is nothing to predict
    (no route, already arrived at the destination, or settled)."""
    if status.state not in (State.ROUTED,) or not status.legs:
        return None
    remaining = [leg for leg in status.legs if leg.actual_arrival is None]
    if not remaining:
        return None
    if names is None:
        from .report import carrier_names

        names = carrier_names()
    if snapshot is None:
        snapshot = latest_snapshot(store, names)
    first = remaining[0]
    done = [leg for leg in status.legs if leg.actual_arrival is not None]
    ready = _dt(done[-1].actual_arrival) if done else None
    departed = _dt(first.actual_departure) if first.actual_departure else None
    route = routing.Route(tuple(_leg(v, names) for v in remaining), network_hash="")
    est = estimate(
        route,
        _dt(status.deadline),
        snapshot.observations,
        ready=ready,
        departed=departed,
        samples=samples,
    )
    return {**est.to_json(), "deadline": _dt(status.deadline).isoformat().replace("+00:00", "Z")}


def describe_chance(chance: dict) -> str:
    """One line for people: the chance, the expected arrival and its p10–p90 band."""

    def day(text: str) -> str:
        return text[:16].replace("T", " ")

    line = (
        f"chance of arriving by the deadline {day(chance['deadline'])}: "
        f"{chance['p_on_time']:.0%} · expected {day(chance['expected_arrival'])} "
        f"(p10 {day(chance['arrival_p10'])} – p90 {day(chance['arrival_p90'])})"
    )
    if chance["fallback"]:
        line += f" · modelled schedule for {', '.join(chance['fallback'])} (too few observations)"
    return line
