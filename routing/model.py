"""Records returned by the routing package: ports, legs, totals and routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

__all__ = ["MODES", "Leg", "Mode", "Port", "Route", "Totals"]

Mode = Literal["sea", "air", "rail", "road", "barge"]
#: Transport modes, in their on-chain code order (sea=0, air=1, rail=2, road=3, barge=4).
MODES: tuple[str, ...] = ("sea", "air", "rail", "road", "barge")


class Port(NamedTuple):
    """A network node: a seaport, airport or inland point, keyed by its UN/LOCODE."""

    locode: str
    name: str
    country: str
    lat: float
    lon: float
    kind: str = "port"


def _iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Leg:
    """One leg of a route: a single carrier service (or truck/train) between two nodes.

    ``departure`` and ``arrival`` are timezone-aware UTC datetimes (planned ETD/ETA).
    ``service`` is the carrier's service id; cargo stays on board through its ``via``
    calls (intermediate port calls of the same vessel), which are not transshipments.
    """

    origin: str
    destination: str
    mode: str
    carrier: str
    service: str
    departure: datetime
    arrival: datetime
    distance_km: float
    cost_usd: float
    co2e_kg: float
    passages: tuple[str, ...] = ()
    via: tuple[str, ...] = ()

    @property
    def transit_hours(self) -> float:
        """Hours from ETD to ETA."""
        return (self.arrival - self.departure).total_seconds() / 3600.0

    def to_json(self) -> dict[str, Any]:
        """The leg as in the issue's JSON shape."""
        return {
            "from": self.origin,
            "to": self.destination,
            "mode": self.mode,
            "carrier": self.carrier,
            "service": self.service,
            "departure": _iso(self.departure),
            "arrival": _iso(self.arrival),
            "distance_km": round(self.distance_km, 1),
            "cost_usd": round(self.cost_usd, 2),
            "co2e_kg": round(self.co2e_kg, 1),
            "passages": list(self.passages),
        }


@dataclass(frozen=True)
class Totals:
    """Route totals; ``transit_hours`` runs from the first ETD to the last ETA."""

    distance_km: float
    transit_hours: float
    cost_usd: float
    co2e_kg: float
    transshipments: int

    @classmethod
    def of(cls, legs: tuple[Leg, ...]) -> Totals:
        return cls(
            distance_km=round(sum(leg.distance_km for leg in legs), 1),
            transit_hours=round((legs[-1].arrival - legs[0].departure).total_seconds() / 3600, 1),
            cost_usd=round(sum(leg.cost_usd for leg in legs), 2),
            co2e_kg=round(sum(leg.co2e_kg for leg in legs), 1),
            transshipments=len(legs) - 1,
        )

    def to_json(self) -> dict[str, float | int]:
        return {
            "distance_km": self.distance_km,
            "transit_hours": self.transit_hours,
            "cost_usd": self.cost_usd,
            "co2e_kg": self.co2e_kg,
            "transshipments": self.transshipments,
        }


@dataclass(frozen=True)
class Route:
    """A proposed route.

    ``network_hash`` ("0x" + 64 hex) commits to the network data *and* the query
    parameters that produced the route, so a proposal can be reproduced and checked.
    ``score`` is the route's value under the query objective (lower is better).
    """

    legs: tuple[Leg, ...]
    network_hash: str
    objective: str = "cost"
    score: float = 0.0
    totals: Totals = field(init=False)

    def __post_init__(self) -> None:
        if not self.legs:
            raise ValueError("a route needs at least one leg")
        object.__setattr__(self, "totals", Totals.of(self.legs))

    @property
    def origin(self) -> str:
        return self.legs[0].origin

    @property
    def destination(self) -> str:
        return self.legs[-1].destination

    @property
    def nodes(self) -> tuple[str, ...]:
        """Origin, every transfer point, destination."""
        return (self.legs[0].origin, *(leg.destination for leg in self.legs))
