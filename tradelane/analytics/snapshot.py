"""The analytics snapshot on-time routing uses, and the hash that names it.

A snapshot is the observed distributions (``routing.ontime.Observations``: per-lane transit
and departure-delay samples, per-port handling samples, in hours rounded to 0.01) plus
where they came from (per deployment: highest milestone block and milestone count). Its
hash is sha256 over the canonical JSON of exactly that, so a route proposal (or an offer)
that names the hash can be re-checked against the same data.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from routing.ontime import Observations

from .frame import Legs, group

__all__ = ["Snapshot", "build_snapshot", "latest_snapshot", "load_snapshot"]

VERSION = "tradelane-analytics-snapshot/1"


@dataclass(frozen=True)
class Snapshot:
    observations: Observations
    hash: str
    source: dict
    canonical: dict

    def to_json(self) -> dict:
        return {"hash": self.hash, **self.canonical}


def _samples(values: np.ndarray) -> list[float]:
    return sorted(round(float(v), 2) for v in values if not np.isnan(v))


def build_snapshot(
    legs: Legs,
    names: Mapping[str, str] | None = None,
    *,
    source: dict | None = None,
    min_observations: int = 30,
) -> Snapshot:
    """The snapshot of ``legs``; carriers are named through ``names`` (address → name),
    as routing knows them, and keep their address when unnamed."""
    names = names or {}
    carrier = np.array([names.get(c, c) for c in legs.carrier], dtype=object)
    transit_h = (legs.actual_arrival - legs.actual_departure) / 3600.0
    delay_h = (legs.actual_departure - legs.planned_departure) / 3600.0
    handling_h = (legs.discharged - legs.actual_arrival) / 3600.0
    transit, delay = {}, {}
    keys, idx = group(legs.origin, legs.destination, legs.mode, carrier)
    for g, key in enumerate(keys):
        t = _samples(transit_h[idx == g])
        if t:
            transit["|".join(key)] = t
            delay["|".join(key)] = _samples(delay_h[idx == g])
    hubs, hidx = group(legs.destination)
    handling = {}
    for g, (port,) in enumerate(hubs):
        h = _samples(handling_h[hidx == g])
        if h:
            handling[port] = h
    canonical = {
        "version": VERSION,
        "source": source or {},
        "min_observations": min_observations,
        "transit_h": transit,
        "departure_delay_h": delay,
        "handling_h": handling,
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    digest = "0x" + hashlib.sha256(text.encode()).hexdigest()
    arrays = {  # converted once here, not on every estimate
        name: {k: np.asarray(v, dtype=np.float64) for k, v in samples.items()}
        for name, samples in (("transit", transit), ("delay", delay), ("handling", handling))
    }
    obs = Observations(
        transit={tuple(k.split("|")): v for k, v in arrays["transit"].items()},
        departure_delay={tuple(k.split("|")): v for k, v in arrays["delay"].items()},
        hub_handling=arrays["handling"],
        min_observations=min_observations,
        snapshot=digest,
    )
    return Snapshot(obs, digest, source or {}, canonical)


def load_snapshot(store, names: Mapping[str, str] | None = None, scope=None, **kw) -> Snapshot:
    """The snapshot of what the index ``store`` holds now (see :mod:`.load`)."""
    from .load import Scope, load_legs, source_marker

    scope = scope or Scope()
    legs = load_legs(store.engine, store.tables, scope)
    source = source_marker(store.engine, store.tables, scope)
    return build_snapshot(legs, names, source=source, **kw)


_LATEST_LOCK = threading.Lock()


def latest_snapshot(store, names: Mapping[str, str]) -> Snapshot:
    """:func:`load_snapshot` of the whole index, reused while the index has not moved.

    The index's cursors (the block number and hash each followed deployment is indexed up
    to) name its content, so a page asking for odds pays for one small query until a new
    block is indexed; a reorganisation changes the hash. Kept on the store object itself.
    """
    cursors = store.tables["cursors"]
    query = select(cursors.c.chain_id, cursors.c.contract, cursors.c.number, cursors.c.hash)
    with store.engine.connect() as conn:
        marker = tuple(map(tuple, conn.execute(query.order_by(cursors.c.chain_id)).all()))
    key = (marker, tuple(sorted(names.items())))
    with _LATEST_LOCK:
        hit = getattr(store, "_latest_snapshot", None)
    if hit is not None and hit[0] == key:
        return hit[1]
    snapshot = load_snapshot(store, names)
    with _LATEST_LOCK:
        store._latest_snapshot = (key, snapshot)
    return snapshot
