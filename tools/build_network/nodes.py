"""Stage 1: the nodes - searoute's UN/LOCODE ports, cargo airports and inland points."""

from __future__ import annotations

import json
from pathlib import Path

import airportsdata
import searoute

from .catalogue import AIRPORTS, COORD_FIXES, INLAND, RIVER_PORTS


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
        lat, lon = COORD_FIXES.get(code, (lat, lon))
        ports[code] = {
            "locode": code,
            "name": str(p["name"]).strip(),
            "country": code[:2],
            "lat": round(float(lat), 6),
            "lon": round(float(lon), 6),
            "kind": "port",
            "_rank": rank,
        }
    for code, name, lat, lon in RIVER_PORTS:
        ports.setdefault(code, {"locode": code, "name": name, "country": code[:2], "lat": lat,
                                "lon": lon, "kind": "port", "_rank": 0})  # fmt: skip
    return ports


def add_airports_and_inland(nodes: dict[str, dict]) -> dict[str, str]:
    """Add the cargo airports (airportsdata) and inland points; return IATA -> node code."""
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
            if "inland" not in nodes[code]["kind"]:
                nodes[code]["kind"] += "+inland"
        else:
            nodes[code] = {"locode": code, "name": name, "country": code[:2], "lat": lat,
                           "lon": lon, "kind": "inland"}  # fmt: skip
    return air_code
