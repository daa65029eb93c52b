"""Record a milestone as the leg's carrier (defaults: current leg, its port, chain time).

brownie run scripts/record_milestone.py main 1 DEPA --network development
"""

from __future__ import annotations

from tradelane.chain import from_brownie
from tradelane.client import Tradelane
from tradelane.model import Classifier, Code


def main(shipment_id: int = 1, code: str = "DEPA", classifier: str = "ACT") -> dict:
    tl = Tradelane.attach(from_brownie())
    milestone, carrier = tl.milestone_for(
        int(shipment_id), Code[code.upper()], classifier=Classifier[classifier.upper()]
    )
    receipt = tl.record(carrier, milestone)
    print(f"recorded {milestone.describe()} (gas {receipt['gasUsed']:,})")
    return receipt
