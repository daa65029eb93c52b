"""Where a UN/LOCODE is: coordinates, time zone, local time, and the URI the exports use.

* Coordinates come from the routing package's world network (`routing.load_network`,
  3,958 real UN/LOCODE ports and airports); the time zone from `timezonefinder` (its
  boundary data ships in the package) and the offset at a given instant from `zoneinfo`,
  so a Rotterdam event in July is ``+02:00`` and one in January ``+01:00``.
* `location_uri`: where a GLN is known for the place (a shipment's references), the GS1
  Digital Link ``https://id.gs1.org/414/{GLN}`` (what EPCIS 2.0 and CBV 2.0 use for
  locations); otherwise a ``geo:`` URI (RFC 5870, ``geo:lat,lon``), which EPCIS 2.0 allows
  for readPoint / bizLocation. A LOCODE the network does not know has neither: it becomes
  ``urn:tradelane:locode:XXXXX`` (a URN in our own namespace; UN/LOCODE has no registered
  URN namespace) with a UTC offset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

__all__ = ["coordinates", "local_iso", "location_uri", "offset", "time_zone"]


@cache
def _ports() -> dict[str, tuple[float, float]]:
    from routing import load_network

    return {code: (p.lat, p.lon) for code, p in load_network().ports.items()}


@cache
def _finder():
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def coordinates(locode: str) -> tuple[float, float] | None:
    return _ports().get(locode)


@cache
def time_zone(locode: str) -> str | None:
    """The IANA time zone at the place (None if the place is unknown)."""
    where = coordinates(locode)
    if where is None:
        return None
    lat, lon = where
    return _finder().timezone_at(lat=lat, lng=lon) or _finder().timezone_at_land(lat=lat, lng=lon)


def _local(locode: str, ts: int) -> datetime:
    zone = time_zone(locode)
    return datetime.fromtimestamp(ts, ZoneInfo(zone) if zone else UTC)


def local_iso(locode: str, ts: int) -> str:
    """Unix seconds as local time at the place with its offset: ``2026-07-01T14:00:00+02:00``."""
    return _local(locode, ts).isoformat()


def offset(locode: str, ts: int) -> str:
    """The place's UTC offset at that instant, ``+HH:MM``."""
    text = _local(locode, ts).isoformat()
    return text[-6:]


def location_uri(locode: str, gln: str | None = None) -> str:
    """The EPCIS location URI of the place (see the module doc)."""
    if gln:
        return f"https://id.gs1.org/414/{gln}"
    where = coordinates(locode)
    if where is None:
        return f"urn:tradelane:locode:{locode}"
    lat, lon = where
    return f"geo:{lat:.6f},{lon:.6f}"
