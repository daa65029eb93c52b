"""`tradelane lanes`: the lane analytics report from the index (tables, --json, --csv)."""

from __future__ import annotations

import csv
import re
import sys

import click
from rich.table import Table

import routing
from routing.encode import route_json

from ..analytics.report import Filters, lanes_report
from ..errors import InputError
from ..index import open_index
from .app import cli
from .index import db_option
from .options import json_option, out, parse_time, print_json, when

__all__ = ["lanes"]

CSV_COLUMNS = (
    "lane", "mode", "carrier_name", "carrier", "arrivals", "on_time", "reliability", "late",
    "early", "avg_late_delay_d", "legs", "mean_d", "p50_d", "p90_d", "planned_excess_iqr_d",
    "delivered_teu", "co2e_kg_per_teu",
)  # fmt: skip


def _weeks(text: str | None) -> int | None:
    if text is None:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*([wd]?)\s*", text.lower())
    if not m or int(m.group(1)) == 0:
        raise InputError(f"window '{text}' is not a number of weeks like 8w (or days like 56d)")
    n = int(m.group(1))
    return max(1, round(n / 7)) if m.group(2) == "d" else n


def _num(value, fmt: str = "{:.1f}") -> str:
    return "-" if value is None else fmt.format(value)


def _table(title: str, columns: tuple[str, ...], left: int, rows) -> Table:
    """A rich table whose first ``left`` columns are text, the rest numbers."""
    t = Table(title=title, title_justify="left")
    for i, col in enumerate(columns):
        t.add_column(col, justify="left" if i < left else "right")
    for row in rows:
        t.add_row(*row)
    return t


def _print(rep: dict) -> None:
    console = out()
    scope = rep["filters"]["scope"]
    period = f"{when(scope['since']) if scope['since'] else 'start'} → " + (
        when(scope["until"]) if scope["until"] else when(rep["as_of"])
    )
    console.print(f"[bold]Lanes[/] · {rep['legs']} legs · planned arrivals {period}")
    if not rep["lanes"]:
        console.print("no legs with actual arrivals match: index a chain (tradelane index) "
                      "or loosen the filters")  # fmt: skip
        return
    for lane, rows in rep["league"].items():
        console.print(_table(
            f"{lane} — carrier league",
            ("carrier", "mode", "#", "arrivals", "on time", "avg late d", "p50 d", "p90 d",
             "IQR(act−plan) d"), 2,
            ((r["carrier_name"], r["mode"], str(r["rank"]), str(r["arrivals"]),
              f"{r['reliability']:.1%}", _num(r["avg_late_delay_d"]), _num(r.get("p50_d")),
              _num(r.get("p90_d")), _num(r.get("planned_excess_iqr_d"))) for r in rows),
        ))  # fmt: skip
    if rep["dwell"]:
        console.print(_table(
            "Transfer hubs (hours)",
            ("hub", "transfers", "dwell p50", "dwell p90", "port time p50", "handling p50"), 1,
            ((r["hub"], str(r["transfers"]), _num(r["dwell_p50_h"]), _num(r["dwell_p90_h"]),
              _num(r["port_time_p50_h"]), _num(r["handling_p50_h"])) for r in rep["dwell"]),
        ))  # fmt: skip
    if rep["eta_accuracy"]:
        console.print(_table(
            "ETA accuracy (hours; + = later than estimated)",
            ("carrier", "given ahead", "estimates", "mean abs error", "bias", "p90 abs"), 2,
            ((r["carrier_name"], r["lead"], str(r["estimates"]), _num(r["mae_h"]),
              _num(r["bias_h"]), _num(r["p90_abs_h"])) for r in rep["eta_accuracy"]),
        ))  # fmt: skip
    if rep["delivery"]:
        console.print(_table(
            "Delivery against the escrow deadline",
            ("carrier", "lane", "due", "on time", "refunded", "disputed", "delivered TEU",
             "kg CO2e/TEU"), 2,
            ((r["carrier_name"], r["lane"], str(r["due"]), f"{r['on_time_share']:.1%}",
              str(r["refunded"]), str(r["disputed"]), str(r["delivered_teu"]),
              _num(r["co2e_kg_per_teu"], "{:,.0f}")) for r in rep["delivery"]),
        ))  # fmt: skip
    co2e = rep["co2e"]
    rows = [("lane", r["lane"], r) for r in co2e["by_lane"]]
    rows += [("carrier", r["carrier_name"], r) for r in co2e["by_carrier"]]
    if rows:
        console.print(_table(
            "CO2e per delivered TEU (kg, well-to-wheel; one shipment = one TEU)",
            ("per", "", "delivered TEU", "kg CO2e/TEU", "CO2e unknown"), 2,
            ((per, name, str(r["delivered_teu"]), _num(r["co2e_kg_per_teu"], "{:,.0f}"),
              str(r["co2e_unknown_teu"])) for per, name, r in rows),
        ))  # fmt: skip


