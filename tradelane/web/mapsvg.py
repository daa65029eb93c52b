"""The committed route as an SVG map, drawn server-side from port coordinates.

An equirectangular projection of the route's bounding box (longitude scaled by the cosine
of the middle latitude), Natural Earth land and coastlines (`land`), sea legs along
searoute's marine network, legs coloured *and* dashed by mode (so colour is not the only
cue), ports, chokepoints ("passages") and the place of the last actual event — never a
position guessed from the clock. No tiles, no fonts, no scripts; zoom and pan are map.js.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ..model import LegView
from .geo import PASSAGE_POINTS, PortBook, sea_path
from .land import land_path

__all__ = ["MODE_STYLE", "RouteMap", "draw_route"]

WIDTH = 800
#: mode -> (colour, dash pattern); the legend on the page uses the same table.
MODE_STYLE: dict[str, tuple[str, str]] = {
    "sea": ("#0b5fa5", ""),
    "air": ("#7a3d9c", "10 6"),
    "rail": ("#9a4a08", "14 4 3 4"),
    "road": ("#1b7339", "3 5"),
}
PASSAGE_LABELS = {
    "suez": "Suez",
    "babalmandab": "Bab-el-Mandeb",
    "panama": "Panama",
    "malacca": "Malacca",
    "gibraltar": "Gibraltar",
    "ormuz": "Hormuz",
    "bosporus": "Bosporus",
    "south_africa": "Cape of Good Hope",
    "sunda": "Sunda",
    "chili": "Cape Horn",
    "northwest": "Northwest Passage",
    "bering": "Bering",
}


@dataclass(frozen=True)
class RouteMap:
    svg: str  # the <svg> element
    description: str  # the same content in words (also the SVG's <desc>)


class _Projection:
    def __init__(self, points: Sequence[tuple[float, float]], shift: bool):
        self.shift = shift
        lons = [self.lon(lon) for _, lon in points]
        lats = [lat for lat, _ in points]
        lon0, lon1 = min(lons), max(lons)
        lat0, lat1 = min(lats), max(lats)
        # Pad, and keep short routes from filling the map edge to edge.
        dlon = max(lon1 - lon0, 8.0)
        dlat = max(lat1 - lat0, 5.0)
        cx, cy = (lon0 + lon1) / 2, (lat0 + lat1) / 2
        dlon, dlat = dlon * 1.25, dlat * 1.3
        kx = math.cos(math.radians(max(min(cy, 70.0), -70.0)))
        height = WIDTH * dlat / (dlon * kx)
        lo, hi = WIDTH * 0.45, WIDTH * 0.72
        if height < lo:
            height = lo
            dlat = height * dlon * kx / WIDTH
        elif height > hi:
            height = hi
            dlon = WIDTH * dlat / (height * kx)
        self.height = round(height)
        self.lon0, self.lon1 = cx - dlon / 2, cx + dlon / 2
        self.lat0, self.lat1 = cy - dlat / 2, cy + dlat / 2

    def lon(self, lon: float) -> float:
        return lon + 360 if self.shift and lon < 0 else lon

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return self.xy_plain(lat, self.lon(lon))

    def xy_plain(self, lat: float, lon: float) -> tuple[float, float]:
        """Like `xy` for a longitude already in the map's (possibly shifted) range."""
        x = (lon - self.lon0) / (self.lon1 - self.lon0) * WIDTH
        y = (self.lat1 - lat) / (self.lat1 - self.lat0) * self.height
        return round(x, 1), round(y, 1)

    def inside(self, x: float, y: float, margin: float = 40) -> bool:
        return -margin <= x <= WIDTH + margin and -margin <= y <= self.height + margin


def _needs_shift(lons: Sequence[float]) -> bool:
    """True when the route is narrower seen across the antimeridian (e.g. a Pacific crossing)."""
    plain = max(lons) - min(lons)
    shifted = [lon + 360 if lon < 0 else lon for lon in lons]
    return max(shifted) - min(shifted) < plain


