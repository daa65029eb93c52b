"""What the page reads beyond the shipment itself, each through one small function.

Names come from the address book (`tradelane.parties`), delivery odds from lane analytics
(`tradelane.analytics`), shipment references (containers, vessel, B/L, AWB) and the item
list from `tradelane.trace`. Each function degrades to what the page can show without that
part: a short address, no odds, no references.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Chance",
    "Names",
    "chance",
    "disputer",
    "items",
    "names",
    "pending_bookings",
    "references",
    "short_address",
    "terms",
    "timers",
]


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def short_address(address: str) -> str:
    return f"{address[:6]}…{address[-4:]}" if address and len(address) > 12 else address


class Names:
    """Address -> the name in the local address book, else a short address."""

    def __init__(self, book: Any = None):
        self._book = book

    def name(self, address: str) -> str | None:
        if self._book is None or not address:
            return None
        try:
            return self._book.name(address)
        except Exception:  # noqa: BLE001 - a broken address book must not break the page
            return None

    def label(self, address: str) -> str:
        """The book's label ('Meridian Container Line (carrier)', or a marked short address
        that warns of look-alikes); a short address without a book."""
        if self._book is not None and address:
            try:
                return self._book.label(address)
            except Exception:  # noqa: BLE001
                pass
        return short_address(address)


def names() -> Names:
    """The address book of this installation ($TRADELANE_HOME), when there is one."""
    parties = _module("tradelane.parties")
    if parties is None or not hasattr(parties, "AddressBook"):
        return Names()
    from ..files import home

    try:
        return Names(parties.AddressBook.load(home()))
    except Exception:  # noqa: BLE001 - unreadable book: fall back to addresses
        return Names()


@dataclass(frozen=True)
class Chance:
    """Lane analytics' odds of arriving by the deadline, and the delivery band."""

    probability: float  # 0..1
    early: int | None  # unix seconds: the band of likely delivery times
    late: int | None
    basis: str  # e.g. "412 past shipments on CNSHA-NLRTM"


def chance(tl: Any, status: Any) -> Chance | None:
    """Lane analytics' chance of arrival by the deadline, or None: no analytics (no index
    attached to the client, analytics not installed, or nothing left to predict)."""
    store = getattr(getattr(tl, "index", None), "store", None)
    arrival = _module("tradelane.analytics.arrival")
    if store is None or arrival is None:
        return None
    try:
        found = arrival.arrival_chance(status, store)
    except Exception:  # noqa: BLE001 - odds are a help, never a reason to fail the page
        return None
    if not found:
        return None
    basis = "from legs observed on chain"
    if found.get("fallback"):
        n = len(found["fallback"])
        basis = f"partly from the published schedule: {n} legs or hubs lack history"
    return Chance(
        float(found["p_on_time"]),
        _ts(found.get("arrival_p10")),
        _ts(found.get("arrival_p90")),
        basis,
    )


def _ts(text: str | None) -> int | None:
    from datetime import datetime

    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()) if text else None


def references(tl: Any, shipment_id: int) -> dict[str, str]:
    """Booking, B/L, AWB, containers and each leg's vessel/voyage, labelled for the page.

    They are claims by whoever entered them (`tradelane.trace.references`), not on chain.
    """
    module = _module("tradelane.trace.references")
    try:
        refs = module.load(tl, shipment_id) if module else None
    except Exception:  # noqa: BLE001 - a broken references file must not break the page
        return {}
    if refs is None:
        return {}
    rows = {
        "Booking": refs.booking,
        "Bill of lading": refs.bill_of_lading,
        "Air waybill": refs.air_waybill,
        "Containers": ", ".join(
            c.number + (f" ({c.iso_code})" if c.iso_code else "") for c in refs.containers
        ),
    }
    for leg in refs.legs:
        vessel = leg.vessel_name or ""
        if leg.vessel_imo:
            vessel += f" (IMO {leg.vessel_imo})" if vessel else f"IMO {leg.vessel_imo}"
        parts = [vessel, f"voyage {leg.voyage}" if leg.voyage else "", leg.service_code or ""]
        rows[f"Leg {leg.leg + 1}"] = ", ".join(p for p in parts if p)
    return {k: v for k, v in rows.items() if v}


def items(tl: Any, shipment_id: int) -> list[dict]:
    """The shipment's item list with trace codes, when this installation remembers it."""
    module = _module("tradelane.trace.items")
    if module is None:
        return []
    try:
        found = module.registered(tl, shipment_id) or []
    except Exception:  # noqa: BLE001
        return []
    return [
        {
            "kind": "Logistics unit (SSCC)" if i.kind == "sscc" else "Trade item (GTIN + serial)",
            "code": i.element_string,
            "uri": i.uri,
            "parent": i.parent,
        }
        for i in found
    ]


_TIMERS: dict[tuple[int, str, str], tuple[int, int]] = {}  # constants of a deployment


def timers(tl: Any) -> tuple[int, int]:
    """The deployment's grace period and arbiter timeout: read from the contract once per
    process (immutables; the app reads them when it opens the client). Keyed by the chain's
    genesis too: a dev node started afresh deploys again at the same address, perhaps with
    other timers."""
    key = (tl.chain.chain_id, tl.chain.genesis_hash, tl.address)
    if key not in _TIMERS:
        f = tl.contract.functions
        _TIMERS[key] = int(f.GRACE_PERIOD().call()), int(f.ARBITER_TIMEOUT().call())
    return _TIMERS[key]


def terms(tl: Any, status: Any):
    """The contract's timers and both payees' credit still to withdraw: from the index as of
    the block the status was read at, when one is attached (no node call), else the chain."""
    from .money import Terms

    grace, timeout = timers(tl)
    payee = status.receiver if status.receiver and int(status.receiver, 16) else status.seller
    credit = tl.index.credit if tl.index is not None else tl.credit
    return Terms(
        grace_period=grace,
        arbiter_timeout=timeout,
        buyer_credit=credit(status.buyer, status.token),
        payee_credit=credit(payee, status.token),
    )


def disputer(tl: Any, status: Any) -> str | None:
    """Who opened the shipment's dispute (None when there was none)."""
    if not status.disputed_at:
        return None
    if tl.index is not None:
        return tl.index.disputer(status.shipment_id)
    logs = tl.logs("DisputeOpened", shipmentId=status.shipment_id)
    return logs[-1]["args"]["by"] if logs else None


def pending_bookings(tl: Any, status: Any) -> tuple[int, ...]:
    """Legs whose carrier has not confirmed its booking yet (contracts that track bookings),
    checked only before the first milestone: after it, the route is under way."""
    from ..model import State

    if status.state != State.ROUTED or status.milestone_count or not status.legs:
        return ()
    try:
        if tl.index is not None:
            view = tl.index.snapshot(status.shipment_id, with_history=False)[0]
        else:
            view = tl.view(status.shipment_id)
        confirmed = int(view.get("confirmedLegs", -1))
    except Exception:  # noqa: BLE001 - a contract without bookings
        return ()
    if confirmed < 0:
        return ()
    return tuple(i for i in range(len(status.legs)) if not confirmed >> i & 1)
