"""Operators' CSV/JSON networks: loading, merging, and errors naming file, line and value."""

from __future__ import annotations

import json

import pytest

import routing
from routing.errors import NetworkDataError
from routing.network import REFERENCE_DIR

EXAMPLES = REFERENCE_DIR / "examples"
DEPART = "2025-03-03"
PORTS = "locode,name,country,lat,lon\nXXAAA,Alpha,XX,1.0,1.0\nXXBBB,Beta,XX,1.0,1.5\n"
LANE_HEADER = "from,to,mode,carrier,service,distance_km,transit_hours,cost_usd\n"


@pytest.mark.parametrize("source", ["operator_network.json", "."])
def test_example_network_merges_with_the_reference(source):
    net = routing.load_network(EXAMPLES / source)

    [route] = routing.propose(net, "CNSHA", "DEUER", depart_after=DEPART)

    assert route.legs[-1].destination == "DEUER"
    assert [leg.carrier for leg in route.legs[-2:]] == ["Example Rail Shuttle", "Example Trucking"]
    assert net.network_hash != routing.load_network().network_hash


def test_json_and_csv_examples_describe_the_same_network():
    a = routing.load_network(EXAMPLES / "operator_network.json")
    b = routing.load_network(EXAMPLES)

    assert a.network_hash == b.network_hash


def test_operator_network_alone(tmp_path):
    (tmp_path / "ports.csv").write_text(PORTS)
    (tmp_path / "lanes.csv").write_text(LANE_HEADER + "XXAAA,XXBBB,road,T,S1,100,2,50\n")

    net = routing.load_network(tmp_path, merge=False)

    assert set(net.ports) == {"XXAAA", "XXBBB"}
    [route] = routing.propose(net, "XXAAA", "XXBBB", depart_after=DEPART)
    assert route.legs[0].co2e_kg == pytest.approx(75.0)  # 75 g/t-km x 10 t x 100 km


def _lanes(tmp_path, *rows, merge=False):
    (tmp_path / "ports.csv").write_text(PORTS)
    (tmp_path / "lanes.csv").write_text(LANE_HEADER + "".join(r + "\n" for r in rows))
    return routing.load_network(tmp_path, merge=merge)


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ("XXAAA,XXBBB,road,T,S1,100,2,-5", "line 2: cost_usd '-5' must be zero or more"),
        ("XXAAA,XXBBB,road,T,S1,100,,50", "line 2: missing transit_hours"),
        ("XXAAA,XXBBB,road,T,S1,100,abc,50", "line 2: transit_hours 'abc' is not a number"),
        ("XXAAA,XXZZZ,road,T,S1,100,2,50", "line 2: lane XXAAA->XXZZZ goes to nowhere"),
        ("XXAA,XXBBB,road,T,S1,100,2,50", "line 2: from 'XXAA' is not a UN/LOCODE"),
        ("XXAAA,XXBBB,boat,T,S1,100,2,50", "line 2: mode 'boat' is not one of"),
        ("XXAAA,XXBBB,road,,S1,100,2,50", "line 2: lane XXAAA->XXBBB has no carrier"),
        ("XXAAA,XXAAA,road,T,S1,100,2,50", "line 2: lane from XXAAA to itself"),
    ],
)
def test_bad_lane_rows_name_file_line_and_value(tmp_path, row, match):
    with pytest.raises(NetworkDataError, match=match) as err:
        _lanes(tmp_path, row)

    assert str(tmp_path / "lanes.csv") in str(err.value)


def test_duplicate_lane_is_reported_with_both_lines(tmp_path):
    row = "XXAAA,XXBBB,road,T,S1,100,2,50"

    with pytest.raises(NetworkDataError, match=r"line 3: duplicate lane .*first at line 2"):
        _lanes(tmp_path, row, row)


def test_duplicate_port_is_reported(tmp_path):
    (tmp_path / "ports.csv").write_text(PORTS + "XXAAA,Again,XX,0,0\n")

    with pytest.raises(NetworkDataError, match=r"ports.csv, line 4: duplicate port XXAAA"):
        routing.load_network(tmp_path)


def test_bad_departure_and_passage_are_reported(tmp_path):
    header = LANE_HEADER.strip() + ",departures,passages\n"
    (tmp_path / "ports.csv").write_text(PORTS)
    (tmp_path / "lanes.csv").write_text(header + "XXAAA,XXBBB,sea,T,S1,100,2,50,Someday,\n")
    with pytest.raises(NetworkDataError, match="line 2: departure 'Someday'"):
        routing.load_network(tmp_path, merge=False)

    (tmp_path / "lanes.csv").write_text(header + "XXAAA,XXBBB,sea,T,S1,100,2,50,,atlantis\n")
    with pytest.raises(NetworkDataError, match="line 2: passage 'atlantis'"):
        routing.load_network(tmp_path, merge=False)


