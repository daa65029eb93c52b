"""Build Tradelane's reference port/carrier network into ``routing/data/``.

Deterministic and re-runnable: the same package versions give byte-identical output,
whose sha256 is written to ``routing/data/MANIFEST.json``. The modules follow the
build's stages:

1. :mod:`.nodes` - searoute's UN/LOCODE ports, cargo airports (airportsdata), inland points;
2. :mod:`.sea` - liner rotations (searoute distances and passages) and feeders capped
   in distance and region (marnet);
3. :mod:`.surface` over :mod:`.land` - road and rail lanes with shortest-path distances on
   scgraph_data's world highway/railway graphs (no path: no lane), the rail corridors and
   the barge corridors of :mod:`.catalogue`;
4. :mod:`.air` - freighter hub meshes and spokes;
5. :mod:`.output` - canonical JSON, ``land_paths.json.gz`` (every road/rail lane's path,
   thinned, for the tests) and the manifest.

Inputs are installed, pinned PyPI packages (``requirements-build.txt``); nothing is
downloaded. The carriers and services are *modelled*, not real carrier data.

Usage::

    .venv/bin/pip install -r requirements-build.txt
    .venv/bin/python -m tools.build_network          # rebuild routing/data
    .venv/bin/python -m tools.build_network --check  # fail if the output would change
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from contextlib import nullcontext

from routing import assumptions as A

from .air import air_lanes
from .catalogue import CARRIERS, HUBS, SNAP_MAX_KM
from .land import Land
from .lanes import LANE_FIELDS
from .nodes import add_airports_and_inland, load_ports
from .output import OUT, canonical_bytes, write
from .sea import Sea, feeders, mainline
from .surface import surface_lanes

__all__ = ["build", "canonical_bytes", "main"]
FORMAT_VERSION = 2


def _progress(enabled: bool):
    """A rich progress bar on a terminal (counts and rate); nothing otherwise."""
    if not enabled:
        return nullcontext(None)
    from rich.progress import MofNCompleteColumn, Progress, TimeElapsedColumn

    return Progress(*Progress.get_default_columns(), MofNCompleteColumn(), TimeElapsedColumn())


def _stage(name: str, t0: list[float]) -> None:
    now = time.perf_counter()
    print(f"build_network: {name} ({now - t0[0]:.0f} s)", file=sys.stderr)
    t0[0] = now


def build(show_progress: bool = False) -> tuple[dict, dict, dict]:
    """Return (network data, land paths, build statistics)."""
    t0 = [time.perf_counter()]
    stats = {"feeders": 0, "feeder_max_km": 0, "ports_without_feeder": 0, "remote_feeders": 0,
             "corridor_rail": 0, "corridor_rail_refused": [], "barge": 0}  # fmt: skip
    ports = load_ports()
    sea = Sea()
    regions = {c: A.region_of(p["country"], p["lat"], p["lon"]) for c, p in ports.items()}
    lanes, services = mainline(sea, ports, regions)
    _stage("mainline services", t0)
    # Ports further than SNAP_MAX_KM from the maritime network are inland/river terminals:
    # they get road/rail links instead of a sea feeder.
    inland_ports = set()
    for code in sorted(ports):
        lon, lat = sea.snap(ports[code])
        if A.great_circle_km(ports[code]["lat"], ports[code]["lon"], lat, lon) > SNAP_MAX_KM:
            inland_ports.add(code)
            ports[code]["kind"] = "inland port"
    lanes += feeders(sea, ports, regions, inland_ports, stats)
    _stage("feeders", t0)
    nodes = {code: {k: v for k, v in p.items() if k != "_rank"} for code, p in ports.items()}
    air_code = add_airports_and_inland(nodes)
    lanes += air_lanes(nodes, air_code)
    _stage("air", t0)
    land = Land()
    with _progress(show_progress) as bar:
        task = bar.add_task("land links", total=None) if bar else None

        def tick(done: int, total: int) -> None:
            if bar:
                bar.update(task, completed=done, total=total)

        lanes += surface_lanes(nodes, sorted(air_code.values()), inland_ports, land, stats, tick)
    stats["land_refused"] = land.refused
    _stage("road, rail and barge", t0)
    components = {mode: land.components(mode, nodes) for mode in ("rail", "road")}
    _stage("land components", t0)
    # Deduplicate (same from/to/carrier/service) deterministically, sort canonically.
    uniq = {}
    for ln in lanes:
        uniq.setdefault((ln[0], ln[1], ln[4]), ln)  # the graph's edge key is the service
    lanes = [uniq[k] for k in sorted(uniq)]
    data = {
        "format": "tradelane-network",
        "version": FORMAT_VERSION,
        "unit": {"container": "TEU", "cargo_tonnes": A.CARGO_TONNES},
        "carriers": [
            {"name": n, "mode": m, "description": d, "fictional": True} for n, m, d in CARRIERS
        ],
        "services": services,
        "hubs": sorted(h for h in HUBS if h in nodes),
        "ports": [
            [p["locode"], p["name"], p["country"], p["lat"], p["lon"], p["kind"]]
            for p in sorted(nodes.values(), key=lambda p: p["locode"])
        ],
        "port_fields": ["locode", "name", "country", "lat", "lon", "kind"],
        "lanes": lanes,
        "lane_fields": LANE_FIELDS,
        "land_components": components,
    }
    return data, land.saved(), stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify routing/data is up to date")
    args = parser.parse_args(argv)
    data, land_paths, stats = build(show_progress=sys.stderr.isatty())
    if args.check:
        want = hashlib.sha256(canonical_bytes(data)).hexdigest()
        have = json.loads((OUT / "MANIFEST.json").read_text())["data_sha256"]
        if want != have:
            print(f"routing/data is stale: built {want}, shipped {have}", file=sys.stderr)
            return 1
        print(f"routing/data is up to date ({want})")
        return 0
    manifest = write(data, land_paths, stats)
    print(json.dumps(manifest, indent=2, sort_keys=True))
    return 0
