"""A shipment's history as DCSA Track & Trace 2.2 events.

`export` returns the document written to file::

    {"format": "dcsa-tnt/2.2.0", "source": {...}, "events": [...], "omitted": [...]}

``events`` is exactly what DCSA's ``GET /v2/events`` returns (transport, equipment and
shipment events) and validates against the 2.2.0 OpenAPI schemas; ``source`` names the
chain, contract, shipment and hash-chain head it was read from, and the off-chain
references (`tradelane.trace.references`) used, which the chain does not prove.

Mapping: DEPA/ARRI are transport events with a ``transportCall`` (one call per leg end;
mode sea → VESSEL with the vessel's IMO number, voyage and service code where the
references know them; rail → RAIL; road → TRUCK; barge → BARGE); GTIN, LOAD, DISC, GTOT,
INSP and DROP are equipment events (``LADEN``), one per container the shipment carries
(ISO 6346 numbers, check digit validated), or one without ``equipmentReference`` when
none is known; RELS (customs release) is a shipment event. The committed route's planned
departures and arrivals are PLN transport events.

Times: ``eventDateTime`` is local time at the event's location with its offset (the
place's time zone from `tradelane.trace.places`); ``eventCreatedDateTime`` is when the
event was created on chain: the block time of the milestone, or of the route commitment
for planned events (they exist from the moment the route is committed). Every
``eventID`` is a UUIDv5 of chain id, contract, shipment and what the event is, so
exporting twice gives the same ids. The booking reference is the references' booking,
or ``TL<chain>-<contract prefix>-<shipment>`` (DCSA allows 35 characters).

DCSA has no mode for air: the transport events of air legs — planned ones included — are
left out and listed in ``omitted``; their equipment events are kept without a
``transportCall``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Classifier, Code, iso
from . import onchain, places
from . import references as trace_references
from .ids import event_uuid, shipment_urn

if TYPE_CHECKING:
    from ..client import Tradelane

__all__ = ["FORMAT", "booking_reference", "export"]

FORMAT = "dcsa-tnt/2.2.0"
DCSA_MODES = {"sea": "VESSEL", "rail": "RAIL", "road": "TRUCK", "barge": "BARGE"}
FACILITY = {"sea": "POTE", "rail": "RAMP", "road": "DEPO", "barge": "POTE"}
TRANSPORT = {Code.DEPA, Code.ARRI}


def booking_reference(chain_id: int, contract: str, shipment_id: int, refs=None) -> str:
    """The DCSA carrier booking reference (<= 35 characters) of a shipment."""
    if refs is not None and refs.booking:
        return refs.booking
    return f"TL{chain_id}-{contract[2:10].upper()}-{shipment_id}"[:35]


class _Context:
    """What every event of one export shares."""

    def __init__(self, tl: Tradelane, shipment_id: int):
        self.tl = tl
        self.key = (tl.chain.chain_id, tl.address.lower(), shipment_id)
        self.refs = trace_references.load(tl, shipment_id)
        self.booking = booking_reference(tl.chain.chain_id, tl.address, shipment_id, self.refs)
        documents = [{"documentReferenceType": "BKG", "documentReferenceValue": self.booking}]
        for number in (self.refs.bill_of_lading, self.refs.air_waybill) if self.refs else ():
            if number:
                documents.append({"documentReferenceType": "TRD", "documentReferenceValue": number})
        self.documents = documents

    def block_time(self, block_number: int) -> int:
        return int(self.tl.chain.w3.eth.get_block(block_number)["timestamp"])


def export(tl: Tradelane, shipment_id: int) -> dict:
    """The DCSA document of `shipment_id` (see the module doc)."""
    view = tl.view(shipment_id)
    ctx = _Context(tl, shipment_id)
    routes = onchain.routes(tl, shipment_id)
    history = tl.history(shipment_id)
    out, omitted = [], []
    if routes:
        planned, skipped = _planned(ctx, routes[-1])
        out.extend(planned)
        omitted.extend(skipped)
    for e in history:
        route = onchain.route_in_force(routes, (e.block_number, e.log_index))
        leg = route.legs[e.milestone.leg] if route else None
        if leg is None:
            omitted.append({"seq": e.seq, "reason": "no committed route before it"})
            continue
        events = _events(ctx, e, leg)
        if not events:
            omitted.append(
                {"seq": e.seq, "reason": f"DCSA has no transport mode for {leg['mode']}"}
            )
        out.extend(events)
    return {
        "format": FORMAT,
        "source": {
            "chain_id": tl.chain.chain_id,
            "contract": tl.address,
            "shipment_id": shipment_id,
            "shipment": shipment_urn(tl.chain.chain_id, tl.address, shipment_id),
            "head": "0x" + view["head"].hex(),
            "milestones": len(history),
            "off_chain_references": ctx.refs.to_json() if ctx.refs else None,
        },
        "events": out,
        "omitted": omitted,
    }


def _base(ctx: _Context, event_id: str, created: int, at: str, happened: int, kind: str) -> dict:
    return {
        "eventID": event_id,
        "eventCreatedDateTime": iso(created),
        "eventClassifierCode": kind,
        "eventDateTime": places.local_iso(at, happened),
        "documentReferences": [dict(d) for d in ctx.documents],
    }


def _call(ctx: _Context, leg_index: int, leg: dict, at_destination: bool) -> dict | None:
    mode = DCSA_MODES.get(leg["mode"])
    if mode is None:
        return None
    refs = ctx.refs.leg(leg_index) if ctx.refs else None
    call = {
        "transportCallID": event_uuid(*ctx.key, "call", leg_index, int(at_destination)),
        "transportCallSequenceNumber": 2 * leg_index + int(at_destination) + 1,
        "exportVoyageNumber": (refs.voyage if refs and refs.voyage else None)
        or f"TL{ctx.key[2]}-{leg_index}",
        "UNLocationCode": leg["destination"] if at_destination else leg["origin"],
        "facilityTypeCode": FACILITY[leg["mode"]],
        "modeOfTransport": mode,
    }
    if refs and refs.service_code:
        call["carrierServiceCode"] = refs.service_code
    if refs and refs.vessel_imo and leg["mode"] == "sea":
        call["vessel"] = {"vesselIMONumber": refs.vessel_imo}
        if refs.vessel_name:
            call["vessel"]["vesselName"] = refs.vessel_name
    return call


def _planned(ctx: _Context, route) -> tuple[list[dict], list[dict]]:
    created = ctx.block_time(route.block_number)  # planned from the moment it was committed
    out, omitted = [], []
    for i, leg in enumerate(route.legs):
        for code, ts, dest in (
            ("DEPA", leg["planned_departure"], False),
            ("ARRI", leg["planned_arrival"], True),
        ):
            call = _call(ctx, i, leg, dest)
            if call is None:
                omitted.append(
                    {
                        "planned": code,
                        "leg": i,
                        "reason": f"DCSA has no transport mode for {leg['mode']}",
                    }
                )
                continue
            at = call["UNLocationCode"]
            event_id = event_uuid(*ctx.key, "plan", route.route_hash, i, code)
            event = _base(ctx, event_id, created, at, ts, "PLN")
            event.update(eventType="TRANSPORT", transportEventTypeCode=code, transportCall=call)
            out.append(event)
    return out, omitted


def _events(ctx: _Context, e, leg: dict) -> list[dict]:
    m = e.milestone
    classifier = Classifier(m.classifier).name
    at_destination = m.location == leg["destination"] and m.code not in (Code.DEPA, Code.LOAD)
    call = _call(ctx, m.leg, leg, at_destination)

    def base(*suffix) -> dict:
        event_id = event_uuid(*ctx.key, e.seq, *suffix)
        return _base(ctx, event_id, e.recorded_at, m.location, m.event_time, classifier)

    if m.code in TRANSPORT:
        if call is None:
            return []
        event = base()
        event.update(eventType="TRANSPORT", transportEventTypeCode=m.code.name, transportCall=call)
        return [event]
    if m.code == Code.RELS:
        event = base()
        transport_doc = ctx.refs and (ctx.refs.bill_of_lading or ctx.refs.air_waybill)
        event.update(
            eventType="SHIPMENT",
            shipmentEventTypeCode="RELS",
            documentTypeCode="CUS",
            documentID=transport_doc or ctx.booking,
            reason=f"customs release at {m.location}",
        )
        return [event]
    containers = ctx.refs.containers if ctx.refs and ctx.refs.containers else (None,)
    out = []
    for container in containers:
        event = base(container.number) if container else base()
        event.update(
            eventType="EQUIPMENT",
            equipmentEventTypeCode=m.code.name,
            emptyIndicatorCode="LADEN",
            eventLocation={"UNLocationCode": m.location},
        )
        if container:
            event["equipmentReference"] = container.number
            if container.iso_code:
                event["ISOEquipmentCode"] = container.iso_code
        if call is not None:
            event["transportCall"] = call
        out.append(event)
    return out