def test_json_errors_name_the_line_of_the_element(tmp_path):
    path = tmp_path / "net.json"
    data = json.loads((EXAMPLES / "operator_network.json").read_text())
    data["lanes"][2]["cost_usd"] = -1
    path.write_text(json.dumps(data, indent=2))
    line = next(
        i for i, text in enumerate(path.read_text().splitlines(), 1) if '"cost_usd": -1' in text
    )

    with pytest.raises(NetworkDataError, match=r"net.json, line (\d+): cost_usd -1") as err:
        routing.load_network(path)

    reported = int(str(err.value).split("line ")[1].split(":")[0])
    assert reported <= line < reported + 15


def test_invalid_json_and_missing_files_are_one_line_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"ports": [\n  {"locode": }\n]}')

    with pytest.raises(NetworkDataError, match=r"bad.json, line 2: invalid JSON"):
        routing.load_network(bad)
    with pytest.raises(NetworkDataError, match="not found"):
        routing.load_network(tmp_path / "nope.csv")
    with pytest.raises(NetworkDataError, match="unknown network file type"):
        (tmp_path / "net.txt").write_text("x")
        routing.load_network(tmp_path / "net.txt")


def test_bad_port_coordinates_are_reported(tmp_path):
    (tmp_path / "ports.csv").write_text("locode,name,lat,lon\nXXAAA,Alpha,95,1\n")

    with pytest.raises(NetworkDataError, match=r"line 2: lat '95' is outside -90..90"):
        routing.load_network(tmp_path)


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ("XXAAA,XXBBB,road,T,S1,1e300,2,50", r"line 2: distance_km '1e300' is absurd"),
        ("XXAAA,XXBBB,road,T,S1,1e400,2,50", r"line 2: distance_km '1e400' is not a finite"),
        ("XXAAA,XXBBB,road,T,S1,100,nan,50", r"line 2: transit_hours 'nan' is not a finite"),
        ("XXAAA,XXBBB,road,T,S1,100,2,99999999", r"line 2: cost_usd '99999999' is absurd"),
        ("XXAAA,XXBBB,road,T,S1,10,2,50", r"line 2: distance_km 10 for road lane XXAAA->XXBBB "
         r"is shorter than the 56 km great-circle"),
        ("XXAAA,XXBBB,road,T,S1,100,0.5,50", r"line 2: road lane XXAAA->XXBBB: 100 km in 0.5 h "
         r"is 200 km/h"),
    ],
)  # fmt: skip
def test_absurd_and_impossible_values_are_reported(tmp_path, row, match):
    with pytest.raises(NetworkDataError, match=match):
        _lanes(tmp_path, row)


def test_non_utf8_file_names_line_and_byte(tmp_path):
    (tmp_path / "ports.csv").write_bytes(
        PORTS.encode() + "XXCCC,Gr\xfcn,XX,1,1\n".encode("latin-1")
    )

    with pytest.raises(NetworkDataError, match=r"ports.csv, line 4: byte 0xfc at column 9"):
        routing.load_network(tmp_path)


@pytest.mark.parametrize("name", ["ports.csv", "lanes.csv"])
def test_header_only_file_is_an_error(tmp_path, name):
    header = PORTS.splitlines()[0] if name == "ports.csv" else LANE_HEADER.strip()
    (tmp_path / name).write_text(header + "\n")

    with pytest.raises(NetworkDataError, match=rf"{name}, line 1: a header and no"):
        routing.load_network(tmp_path / name)


@pytest.mark.parametrize(
    ("row", "match"),
    [
        # 50 km "road" across the Atlantic: shorter than the great circle.
        ("NLRTM,USNYC,road,T,S1,50,2,50", "shorter than the 5,8"),
        # A long enough "road" across the Atlantic: no land connection.
        ("NLRTM,USNYC,road,T,S1,7000,150,50", "no land connection"),
        # Rail from Sri Lanka to India: no fixed link.
        ("LKCMB,INBLR,rail,T,S1,900,40,50", "no land connection"),
    ],
)
def test_land_lane_without_land_is_rejected_when_merging(tmp_path, row, match):
    (tmp_path / "lanes.csv").write_text(LANE_HEADER + row + "\n")

    with pytest.raises(NetworkDataError, match=match):
        routing.load_network(tmp_path / "lanes.csv")
