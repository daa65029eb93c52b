"""`tradelane demo`: the narrated lifecycle of `make demo` (tradelane/demo.py)."""

from __future__ import annotations

import click

from .app import cli
from .options import json_option, out, print_json


@cli.command()
@click.option("--origin", default="CNSHA", show_default=True, help="UN/LOCODE of the origin.")
@click.option(
    "--destination", default="DEMUC", show_default=True, help="UN/LOCODE of the destination."
)
@json_option
def demo(origin: str, destination: str, as_json: bool) -> None:
    """Run one full shipment lifecycle on a fresh embedded chain, narrated.

    Route alternatives, escrow with a tranche, route commitment, carrier-signed
    milestones relayed in one batch, direct milestones, status, delivery,
    confirmation and withdrawal — each transaction with its gas. Takes seconds and
    touches no other chain.

    \b
    Example:
      tradelane demo
      tradelane demo --origin SGSIN --destination DEHAM --json
    """
    from ..demo import run

    summary = run(
        None if as_json else out(), origin=origin.upper(), destination=destination.upper()
    )
    if as_json:
        print_json(summary)