def _polyline(proj: _Projection, lonlats: Sequence[tuple[float, float]]) -> list[list]:
    """Projected runs of a (lon, lat) line, split where it jumps across the map."""
    runs: list[list[tuple[float, float]]] = [[]]
    last_lon = None
    for lon, lat in lonlats:
        if last_lon is not None and abs(proj.lon(lon) - proj.lon(last_lon)) > 180:
            runs.append([])
        runs[-1].append(proj.xy(lat, lon))
        last_lon = lon
    return [run for run in runs if len(run) > 1]


def _d(run: Sequence[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{x:g} {y:g}" for x, y in run)


def _land(proj: _Projection) -> str:
    d = land_path(proj)
    if not d:
        return ""
    return (
        f'<path class="land" d="{d}" fill="#f3f0e6" stroke="#9c9580" stroke-width="0.8" '
        'stroke-linejoin="round" fill-rule="evenodd"/>'
    )


def _graticule(proj: _Projection) -> str:
    span = proj.lon1 - proj.lon0
    step = next((s for s in (1, 2, 5, 10, 15, 20, 30) if span / s <= 8), 45)
    lines = []
    start = math.ceil(proj.lon0 / step) * step
    lon = start
    while lon <= proj.lon1:
        x, _ = proj.xy(0, lon if lon <= 180 else lon - 360)
        lines.append(f"M{x:g} 0 V{proj.height}")
        lon += step
    lat = math.ceil(proj.lat0 / step) * step
    while lat <= proj.lat1:
        _, y = proj.xy(lat, proj.lon0)
        lines.append(f"M0 {y:g} H{WIDTH}")
        lat += step
    return (
        f'<path class="graticule" d="{" ".join(lines)}" fill="none" '
        'stroke="#d5e2ee" stroke-width="1"/>'
    )


def _arc(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
    """A gentle curve from a to b (projected), for air legs."""
    (x0, y0), (x1, y1) = a, b
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = x1 - x0, y1 - y0
    bulge = 0.18
    cx, cy = mx + dy * bulge, my - dx * bulge
    if cy > my:  # always bow upwards, like a flight path
        cx, cy = mx - dy * bulge, my + dx * bulge
    pts = []
    for i in range(17):
        t = i / 16
        pts.append(
            (
                round((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t**2 * x1, 1),
                round((1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t**2 * y1, 1),
            )
        )
    return pts


def _label_box(
    x: float, y: float, text: str, where: str, char: float
) -> tuple[float, float, float, float, str]:
    w, h = char * len(text) + 6, 16
    if where == "right":
        return x + 9, y - h / 2, w, h, "start"
    if where == "left":
        return x - 9 - w, y - h / 2, w, h, "end"
    if where == "above":
        return x - w / 2, y - 10 - h, w, h, "middle"
    return x - w / 2, y + 10, w, h, "middle"


def _overlaps(box, boxes) -> bool:
    x, y, w, h = box[:4]
    return any(
        x < bx + bw and bx < x + w and y < by + bh and by < y + h for bx, by, bw, bh in boxes
    )


class _Labels:
    """Greedy label placement: beside a marker, clear of other labels and markers, and of
    the route lines where there is a choice."""

    def __init__(self, height: float):
        self.height = height
        self.taken: list[tuple[float, float, float, float]] = []
        self.soft: list[tuple[float, float, float, float]] = []

    def block(self, x: float, y: float, r: float = 8) -> None:
        self.taken.append((x - r, y - r, 2 * r, 2 * r))

    def line(self, run: Sequence[tuple[float, float]]) -> None:
        for (x0, y0), (x1, y1) in zip(run, run[1:], strict=False):
            steps = max(1, int(math.dist((x0, y0), (x1, y1)) // 8))
            for i in range(steps + 1):
                t = i / steps
                self.soft.append((x0 + (x1 - x0) * t - 3, y0 + (y1 - y0) * t - 3, 6, 6))

    def place(self, x: float, y: float, text: str, char: float) -> tuple[float, float, str]:
        order = ["right", "left", "above", "below"]
        if x > WIDTH * 0.7:
            order = ["left", "right", "above", "below"]
        choice = None
        for where in order:
            box = _label_box(x, y, text, where, char)
            bx, by, bw, bh, _ = box
            if bx < 2 or bx + bw > WIDTH - 2 or by < 2 or by + bh > self.height - 2:
                continue
            if _overlaps(box, self.taken):
                continue
            if not _overlaps(box, self.soft):
                choice = box
                break
            choice = choice or box
        if choice is None:
            choice = self._clamped(x, y, text, order[0], char)
        bx, by, bw, bh, anchor = choice
        self.taken.append((bx, by, bw, bh))
        tx = {"start": bx + 3, "end": bx + bw - 3, "middle": bx + bw / 2}[anchor]
        return round(tx, 1), round(by + 12, 1), anchor

    def _clamped(self, x, y, text, where, char):
        bx, by, bw, bh, anchor = _label_box(x, y, text, where, char)
        bx += max(2 - bx, 0) - max(bx + bw - (WIDTH - 2), 0)
        by += max(2 - by, 0) - max(by + bh - (self.height - 2), 0)
        return bx, by, bw, bh, anchor


def _leg_state(leg: LegView) -> str:
    if leg.actual_arrival:
        return "completed"
    if leg.actual_departure:
        return "in-transit"
    return "planned"


def draw_route(
    legs: Sequence[LegView],
    book: PortBook,
    *,
    last_seen: tuple[str, str] | None = None,
    title: str = "Route map",
    id_prefix: str = "map",
) -> RouteMap:
    """Draw `legs` as an inline SVG; ports missing from `book` are listed, not drawn.

    `last_seen` is (UN/LOCODE, words) of the last *actual* event: the map rings that place
    and says so, and never invents a position between ports from the clock.
    """
    from routing.passages import passages_from_mask

    known = [leg for leg in legs if leg.origin in book and leg.destination in book]
    missing = sorted({c for leg in legs for c in (leg.origin, leg.destination) if c not in book})
    words = _describe(legs, book, missing)
    if last_seen:
        words += f" {last_seen[1]}."
    if not known:
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 120" role="img" '
            f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" class="route-map">'
            f'<title id="{id_prefix}-title">{escape(title)}</title>'
            f'<desc id="{id_prefix}-desc">{escape(words)}</desc>'
            f'<rect width="{WIDTH}" height="120" fill="#eef4f9"/>'
            f'<text x="{WIDTH / 2}" y="66" text-anchor="middle" font-size="16" fill="#33414f">'
            f"{'No route committed yet' if not legs else 'Port coordinates unknown'}</text></svg>"
        )
        return RouteMap(svg, words)

    # Geometry in (lon, lat), before projection.
    geoms: list[list[tuple[float, float]]] = []
    passages: dict[str, tuple[float, float]] = {}
    for leg in known:
        a, b = book.coords(leg.origin), book.coords(leg.destination)
        if leg.mode == "sea":
            geoms.append(list(sea_path(a, b)))
        else:
            geoms.append([(a[1], a[0]), (b[1], b[0])])
        for name in passages_from_mask(leg.passages):
            if name in PASSAGE_POINTS:
                passages[name] = PASSAGE_POINTS[name]
    points = [(lat, lon) for g in geoms for lon, lat in g] + list(passages.values())
    proj = _Projection(points, _needs_shift([lon for _, lon in points]))
    h = proj.height

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {h}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" class="route-map" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(words)}</desc>',
        f'<rect x="-{WIDTH}" y="-{h}" width="{3 * WIDTH}" height="{3 * h}" fill="#dcEAf5"/>',
        _graticule(proj),
        _land(proj),
    ]

    runs_by_leg: list[list[list[tuple[float, float]]]] = []
    for leg, geom in zip(known, geoms, strict=True):
        runs = _polyline(proj, geom)
        if leg.mode == "air" and len(runs) == 1 and len(runs[0]) == 2:
            runs = [_arc(runs[0][0], runs[0][1])]
        runs_by_leg.append(runs)
        colour, dash = MODE_STYLE.get(leg.mode, ("#333", ""))
        state = _leg_state(leg)
        opacity = "1" if state != "planned" else "0.55"
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        d = " ".join(_d(r) for r in runs)
        out.append(
            f'<g class="leg leg-{escape(leg.mode)} leg-{state}" data-leg="{leg.index}" '
            f'opacity="{opacity}"><title>Leg {leg.index + 1}: {escape(leg.origin)} to '
            f"{escape(leg.destination)} by {escape(leg.mode)} ({state})</title>"
            f'<path d="{d}" fill="none" stroke="#fff" stroke-width="7" stroke-linecap="round" '
            'stroke-linejoin="round"/>'
            f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="3.5"{dash_attr} '
            'stroke-linecap="round" stroke-linejoin="round"/></g>'
        )

    seen: dict[str, tuple[float, float]] = {}
    for leg in known:
        for code in (leg.origin, leg.destination):
            if code not in seen:
                seen[code] = proj.xy(*book.coords(code))
    reached = {
        code
        for leg in known
        for code, t in ((leg.origin, leg.actual_departure), (leg.destination, leg.actual_arrival))
        if t
    }
    passage_xy = {name: proj.xy(lat, lon) for name, (lat, lon) in passages.items()}
    labels = _Labels(h)
    for x, y in [*seen.values(), *passage_xy.values()]:
        labels.block(x, y)
    for runs in runs_by_leg:
        for run in runs:
            labels.line(run)
    port_labels = {}
    for code, (x, y) in seen.items():  # ports first: their labels matter most
        name = book.name(code) or code
        text = f"{name} ({code})" if len(name) <= 18 else code
        port_labels[code] = (text, *labels.place(x, y, text, 8.2))

    for name, (x, y) in passage_xy.items():
        label = PASSAGE_LABELS.get(name, name)
        tx, ty, anchor = labels.place(x, y, label, 6.9)
        out.append(
            f'<g class="passage"><title>Passage: {escape(label)}</title>'
            f'<rect x="{x - 5:g}" y="{y - 5:g}" width="10" height="10" '
            f'transform="rotate(45 {x:g} {y:g})" fill="#fff" stroke="#4a5561" stroke-width="1.5"/>'
            f'<text x="{tx:g}" y="{ty:g}" text-anchor="{anchor}" font-size="12" '
            'font-style="italic" fill="#3d4853" stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">{escape(label)}</text></g>'
        )

    for code, (x, y) in seen.items():
        fill = "#1b2733" if code in reached else "#fff"
        name = book.name(code) or code
        text, tx, ty, anchor = port_labels[code]
        out.append(
            f'<g class="port" data-locode="{escape(code)}"><title>{escape(name)} ({escape(code)})'
            f"{', reached' if code in reached else ''}</title>"
            f'<circle cx="{x:g}" cy="{y:g}" r="6" fill="{fill}" stroke="#1b2733" stroke-width="2"/>'
            f'<text x="{tx:g}" y="{ty:g}" text-anchor="{anchor}" font-size="13" '
            'font-weight="600" fill="#1b2733" stroke="#fff" stroke-width="3.5" '
            f'paint-order="stroke">{escape(text)}</text></g>'
        )

    if last_seen and last_seen[0] in seen:
        x, y = seen[last_seen[0]]
        out.append(
            f'<g class="position" data-locode="{escape(last_seen[0])}">'
            f"<title>{escape(last_seen[1])}</title>"
            f'<circle cx="{x:g}" cy="{y:g}" r="12" fill="none" stroke="#d9480f" '
            'stroke-width="3"/></g>'
        )
    out.append("</svg>")
    return RouteMap("".join(out), words)


def _describe(legs: Sequence[LegView], book: PortBook, missing: Sequence[str]) -> str:
    from routing.passages import passages_from_mask

    if not legs:
        return "No route has been committed for this shipment yet."

    def place(code: str) -> str:
        name = book.name(code)
        return f"{name} ({code})" if name else code

    parts = []
    for leg in legs:
        text = (
            f"Leg {leg.index + 1} by {leg.mode} from {place(leg.origin)} "
            f"to {place(leg.destination)}"
        )
        names = [PASSAGE_LABELS.get(p, p) for p in passages_from_mask(leg.passages)]
        if names:
            text += " through " + ", ".join(names)
        text += f", {_leg_state(leg).replace('-', ' ')}"
        parts.append(text)
    words = f"Route with {len(legs)} leg{'s' if len(legs) != 1 else ''}: " + "; ".join(parts) + "."
    if missing:
        words += f" Not drawn (no coordinates): {', '.join(missing)}."
    return words
