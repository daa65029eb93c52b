"""The stated assumptions behind every modelled cost, transit time and CO2e figure.

One module, so the network build, the operator-network loader (which fills in a
missing CO2e figure and checks speeds), the search (dwell) and the documentation all
use the same numbers. Every value is for the reference shipment unit: **one 20-foot
container (TEU) carrying 10 tonnes of cargo**. Sources (cited in
``routing/data/README.md`` and ``docs/ROUTING.md``):

* CO2e: well-to-wheel (WTW) intensity factors rounded from the default values of the
  **GLEC Framework v3.0** (Smart Freight Centre, 2023; implements ISO 14083:2023):
  sea container trade-lane defaults (its Module "Sea", from Clean Cargo trade-lane
  averages), inland-waterway container vessel, intermodal rail, 40 t articulated
  truck and air freighter defaults. Sea factors differ by trade lane.
* Ocean freight: directional per-TEU rates by trade lane (headhaul vs backhaul),
  calibrated to the range of the **Drewry World Container Index** spot assessments
  published weekly in 2024 (USD per 40 ft, halved per TEU, rounded; e.g. Shanghai to
  Rotterdam about 2,000-4,000 USD/FEU, Rotterdam to Shanghai about 500-700 USD/FEU).
  They are a mid-range modelling level, not a quote.
* Distances follow ISO 14083 practice: sea legs use the shortest feasible distance on
  the maritime network (searoute's marnet); air the great-circle distance + 95 km;
  road and rail the shortest path on scgraph_data's world highway / railway graphs
  (OpenStreetMap-derived), computed when the network is built.
"""

from __future__ import annotations

import os
from math import asin, cos, radians, sin, sqrt

__all__ = [
    "CARGO_TONNES",
    "CO2E_G_PER_TKM",
    "CUTOFF_HOURS",
    "IMPORT_RELEASE_HOURS",
    "MAX_SPEED_KMH",
    "MIN_CONNECTION_HOURS",
    "connection_hours",
    "great_circle_km",
    "leg_co2e_kg",
    "leg_cost_usd",
    "region_of",
]

#: Cargo mass of the reference shipment unit (one TEU), tonnes.
CARGO_TONNES = 10.0

#: WTW gCO2e per tonne-km by mode/segment (GLEC Framework v3.0 defaults, rounded).
CO2E_G_PER_TKM = {
    "sea": 7.0,  # deep-sea container ship, global average (trade lanes below)
    "sea_feeder": 16.0,  # feeder / short-sea container ship (< 2,000 TEU)
    "air": 600.0,  # long-haul air freighter (> 1,500 km)
    "air_short": 1100.0,  # short-haul air freight (<= 1,500 km)
    "rail": 22.0,  # intermodal container train, mixed diesel/electric traction
    "road": 75.0,  # articulated truck 40 t GVW, average load factor
    "barge": 31.0,  # inland-waterway container vessel (Rhine class)
}
#: Deep-sea WTW gCO2e per TEU-km by trade lane (regions below; GLEC v3.0 sea defaults,
#: rounded; a TEU-km here is 10 t-km). Both directions use the same factor.
SEA_CO2E_G_PER_TEU_KM = {
    frozenset({"ASIA", "NEUR"}): 50.0,
    frozenset({"ASIA", "MED"}): 56.0,
    frozenset({"ASIA", "NAMW"}): 60.0,
    frozenset({"ASIA", "NAME"}): 58.0,
    frozenset({"NEUR", "NAME"}): 72.0,
    frozenset({"MED", "NAME"}): 72.0,
    frozenset({"ASIA"}): 80.0,  # intra-Asia
    frozenset({"NEUR"}): 85.0,  # intra-Europe
}
#: Trade lanes not listed above.
SEA_CO2E_DEFAULT_G_PER_TEU_KM = 70.0

#: Air legs add 95 km to the great-circle distance (ISO 14083 / EN 16258 GCD correction).
AIR_GCD_ADDER_KM = 95.0

