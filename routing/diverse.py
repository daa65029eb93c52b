"""Alternatives that differ, and Pareto sets reduced to distinct corridors.

A route's **corridor** is what a forwarder compares: its sequence of modes (repeats
collapsed), the passages it goes through, the gateways where it changes mode, and the
trade regions of its sea transfer hubs other than the origin's and the destination's
(so "feeder to Singapore, then a Suez service" is the same corridor as "the Suez
service from Shanghai", while "via a Red Sea hub" is not).

Alternatives pass a **bounded-overlap** acceptance test: a candidate is accepted when
its corridor differs from every accepted route's and it shares at most ``MAX_OVERLAP``
(70 %) of the shorter route's distance with each of them (shared = the same
stop-to-stop hop by the same mode). Candidates come from the via-node method
(:func:`routing.constrained.via_node_paths`) or, with a deadline or a leg limit, the
penalty method (every lane used, and every lane of the same vessel service, weighs
``1 + PENALTY`` more per use; :func:`routing.constrained.penalised_best`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .model import Route

__all__ = ["MAX_OVERLAP", "PENALTY", "corridor", "overlap", "pick_diverse", "reduce_pareto"]

#: Weight added per earlier use of a lane (or of its vessel service), as a fraction.
PENALTY = 1.0
#: Most of the shorter route's distance two alternatives may share.
MAX_OVERLAP = 0.7


def corridor(route: Route, net=None) -> tuple:
    """(modes, passages, mode-change gateways, transfer regions) of a route.

    ``net`` (a :class:`~routing.network.Network`) gives the ports' trade regions;
    without it every sea transfer point counts by its code.
    """
    modes: list[str] = []
    for leg in route.legs:
        if not modes or modes[-1] != leg.mode:
            modes.append(leg.mode)
    passages = tuple(sorted({p for leg in route.legs for p in leg.passages}))
    gateways = tuple(
        a.destination for a, b in zip(route.legs, route.legs[1:], strict=False) if a.mode != b.mode
    )
    ends = {_region(net, route.origin), _region(net, route.destination)}
    regions: list[str] = []
    for a, b in zip(route.legs, route.legs[1:], strict=False):
        if a.mode == b.mode:
            r = _region(net, a.destination)
            if r not in ends and (not regions or regions[-1] != r):
                regions.append(r)
    return tuple(modes), passages, gateways, tuple(regions)


def _region(net, code: str) -> str:
    if net is None:
        return code
    return net.region(code)


def _hops(route: Route) -> dict[tuple[str, str, str], float]:
    """Stop-to-stop hops (a, b, mode) with their share of the leg's distance."""
    out: dict[tuple[str, str, str], float] = {}
    for leg in route.legs:
        stops = [leg.origin, *leg.via, leg.destination]
        share = leg.distance_km / (len(stops) - 1)
        for a, b in zip(stops, stops[1:], strict=False):
            out[(a, b, leg.mode)] = out.get((a, b, leg.mode), 0.0) + share
    return out


def overlap(a: Route, b: Route) -> float:
    """Shared distance of two routes as a fraction of the shorter one (0..1)."""
    ha, hb = _hops(a), _hops(b)
    shared = sum(min(km, hb[k]) for k, km in ha.items() if k in hb)
    shorter = min(sum(ha.values()), sum(hb.values())) or 1.0
    return min(1.0, shared / shorter)


def distinct(candidate: Route, accepted: Iterable[Route], net=None) -> bool:
    """A different corridor from every accepted route, and a bounded overlap with each."""
    key = corridor(candidate, net)
    return all(corridor(r, net) != key and overlap(candidate, r) <= MAX_OVERLAP for r in accepted)


def pick_diverse(
    k: int,
    first: Route,
    next_candidate: Callable[[list[Route]], Route | None],
    fallback: Iterable[Route] = (),
    net=None,
    max_rounds: int | None = None,
) -> list[Route]:
    """Up to ``k`` pairwise distinct routes: ``first``, then penalised candidates.

    ``next_candidate(accepted_and_rejected)`` returns the best route under weights
    penalised by every route seen so far (None when there is none).
    """
    accepted = [first]
    seen = [first]
    rounds = max_rounds if max_rounds is not None else 3 * k + 3
    for _ in range(rounds):
        if len(accepted) >= k:
            break
        cand = next_candidate(seen)
        if cand is None:
            break
        seen.append(cand)
        if distinct(cand, accepted, net):
            accepted.append(cand)
    for cand in fallback:
        if len(accepted) >= k:
            break
        if distinct(cand, accepted, net):
            accepted.append(cand)
    return accepted


def reduce_pareto(routes: list[Route], net=None) -> list[Route]:
    """Distinct corridors only, always keeping the cheapest, the fastest and the greenest.

    The three extremes first, then the others from the most balanced (least sum of
    cost, hours and CO2e, each divided by the set's best), each kept only when
    :func:`distinct` from every route kept before (other corridor, bounded overlap).
    """
    if not routes:
        return []
    best_cost = min(r.totals.cost_usd for r in routes) or 1.0
    best_arr = min(r.legs[-1].arrival for r in routes)
    start = min(r.legs[0].departure for r in routes)
    best_h = max((best_arr - start).total_seconds() / 3600.0, 1.0)
    best_co2 = min(r.totals.co2e_kg for r in routes) or 1.0
    extremes = {
        id(min(routes, key=lambda r: (r.totals.cost_usd, r.legs[-1].arrival))),
        id(min(routes, key=lambda r: (r.legs[-1].arrival, r.totals.cost_usd))),
        id(min(routes, key=lambda r: (r.totals.co2e_kg, r.totals.cost_usd))),
    }

    def balance(r: Route) -> float:
        hours = (r.legs[-1].arrival - start).total_seconds() / 3600.0
        return r.totals.cost_usd / best_cost + hours / best_h + r.totals.co2e_kg / best_co2

    ordered = [r for r in routes if id(r) in extremes]
    ordered += sorted((r for r in routes if id(r) not in extremes), key=balance)
    kept: list[Route] = []
    for r in ordered:
        if id(r) in extremes or distinct(r, kept, net):
            kept.append(r)
    return kept
