"""Layout for the route map (`mapsvg`): the projection, projected lines and label placement.

Plain geometry with no SVG markup, so the drawing module reads as the drawing steps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["WIDTH", "Labels", "Projection", "arc", "needs_shift", "path_d", "polyline"]

WIDTH = 800


class Projection:
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

    def _window(self) -> tuple:
        return (self.shift, self.height, self.lon0, self.lon1, self.lat0, self.lat1)

    def __eq__(self, other: object) -> bool:  # equal windows draw the same map
        return isinstance(other, Projection) and self._window() == other._window()

    def __hash__(self) -> int:
        return hash(self._window())

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


def needs_shift(lons: Sequence[float]) -> bool:
    """True when the route is narrower seen across the antimeridian (e.g. a Pacific crossing)."""
    plain = max(lons) - min(lons)
    shifted = [lon + 360 if lon < 0 else lon for lon in lons]
    return max(shifted) - min(shifted) < plain


def polyline(proj: Projection, lonlats: Sequence[tuple[float, float]]) -> list[list]:
    """Projected runs of a (lon, lat) line, split where it jumps across the map."""
    runs: list[list[tuple[float, float]]] = [[]]
    last_lon = None
    for lon, lat in lonlats:
        if last_lon is not None and abs(proj.lon(lon) - proj.lon(last_lon)) > 180:
            runs.append([])
        runs[-1].append(proj.xy(lat, lon))
        last_lon = lon
    return [run for run in runs if len(run) > 1]


def path_d(run: Sequence[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{x:g} {y:g}" for x, y in run)


def arc(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
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


class Labels:
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
