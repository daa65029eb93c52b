"""CBV 2.0 event hash IDs: the GS1 reference vectors, and invariance properties.

The vectors (tests/trace/standards/epcis-event-hash, MIT, see its SOURCE.md) go through
`eventhash.document_event_ids` — the function `epcis.export` fills ``eventID`` with.
"""

from __future__ import annotations

import copy
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trace_kit import STANDARDS

from tradelane.trace import canonical, epcis, eventhash

VECTORS = STANDARDS / "epcis-event-hash" / "reference-examples"


def _cases():
    for hashes in sorted(VECTORS.glob("*.hashes")):
        doc = next(
            p for p in (hashes.with_suffix(".jsonld"), hashes.with_suffix(".json")) if p.exists()
        )
        expected = [line for line in hashes.read_text().splitlines() if line]
        for i, value in enumerate(expected):
            yield pytest.param(doc, i, value, id=f"{doc.stem}-{i}")


CASES = list(_cases())


def test_all_43_reference_vectors_are_present():
    assert len(CASES) == 43


@pytest.mark.parametrize(("path", "index", "expected"), CASES)
def test_reference_vector(path, index, expected):
    document = json.loads(path.read_text())
    assert eventhash.document_event_ids(document)[index] == expected


def test_the_export_fills_event_ids_through_the_same_function():
    assert epcis.document_event_ids is eventhash.document_event_ids


# -- normalisation rules, one by one ------------------------------------------------------

BASE = {
    "type": "ObjectEvent",
    "eventTime": "2025-03-04T11:00:30.000+01:00",
    "eventTimeZoneOffset": "+01:00",
    "epcList": ["https://id.gs1.org/01/09506000134352/21/A1"],
    "action": "OBSERVE",
    "bizStep": "shipping",
    "disposition": "in_transit",
    "readPoint": {"id": "https://id.gs1.org/414/4012345000115"},
    "bizTransactionList": [
        {"type": "bol", "bizTransaction": "urn:tradelane:shipment:1:0xab:1"},
        {"type": "desadv", "bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:7"},
    ],
}


def h(event, ns=None):
    return eventhash.event_id(event, ns)


def test_biz_transactions_are_written_type_first_and_sorted():
    text = eventhash.pre_hash(BASE)
    assert (
        "bizTransactionListtype=https://ref.gs1.org/cbv/BTT-bolbizTransaction=urn:tradelane:"
        in text
    )
    assert text.index("BTT-bol") < text.index("BTT-desadv")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2023-02-02T11:04:03.1415Z", "2023-02-02T11:04:03.142Z"),
        ("2023-02-02T11:04:03.1414926Z", "2023-02-02T11:04:03.141Z"),
        ("2023-02-02T11:04:03.9996Z", "2023-02-02T11:04:04.000Z"),
        ("2023-12-31T23:59:59.9999+00:00", "2024-01-01T00:00:00.000Z"),
        ("2023-02-02T12:04:03+01:00", "2023-02-02T11:04:03.000Z"),
        ("2023-02-02T11:04:03.5Z", "2023-02-02T11:04:03.500Z"),
    ],
)
def test_times_are_utc_milliseconds_rounded_half_up(given, expected):
    assert eventhash.timestamp_text(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [("1.0", "1"), ("452.0", "452"), ("+012.50", "12.5"), ("0.18", "0.18"), ("-0.0", "0")],
)
def test_numbers_drop_superfluous_digits(given, expected):
    assert eventhash.number_text(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("urn:epc:id:sgtin:4012345.011111.9876", "https://id.gs1.org/01/04012345111118/21/9876"),
        ("urn:epc:id:sscc:4012345.0000000333", "https://id.gs1.org/00/040123450000003338"),
        ("urn:epc:id:sgln:4012345.00011.987", "https://id.gs1.org/414/4012345000115/254/987"),
        ("urn:epc:id:sgln:4012345.00011.0", "https://id.gs1.org/414/4012345000115"),
        (
            "urn:epc:class:lgtin:4012345.012345.Lot987",
            "https://id.gs1.org/01/04012345123456/10/Lot987",
        ),
        ("urn:epc:idpat:sgtin:4012345.012345.*", "https://id.gs1.org/01/04012345123456"),
        (
            "HTTPS://Brand.Example.COM/01/9506000134352/21/A1",
            "https://id.gs1.org/01/09506000134352/21/A1",
        ),
        (
            "https://id.gs1.de/gtin/09506000134352/lot/L1/ser/A1?x=1#f",
            "https://id.gs1.org/01/09506000134352/21/A1",
        ),
        (
            "http://example.com/shop/01/09506000134352/22/V2/10/L1",
            "https://id.gs1.org/01/09506000134352/10/L1",
        ),
        ("https://x.example/sscc/106141411234567897", "https://id.gs1.org/00/106141411234567897"),
    ],
)
def test_gs1_identifiers_normalise_to_the_constrained_digital_link(given, expected):
    assert canonical.canonical_id(given) == expected


