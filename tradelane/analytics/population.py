"""The simulated population: which shipments, on which routes, with which actual times.

No chain here: from a config (an operator network JSON whose lanes carry a ``delay``
block, plus a ``population`` block — the default is ``simulate_default.json``, documented
in docs/ANALYTICS.md) this draws every shipment's plan and every milestone's event time
and recording time. :mod:`tradelane.analytics.simulate` then plays them on a dev node.

Per leg, each shipment draws its own (one box per sailing, many sailings per service):

* arrival delay against the sailing's planned arrival, in days: with probability
  ``on_time`` Normal(0, 0.35) clipped to ±0.95; with probability ``early``
  −1 − Exp(0.5); otherwise late, 1 + Exp(``late_mean_days`` − 1);
* departure delay, hours: Exp(``departure_delay_hours``);
* actual transit = planned transit + arrival delay − departure delay (at least half
  the planned transit);
* handling at the arrival port (ARRI → DISC), hours: Gamma(4, ``handling_hours`` / 4);
* one EST of the arrival, given uniformly between 20 % and 80 % of the way, off by
  Normal(0, ``eta_error_hours_per_day`` × days ahead).

Shipments of a demand pair book one of the ``alternatives`` cheapest corridors, on any
carrier serving its legs, with a probability proportional to the product of its lanes'
``share`` (default 1).
A transfer connects when the cargo is discharged and the minimum connection time has
passed before the next service's cut-off; otherwise it takes that service's next weekly
departure — the same rule ``routing.ontime`` models.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

import routing
from routing.assumptions import MIN_CONNECTION_HOURS
from routing.search import next_departure

from ..errors import InputError
from .routes import carrier_variants

__all__ = [
    "DEFAULT_CONFIG",
    "Event",
    "Plan",
    "SimConfig",
    "load_config",
    "plan_population",
    "truth",
]

DEFAULT_CONFIG = Path(__file__).with_name("simulate_default.json")
H = 3600
DELAY_KEYS = {
    "on_time": 0.8,
    "early": 0.03,
    "late_mean_days": 3.0,
    "departure_delay_hours": 6.0,
    "handling_hours": 12.0,
    "eta_error_hours_per_day": 3.0,
}
POPULATION_KEYS = {
    "shipments": 1000,
    "days": 180,
    "alternatives": 2,
    "deadline_slack_days": 5.0,
    "refund_if_late": 0.5,
    "amount_wei": 10**15,
    "seed": 7,
}


@dataclass(frozen=True)
class SimConfig:
    path: Path
    network: routing.Network
    delays: dict[tuple[str, str, str], dict]  # (from, to, carrier) -> delay parameters
    shares: dict[tuple[str, str, str], float]  # (from, to, carrier) -> booking weight
    demand: list[tuple[str, str, float]]
    population: dict
    digest: str = ""  # sha256 of the config as played (file + overrides): names a run


def _fail(path: Path, what: str) -> InputError:
    return InputError(f"simulation config {path}: {what}")


def load_config(path: str | Path | None = None, **overrides) -> SimConfig:
    """Read and check a simulation config; ``overrides`` replace population values."""
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError as err:
        raise InputError(f"simulation config {path} does not exist") from err
    except json.JSONDecodeError as err:
        raise _fail(path, f"not JSON (line {err.lineno}: {err.msg})") from err
    try:
        network = routing.load_network(path, merge=False)
    except routing.RoutingError as err:
        raise InputError(str(err)) from err
    delays, shares = {}, {}
    for n, lane in enumerate(data.get("lanes", [])):
        shares[(lane["from"], lane["to"], lane["carrier"])] = float(lane.get("share", 1))
        extra = set(lane.get("delay", {})) - DELAY_KEYS.keys()
        if extra:
            raise _fail(path, f"lanes[{n}].delay has unknown key(s) {', '.join(sorted(extra))}")
        d = DELAY_KEYS | lane.get("delay", {})
        if not 0 <= d["on_time"] + d["early"] <= 1 or d["late_mean_days"] < 1:
            raise _fail(path, f"lanes[{n}].delay: on_time + early must be within 0..1 and "
                        "late_mean_days at least 1")  # fmt: skip
        delays[(lane["from"], lane["to"], lane["carrier"])] = d
    pop = data.get("population", {})
    extra = set(pop) - POPULATION_KEYS.keys() - {"demand"}
    if extra:
        raise _fail(path, f"population has unknown key(s) {', '.join(sorted(extra))}")
    population = POPULATION_KEYS | {k: v for k, v in pop.items() if k != "demand"}
    population |= {k: v for k, v in overrides.items() if v is not None}
    demand = [(d["from"], d["to"], float(d.get("weight", 1))) for d in pop.get("demand", [])]
    if not demand:
        raise _fail(path, 'population.demand is empty: list {"from", "to", "weight"} pairs')
    for o, d, _ in demand:
        for code in (o, d):
            if code not in network.ports:
                raise _fail(path, f"demand port {code} is not among the config's ports")
    played = {**data, "population": {**population, "demand": pop.get("demand", [])}}
    text = json.dumps(played, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).hexdigest()
    return SimConfig(path, network, delays, shares, demand, population, digest)


@dataclass(frozen=True)
class Event:
    """One milestone of a plan: recorded at block time ``at`` (unix s)."""

    at: int
    leg: int
    code: str
    classifier: str
    location: str
    event_time: int


@dataclass
class Plan:
    """One simulated shipment: its route (for the commitment), deadline and milestones."""

    route: routing.Route
    open_at: int
    deadline: int
    events: list[Event] = field(default_factory=list)
    refund_at: int | None = None  # the buyer refunds then (late, not delivered)


def _arrival_delay_days(rng, d: dict) -> float:
    u = rng.random()
    if u < d["on_time"]:
        return float(np.clip(rng.normal(0, 0.35), -0.95, 0.95))
    if u < d["on_time"] + d["early"]:
        return -1 - rng.exponential(0.5)
    return 1 + rng.exponential(d["late_mean_days"] - 1)


def _leg_actuals(rng, leg: routing.Leg, d: dict, dep_slot: float) -> tuple[float, float, float]:
    """(actual departure, actual arrival, discharge), hours since the epoch."""
    planned = leg.transit_hours
    dep_delay = rng.exponential(d["departure_delay_hours"]) if d["departure_delay_hours"] else 0
    transit = max(planned + 24 * _arrival_delay_days(rng, d) - dep_delay, planned / 2)
    dep = dep_slot + dep_delay
    arr = dep + transit
    return dep, arr, arr + rng.gamma(4.0, d["handling_hours"] / 4)


def _schedule_data(net: routing.Network, leg: routing.Leg) -> dict:
    return net.graph._adj[leg.origin][leg.destination][leg.service]


def _plan_one(cfg: SimConfig, rng, route: routing.Route, ready_h: float) -> Plan:
    pop = cfg.population
    planned_end = route.legs[-1].arrival.timestamp()
    deadline = int(planned_end + pop["deadline_slack_days"] * 86400)
    open_at = int(min(ready_h * H - 2 * 86400, route.legs[0].departure.timestamp() - 3 * 86400))
    ev: list[Event] = []

    def add(at_h, leg, code, location, t_h=None, classifier="ACT"):
        t = at_h if t_h is None else t_h
        ev.append(Event(int(at_h * H), leg, code, classifier, location, int(t * H)))

    t = ready_h
    for i, leg in enumerate(route.legs):
        d = cfg.delays.get((leg.origin, leg.destination, leg.carrier), DELAY_KEYS)
        sched = _schedule_data(cfg.network, leg)
        planned_dep = leg.departure.timestamp() / H
        ready = t if i == 0 else t + MIN_CONNECTION_HOURS[leg.mode]
        slot = max(planned_dep, next_departure(ready + sched["cutoff"], sched["deps"]))
        dep, arr, disc = _leg_actuals(rng, leg, d, slot)
        if i == 0:
            add(max(t, dep - rng.uniform(24, 72)), i, "GTIN", leg.origin)
        add(max(t, dep - rng.uniform(4, 12)), i, "LOAD", leg.origin)
        add(dep, i, "DEPA", leg.origin)
        given = dep + rng.uniform(0.2, 0.8) * (arr - dep)
        error = rng.normal(0, d["eta_error_hours_per_day"] * (arr - given) / 24)
        add(given, i, "ARRI", leg.destination, t_h=arr + error, classifier="EST")
        add(arr, i, "ARRI", leg.destination)
        add(disc, i, "DISC", leg.destination)
        t = disc
    gtot = t + rng.uniform(2, 12)
    add(gtot, len(route.legs) - 1, "GTOT", route.destination)
    drop = gtot + rng.uniform(4, 36)
    add(drop, len(route.legs) - 1, "DROP", route.destination)
    plan = Plan(route, open_at, deadline, ev)
    if drop * H > deadline and rng.random() < pop["refund_if_late"]:
        plan.refund_at = deadline + 86400
        plan.events = [e for e in ev if e.at < plan.refund_at]
    return plan


def _share(cfg: SimConfig, route: routing.Route) -> float:
    """A route's booking weight among the alternatives: the product of its lanes' shares."""
    return float(
        np.prod([cfg.shares.get((x.origin, x.destination, x.carrier), 1.0) for x in route.legs])
    )


def plan_population(cfg: SimConfig, start: int) -> list[Plan]:
    """Every shipment of the population, cargo ready uniformly over ``days`` from ``start``."""
    pop = cfg.population
    rng = np.random.default_rng(pop["seed"])
    pairs, weights = [(o, d) for o, d, _ in cfg.demand], np.array([w for *_, w in cfg.demand])
    choice = rng.choice(len(pairs), size=int(pop["shipments"]), p=weights / weights.sum())
    ready = np.sort(rng.uniform(start + 3 * 86400, start + pop["days"] * 86400, len(choice)))
    cache: dict[tuple, list[routing.Route]] = {}
    plans = []
    for k, r in zip(choice, ready, strict=True):
        o, d = pairs[k]
        ready_dt = datetime.fromtimestamp(int(r) // H * H, UTC)
        key = (o, d, ready_dt)
        if key not in cache:
            corridors = routing.propose(
                cfg.network, o, d, alternatives=pop["alternatives"], depart_after=ready_dt
            )
            cache[key] = carrier_variants(cfg.network, corridors, ready_dt)
        routes = cache[key]
        weight = np.array([_share(cfg, r) for r in routes])
        route = routes[rng.choice(len(routes), p=weight / weight.sum())]
        plans.append(_plan_one(cfg, rng, route, ready_dt.timestamp() / H))
    return plans


def truth(cfg: SimConfig, samples: int = 200_000, seed: int = 12345) -> dict:
    """The population values the config implies, per lane and carrier, by Monte Carlo with
    its own generator: the calendar-day on-time share and the median transit (days) of a
    sailing on schedule — what the analytics should recover."""
    rng = np.random.default_rng(seed)
    from .metrics import on_time_mask

    out = {}
    for (o, d, carrier), p in cfg.delays.items():
        edges = cfg.network.graph._adj[o][d]
        data = next(e for e in edges.values() if e["carrier"] == carrier)
        dep_h = float(data["deps"][0]) if data["deps"] else 0.0
        planned_dep = (96.0 + dep_h) * H  # a Monday in 1970, as routing's week starts
        planned_arr = planned_dep + data["h"] * H
        arr_delay = np.array([_arrival_delay_days(rng, p) for _ in range(samples // 10)])
        dep_delay = rng.exponential(p["departure_delay_hours"], len(arr_delay))
        transit_h = np.maximum(data["h"] + 24 * arr_delay - dep_delay, data["h"] / 2)
        actual_arr = planned_dep + (dep_delay + transit_h) * H
        out[(o, d, carrier)] = {
            "on_time": float(on_time_mask(np.full(len(arr_delay), planned_arr), actual_arr).mean()),
            "median_transit_d": float(np.median(transit_h) / 24),
        }
    return out
