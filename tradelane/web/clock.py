"""One time convention for every page: the local time at the place, then UTC, both labelled.

A port's time zone comes from its coordinates with timezonefinder (offline polygons of the
IANA zones); times with no place (deadlines, the chain's clock) are shown in UTC only. The
browser's own zone is never used, so the page reads the same for everyone and in print.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .geo import port_book

__all__ = ["Stamp", "relative_text", "span_text", "stamp", "utc_text", "zone_of"]


@cache
def _finder():
    try:
        from timezonefinder import TimezoneFinder
    except ImportError:  # pragma: no cover - timezonefinder is a pinned dependency
        return None
    return TimezoneFinder(in_memory=True)


@cache
def zone_of(locode: str | None) -> ZoneInfo | None:
    """The IANA zone of a port by its UN/LOCODE, or None when unknown."""
    coords = port_book().coords(locode) if locode else None
    finder = _finder()
    if coords is None or finder is None:
        return None
    name = finder.timezone_at(lat=coords[0], lng=coords[1])
    try:
        return ZoneInfo(name) if name else None
    except ZoneInfoNotFoundError:
        return None


def utc_text(ts: int | None) -> str:
    """'12 May 2026, 14:00 UTC' ('—' for none)."""
    if not ts:
        return "—"
    return datetime.fromtimestamp(ts, UTC).strftime("%-d %b %Y, %H:%M UTC")


def span_text(seconds: int) -> str:
    """A duration in the largest whole unit: '3 days', '5 hours', '1 minute'."""
    seconds = abs(seconds)
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "moments"


def relative_text(ts: int | None, now: int) -> str:
    """'in 3 days' / '2 hours ago' relative to the chain's clock."""
    if not ts:
        return ""
    if abs(ts - now) < 60:
        return "just now"
    return f"in {span_text(ts - now)}" if ts > now else f"{span_text(now - ts)} ago"


class Stamp(str):
    """A time as text ('12 May 2026, 22:00 local (UTC+8) · 14:00 UTC'), with its parts."""

    local: str
    utc: str
    iso: str

    def __new__(cls, ts: int, locode: str | None):
        when = datetime.fromtimestamp(ts, UTC)
        utc = utc_text(ts)
        zone = zone_of(locode)
        if zone is None:
            text, local = utc, ""
        else:
            here = when.astimezone(zone)
            offset = here.strftime("%z")
            sign, hours, minutes = offset[0], int(offset[1:3]), offset[3:]
            label = f"UTC{sign}{hours}" + (f":{minutes}" if minutes != "00" else "")
            local = here.strftime("%-d %b %Y, %H:%M") + f" local ({label})"
            same_day = here.date() == when.date()
            text = f"{local} · {when.strftime('%H:%M') if same_day else utc[:-4]} UTC"
        self = super().__new__(cls, text)
        self.local, self.utc, self.iso = local, utc, when.strftime("%Y-%m-%dT%H:%M:%SZ")
        return self


def stamp(ts: int | None, locode: str | None = None) -> str:
    """`ts` in the page's convention: local time at `locode` plus UTC ('—' for none)."""
    return Stamp(ts, locode) if ts else "—"
