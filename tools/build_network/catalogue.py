"""Build Tradelane's reference port/carrier network into ``routing/data/``.

Deterministic and re-runnable: the same searoute / airportsdata versions give
byte-identical output, whose sha256 is written to ``routing/data/MANIFEST.json``.

Inputs (all from installed, pinned PyPI packages, nothing downloaded):

* ``searoute`` (Apache-2.0): the UN/LOCODE ports (``data/ports.geojson``) and the
  maritime network ``marnet`` with its passage (chokepoint) tags. Every sea lane's
  distance and passages are computed here, at build time, over that network.
* ``airportsdata`` (MIT): names and coordinates of the major cargo airports.
* ``routing.assumptions``: cost, time and CO2e factors (cited in the data README).

The carriers and services are *modelled*, not real carrier data.

Usage::

    .venv/bin/python tools/build_network.py          # rebuild routing/data
    .venv/bin/python tools/build_network.py --check  # fail if the output would change
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import sys
from importlib import metadata
from pathlib import Path

import airportsdata
import networkx as nx
import searoute

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from routing import assumptions as A  # noqa: E402
from routing.passages import PASSAGE_BITS  # noqa: E402

OUT = ROOT / "routing" / "data"
FORMAT_VERSION = 1
WEEK = 168.0

# --------------------------------------------------------------------------- carriers
# Fictional carriers; any resemblance to a real company's name is unintended.
CARRIERS = [
    ("Meridian Container Line", "sea", "global deep-sea carrier (modelled)"),
    ("Boreal Ocean Carriers", "sea", "deep-sea carrier, strong in North Europe and Transpacific"),
    ("Orient Star Shipping", "sea", "Asia-based carrier, Intra-Asia, Asia-Med, Asia-Middle East"),
    ("Austral & Atlantic Lines", "sea", "North-South trades: Latin America, Africa, Oceania"),
    ("Coastwise Feeder Co.", "sea", "feeder operator: Asia, Middle East, Africa, Oceania"),
    ("Northsea Feeder Lines", "sea", "feeder operator: Europe and the Americas"),
    ("Skyhaul Cargo", "air", "all-cargo airline, hubs HKG, PVG, DXB, FRA, MEM, ANC"),
    ("Aerolane Freight", "air", "all-cargo airline, hubs DOH, ICN, SIN, LGG, ORD, MIA"),
    ("Steppe Rail Bridge", "rail", "China-Europe block trains"),
    ("Continental Intermodal Rail", "rail", "port-hinterland container trains"),
    ("Hinterland Haulage", "road", "container trucking to and from ports and airports"),
]

# ------------------------------------------------------------------ liner services
# (service id, carrier, trade lane, name, port rotation, extra passage restrictions).
# A rotation is a weekly loop: the vessel sails back from the last call to the first.
_MCL, _BOC, _OSS, _AAL = (
    "Meridian Container Line",
    "Boreal Ocean Carriers",
    "Orient Star Shipping",
    "Austral & Atlantic Lines",
)
_CAPE = ("suez", "babalmandab")  # Cape of Good Hope diversion services
SERVICES = [
    # Asia - North Europe (via Suez)
    (
        "MCL-AE1",
        _MCL,
        "Asia-North Europe",
        "Dragon Express",
        "KRPUS CNSHA CNNGB CNYTN SGSIN NLRTM DEHAM BEANR GBFXT SGSIN CNYTN",
        (),
    ),
    (
        "BOC-NE2",
        _BOC,
        "Asia-North Europe",
        "Northern Lights",
        "CNTSN CNTAO CNSHA CNNGB TWKHH HKHKG MYTPP NLRTM GBFXT DEHAM PLGDN DEBRV MYTPP",
        (),
    ),
    (
        "OSS-AEX",
        _OSS,
        "Asia-North Europe",
        "Silk Loop",
        "CNXMN CNYTN HKHKG VNCMT SGSIN LKCMB FRLEH GBSOU BEANR NLRTM LKCMB",
        (),
    ),
    # Asia - North Europe via the Cape of Good Hope (Red Sea diversion)
    (
        "MCL-AEC",
        _MCL,
        "Asia-North Europe",
        "Cape Dragon",
        "CNSHA CNNGB CNYTN SGSIN ESALG NLRTM DEHAM BEANR ESALG SGSIN",
        _CAPE,
    ),
    (
        "BOC-NEC",
        _BOC,
        "Asia-North Europe",
        "Southern Cross",
        "KRPUS CNSHA CNYTN MYPKG ZACPT GBFXT NLRTM DEHAM ZACPT MYPKG",
        _CAPE,
    ),
    # Asia - Mediterranean
    (
        "OSS-MD1",
        _OSS,
        "Asia-Mediterranean",
        "Levant Pearl",
        "CNSHA CNNGB CNYTN SGSIN EGPSD GRPIR ITGOA FRFOS ESBCN ESVLC EGPSD SGSIN",
        (),
    ),
    (
        "MCL-MD2",
        _MCL,
        "Asia-Mediterranean",
        "Adriatic Bridge",
        "CNTAO CNSHA HKHKG MYPKG SAJED GRPIR SIKOP ITTRS MTMAR SAJED MYPKG",
        (),
    ),
    (
        "BOC-BSX",
        _BOC,
        "Asia-Mediterranean",
        "Bosporus Link",
        "CNSHA CNNGB SGSIN EGPSD TRAMR UAODS GRPIR EGPSD SGSIN",
        (),
    ),
    # Asia - Middle East / Indian subcontinent / Red Sea
    (
        "AAL-AGX",
        _AAL,
        "Asia-Middle East",
        "Gulf Express",
        "CNSHA CNNGB HKHKG SGSIN AEJEA SADMN QAHMD KWSAA AEJEA SGSIN",
        (),
    ),
    (
        "OSS-IPK",
        _OSS,
        "Asia-Middle East",
        "Indus",
        "CNSHA CNNGB CNSZX SGSIN MYPKG LKCMB INNSA PKKHI INMUN OMSLL LKCMB",
        (),
    ),
    (
        "BOC-RSX",
        _BOC,
        "Asia-Middle East",
        "Red Sea Shuttle",
        "CNSHA CNYTN SGSIN DJJIB SAJED EGSOK SAJED SGSIN",
        (),
    ),
    (
        "OSS-BGX",
        _OSS,
        "Intra-Asia",
        "Bay of Bengal",
        "SGSIN MYPKG LKCMB INMAA BDCGP INCCU LKCMB",
        (),
    ),
    # Transpacific
    ("MCL-TP1", _MCL, "Transpacific", "Golden Gate", "CNYTN HKHKG CNSHA CNNGB USLAX USOAK", ()),
    ("BOC-TP2", _BOC, "Transpacific", "Cascadia", "CNTAO CNSHA KRPUS CAVAN USSEA KRPUS", ()),
    (
        "OSS-TP3",
        _OSS,
        "Transpacific",
        "Pacific Arrow",
        "SGSIN VNCMT HKHKG CNYTN USLGB USOAK JPTYO",
        (),
    ),
    (
        "AAL-TPE",
        _AAL,
        "Transpacific",
        "Canal Eastbound",
        "CNSHA CNNGB CNYTN KRPUS PABLB USSAV USNYC USORF USCHS PAMIT",
        (),
    ),
    (
        "MCL-TPS",
        _MCL,
        "Transpacific",
        "Suez Eastcoast",
        "VNCMT SGSIN LKCMB EGPSD USNYC USORF USSAV EGPSD LKCMB",
        (),
    ),
    ("BOC-TPM", _BOC, "Transpacific", "Mexico Pacific", "CNSHA KRPUS JPYOK MXZLO MXLZC USLAX", ()),
    # Transatlantic
    (
        "BOC-TA1",
        _BOC,
        "Transatlantic",
        "Liberty",
        "DEHAM NLRTM BEANR GBFXT USNYC USORF USSAV USCHS",
        (),
    ),
    (
        "AAL-TA2",
        _AAL,
        "Transatlantic",
        "Gulf Atlantic",
        "FRLEH GBSOU BEANR USHOU USNOL USMIA USPEF",
        (),
    ),
    (
        "MCL-TA3",
        _MCL,
        "Transatlantic",
        "Med Atlantic",
        "ITGOA ESBCN ESVLC ESALG USNYC USBAL USSAV CAHAL",
        (),
    ),
    ("OSS-TA4", _OSS, "Transatlantic", "St Lawrence", "BEANR DEHAM GBLGP CAMTR", ()),
    # Intra-Asia and Oceania
    ("OSS-IA1", _OSS, "Intra-Asia", "Japan Sea", "CNSHA KRPUS JPTYO JPYOK JPNGO JPUKB KRPUS", ()),
    (
        "OSS-IA2",
        _OSS,
        "Intra-Asia",
        "Straits",
        "CNSHA HKHKG VNCMT THLCH SGSIN MYPKG IDJKT IDSUB SGSIN",
        (),
    ),
    (
        "MCL-IA3",
        _MCL,
        "Intra-Asia",
        "South China Sea",
        "CNTAO KRPUS CNSHA TWKHH PHMNL HKHKG VNHPH CNYTN",
        (),
    ),
    (
        "BOC-OC1",
        _BOC,
        "Oceania",
        "Southern Star",
        "CNSHA HKHKG SGSIN AUFRE AUMEL AUSYD AUBNE PGPOM HKHKG",
        (),
    ),
    ("AAL-OC2", _AAL, "Oceania", "Tasman", "KRPUS CNSHA NZAKL NZTRG AUSYD AUMEL NCNOU FJSUV", ()),
    # Latin America
    (
        "AAL-SAE",
        _AAL,
        "Latin America",
        "Asia-ECSA",
        "CNSHA CNNGB HKHKG SGSIN ZADUR BRSSZ BRRIO UYMVD ARBUE BRPNG BRSSZ ZADUR SGSIN",
        (),
    ),
    (
        "AAL-SAW",
        _AAL,
        "Latin America",
        "Asia-WCSA",
        "CNSHA KRPUS JPYOK MXZLO PECLL CLSAI CLVAP PECLL",
        (),
    ),
    (
        "BOC-EES",
        _BOC,
        "Latin America",
        "Europe-ECSA",
        "NLRTM DEHAM BEANR ESALG BRSSA BRSSZ UYMVD ARBUE BRRIO ESALG",
        (),
    ),
    (
        "MCL-CAR",
        _MCL,
        "Latin America",
        "Caribbean Hub",
        "USMIA BSFPO JMKIN COCTG PAMIT CRLIO GTPRQ USHOU",
        (),
    ),
    (
        "AAL-EWC",
        _AAL,
        "Latin America",
        "Europe-WCSA",
        "NLRTM BEANR GBLGP ESALG COCTG PAMIT PABLB ECGYE PECLL CLSAI PABLB",
        (),
    ),
    # Africa
    (
        "AAL-WAF",
        _AAL,
        "Africa",
        "Asia-West Africa",
        "CNSHA CNNGB HKHKG SGSIN ZADUR TGLFW NGAPP GHTEM CIABJ ZADUR",
        (),
    ),
    (
        "MCL-EWA",
        _MCL,
        "Africa",
        "Europe-West Africa",
        "NLRTM BEANR FRLEH ESALG MACAS SNDKR CIABJ GHTEM TGLFW NGAPP CMDLA ESALG",
        (),
    ),
    (
        "OSS-EAF",
        _OSS,
        "Africa",
        "Asia-East Africa",
        "CNSHA CNNGB SGSIN LKCMB KEMBA TZDAR MGTOA MUPLU SGSIN",
        (),
    ),
    (
        "BOC-SAF",
        _BOC,
        "Africa",
        "Asia-South Africa",
        "CNSHA CNNGB HKHKG SGSIN MUPLU ZADUR ZACPT ZAPLZ ZADUR",
        (),
    ),
    (
        "AAL-ESA",
        _AAL,
        "Africa",
        "Europe-South Africa",
        "NLRTM DEHAM GBSOU ESALG ZACPT ZADUR MZMPM ZACPT",
        (),
    ),
    (
        "MCL-MEA",
        _MCL,
        "Africa",
        "Middle East-Africa",
        "AEJEA OMSLL DJJIB KEMBA TZDAR MZMPM ZADUR OMSLL",
        (),
    ),
    # Middle East / India - Europe, India - US
    (
        "OSS-MEU",
        _OSS,
        "Asia-North Europe",
        "Arabian Sea Express",
        "AEJEA OMSLL SAJED EGPSD GRPIR ITGIT NLRTM BEANR DEHAM SAJED",
        (),
    ),
    (
        "BOC-IEX",
        _BOC,
        "Asia-North Europe",
        "India-Europe",
        "INNSA INMUN PKKHI SAJED EGPSD GBLGP NLRTM BEANR DEHAM EGPSD",
        (),
    ),
    (
        "AAL-IUS",
        _AAL,
        "Transatlantic",
        "India-US East Coast",
        "LKCMB INNSA INMUN EGPSD ESALG USNYC USSAV USCHS ESALG",
        (),
    ),
    # Intra-Europe
    (
        "BOC-NEU",
        _BOC,
        "Intra-Europe",
        "Baltic Loop",
        "DEHAM DEBRV PLGDN LTKLJ FIHEL SEGOT DKAAR NOOSL",
        (),
    ),
    (
        "MCL-MED",
        _MCL,
        "Intra-Europe",
        "Med Shuttle",
        "ESALG ESVLC ITGIT MTMAR GRPIR TRAMR EGALY ILHFA MACAS",
        (),
    ),
]

#: Transshipment hubs: feeder services connect every other port to its nearest two.
HUBS = [
    "SGSIN",
    "MYTPP",
    "MYPKG",
    "LKCMB",
    "AEJEA",
    "OMSLL",
    "SAJED",
    "EGPSD",
    "MTMAR",
    "GRPIR",
    "ESALG",
    "ESVLC",
    "NLRTM",
    "BEANR",
    "DEHAM",
    "GBFXT",
    "KRPUS",
    "HKHKG",
    "CNSHA",
    "CNNGB",
    "CNYTN",
    "TWKHH",
    "JPYOK",
    "USLAX",
    "USLGB",
    "USNYC",
    "USSAV",
    "USHOU",
    "PAMIT",
    "PABLB",
    "JMKIN",
    "BSFPO",
    "COCTG",
    "BRSSZ",
    "PECLL",
    "CLSAI",
    "ZADUR",
    "ZACPT",
    "TGLFW",
    "NGAPP",
    "KEMBA",
    "DJJIB",
    "AUMEL",
    "AUSYD",
    "NZAKL",
    "MXZLO",
    "CAVAN",
    "USSEA",
    "TRAMR",
    "INNSA",
    "MUPLU",
]

# ------------------------------------------------------------------------ air
# Major cargo airports (IATA). Node code = ISO country + IATA code (see data README).
AIRPORTS = [
    "HKG",
    "MEM",
    "PVG",
    "ANC",
    "ICN",
    "SDF",
    "TPE",
    "LAX",
    "DOH",
    "NRT",
    "MIA",
    "ORD",
    "FRA",
    "CDG",
    "DXB",
    "SIN",
    "LEJ",
    "CAN",
    "AMS",
    "LHR",
    "CVG",
    "IST",
    "BKK",
    "JFK",
    "KIX",
    "SZX",
    "DEL",
    "BOM",
    "PEK",
    "CGO",
    "LGG",
    "MEX",
    "GRU",
    "BOG",
    "SCL",
    "JNB",
    "NBO",
    "ADD",
    "SYD",
    "YYZ",
    "ATL",
    "DFW",
    "LUX",
    "MAD",
    "MXP",
    "CMN",
    "LOS",
    "KUL",
    "SGN",
]
AIR_HUBS = {
    "Skyhaul Cargo": ("HKG", "PVG", "DXB", "FRA", "MEM", "ANC"),
    "Aerolane Freight": ("DOH", "ICN", "SIN", "LGG", "ORD", "MIA"),
}
AIR_MAX_KM = 13000.0  # freighter range with payload (modelling assumption)

# -------------------------------------------------------------------- inland
# (UN/LOCODE, name, lat, lon): inland logistics centres, approximate city-centre coordinates.
INLAND = [
    ("DEDUI", "Duisburg", 51.43, 6.76),
    ("DEMUC", "Munich", 48.14, 11.58),
    ("DENUE", "Nuremberg", 49.45, 11.08),
    ("CZPRG", "Prague", 50.08, 14.44),
    ("ATVIE", "Vienna", 48.21, 16.37),
    ("HUBUD", "Budapest", 47.50, 19.04),
    ("PLWAW", "Warsaw", 52.23, 21.01),
    ("PLLOD", "Lodz", 51.76, 19.46),
    ("ITMIL", "Milan", 45.46, 9.19),
    ("ESMAD", "Madrid", 40.42, -3.70),
    ("FRPAR", "Paris", 48.86, 2.35),
    ("FRLYS", "Lyon", 45.76, 4.84),
    ("GBBHM", "Birmingham", 52.49, -1.89),
    ("USCHI", "Chicago", 41.88, -87.63),
    ("USMEM", "Memphis", 35.15, -90.05),
    ("USDAL", "Dallas", 32.78, -96.80),
    ("USATL", "Atlanta", 33.75, -84.39),
    ("USMKC", "Kansas City", 39.10, -94.58),
    ("USDEN", "Denver", 39.74, -104.99),
    ("USCMH", "Columbus", 39.96, -83.00),
    ("MXMEX", "Mexico City", 19.43, -99.13),
    ("CNCKG", "Chongqing", 29.56, 106.55),
    ("CNCTU", "Chengdu", 30.66, 104.07),
    ("CNCGO", "Zhengzhou", 34.75, 113.63),
    ("KZALA", "Almaty", 43.24, 76.89),
    ("INDEL", "Delhi", 28.61, 77.21),
    ("INBLR", "Bangalore", 12.97, 77.59),
    ("BRSAO", "Sao Paulo", -23.55, -46.63),
    ("ZAJNB", "Johannesburg", -26.20, 28.05),
    ("KENBO", "Nairobi", -1.29, 36.82),
    ("ETADD", "Addis Ababa", 9.03, 38.74),
    ("UGKLA", "Kampala", 0.35, 32.58),
    ("ZMLUN", "Lusaka", -15.39, 28.32),
    ("CATOR", "Toronto", 43.65, -79.38),
]
#: China-Europe block trains (weekly): origin, destination.
LANDBRIDGE = [("CNCKG", "DEDUI"), ("CNCTU", "PLLOD"), ("CNCGO", "DEHAM"), ("CNCGO", "DEDUI")]
ROAD_MAX_KM = 1200.0
RAIL_MIN_KM, RAIL_MAX_KM = 300.0, 2500.0
PORT_AIRPORT_ROAD_KM = 150.0
SNAP_MAX_KM = 150.0  # further than this from marnet = an inland/river terminal

LANE_FIELDS = [
    "from", "to", "mode", "carrier", "service", "distance_km", "transit_hours",
    "cost_usd", "co2e_kg", "passages", "departures", "cutoff_hours", "via",
]  # fmt: skip


def _stable_hour(*parts: str, step: int = 6) -> float:
    """A deterministic hour-of-week (Monday 00:00 UTC = 0) for a departure."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    slots = int(WEEK) // step
    return float(int.from_bytes(digest[:4], "big") % slots * step)


