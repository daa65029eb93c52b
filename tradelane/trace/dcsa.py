"""A shipment's history as DCSA Track & Trace 2.2 events.

`export` returns the document written to file::

    {"format": "dcsa-tnt/2.2.0", "source": {...}, "events": [...], "omitted": [...]}

``events`` is exactly what DCSA's ``GET /v2/events`` returns (an array of transport,
equipment and shipment events) and validates against the 2.2.0 OpenAPI schemas;
``source`` names the chain, contract, shipment and hash-chain head it was read from.

Mapping: DEPA/ARRI are transport events with a ``transportCall`` (one call per leg end;
mode sea → VESSEL, rail → RAIL, road → TRUCK); GTIN, LOAD, DISC, GTOT, INSP and DROP are
equipment events (``LADEN``, ``eventLocation`` with the UN/LOCODE); RELS (customs release)
is a shipment event (``shipmentEventTypeCode`` RELS, ``documentTypeCode`` CUS). The
committed route's planned departures and arrivals are PLN transport events. Every
``eventID`` is a UUIDv5 of chain id, contract, shipment and sequence number, so exporting
twice gives the same ids. Times carry an explicit ``+00:00`` offset: the chain records UTC
and Tradelane has no time-zone data per UN/LOCODE.

DCSA has no mode for air: transport events of air legs are left out and listed in
``omitted``; their equipment events are kept without a ``transportCall``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Classifier, Code, iso
from . import onchain
from .ids import event_uuid, shipment_urn, with_offset

if TYPE_CHECKING:
    from ..client import Tradelane

__all__ = ["FORMAT", "export"]

FORMAT = "dcsa-tnt/2.2.0"
DCSA_MODES = {"sea": "VESSEL", "rail": "RAIL", "road": "TRUCK"}
FACILITY = {"sea": "POTE", "rail": "RAMP", "road": "DEPO"}
TRANSPORT = {Code.DEPA, Code.ARRI}


def export(tl: Tradelane, shipment_id: int) -> dict:
    """The DCSA document of `shipment_id` (see the module doc)."""
    view = tl.view(shipment_id)
    routes = onchain.routes(tl, shipment_id)
    events = tl.history(shipment_id)
    ref = shipment_urn(tl.chain.chain_id, tl.address, shipment_id)
    key = (tl.chain.chain_id, tl.address.lower(), shipment_id)
    out, omitted = [], []
    if routes:
        out.extend(_planned(key, ref, routes[-1]))
    for e in events:
        route = onchain.route_in_force(routes, (e.block_number, e.log_index))
        leg = route.legs[e.milestone.leg] if route else None
        if leg is None:
            omitted.append({"seq": e.seq, "reason": "no committed route before it"})
            continue
        event = _event(key, ref, e, leg)
        if event is None:
            omitted.append(
                {"seq": e.seq, "reason": f"DCSA has no transport mode for {leg['mode']}"}
            )
            continue
        out.append(event)
    return {
        "format": FORMAT,
        "source": {
            "chain_id": tl.chain.chain_id,
            "contract": tl.address,
            "shipment_id": shipment_id,
            "shipment": ref,
            "head": "0x" + view["head"].hex(),
            "milestones": view["milestones"],
        },
        "events": out,
        "omitted": omitted,
    }


def _base(event_id: str, created: int, happened: int, classifier: str, ref: str) -> dict:
    return {
        "eventID": event_id,
        "eventCreatedDateTime": iso(created),
        "eventClassifierCode": classifier,
        "eventDateTime": with_offset(happened),
        "documentReferences": [{"documentReferenceType": "BKG", "documentReferenceValue": ref}],
    }


def _call(key, leg_index: int, leg: dict, at_destination: bool) -> dict | None:
    mode = DCSA_MODES.get(leg["mode"])
    if mode is None:
        return None
    port = leg["destination"] if at_destination else leg["origin"]
    return {
        "transportCallID": event_uuid(*key, "call", leg_index, int(at_destination)),
        "transportCallSequenceNumber": 2 * leg_index + int(at_destination) + 1,
        "exportVoyageNumber": f"TL{key[2]}-{leg_index}",
        "UNLocationCode": port,
        "facilityTypeCode": FACILITY[leg["mode"]],
        "modeOfTransport": mode,
    }


def _planned(key, ref: str, route) -> list[dict]:
    out = []
    for i, leg in enumerate(route.legs):
        for code, ts, dest in (
            ("DEPA", leg["planned_departure"], False),
            ("ARRI", leg["planned_arrival"], True),
        ):
            call = _call(key, i, leg, dest)
            if call is None:
                continue
            event = _base(event_uuid(*key, "plan", route.route_hash, i, code), ts, ts, "PLN", ref)
            event.update(eventType="TRANSPORT", transportEventTypeCode=code, transportCall=call)
            out.append(event)
    return out


def _event(key, ref: str, e, leg: dict) -> dict | None:
    m = e.milestone
    classifier = Classifier(m.classifier).name
    event = _base(event_uuid(*key, e.seq), e.recorded_at, m.event_time, classifier, ref)
    at_destination = m.location == leg["destination"] and m.code not in (Code.DEPA, Code.LOAD)
    call = _call(key, m.leg, leg, at_destination)
    if m.code in TRANSPORT:
        if call is None:
            return None
        event.update(eventType="TRANSPORT", transportEventTypeCode=m.code.name, transportCall=call)
    elif m.code == Code.RELS:
        event.update(
            eventType="SHIPMENT",
            eventCreatedDateTime=with_offset(m.event_time),
            shipmentEventTypeCode="RELS",
            documentTypeCode="CUS",
            documentID=ref,
            reason=f"customs release at {m.location}",
        )
    else:
        event.update(
            eventType="EQUIPMENT",
            equipmentEventTypeCode=m.code.name,
            emptyIndicatorCode="LADEN",
            eventLocation={"UNLocationCode": m.location},
        )
        if call is not None:
            event["transportCall"] = call
    return event
