"""Land and coastlines for the route map, from Natural Earth (public domain) via npm world-atlas.

`world-atlas` ships Natural Earth's land polygons as TopoJSON; `topojson-client` (the
reference decoder, also from npm) turns them into GeoJSON once, with Node, and the result is
cached under ``build/tradelane/``. Both packages are pinned in package.json and installed
by ``make bootstrap``: nothing is downloaded, at build time or run time. Without Node or the
packages the map is drawn without land and says so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache, lru_cache
from pathlib import Path

__all__ = ["ATTRIBUTION", "Polygon", "land"]

ROOT = Path(__file__).resolve().parents[2]
ATLAS = ROOT / "node_modules" / "world-atlas"
CACHE = ROOT / "build" / "tradelane"
ATTRIBUTION = "Land and coastlines: Natural Earth (public domain), via world-atlas 2.0.2."
#: A polygon as its rings of (lon, lat); the first ring is the outline, the rest are holes.
Polygon = tuple[tuple[tuple[float, float], ...], ...]

# Decode with topojson-client and round to 0.01° (about 1 km: finer than a map pixel).
_DECODE = """
const fs = require("fs");
const {feature} = require(process.argv[1]);
const t = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const g = feature(t, t.objects.land).features.map(f => f.geometry);
const polys = [];
for (const geom of g) {
  const list = geom.type === "Polygon" ? [geom.coordinates] : geom.coordinates;
  for (const p of list) polys.push(p.map(r => r.map(([x, y]) => [+x.toFixed(2), +y.toFixed(2)])));
}
process.stdout.write(JSON.stringify(polys));
"""


def _decode(resolution: str) -> list:
    source = ATLAS / f"land-{resolution}.json"
    client = ROOT / "node_modules" / "topojson-client"
    node = shutil.which("node")
    if not node or not source.exists() or not client.exists():
        return []
    done = subprocess.run(
        [node, "-e", _DECODE, "--", str(client), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return json.loads(done.stdout) if done.returncode == 0 and done.stdout else []


@cache
def land(resolution: str = "110m") -> tuple[Polygon, ...]:
    """Natural Earth land polygons at `resolution` ("110m" or "50m"); () when unavailable."""
    if resolution not in ("110m", "50m"):
        raise ValueError(f"no land data at resolution {resolution!r} (110m or 50m)")
    path = CACHE / f"land-{resolution}.json"
    try:
        polys = json.loads(path.read_text())
    except (OSError, ValueError):
        polys = _decode(resolution)
        if polys:
            CACHE.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(polys, separators=(",", ":")))
            tmp.replace(path)  # atomic: a parallel reader never sees half a file
    return tuple(tuple(tuple((x, y) for x, y in ring) for ring in poly) for poly in polys)


@lru_cache(maxsize=512)
def land_path(view, *, detail: float = 0.8) -> str:
    """The land inside `view` as one SVG path ``d`` ("" when none).

    Cached by the map's window: a shipment's map (and every other shipment on that route)
    projects the coastlines once, not on every page load.

    `view` is the map's projection: ``xy(lat, lon)``, ``lon(lon)`` (shifted across the
    antimeridian for Pacific routes) and its ``lon0, lon1, lat0, lat1`` window. Rings outside
    the window (with a margin for panning) are skipped; points closer than `detail` pixels
    to the previous one are dropped.
    """
    span = view.lon1 - view.lon0
    polys = land("50m" if span < 50 else "110m")
    margin_lon, margin_lat = span * 0.5, (view.lat1 - view.lat0) * 0.5
    parts = []
    for poly in polys:
        for ring in poly:
            lons = [lon for lon, _ in ring]
            shifted = [view.lon(lon) for lon in lons]
            # A ring straddling 0° keeps plain longitudes when shifting would tear it apart.
            use = shifted if max(shifted) - min(shifted) <= max(lons) - min(lons) else lons
            if max(use) < view.lon0 - margin_lon or min(use) > view.lon1 + margin_lon:
                continue
            lats = [lat for _, lat in ring]
            if max(lats) < view.lat0 - margin_lat or min(lats) > view.lat1 + margin_lat:
                continue
            points = []
            for lon, (_, lat) in zip(use, ring, strict=True):
                x, y = view.xy_plain(lat, lon)
                if points and abs(points[-1][0] - x) + abs(points[-1][1] - y) < detail:
                    continue
                points.append((x, y))
            if len(points) > 2:
                parts.append("M" + " L".join(f"{x:g} {y:g}" for x, y in points) + "Z")
    return " ".join(parts)
