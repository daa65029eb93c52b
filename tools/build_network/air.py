"""Stage 4: air lanes - each carrier's hub mesh and spokes to the three nearest hubs."""

from __future__ import annotations

from routing import assumptions as A

from .catalogue import AIR_HUBS, AIR_MAX_KM, AIRPORTS
from .lanes import daily, lane


def air_lanes(nodes: dict, air_code: dict[str, str]) -> list:
    lanes: list = []

    def gc(a: str, b: str) -> float:
        pa, pb = nodes[a], nodes[b]
        return A.great_circle_km(pa["lat"], pa["lon"], pb["lat"], pb["lon"])

    def add(carrier: str, a: str, b: str) -> None:
        d = gc(a, b)
        if d > AIR_MAX_KM or a == b:
            return
        km = d + A.AIR_GCD_ADDER_KM
        for x, y in ((a, b), (b, a)):
            sid = f"{carrier.split()[0].upper()[:3]}-{x}-{y}"
            lanes.append(lane(x, y, "air", carrier, sid, km, A.leg_hours("air", km), [],
                              daily(sid), []))  # fmt: skip

    for carrier, hub_iatas in AIR_HUBS.items():
        hub_codes = [air_code[h] for h in hub_iatas]
        for i, a in enumerate(hub_codes):
            for b in hub_codes[i + 1 :]:
                add(carrier, a, b)
        for iata in AIRPORTS:
            code = air_code[iata]
            if code in hub_codes:
                continue
            for h in sorted(hub_codes, key=lambda h, c=code: (gc(c, h), h))[:3]:
                add(carrier, code, h)
    return lanes
