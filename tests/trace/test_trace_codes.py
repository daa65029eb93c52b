"""Trace codes as a scanner, a label or a customer gives them: what each one reads as, or the
one-line error it gets. Element strings and Digital Links are read through biip."""

from __future__ import annotations

import pytest

from tradelane.errors import InputError
from tradelane.trace.codes import parse

G = "09506000134352"
SSCC = "106141411234567897"
ITEM = f"https://id.gs1.org/01/{G}/21/"
UNIT = f"https://id.gs1.org/00/{SSCC}"

# (input, canonical URI, attributes) — every spelling of the same identity parses alike.
READS = [
    (f"(01){G}(21)A1(17)271231", ITEM + "A1", {"17": "271231"}),
    (f"(01){G}(10)LOT(21)SER", ITEM + "SER", {"10": "LOT"}),
    (f"(01){G}(17)271231(10)L-7(21)SER", ITEM + "SER", {"17": "271231", "10": "L-7"}),
    (f"(01){G}(21)A1(11)250101(15)270630", ITEM + "A1", {"11": "250101", "15": "270630"}),
    (f"(01){G}(21)A1(7003)2712311200", ITEM + "A1", {"7003": "2712311200"}),
    (f"(01){G}(21)A1(99)INTERNAL", ITEM + "A1", {"99": "INTERNAL"}),
    (f"(01){G}(21)A1(21)A1", ITEM + "A1", {}),
    ("(01)9506000134352(21)A1", ITEM + "A1", {}),
    (f"(01){G}(21)A/B%1", ITEM + "A%2FB%251", {}),
    (f"01{G}21A1\x1d17271231", ITEM + "A1", {"17": "271231"}),
    (f"]C101{G}21A1\x1d10LOT", ITEM + "A1", {"10": "LOT"}),
    (f"]d201{G}17271231" + "21A1", ITEM + "A1", {"17": "271231"}),
    (f"https://id.gs1.org/01/{G}/21/A1", ITEM + "A1", {}),
    (f"https://id.gs1.org/01/{G}/10/LOT/21/SER", ITEM + "SER", {"10": "LOT"}),
    (f"https://id.gs1.org/01/{G}/22/V1/10/LOT/21/SER", ITEM + "SER", {"22": "V1", "10": "LOT"}),
    (f"HTTPS://ID.GS1.ORG/01/{G}/21/A1", ITEM + "A1", {}),
    (f"Https://Brand.Example.COM/01/{G}/21/A1", ITEM + "A1", {}),
    (f"http://brand.example/01/{G}/21/A1", ITEM + "A1", {}),
    (f"https://brand.example/shop/p/01/{G}/21/A1", ITEM + "A1", {}),
    ("https://id.gs1.org/01/9506000134352/21/A1", ITEM + "A1", {}),
    (f"https://id.gs1.org/gtin/{G}/lot/L1/ser/A1", ITEM + "A1", {"10": "L1"}),
    (f"https://id.gs1.org/01/{G}/21/A1?17=271231", ITEM + "A1", {"17": "271231"}),
    (f"https://id.gs1.org/01/{G}/21/A1?linkType=gs1:pip&17=271231", ITEM + "A1", {"17": "271231"}),
    (f"https://id.gs1.org/01/{G}/21/A1#section", ITEM + "A1", {}),
    (f"https://id.gs1.org/01/{G}/21/A%2FB%251", ITEM + "A%2FB%251", {}),
    (
        f"https://t.example/trace?code=https%3A%2F%2Fid.gs1.org%2F01%2F{G}%2F21%2FA1",
        ITEM + "A1",
        {},
    ),
    (
        f"https://t.example/trace?code=%2801%29{G}%2821%29A1%2817%29271231",
        ITEM + "A1",
        {"17": "271231"},
    ),
    (f"{G}/A1", ITEM + "A1", {}),
    (SSCC, UNIT, {}),
    (f"(00){SSCC}", UNIT, {}),
    (f"00{SSCC}", UNIT, {}),
    (f"(00){SSCC}(400)PO-4711", UNIT, {"400": "PO-4711"}),
    (UNIT, UNIT, {}),
    (f"https://brand.example/sscc/{SSCC}", UNIT, {}),
    (f"  {UNIT}  ", UNIT, {}),
]


@pytest.mark.parametrize(("code", "uri", "attributes"), READS, ids=[r[0][:60] for r in READS])
def test_code_reads_as(code, uri, attributes):
    item = parse(code)
    assert item.uri == uri
    assert dict(item.attributes) == attributes
    assert parse(item.element_string).uri == uri  # the element string it prints reads back