@pytest.mark.parametrize(
    "text",
    [
        "urn:tradelane:shipment:1",
        "geo:51.9,4.1",
        "https://example.com/about",
        "urn:epc:id:sgtin:12.3.4",
    ],
)
def test_other_uris_are_left_alone(text):
    assert canonical.canonical_id(text) is None


def test_nested_extensions_keep_their_type_and_drop_comments():
    ns = {"ex": "https://ns.example.com/epcis/"}
    event = {**BASE, "ex:box": {"type": "crate", "ex:weight": 2.50, "comment": "x"}}
    text = eventhash.pre_hash(event, ns)
    assert (
        "{https://ns.example.com/epcis/}boxtype=crate{https://ns.example.com/epcis/}weight=2.5"
        in text
    )
    assert "comment" not in text


def test_comments_error_declarations_and_record_time_are_not_hashed():
    noisy = copy.deepcopy(BASE)
    noisy.update(
        {
            "comment": "x",
            "rdfs:comment": "y",
            "recordTime": "2030-01-01T00:00:00Z",
            "eventID": "ni:///sha-256;00?ver=CBV2.0",
            "errorDeclaration": {
                "declarationTime": "2030-01-01T00:00:00Z",
                "reason": "did_not_occur",
            },
        }
    )
    assert h(noisy) == h(BASE)


def test_extensions_inside_read_point_are_kept():
    ns = {"ex": "https://ns.example.com/epcis/"}
    marked = copy.deepcopy(BASE)
    marked["readPoint"]["ex:dock"] = "7"
    text = eventhash.pre_hash(marked, ns)
    assert (
        "readPointid=https://id.gs1.org/414/4012345000115{https://ns.example.com/epcis/}dock=7"
        in text
    )
    assert h(marked, ns) != h(BASE, ns)


def test_standard_fields_beyond_the_basics_change_the_hash():
    extras = {
        "quantityList": [
            {"epcClass": "urn:epc:class:lgtin:4012345.012345.L1", "quantity": 5, "uom": "KGM"}
        ],
        "persistentDisposition": {"set": ["recalled"]},
        "certificationInfo": "https://cert.example/1",
        "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00000"}],
        "destinationList": [
            {"type": "owning_party", "destination": "urn:epc:id:pgln:0614141.00000"}
        ],
        "ilmd": {"cbvmda:lotNumber": "L1"},
        "sensorElementList": [
            {"sensorReport": [{"type": "Temperature", "value": 4.5, "uom": "CEL"}]}
        ],
    }
    seen = {h(BASE)}
    for key, value in extras.items():
        event = {**BASE, key: value}
        text = eventhash.pre_hash(event)
        assert "object at 0x" not in text and "{'" not in text and "['" not in text
        seen.add(h(event))
    assert len(seen) == len(extras) + 1


# -- properties: equivalent serialisations give one ID -----------------------------------


def _shuffled(value, rng: random.Random):
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        items = [_shuffled(v, rng) for v in value]
        rng.shuffle(items)
        return items
    return value