def load_ports() -> dict[str, dict]:
    """searoute's ports, one per UN/LOCODE (duplicates: the terminal-flagged, first one)."""
    path = Path(searoute.__file__).parent / "data" / "ports.geojson"
    features = json.loads(path.read_text())["features"]
    ports: dict[str, dict] = {}
    for f in features:
        p = f["properties"]
        code = str(p["port"]).upper()
        if len(code) != 5 or not code.isalnum():
            continue  # one record ("EG") is not a UN/LOCODE
        lon, lat = f["geometry"]["coordinates"]
        rank = 1 if p.get("t") else 0
        old = ports.get(code)
        if old is not None and old["_rank"] >= rank:
            continue
        ports[code] = {
            "locode": code,
            "name": str(p["name"]).strip(),
            "country": code[:2],
            "lat": round(float(lat), 6),
            "lon": round(float(lon), 6),
            "kind": "port",
            "_rank": rank,
        }
    return ports


class Sea:
    """Sea distances and passages over searoute's marnet, computed the way searoute does."""

    def __init__(self) -> None:
        self.M, _ = searoute.get_graphs()
        self.valid = set(PASSAGE_BITS)

    def route(self, a: dict, b: dict, restrict: tuple[str, ...] = ()) -> tuple[float, list[str]]:
        """searoute's own answer for one port pair: (km, passages)."""
        feat = searoute.searoute(
            [a["lon"], a["lat"]],
            [b["lon"], b["lat"]],
            units="km",
            restrictions=["northwest", *restrict],
            return_passages=True,
        )
        km = float(feat.properties["length"])
        if km <= 0 and a["locode"] != b["locode"]:
            km = A.great_circle_km(a["lat"], a["lon"], b["lat"], b["lon"])
        return km, sorted(feat.properties.get("traversed_passages") or [])

    def snap(self, port: dict):
        return self.M.kdtree.query((port["lon"], port["lat"]))

    def tree(self, hub: dict):
        """Single-source Dijkstra (km) over marnet from a hub, northwest passage closed."""

        def weight(u, v, d):
            return None if d.get("passage") == "northwest" else d.get("weight")

        return nx.single_source_dijkstra(self.M, self.snap(hub), weight=weight)

    def passages_on(self, path) -> list[str]:
        found = set()
        for u, v in zip(path, path[1:], strict=False):
            p = self.M[u][v].get("passage")
            if p in self.valid:
                found.add(p)
        return sorted(found)


