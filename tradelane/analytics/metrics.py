"""The lane metrics over column arrays (numpy). Definitions: docs/ANALYTICS.md.

Each function takes a frame (:mod:`tradelane.analytics.frame`) and the names of the
columns to group by, and returns one dict per group, sorted by the group key.
Durations are reported in days (``_d``) or hours (``_h``), shares in 0..1.
"""

from __future__ import annotations

import numpy as np

from .frame import Estimates, Legs, Routes, Shipments, factorize, group, group_factorized, lanes

__all__ = [
    "DAY",
    "LEAD_BUCKETS_D",
    "co2e_per_teu",
    "co2e_tables",
    "delivery",
    "dwell",
    "eta_accuracy",
    "on_time_mask",
    "reliability",
    "reliability_series",
    "transit",
]

DAY = 86_400.0
#: ETA accuracy is reported by how far ahead the estimate was given (days).
LEAD_BUCKETS_D = (0, 1, 3, 7, 14, float("inf"))


def _stat(x: np.ndarray, q: float) -> float | None:
    return round(float(np.percentile(x, q)), 3) if len(x) else None


def _mean(x: np.ndarray) -> float | None:
    return round(float(np.mean(x)), 3) if len(x) else None


def on_time_mask(planned: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Sea-Intelligence's rule: the actual arrival falls on the scheduled calendar day (UTC)
    or one calendar day either side of it."""
    return np.abs(np.floor(actual / DAY) - np.floor(planned / DAY)) <= 1


def _groups(frame, by: tuple[str, ...]) -> tuple[list[tuple], np.ndarray]:
    cols = [frame.lane if name == "lane" else getattr(frame, name) for name in by]
    return group(*cols)


def reliability(legs: Legs, by: tuple[str, ...] = ("carrier", "lane", "mode")) -> list[dict]:
    """Schedule reliability: on-time arrivals ÷ arrivals, and the mean delay of late ones.

    Counts legs with an actual arrival (ACT ARRI); ``late`` = after the on-time window,
    ``early`` = before it; ``avg_late_delay_d`` = mean (actual − planned) of late ones.
    """
    arrived = ~np.isnan(legs.actual_arrival)
    legs = legs.take(arrived)
    keys, idx = _groups(legs, by)
    delay = (legs.actual_arrival - legs.planned_arrival) / DAY
    ok = on_time_mask(legs.planned_arrival, legs.actual_arrival)
    out = []
    for g, key in enumerate(keys):
        m = idx == g
        late = m & ~ok & (delay > 0)
        out.append(
            {
                **dict(zip(by, key, strict=True)),
                "arrivals": int(m.sum()),
                "on_time": int((m & ok).sum()),
                "reliability": round(float(ok[m].mean()), 4),
                "late": int(late.sum()),
                "early": int((m & ~ok & (delay < 0)).sum()),
                "avg_late_delay_d": _mean(delay[late]),
            }
        )
    return out


def transit(legs: Legs, by: tuple[str, ...] = ("carrier", "lane", "mode")) -> list[dict]:
    """Transit time actual DEPA → actual ARRI (days): mean, p50, p90, and the IQR of
    (actual − planned transit) as the predictability measure."""
    done = ~np.isnan(legs.actual_arrival) & ~np.isnan(legs.actual_departure)
    legs = legs.take(done)
    keys, idx = _groups(legs, by)
    days = (legs.actual_arrival - legs.actual_departure) / DAY
    excess = days - (legs.planned_arrival - legs.planned_departure) / DAY
    out = []
    for g, key in enumerate(keys):
        x, e = days[idx == g], excess[idx == g]
        out.append(
            {
                **dict(zip(by, key, strict=True)),
                "legs": len(x),
                "mean_d": _mean(x),
                "p10_d": _stat(x, 10),
                "p25_d": _stat(x, 25),
                "p50_d": _stat(x, 50),
                "p75_d": _stat(x, 75),
                "p90_d": _stat(x, 90),
                "planned_excess_iqr_d": round(_stat(e, 75) - _stat(e, 25), 3),
            }
        )
    return out


def _transfers(legs: Legs) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs (i, j): leg j follows leg i of the same shipment (a transfer at i's end)."""
    order = np.lexsort((legs.leg, legs.shipment))
    a, b = order[:-1], order[1:]
    same = (legs.shipment[a] == legs.shipment[b]) & (legs.leg[b] == legs.leg[a] + 1)
    return a[same], b[same]


def dwell(legs: Legs) -> list[dict]:
    """Per transfer hub: dwell DISC → next leg's LOAD and port time ARRI → next DEPA (hours),
    plus handling ARRI → DISC (what on-time routing samples at a transfer)."""
    i, j = _transfers(legs)
    hub = legs.destination[i]
    measures = {
        "dwell": legs.loaded[j] - legs.discharged[i],
        "port_time": legs.actual_departure[j] - legs.actual_arrival[i],
        "handling": legs.discharged[i] - legs.actual_arrival[i],
    }
    keys, idx = group(hub)
    out = []
    for g, (locode,) in enumerate(keys):
        row = {"hub": locode, "transfers": int((idx == g).sum())}
        for name, values in measures.items():
            x = values[(idx == g) & ~np.isnan(values)] / 3600.0
            row[f"{name}_n"] = len(x)
            row[f"{name}_p50_h"] = _stat(x, 50)
            row[f"{name}_p90_h"] = _stat(x, 90)
            row[f"{name}_mean_h"] = _mean(x)
        out.append(row)
    return out


def eta_accuracy(est: Estimates, by: tuple[str, ...] = ("carrier",)) -> list[dict]:
    """Error of EST arrivals against the ACT arrival that followed (hours; + = arrived
    later than estimated), by how far ahead of the arrival the estimate was given."""
    done = ~np.isnan(est.actual)
    est = est.take(done)
    lead_d = (est.actual - est.given_at) / DAY
    error_h = (est.actual - est.estimated) / 3600.0
    bucket = np.digitize(lead_d, LEAD_BUCKETS_D[1:-1])
    names = np.array(
        [f"{lo:g}-{hi:g}d" if hi != float("inf") else f">{lo:g}d" for lo, hi in _pairs()],
        dtype=object,
    )
    cols = [getattr(est, name) for name in by] + [names[bucket]]
    keys, idx = group(*cols)
    out = []
    for g, key in enumerate(keys):
        e = error_h[idx == g]
        out.append(
            {
                **dict(zip((*by, "lead"), key, strict=True)),
                "estimates": len(e),
                "mae_h": _mean(np.abs(e)),
                "bias_h": _mean(e),
                "p90_abs_h": _stat(np.abs(e), 90),
            }
        )
    return out


def _pairs() -> list[tuple[float, float]]:
    return list(zip(LEAD_BUCKETS_D[:-1], LEAD_BUCKETS_D[1:], strict=True))


def delivery(
    ships: Shipments, as_of: float, by: tuple[str, ...] = ("carrier", "lane")
) -> list[dict]:
    """Delivery against the escrow deadline, per carrier (each carrier of a route counts the
    shipment) and lane (first origin → final destination).

    Counts shipments that are *due*: delivered, or past their deadline at ``as_of``.
    ``on_time`` = delivered by the deadline (the contract's deliveredAt is set only then).
    """
    due = ~np.isnan(ships.delivered_at) | (ships.deadline < as_of)
    ships = ships.take(due)
    carriers = [c.split("|") for c in ships.carriers]
    rows = np.repeat(np.arange(len(ships)), [len(c) for c in carriers])
    carrier_col = np.array([c for cs in carriers for c in cs], dtype=object)
    lane = lanes(ships.origin, ships.destination)
    cols = {"carrier": carrier_col, "lane": lane[rows]}
    keys, idx = group(*(cols[name] for name in by))
    on_time = ~np.isnan(ships.delivered_at[rows])
    refunded = ships.refunded[rows] > 0
    disputed = ~np.isnan(ships.disputed_at[rows])
    out = []
    for g, key in enumerate(keys):
        m = idx == g
        n = int(m.sum())
        out.append(
            {
                **dict(zip(by, key, strict=True)),
                "due": n,
                "on_time": int((m & on_time).sum()),
                "on_time_share": round(float(on_time[m].mean()), 4),
                "refunded": int((m & refunded).sum()),
                "disputed": int((m & disputed).sum()),
            }
        )
    return out


def co2e_per_teu(
    ships: Shipments,
    routes: Routes,
    leg_kg: np.ndarray,
    by: tuple[str, ...] = ("carrier", "lane"),
) -> list[dict]:
    """CO2e per delivered TEU (one shipment = one TEU, routing's reference unit).

    A shipment is *delivered* when its ACT DROP is recorded and nothing was refunded.
    ``leg_kg`` is each ``routes`` row's kg CO2e (:mod:`tradelane.analytics.emissions`).
    ``by`` names: ``carrier``, ``mode``, ``lane`` (the shipment's first origin → final
    destination, as :func:`delivery`) and ``leg_lane`` (the leg's own port pair). A group's
    figure = the kg of its legs of delivered shipments ÷ the delivered shipments they
    belong to — per carrier, the legs that carrier moved ÷ the TEU it moved. A shipment
    with a leg of unknown CO2e counts in ``co2e_unknown_teu`` instead of the figure.
    """
    return co2e_tables(ships, routes, leg_kg, [by])[0]


def co2e_tables(
    ships: Shipments, routes: Routes, leg_kg: np.ndarray, bys: list[tuple[str, ...]]
) -> list[list[dict]]:
    """:func:`co2e_per_teu` for several groupings, joining legs to shipments once."""
    delivered = ~np.isnan(ships.dropped_at) & (ships.refunded == 0)
    row_of = {key: i for i, key in enumerate(ships.shipment.tolist())}
    ship = np.fromiter((row_of.get(k, -1) for k in routes.shipment.tolist()), np.int64, len(routes))
    keep = ship >= 0
    keep[keep] = delivered[ship[keep]]
    routes, ship, kg = routes.take(keep), ship[keep], leg_kg[keep]
    unknown = np.zeros(len(ships), dtype=bool)
    unknown[ship[np.isnan(kg)]] = True
    known = ~unknown[ship]
    columns = {
        "carrier": lambda: factorize(routes.carrier),
        "mode": lambda: factorize(routes.mode),
        "leg_lane": lambda: factorize(lanes(routes.origin, routes.destination)),
        "lane": lambda: _indexed(factorize(lanes(ships.origin, ships.destination)), ship),
    }
    done: dict[str, tuple] = {}  # each column factorised once, however many groupings use it
    for name in {n for by in bys for n in by}:
        done[name] = columns[name]()
    return [
        _co2e_rows(by, group_factorized(*(done[n] for n in by)), ship, kg, known) for by in bys
    ]  # fmt: skip


def _indexed(factorized: tuple[list[str], np.ndarray], rows: np.ndarray) -> tuple:
    """A per-shipment factorised column, as a column of the legs (``rows``: their shipment)."""
    return factorized[0], factorized[1][rows]


def _co2e_rows(by, grouped, ship: np.ndarray, kg: np.ndarray, known: np.ndarray) -> list[dict]:
    keys, idx = grouped
    total = np.bincount(idx[known], weights=kg[known], minlength=len(keys))
    radix = int(ship.max()) + 1 if len(ship) else 1

    def teu(mask: np.ndarray) -> np.ndarray:  # distinct shipments per group
        pairs = np.unique(idx[mask] * radix + ship[mask])
        return np.bincount(pairs // radix, minlength=len(keys))

    n, n_unknown = teu(known), teu(~known)
    return [
        {
            **dict(zip(by, key, strict=True)),
            "delivered_teu": int(n[g] + n_unknown[g]),
            "co2e_kg": round(float(total[g]), 1),
            "co2e_kg_per_teu": round(float(total[g] / n[g]), 1) if n[g] else None,
            "co2e_unknown_teu": int(n_unknown[g]),
        }
        for g, key in enumerate(keys)
    ]


def reliability_series(
    legs: Legs, *, period_days: int = 7, window_periods: int = 8, by: str = "carrier"
) -> list[dict]:
    """Reliability over time: for each period end, the share on time of the arrivals
    planned in the trailing window (``window_periods`` periods), per ``by`` value."""
    arrived = ~np.isnan(legs.actual_arrival)
    legs = legs.take(arrived)
    if not len(legs):
        return []
    span = period_days * DAY
    period = np.floor(legs.planned_arrival / span).astype(np.int64)
    first = int(period.min())
    ok = on_time_mask(legs.planned_arrival, legs.actual_arrival)
    keys, idx = group(legs.lane if by == "lane" else getattr(legs, by))
    # arrivals and on-time arrivals per (key, period), then trailing-window sums by cumsum
    shape = (len(keys), int(period.max()) - first + 1)
    arrivals = np.zeros(shape, dtype=np.int64)
    on_time = np.zeros(shape, dtype=np.int64)
    np.add.at(arrivals, (idx, period - first), 1)
    np.add.at(on_time, (idx, period - first), ok.astype(np.int64))

    def trailing(counts: np.ndarray) -> np.ndarray:
        total = np.cumsum(counts, axis=1)
        total[:, window_periods:] -= total[:, :-window_periods].copy()
        return total

    n, k = trailing(arrivals), trailing(on_time)
    out = []
    for p in range(shape[1]):
        for g, (key,) in enumerate(keys):
            if n[g, p]:
                out.append(
                    {
                        by: key,
                        "period_end": float((first + p + 1) * span),
                        "arrivals": int(n[g, p]),
                        "reliability": round(float(k[g, p] / n[g, p]), 4),
                    }
                )
    return out
