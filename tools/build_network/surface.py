"""Stage 3: road, rail and barge lanes - corridors and generic hinterland links.

Every road and rail lane's distance is a shortest path on the real network
(:class:`~.land.Land`); a pair with no path gets no lane. Barge lanes follow the
river corridors in ``catalogue.BARGE`` (fairway distances).
"""

from __future__ import annotations

from routing import assumptions as A

from .catalogue import (
    BARGE,
    CORRIDOR_SNAP_KM,
    CORRIDORS,
    INLAND,
    PORT_AIRPORT_ROAD_KM,
    RAIL_MAX_KM,
    RAIL_MIN_KM,
    ROAD_MAX_KM,
    SERVICES,
)
from .land import Land
from .lanes import both_ways

HAULIER = "Hinterland Haulage"
RAIL = "Continental Intermodal Rail"
PREFIX = {"Steppe Rail Bridge": "SRB", "Pacific Land Bridge Rail": "PLB"}
#: Rail tariff by trade region (``assumptions.RATE_USD_PER_KM`` keys).
RAIL_TARIFF = {"NEUR": "rail", "MED": "rail", "NAMW": "rail_na", "NAME": "rail_na"}


def surface_lanes(nodes: dict, airports: list[str], inland_ports: set, land: Land,
                  stats: dict, progress=None) -> list:  # fmt: skip
    """Every road, rail and barge lane: rail corridors first, then each inland node's and
    inland port's links, roads from airports to nearby ports, and the barge corridors."""
    links = _Links(nodes, land)
    mainline = sorted({c for s in SERVICES for c in s[4].split()})
    _corridors(links, stats)
    _hinterland(links, mainline, airports, inland_ports, progress)
    _airport_roads(links, mainline, airports)
    links.lanes.extend(_barges(stats))
    return links.lanes


class _Links:
    """The road and rail lanes found so far, and how one is found between two nodes."""

    def __init__(self, nodes: dict, land: Land) -> None:
        self.nodes, self.land = nodes, land
        self.lanes: list = []

    def gc(self, a: str, b: str) -> float:
        pa, pb = self.nodes[a], self.nodes[b]
        return A.great_circle_km(pa["lat"], pa["lon"], pb["lat"], pb["lon"])

    def road(self, a: str, b: str) -> None:
        if a == b or self.gc(a, b) < 1.0:
            return
        km = self.land.km("road", self.nodes[a], self.nodes[b])
        if km is None or km > ROAD_MAX_KM:
            return
        h = A.leg_hours("road", km)
        self.lanes.extend(both_ways(a, b, "road", HAULIER, "ROAD", km, h, h, 0))

    def rail(self, a: str, b: str, carrier=RAIL, rate_key=None, speed=None, per_week=7,
             lo=0.0, hi=float("inf"), snap_km=None) -> bool:  # fmt: skip
        km = self.land.km("rail", self.nodes[a], self.nodes[b], snap_km)
        if km is None or not lo <= km <= hi:
            return False
        h = A.leg_hours("rail", km, speed)
        prefix = PREFIX.get(carrier, "RAIL")
        if rate_key is None:  # the regional tariff of the lane's first end
            end = self.nodes[a]
            region = A.region_of(end["country"], end["lat"], end["lon"])
            rate_key = RAIL_TARIFF.get(region, "rail_other")
        self.lanes.extend(both_ways(a, b, "rail", carrier, prefix, km, h, h, per_week,
                                    rate_key=rate_key))  # fmt: skip
        return True


def _corridors(links: _Links, stats: dict) -> None:
    """Corridors first: their lanes (speed, frequency, tariff) win over generic ones."""
    # rail(b, a): the path search grows its tree from the port end, shared by many.
    for carrier, _mode, rate_key, speed, per_week, pairs in CORRIDORS:
        for a, b in pairs:
            if links.rail(b, a, carrier, rate_key or None, speed, per_week,
                          snap_km=CORRIDOR_SNAP_KM):  # fmt: skip
                stats["corridor_rail"] += 1
            else:
                stats["corridor_rail_refused"].append(f"{a}-{b}")


def _hinterland(links: _Links, mainline: list[str], airports: list[str], inland_ports: set,
                progress) -> None:  # fmt: skip
    """Each inland node, then each inland port: road to the three nearest mainline ports in
    reach, rail to two of the four nearest, and (not ports) road to two airports nearby."""
    gc = links.gc
    todo = [code for code, *_ in INLAND] + sorted(inland_ports)
    for i, code in enumerate(todo):
        by_dist = sorted(mainline, key=lambda p, c=code: (gc(c, p), p))
        for p in [p for p in by_dist if gc(code, p) <= ROAD_MAX_KM][:3]:
            links.road(code, p)
        n = 0
        for p in [p for p in by_dist if gc(code, p) * 0.8 <= RAIL_MAX_KM][:4]:
            if n < 2 and links.rail(code, p, lo=RAIL_MIN_KM, hi=RAIL_MAX_KM):
                n += 1
        if code not in inland_ports:
            near_air = sorted(airports, key=lambda p, c=code: (gc(c, p), p))
            for p in [p for p in near_air if gc(code, p) <= 800][:2]:
                links.road(code, p)
        if progress:
            progress(i + 1, len(todo))


def _airport_roads(links: _Links, mainline: list[str], airports: list[str]) -> None:
    """Road from each airport to every mainline port within PORT_AIRPORT_ROAD_KM."""
    for ap in airports:
        for p in mainline:
            if ap != p and links.gc(ap, p) <= PORT_AIRPORT_ROAD_KM:
                links.road(ap, p)


def _barges(stats: dict) -> list:
    """The river corridors' barge lanes (fairway distances), both ways."""
    lanes: list = []
    for a, b, km, up, down, per_week in BARGE:
        # Rivers flow towards the sea port (the first end): upstream there, down back.
        there, back = A.leg_hours("barge", km, up), A.leg_hours("barge", km, down)
        lanes.extend(both_ways(a, b, "barge", "Rhine & River Barge Lines", "BRG", km, there,
                               back, per_week))  # fmt: skip
        stats["barge"] += 2
    return lanes
