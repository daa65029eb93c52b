"""The one encoder from a :class:`~routing.model.Route` to what the contract commits to.

The Solidity contract stores legs of this ABI tuple type::

    (bytes5 origin, bytes5 destination, uint8 mode, address carrier,
     uint40 plannedDeparture, uint40 plannedArrival, uint16 passages)

and commits to ``routeHash = keccak256(abi.encode(Leg[] legs))``. ``origin`` and
``destination`` are the five ASCII bytes of the UN/LOCODE, ``mode`` is
:data:`MODE_CODES`, ``carrier`` the carrier's address (routing knows carrier *names*;
the caller maps names to addresses), times are unix seconds (UTC) and ``passages``
is the :data:`PASSAGE_BITS` bitmask. No web3 here: eth-abi and eth-utils only.

Examples
--------
>>> from datetime import datetime, timezone
>>> from routing.model import Leg, Route
>>> t0 = datetime(2025, 1, 6, tzinfo=timezone.utc)
>>> t1 = datetime(2025, 2, 6, tzinfo=timezone.utc)
>>> leg = Leg("CNSHA", "NLRTM", "sea", "Acme", "AE1", t0, t1, 19857.1, 1193.6, 2780.0, ("suez",))
>>> enc = encode_route(Route((leg,), "0x" + "00" * 32), {"Acme": "0x" + "11" * 20})
>>> enc.legs[0][:3], enc.legs[0][6]
((b'CNSHA', b'NLRTM', 0), 1)
>>> decode_legs(enc.legs)[0]["origin"]
'CNSHA'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import is_address, keccak, to_checksum_address

from .errors import InvalidQuery
from .model import MODES, Route
from .passages import PASSAGE_BITS, passages_from_mask, passages_mask

__all__ = [
    "LEG_ABI_TYPE",
    "MODE_CODES",
    "PASSAGE_BITS",
    "ZERO_ADDRESS",
    "EncodedRoute",
    "decode_legs",
    "encode_legs",
    "encode_route",
    "route_hash",
    "route_json",
]

#: The ABI type of one leg, exactly as the contract declares its struct.
LEG_ABI_TYPE = "(bytes5,bytes5,uint8,address,uint40,uint40,uint16)"
#: The ABI type hashed for the route commitment.
LEGS_ABI_TYPE = LEG_ABI_TYPE + "[]"
#: On-chain mode codes (the contract's ``Mode`` enum): sea=0 air=1 rail=2 road=3 barge=4.
MODE_CODES: dict[str, int] = {mode: i for i, mode in enumerate(MODES)}
assert MODE_CODES["barge"] == 4, "barge is the contract's fifth Mode (inland waterway)"
#: Placeholder carrier address used when no address mapping is supplied.
ZERO_ADDRESS = "0x" + "00" * 20

LegTuple = tuple[bytes, bytes, int, str, int, int, int]


@dataclass(frozen=True)
class EncodedRoute:
    """A route ready for the contract: ``legs`` is the ``Leg[]`` argument for web3."""

    legs: list[LegTuple]
    route_hash: bytes
    network_hash: bytes


def _locode_bytes(code: str) -> bytes:
    raw = code.encode("ascii", "strict") if code.isascii() else b""
    if len(raw) != 5:
        raise InvalidQuery(f"{code!r} is not a 5-character UN/LOCODE; cannot encode it as bytes5")
    return raw


def _unix(dt: datetime) -> int:
    if dt.tzinfo is None:
        raise InvalidQuery(f"leg time {dt.isoformat()} has no timezone; use UTC datetimes")
    return int(dt.timestamp())


def encode_route(route: Route, carriers: Mapping[str, str]) -> EncodedRoute:
    """Encode ``route`` as the contract's ``Leg[]`` with its ``routeHash``.

    Parameters
    ----------
    route : Route
        A route from :func:`routing.propose`.
    carriers : Mapping[str, str]
        Carrier name -> Ethereum address (hex) for every carrier on the route.

    Returns
    -------
    EncodedRoute
        ``legs`` (tuples in ABI order), ``route_hash`` (32 bytes) and
        ``network_hash`` (32 bytes, the route's data-and-query hash).

    Raises
    ------
    InvalidQuery
        If a carrier has no address in ``carriers`` or an address is malformed.
    """
    legs: list[LegTuple] = []
    for leg in route.legs:
        if leg.carrier not in carriers:
            raise InvalidQuery(
                f"no address for carrier {leg.carrier!r}; add it to the carrier address mapping"
            )
        address = carriers[leg.carrier]
        if not is_address(address):
            raise InvalidQuery(f"carrier {leg.carrier!r} has a malformed address {address!r}")
        legs.append(
            (
                _locode_bytes(leg.origin),
                _locode_bytes(leg.destination),
                MODE_CODES[leg.mode],
                to_checksum_address(address),
                _unix(leg.departure),
                _unix(leg.arrival),
                passages_mask(leg.passages),
            )
        )
    return EncodedRoute(
        legs=legs,
        route_hash=route_hash(legs),
        network_hash=bytes.fromhex(route.network_hash.removeprefix("0x")),
    )


def encode_legs(legs: Sequence[LegTuple]) -> bytes:
    """Return ``abi.encode(Leg[] legs)``."""
    return abi_encode([LEGS_ABI_TYPE], [list(legs)])


def route_hash(legs: Sequence[LegTuple]) -> bytes:
    """Return ``keccak256(abi.encode(Leg[] legs))``, the contract's route commitment."""
    return keccak(encode_legs(legs))


def decode_legs(data: bytes | Sequence[Sequence]) -> list[dict]:
    """Decode legs from ``abi.encode(Leg[])`` bytes or from leg tuples (e.g. read from chain).

    Returns one dict per leg: origin, destination, mode (name), carrier (checksummed
    address), departure and arrival (UTC datetimes) and passages (names).
    """
    if isinstance(data, bytes | bytearray):
        (tuples,) = abi_decode([LEGS_ABI_TYPE], bytes(data))
    else:
        tuples = data
    out = []
    for origin, destination, mode, carrier, dep, arr, mask in tuples:
        out.append(
            {
                "origin": bytes(origin).decode("ascii"),
                "destination": bytes(destination).decode("ascii"),
                "mode": MODES[int(mode)],
                "carrier": to_checksum_address(carrier),
                "departure": datetime.fromtimestamp(int(dep), UTC),
                "arrival": datetime.fromtimestamp(int(arr), UTC),
                "passages": passages_from_mask(int(mask)),
            }
        )
    return out


def route_json(route: Route, carriers: Mapping[str, str] | None = None) -> dict:
    """The route as JSON: legs, totals, network hash and the route hash the contract commits to.

    Carrier *addresses* are not routing data: unless ``carriers`` maps every carrier name to
    an address, each carrier is encoded as the zero address, so the hash shown is a
    placeholder that changes once real addresses are supplied.
    """
    if carriers is None or any(leg.carrier not in carriers for leg in route.legs):
        carriers = {leg.carrier: ZERO_ADDRESS for leg in route.legs} | dict(carriers or {})
    return {
        "legs": [leg.to_json() for leg in route.legs],
        "totals": route.totals.to_json(),
        "route_hash": "0x" + encode_route(route, carriers).route_hash.hex(),
        "network_hash": route.network_hash,
    }
