"""``propose``: validated query -> searched candidates -> scheduled, ranked routes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from .constrained import on_time_best, penalised_best, via_node_paths
from .diverse import PENALTY, pick_diverse, reduce_pareto
from .errors import InvalidQuery, NoRoute
from .model import Leg, Route
from .network import Network
from .query import MIX_SCALES, Query, make_query
from .schedules import schedule, to_datetime, to_hours
from .search import (
    EdgeRef,
    best_path,
    earliest_arrival,
    edge_weight,
    k_best,
    pareto_set,
)

__all__ = ["propose", "schedule"]


def _score(q: Query, legs: tuple[Leg, ...], start: datetime) -> float:
    values = {
        "cost": sum(leg.cost_usd for leg in legs),
        "co2": sum(leg.co2e_kg for leg in legs),
        "distance": sum(leg.distance_km for leg in legs),
        "time": (legs[-1].arrival - start).total_seconds() / 3600.0,
    }
    if not q.is_mix:
        return values[q.objective[0][0]]
    return sum(w * values[name] / MIX_SCALES[name] for name, w in q.objective)


def _describe(q: Query) -> list[tuple[str, Query, str]]:
    """(option, query without it, description) for each active constraint."""
    out = []
    if q.avoid_passages:
        names = ", ".join(sorted(q.avoid_passages))
        out.append(("--avoid-passage", replace(q, avoid_passages=frozenset()), f"avoiding {names}"))
    if q.avoid_ports:
        names = ", ".join(sorted(q.avoid_ports))
        out.append(("--avoid-port", replace(q, avoid_ports=frozenset()), f"avoiding ports {names}"))
    if q.avoid_countries:
        names = ", ".join(sorted(q.avoid_countries))
        out.append(
            ("--avoid-country", replace(q, avoid_countries=frozenset()), f"avoiding {names}")
        )
    if q.modes is not None:
        names = ",".join(sorted(q.modes))
        out.append(("--modes", replace(q, modes=None), f"using only modes {names}"))
    if q.carriers is not None:
        names = ", ".join(sorted(q.carriers))
        out.append(("--carriers", replace(q, carriers=None), f"using only carriers {names}"))
    if q.max_transshipments is not None:
        out.append(
            (
                "--max-transshipments",
                replace(q, max_transshipments=None),
                f"with at most {q.max_transshipments} transshipment(s)",
            )
        )
    return out


def _no_route(network: Network, q: Query) -> NoRoute:
    o, d = q.origin, q.destination
    free = replace(
        q,
        avoid_passages=frozenset(),
        avoid_ports=frozenset(),
        avoid_countries=frozenset(),
        modes=None,
        carriers=None,
        max_transshipments=None,
    )
    if best_path(network, free) is None:
        return NoRoute(f"no route from {o} to {d}: they are not connected in this network")
    constraints = _describe(q)
    for option, relaxed, text in constraints:
        if best_path(network, relaxed) is not None:
            return NoRoute(
                f"no route from {o} to {d} {text}: {option} cuts off every route; relax or drop it",
                constraint=option,
            )
    names = " ".join(option for option, _, _ in constraints)
    return NoRoute(
        f"no route from {o} to {d} under the combined constraints {names}; relax one of them",
        constraint="combined",
    )


def _dominates(a: Route, b: Route) -> bool:
    ta, tb = a.totals, b.totals
    ha = a.legs[-1].arrival
    hb = b.legs[-1].arrival
    return (
        ta.cost_usd <= tb.cost_usd
        and ha <= hb
        and ta.co2e_kg <= tb.co2e_kg
        and (ta.cost_usd, ha, ta.co2e_kg) != (tb.cost_usd, hb, tb.co2e_kg)
    )


def propose(
    network: Network,
    origin: str,
    destination: str,
    *,
    objective: str = "cost",
    alternatives: int = 1,
    pareto: bool = False,
    avoid_passages=(),
    avoid_ports=(),
    avoid_countries=(),
    max_transshipments: int | None = None,
    modes=None,
    carriers=None,
    depart_after=None,
    deadline=None,
    now: datetime | None = None,
    distinct: bool = True,
) -> list[Route]:
    """Propose routes from ``origin`` to ``destination`` (UN/LOCODEs), best first.

    Parameters
    ----------
    network : Network
        From :func:`routing.load_network`.
    origin, destination : str
        UN/LOCODEs of network nodes (ports, airports or inland points).
    objective : str
        "cost" (USD), "time" (arrival), "co2" (kg CO2e), "distance" (km), or a
        weighted mix like "cost=0.7,time=0.3" (each criterion divided by its
        reference unit: 1,000 USD, 1 day, 1 t CO2e, 1,000 km).
    alternatives : int
        Number of distinct ranked routes to return (k-shortest).
    pareto : bool
        Return the routes not dominated in cost, arrival time and CO2e instead.
    avoid_passages, avoid_ports, avoid_countries : iterable of str or str
        Passages (searoute names or aliases: hormuz, cape, bab-el-mandeb …), UN/LOCODEs
        and ISO country codes no leg may touch (including calls the cargo stays on
        board through). A comma-separated string works too.
    max_transshipments : int, optional
        Most transfers between legs (a route of n legs has n - 1).
    modes, carriers : iterable of str or str, optional
        Allowed transport modes / carrier names; every leg must match.
    depart_after : datetime, date or ISO string, optional
        When the cargo is ready at the origin (UTC if naive). Default: ``now``.
    deadline : datetime, date or ISO string, optional
        Latest acceptable arrival; routes arriving later are dropped.
    now : datetime, optional
        The current time for scheduling when ``depart_after`` is not given
        (default: the wall clock, floored to the hour).
    distinct : bool
        True (default): alternatives differ in corridor, with bounded overlap
        (:mod:`routing.diverse`). False: the exact k best routes (Yen; with a deadline,
        the k best on time), which may differ only in carrier or service — candidates
        for a ranking of one's own (e.g. by observed reliability).

    Returns
    -------
    list[Route]
        Best first; every leg has its planned ETD/ETA.

    Raises
    ------
    UnknownPort
        A code is not in the network (the message suggests close matches).
    InvalidQuery
        A parameter is malformed or contradicts another.
    NoRoute
        Nothing satisfies the constraints (the message names the constraint that
        cuts every route off when one does) or no itinerary meets the deadline.

    Examples
    --------
    >>> import routing
    >>> net = routing.load_network()
    >>> [route] = routing.propose(net, "CNSHA", "NLRTM", depart_after="2025-03-03")
    >>> route.legs[0].origin, route.legs[-1].destination
    ('CNSHA', 'NLRTM')
    """
    q = make_query(
        network,
        origin,
        destination,
        objective=objective,
        alternatives=alternatives,
        pareto=pareto,
        avoid_passages=avoid_passages,
        avoid_ports=avoid_ports,
        avoid_countries=avoid_countries,
        max_transshipments=max_transshipments,
        modes=modes,
        carriers=carriers,
        depart_after=depart_after,
        deadline=deadline,
        distinct=distinct,
    )
    return _search(network, q, _start(q, now))


def _start(q: Query, now: datetime | None) -> datetime:
    """When the cargo is ready: ``depart_after``, else ``now`` (or the clock) floored to
    the hour; the deadline must come after it."""
    if q.depart_after is not None:
        start = q.depart_after
    else:
        clock = now.astimezone(UTC) if now is not None else datetime.now(UTC)
        start = clock.replace(minute=0, second=0, microsecond=0)
    if q.deadline is not None and q.deadline <= start:
        raise InvalidQuery(
            f"deadline {q.deadline.isoformat()} is not after the departure time {start.isoformat()}"
        )
    return start


def _search(network: Network, q: Query, start: datetime) -> list[Route]:
    """Candidates by the query's mode (best, alternatives, Pareto), scheduled and ranked."""
    start_h = to_hours(start)
    deadline_h = to_hours(q.deadline) if q.deadline is not None else None
    net_hash = q.route_network_hash(network.network_hash, start)
    made: dict[tuple, Route] = {}

    def route_of(edges: list[EdgeRef]) -> Route:
        ident = tuple(edges)
        hit = made.get(ident)
        if hit is None:
            legs = schedule(network, edges, start)
            hit = made[ident] = Route(
                legs, net_hash, q.objective_text, round(_score(q, legs, start), 4)
            )
        return hit

    if q.pareto:
        ranked = _pareto(network, q, start_h, deadline_h, route_of)
    else:
        first = _first(network, q, start_h, deadline_h)
        if first is None:
            raise _no_route(network, q)
        if first == "late":
            raise _late(network, q, start)
        ranked = [route_of(first)]
        if q.alternatives > 1 and q.distinct:
            ranked = _alternatives(network, q, start_h, deadline_h, ranked[0], route_of)
        elif q.alternatives > 1:
            ranked += _exact(network, q, start_h, deadline_h, route_of)
    return _rank(q, ranked)


