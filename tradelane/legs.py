"""A route's legs in their three spellings: the contract's tuples, JSON and event logs.

The contract's Leg is (origin, destination, mode, carrier, plannedDeparture, plannedArrival,
passages); `route_hash` is its commitment, keccak256(abi.encode(Leg[])). Offer and amendment
documents carry legs as JSON objects (`legs_to_json` / `legs_from_json`); `RouteCommitted` logs
carry them by field name (`leg_tuple`).
"""

from __future__ import annotations

from collections.abc import Sequence

from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address
from web3 import Web3

from .errors import InputError
from .model import parse_locode

__all__ = ["LEG_FIELDS", "LEG_KEYS", "leg_tuple", "legs_from_json", "legs_to_json", "route_hash"]

LEGS_ABI_TYPE = "(bytes5,bytes5,uint8,address,uint40,uint40,uint16)[]"
LEG_KEYS = (  # in JSON
    "origin",
    "destination",
    "mode",
    "carrier",
    "planned_departure",
    "planned_arrival",
    "passages",
)
LEG_FIELDS = (  # in the ABI (logs)
    "origin",
    "destination",
    "mode",
    "carrier",
    "plannedDeparture",
    "plannedArrival",
    "passages",
)


def legs_to_json(legs: Sequence[Sequence]) -> list[dict]:
    """Leg tuples (as `routing.encode` makes them) as JSON objects with plain values."""
    out = []
    for origin, destination, mode, carrier, dep, arr, passages in legs:
        out.append(
            {
                "origin": bytes(origin).decode("ascii"),
                "destination": bytes(destination).decode("ascii"),
                "mode": int(mode),
                "carrier": to_checksum_address(carrier),
                "planned_departure": int(dep),
                "planned_arrival": int(arr),
                "passages": int(passages),
            }
        )
    return out


def legs_from_json(data) -> list[tuple]:
    """JSON legs back to the contract's tuples; one clear error for a malformed leg."""
    if not isinstance(data, list) or not data:
        raise InputError("the legs must be a non-empty list")
    legs = []
    for i, leg in enumerate(data):
        try:
            legs.append(
                (
                    parse_locode(leg["origin"]),
                    parse_locode(leg["destination"]),
                    int(leg["mode"]),
                    to_checksum_address(leg["carrier"]),
                    int(leg["planned_departure"]),
                    int(leg["planned_arrival"]),
                    int(leg["passages"]),
                )
            )
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"leg {i} is malformed: missing or bad {err}") from err
    return legs


def leg_tuple(leg) -> tuple:
    """A leg from a log (a mapping by field name) or a call (a tuple) as the contract's tuple."""
    o, d, m, c, t0, t1, p = (leg[k] for k in LEG_FIELDS) if hasattr(leg, "keys") else leg
    return (bytes(o), bytes(d), int(m), Web3.to_checksum_address(c), int(t0), int(t1), int(p))


def route_hash(legs: Sequence[Sequence]) -> bytes:
    """keccak256(abi.encode(Leg[])): the contract's route commitment."""
    return keccak(abi_encode([LEGS_ABI_TYPE], [[tuple(leg) for leg in legs]]))