def lane(frm, to, mode, carrier, service, km, hours, passages, deps, via, feeder=False):
    return [
        frm,
        to,
        mode,
        carrier,
        service,
        round(km, 1),
        round(hours, 1),
        A.leg_cost_usd(mode, km, feeder),
        A.leg_co2e_kg(mode, km, feeder),
        sorted(passages, key=PASSAGE_BITS.get),
        sorted(deps),
        A.CUTOFF_HOURS[mode],
        list(via),
    ]


def rotation_lanes(sid, carrier, calls, legs, speed_kn, stay, feeder):
    """Every (call i -> later call j) pair of a weekly loop, keeping the fastest per port pair.

    ``legs[i]`` is (km, passages) from ``calls[i]`` to ``calls[i+1]`` (cyclic).
    """
    n = len(calls)
    sail_h = [km / (speed_kn * 1.852) for km, _ in legs]
    # Departure time (hours since the loop's first departure) from each call.
    dep = [0.0] * n
    for i in range(1, n):
        dep[i] = dep[i - 1] + sail_h[i - 1] + stay
    t0 = _stable_hour(sid)
    best: dict[tuple[str, str], list] = {}
    for i in range(n):
        km = 0.0
        hours = 0.0
        passages: set[str] = set()
        via: list[str] = []
        for step in range(1, n):
            j = (i + step) % n
            k = (j - 1) % n
            km += legs[k][0]
            hours += sail_h[k]
            passages.update(legs[k][1])
            if calls[j] != calls[i]:
                key = (calls[i], calls[j])
                deps = [round((t0 + dep[i]) % WEEK, 1)]
                cand = lane(
                    calls[i], calls[j], "sea", carrier, sid, km, hours, passages, deps, via, feeder
                )
                if key not in best or cand[6] < best[key][6]:
                    best[key] = cand
            via.append(calls[j])
            hours += stay
            if calls[j] == calls[i]:
                break
    return list(best.values())