#: Ocean freight by (origin region, destination region): (freight base per lane, USD
#: per TEU-km). Headhaul and backhaul differ (Drewry WCI 2024 range, see the module
#: docstring); e.g. Asia -> North Europe, 19,500 km: 300 handling + 400 + 0.077 x km =
#: about 2,200 USD/TEU, the way back about 650 (0.30 x). The base per lane makes a
#: split voyage cost more than a through one; the per-km part prices detours.
SEA_RATES = {
    ("ASIA", "NEUR"): (400.0, 0.077), ("NEUR", "ASIA"): (100.0, 0.013),
    ("ASIA", "MED"): (400.0, 0.112), ("MED", "ASIA"): (100.0, 0.022),
    ("ASIA", "NAMW"): (400.0, 0.124), ("NAMW", "ASIA"): (100.0, 0.019),
    ("ASIA", "NAME"): (400.0, 0.116), ("NAME", "ASIA"): (100.0, 0.021),
    ("NEUR", "NAME"): (400.0, 0.092), ("NAME", "NEUR"): (100.0, 0.015),
    ("MED", "NAME"): (400.0, 0.088), ("NAME", "MED"): (100.0, 0.019),
    ("ASIA", "ME"): (400.0, 0.073), ("ME", "ASIA"): (100.0, 0.009),
    ("ASIA", "SAS"): (400.0, 0.057), ("SAS", "ASIA"): (100.0, 0.014),
    ("SAS", "NEUR"): (400.0, 0.067), ("NEUR", "SAS"): (100.0, 0.025),
    ("SAS", "NAME"): (400.0, 0.080), ("NAME", "SAS"): (100.0, 0.020),
    ("ASIA", "LAT"): (400.0, 0.100), ("LAT", "ASIA"): (100.0, 0.023),
    ("ASIA", "AFR"): (400.0, 0.100), ("AFR", "ASIA"): (100.0, 0.017),
    ("ASIA", "OCE"): (400.0, 0.075), ("OCE", "ASIA"): (100.0, 0.025),
    ("NEUR", "AFR"): (400.0, 0.100), ("AFR", "NEUR"): (100.0, 0.038),
}  # fmt: skip
#: Trade lanes not listed above (intra-regional and minor trades), both directions.
SEA_RATE_DEFAULT = (400.0, 0.060)

#: Freight rate per TEU-km of the other segments, USD (modelling assumption).
RATE_USD_PER_KM = {
    "sea_feeder": 0.12,
    "air": 2.50,  # 10 t x 0.25 USD/t-km
    "rail": 0.55,  # European hinterland rail
    "rail_na": 0.26,  # North American double-stack intermodal
    "rail_long": 0.28,  # China-Europe block trains
    "rail_other": 0.35,  # Asia, Africa, Latin America (e.g. CONCOR, Transnet tariffs)
    "road": 1.50,
    "barge": 0.45,
}
#: Handling charge at each end of a leg (terminal handling / lift / build-up), USD.
HANDLING_USD = {
    "sea": 150.0,
    "sea_feeder": 120.0,
    "air": 500.0,
    "rail": 100.0,
    "road": 50.0,
    "barge": 75.0,
}

#: Speeds: vessel service speed in knots, others in km/h average including stops.
SPEED = {
    "sea_kn": 16.0,
    "sea_feeder_kn": 13.0,
    "air_kmh": 800.0,
    "rail_kmh": 40.0,
    "road_kmh": 45.0,  # includes driving-time rules (EU 561/2006: 9 h a day)
    "barge_kmh": 12.0,  # average over both directions incl. locks
}
#: The fastest a lane of each mode can go, ETD to ETA (operator files are checked
#: against it): km / h above this is physically impossible for the mode.
MAX_SPEED_KMH = {"sea": 50.0, "air": 950.0, "rail": 120.0, "road": 90.0, "barge": 25.0}
#: Fixed time per leg, hours: taxi/handling for air, terminal time for rail/road/barge.
LEG_OVERHEAD_HOURS = {"air": 2.0, "rail": 6.0, "road": 1.0, "barge": 6.0}
#: Hours a vessel stays in each port of its rotation.
PORT_STAY_HOURS = {"sea": 24.0, "sea_feeder": 12.0}

#: Cargo must be at the departure point this many hours before departure.
CUTOFF_HOURS = {"sea": 24.0, "air": 6.0, "rail": 12.0, "road": 0.0, "barge": 12.0}
#: Minimum time between arriving at a transfer point and the next leg's cut-off,
#: keyed by the mode of the *next* leg (transshipment dwell).
MIN_CONNECTION_HOURS = {"sea": 24.0, "air": 4.0, "rail": 8.0, "road": 2.0, "barge": 12.0}
#: Import dwell and customs release, hours, keyed by the *arriving* mode: added when
#: cargo leaves a ship or an aircraft onto a land or inland-water leg (discharge,
#: terminal dwell, customs release). Configurable with the environment variable
#: ``TRADELANE_IMPORT_RELEASE_HOURS`` (e.g. "sea=96,air=36"); part of the route hash.
IMPORT_RELEASE_HOURS = {"sea": 72.0, "air": 24.0}
LAND_MODES = frozenset({"rail", "road", "barge"})


def _release_from_env() -> None:
    text = os.environ.get("TRADELANE_IMPORT_RELEASE_HOURS", "").strip()
    for part in filter(None, (p.strip() for p in text.split(","))):
        mode, _, value = part.partition("=")
        try:
            hours = float(value)
        except ValueError:
            hours = -1.0
        if mode.strip() not in IMPORT_RELEASE_HOURS or not 0 <= hours <= 720:
            raise ValueError(
                f"TRADELANE_IMPORT_RELEASE_HOURS: {part!r} is not sea=H or air=H (0..720 h)"
            )
        IMPORT_RELEASE_HOURS[mode.strip()] = hours


_release_from_env()


