"""Port names and coordinates, sea paths and sea lanes for the route map: all from disk.

Ports come from the routing package's network (`routing.load_network()`); the sea paths
of the legs come from searoute's bundled marine network.
Nothing is fetched from the internet.
"""

from __future__ import annotations

from functools import cache

__all__ = ["PortBook", "port_book", "sea_path", "PASSAGE_POINTS"]

#: Where each chokepoint is drawn (lat, lon): searoute's passage tags.
PASSAGE_POINTS: dict[str, tuple[float, float]] = {
    "suez": (30.6, 32.34),
    "babalmandab": (12.6, 43.4),
    "panama": (9.1, -79.7),
    "malacca": (2.5, 101.3),
    "gibraltar": (35.95, -5.6),
    "ormuz": (26.55, 56.4),
    "bosporus": (41.1, 29.05),
    "south_africa": (-34.9, 19.5),
    "sunda": (-6.0, 105.8),
    "chili": (-55.9, -67.3),
    "northwest": (74.2, -95.0),
    "bering": (65.9, -169.0),
}


class PortBook:
    """UN/LOCODE -> (name, country, lat, lon) for every node of the routing network."""

    def __init__(self, ports: dict[str, tuple[str, str, float, float]]):
        self._ports = ports

    def name(self, locode: str) -> str | None:
        entry = self._ports.get(locode)
        return entry[0] if entry else None

    def coords(self, locode: str) -> tuple[float, float] | None:
        entry = self._ports.get(locode)
        return (entry[2], entry[3]) if entry else None

    def __contains__(self, locode: str) -> bool:
        return locode in self._ports


@cache
def port_book() -> PortBook:
    """The routing network's ports."""
    from routing import load_network

    return PortBook(
        {code: (p.name, p.country, p.lat, p.lon) for code, p in load_network().ports.items()}
    )


@cache
def sea_path(
    origin: tuple[float, float], destination: tuple[float, float]
) -> tuple[tuple[float, float], ...]:
    """The sea path between two (lat, lon) points as (lon, lat) pairs; straight if unknown."""
    straight = ((origin[1], origin[0]), (destination[1], destination[0]))
    try:
        import searoute

        feature = searoute.searoute([origin[1], origin[0]], [destination[1], destination[0]])
        coords = tuple((float(x), float(y)) for x, y in feature["geometry"]["coordinates"])
    except Exception:  # noqa: BLE001 - a map without the exact path is still a map
        return straight
    if len(coords) < 2:
        return straight
    return (straight[0], *coords, straight[1])
