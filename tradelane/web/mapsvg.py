"""The committed route as an SVG map, drawn server-side from port coordinates.

An equirectangular projection of the route's bounding box (longitude scaled by the cosine
of the middle latitude), Natural Earth land and coastlines (`land`), sea legs along
searoute's marine network, legs coloured *and* dashed by mode (so colour is not the only
cue), ports, chokepoints ("passages") and the place of the last actual event — never a
position guessed from the clock. No tiles, no fonts, no scripts; zoom and pan are map.js.
The geometry (projection, projected lines, label placement) is in `maplayout`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from ..model import LegView
from .geo import PASSAGE_POINTS, PortBook, sea_path
from .land import land_path
from .maplayout import WIDTH, Labels, Projection, arc, needs_shift, path_d, polyline

__all__ = ["MODE_STYLE", "RouteMap", "draw_route"]

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


def _land(proj: Projection) -> str:
    d = land_path(proj)
    if not d:
        return ""
    return (
        f'<path class="land" d="{d}" fill="#f3f0e6" stroke="#9c9580" stroke-width="0.8" '
        'stroke-linejoin="round" fill-rule="evenodd"/>'
    )


def _graticule(proj: Projection) -> str:
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
    known = [leg for leg in legs if leg.origin in book and leg.destination in book]
    missing = sorted({c for leg in legs for c in (leg.origin, leg.destination) if c not in book})
    words = _describe(legs, book, missing)
    if last_seen:
        words += f" {last_seen[1]}."
    if not known:
        return RouteMap(_empty_svg(legs, title, words, id_prefix), words)

    geoms, passages = _geometry(known, book)
    points = [(lat, lon) for g in geoms for lon, lat in g] + list(passages.values())
    proj = Projection(points, needs_shift([lon for _, lon in points]))
    out = _background(proj, title, words, id_prefix)
    runs_by_leg = [_leg_runs(proj, leg, geom) for leg, geom in zip(known, geoms, strict=True)]
    out += [_leg_svg(leg, runs) for leg, runs in zip(known, runs_by_leg, strict=True)]
    out += _markers(proj, known, book, passages, runs_by_leg, last_seen)
    out.append("</svg>")
    return RouteMap("".join(out), words)


def _empty_svg(legs: Sequence[LegView], title: str, words: str, id_prefix: str) -> str:
    """A short panel in place of the map: nothing committed, or no coordinates to draw."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 120" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" class="route-map">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(words)}</desc>'
        f'<rect width="{WIDTH}" height="120" fill="#eef4f9"/>'
        f'<text x="{WIDTH / 2}" y="66" text-anchor="middle" font-size="16" fill="#33414f">'
        f"{'No route committed yet' if not legs else 'Port coordinates unknown'}</text></svg>"
    )


def _geometry(
    known: Sequence[LegView], book: PortBook
) -> tuple[list[list[tuple[float, float]]], dict[str, tuple[float, float]]]:
    """Each leg's line in (lon, lat), before projection, and the passages (lat, lon) it uses."""
    from routing.passages import passages_from_mask

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
    return geoms, passages


def _background(proj: Projection, title: str, words: str, id_prefix: str) -> list[str]:
    """The <svg> opening, its title and description, the sea, graticule and land."""
    h = proj.height
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {h}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" class="route-map" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(words)}</desc>',
        f'<rect x="-{WIDTH}" y="-{h}" width="{3 * WIDTH}" height="{3 * h}" fill="#dcEAf5"/>',
        _graticule(proj),
        _land(proj),
    ]


def _leg_runs(
    proj: Projection, leg: LegView, geom: Sequence[tuple[float, float]]
) -> list[list[tuple[float, float]]]:
    """A leg's projected runs; a straight air leg becomes a gentle arc."""
    runs = polyline(proj, geom)
    if leg.mode == "air" and len(runs) == 1 and len(runs[0]) == 2:
        runs = [arc(runs[0][0], runs[0][1])]
    return runs


def _leg_svg(leg: LegView, runs: Iterable[Sequence[tuple[float, float]]]) -> str:
    colour, dash = MODE_STYLE.get(leg.mode, ("#333", ""))
    state = _leg_state(leg)
    opacity = "1" if state != "planned" else "0.55"
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    d = " ".join(path_d(r) for r in runs)
    return (
        f'<g class="leg leg-{escape(leg.mode)} leg-{state}" data-leg="{leg.index}" '
        f'opacity="{opacity}"><title>Leg {leg.index + 1}: {escape(leg.origin)} to '
        f"{escape(leg.destination)} by {escape(leg.mode)} ({state})</title>"
        f'<path d="{d}" fill="none" stroke="#fff" stroke-width="7" stroke-linecap="round" '
        'stroke-linejoin="round"/>'
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="3.5"{dash_attr} '
        'stroke-linecap="round" stroke-linejoin="round"/></g>'
    )


def _markers(
    proj: Projection,
    known: Sequence[LegView],
    book: PortBook,
    passages: dict[str, tuple[float, float]],
    runs_by_leg: Sequence[Sequence[Sequence[tuple[float, float]]]],
    last_seen: tuple[str, str] | None,
) -> list[str]:
    """Passages, ports and the last-seen ring, with labels clear of markers and lines."""
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
    labels = Labels(proj.height)
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
    out = [_passage_svg(name, x, y, labels) for name, (x, y) in passage_xy.items()]
    for code, (x, y) in seen.items():
        out.append(_port_svg(code, x, y, book.name(code) or code, code in reached, port_labels))
    if last_seen and last_seen[0] in seen:
        x, y = seen[last_seen[0]]
        out.append(
            f'<g class="position" data-locode="{escape(last_seen[0])}">'
            f"<title>{escape(last_seen[1])}</title>"
            f'<circle cx="{x:g}" cy="{y:g}" r="12" fill="none" stroke="#d9480f" '
            'stroke-width="3"/></g>'
        )
    return out


def _passage_svg(name: str, x: float, y: float, labels: Labels) -> str:
    label = PASSAGE_LABELS.get(name, name)
    tx, ty, anchor = labels.place(x, y, label, 6.9)
    return (
        f'<g class="passage"><title>Passage: {escape(label)}</title>'
        f'<rect x="{x - 5:g}" y="{y - 5:g}" width="10" height="10" '
        f'transform="rotate(45 {x:g} {y:g})" fill="#fff" stroke="#4a5561" stroke-width="1.5"/>'
        f'<text x="{tx:g}" y="{ty:g}" text-anchor="{anchor}" font-size="12" '
        'font-style="italic" fill="#3d4853" stroke="#fff" stroke-width="3" '
        f'paint-order="stroke">{escape(label)}</text></g>'
    )


def _port_svg(
    code: str, x: float, y: float, name: str, reached: bool, port_labels: dict[str, tuple]
) -> str:
    fill = "#1b2733" if reached else "#fff"
    text, tx, ty, anchor = port_labels[code]
    return (
        f'<g class="port" data-locode="{escape(code)}"><title>{escape(name)} ({escape(code)})'
        f"{', reached' if reached else ''}</title>"
        f'<circle cx="{x:g}" cy="{y:g}" r="6" fill="{fill}" stroke="#1b2733" stroke-width="2"/>'
        f'<text x="{tx:g}" y="{ty:g}" text-anchor="{anchor}" font-size="13" '
        'font-weight="600" fill="#1b2733" stroke="#fff" stroke-width="3.5" '
        f'paint-order="stroke">{escape(text)}</text></g>'
    )


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
