"""A shipment's history as a GS1 EPCIS 2.0 JSON-LD document.

* One ``AggregationEvent`` per logistics unit (SSCC): its trade items packed into it
  (``ADD``, bizStep ``packing``), at the first actual milestone's time and place.
* One ``ObjectEvent`` per *actual* (ACT) milestone, observing every item and unit of the
  shipment, with CBV 2.0 bizStep / disposition (`STEPS`), ``readPoint`` = the UN/LOCODE
  (``urn:un:locode:XXXXX``), ``bizLocation`` = the same except while departing (in transit),
  ``bizTransactionList`` = the shipment (``po``) and its committed route hash, and the
  milestone's sequence number, transaction hash and carrier as ``tl:`` extensions.
  EST/PLN milestones are forecasts, not observations, and are left out.
* Every ``eventID`` is the CBV 2.0 event hash ``ni:///sha-256;<hex>?ver=CBV2.0`` (`event_hash`).

``eventTime`` is UTC with ``eventTimeZoneOffset`` ``+00:00``; ``recordTime`` is the block time.

Event hash, as implemented (CBV 2.0 §8.9 / the GS1 reference implementation): the pre-hash
string is ``eventType=…`` then, in canonical order, ``eventTime`` (UTC, milliseconds, ``Z``),
``eventTimeZoneOffset``, ``epcList``/``parentID``/``childEPCs`` (each child ``epc=…``, sorted),
``action``, ``bizStep`` and ``disposition`` as full CBV URIs
(``https://ref.gs1.org/cbv/BizStep-…``), ``readPoint``/``bizLocation`` (``id=…``),
``bizTransactionList`` (``bizTransaction=…type=<BTT URI>``, sorted), then user extensions as
``{namespace}name=value`` sorted; concatenated without separators, SHA-256 of the UTF-8.
Simplifications: identifiers are already canonical GS1 Digital Link URIs or URNs we mint,
so no EPC-URN → Digital Link conversion is done; sensor data, quantities, ILMD, source and
destination lists and error declarations are never produced, so they are not hashed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Classifier, Code, iso
from . import items as trace_items
from . import onchain
from .eventhash import document_event_ids
from .ids import locode_urn, route_urn, shipment_urn

if TYPE_CHECKING:
    from ..client import Tradelane

__all__ = ["CONTEXT", "STEPS", "export"]

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
TL_NS = "urn:tradelane:epcis:"
CBV = "https://ref.gs1.org/cbv/"
ROUTE_BTT = "urn:tradelane:btt:route"
#: Milestone code -> (CBV bizStep, CBV disposition). The first departure is "shipping".
STEPS = {
    Code.GTIN: ("accepting", "in_progress"),
    Code.LOAD: ("loading", "in_progress"),
    Code.DEPA: ("departing", "in_transit"),
    Code.ARRI: ("arriving", "in_transit"),
    Code.DISC: ("unloading", "in_progress"),
    Code.GTOT: ("departing", "in_transit"),
    Code.INSP: ("inspecting", "in_progress"),
    Code.RELS: ("inspecting", "conformant"),
    Code.DROP: ("receiving", "in_progress"),
}


def export(tl: Tradelane, shipment_id: int) -> dict:
    """The EPCIS 2.0 document of `shipment_id` (see the module doc)."""
    view = tl.view(shipment_id)
    items = trace_items.registered(tl, shipment_id) or []
    epcs = [i.uri for i in items]
    ref = shipment_urn(tl.chain.chain_id, tl.address, shipment_id)
    routes = onchain.routes(tl, shipment_id)
    actual = [e for e in tl.history(shipment_id) if e.milestone.classifier == Classifier.ACT]
    events = []
    if actual:
        events.extend(_aggregations(items, actual[0], ref))
    shipped = False
    for e in actual:
        route = onchain.route_in_force(routes, (e.block_number, e.log_index))
        first_departure = e.milestone.code == Code.DEPA and not shipped
        shipped = shipped or first_departure
        events.append(_object_event(e, epcs, ref, route, first_departure))
    document = {
        "@context": [CONTEXT, {"tl": TL_NS}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": iso(tl.chain.now()),
        "sender": tl.address,
        "instanceIdentifier": f"{ref}:head:0x{view['head'].hex()}",
        "epcisBody": {"eventList": events},
    }
    for event, event_id in zip(events, document_event_ids(document), strict=True):
        event["eventID"] = event_id
    return document


def _when(ts: int) -> dict:
    return {"eventTime": iso(ts), "eventTimeZoneOffset": "+00:00"}


def _transactions(ref: str, route) -> list[dict]:
    txs = [{"type": "po", "bizTransaction": ref}]
    if route is not None:
        txs.append({"type": ROUTE_BTT, "bizTransaction": route_urn(route.route_hash)})
    return txs


def _aggregations(items, first, ref: str) -> list[dict]:
    out = []
    for unit in (i for i in items if i.kind == "sscc"):
        children = [i.uri for i in items if i.parent == unit.sscc]
        if not children:
            continue
        out.append(
            {
                "type": "AggregationEvent",
                **_when(first.milestone.event_time),
                "parentID": unit.uri,
                "childEPCs": children,
                "action": "ADD",
                "bizStep": "packing",
                "disposition": "in_progress",
                "readPoint": {"id": locode_urn(first.milestone.location)},
                "bizLocation": {"id": locode_urn(first.milestone.location)},
                "bizTransactionList": [{"type": "po", "bizTransaction": ref}],
            }
        )
    return out


def _object_event(e, epcs: list[str], ref: str, route, first_departure: bool) -> dict:
    m = e.milestone
    step, disposition = STEPS[m.code]
    if first_departure:
        step = "shipping"
    event = {
        "type": "ObjectEvent",
        **_when(m.event_time),
        "recordTime": iso(e.recorded_at),
        "epcList": list(epcs),
        "action": "OBSERVE",
        "bizStep": step,
        "disposition": disposition,
        "readPoint": {"id": locode_urn(m.location)},
    }
    if m.code not in (Code.DEPA, Code.GTOT):
        event["bizLocation"] = {"id": locode_urn(m.location)}
    event["bizTransactionList"] = _transactions(ref, route)
    event["tl:seq"] = e.seq
    event["tl:txHash"] = e.tx_hash
    event["tl:carrier"] = e.carrier
    return event
