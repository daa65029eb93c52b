"""The port/carrier network: a networkx ``MultiDiGraph`` plus cached derived structures.

Nodes are UN/LOCODEs (seaports, airports, inland points); every edge is one lane of
one carrier service (parallel edges for parallel carriers/services/modes), keyed by
the service id, with these attributes:

``mode`` ("sea"|"air"|"rail"|"road"|"barge"), ``carrier``, ``service``, ``km``, ``h`` (in-motion
hours ETD -> ETA), ``cost`` (USD), ``co2`` (kg CO2e), ``passages`` (tuple of names),
``pmask`` (their bitmask), ``deps`` (weekly departure times in hours after Monday
00:00 UTC; empty = on demand), ``cutoff`` (hours), ``via`` (intermediate calls the
cargo stays on board through) and ``tw`` (expected door-to-door hours used by the
static time objective: ``h`` + cut-off + half the headway + connection dwell).
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

import networkx as nx

from .assumptions import MIN_CONNECTION_HOURS, great_circle_km, region_of
from .errors import NetworkDataError, UnknownPort
from .landmarks import DISK_MIN_NODES, Landmarks, build_landmarks, cache_dir, fingerprint
from .landmarks import load as load_landmarks
from .landmarks import save as save_landmarks
from .model import Port
from .passages import passages_mask

__all__ = ["REFERENCE_DIR", "Network", "reference_records"]

REFERENCE_DIR = Path(__file__).resolve().parent / "data"
WEEK_HOURS = 168.0

EdgeFilter = Callable[[str, str, str, dict], bool]
EdgeWeight = Callable[[dict], float]


def _edge_attrs(lane: Mapping) -> dict:
    """Edge attributes from a validated lane record (see ``routing.io``)."""
    deps = tuple(sorted(float(x) % WEEK_HOURS for x in lane["departures"]))
    mode = lane["mode"]
    headway = WEEK_HOURS / len(deps) if deps else 0.0
    passages = tuple(lane["passages"])
    return {
        "mode": mode,
        "carrier": lane["carrier"],
        "service": lane["service"],
        "km": float(lane["distance_km"]),
        "h": float(lane["transit_hours"]),
        "cost": float(lane["cost_usd"]),
        "co2": float(lane["co2e_kg"]),
        "passages": passages,
        "pmask": passages_mask(passages),
        "deps": deps,
        "cutoff": float(lane["cutoff_hours"]),
        "via": tuple(lane.get("via") or ()),
        "tw": float(lane["transit_hours"])
        + float(lane["cutoff_hours"])
        + headway / 2
        + MIN_CONNECTION_HOURS[mode],
    }


class Network:
    """A routing network: ``graph`` (networkx MultiDiGraph), ``ports`` and ``network_hash``.

    Networks returned by :func:`load_network` are shared and cached: treat them as
    read-only (the graph is frozen). ``network_hash`` is "0x" + sha256 of the
    canonical network data.
    """

    def __init__(
        self,
        ports: Mapping[str, Port],
        lanes: Iterable[Mapping],
        network_hash: str,
        carriers: Mapping[str, Mapping] | None = None,
        services: Mapping[str, Mapping] | None = None,
        hubs: Iterable[str] | None = None,
    ):
        self.ports: Mapping[str, Port] = MappingProxyType(dict(ports))
        self.network_hash = network_hash
        self.carriers: Mapping[str, Mapping] = MappingProxyType(dict(carriers or {}))
        self.services: Mapping[str, Mapping] = MappingProxyType(dict(services or {}))
        #: Transshipment hubs (None: every node may be a transfer point).
        self.hubs: frozenset[str] | None = frozenset(hubs) if hubs is not None else None
        #: "road"/"rail" -> {locode: component of the world land network} (reference only).
        self.land_components: Mapping[str, Mapping[str, int]] = {}
        g = nx.MultiDiGraph()
        g.add_nodes_from(
            (p.locode, {"name": p.name, "country": p.country, "lat": p.lat, "lon": p.lon})
            for p in self.ports.values()
        )
        g.add_edges_from((ln["from"], ln["to"], ln["service"], _edge_attrs(ln)) for ln in lanes)
        self.graph: nx.MultiDiGraph = nx.freeze(g)
        carrier_names = {d["carrier"] for _, _, d in g.edges(data=True)}
        if not self.carriers:
            self.carriers = MappingProxyType({c: {"name": c} for c in sorted(carrier_names)})
        self.carrier_names: frozenset[str] = frozenset(carrier_names) | frozenset(self.carriers)
        self._latlon = {p.locode: (p.lat, p.lon) for p in self.ports.values()}
        self._projections: OrderedDict = OrderedDict()
        self._landmarks: dict[str, Landmarks] = {}
        self._derived: dict[Hashable, object] = {}
        self._names: dict[str, list[str]] | None = None
        self._regions: dict[str, str] = {}

    def __repr__(self) -> str:
        return (
            f"<Network {len(self.ports)} ports, {self.graph.number_of_edges()} lanes, "
            f"{self.network_hash[:12]}…>"
        )

    # ------------------------------------------------------------------ lookup
    def coords(self, locode: str) -> tuple[float, float]:
        """Return ``(lat, lon)`` of a node; raises UnknownPort with suggestions."""
        return self._latlon[self.port(locode).locode]

    def port(self, locode: str) -> Port:
        """Return the :class:`Port` for ``locode`` (case-insensitive).

        Raises
        ------
        UnknownPort
            If the code is not in the network; the message lists close matches by
            code and by name.
        """
        code = str(locode).strip().upper()
        found = self.ports.get(code)
        if found is not None:
            return found
        suggestions = self.suggest(locode)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        raise UnknownPort(
            f"unknown port {locode!r}: not a UN/LOCODE in this network{hint}",
            code=str(locode),
            suggestions=tuple(s.split(" ")[0] for s in suggestions),
        )

    def suggest(self, text: str, n: int = 4) -> list[str]:
        """Close matches for ``text`` by code and by name, as "CODE (Name)" strings."""
        text = str(text).strip()
        by_code = difflib.get_close_matches(text.upper(), list(self.ports), n=n, cutoff=0.6)
        names = _name_index(self)
        key = text.lower()
        by_name = [c for c in names.get(key, ())]
        if not by_name:
            close = difflib.get_close_matches(key, list(names), n=n, cutoff=0.75)
            by_name = [c for name in close for c in names[name]]
        seen, out = set(), []
        for code in by_name or by_code:
            if code not in seen:
                seen.add(code)
                out.append(f"{code} ({self.ports[code].name})")
        return out[:n]

    def region(self, locode: str) -> str:
        """The trade region of a node (``routing.assumptions.region_of``), cached."""
        hit = self._regions.get(locode)
        if hit is None:
            p = self.ports[locode]
            hit = self._regions[locode] = region_of(p.country, p.lat, p.lon)
        return hit

    def great_circle(self, a: str, b: str) -> float:
        """Great-circle distance in km between two nodes."""
        (la, lo), (lb, lob) = self._latlon[a], self._latlon[b]
        return great_circle_km(la, lo, lb, lob)

    # ---------------------------------------------------------- derived caches
    def projection(
        self, key: Hashable, allowed: EdgeFilter | None, weight: EdgeWeight
    ) -> tuple[nx.DiGraph, float]:
        """The min-weight simple-graph projection under ``allowed``, cached by ``key``.

        Returns ``(H, ratio)``: ``H`` is a DiGraph whose edge ``(u, v)`` has ``w`` (the
        least weight over the allowed parallel edges) and ``k`` (that edge's key);
        ``ratio`` is the least ``w / great-circle km`` over H's edges, so
        ``ratio * great_circle(n, target)`` is an admissible, consistent A* heuristic.
        """
        hit = self._projections.get(key)
        if hit is not None:
            self._projections.move_to_end(key)
            return hit
        adj: dict[str, dict[str, dict]] = {}
        ratio = float("inf")
        latlon = self._latlon
        for u, nbrs in self.graph._adj.items():
            row = {}
            lu = latlon[u]
            for v, keydict in nbrs.items():
                best_w, best_k = None, None
                for k, d in keydict.items():
                    if allowed is not None and not allowed(u, v, k, d):
                        continue
                    w = weight(d)
                    if best_w is None or w < best_w:
                        best_w, best_k = w, k
                if best_w is None:
                    continue
                row[v] = {"w": best_w, "k": best_k}
                gc = great_circle_km(lu[0], lu[1], *latlon[v])
                if gc > 1.0:
                    ratio = min(ratio, best_w / gc)
            adj[u] = row
        h = nx.DiGraph()
        h.add_nodes_from(self.graph)
        h.add_edges_from((u, v, d) for u, row in adj.items() for v, d in row.items())
        result = (h, 0.0 if ratio == float("inf") else max(0.0, ratio) * (1 - 1e-9))
        self._projections[key] = result
        if len(self._projections) > 24:
            self._projections.popitem(last=False)
        return result

    def derived(self, key: Hashable, build: Callable[[], object]) -> object:
        """A structure derived from the frozen graph (built by ``build()`` once, cached)."""
        hit = self._derived.get(key)
        if hit is None:
            hit = self._derived[key] = build()
        return hit

    def landmarks(self, attr: str, unfiltered: Callable[[], nx.DiGraph]) -> Landmarks:
        """The ALT table of criterion ``attr`` (see :mod:`routing.landmarks`), cached.

        ``unfiltered()`` gives the unfiltered min-weight projection of that criterion;
        it is only called when the table is not cached in memory yet. Large networks'
        tables are also cached on disk, keyed by the network hash and checked against
        the projection's fingerprint.
        """
        hit = self._landmarks.get(attr)
        if hit is not None:
            return hit
        h = unfiltered()
        directory = cache_dir() if len(h) >= DISK_MIN_NODES else None
        table = None
        if directory is not None:
            fp = fingerprint(h)
            table = load_landmarks(directory, self.network_hash, attr, fp)
        if table is None:
            table = build_landmarks(h, attr)
            if directory is not None:
                save_landmarks(table, directory, self.network_hash, fp)
        self._landmarks[attr] = table
        return table


def _name_index(net: Network) -> dict[str, list[str]]:
    idx = net._names
    if idx is None:
        idx = {}
        for code, p in sorted(net.ports.items()):
            idx.setdefault(p.name.lower(), []).append(code)
        net._names = idx
    return idx


# ---------------------------------------------------------------------- loading


def _read_reference() -> tuple[dict, str]:
    blob = (REFERENCE_DIR / "network.json.gz").read_bytes()
    raw = gzip.decompress(blob)
    digest = hashlib.sha256(raw).hexdigest()
    manifest = json.loads((REFERENCE_DIR / "MANIFEST.json").read_text())
    if manifest.get("data_sha256") != digest:
        raise NetworkDataError(
            f"{REFERENCE_DIR / 'network.json.gz'}: sha256 {digest} does not match MANIFEST.json; "
            "rebuild it with make network (tools/build_network)"
        )
    return json.loads(raw), "0x" + digest


def reference_records() -> tuple[dict[str, Port], list[dict], dict, dict, str, list[str], dict]:
    """The reference network as records.

    (ports, lanes, carriers, services, hash, hubs, land components): the last maps
    "road"/"rail" to {locode: connected component of the world road/rail network}.
    """
    data, digest = _read_reference()
    ports = {row[0]: Port(*row) for row in data["ports"]}
    fields = data["lane_fields"]
    lanes = [dict(zip(fields, row, strict=True)) for row in data["lanes"]]
    carriers = {c["name"]: c for c in data["carriers"]}
    services = {s["id"]: s for s in data["services"]}
    hubs = list(data.get("hubs", ()))
    return ports, lanes, carriers, services, digest, hubs, data.get("land_components", {})
