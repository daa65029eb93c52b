"""The stated assumptions behind every modelled cost, transit time and CO2e figure.

One module, so the build script, the operator-network loader (which fills in a
missing CO2e figure) and the documentation all use the same numbers. Every value
is for the reference shipment unit: **one 20-foot container (TEU) carrying 10
tonnes of cargo**. Sources are cited in ``routing/data/README.md``:

* CO2e intensity factors are well-to-wheel (WTW) values, rounded, in the range
  of the default factors of the GLEC Framework v3.0 (Smart Freight Centre,
  2023), which implements ISO 14083:2023 ("Quantification and reporting of
  greenhouse gas emissions arising from transport chain operations").
* Distances follow ISO 14083 practice: sea legs use the shortest feasible
  distance over the maritime network (searoute's marnet); air legs the
  great-circle distance plus 95 km; road and rail legs the great-circle
  distance times a circuity factor.
* Rates and speeds are round, documented modelling figures, not market quotes.
"""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

__all__ = [
    "CARGO_TONNES",
    "CO2E_G_PER_TKM",
    "CUTOFF_HOURS",
    "MIN_CONNECTION_HOURS",
    "great_circle_km",
    "leg_co2e_kg",
]

#: Cargo mass of the reference shipment unit (one TEU), tonnes.
CARGO_TONNES = 10.0

#: WTW gCO2e per tonne-km by mode/segment (GLEC Framework v3.0 default ranges).
CO2E_G_PER_TKM = {
    "sea": 14.0,  # deep-sea container vessel, average trade lane
    "sea_feeder": 25.0,  # feeder / short-sea container vessel (< 3,000 TEU)
    "air": 600.0,  # long-haul air freight (> 1,500 km), freighter/belly mix
    "air_short": 1100.0,  # short-haul air freight (<= 1,500 km)
    "rail": 22.0,  # intermodal container train, mixed diesel/electric traction
    "road": 75.0,  # articulated truck 40 t GVW, average load factor
}

#: Air legs add 95 km to the great-circle distance (ISO 14083 / EN 16258 GCD correction).
AIR_GCD_ADDER_KM = 95.0
#: Road/rail legs: great-circle distance x circuity factor (modelling assumption).
CIRCUITY = {"road": 1.25, "rail": 1.30}

#: Freight rate per TEU-km by segment, USD (modelling assumption).
RATE_USD_PER_KM = {
    "sea": 0.045,
    "sea_feeder": 0.10,
    "air": 2.50,  # 10 t x 0.25 USD/t-km
    "rail": 0.60,
    "road": 1.50,
}
#: Handling charge at each end of a leg (terminal handling / lift / build-up), USD.
HANDLING_USD = {"sea": 150.0, "sea_feeder": 120.0, "air": 500.0, "rail": 100.0, "road": 50.0}

#: Speeds: vessel service speed in knots, others in km/h door-to-door average.
SPEED = {
    "sea_kn": 16.0,
    "sea_feeder_kn": 13.0,
    "air_kmh": 800.0,
    "rail_kmh": 40.0,
    "road_kmh": 45.0,
}
#: Fixed time per leg, hours: taxi/handling for air, terminal time for rail/road.
LEG_OVERHEAD_HOURS = {"air": 2.0, "rail": 6.0, "road": 1.0}
#: Hours a vessel stays in each port of its rotation.
PORT_STAY_HOURS = {"sea": 24.0, "sea_feeder": 12.0}

#: Cargo must be at the departure point this many hours before departure.
CUTOFF_HOURS = {"sea": 24.0, "air": 6.0, "rail": 12.0, "road": 0.0}
#: Minimum time between arriving at a transfer point and the next leg's cut-off,
#: keyed by the mode of the *next* leg (transshipment dwell).
MIN_CONNECTION_HOURS = {"sea": 24.0, "air": 4.0, "rail": 8.0, "road": 2.0}

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the haversine great-circle distance in km between two points."""
    p1, p2 = radians(lat1), radians(lat2)
    dp, dl = p2 - p1, radians(lon2 - lon1)
    a = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def segment(mode: str, distance_km: float, feeder: bool = False) -> str:
    """Return the assumption key for a leg (sea legs split into deep-sea and feeder)."""
    if mode == "sea":
        return "sea_feeder" if feeder else "sea"
    if mode == "air":
        return "air" if distance_km > 1500 else "air_short"
    return mode


def leg_co2e_kg(mode: str, distance_km: float, feeder: bool = False) -> float:
    """Return the modelled CO2e (kg, WTW) of moving the reference unit over a leg."""
    factor = CO2E_G_PER_TKM[segment(mode, distance_km, feeder)]
    return round(factor * CARGO_TONNES * distance_km / 1000.0, 1)


def leg_cost_usd(mode: str, distance_km: float, feeder: bool = False) -> float:
    """Return the modelled all-in cost (USD) of a leg: handling at both ends plus rate x km."""
    key = "sea_feeder" if (mode == "sea" and feeder) else mode
    return round(2 * HANDLING_USD[key] + RATE_USD_PER_KM[key] * distance_km, 2)


def leg_hours(mode: str, distance_km: float) -> float:
    """Return the modelled in-motion hours of a non-sea leg (sea legs come from rotations)."""
    if mode == "air":
        return round(distance_km / SPEED["air_kmh"] + LEG_OVERHEAD_HOURS["air"], 1)
    return round(distance_km / SPEED[f"{mode}_kmh"] + LEG_OVERHEAD_HOURS[mode], 1)
