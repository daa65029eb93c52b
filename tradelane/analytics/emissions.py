"""CO2e per leg from routing's model: the one place analytics turns a port pair and a mode
into kilograms of CO2e for one TEU.

The chain records each leg's origin, destination and mode, but neither the distance nor
the volume. A leg's CO2e is routing's figure for one TEU (routing's reference unit,
`routing.assumptions`): the network's lane from origin to destination in that mode (the
mean over its parallel services, which differ only by carrier), else — a port pair the
network has no lane for — `routing.assumptions.leg_co2e_kg` over the great-circle distance
(with the deep-sea trade-lane factor for sea legs). Ports the network does not know give
NaN: such a shipment's CO2e is unknown and is counted apart, never guessed.
"""

from __future__ import annotations

import math

import numpy as np

import routing
from routing.assumptions import leg_co2e_kg

from .frame import Routes, group

__all__ = ["lane_co2e_kg", "legs_co2e_kg"]


def lane_co2e_kg(network: routing.Network, origin: str, destination: str, mode: str) -> float:
    """kg CO2e (WTW) of one TEU from ``origin`` to ``destination`` by ``mode``; NaN when
    the network knows neither a lane nor both ports."""
    edges = network.graph.get_edge_data(origin, destination) or {}
    kg = [float(e["co2"]) for e in edges.values() if e.get("mode") == mode]
    if kg:
        return float(np.mean(kg))
    if origin not in network.ports or destination not in network.ports:
        return math.nan
    trade = (network.region(origin), network.region(destination)) if mode == "sea" else None
    return leg_co2e_kg(mode, network.great_circle(origin, destination), trade=trade)


def legs_co2e_kg(network: routing.Network, routes: Routes) -> np.ndarray:
    """Each route leg's kg CO2e: looked up once per distinct (origin, destination, mode)."""
    keys, idx = group(routes.origin, routes.destination, routes.mode)
    per_key = np.array([lane_co2e_kg(network, *k) for k in keys], dtype=np.float64)
    return per_key[idx] if len(keys) else np.zeros(0)
