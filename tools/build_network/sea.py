"""Stage 2: sea lanes - mainline rotations (searoute) and distance-capped feeders (marnet)."""

from __future__ import annotations

import networkx as nx
import searoute

from routing import assumptions as A
from routing.passages import PASSAGE_BITS

from .catalogue import _EUROPE, FEEDER_MAX_KM, HUBS, REMOTE_FEEDER_MAX_KM, SERVICES
from .lanes import WEEK, lane, stable_hour


class Sea:
    """Sea distances and passages over searoute's marnet, computed the way searoute does."""

    def __init__(self) -> None:
        self.M, _ = searoute.get_graphs()
        self.valid = set(PASSAGE_BITS)

    def route(self, a: dict, b: dict, restrict: tuple[str, ...] = ()) -> tuple[float, list[str]]:
        """searoute's own answer for one port pair: (km, passages)."""
        feat = searoute.searoute(
            [a["lon"], a["lat"]],
            [b["lon"], b["lat"]],
            units="km",
            restrictions=["northwest", *restrict],
            return_passages=True,
        )
        km = float(feat.properties["length"])
        if km <= 0 and a["locode"] != b["locode"]:
            km = A.great_circle_km(a["lat"], a["lon"], b["lat"], b["lon"])
        return km, sorted(feat.properties.get("traversed_passages") or [])

    def snap(self, port: dict):
        return self.M.kdtree.query((port["lon"], port["lat"]))

    def tree(self, hub: dict):
        """Single-source Dijkstra (km) over marnet from a hub, northwest passage closed."""

        def weight(u, v, d):
            return None if d.get("passage") == "northwest" else d.get("weight")

        return nx.single_source_dijkstra(self.M, self.snap(hub), weight=weight)

    def passages_on(self, path) -> list[str]:
        found = set()
        for u, v in zip(path, path[1:], strict=False):
            p = self.M[u][v].get("passage")
            if p in self.valid:
                found.add(p)
        return sorted(found)


def rotation_lanes(sid, carrier, calls, legs, speed_kn, stay, feeder, regions):
    """Every (call i -> later call j) pair of a weekly loop, keeping the fastest per port pair.

    ``legs[i]`` is (km, passages) from ``calls[i]`` to ``calls[i+1]`` (cyclic); ``regions``
    maps a call to its trade region (directional rate and trade-lane CO2e).
    """
    n = len(calls)
    sail_h = [km / (speed_kn * 1.852) for km, _ in legs]
    dep = [0.0] * n  # hours since the loop's first departure, from each call
    for i in range(1, n):
        dep[i] = dep[i - 1] + sail_h[i - 1] + stay
    t0 = stable_hour(sid)
    best: dict[tuple[str, str], list] = {}
    for i in range(n):
        km = hours = 0.0
        passages: set[str] = set()
        via: list[str] = []
        for step in range(1, n):
            j = (i + step) % n
            k = (j - 1) % n
            km += legs[k][0]
            hours += sail_h[k]
            passages.update(legs[k][1])
            if calls[j] != calls[i]:
                key = (calls[i], calls[j])
                deps = [(t0 + dep[i]) % WEEK]
                trade = (regions[calls[i]], regions[calls[j]])
                cand = lane(calls[i], calls[j], "sea", carrier, sid, km, hours, passages, deps,
                            via, feeder=feeder, trade=trade)  # fmt: skip
                if key not in best or cand[6] < best[key][6]:
                    best[key] = cand
            via.append(calls[j])
            hours += stay
            if calls[j] == calls[i]:
                break
    _no_split_arbitrage(best, 2 * A.HANDLING_USD["sea_feeder" if feeder else "sea"])
    return list(best.values())