def connection_hours(prev_mode: str | None, next_mode: str) -> float:
    """Hours between arriving by ``prev_mode`` and being ready for a ``next_mode`` leg.

    None for ``prev_mode`` is the origin (no dwell). Otherwise the transshipment dwell
    of the next mode, plus the import release when a ship or aircraft hands over to a
    land or inland-water leg.
    """
    if prev_mode is None:
        return 0.0
    extra = IMPORT_RELEASE_HOURS.get(prev_mode, 0.0) if next_mode in LAND_MODES else 0.0
    return MIN_CONNECTION_HOURS[next_mode] + extra


EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the haversine great-circle distance in km between two points."""
    p1, p2 = radians(lat1), radians(lat2)
    dp, dl = p2 - p1, radians(lon2 - lon1)
    a = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


# ----------------------------------------------------------------- trade regions
_REGIONS = {
    "NEUR": "NL BE DE GB FR IE DK NO SE FI PL LT LV EE IS FO LU GL SJ",
    "MED": "ES PT IT GR TR MT HR SI AL ME CY IL LB SY LY TN DZ MA BG RO UA GE EG BA",
    "ME": "AE SA QA KW BH OM IQ IR YE JO DJ SD ER",
    "SAS": "IN PK LK BD MM MV",
    "ASIA": "CN HK TW KR JP VN TH MY SG ID PH KH BN MO KP TL",
    "OCE": "AU NZ PG FJ NC SB VU WS TO PF GU MH FM KI NR TV CK MP AS",
    "LAT": "MX GT BZ HN SV NI CR PA CO VE EC PE CL AR UY PY BR GY SR GF BO "
    "CU JM HT DO PR BS BB TT AW CW LC VC GD AG KN DM KY TC VG VI MQ GP BQ SX MF BL BM",
}
_REGION_OF = {c: r for r, codes in _REGIONS.items() for c in codes.split()}


def region_of(country: str, lat: float, lon: float) -> str:
    """The trade region of a location: NEUR, MED, ME, SAS, ASIA, OCE, NAMW, NAME, LAT, AFR.

    Countries spanning several (US, CA, RU) are split by coordinates; the US/Canada
    west coast is NAMW (west of 105 W), the rest NAME.
    """
    if country in ("US", "CA"):
        return "NAMW" if lon < -105 else "NAME"
    if country == "RU":
        return "ASIA" if lon > 90 else ("MED" if lat < 50 else "NEUR")
    if country == "FR" and lat < 44.5 and lon > 2.5:
        return "MED"
    region = _REGION_OF.get(country)
    if region:
        return region
    return "AFR" if -35 < lat < 37 and -20 < lon < 55 else "ASIA" if lon > 60 else "LAT"


# ------------------------------------------------------------------ leg figures
def segment(mode: str, distance_km: float, feeder: bool = False) -> str:
    """Return the assumption key for a leg (sea legs split into deep-sea and feeder)."""
    if mode == "sea":
        return "sea_feeder" if feeder else "sea"
    if mode == "air":
        return "air" if distance_km > 1500 else "air_short"
    return mode


def leg_co2e_kg(
    mode: str, distance_km: float, feeder: bool = False, trade: tuple[str, str] | None = None
) -> float:
    """Return the modelled CO2e (kg, WTW) of moving the reference unit over a leg.

    ``trade`` (origin region, destination region) selects the deep-sea trade-lane factor.
    """
    if mode == "sea" and not feeder and trade is not None:
        per_teu_km = SEA_CO2E_G_PER_TEU_KM.get(frozenset(trade), SEA_CO2E_DEFAULT_G_PER_TEU_KM)
        return round(per_teu_km * distance_km / 1000.0, 1)
    factor = CO2E_G_PER_TKM[segment(mode, distance_km, feeder)]
    return round(factor * CARGO_TONNES * distance_km / 1000.0, 1)


def leg_cost_usd(
    mode: str,
    distance_km: float,
    feeder: bool = False,
    trade: tuple[str, str] | None = None,
    rate_key: str | None = None,
) -> float:
    """Return the modelled all-in cost (USD) of a leg: handling at both ends + rate x km.

    Deep-sea legs use the directional trade-lane rate of ``trade``; ``rate_key``
    picks a regional rail tariff (``rail_na``, ``rail_long``).
    """
    key = "sea_feeder" if (mode == "sea" and feeder) else mode
    base, rate = 0.0, 0.0
    if key == "sea":
        base, rate = SEA_RATES.get(trade, SEA_RATE_DEFAULT) if trade else SEA_RATE_DEFAULT
    else:
        rate = RATE_USD_PER_KM[rate_key or key]
    return round(2 * HANDLING_USD[key] + base + rate * distance_km, 2)


def leg_hours(mode: str, distance_km: float, speed_kmh: float | None = None) -> float:
    """Return the modelled in-motion hours of a non-sea leg (sea legs come from rotations)."""
    speed = speed_kmh or SPEED[f"{mode}_kmh"]
    return round(distance_km / speed + LEG_OVERHEAD_HOURS[mode], 1)
