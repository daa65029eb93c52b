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

from . import metrics
from .frame import Legs
from .load import Scope, index_time, load_estimates, load_legs, load_shipments, source_marker

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
        lane = np.char.add(
            np.char.add(frame.origin.astype(str), "-"), frame.destination.astype(str)
        )
        keep &= lane == f.lane.upper()
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


def lanes_report(
    store,
    filters: Filters = Filters(),
    *,
    names: Mapping[str, str] | None = None,
    now: float | None = None,
    period_days: int = 7,
    window_periods: int = 8,
) -> dict:
    """Every metric over the index ``store`` (``.engine``, ``.tables``), as JSON-able data.

    ``now`` (unix s; default the chain time the index has reached, else the wall clock)
    ends a rolling window and decides which shipments are past their deadline.
    """
    names = carrier_names() if names is None else names
    if now is None:
        now = index_time(store.engine, store.tables) or time.time()
    scope = filters.scope(now)
    legs = _select(load_legs(store.engine, store.tables, scope), filters, names)
    estimates = _select(load_estimates(store.engine, store.tables, scope), filters, names)
    ships = load_shipments(store.engine, store.tables, scope)
    table = lane_table(legs, names)
    delivery = [
        r
        for r in metrics.delivery(ships, as_of=now)
        if (not filters.carrier or _is_carrier(r["carrier"], filters.carrier, names))
        and (not filters.lane or r["lane"] == filters.lane.upper())
    ]
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
        "series": _named(
            metrics.reliability_series(
                legs, period_days=period_days, window_periods=window_periods
            ),
            names,
        ),
    }
