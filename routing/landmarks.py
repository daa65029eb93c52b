"""ALT lower bounds: A* with Landmarks and the Triangle inequality.

For one criterion (an edge attribute: ``cost``, ``tw``, ``co2`` or ``km``) a
:class:`Landmarks` table holds the exact shortest-path distances from and to a few
well-spread nodes (the *landmarks*, chosen by farthest-point selection) on the
**unfiltered** min-weight projection of the network. For any nodes ``v``, ``t`` and
landmark ``L`` the triangle inequality gives

    d(v, t) >= d(L, t) - d(L, v)      and      d(v, t) >= d(v, L) - d(t, L),

so the largest of these over the landmarks is a lower bound on ``d(v, t)``. It is a
lower bound under every query too: a filter (avoided passages, ports, countries,
modes, carriers) only removes edges, and a leg limit only removes paths, so filtered
distances are never shorter. As a function of ``v`` each term is a feasible potential
(``h(u) <= w(u, v) + h(v)`` for every edge), and so is their maximum: the heuristic is
admissible *and* consistent, which is what ``networkx.astar_path`` needs to return an
optimal path without re-expanding nodes. A weighted mix of criteria uses the weighted
sum of the per-criterion bounds (a path's mixed weight is the same sum of its
per-criterion weights, each at least that criterion's distance).

Tables are derived data: built lazily on first use (about 24 single-source Dijkstra
runs per criterion), cached on the :class:`~routing.network.Network` and, for large
networks, on disk under ``build/routing/`` (or ``$TRADELANE_ROUTING_CACHE``; set it
empty to disable), keyed by the network hash and checked against a fingerprint of
the projection before use.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from array import array
from collections.abc import Callable, Mapping
from pathlib import Path

import networkx as nx

__all__ = ["FORMAT_VERSION", "Landmarks", "build_landmarks", "cache_dir", "mix_potential"]

#: Landmarks per criterion.
N_LANDMARKS = 12
#: Landmarks used by one query's heuristic (the ones with the best bound for its ends).
N_ACTIVE = 4
#: Stand-in for "unreachable": differences with it stay finite and never understate.
UNREACHABLE = 1e18
#: Bumped whenever the table layout or the selection rule changes.
FORMAT_VERSION = 1
#: Networks smaller than this are cheap to rebuild and are never written to disk.
DISK_MIN_NODES = 500
#: Computed bounds are shrunk by this factor to absorb float rounding (keeps h <= d).
_SHRINK = 1.0 - 1e-9

Potential = Callable[..., float]


class Landmarks:
    """Exact distances from/to landmarks on the unfiltered projection of one criterion.

    ``fwd[v][i]`` is ``d(L_i, v)`` and ``bwd[v][i]`` is ``d(v, L_i)``
    (:data:`UNREACHABLE` when there is no path).
    """

    __slots__ = ("attr", "bwd", "fwd", "marks")

    def __init__(
        self,
        attr: str,
        marks: tuple[str, ...],
        fwd: Mapping[str, tuple[float, ...]],
        bwd: Mapping[str, tuple[float, ...]],
    ):
        self.attr = attr
        self.marks = marks
        self.fwd = fwd
        self.bwd = bwd

    def __repr__(self) -> str:
        return f"<Landmarks {self.attr}: {len(self.marks)} landmarks, {len(self.fwd)} nodes>"

    # ------------------------------------------------------------------ bounds
    def lower_bound(self, u: str, v: str) -> float:
        """A lower bound on the least weight of a path from ``u`` to ``v`` (0 if unknown)."""
        fu, bu, fv, bv = self.fwd.get(u), self.bwd.get(u), self.fwd.get(v), self.bwd.get(v)
        if fu is None or fv is None:
            return 0.0
        best = 0.0
        for i in range(len(self.marks)):
            x = fv[i] - fu[i]
            if x > best:
                best = x
            x = bu[i] - bv[i]
            if x > best:
                best = x
        return best * _SHRINK

    def _active(self, s: str, t: str, n: int) -> list[int]:
        """The ``n`` landmarks giving the best bound on ``d(s, t)``."""
        fs, bs, ft, bt = self.fwd[s], self.bwd[s], self.fwd[t], self.bwd[t]
        score = [(max(ft[i] - fs[i], bs[i] - bt[i]), -i) for i in range(len(self.marks))]
        score.sort(reverse=True)
        return [-i for _, i in score[:n]]

    def to_target(self, target: str, source: str | None = None, n: int = N_ACTIVE) -> Potential:
        """``h(v) <= d(v, target)``: an admissible, consistent A* heuristic.

        With ``source`` only the ``n`` landmarks that bound ``d(source, target)`` best
        are used (cheaper per node, nearly as tight along the way).
        """
        fwd, bwd = self.fwd, self.bwd
        if target not in fwd:
            return _zero
        idx = self._active(source, target, n) if source in fwd else range(len(self.marks))
        ft, bt = fwd[target], bwd[target]
        terms = tuple((i, ft[i], bt[i]) for i in idx)

        def h(v: str, _target: object = None) -> float:
            fv = fwd[v]
            bv = bwd[v]
            best = 0.0
            for i, a, b in terms:
                x = a - fv[i]
                if x > best:
                    best = x
                x = bv[i] - b
                if x > best:
                    best = x
            return best * _SHRINK

        return h


def _zero(v: str, _target: object = None) -> float:
    return 0.0


def mix_potential(parts: list[tuple[float, Potential]]) -> Potential:
    """``sum(c * h(v))``: the bound for a weighted mix of criteria."""
    if len(parts) == 1:
        c, h = parts[0]
        if c == 1.0:
            return h
        return lambda v, _t=None: c * h(v)
    return lambda v, _t=None: sum(c * h(v) for c, h in parts)


# ----------------------------------------------------------------- building
def build_landmarks(h: nx.DiGraph, attr: str, n: int = N_LANDMARKS) -> Landmarks:
    """Pick ``n`` landmarks on projection ``h`` by farthest-point selection; tabulate them.

    The first landmark is the node farthest (out and back) from the node of highest
    degree; each next one maximises the least round-trip distance to those already
    chosen. Ties break by node code, so the choice is deterministic.
    """
    nodes = sorted(h)
    if not nodes:
        return Landmarks(attr, (), {}, {})
    rev = h.reverse(copy=False)
    hub = max(nodes, key=lambda v: (h.out_degree(v) + h.in_degree(v), v))

    def sssp(source: str) -> tuple[dict[str, float], dict[str, float]]:
        return (
            nx.single_source_dijkstra_path_length(h, source, weight="w"),
            nx.single_source_dijkstra_path_length(rev, source, weight="w"),
        )

    inf = float("inf")
    f0, b0 = sssp(hub)
    # far[v]: least round trip between v and the chosen landmarks (the hub at first)
    far = {v: f0[v] + b0[v] if v in f0 and v in b0 else inf for v in nodes}
    marks: list[str] = []
    fwd_cols: list[dict[str, float]] = []
    bwd_cols: list[dict[str, float]] = []
    for _ in range(min(n, len(nodes))):
        cand = max(
            (v for v in nodes if far[v] != inf and far[v] > 0.0),
            key=lambda v: (far[v], v),
            default=None,
        )
        if cand is None:
            break
        marks.append(cand)
        fc, bc = sssp(cand)
        fwd_cols.append(fc)
        bwd_cols.append(bc)
        for v, x in fc.items():
            y = bc.get(v)
            if y is not None and x + y < far[v]:
                far[v] = x + y
        far[cand] = 0.0
    fwd = {v: tuple(c.get(v, UNREACHABLE) for c in fwd_cols) for v in nodes}
    bwd = {v: tuple(c.get(v, UNREACHABLE) for c in bwd_cols) for v in nodes}
    return Landmarks(attr, tuple(marks), fwd, bwd)


# ------------------------------------------------------------------ disk cache
def cache_dir() -> Path | None:
    """Where tables are cached on disk (None: disabled)."""
    env = os.environ.get("TRADELANE_ROUTING_CACHE")
    if env is not None:
        return Path(env) if env.strip() else None
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file():
        return root / "build" / "routing"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tradelane" / "routing"


def fingerprint(h: nx.DiGraph) -> str:
    """A digest of a projection's nodes, edges and weights (what a table depends on)."""
    digest = hashlib.sha256()
    for u, row in sorted(h._adj.items()):
        digest.update(u.encode())
        digest.update(b"\0")
        for v, d in sorted(row.items()):
            digest.update(f"{v}:{d['w']!r};".encode())
    return digest.hexdigest()