def _no_split_arbitrage(lanes: dict[tuple[str, str], list], handling: float) -> None:
    """Cap each through rate at the sum of its parts minus the handling it saves.

    Directional trade-lane rates could make "Yantian -> Balboa, then the same vessel on to
    Savannah" cheaper than the through lane; a carrier never charges more for staying on
    board. Floyd-Warshall over the rotation's calls (a dozen at most).
    """
    calls = sorted({a for a, _ in lanes} | {b for _, b in lanes})
    for k in calls:
        for (a, b), ln in lanes.items():
            first, second = lanes.get((a, k)), lanes.get((k, b))
            if first is None or second is None or k in (a, b):
                continue
            cap = round(first[7] + second[7] - handling, 2)
            if cap < ln[7]:
                ln[7] = cap


def mainline(sea: Sea, ports: dict, regions: dict) -> tuple[list, list]:
    """Lanes and service records of the liner services (searoute distance and passages)."""
    lanes, services = [], []
    for sid, carrier, trade, name, rot, restrict in SERVICES:
        calls = rot.split()
        missing = [c for c in calls if c not in ports]
        if missing:
            raise SystemExit(f"service {sid}: port(s) {missing} not in searoute's ports")
        legs = [
            sea.route(ports[a], ports[b], restrict)
            for a, b in zip(calls, calls[1:] + calls[:1], strict=True)
        ]
        lanes += rotation_lanes(sid, carrier, calls, legs, A.SPEED["sea_kn"],
                                A.PORT_STAY_HOURS["sea"], False, regions)  # fmt: skip
        services.append(
            {
                "id": sid,
                "carrier": carrier,
                "mode": "sea",
                "trade": trade,
                "name": name,
                "rotation": calls,
                "speed_kn": A.SPEED["sea_kn"],
                "frequency": "weekly",
                "avoids": list(restrict),
            }
        )
    return lanes, services


def feeders(sea: Sea, ports: dict, regions: dict, inland_ports: set, stats: dict) -> list:
    """Weekly feeder shuttles: each non-hub port to ONE hub that serves its region.

    The hub is the nearest (by sea km) of the port's own trade region within
    ``FEEDER_MAX_KM``, else the nearest of any region within it; a remote port with no
    hub that near gets its nearest hub (of its region first) within
    ``REMOTE_FEEDER_MAX_KM``, else nothing.
    One hub per port makes every feeder port a leaf of the sea network, so no route
    transships at a port that is not a hub (a long remote feeder is never a bridge).
    """
    hubs = [h for h in HUBS if h in ports]
    trees = {h: sea.tree(ports[h]) for h in hubs}
    lanes: list = []
    for code in sorted(ports):
        if code in hubs or code in inland_ports:
            continue
        snap = sea.snap(ports[code])
        options = sorted((trees[h][0][snap], h) for h in hubs if snap in trees[h][0])
        near = [(d, h) for d, h in options if d <= FEEDER_MAX_KM]
        same = [o for o in near if regions[o[1]] == regions[code]]
        chosen = (same or near)[:1]
        if not chosen:  # a remote port (Greenland, Pacific islands): its nearest hub
            far = [(d, h) for d, h in options if d <= REMOTE_FEEDER_MAX_KM]
            chosen = ([o for o in far if regions[o[1]] == regions[code]] or far)[:1]
            stats["remote_feeders"] += 1 if chosen else 0
        if not chosen:
            stats["ports_without_feeder"] += 1
            continue
        d, h = chosen[0]
        path = trees[h][1][snap]
        gc = A.great_circle_km(ports[h]["lat"], ports[h]["lon"], ports[code]["lat"],
                               ports[code]["lon"])  # fmt: skip
        km = max(float(d), gc)
        passages = sea.passages_on(path)
        carrier = (
            "Northsea Feeder Lines"
            if ports[h]["lon"] < -25 or h[:2] in _EUROPE
            else "Coastwise Feeder Co."
        )
        stats["feeders"] += 1
        stats["feeder_max_km"] = max(stats["feeder_max_km"], round(km))
        lanes += rotation_lanes(f"FDR-{h}-{code}", carrier, [h, code],
                                [(km, passages), (km, passages)], A.SPEED["sea_feeder_kn"],
                                A.PORT_STAY_HOURS["sea_feeder"], True, regions)  # fmt: skip
    return lanes
