"""What the pages and the API read, in one place: shipment, live summary, exports, trace, party.

Each function takes a ready `Tradelane` whose event index is attached and caught up
(`Backend.use`) and raises `NotFoundError` / `InputError` / `FeatureUnavailable`; the app turns
those into 404 / 400 / 501. Statuses, party lists and the live summary are index lookups
(their cost does not grow with the chain); exports and trace lookups still read the chain,
so the proof they carry is checked against it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib
import re
from typing import Any

from web3 import Web3

from ..client import Tradelane
from ..errors import InputError, NotFoundError
from ..model import ShipmentStatus, State
from .app import FeatureUnavailable

__all__ = [
    "export",
    "jsonable",
    "live",
    "lookup_target",
    "party_address",
    "party_page",
    "party_shipments",
    "shipment_status",
    "trace",
]

EXPORTS = {"bundle": "build_bundle", "dcsa": "export", "epcis": "export"}
_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
MAX_PARTY_ROWS = 200


def _check_id(tl: Tradelane, shipment_id: int) -> None:
    count = tl.index.count() if tl.index is not None else tl.count()
    if shipment_id < 1 or shipment_id > count:
        raise NotFoundError(
            f"there is no shipment {shipment_id} on chain {tl.chain.chain_id} "
            f"(contract {tl.address})"
        )


def shipment_status(tl: Tradelane, shipment_id: int) -> ShipmentStatus:
    """The buyer's view of a shipment (from the index), its hash chain checked link by link."""
    _check_id(tl, shipment_id)
    return tl.status(shipment_id)


def live(tl: Tradelane, shipment_id: int) -> dict:
    """A few fields that change whenever anything happens to the shipment, and a version tag.

    One index lookup: cheap enough to poll every few seconds.
    """
    _check_id(tl, shipment_id)
    if tl.index is not None:
        v, _events, now = tl.index.snapshot(shipment_id, with_history=False)
    else:
        v, now = tl.view(shipment_id), tl.chain.now()

    state = State(v["state"])
    parts = (
        state.label,
        v["milestones"],
        v["head"].hex(),
        v["routeHash"].hex(),
        v["itemsRoot"].hex(),
        v["held"],
        v["released"],
        v["refunded"],
    )
    version = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    return {
        "shipment_id": shipment_id,
        "state": state.label,
        "final": state.final,
        "milestones": int(v["milestones"]),
        "head": "0x" + v["head"].hex(),
        "version": version,
        "chain_time": now,
    }


def _trace_module(name: str):
    try:
        return importlib.import_module(f"tradelane.trace.{name}")
    except ModuleNotFoundError as err:
        raise FeatureUnavailable(
            f"the traceability module tradelane.trace.{name} is not installed"
        ) from err


def export(tl: Tradelane, shipment_id: int, kind: str) -> dict:
    """The proof bundle, DCSA events or EPCIS document of a shipment."""
    _check_id(tl, shipment_id)
    module = _trace_module(kind)
    return getattr(module, EXPORTS[kind])(tl, shipment_id)


def trace(tl: Tradelane, code: str) -> Any:
    """`tradelane.trace.lookup.trace`: the item, its Merkle proof and the shipment's history."""
    code = (code or "").strip()
    if not code:
        raise InputError("no trace code given: scan an item's QR code or type its code")
    if len(code) > 2048:
        raise InputError("that trace code is too long to be a GS1 Digital Link")
    return _trace_module("lookup").trace(tl, code)  # NotFoundError when no shipment holds it


def party_address(text: str) -> str:
    text = (text or "").strip()
    if not _ADDRESS.match(text):
        raise InputError(f"'{text[:60]}' is not an Ethereum address (0x followed by 40 hex digits)")
    return Web3.to_checksum_address(text)


def party_shipments(
    tl: Tradelane, address: str, *, before: int | None = None, limit: int = MAX_PARTY_ROWS
) -> list[tuple[str, ShipmentStatus]]:
    """(role, status without history) of `address`'s shipments as buyer or seller, newest
    first: at most `limit`, only ids below `before` when given (the next page)."""
    return party_page(tl, address, before=before, limit=limit)["rows"]


def party_page(
    tl: Tradelane, address: str, *, before: int | None = None, limit: int = MAX_PARTY_ROWS
) -> dict:
    """One page of a party's shipments: {"rows": [(role, status)], "total": how many in all,
    "next_before": the `before` of the next page, or None on the last}."""
    address = party_address(address)
    if not 1 <= limit <= MAX_PARTY_ROWS:
        raise InputError(f"page size {limit} must be between 1 and {MAX_PARTY_ROWS}")
    if tl.index is None:  # no index: read the chain (every shipment of the party)
        every = tl.shipments_of(address)
        ids = [i for i in reversed(every) if before is None or i < before][: limit + 1]
        total = len(every)
    else:
        ids = tl.index.shipments_of(address, limit=limit + 1, before=before, newest_first=True)
        total = tl.index.count_of(address)
    more, ids = len(ids) > limit, ids[:limit]
    rows = []
    with tl.index.prefetch(ids) if tl.index is not None else contextlib.nullcontext():
        for shipment_id in ids:
            status = tl.status(shipment_id, with_history=False)
            role = "buyer" if status.buyer == address else "seller"
            if status.buyer == address and status.seller == address:
                role = "buyer and seller"
            rows.append((role, status))
    return {"rows": rows, "total": total, "next_before": ids[-1] if more else None}


def lookup_target(query: str) -> str:
    """Where the lookup box sends `query`: a shipment, a party or the trace page."""
    from urllib.parse import quote

    q = (query or "").strip()
    if not q:
        raise InputError("type a shipment number, a trace code or a party address")
    bare = q.lstrip("#")
    if bare.isdigit() and len(bare) <= 12:
        if int(bare) < 1:
            raise InputError(f"'{q}' is not a shipment number (they start at 1)")
        return f"/shipment/{int(bare)}"
    if _ADDRESS.match(q):
        return f"/party/{Web3.to_checksum_address(q)}"
    if q.lower().startswith("0x"):
        raise InputError(f"'{q[:60]}' is not an Ethereum address (0x followed by 40 hex digits)")
    return f"/trace?code={quote(q, safe='')}"


def jsonable(value: Any) -> Any:
    """A trace result (dataclasses, items, bytes, statuses) as plain JSON values."""
    if hasattr(value, "to_json"):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    return value
