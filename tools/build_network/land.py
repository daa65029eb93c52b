"""Stage 3: land distances on real networks (scgraph_data's world railway/highway graphs).

``scgraph_data`` (MIT; OpenStreetMap-derived, (c) OpenStreetMap contributors, ODbL)
ships the world railway and highway graphs, read with ``scgraph`` < 3 (its 2.x
``GeoGraph`` API). Both are build-only dependencies (``requirements-build.txt``): the
distances, and a thinned copy of every path, are written into ``routing/data`` so the
runtime and the tests never import them.

A pair gets a land link only when both ends are within ``LAND_SNAP_KM`` of the graph,
a path exists (scgraph raises when the two are not connected: an island, a sea in
between) and it is not an absurd detour (``LAND_DETOUR_MAX`` x great circle).
"""

from __future__ import annotations

from routing.assumptions import great_circle_km

from .catalogue import CORRIDOR_SNAP_KM, LAND_DETOUR_MAX, LAND_SNAP_KM

#: Thinned path: keep a point once it is this far from the last kept one.
PATH_STEP_KM = 25.0


def _thin(coords: list) -> list[list[float]]:
    out = [coords[0]]
    for lat, lon in coords[1:-1]:
        if great_circle_km(out[-1][0], out[-1][1], lat, lon) >= PATH_STEP_KM:
            out.append([lat, lon])
    out.append(coords[-1])
    return [[round(float(a), 3), round(float(b), 3)] for a, b in out]


#: Snap only to components of at least this many graph nodes (a port's nearest node is
#: often on a short isolated siding that connects to nothing).
MAJOR_COMPONENT = 100
#: Shortest-path trees kept per graph (each is as large as the graph).
TREE_CACHE = 24


class Land:
    """Shortest rail/road paths between nodes, with the reasons pairs were refused."""

    def __init__(self) -> None:
        self._graphs: dict = {}
        self.paths: dict[str, dict] = {}  # "MODE:A:B" (A < B) -> {"km", "path"}
        self.refused: dict[str, int] = {"no path": 0, "off network": 0, "detour": 0}

    def graph(self, mode: str):
        """(GeoGraph, component per node, component sizes, GeoKDTree of major nodes, ids)."""
        hit = self._graphs.get(mode)
        if hit is None:
            if mode == "rail":
                from scgraph_data.world_railways import world_railways_geograph as g
            else:
                from scgraph_data.world_highways import world_highways_geograph as g
            from scgraph.helpers.kd_tree import GeoKDTree

            g.warmup()
            comp, sizes = _components(g.graph)
            ids = [i for i, c in enumerate(comp) if sizes[c] >= MAJOR_COMPONENT]
            tree = GeoKDTree(points=[g.nodes[i] for i in ids])
            hit = self._graphs[mode] = (g, comp, sizes, tree, ids, [])
        return hit

    def snap(self, mode: str, p: dict) -> tuple[int, float]:
        """The nearest node of a major component, and how far it is (km)."""
        g, _, _, tree, ids, _ = self.graph(mode)
        node = ids[tree.closest_idx((p["lat"], p["lon"]))]
        lat, lon = g.nodes[node]
        return node, great_circle_km(p["lat"], p["lon"], lat, lon)

    def km(self, mode: str, a: dict, b: dict, snap_km: float | None = None) -> float | None:
        """Shortest ``mode`` distance (km) between nodes ``a`` and ``b``, or None: no link."""
        x, y = sorted((a, b), key=lambda p: p["locode"])
        key = f"{mode}:{x['locode']}:{y['locode']}"
        hit = self.paths.get(key)
        if hit is not None:
            return hit["km"] if hit["km"] else None
        found = self._search(mode, a, b, snap_km or LAND_SNAP_KM[mode])
        if found and x is not a:
            found["path"] = found["path"][::-1]
        self.paths[key] = found or {"km": 0.0}
        return found["km"] if found else None

    def _search(self, mode: str, a: dict, b: dict, snap_limit: float) -> dict | None:
        g, comp, _, _, _, trees = self.graph(mode)
        (na, sa), (nb, sb) = self.snap(mode, a), self.snap(mode, b)
        if max(sa, sb) > snap_limit:
            self.refused["off network"] += 1
            return None
        if comp[na] != comp[nb]:
            self.refused["no path"] += 1
            return None
        # One shortest-path tree per source node (a full Dijkstra over the graph): grow it
        # from an end that already has one, else from the second end (the callers pass
        # the port or hub there, which many queries share). The graphs are undirected.
        source, target = (na, nb) if na in trees else (nb, na)
        out = g.cacheGraph.get_shortest_path(origin_id=source, destination_id=target)
        if source == nb:
            out["path"] = out["path"][::-1]
        if source in trees:
            trees.remove(source)
        trees.append(source)
        if len(trees) > TREE_CACHE:
            g.cacheGraph.cache[trees.pop(0)] = 0
        km = float(out["length"]) + sa + sb
        gc = great_circle_km(a["lat"], a["lon"], b["lat"], b["lon"])
        if km > LAND_DETOUR_MAX * gc + 50:
            self.refused["detour"] += 1
            return None
        coords = [[a["lat"], a["lon"]], *g.get_coordinate_path(out["path"]), [b["lat"], b["lon"]]]
        return {"km": round(max(km, gc), 1), "path": _thin(coords)}

    def components(self, mode: str, nodes: dict[str, dict]) -> dict[str, int]:
        """Each node's connected component of the ``mode`` graph (nodes on the network only).

        Component ids are ranks by size (0 = the largest), so they do not depend on the
        graph's node numbering. Operator files are checked against them: a road or rail
        lane between two components has no land connection.
        """
        _, comp, sizes, _, _, _ = self.graph(mode)
        rank = {c: r for r, c in enumerate(sorted(range(len(sizes)), key=lambda c: -sizes[c]))}
        out = {}
        for code, p in sorted(nodes.items()):
            node, snap_km = self.snap(mode, p)
            if snap_km <= max(LAND_SNAP_KM[mode], CORRIDOR_SNAP_KM):
                out[code] = rank[comp[node]]
        return out

    def saved(self) -> dict[str, dict]:
        """Every land link's distance and thinned path, for ``land_paths.json.gz``."""
        return {k: v for k, v in sorted(self.paths.items()) if v["km"]}


def _components(adj: list[dict]) -> tuple[list[int], list[int]]:
    """Connected components of an adjacency list: (component per node, sizes)."""
    comp = [-1] * len(adj)
    sizes: list[int] = []
    for root in range(len(adj)):
        if comp[root] >= 0:
            continue
        cid = len(sizes)
        comp[root] = cid
        stack, size = [root], 0
        while stack:
            u = stack.pop()
            size += 1
            for v in adj[u]:
                if comp[v] < 0:
                    comp[v] = cid
                    stack.append(v)
        sizes.append(size)
    return comp, sizes
