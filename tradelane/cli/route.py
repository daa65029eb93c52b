"""`tradelane route`: propose routes with the routing library (a thin layer over it).

The option set lives in :func:`routing_options` and :func:`query_from_options` so that
other commands (e.g. ``tradelane ship``) take exactly the same routing options.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import click

import routing
from routing.encode import route_json
from routing.passages import PASSAGES

from ..errors import InputError
from .app import cli

__all__ = ["load_network_option", "query_from_options", "route", "routing_options"]

_QUERY_KEYS = (
    "objective",
    "alternatives",
    "pareto",
    "avoid_passage",
    "avoid_port",
    "avoid_country",
    "max_transshipments",
    "modes",
    "carriers",
    "depart_after",
    "deadline",
)


# The routing query options, as decorators (click makes a fresh Option each time one is applied,
# so every command that takes them gets its own).
ROUTING_OPTIONS = (
    click.option(
        "--objective",
        default="cost",
        show_default=True,
        metavar="OBJ",
        help="cost | time | co2 | distance, or a weighted mix like cost=0.7,time=0.3; "
        "on-time (with --deadline): by the chance of arriving in time, from the index.",
    ),
    click.option(
        "--alternatives",
        "-k",
        default="1",
        show_default=True,
        metavar="K",
        help="Return up to K alternatives that differ in corridor (modes, passages, hubs).",
    ),
    click.option(
        "--pareto",
        is_flag=True,
        help="Routes not beaten on cost, time and CO2e, one per corridor.",
    ),
    click.option(
        "--avoid-passage",
        multiple=True,
        metavar="LIST",
        help=f"Passages to avoid, comma-separated: {', '.join(PASSAGES)} "
        "(aliases: hormuz, cape, bab-el-mandeb, magellan).",
    ),
    click.option(
        "--avoid-port", multiple=True, metavar="LIST", help="UN/LOCODEs no leg may touch."
    ),
    click.option(
        "--avoid-country",
        multiple=True,
        metavar="LIST",
        help="ISO country codes (e.g. EG,YE) no leg may touch.",
    ),
    click.option("--max-transshipments", default=None, metavar="N", help="At most N transfers."),
    click.option(
        "--modes", default=None, metavar="LIST", help="Allowed modes: sea,air,rail,road,barge."
    ),
    click.option(
        "--carriers",
        default=None,
        metavar="LIST",
        help="Allowed carrier names, comma-separated.",
    ),
    click.option(
        "--depart-after",
        default=None,
        metavar="DATE",
        help="Cargo ready at the origin (ISO 8601, UTC). Default: now.",
    ),
    click.option(
        "--deadline",
        default=None,
        metavar="DATE",
        help="Latest acceptable arrival (ISO 8601, UTC).",
    ),
    click.option(
        "--network",
        "network_file",
        default=None,
        metavar="FILE",
        help="Operator network (.json, .csv or a directory), merged with the reference one.",
    ),
    click.option(
        "--network-only",
        is_flag=True,
        help="Use --network alone instead of merging it with the reference network.",
    ),
)


def routing_options(f: Callable) -> Callable:
    """Add the routing query options (objective, constraints, schedule, network) to a command."""
    for option in reversed(ROUTING_OPTIONS):
        f = option(f)
    return f


def query_from_options(**opts) -> dict:
    """Map the values of :func:`routing_options` to keyword arguments of ``routing.propose``.

    Unknown keys (e.g. ``json``, ``network_file``) are ignored, so a command can pass
    its whole ``**kwargs``.
    """
    q = {key: opts.get(key) for key in _QUERY_KEYS if key in opts}
    out = {
        "objective": q.get("objective") or "cost",
        "alternatives": q.get("alternatives") or 1,
        "pareto": bool(q.get("pareto")),
        "avoid_passages": tuple(q.get("avoid_passage") or ()),
        "avoid_ports": tuple(q.get("avoid_port") or ()),
        "avoid_countries": tuple(q.get("avoid_country") or ()),
        "max_transshipments": q.get("max_transshipments"),
        "modes": q.get("modes"),
        "carriers": q.get("carriers"),
        "depart_after": q.get("depart_after"),
        "deadline": q.get("deadline"),
    }
    return out


def load_network_option(network_file: str | None, network_only: bool = False) -> routing.Network:
    """Load the network named by ``--network`` (the reference network when None)."""
    if network_only and not network_file:
        raise InputError("--network-only needs --network FILE")
    try:
        return routing.load_network(network_file, merge=not network_only)
    except routing.RoutingError as err:
        raise InputError(str(err)) from err


def _fmt_dt(dt) -> str:
    return dt.strftime("%Y-%m-%d %H:%M")


def _print_tables(routes: list[routing.Route], objective: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    for i, r in enumerate(routes, 1):
        t = r.totals
        table = Table(
            title=f"Route {i}/{len(routes)}: {r.origin} → {r.destination} (objective {objective})",
            title_justify="left",
            show_footer=True,
        )
        footers = [
            ("From", "Total", "left"),
            ("To", "", "left"),
            ("Mode", "", "left"),
            ("Carrier", "", "left"),
            ("Service", f"{t.transshipments} transshipment(s)", "left"),
            ("ETD (UTC)", _fmt_dt(r.legs[0].departure), "left"),
            ("ETA (UTC)", _fmt_dt(r.legs[-1].arrival), "left"),
            ("km", f"{t.distance_km:,.0f}", "right"),
            ("USD", f"{t.cost_usd:,.0f}", "right"),
            ("kg CO2e", f"{t.co2e_kg:,.0f}", "right"),
            ("Passages", f"{t.transit_hours / 24:.1f} days", "left"),
        ]
        for header, footer, justify in footers:
            table.add_column(header, footer=footer, justify=justify)
        for leg in r.legs:
            table.add_row(
                leg.origin,
                leg.destination,
                leg.mode,
                leg.carrier,
                leg.service,
                _fmt_dt(leg.departure),
                _fmt_dt(leg.arrival),
                f"{leg.distance_km:,.0f}",
                f"{leg.cost_usd:,.0f}",
                f"{leg.co2e_kg:,.0f}",
                ", ".join(leg.passages) or "-",
            )
        console.print(table)
        data = route_json(r)
        console.print(
            f"route_hash   {data['route_hash']} (carriers as zero addresses)\n"
            f"network_hash {r.network_hash}\n",
            highlight=False,
        )


@cli.command()
@click.argument("origin")
@click.argument("destination")
@routing_options
@click.option("--json", "as_json", is_flag=True, help="Print the routes as JSON.")
def route(origin: str, destination: str, as_json: bool, **opts) -> None:
    """Propose routes from ORIGIN to DESTINATION (UN/LOCODEs, e.g. CNSHA NLRTM).

    Searches the reference world network (or --network FILE) and prints a table per
    route: legs with carrier/service, ETD/ETA, distance, cost, CO2e and passages.
    The route_hash shown encodes carriers as zero addresses; the contract's hash
    uses the carriers' real addresses.

    \b
    Examples:
      tradelane route CNSHA NLRTM
      tradelane route CNSHA NLRTM --avoid-passage suez,babalmandab --alternatives 3
      tradelane route CNSHA USCHI --objective cost=0.7,time=0.3 --depart-after 2025-03-03
      tradelane route CNSHA NLRTM --pareto --json
    """
    network = load_network_option(opts.get("network_file"), bool(opts.get("network_only")))
    query = query_from_options(**opts)
    if query["objective"] == "on-time":  # ranked by P(arrival by --deadline): analytics
        from .lanes import print_on_time_routes

        return print_on_time_routes(network, origin, destination, query, as_json)
    try:
        routes = routing.propose(network, origin, destination, **query)
    except routing.RoutingError as err:
        raise InputError(str(err)) from err
    if as_json:
        click.echo(json.dumps({"routes": [route_json(r) for r in routes]}, indent=2))
    else:
        _print_tables(routes, routes[0].objective if routes else query["objective"])