def build() -> dict:
    ports = load_ports()
    sea = Sea()
    lanes: list[list] = []
    services_out = []

    # Mainline services: searoute's own distance and passages for every leg.
    for sid, carrier, trade, name, rot, restrict in SERVICES:
        calls = rot.split()
        missing = [c for c in calls if c not in ports]
        if missing:
            raise SystemExit(f"service {sid}: port(s) {missing} not in searoute's ports")
        legs = [
            sea.route(ports[a], ports[b], restrict)
            for a, b in zip(calls, calls[1:] + calls[:1], strict=True)
        ]
        lanes += rotation_lanes(
            sid, carrier, calls, legs, A.SPEED["sea_kn"], A.PORT_STAY_HOURS["sea"], False
        )
        services_out.append(
            {
                "id": sid,
                "carrier": carrier,
                "mode": "sea",
                "trade": trade,
                "name": name,
                "rotation": calls,
                "speed_kn": A.SPEED["sea_kn"],
                "frequency": "weekly",
                "avoids": list(restrict),
            }
        )

    # Feeders: every other port to its two nearest hubs (by sea distance), weekly shuttles.
    hubs = [h for h in HUBS if h in ports]
    trees = {h: sea.tree(ports[h]) for h in hubs}
    snaps = {code: sea.snap(p) for code, p in ports.items()}
    # Ports further than SNAP_MAX_KM from the maritime network are inland/river terminals:
    # they get road/rail links below instead of a sea feeder.
    inland_ports = set()
    for code in sorted(ports):
        lon, lat = snaps[code]
        if A.great_circle_km(ports[code]["lat"], ports[code]["lon"], lat, lon) > SNAP_MAX_KM:
            inland_ports.add(code)
            ports[code]["kind"] = "inland port"
    for code in sorted(ports):
        if code in hubs or code in inland_ports:
            continue
        options = []
        for h in hubs:
            dist, _ = trees[h]
            d = dist.get(snaps[code])
            if d is not None:
                options.append((d, h))
        options.sort()
        chosen = options[:1] + [o for o in options[1:2] if o[0] <= 1.5 * options[0][0] + 200]
        for d, h in chosen:
            _, paths = trees[h]
            path = paths[snaps[code]]
            km = max(float(d), A.great_circle_km(*_ll(ports[h]), *_ll(ports[code])))
            passages = sea.passages_on(path)
            region = ports[h]["lon"]
            carrier = (
                "Northsea Feeder Lines"
                if region < -25 or h[:2] in _EUROPE
                else "Coastwise Feeder Co."
            )
            sid = f"FDR-{h}-{code}"
            legs = [(km, passages), (km, passages)]
            lanes += rotation_lanes(
                sid, carrier, [h, code], legs, A.SPEED["sea_feeder_kn"],
                A.PORT_STAY_HOURS["sea_feeder"], True,
            )  # fmt: skip

    nodes = {code: {k: v for k, v in p.items() if k != "_rank"} for code, p in ports.items()}

    # Airports: real coordinates from airportsdata; merged with a same-code port (one city node).
    air = airportsdata.load("IATA")
    air_code = {}
    for iata in AIRPORTS:
        a = air[iata]
        code = f"{a['country']}{iata}"
        air_code[iata] = code
        if code in nodes:
            nodes[code]["kind"] = "port+airport"
        else:
            nodes[code] = {
                "locode": code,
                "name": a["name"],
                "country": a["country"],
                "lat": round(float(a["lat"]), 6),
                "lon": round(float(a["lon"]), 6),
                "kind": "airport",
            }
    for code, name, lat, lon in INLAND:
        if code in nodes:
            nodes[code]["kind"] += "+inland"
        else:
            nodes[code] = {
                "locode": code,
                "name": name,
                "country": code[:2],
                "lat": lat,
                "lon": lon,
                "kind": "inland",
            }

    def gc(a: str, b: str) -> float:
        return A.great_circle_km(*_ll(nodes[a]), *_ll(nodes[b]))

    def add_air(carrier: str, a: str, b: str) -> None:
        d = gc(a, b)
        if d > AIR_MAX_KM or a == b:
            return
        km = d + A.AIR_GCD_ADDER_KM
        for x, y in ((a, b), (b, a)):
            sid = f"{carrier.split()[0].upper()[:3]}-{x}-{y}"
            deps = [(day * 24 + _stable_hour(sid, step=1) % 24) for day in range(7)]
            lanes.append(lane(x, y, "air", carrier, sid, km, A.leg_hours("air", km), [], deps, []))

    for carrier, hub_iatas in AIR_HUBS.items():
        hub_codes = [air_code[h] for h in hub_iatas]
        for i, a in enumerate(hub_codes):
            for b in hub_codes[i + 1 :]:
                add_air(carrier, a, b)
        for iata in AIRPORTS:
            code = air_code[iata]
            if code in hub_codes:
                continue
            near = sorted(hub_codes, key=lambda h, c=code: (gc(c, h), h))[:3]
            for h in near:
                add_air(carrier, code, h)

    # Road and rail: inland points to nearby mainline ports and airports; ports to airports.
    mainline = sorted({c for s in SERVICES for c in s[4].split()})
    airports = sorted(air_code.values())

    def add_surface(mode: str, carrier: str, a: str, b: str) -> None:
        d = gc(a, b)
        if a == b or d < 1.0:
            return
        km = d * A.CIRCUITY[mode]
        for x, y in ((a, b), (b, a)):
            sid = f"{'RAIL' if mode == 'rail' else 'ROAD'}-{x}-{y}"
            if mode == "rail":
                deps = [(day * 24 + _stable_hour(sid, step=2) % 24) for day in range(7)]
            else:
                deps = []  # trucks leave on demand
            lanes.append(lane(x, y, mode, carrier, sid, km, A.leg_hours(mode, km), [], deps, []))

    for code, *_ in INLAND:
        by_dist = sorted(mainline, key=lambda p, c=code: (gc(c, p), p))
        for p in [p for p in by_dist if gc(code, p) <= ROAD_MAX_KM][:3]:
            add_surface("road", "Hinterland Haulage", code, p)
        rail = [p for p in by_dist if RAIL_MIN_KM <= gc(code, p) <= RAIL_MAX_KM][:2]
        for p in rail:
            add_surface("rail", "Continental Intermodal Rail", code, p)
        near_air = sorted(airports, key=lambda p, c=code: (gc(c, p), p))
        for p in [p for p in near_air if gc(code, p) <= 800][:2]:
            add_surface("road", "Hinterland Haulage", code, p)
    for code in sorted(inland_ports):
        by_dist = sorted(mainline, key=lambda p, c=code: (gc(c, p), p))
        for p in by_dist[:2]:
            add_surface("road", "Hinterland Haulage", code, p)
        for p in [p for p in by_dist if RAIL_MIN_KM <= gc(code, p) <= RAIL_MAX_KM][:1]:
            add_surface("rail", "Continental Intermodal Rail", code, p)
    for ap in airports:
        for p in mainline:
            if ap != p and gc(ap, p) <= PORT_AIRPORT_ROAD_KM:
                add_surface("road", "Hinterland Haulage", ap, p)
    for a, b in LANDBRIDGE:
        km = gc(a, b) * A.CIRCUITY["rail"]
        for x, y in ((a, b), (b, a)):
            sid = f"SRB-{x}-{y}"
            deps = [_stable_hour(sid)]
            hours = A.leg_hours("rail", km)
            lanes.append(lane(x, y, "rail", "Steppe Rail Bridge", sid, km, hours, [], deps, []))

    # Deduplicate (same from/to/carrier/service) deterministically, sort canonically.
    uniq = {}
    for ln in lanes:
        uniq.setdefault((ln[0], ln[1], ln[3], ln[4]), ln)
    lanes = [uniq[k] for k in sorted(uniq)]
    return {
        "format": "tradelane-network",
        "version": FORMAT_VERSION,
        "unit": {"container": "TEU", "cargo_tonnes": A.CARGO_TONNES},
        "carriers": [
            {"name": n, "mode": m, "description": d, "fictional": True} for n, m, d in CARRIERS
        ],
        "services": services_out,
        "ports": [
            [p["locode"], p["name"], p["country"], p["lat"], p["lon"], p["kind"]]
            for p in sorted(nodes.values(), key=lambda p: p["locode"])
        ],
        "port_fields": ["locode", "name", "country", "lat", "lon", "kind"],
        "lanes": lanes,
        "lane_fields": LANE_FIELDS,
    }


