"""`tradelane status`, `tradelane shipments` and `tradelane watch`: reading shipments."""

from __future__ import annotations

import json
import time

import click
from rich.table import Table

from ..analytics.arrival import arrival_chance, describe_chance
from ..model import CODE_WORDS, State
from .app import cli
from .index import db_option, open_indexed
from .options import (
    format_amount,
    json_option,
    out,
    print_json,
    rpc_option,
    when,
)
from .render import STATE_STYLE, history_table, status_view
from .render import party as named


def sync_option(fn):
    return click.option(
        "--sync/--no-sync",
        default=True,
        show_default=True,
        help="Catch the index up first (--no-sync: read it as a `tradelane index --follow` "
        "beside it left it).",
    )(fn)


@cli.command()
@click.argument("shipment_id", metavar="SHIPMENT", type=int)
@click.option("--history/--no-history", default=True, show_default=True, help="List milestones.")
@sync_option
@db_option
@rpc_option
@json_option
def status(
    shipment_id: int, history: bool, sync: bool, db: str | None, rpc: str | None, as_json: bool
) -> None:
    """The buyer's view of a shipment: state, legs, next milestone, money, proof.

    Shows each leg's planned vs actual times, the next expected milestone and
    whether it is overdue, what is held / released / refunded / refundable now,
    and whether the milestone history's hash chain holds. Read from the index (caught
    up first unless --no-sync), which says which block it is as of.

    \b
    Example:
      tradelane status 1
      tradelane status 1 --json | jq .held
    """
    tl, ix = open_indexed(rpc, db, sync=sync, quiet=as_json)
    s = tl.status(shipment_id)
    fresh = ix.reader.freshness()
    chance = arrival_chance(s, ix.store)  # analytics: P(arrival by the deadline)
    if as_json:
        print_json({**s.to_json(), "index": fresh.to_json() if fresh else None, "on_time": chance})
        return
    console = out()
    console.print(status_view(s))
    if chance:
        console.print(describe_chance(chance))
    if history and s.milestones:
        console.print(history_table(s.milestones))
    if fresh:
        console.print(f"[dim]{fresh.describe()}[/]")


@cli.command()
@click.option("--party", required=True, help="Buyer or seller: an address or a dev name.")
@sync_option
@db_option
@rpc_option
@json_option
def shipments(party: str, sync: bool, db: str | None, rpc: str | None, as_json: bool) -> None:
    """List the shipments where PARTY is the buyer or the seller.

    \b
    Example:
      tradelane shipments --party buyer
      tradelane shipments --party 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --json
    """
    tl, ix = open_indexed(rpc, db, sync=sync, quiet=as_json)
    address = tl.chain.address(party)
    rows = []
    for sid in tl.shipments_of(address):
        v, _events, _now = ix.reader.snapshot(sid, with_history=False)
        symbol, decimals = tl.token_info(v["token"])
        rows.append(
            {
                "shipment_id": sid,
                "role": "buyer" if v["buyer"] == address else "seller",
                "state": State(v["state"]).label,
                "destination": v["destination"].decode("ascii", "replace"),
                "deadline": v["deadline"],
                "deposited": str(v["deposited"]),
                "held": str(v["held"]),
                "token": v["token"],
                "_amounts": (
                    format_amount(v["deposited"], decimals, symbol),
                    format_amount(v["held"], decimals, symbol),
                ),
                "milestones": v["milestones"],
            }
        )
    if as_json:
        print_json([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows])
        return
    table = Table(title=f"shipments of {named(address)}", title_justify="left")
    for col in ("id", "role", "state", "to", "deadline", "deposited", "held", "milestones"):
        table.add_column(col, justify="right" if col in ("id", "milestones") else "left")
    for r in rows:
        table.add_row(
            str(r["shipment_id"]),
            r["role"],
            f"[{STATE_STYLE.get(State[r['state'].upper()], '')}]{r['state']}[/]",
            r["destination"],
            when(r["deadline"]),
            *r["_amounts"],
            str(r["milestones"]),
        )
    out().print(table if rows else f"no shipments for {named(address)}")
    out().print(f"[dim]{ix.reader.freshness().describe()}[/]")


@cli.command()
@click.argument("shipment_id", metavar="SHIPMENT", type=int)
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option(
    "--timeout", type=float, default=None, help="Give up after this many seconds (exit 2)."
)
@db_option
@rpc_option
@json_option
def watch(
    shipment_id: int,
    interval: float,
    timeout: float | None,
    db: str | None,
    rpc: str | None,
    as_json: bool,
) -> None:
    """Follow a shipment's milestones live until it is delivered or settled.

    Prints each new milestone as it is recorded (JSON lines with --json), read from
    the index, which is brought up to date each poll. Ctrl-C stops watching cleanly
    (exit 0).

    \b
    Example:
      tradelane watch 1
      tradelane watch 1 --json --interval 5
    """
    tl, ix = open_indexed(rpc, db, quiet=as_json)
    ix.reader.snapshot(shipment_id, with_history=False)  # unknown -> one clear error first
    console = out()
    seen = 0
    started = time.monotonic()
    try:
        while True:
            ix.sync()
            snapshot, events, _now = ix.reader.snapshot(shipment_id)
            for e in events[seen:]:
                m = e.milestone
                if as_json:
                    click.echo(json.dumps({"shipment_id": shipment_id, **e.to_json()}))
                else:
                    console.print(
                        f"#{e.seq} leg {m.leg} [bold]{m.code.name}[/] {m.classifier.name} "
                        f"({CODE_WORDS[m.code]}) at {m.location} {when(m.event_time)} "
                        f"by {named(e.carrier)}{' (relayed)' if e.relayed else ''}"
                    )
            seen = len(events)
            state = State(snapshot["state"])
            if state == State.DELIVERED or state.final:
                if as_json:
                    click.echo(json.dumps({"shipment_id": shipment_id, "state": state.label}))
                else:
                    console.print(f"shipment {shipment_id} is {state.label}")
                return
            if timeout is not None and time.monotonic() - started > timeout:
                click.echo(f"stopped after {timeout:g}s: shipment is {state.label}", err=True)
                raise SystemExit(2)
            time.sleep(interval)
    except KeyboardInterrupt:
        if not as_json:
            console.print(f"stopped watching shipment {shipment_id}")
        return
