"""GS1 check digits, trace-code spellings, item lists and the Merkle tree (no chain needed)."""

from __future__ import annotations

import json

import pytest
from eth_abi import encode as abi_encode
from eth_utils import keccak

from tradelane.errors import InputError
from tradelane.trace import merkle
from tradelane.trace.codes import check_digit, parse, valid_gtin, valid_sscc
from tradelane.trace.items import parse_items, prepare


@pytest.mark.parametrize(
    "code", ["09506000134352", "9506000134352", "4006381333931", "036000291452", "96385074"]
)
def test_valid_gtins_pass_the_check_digit(code):
    assert valid_gtin(code)


@pytest.mark.parametrize("code", ["09506000134353", "4006381333932", "1234", "95060001343AB"])
def test_malformed_gtins_fail(code):
    assert not valid_gtin(code)


def test_sscc_check_digit():
    assert valid_sscc("106141411234567897")
    assert not valid_sscc("106141411234567898")
    assert check_digit("10614141123456789") == "7"


@pytest.mark.parametrize(
    "spelling",
    [
        "https://id.gs1.org/01/09506000134352/21/SN-001",
        "https://brand.example.com/01/09506000134352/21/SN-001?linkType=all",
        "(01)09506000134352(21)SN-001",
        "(01)9506000134352(21)SN-001",
        "09506000134352/SN-001",
        "https://trace.example/trace?code=https%3A%2F%2Fid.gs1.org%2F01%2F09506000134352%2F21%2FSN-001",
    ],
)
def test_every_spelling_parses_to_the_canonical_uri(spelling):
    assert parse(spelling).uri == "https://id.gs1.org/01/09506000134352/21/SN-001"


def test_sscc_spellings():
    for spelling in (
        "106141411234567897",
        "(00)106141411234567897",
        "https://id.gs1.org/00/106141411234567897",
    ):
        assert parse(spelling).uri == "https://id.gs1.org/00/106141411234567897"


def test_serial_with_reserved_characters_is_percent_encoded():
    item = parse("(01)09506000134352(21)A/B%1")
    assert item.uri == "https://id.gs1.org/01/09506000134352/21/A%2FB%251"
    assert parse(item.uri) == item


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("(01)09506000134353(21)X", "GTIN '09506000134353' has check digit 3, expected 2"),
        ("106141411234567898", "SSCC '106141411234567898' has check digit 8, expected 7"),
        ("https://id.gs1.org/01/09506000134352", "needs a serial number (21)"),
        ("hello", "'hello' is not a trace code"),
        ("(01)09506000134352(21)" + "x" * 21, "AI (21)"),
    ],
)
def test_bad_codes_raise_one_clear_line(code, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        parse(code)
    assert "\n" not in str(err.value)


def test_item_lists_in_every_shape_agree(tmp_path):
    text = "# items\nhttps://id.gs1.org/00/106141411234567897\n(01)09506000134352(21)A\n"
    csv = "gtin,serial,parent\n09506000134352,A,106141411234567897\n"
    js = json.dumps({"items": ["106141411234567897", {"gtin": "09506000134352", "serial": "A"}]})
    roots = []
    for name, body in (("a.txt", text), ("b.json", js)):
        (tmp_path / name).write_text(body)
        items, root = prepare(tmp_path / name)
        assert [i.kind for i in items] == ["sscc", "sgtin"]
        assert items[1].parent == "106141411234567897"  # the only SSCC is the default parent
        roots.append(root)
    assert roots[0] == roots[1]
    (tmp_path / "c.csv").write_text("sscc\n106141411234567897\n")
    (tmp_path / "d.csv").write_text(csv)
    with pytest.raises(InputError, match="parent SSCC 106141411234567897, not listed"):
        prepare(tmp_path / "d.csv")


def test_item_list_errors_name_the_file_and_entry(tmp_path):
    with pytest.raises(InputError, match="item 2: GTIN '09506000134353'"):
        parse_items("(01)09506000134352(21)A\n(01)09506000134353(21)B", source="x")
    with pytest.raises(InputError, match="listed twice"):
        parse_items("(01)09506000134352(21)A\nhttps://id.gs1.org/01/09506000134352/21/A")
    with pytest.raises(InputError, match="does not exist"):
        prepare(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="not valid JSON"):
        parse_items("[1,", source="x")


def test_leaf_is_openzeppelin_standard_tree_encoding():
    uri = "https://id.gs1.org/00/106141411234567897"
    assert merkle.leaf(uri) == keccak(keccak(abi_encode(["string"], [uri])))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 9, 16, 33])
def test_every_item_has_a_proof_that_verifies_and_no_outsider_does(n):
    uris = [f"https://id.gs1.org/01/09506000134352/21/S{i}" for i in range(n)]
    root = merkle.root(uris)
    for uri in uris:
        assert merkle.verify(merkle.proof(uris, uri), root, uri)
    outsider = "https://id.gs1.org/01/09506000134352/21/NOPE"
    assert not merkle.verify(merkle.proof(uris, uris[0]), root, outsider)
    assert merkle.root(list(reversed(uris))) == root  # order-independent


def test_no_items_is_the_zero_root():
    assert merkle.root([]) == bytes(32)
