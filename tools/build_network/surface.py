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
    lanes: list = []
    mainline = sorted({c for s in SERVICES for c in s[4].split()})

    def gc(a: str, b: str) -> float:
        pa, pb = nodes[a], nodes[b]
        return A.great_circle_km(pa["lat"], pa["lon"], pb["lat"], pb["lon"])

    def road(a: str, b: str) -> None:
        if a == b or gc(a, b) < 1.0:
            return
        km = land.km("road", nodes[a], nodes[b])
        if km is None or km > ROAD_MAX_KM:
            return
        h = A.leg_hours("road", km)
        lanes.extend(both_ways(a, b, "road", HAULIER, "ROAD", km, h, h, 0))

    def rail(a: str, b: str, carrier=RAIL, rate_key=None, speed=None, per_week=7,
             lo=0.0, hi=float("inf"), snap_km=None) -> bool:  # fmt: skip
        km = land.km("rail", nodes[a], nodes[b], snap_km)
        if km is None or not lo <= km <= hi:
            return False
        h = A.leg_hours("rail", km, speed)
        prefix = PREFIX.get(carrier, "RAIL")
        if rate_key is None:  # the regional tariff of the lane's first end
            region = A.region_of(nodes[a]["country"], nodes[a]["lat"], nodes[a]["lon"])
            rate_key = RAIL_TARIFF.get(region, "rail_other")
        lanes.extend(both_ways(a, b, "rail", carrier, prefix, km, h, h, per_week,
                               rate_key=rate_key))  # fmt: skip
        return True

    # Corridors first: their lanes (speed, frequency, tariff) win over generic ones.
    # rail(b, a): the path search grows its tree from the port end, shared by many.
    for carrier, _mode, rate_key, speed, per_week, pairs in CORRIDORS:
        for a, b in pairs:
            if rail(b, a, carrier, rate_key or None, speed, per_week, snap_km=CORRIDOR_SNAP_KM):
                stats["corridor_rail"] += 1
            else:
                stats["corridor_rail_refused"].append(f"{a}-{b}")
    todo = [code for code, *_ in INLAND] + sorted(inland_ports)
    for i, code in enumerate(todo):
        by_dist = sorted(mainline, key=lambda p, c=code: (gc(c, p), p))
        for p in [p for p in by_dist if gc(code, p) <= ROAD_MAX_KM][:3]:
            road(code, p)
        n = 0
        for p in [p for p in by_dist if gc(code, p) * 0.8 <= RAIL_MAX_KM][:4]:
            if n < 2 and rail(code, p, lo=RAIL_MIN_KM, hi=RAIL_MAX_KM):
                n += 1
        if code not in inland_ports:
            near_air = sorted(airports, key=lambda p, c=code: (gc(c, p), p))
            for p in [p for p in near_air if gc(code, p) <= 800][:2]:
                road(code, p)
        if progress:
            progress(i + 1, len(todo))
    for ap in airports:
        for p in mainline:
            if ap != p and gc(ap, p) <= PORT_AIRPORT_ROAD_KM:
                road(ap, p)
    for a, b, km, up, down, per_week in BARGE:
        # Rivers flow towards the sea port (the first end): upstream there, down back.
        there, back = A.leg_hours("barge", km, up), A.leg_hours("barge", km, down)
        lanes.extend(both_ways(a, b, "barge", "Rhine & River Barge Lines", "BRG", km, there,
                               back, per_week))  # fmt: skip
        stats["barge"] += 2
    return lanes