_EUROPE = set(
    [
        "NL",
        "BE",
        "DE",
        "GB",
        "FR",
        "ES",
        "PT",
        "IT",
        "GR",
        "TR",
        "MT",
        "PL",
        "DK",
        "SE",
        "NO",
        "FI",
        "LT",
        "LV",
        "EE",
        "RU",
        "IE",
        "SI",
        "HR",
        "UA",
    ]
)


def _ll(p: dict) -> tuple[float, float]:
    return p["lat"], p["lon"]


def canonical_bytes(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def write(data: dict, out: Path = OUT) -> dict:
    raw = canonical_bytes(data)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(raw)
    blob = buf.getvalue()
    manifest = {
        "file": "network.json.gz",
        "file_sha256": hashlib.sha256(blob).hexdigest(),
        "data_sha256": hashlib.sha256(raw).hexdigest(),
        "ports": len(data["ports"]),
        "lanes": len(data["lanes"]),
        "services": len(data["services"]),
        "carriers": len(data["carriers"]),
        "built_from": {
            "searoute": metadata.version("searoute"),
            "airportsdata": metadata.version("airportsdata"),
            "networkx": metadata.version("networkx"),
        },
        "builder": "tools/build_network.py",
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "network.json.gz").write_bytes(blob)
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify routing/data is up to date")
    args = parser.parse_args(argv)
    data = build()
    if args.check:
        want = hashlib.sha256(canonical_bytes(data)).hexdigest()
        have = json.loads((OUT / "MANIFEST.json").read_text())["data_sha256"]
        if want != have:
            print(f"routing/data is stale: built {want}, shipped {have}", file=sys.stderr)
            return 1
        print(f"routing/data is up to date ({want})")
        return 0
    manifest = write(data)
    print(json.dumps(manifest, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
