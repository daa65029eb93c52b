"""The agreement documents as files, and the checks every step makes before reading one.

Offers, bookings and amendments (`tradelane.agreement` builds and signs them) are JSON files a
party passes on. Here: their formats and required fields, `write` / `load` / `check` (one clear
error for a malformed file), `check_deployment` (the document is for this chain and contract),
the complete route an offer or amendment agrees, and bookings taken once each.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from web3 import Web3

from .errors import InputError, read_json
from .legs import legs_from_json

__all__ = [
    "AMENDMENT_FORMAT",
    "BOOKING_FORMAT",
    "OFFER_FORMAT",
    "check",
    "check_deployment",
    "document_route",
    "load",
    "unique_bookings",
    "write",
]

OFFER_FORMAT = "tradelane-offer/1"
BOOKING_FORMAT = "tradelane-booking/1"
AMENDMENT_FORMAT = "tradelane-amendment/1"

_REQUIRED = {
    OFFER_FORMAT: {"chain_id", "contract", "terms", "digest", "signer", "signature"},
    BOOKING_FORMAT: {"chain_id", "contract", "agreement", "leg", "carrier", "signature"},
    AMENDMENT_FORMAT: {
        "chain_id",
        "contract",
        "shipment_id",
        "agreement",
        "old_legs",
        "from_leg",
        "legs",
        "network_hash",
        "deadline",
        "signatures",
    },
}


def write(document: dict, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def check(document, where: str = "document") -> dict:
    """Shape-check an offer, booking or amendment document; one clear error if malformed."""
    if not isinstance(document, dict) or document.get("format") not in _REQUIRED:
        fmt = document.get("format") if isinstance(document, dict) else None
        raise InputError(f"{where} is not a Tradelane offer, booking or amendment (format {fmt!r})")
    missing = sorted(_REQUIRED[document["format"]] - document.keys())
    if missing:
        raise InputError(f"{where} is malformed: missing {', '.join(missing)}")
    return document


def load(path: str | Path, expected: str | None = None) -> dict:
    """Read an offer, booking or amendment file; `expected` names the format wanted."""
    document = check(read_json(path, "agreement"), f"file {path}")
    if expected and document["format"] != expected:
        raise InputError(f"file {path} is a {document['format']}, expected {expected}")
    return document


def check_deployment(document: dict, chain_id: int, contract: str) -> None:
    """Shape-check `document` and refuse it unless it is for this chain and this contract."""
    check(document)
    if int(document["chain_id"]) != chain_id:
        raise InputError(
            f"the {document['format']} is for chain {document['chain_id']}, "
            f"but this chain is {chain_id}"
        )
    if Web3.to_checksum_address(document["contract"]) != contract:
        raise InputError(
            f"the {document['format']} is for contract {document['contract']}, not {contract}"
        )


def document_route(document: dict) -> list[tuple]:
    """The complete route an offer or amendment document agrees."""
    if document["format"] == OFFER_FORMAT:
        return legs_from_json(document["terms"]["legs"])
    from_leg = int(document["from_leg"])
    old = legs_from_json(document["old_legs"])
    return old[:from_leg] + legs_from_json(document["legs"])


def unique_bookings(bookings: Iterable[dict]) -> list[dict]:
    """`bookings` with each (agreement, leg) once, first one kept."""
    seen, out = set(), []
    for b in bookings:
        key = (b["agreement"].lower(), int(b["leg"]))
        if key not in seen:
            seen.add(key)
            out.append(b)
    return out