def test_serial_and_expiry_are_separate_fields():
    item = parse(f"(01){G}(21)A1(17)271231")
    assert (item.gtin, item.serial, item.attribute("17")) == (G, "A1", "271231")
    assert item.element_string == f"(01){G}(21)A1(17)271231"


ERRORS = [
    (
        f"https://id.gs1.org/00/{SSCC}/21/X",
        "not a valid GS1 Digital Link URI: Did not expect a qualifier",
    ),
    (f"https://id.gs1.org/21/A1/01/{G}", "qualifier /21/ comes before the primary key"),
    (f"https://id.gs1.org/01/{G}/21/A1/extra", "not a valid GS1 Digital Link URI"),
    (f"https://id.gs1.org/01/{G}", "needs a serial number (21)"),
    (f"https://id.gs1.org/01/{G}/10/LOT", "needs a serial number (21)"),
    ("https://id.gs1.org/414/4012345000115", "names no item"),
    ("https://example.com/about/us", "is not a GS1 Digital Link URI of an item"),
    (f"https://id.gs1.org/01/{G}/21/" + "x" * 21, "not a valid GS1 Digital Link URI"),
    (f"https://id.gs1.org/01/{G}/21/A1?17=271331", "AI (17)"),
    (
        "https://id.gs1.org/01/09506000134353/21/A1",
        "GTIN '09506000134353' has check digit 3, expected 2",
    ),
    (f"ftp://id.gs1.org/01/{G}/21/A1", "is not a trace code"),
    (f"(01){G}(21)A1(21)A2", "gives AI (21) twice: 'A1' and 'A2'"),
    (f"(01){G}(10)LOT", "needs a serial number (21)"),
    (f"(01){G}(21)A1(17)271331", "not a valid GS1 element string"),
    (f"(01){G}(21)A1(15)270230", "not a valid GS1 element string"),
    (f"(01){G}(21)A1(999)X", "Unknown GS1 Application Identifier '999'"),
    ("(01)09506000134353(21)A1", "GTIN '09506000134353' has check digit 3, expected 2"),
    ("(01)123(21)A1", "not a valid GS1 element string"),
    (f"(00){SSCC}(21)X", "an SSCC (00) takes no GTIN (01) or serial (21)"),
    (f"(00){SSCC}(01){G}", "an SSCC (00) takes no GTIN (01) or serial (21)"),
    ("(00)106141411234567898", "SSCC '106141411234567898' has check digit 8, expected 7"),
    ("106141411234567898", "SSCC '106141411234567898' has check digit 8, expected 7"),
    ("(414)4012345000115", "names no item"),
    ("(21)A1", "names no item"),
    (f"(01){G}(21)", "needs a serial number (21)"),
    (f"{G}/" + "y" * 21, "serial"),
    (f"{G}/A B", "serial 'A B'"),
    ("hello", "'hello' is not a trace code"),
    ("", "empty trace code"),
    ("   ", "empty trace code"),
]


@pytest.mark.parametrize(("code", "message"), ERRORS, ids=[e[0][:60] or "empty" for e in ERRORS])
def test_bad_code_is_one_line_naming_it(code, message):
    with pytest.raises(InputError) as err:
        parse(code)
    text = str(err.value)
    assert message in text
    assert "\n" not in text
    if code.strip():
        assert "'" in text  # the bad value is quoted


def test_at_least_forty_inputs_are_covered():
    assert len(READS) + len(ERRORS) >= 40


def test_an_items_file_keeps_every_ai_it_carries(tmp_path):
    from tradelane.trace.items import from_json, items_root, parse_items, prepare

    text = f"(00){SSCC}(400)PO-4711\n(01){G}(10)L-7(21)A1(17)271231\n{ITEM}A2?15=270630\n"
    (tmp_path / "items.txt").write_text(text)

    items, root = prepare(tmp_path / "items.txt")

    assert [dict(i.attributes) for i in items] == [
        {"400": "PO-4711"},
        {"10": "L-7", "17": "271231"},
        {"15": "270630"},
    ]
    assert items[1].parent == SSCC  # the only logistics unit
    assert from_json([i.to_json() for i in items]) == items  # the registry keeps them
    bare = parse_items(f"(00){SSCC}\n{ITEM}A1\n{ITEM}A2")
    assert items_root(bare) == root  # attributes are not part of the committed identity
