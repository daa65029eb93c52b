"""Stage 5: canonical JSON, gzip without timestamps, and MANIFEST.json (sha256 of both)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "routing" / "data"
BUILT_FROM = ("searoute", "airportsdata", "networkx", "scgraph", "scgraph_data")


def canonical_bytes(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _gzip(raw: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(raw)
    return buf.getvalue()


def write(data: dict, land_paths: dict, stats: dict, out: Path = OUT) -> dict:
    raw = canonical_bytes(data)
    blob = _gzip(raw)
    land_raw = canonical_bytes(land_paths)
    land_blob = _gzip(land_raw)
    manifest = {
        "file": "network.json.gz",
        "file_sha256": hashlib.sha256(blob).hexdigest(),
        "data_sha256": hashlib.sha256(raw).hexdigest(),
        "land_paths": "land_paths.json.gz",
        "land_paths_sha256": hashlib.sha256(land_raw).hexdigest(),
        "ports": len(data["ports"]),
        "lanes": len(data["lanes"]),
        "services": len(data["services"]),
        "carriers": len(data["carriers"]),
        "stats": stats,
        "built_from": {name: metadata.version(name) for name in BUILT_FROM},
        "builder": "tools/build_network (python -m tools.build_network)",
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "network.json.gz").write_bytes(blob)
    (out / "land_paths.json.gz").write_bytes(land_blob)
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest
