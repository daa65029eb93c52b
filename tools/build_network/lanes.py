"""Lane records: one row per carrier service between two nodes (``LANE_FIELDS`` order)."""

from __future__ import annotations

import hashlib

from routing import assumptions as A
from routing.passages import PASSAGE_BITS

WEEK = 168.0
LANE_FIELDS = [
    "from", "to", "mode", "carrier", "service", "distance_km", "transit_hours",
    "cost_usd", "co2e_kg", "passages", "departures", "cutoff_hours", "via",
]  # fmt: skip


def stable_hour(*parts: str, step: int = 6) -> float:
    """A deterministic hour-of-week (Monday 00:00 UTC = 0) for a departure."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    slots = int(WEEK) // step
    return float(int.from_bytes(digest[:4], "big") % slots * step)


def daily(sid: str, per_week: int = 7) -> list[float]:
    """``per_week`` departures spread over the week at a stable hour of day."""
    hour = stable_hour(sid, step=1) % 24
    days = sorted({round(i * 7 / per_week) for i in range(per_week)})
    return [d * 24 + hour for d in days]


def lane(frm, to, mode, carrier, service, km, hours, passages, deps, via, *,
         feeder=False, trade=None, rate_key=None) -> list:  # fmt: skip
    return [
        frm,
        to,
        mode,
        carrier,
        service,
        round(km, 1),
        round(hours, 1),
        A.leg_cost_usd(mode, km, feeder, trade, rate_key),
        A.leg_co2e_kg(mode, km, feeder, trade),
        sorted(passages, key=PASSAGE_BITS.get),
        sorted(round(d % WEEK, 1) for d in deps),
        A.CUTOFF_HOURS[mode],
        list(via),
    ]


def both_ways(frm, to, mode, carrier, prefix, km, hours_there, hours_back, deps_per_week,
              *, rate_key=None) -> list[list]:  # fmt: skip
    """The two lanes of a land or river shuttle (``deps_per_week`` 0: on demand)."""
    out = []
    for x, y, h in ((frm, to, hours_there), (to, frm, hours_back)):
        sid = f"{prefix}-{x}-{y}"
        deps = daily(sid, deps_per_week) if deps_per_week else []
        out.append(lane(x, y, mode, carrier, sid, km, h, [], deps, [], rate_key=rate_key))
    return out
