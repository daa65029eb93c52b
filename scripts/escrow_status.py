"""Print the buyer's view of a shipment: state, legs, next milestone, escrow, proof.

brownie run scripts/escrow_status.py main 1 --network development
"""

from __future__ import annotations

from rich.console import Console

from tradelane.chain import from_brownie
from tradelane.cli.render import status_view
from tradelane.client import Tradelane


def main(shipment_id: int = 1):
    status = Tradelane.attach(from_brownie()).status(int(shipment_id))
    Console().print(status_view(status))
    return status
