"""The whole lanes report: every metric, filtered, with carriers named — what `tradelane
lanes`, the `/lanes` page and the benchmark produce.

    >>> rep = lanes_report(open_index(None), Filters(lane="CNSHA-NLRTM"))   # doctest: +SKIP
    >>> rep["league"]["CNSHA-NLRTM"][0]["carrier_name"]                      # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

import routing

from . import metrics
from .emissions import legs_co2e_kg
from .frame import Legs, Routes, Shipments, lanes
from .load import (
    Scope,
    index_time,
    load_estimates,
    load_legs,
    load_routes,
    load_shipments,
    source_marker,
)

__all__ = ["Filters", "carrier_names", "lanes_report", "lane_table"]

DAY = 86_400


@dataclass(frozen=True)
class Filters:
    """Which legs count. ``carrier``: a name or address; ``lane``: ``ORIGIN-DESTINATION``;
    ``since``/``until``: planned arrival (unix s, until exclusive); ``window_weeks``: the
    trailing weeks up to ``until`` (or now) when ``since`` is not given."""

    carrier: str | None = None
    lane: str | None = None
    mode: str | None = None
    since: int | None = None
    until: int | None = None
    window_weeks: int | None = None

    def scope(self, now: float) -> Scope:
        since, until = self.since, self.until
        if self.window_weeks and since is None:
            since = int((until or now) - self.window_weeks * 7 * DAY)
        return Scope(since=since, until=until)


def carrier_names() -> dict[str, str]:
    """address → name: the simulated carriers' directory, then the dev accounts' names."""
    from ..chain import dev_accounts
    from .simulate import carrier_directory

    names = {acct.address: name for name, acct in dev_accounts().items()}
    return names | {address: name for name, address in carrier_directory().items()}


def _is_carrier(address: str, wanted: str, names: Mapping[str, str]) -> bool:
    wanted = wanted.lower()
    return address.lower() == wanted or names.get(address, "").lower() == wanted


def _select(frame, f: Filters, names: Mapping[str, str]):
    """The rows of a leg or estimate frame that pass the carrier, lane and mode filters."""
    keep = np.ones(len(frame), dtype=bool)
    if f.carrier:
        keep &= np.array([_is_carrier(c, f.carrier, names) for c in frame.carrier], dtype=bool)
    if f.lane:
        keep &= lanes(frame.origin, frame.destination) == f.lane.upper()
    if f.mode:
        keep &= frame.mode == f.mode.lower()
    return frame.take(keep)


def _named(rows: list[dict], names: Mapping[str, str]) -> list[dict]:
    for r in rows:
        if "carrier" in r:
            r["carrier_name"] = names.get(r["carrier"], r["carrier"])
    return rows


def lane_table(legs: Legs, names: Mapping[str, str]) -> list[dict]:
    """Reliability and transit side by side, one row per carrier × lane × mode."""
    transit = {(r["carrier"], r["lane"], r["mode"]): r for r in metrics.transit(legs)}
    rows = []
    for r in metrics.reliability(legs):
        t = transit.get((r["carrier"], r["lane"], r["mode"]), {})
        rows.append({**r, **{k: v for k, v in t.items() if k not in r}})
    return _named(rows, names)


def _league(table: list[dict]) -> dict[str, list[dict]]:
    """Per lane, carriers best first: reliability, then smaller late delay, then faster p50."""
    out: dict[str, list[dict]] = {}
    for r in table:
        out.setdefault(r["lane"], []).append(r)
    for rows in out.values():
        rows.sort(
            key=lambda r: (-r["reliability"], r["avg_late_delay_d"] or 0, r.get("p50_d") or 0)
        )
        for rank, r in enumerate(rows, 1):
            r["rank"] = rank
    return dict(sorted(out.items()))


CO2E_KEYS = ("delivered_teu", "co2e_kg_per_teu", "co2e_unknown_teu")


def _co2e(
    ships: Shipments,
    routes: Routes,
    network: routing.Network,
    table: list[dict],
    delivery: list[dict],
    keep,
) -> dict:
    """CO2e per delivered TEU: added to the lane table (per carrier × leg lane × mode) and
    the delivery rows (per carrier × shipment lane); per lane and per carrier on its own."""
    kg = legs_co2e_kg(network, routes)
    by_pair, by_delivery, by_lane, by_carrier = metrics.co2e_tables(
        ships,
        routes,
        kg,
        [("carrier", "leg_lane", "mode"), ("carrier", "lane"), ("lane",), ("carrier",)],
    )

    def merge(rows: list[dict], found: list[dict], by: tuple[str, ...], names: tuple[str, ...]):
        hits = {tuple(r[k] for k in by): r for r in found}
        empty = {"delivered_teu": 0, "co2e_kg_per_teu": None, "co2e_unknown_teu": 0}
        for r in rows:
            hit = hits.get(tuple(r[k] for k in names), empty)
            r.update({k: hit[k] for k in CO2E_KEYS})

    merge(table, by_pair, ("carrier", "leg_lane", "mode"), ("carrier", "lane", "mode"))
    merge(delivery, by_delivery, ("carrier", "lane"), ("carrier", "lane"))
    return {
        "unit": "kg CO2e (well-to-wheel, GLEC) per delivered TEU; one shipment = one TEU",
        "network_hash": network.network_hash,
        "by_lane": [r for r in by_lane if keep(r)],
        "by_carrier": [r for r in by_carrier if keep(r)],
    }


def lanes_report(
    store,
    filters: Filters = Filters(),
    *,
    names: Mapping[str, str] | None = None,
    network: routing.Network | None = None,
    now: float | None = None,
    period_days: int = 7,
    window_periods: int = 8,
) -> dict:
    """Every metric over the index ``store`` (``.engine``, ``.tables``), as JSON-able data.

    ``now`` (unix s; default the chain time the index has reached, else the wall clock)
    ends a rolling window and decides which shipments are past their deadline. CO2e comes
    from ``network``'s lanes (default routing's reference network).
    """
    names = carrier_names() if names is None else names
    if now is None:
        now = index_time(store.engine, store.tables) or time.time()
    scope = filters.scope(now)
    legs = _select(load_legs(store.engine, store.tables, scope), filters, names)
    estimates = _select(load_estimates(store.engine, store.tables, scope), filters, names)
    ships = load_shipments(store.engine, store.tables, scope)
    table = lane_table(legs, names)

    def keep(r: dict) -> bool:  # a delivery or CO2e row within the carrier and lane filters
        if filters.carrier and "carrier" in r:
            return _is_carrier(r["carrier"], filters.carrier, names) and lane_ok(r)
        return lane_ok(r)

    def lane_ok(r: dict) -> bool:
        return not filters.lane or "lane" not in r or r["lane"] == filters.lane.upper()

    delivery = [r for r in metrics.delivery(ships, as_of=now) if keep(r)]
    routes = load_routes(store.engine, store.tables, scope)
    co2e = _co2e(ships, routes, network or routing.load_network(), table, delivery, keep)
    return {
        "as_of": int(now),
        "filters": {**asdict(filters), "scope": asdict(scope)},
        "source": source_marker(store.engine, store.tables),
        "legs": len(legs),
        "lanes": table,
        "league": _league([dict(r) for r in table]),
        "dwell": metrics.dwell(legs),
        "eta_accuracy": sorted(
            _named(metrics.eta_accuracy(estimates), names),
            key=lambda r: (r["carrier_name"], r["lead"]),
        ),
        "delivery": sorted(_named(delivery, names), key=lambda r: (r["lane"], r["carrier_name"])),
        "co2e": {**co2e, "by_carrier": _named(co2e["by_carrier"], names)},
        "series": _named(
            metrics.reliability_series(
                legs, period_days=period_days, window_periods=window_periods
            ),
            names,
        ),
    }
