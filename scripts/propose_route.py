"""Print route alternatives between two ports (routing only; no transaction).

brownie run scripts/propose_route.py main CNSHA NLRTM 3 --network development
"""

from __future__ import annotations

from rich.console import Console

import routing
from tradelane.cli.render import routes_table


def main(origin: str = "CNSHA", destination: str = "NLRTM", alternatives: int = 3) -> list:
    routes = routing.propose(
        routing.load_network(), origin, destination, alternatives=int(alternatives)
    )
    Console().print(routes_table(routes, 1, title=f"{origin} → {destination}"))
    return routes