@cli.command()
@click.option("--carrier", default=None, help="Only this carrier (name or address).")
@click.option(
    "--lane", default=None, metavar="FROM-TO", help="Only this port pair, e.g. CNSHA-NLRTM."
)
@click.option("--mode", type=click.Choice(["sea", "air", "rail", "road", "barge"]), default=None)
@click.option(
    "--since", default=None, metavar="DATE", help="Planned arrivals from DATE (ISO 8601)."
)
@click.option("--until", default=None, metavar="DATE", help="Planned arrivals before DATE.")
@click.option("--window", default=None, metavar="8w", help="Rolling window: the last N weeks.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the lane table as CSV.")
@click.option(
    "--network",
    "network_file",
    default=None,
    metavar="FILE",
    help="Operator network whose lanes give each leg's CO2e, merged with the reference one.",
)
@click.option("--network-only", is_flag=True, help="Use --network alone, not merged.")
@db_option
@json_option
def lanes(
    carrier, lane, mode, since, until, window, as_csv, network_file, network_only, db, as_json
) -> None:
    """Lane analytics from on-chain actuals, read from the index.

    Schedule reliability (on time = within one calendar day of the committed planned
    arrival), transit time spreads, hub dwell, ETA accuracy and delivery against the
    escrow deadline, per carrier, lane and mode, with a carrier league per lane, and
    CO2e per delivered TEU (each leg's CO2e from routing's lanes: the reference network,
    or --network). Definitions: docs/ANALYTICS.md. Fill the index with `tradelane index`.

    \b
    Examples:
      tradelane lanes
      tradelane lanes --lane CNSHA-NLRTM --window 8w
      tradelane lanes --carrier "Bluefin Box Line" --json
      tradelane lanes --mode sea --csv > lanes.csv
      tradelane lanes --network tradelane/analytics/simulate_default.json --network-only
    """
    if as_csv and as_json:
        raise InputError("--csv and --json contradict each other: pick one")
    if lane and not re.fullmatch(r"[A-Za-z]{2}[A-Za-z0-9]{3}-[A-Za-z]{2}[A-Za-z0-9]{3}", lane):
        raise InputError(f"lane '{lane}' is not FROM-TO with UN/LOCODEs, e.g. CNSHA-NLRTM")
    filters = Filters(
        carrier=carrier,
        lane=lane,
        mode=mode,
        since=parse_time(since, 0) if since else None,
        until=parse_time(until, 0) if until else None,
        window_weeks=_weeks(window),
    )
    if filters.since and filters.until and filters.since >= filters.until:
        raise InputError(f"--since {since} is not before --until {until}")
    if network_only and not network_file:
        raise InputError("--network-only needs --network FILE")
    network = routing.load_network(network_file, merge=not network_only) if network_file else None
    store = open_index(db)
    try:
        rep = lanes_report(store, filters, network=network)
    finally:
        store.close()
    if as_json:
        print_json(rep)
    elif as_csv:
        writer = csv.DictWriter(sys.stdout, CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rep["lanes"])
    else:
        _print(rep)


def on_time_proposals(network, origin: str, destination: str, query: dict):
    """(routes with their P(on time), snapshot) from the index's analytics snapshot; each
    route's network hash names the snapshot, so an offer made from it does too."""
    from ..analytics.report import carrier_names
    from ..analytics.routes import on_time_routes

    store = open_index(None)
    try:
        return on_time_routes(network, origin, destination, query, store, carrier_names())
    finally:
        store.close()


def print_on_time_routes(network, origin: str, destination: str, query: dict, as_json: bool):
    """`tradelane route … --objective on-time --deadline DATE`: the alternatives ranked by
    P(on time) from the index's analytics snapshot (called by `tradelane route`)."""
    ranked, snap = on_time_proposals(network, origin, destination, query)
    if as_json:
        print_json(
            {
                "objective": "on-time",
                "deadline": query["deadline"],
                "analytics_snapshot": snap.hash,
                "routes": [{**route_json(r), "on_time": e.to_json()} for r, e in ranked],
            }
        )
        return
    console = out()
    for i, (r, e) in enumerate(ranked, 1):
        t = Table(
            title=f"Route {i}/{len(ranked)}: {r.origin} → {r.destination} · "
            f"P(on time) {e.probability:.0%}",
            title_justify="left",
        )
        for col in ("From", "To", "Mode", "Carrier", "ETD (UTC)", "ETA (UTC)", "USD"):
            t.add_column(col, justify="right" if col == "USD" else "left")
        for leg in r.legs:
            t.add_row(
                leg.origin, leg.destination, leg.mode, leg.carrier,
                f"{leg.departure:%Y-%m-%d %H:%M}", f"{leg.arrival:%Y-%m-%d %H:%M}",
                f"{leg.cost_usd:,.0f}",
            )  # fmt: skip
        console.print(t)
        console.print(
            f"planned arrival {r.legs[-1].arrival:%Y-%m-%d %H:%M} · expected "
            f"{e.expected_arrival:%Y-%m-%d %H:%M} (p10 {e.p10:%m-%d %H:%M} – p90 "
            f"{e.p90:%m-%d %H:%M}) · {r.totals.cost_usd:,.0f} USD",
            highlight=False,
        )
        if e.fallback:
            console.print(
                f"[yellow]modelled schedule (fewer than the observations needed) for: "
                f"{', '.join(e.fallback)}[/]"
            )
    console.print(f"analytics snapshot {snap.hash}", highlight=False)
