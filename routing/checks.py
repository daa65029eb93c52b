"""Physical plausibility of operators' lanes: checked like data, one line per error.

* a lane cannot be shorter than the great-circle distance between its ends;
* it cannot go faster than its mode can (``assumptions.MAX_SPEED_KMH``);
* a road or rail lane needs a land connection: both ends on the same connected
  component of the world road / rail network (scgraph_data's graphs, recorded per
  node when the reference network was built). An end that is not a reference node
  takes the component of a reference node within 25 km, else it is not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .assumptions import MAX_SPEED_KMH, great_circle_km
from .model import Port

__all__ = ["check_lanes"]

#: Great-circle distance is a floor; allow this much for rounded coordinates.
GC_SLACK = 0.97
NEAR_KM = 25.0


def _component(code: str, ports: Mapping[str, Port], table: Mapping[str, int]) -> int | None:
    if code in table:
        return table[code]
    p = ports[code]
    best = None
    for other, comp in table.items():
        q = ports.get(other)
        if q is None or abs(q.lat - p.lat) > 0.5:
            continue
        d = great_circle_km(p.lat, p.lon, q.lat, q.lon)
        if d <= NEAR_KM and (best is None or d < best[0]):
            best = (d, comp)
    return best[1] if best else None


def check_lanes(
    lanes: Mapping[tuple, dict],
    where: Mapping[tuple, object],
    ports: Mapping[str, Port],
    components: Mapping[str, Mapping[str, int]] | Callable[[], Mapping],
) -> None:
    """Raise NetworkDataError (file, line, value) at the first impossible lane."""
    loaded = None
    for key, lane in lanes.items():
        a, b, mode = lane["from"], lane["to"], lane["mode"]
        if a not in ports or b not in ports:
            continue  # reported as "a lane to nowhere" by the reader
        km, hours = lane["distance_km"], lane["transit_hours"]
        pa, pb = ports[a], ports[b]
        gc = great_circle_km(pa.lat, pa.lon, pb.lat, pb.lon)
        if km < GC_SLACK * gc - 1.0:
            raise where[key].fail(
                f"distance_km {km:g} for {mode} lane {a}->{b} is shorter than the "
                f"{gc:,.0f} km great-circle distance between them; fix distance_km or the ports"
            )
        speed = km / hours
        if speed > MAX_SPEED_KMH[mode]:
            raise where[key].fail(
                f"{mode} lane {a}->{b}: {km:g} km in {hours:g} h is {speed:,.0f} km/h, faster "
                f"than {mode} goes (at most {MAX_SPEED_KMH[mode]:g} km/h); fix transit_hours"
            )
        if mode not in ("road", "rail"):
            continue
        if loaded is None:
            loaded = components() if callable(components) else components
        table = loaded.get(mode, {})
        ca, cb = _component(a, ports, table), _component(b, ports, table)
        if ca is not None and cb is not None and ca != cb:
            raise where[key].fail(
                f"{mode} lane {a}->{b} has no land connection: they are on different parts "
                f"of the world {mode} network (water between them); use sea, air or barge"
            )