def _rank(q: Query, routes: list[Route]) -> list[Route]:
    """Distinct routes best first (score, then cost, arrival, nodes); all of a Pareto set,
    else the ``alternatives`` best."""
    ranked = list({id(r): r for r in routes}.values())
    ranked.sort(key=lambda r: (r.score, r.totals.cost_usd, r.legs[-1].arrival, r.nodes))
    return ranked if q.pareto else ranked[: q.alternatives]


def _pure_time(q: Query) -> bool:
    return not q.is_mix and q.objective[0][0] == "time"


def _first(network: Network, q: Query, start_h: float, deadline_h: float | None):
    """The best route's edges; None: no route at all; "late": none meets the deadline."""
    if _pure_time(q):
        found = earliest_arrival(network, q, start_h)
        if found is None:
            return None
        if deadline_h is not None:
            legs = schedule(network, found, to_datetime(start_h))
            if to_hours(legs[-1].arrival) > deadline_h + 1e-9:
                return "late"
        return found
    if deadline_h is None:
        return best_path(network, q)
    found = on_time_best(network, q, start_h, deadline_h, 1)
    if found:
        return found[0]
    return None if best_path(network, q) is None else "late"


def _late(network: Network, q: Query, start: datetime) -> NoRoute:
    fastest = earliest_arrival(network, q, to_hours(start))
    arrival = schedule(network, fastest, start)[-1].arrival if fastest else None
    return NoRoute(
        f"no itinerary from {q.origin} to {q.destination} meets the deadline "
        f"{q.deadline.isoformat()}: the earliest arrival is "
        f"{arrival.isoformat() if arrival else 'never'} (cargo ready {start.isoformat()})",
        constraint="--deadline",
    )


