"""What the schemas do not check: DCSA and EPCIS timestamps, offsets, lengths and code lists,
off-chain references (containers, vessel, B/L) and their check digits."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from trace_kit import build, dcsa_errors

from tradelane.errors import InputError
from tradelane.model import Code
from tradelane.trace import dcsa, epcis, references
from tradelane.trace.canonical import gs1_check_digit

ZONES = {"CNSHA": "Asia/Shanghai", "NLRTM": "Europe/Amsterdam", "DEHAM": "Europe/Berlin"}
REFS = {
    "bill_of_lading": "MAEU245678901",
    "containers": ["CSQU3054383", {"number": "MSKU9070323", "iso_code": "45G1"}],
    "legs": [
        {
            "leg": 0,
            "vessel_imo": "9321483",
            "vessel_name": "EMMA MAERSK",
            "voyage": "245W",
            "service_code": "AE7",
        }
    ],
    "locations": {"NLRTM": "8712345000004"},
}
EQUIPMENT_CODES = {"LOAD", "DISC", "GTIN", "GTOT", "STUF", "STRP", "PICK", "DROP", "INSP"}
FACILITIES = {"BOCR", "CLOC", "COFS", "COYA", "OFFD", "DEPO", "INTE", "POTE", "RAMP"}
CBV_STEPS = {"accepting", "loading", "shipping", "departing", "arriving", "unloading"}
CBV_STEPS |= {"inspecting", "receiving"}
CBV_DISPOSITIONS = {"in_progress", "in_transit", "conformant"}
CBV_BTT = {"bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma"}


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _offset_at(locode: str, when: datetime) -> str:
    return when.astimezone(ZoneInfo(ZONES[locode])).isoformat()[-6:]


@pytest.fixture
def shipped(tl):
    """The full sea/road lifecycle with off-chain references."""
    b = build(tl, "full")
    references.save(tl, b.sid, references.parse_references(REFS))
    return b


def test_dcsa_times_are_local_with_the_places_offset_and_created_when_recorded(tl, shipped):
    document = dcsa.export(tl, shipped.sid)
    now = tl.chain.now()
    commit_block = tl.chain.w3.eth.get_block(
        next(iter(tl.logs("RouteCommitted", shipmentId=shipped.sid)))["blockNumber"]
    )
    recorded = {e.seq: e for e in tl.history(shipped.sid)}
    for event in document["events"]:
        happened = _parse(event["eventDateTime"])
        created = _parse(event["eventCreatedDateTime"])
        place = event.get("transportCall", {}).get("UNLocationCode") or event.get(
            "eventLocation", {}
        ).get("UNLocationCode")
        if place is None:  # the customs release: a shipment event at NLRTM
            place = "NLRTM"
        assert event["eventDateTime"][-6:] == _offset_at(place, happened), event
        assert created.timestamp() <= now, "no event is created in the future"
        if event["eventClassifierCode"] == "PLN":
            assert created.timestamp() == commit_block["timestamp"]  # planned when committed
    rels = next(e for e in document["events"] if e["eventType"] == "SHIPMENT")
    rels_milestone = next(e for e in recorded.values() if e.milestone.code.name == "RELS")
    assert _parse(rels["eventCreatedDateTime"]).timestamp() == rels_milestone.recorded_at
    offsets = {e["eventDateTime"][-6:] for e in document["events"]}
    assert "+08:00" in offsets and offsets & {"+01:00", "+02:00"}


def test_dcsa_lengths_and_code_lists(tl, shipped, dcsa_validators):
    document = dcsa.export(tl, shipped.sid)
    events = document["events"]

    assert dcsa_errors(dcsa_validators, events) == []
    for event in events:
        assert event["eventClassifierCode"] in {"PLN", "ACT", "EST"}
        for ref in event["documentReferences"]:
            limit = 35 if ref["documentReferenceType"] == "BKG" else 20
            assert len(ref["documentReferenceValue"]) <= limit
        call = event.get("transportCall")
        if call:
            assert call["facilityTypeCode"] in FACILITIES
            assert call["modeOfTransport"] in {"VESSEL", "RAIL", "TRUCK"}
            assert len(call["exportVoyageNumber"]) <= 50
            assert re.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}", call["UNLocationCode"])
        if event["eventType"] == "TRANSPORT":
            assert event["transportEventTypeCode"] in {"ARRI", "DEPA"}
        if event["eventType"] == "EQUIPMENT":
            assert event["equipmentEventTypeCode"] in EQUIPMENT_CODES
            assert references.check_container(event["equipmentReference"])
    ids = [e["eventID"] for e in events]
    assert len(set(ids)) == len(ids)


def test_dcsa_uses_the_references(tl, shipped):
    events = dcsa.export(tl, shipped.sid)["events"]

    gate_in = [e for e in events if e.get("equipmentEventTypeCode") == "GTIN"]
    assert [e["equipmentReference"] for e in gate_in] == ["CSQU3054383", "MSKU9070323"]
    assert gate_in[1]["ISOEquipmentCode"] == "45G1"
    sea = [e for e in events if e.get("transportCall", {}).get("modeOfTransport") == "VESSEL"]
    assert sea and all(e["transportCall"]["vessel"]["vesselIMONumber"] == "9321483" for e in sea)
    assert all(e["transportCall"]["carrierServiceCode"] == "AE7" for e in sea)
    assert all(e["transportCall"]["exportVoyageNumber"] == "245W" for e in sea)
    road = [e for e in events if e.get("transportCall", {}).get("modeOfTransport") == "TRUCK"]
    assert road and all("vessel" not in e["transportCall"] for e in road)
    trd = {r["documentReferenceValue"] for r in events[0]["documentReferences"]}
    assert "MAEU245678901" in trd
    rels = next(e for e in events if e["eventType"] == "SHIPMENT")
    assert rels["documentID"] == "MAEU245678901"


def test_dcsa_booking_reference_fits_without_references(tl):
    b = build(tl, "full")
    events = dcsa.export(tl, b.sid)["events"]
    booking = {r["documentReferenceValue"] for e in events for r in e["documentReferences"]}
    assert len(booking) == 1 and len(booking.pop()) <= 35
    gate_in = [e for e in events if e.get("equipmentEventTypeCode") == "GTIN"]
    assert len(gate_in) == 1 and "equipmentReference" not in gate_in[0]


def test_epcis_offsets_locations_and_transactions(tl, shipped, epcis_validator):
    document = epcis.export(tl, shipped.sid)
    events = document["epcisBody"]["eventList"]

    assert [e.message for e in epcis_validator.iter_errors(document)] == []
    assert events
    for event in events:
        assert event["type"] == "ObjectEvent"
        assert event["epcList"]
        when = _parse(event["eventTime"])
        assert event["eventTime"][-6:] == event["eventTimeZoneOffset"]
        assert _parse(event["recordTime"]) >= when
        read_point = event["readPoint"]["id"]
        assert not read_point.startswith("urn:un:locode")
        if read_point.startswith("https://id.gs1.org/414/"):
            gln = read_point.rsplit("/", 1)[1]
            assert gln == "8712345000004" and gln[-1] == gs1_check_digit(gln[:-1])
        else:
            lat, lon = map(float, re.fullmatch(r"geo:(-?[\d.]+),(-?[\d.]+)", read_point).groups())
            assert -90 <= lat <= 90 and -180 <= lon <= 180
        assert event["bizStep"] in CBV_STEPS
        assert event["disposition"] in CBV_DISPOSITIONS
        for tx in event["bizTransactionList"]:
            assert tx["type"] != "po"
            assert tx["type"] in CBV_BTT or tx["type"].startswith("urn:tradelane:btt:")
    offsets = {e["eventTimeZoneOffset"] for e in events}
    assert "+08:00" in offsets and offsets & {"+01:00", "+02:00"}
    rotterdam = [e for e in events if "414" in e["readPoint"]["id"]]
    assert rotterdam, "the GLN given for NLRTM is used"
    assert {"type": "bol", "bizTransaction": "urn:tradelane:bol:MAEU245678901"} in events[0][
        "bizTransactionList"
    ]


def test_epcis_without_items_has_no_empty_event(tl):
    b = build(tl, "no_items_routed")
    b.step("carrier1", 0, Code.GTIN, "CNSHA")

    document = epcis.export(tl, b.sid)

    assert document["epcisBody"]["eventList"] == []
    assert "no GS1 identifiers" in document["tl:note"]


# -- the references themselves --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"containers": ["CSQU3054384"]}, "check digit 4, expected 3"),
        ({"containers": ["CSQ3054383"]}, "is not ISO 6346"),
        ({"containers": ["CSQU3054383", "csqu3054383"]}, "listed twice"),
        ({"containers": [{"number": "CSQU3054383", "iso_code": "45G"}]}, "size/type"),
        ({"legs": [{"leg": 0, "vessel_imo": "9321484"}]}, "check digit 4, expected 3"),
        ({"legs": [{"leg": 0, "vessel_imo": "932148"}]}, "must be 7 digits"),
        ({"legs": [{"leg": 0, "service_code": "TOOLONG"}]}, "service_code"),
        ({"legs": [{"leg": 1.0}]}, "leg must be a whole number"),
        ({"legs": [{"leg": 0, "vessel_name": "X" * 36}]}, "35 characters"),
        ({"air_waybill": "020-12345676"}, "check digit 6, expected 5"),
        ({"air_waybill": "20-1234567"}, "3-digit airline prefix"),
        ({"bill_of_lading": "B" * 21}, "1-20 letters or digits"),
        ({"booking": "B" * 36}, "1-35"),
        ({"locations": {"NLRTM": "8712345000005"}}, "GLN '8712345000005'"),
        ({"vessel": "x"}, "unknown field(s) vessel"),
        ({"legs": [{"leg": 0, "imo": "9321483"}]}, "unknown field(s) imo"),
        ([], "must be a JSON object"),
    ],
)
def test_bad_references_are_refused_with_one_line(data, message):
    with pytest.raises(InputError) as err:
        references.parse_references(data)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_references_round_trip_through_the_store(tl, shipped):
    loaded = references.load(tl, shipped.sid)
    assert loaded == references.parse_references(REFS)
    assert loaded.to_json()["containers"][1] == {"number": "MSKU9070323", "iso_code": "45G1"}
    assert references.load(tl, shipped.sid + 1000) is None


def test_service_codes_come_from_the_proposed_route():
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from routing.model import Leg

    when = datetime(2026, 12, 1, tzinfo=UTC)
    legs = [
        Leg("CNSHA", "NLRTM", "sea", "Meridian", "MCL-AE1", when, when, 1.0, 1.0, 1.0),
        Leg("NLRTM", "DEHAM", "road", "Truck Co", "TRK-NL-DE", when, when, 1.0, 1.0, 1.0),
    ]

    route = SimpleNamespace(legs=legs)  # what from_route reads of a routing.Route
    base = references.parse_references({"legs": [{"leg": 0, "vessel_imo": "9321483"}]})

    refs = references.from_route(route, base)

    assert [(x.leg, x.service_code, x.vessel_imo) for x in refs.legs] == [(0, "AE1", "9321483")]


def test_every_lifecycle_keeps_local_offsets_and_no_future_creation(tl, lifecycle):
    dcsa_events = dcsa.export(tl, lifecycle.sid)["events"]
    epcis_events = epcis.export(tl, lifecycle.sid)["epcisBody"]["eventList"]
    now = tl.chain.now()

    for event in dcsa_events:
        place = (event.get("transportCall") or event.get("eventLocation") or {}).get(
            "UNLocationCode", "NLRTM"
        )
        happened = _parse(event["eventDateTime"])
        assert event["eventDateTime"][-6:] == _offset_at(place, happened)
        assert _parse(event["eventCreatedDateTime"]).timestamp() <= now
    for event in epcis_events:
        assert event["epcList"] and event["type"] == "ObjectEvent"
        assert event["eventTime"][-6:] == event["eventTimeZoneOffset"]


def test_places_have_real_time_zones_and_documented_uris():
    from tradelane.trace import places

    january, july = 1767225600, 1782864000  # 2026-01-01 and 2026-07-01, 00:00 UTC
    assert places.time_zone("NLRTM") == "Europe/Amsterdam"
    assert (places.offset("NLRTM", january), places.offset("NLRTM", july)) == ("+01:00", "+02:00")
    assert places.local_iso("CNSHA", january) == "2026-01-01T08:00:00+08:00"
    assert places.location_uri("NLRTM").startswith("geo:51.9")
    assert places.location_uri("NLRTM", "8712345000004") == "https://id.gs1.org/414/8712345000004"
    assert places.location_uri("XXZZZ") == "urn:tradelane:locode:XXZZZ"  # not in the network
    assert places.offset("XXZZZ", july) == "+00:00"