def _path(directory: Path, network_hash: str, attr: str) -> Path:
    tag = hashlib.sha256(f"{network_hash}|{attr}|{N_LANDMARKS}".encode()).hexdigest()[:20]
    return directory / f"landmarks-v{FORMAT_VERSION}-{attr}-{tag}.bin"


def save(table: Landmarks, directory: Path, network_hash: str, fp: str) -> None:
    """Write ``table`` (best effort: an unwritable cache is not an error)."""
    nodes = sorted(table.fwd)
    header = json.dumps(
        {"fp": fp, "attr": table.attr, "marks": list(table.marks), "nodes": nodes}
    ).encode()
    data = array("d")
    for v in nodes:
        data.extend(table.fwd[v])
        data.extend(table.bwd[v])
    target = _path(directory, network_hash, table.attr)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(struct.pack("<Q", len(header)) + header + data.tobytes())
        tmp.replace(target)
    except OSError:
        return


def load(directory: Path, network_hash: str, attr: str, fp: str) -> Landmarks | None:
    """The cached table, or None if missing, unreadable or for another projection."""
    try:
        blob = _path(directory, network_hash, attr).read_bytes()
        (size,) = struct.unpack_from("<Q", blob)
        header = json.loads(blob[8 : 8 + size])
        if header["fp"] != fp or header["attr"] != attr:
            return None
        data = array("d")
        data.frombytes(blob[8 + size :])
    except (OSError, ValueError, KeyError, struct.error):
        return None
    marks, nodes = tuple(header["marks"]), header["nodes"]
    n = len(marks)
    if len(data) != 2 * n * len(nodes):
        return None
    fwd, bwd = {}, {}
    for i, v in enumerate(nodes):
        base = 2 * n * i
        fwd[v] = tuple(data[base : base + n])
        bwd[v] = tuple(data[base + n : base + 2 * n])
    return Landmarks(attr, marks, fwd, bwd)
