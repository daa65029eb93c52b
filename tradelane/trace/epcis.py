"""A shipment's history as a GS1 EPCIS 2.0 JSON-LD document.

* One ``ObjectEvent`` per *actual* (ACT) milestone, observing every item and logistics
  unit of the shipment (``epcList`` = their canonical GS1 Digital Link URIs), with CBV 2.0
  bizStep / disposition (`STEPS`). EST/PLN milestones are forecasts, not observations, and
  are left out. A shipment without GS1 identifiers has nothing to observe: the document
  then has no events and says why (``tl:note``) — no event has an empty ``epcList``. No
  packing (AggregationEvent) is claimed: Tradelane never observes one.
* ``eventTime`` is local time at the milestone's place with its real offset, and
  ``eventTimeZoneOffset`` that offset (`tradelane.trace.places`); ``recordTime`` is the
  block time (UTC).
* ``readPoint`` / ``bizLocation``: the GS1 Digital Link of the facility's GLN
  (``https://id.gs1.org/414/…``) where the shipment's references know one, otherwise a
  ``geo:lat,lon`` URI (RFC 5870) of the port; ``bizLocation`` is left out while departing
  (in transit).
* ``bizTransactionList``: the on-chain shipment (type ``urn:tradelane:btt:shipment``, a
  Tradelane-defined type: the escrowed shipment agreement is none of CBV's purchase order,
  invoice or despatch advice), the route in force (``urn:tradelane:btt:route``), and the
  bill of lading (CBV ``bol``) when the references give one.
* The milestone's sequence number, transaction hash and carrier are ``tl:`` extensions.
* Every ``eventID`` is the CBV 2.0 event hash, computed by
  `tradelane.trace.eventhash.document_event_ids` on this very document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Classifier, Code, iso
from . import items as trace_items
from . import onchain, places
from . import references as trace_references
from .eventhash import document_event_ids
from .ids import route_urn, shipment_urn

if TYPE_CHECKING:
    from ..client import Tradelane

__all__ = ["CONTEXT", "STEPS", "export"]

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
TL_NS = "urn:tradelane:epcis:"
ROUTE_BTT = "urn:tradelane:btt:route"
SHIPMENT_BTT = "urn:tradelane:btt:shipment"
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
    refs = trace_references.load(tl, shipment_id)
    ref = shipment_urn(tl.chain.chain_id, tl.address, shipment_id)
    routes = onchain.routes(tl, shipment_id)
    actual = [e for e in tl.history(shipment_id) if e.milestone.classifier == Classifier.ACT]
    events, shipped = [], False
    for e in actual if epcs else []:
        route = onchain.route_in_force(routes, (e.block_number, e.log_index))
        first_departure = e.milestone.code == Code.DEPA and not shipped
        shipped = shipped or first_departure
        events.append(
            _object_event(e, epcs, _transactions(ref, route, refs), refs, first_departure)
        )
    document = {
        "@context": [CONTEXT, {"tl": TL_NS}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": iso(tl.chain.now()),
        "sender": tl.address,
        "instanceIdentifier": f"{ref}:head:0x{view['head'].hex()}",
        "epcisBody": {"eventList": events},
    }
    if not epcs and actual:
        document["tl:note"] = (
            f"{len(actual)} actual milestones not exported: the shipment has no GS1 "
            "identifiers (item list) to observe"
        )
    for event, event_id in zip(events, document_event_ids(document), strict=True):
        event["eventID"] = event_id
    return document


def _transactions(ref: str, route, refs) -> list[dict]:
    txs = [{"type": SHIPMENT_BTT, "bizTransaction": ref}]
    if route is not None:
        txs.append({"type": ROUTE_BTT, "bizTransaction": route_urn(route.route_hash)})
    if refs is not None and refs.bill_of_lading:
        txs.append({"type": "bol", "bizTransaction": f"urn:tradelane:bol:{refs.bill_of_lading}"})
    return txs


def _object_event(e, epcs: list[str], transactions, refs, first_departure: bool) -> dict:
    m = e.milestone
    step, disposition = STEPS[m.code]
    if first_departure:
        step = "shipping"
    where = places.location_uri(m.location, refs.locations.get(m.location) if refs else None)
    event = {
        "type": "ObjectEvent",
        "eventTime": places.local_iso(m.location, m.event_time),
        "eventTimeZoneOffset": places.offset(m.location, m.event_time),
        "recordTime": iso(e.recorded_at),
        "epcList": list(epcs),
        "action": "OBSERVE",
        "bizStep": step,
        "disposition": disposition,
        "readPoint": {"id": where},
    }
    if m.code not in (Code.DEPA, Code.GTOT):
        event["bizLocation"] = {"id": where}
    event["bizTransactionList"] = transactions
    event["tl:seq"] = e.seq
    event["tl:txHash"] = e.tx_hash
    event["tl:carrier"] = e.carrier
    return event