EXAMPLES = [json.loads(c.values[0].read_text()) for c in CASES[::4]]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), which=st.integers(0, len(EXAMPLES) - 1))
def test_id_ignores_key_and_list_order(seed, which):
    document = EXAMPLES[which]
    shuffled = copy.deepcopy(document)
    for i, event in enumerate(eventhash.events_of(document)):
        eventhash.events_of(shuffled)[i] = _shuffled(event, random.Random(seed))
    assert eventhash.document_event_ids(shuffled) == eventhash.document_event_ids(document)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), which=st.integers(0, len(EXAMPLES) - 1))
def test_id_ignores_whitespace_and_json_layout(seed, which):
    document = EXAMPLES[which]
    rng = random.Random(seed)
    text = json.dumps(
        document, indent=rng.choice([None, 1, 4]), separators=rng.choice([None, (",", ":")])
    )
    padded = json.loads(text)
    for event in eventhash.events_of(padded):
        for key in ("bizStep", "action", "disposition"):
            if isinstance(event.get(key), str):
                event[key] = " " * rng.randint(0, 3) + event[key] + "\t" * rng.randint(0, 2)
    assert eventhash.document_event_ids(padded) == eventhash.document_event_ids(document)


GTINS = ["09506000134352", "04012345111118", "00614141111114"]


@settings(max_examples=80, deadline=None)
@given(
    gtin=st.sampled_from(GTINS),
    serial=st.from_regex(r"[A-Za-z0-9\-.]{1,12}", fullmatch=True),
    host=st.sampled_from(
        ["https://id.gs1.org", "HTTPS://ID.GS1.ORG", "http://brand.example", "https://id.gs1.de/x"]
    ),
    form=st.sampled_from(["ai", "short", "lot", "query", "urn"]),
)
def test_id_is_the_same_for_equivalent_uri_forms(gtin, serial, host, form):
    canonical_uri = f"https://id.gs1.org/01/{gtin}/21/{serial}"
    spelled = {
        "ai": f"{host}/01/{gtin}/21/{serial}",
        "short": f"{host}/gtin/{gtin.lstrip('0') if gtin.startswith('00') else gtin}/ser/{serial}",
        "lot": f"{host}/01/{gtin}/10/LOT1/21/{serial}",
        "query": f"{host}/01/{gtin}/21/{serial}?linkType=gs1:pip#top",
        "urn": f"urn:epc:id:sgtin:{gtin[1:8]}.{gtin[0]}{gtin[8:13]}.{serial}",
    }[form]
    a = {**BASE, "epcList": [canonical_uri]}
    b = {**BASE, "epcList": [spelled]}
    assert h(a) == h(b), (spelled, eventhash.pre_hash(b))


@settings(max_examples=60, deadline=None)
@given(
    value=st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False),
    trailing=st.integers(0, 3),
    as_string=st.booleans(),
)
def test_id_ignores_number_formatting(value, trailing, as_string):
    plain = format(value.normalize(), "f")
    padded = plain + ("" if "." in plain else ".") + "0" * trailing if trailing else plain
    report = {"type": "Temperature", "value": float(plain), "uom": "CEL"}
    other = {**report, "value": padded if as_string else float(padded)}
    a = {**BASE, "sensorElementList": [{"sensorReport": [report]}]}
    b = {**BASE, "sensorElementList": [{"sensorReport": [other]}]}
    assert h(a) == h(b)


@settings(max_examples=40, deadline=None)
@given(offset_minutes=st.integers(-12 * 60, 14 * 60).map(lambda m: m - m % 15))
def test_id_ignores_how_the_same_instant_is_written(offset_minutes):
    from datetime import UTC, datetime, timedelta, timezone

    instant = datetime(2025, 3, 4, 10, 0, 30, tzinfo=UTC)
    local = instant.astimezone(timezone(timedelta(minutes=offset_minutes)))
    b = {**BASE, "eventTime": local.isoformat()}
    assert h(b) == h(BASE)


@pytest.mark.parametrize(
    "spelling",
    [
        "shipping",
        "https://ref.gs1.org/cbv/BizStep-shipping",
        "urn:epcglobal:cbv:bizstep:shipping",
        "cbv:BizStep-shipping",
    ],
)
def test_id_is_the_same_for_every_spelling_of_a_cbv_term(spelling):
    assert h({**BASE, "bizStep": spelling}) == h(BASE)
