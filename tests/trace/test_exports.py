"""DCSA and EPCIS exports of every lifecycle validate against the official schemas."""

from __future__ import annotations

import copy
import json

import pytest
from trace_kit import STANDARDS, build, dcsa_errors

from tradelane.trace import dcsa, epcis, eventhash


def test_dcsa_validator_accepts_the_official_example(dcsa_validators):
    events = json.loads((STANDARDS / "example-v2.2.0-events.json").read_text())
    assert dcsa_errors(dcsa_validators, events) == []


def test_dcsa_validator_rejects_a_broken_event(dcsa_validators):
    events = json.loads((STANDARDS / "example-v2.2.0-events.json").read_text())
    broken = copy.deepcopy(events[0])
    del broken["transportCall"]
    broken["eventDateTime"] = "yesterday"
    assert dcsa_errors(dcsa_validators, [broken])


@pytest.mark.parametrize(
    "name",
    [
        "example-object-event.jsonld",
        "example-object-event-digital-link.jsonld",
        "example-aggregation-event.jsonld",
    ],
)
def test_epcis_validator_accepts_the_official_examples(epcis_validator, name):
    document = json.loads((STANDARDS / name).read_text())
    assert [e.message for e in epcis_validator.iter_errors(document)] == []


def test_epcis_validator_rejects_a_broken_event(epcis_validator):
    document = json.loads((STANDARDS / "example-object-event.jsonld").read_text())
    event = document["epcisBody"]["eventList"][0]
    del event["action"]
    event["eventTime"] = "2005-04-03 20:33"
    assert list(epcis_validator.iter_errors(document))


def test_dcsa_export_of_every_lifecycle_is_valid(tl, lifecycle, dcsa_validators):
    document = dcsa.export(tl, lifecycle.sid)

    assert dcsa_errors(dcsa_validators, document["events"]) == []
    assert document["events"], "at least the planned route events"
    ids = [e["eventID"] for e in document["events"]]
    assert len(set(ids)) == len(ids)
    assert dcsa.export(tl, lifecycle.sid)["events"] == document["events"]  # deterministic


def test_dcsa_maps_codes_to_the_right_event_types(tl, dcsa_validators):
    b = build(tl, "full")

    events = [e for e in dcsa.export(tl, b.sid)["events"] if e["eventClassifierCode"] != "PLN"]

    kinds = [
        e.get("transportEventTypeCode")
        or e.get("equipmentEventTypeCode")
        or e.get("shipmentEventTypeCode")
        for e in events
    ]
    assert kinds == [
        "GTIN",
        "LOAD",
        "DEPA",
        "ARRI",
        "ARRI",
        "DISC",
        "INSP",
        "RELS",
        "DEPA",
        "ARRI",
        "DROP",
    ]
    assert events[3]["eventClassifierCode"] == "EST"
    depa = events[2]
    assert depa["transportCall"]["UNLocationCode"] == "CNSHA"
    assert depa["transportCall"]["modeOfTransport"] == "VESSEL"
    assert depa["eventDateTime"].endswith("+08:00")  # local time in Shanghai
    assert events[7]["eventType"] == "SHIPMENT"


def test_dcsa_leaves_out_air_transport_events_and_says_so(tl):
    b = build(tl, "air_then_road")

    document = dcsa.export(tl, b.sid)

    assert {o["reason"] for o in document["omitted"]} == {"DCSA has no transport mode for air"}
    assert [o.get("planned") for o in document["omitted"][:2]] == ["DEPA", "ARRI"]  # planned
    assert len(document["omitted"]) == 5  # and DEPA, ARRI EST, ARRI recorded on the air leg


def test_epcis_export_of_every_lifecycle_is_valid(tl, lifecycle, epcis_validator):
    document = epcis.export(tl, lifecycle.sid)

    assert [e.message for e in epcis_validator.iter_errors(document)] == []
    events = document["epcisBody"]["eventList"]
    assert [e["eventID"] for e in events] == eventhash.document_event_ids(document)
    for event in events:
        assert event["eventID"].startswith("ni:///sha-256;")
        assert event["eventID"].endswith("?ver=CBV2.0")


def test_epcis_events_tell_the_items_story(tl):
    b = build(tl, "full")

    objects = epcis.export(tl, b.sid)["epcisBody"]["eventList"]

    assert {e["type"] for e in objects} == {"ObjectEvent"}  # no packing is claimed
    steps = [e["bizStep"] for e in objects]
    assert steps[:3] == ["accepting", "loading", "shipping"]
    assert steps[-1] == "receiving" and "arriving" in steps
    assert len(objects) == 10  # the EST arrival is a forecast, not an observation
    assert all(len(e["epcList"]) == 4 for e in objects)
    kinds = {t["type"] for t in objects[0]["bizTransactionList"]}
    assert kinds == {"urn:tradelane:btt:shipment", "urn:tradelane:btt:route"}
