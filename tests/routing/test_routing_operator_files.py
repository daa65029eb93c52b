"""Operators' CSV/JSON networks: loading, merging, and errors naming file, line and value."""

from __future__ import annotations

import json

import pytest

import routing
from routing.errors import NetworkDataError
from routing.network import REFERENCE_DIR

EXAMPLES = REFERENCE_DIR / "examples"
DEPART = "2025-03-03"
PORTS = "locode,name,country,lat,lon\nXXAAA,Alpha,XX,1.0,1.0\nXXBBB,Beta,XX,1.0,2.0\n"
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
