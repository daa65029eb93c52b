"""`tradelane demo`: the narrated lifecycle of `make demo` (tradelane/demo.py)."""

from __future__ import annotations

import click

from ..chain import EMBEDDED
from .app import cli
from .options import json_option, out, print_json


@cli.command()
@click.option("--origin", default="CNSHA", show_default=True, help="UN/LOCODE of the origin.")
@click.option(
    "--destination", default="DEMUC", show_default=True, help="UN/LOCODE of the destination."
)
@click.option(
    "--rpc",
    default=EMBEDDED,
    show_default=True,
    metavar="URL",
    help="Where to run it: 'embedded' (a fresh in-process chain), or a local dev node's URL "
    "to leave the shipment there for `tradelane serve`.",
)
@json_option
def demo(origin: str, destination: str, rpc: str, as_json: bool) -> None:
    """Run one full shipment lifecycle, narrated, on a fresh embedded chain or a dev node.

    Route alternatives, escrow with a tranche, route commitment, carrier-signed
    milestones relayed in one batch, direct milestones, status, delivery,
    confirmation and withdrawal — each transaction with its gas. Takes seconds.

    \b
    Example:
      tradelane demo
      tradelane demo --origin SGSIN --destination DEHAM --json
      tradelane node &  tradelane demo --rpc http://127.0.0.1:8545  &&  tradelane serve
    """
    from ..demo import run

    summary = run(
        None if as_json else out(),
        origin=origin.upper(),
        destination=destination.upper(),
        rpc=rpc,
    )
    if as_json:
        print_json(summary)
