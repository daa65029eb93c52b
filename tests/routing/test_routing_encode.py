"""The encoder produces exactly what the contract commits to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from eth_abi import encode as abi_encode
from eth_utils import keccak

import routing
from routing.encode import (
    MODE_CODES,
    PASSAGE_BITS,
    ZERO_ADDRESS,
    decode_legs,
    encode_legs,
    encode_route,
    route_hash,
    route_json,
)
from routing.errors import InvalidQuery
from routing.model import Leg, Route

T0 = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)
T1 = datetime(2025, 4, 5, 6, 30, tzinfo=UTC)
T2 = datetime(2025, 4, 7, 8, 0, tzinfo=UTC)
CARRIERS = {
    "Meridian Container Line": "0x" + "12" * 20,
    "Hinterland Haulage": "0x" + "ab" * 20,
}


@pytest.fixture
def route() -> Route:
    return Route(
        (
            Leg(
                "CNSHA",
                "NLRTM",
                "sea",
                "Meridian Container Line",
                "MCL-AE1",
                T0,
                T1,
                19857.1,
                1193.57,
                2780.0,
                ("suez", "babalmandab", "malacca", "gibraltar"),
            ),
            Leg(
                "NLRTM",
                "DEDUI",
                "road",
                "Hinterland Haulage",
                "ROAD-NLRTM-DEDUI",
                T1,
                T2,
                230.0,
                395.0,
                172.5,
            ),
        ),  # fmt: skip
        "0x" + "cd" * 32,
    )


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _manual_abi(legs) -> bytes:
    """abi.encode(Leg[]) written out by hand: offset, length, then 7 static words per leg."""
    out = _word(32) + _word(len(legs))
    for origin, destination, mode, carrier, dep, arr, passages in legs:
        out += origin.ljust(32, b"\0") + destination.ljust(32, b"\0")
        out += _word(mode) + bytes(12) + bytes.fromhex(carrier[2:])
        out += _word(dep) + _word(arr) + _word(passages)
    return out


def test_route_hash_equals_keccak_of_abi_encoded_legs(route):
    encoded = encode_route(route, CARRIERS)

    legs = [
        (b"CNSHA", b"NLRTM", 0, CARRIERS["Meridian Container Line"], int(T0.timestamp()),
         int(T1.timestamp()), 0b1011 | 1 << 4),
        (b"NLRTM", b"DEDUI", 3, CARRIERS["Hinterland Haulage"], int(T1.timestamp()),
         int(T2.timestamp()), 0),
    ]  # fmt: skip
    by_eth_abi = keccak(
        abi_encode(["(bytes5,bytes5,uint8,address,uint40,uint40,uint16)[]"], [legs])
    )
    by_hand = keccak(_manual_abi(legs))
    assert encoded.route_hash == by_eth_abi == by_hand
    assert encode_legs(encoded.legs) == _manual_abi(legs)


def test_encoded_legs_are_the_contract_tuple(route):
    encoded = encode_route(route, CARRIERS)

    origin, destination, mode, carrier, dep, arr, passages = encoded.legs[0]
    assert (origin, destination, mode) == (b"CNSHA", b"NLRTM", MODE_CODES["sea"])
    assert carrier.lower() == CARRIERS["Meridian Container Line"]
    assert (dep, arr) == (int(T0.timestamp()), int(T1.timestamp()))
    assert passages == sum(
        1 << PASSAGE_BITS[p] for p in ("suez", "babalmandab", "malacca", "gibraltar")
    )
    assert encoded.network_hash == bytes.fromhex("cd" * 32)
    assert route_hash(encoded.legs) == encoded.route_hash


def test_decode_round_trips_bytes_and_tuples(route):
    encoded = encode_route(route, CARRIERS)

    for source in (encode_legs(encoded.legs), encoded.legs):
        decoded = decode_legs(source)
        assert [d["origin"] for d in decoded] == ["CNSHA", "NLRTM"]
        assert decoded[0]["passages"] == ("suez", "babalmandab", "malacca", "gibraltar")
        assert decoded[1]["mode"] == "road" and decoded[1]["arrival"] == T2


def test_missing_carrier_address_names_the_carrier(route):
    with pytest.raises(InvalidQuery, match="Hinterland Haulage"):
        encode_route(route, {"Meridian Container Line": CARRIERS["Meridian Container Line"]})


def test_malformed_carrier_address_is_rejected(route):
    with pytest.raises(InvalidQuery, match="malformed address"):
        encode_route(route, CARRIERS | {"Hinterland Haulage": "0x1234"})


def test_json_route_hash_uses_zero_addresses_unless_given(route):
    zero = encode_route(route, dict.fromkeys(CARRIERS, ZERO_ADDRESS)).route_hash

    assert route_json(route)["route_hash"] == "0x" + zero.hex()
    assert (
        route_json(route, CARRIERS)["route_hash"]
        == "0x" + encode_route(route, CARRIERS).route_hash.hex()
    )


def test_mode_and_passage_codes_are_the_contracts():
    assert MODE_CODES == {"sea": 0, "air": 1, "rail": 2, "road": 3, "barge": 4}
    assert PASSAGE_BITS == {
        "suez": 0, "babalmandab": 1, "panama": 2, "malacca": 3, "gibraltar": 4, "ormuz": 5,
        "bosporus": 6, "south_africa": 7, "sunda": 8, "chili": 9, "northwest": 10, "bering": 11,
    }  # fmt: skip


def test_proposed_reference_route_encodes(reference):
    [r] = routing.propose(reference, "CNSHA", "USCHI", depart_after="2025-03-03")
    carriers = {leg.carrier: "0x" + "11" * 20 for leg in r.legs}

    encoded = encode_route(r, carriers)

    assert len(encoded.legs) == len(r.legs) and len(encoded.route_hash) == 32
    assert [d["origin"] for d in decode_legs(encoded.legs)] == [leg.origin for leg in r.legs]