def _alternatives(network, q, start_h, deadline_h, first: Route, route_of) -> list[Route]:
    """Distinct alternatives: the penalty method with bounded overlap (routing.diverse)."""
    seen_edges: dict[EdgeRef, int] = {}
    seen_services: dict[str, int] = {}

    def record(route: Route, edges: list[EdgeRef]) -> None:
        for e in edges:
            seen_edges[e] = seen_edges.get(e, 0) + 1
        for a, b in zip(edges, edges[1:], strict=False):  # a hop through a feeder port
            two = (a[0], b[1], "")
            seen_edges[two] = seen_edges.get(two, 0) + 1
        for leg in route.legs:
            if leg.mode == "sea":
                seen_services[leg.service] = seen_services.get(leg.service, 0) + 1

    adj = network.graph._adj
    first_edges = [
        (a.origin, a.destination, a.service)
        for a in first.legs
        if a.service in adj[a.origin][a.destination]
    ]
    record(first, first_edges)

    def next_candidate(_seen: list[Route]) -> Route | None:
        edges = penalised_best(network, q, seen_edges, seen_services, PENALTY, start_h,
                               deadline_h)  # fmt: skip
        if edges is None:
            return None
        route = route_of(edges)
        record(route, edges)
        return route

    if deadline_h is None and q.max_legs is None:
        # Via-node candidates: both shortest-path trees once, every hub a candidate.
        weight = edge_weight(q.objective)
        best = sum(weight(adj[u][v][key]) for u, v, key in first_edges)
        routes: list[Route] = []
        for bound in (best, None):  # bounded stretch first; unbounded if under 3 routes
            vias = (route_of(edges) for edges in via_node_paths(network, q, bound))
            routes = pick_diverse(q.alternatives, first, lambda _seen: None, vias, network)
            if len(routes) >= min(q.alternatives, 3):
                break
        return routes

    def fallback():
        if deadline_h is not None:
            pool = on_time_best(network, q, start_h, deadline_h, 2 * q.alternatives)
        else:
            pool = [edges for _, edges in k_best(network, q, 2 * q.alternatives)]
        yield from sorted((route_of(e) for e in pool), key=lambda r: r.score)

    return pick_diverse(q.alternatives, first, next_candidate, fallback(), network)


def _exact(network, q, start_h, deadline_h, route_of) -> list[Route]:
    """The exact k best (``distinct=False``): Yen's k-best, or the k best on time."""
    k = q.alternatives
    if deadline_h is not None:
        pool = on_time_best(network, q, start_h, deadline_h, k)
    else:
        pool = [edges for _, edges in k_best(network, q, k)]
    return list({id(r): r for r in map(route_of, pool)}.values())


def _pareto(network, q, start_h, deadline_h, route_of) -> list[Route]:
    """Non-dominated (cost, arrival, CO2e) routes, complete at the extremes, one per corridor.

    The label-setting set (static times) is joined by the exact cheapest, greenest and
    earliest-arriving routes (on time, with a deadline), then filtered on scheduled
    arrivals and reduced to distinct corridors (routing.diverse.reduce_pareto).
    """
    candidates = list(pareto_set(network, q))
    for name in ("cost", "co2"):
        single = replace(q, objective=((name, 1.0),))
        if deadline_h is None:
            found = best_path(network, single)
            candidates += [found] if found else []
        else:
            candidates += on_time_best(network, single, start_h, deadline_h, 1)
    fastest = earliest_arrival(network, q, start_h)
    if fastest is not None:
        candidates.append(fastest)
    if not candidates:
        raise _no_route(network, q)
    routes = list({id(r): r for r in map(route_of, candidates)}.values())
    if deadline_h is not None:
        routes = [r for r in routes if to_hours(r.legs[-1].arrival) <= deadline_h + 1e-9]
        if not routes:
            raise _late(network, q, to_datetime(start_h))
    front = [r for r in routes if not any(_dominates(o, r) for o in routes)]
    return reduce_pareto(front, network)
