"""Route proposals over a port/carrier network (networkx). Imports nothing from the chain side.

Quick start::

    >>> import routing
    >>> net = routing.load_network()                       # the shipped reference network
    >>> routes = routing.propose(net, "CNSHA", "NLRTM", alternatives=3,
    ...                          avoid_passages="suez", depart_after="2025-03-03")
    >>> [r.legs[0].origin for r in routes]
    ['CNSHA', 'CNSHA', 'CNSHA']
    >>> from routing.encode import encode_route                # what the contract commits to

The public API is :func:`load_network`, :class:`Network`, :func:`propose`,
:class:`Route`, :class:`Leg`, :class:`Totals`, the :class:`RoutingError` family and
:mod:`routing.encode`. See ``docs/ROUTING.md``.
"""

from __future__ import annotations

from .errors import InvalidQuery, NetworkDataError, NoRoute, RoutingError, UnknownPort
from .load import load_network
from .model import MODES, Leg, Port, Route, Totals
from .network import Network
from .passages import PASSAGE_BITS, PASSAGES
from .propose import propose

__all__ = [
    "MODES",
    "PASSAGES",
    "PASSAGE_BITS",
    "InvalidQuery",
    "Leg",
    "Network",
    "NetworkDataError",
    "NoRoute",
    "Port",
    "Route",
    "RoutingError",
    "Totals",
    "UnknownPort",
    "load_network",
    "propose",
]
