"""A validated route query: objective, constraints and schedule window.

:func:`make_query` checks every parameter at the boundary (raising
:class:`~routing.errors.InvalidQuery` / :class:`~routing.errors.UnknownPort` with a
message that names the value) and returns a frozen :class:`Query` the search trusts.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .assumptions import IMPORT_RELEASE_HOURS
from .errors import InvalidQuery
from .model import MODES
from .network import Network
from .passages import PASSAGES, normalise_passage, passages_mask

__all__ = ["CRITERIA", "MIX_SCALES", "Query", "make_query", "parse_objective", "parse_time"]

#: Criteria an objective can use, and the edge attribute each reads.
CRITERIA = {"cost": "cost", "time": "tw", "co2": "co2", "distance": "km"}
_CRITERION_ALIASES = {"co2e": "co2", "emissions": "co2", "price": "cost", "km": "distance"}
#: Reference units a weighted mix divides each criterion by (1,000 USD, 1 day, 1 t, 1,000 km).
MIX_SCALES = {"cost": 1000.0, "time": 24.0, "co2": 1000.0, "distance": 1000.0}


def parse_objective(text: str) -> tuple[tuple[str, float], ...]:
    """Parse "cost", "time", "co2", "distance" or a mix like "cost=0.7,time=0.3".

    >>> parse_objective("cost=0.7, time=0.3")
    (('cost', 0.7), ('time', 0.3))
    """
    text = str(text or "").strip().lower()
    if not text:
        raise InvalidQuery(
            "empty objective; use cost, time, co2, distance or e.g. cost=0.7,time=0.3"
        )
    parts = [p.strip() for p in text.split(",") if p.strip()]
    weights: dict[str, float] = {}
    for part in parts:
        name, _, value = part.partition("=")
        name = _CRITERION_ALIASES.get(name.strip(), name.strip())
        if name not in CRITERIA:
            raise InvalidQuery(
                f"unknown objective {name!r}; use one of cost, time, co2, distance "
                "or a weighted mix like cost=0.7,time=0.3"
            )
        if name in weights:
            raise InvalidQuery(f"objective {name!r} is given twice in {text!r}")
        try:
            weight = float(value) if value.strip() else 1.0
        except ValueError:
            raise InvalidQuery(f"weight {value.strip()!r} for {name} is not a number") from None
        if not weight >= 0 or weight == float("inf"):
            raise InvalidQuery(f"weight {value.strip()!r} for {name} must be zero or more")
        weights[name] = weight
    if len(parts) > 1 and not any(weights.values()):
        raise InvalidQuery(f"objective {text!r} has only zero weights")
    return tuple((k, v) for k, v in weights.items() if v > 0 or len(parts) == 1)


def parse_time(value, name: str) -> datetime | None:
    """A timezone-aware UTC datetime from a datetime, date or ISO-8601 string (naive = UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidQuery(
                f"{name} {value!r} is not a date; use ISO 8601 like 2025-03-01 or 2025-03-01T08:00"
            ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _names(values, what: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out = []
    for v in values:
        out += [p.strip() for p in re.split(r"[,;]", str(v)) if p.strip()]
    return out


@dataclass(frozen=True)
class Query:
    """A validated query. Sets are frozensets of canonical values; times are UTC."""

    origin: str
    destination: str
    objective: tuple[tuple[str, float], ...]
    alternatives: int = 1
    pareto: bool = False
    avoid_passages: frozenset[str] = frozenset()
    avoid_ports: frozenset[str] = frozenset()
    avoid_countries: frozenset[str] = frozenset()
    max_transshipments: int | None = None
    modes: frozenset[str] | None = None
    carriers: frozenset[str] | None = None
    depart_after: datetime | None = None
    deadline: datetime | None = None
    #: Alternatives differ in corridor (routing.diverse); False: the exact k best.
    distinct: bool = True

    @property
    def objective_text(self) -> str:
        if len(self.objective) == 1:
            return self.objective[0][0]
        return ",".join(f"{k}={v:g}" for k, v in self.objective)

    @property
    def is_mix(self) -> bool:
        return len(self.objective) > 1

    @property
    def max_legs(self) -> int | None:
        return None if self.max_transshipments is None else self.max_transshipments + 1

    @property
    def avoid_mask(self) -> int:
        return passages_mask(self.avoid_passages)

    def filter_key(self) -> tuple:
        """What decides which edges are allowed (cache key for projections)."""
        return (
            self.avoid_mask,
            self.avoid_ports,
            self.avoid_countries,
            self.modes,
            self.carriers,
        )

    def has_filters(self) -> bool:
        return bool(
            self.avoid_passages
            or self.avoid_ports
            or self.avoid_countries
            or self.modes is not None
            or self.carriers is not None
        )

    def canonical(self, start: datetime) -> dict:
        """The query as canonical JSON-able data (hashed into each route's network_hash)."""
        return {
            "origin": self.origin,
            "destination": self.destination,
            "objective": self.objective_text,
            "alternatives": self.alternatives,
            "pareto": self.pareto,
            "distinct": self.distinct,
            "avoid_passages": sorted(self.avoid_passages),
            "avoid_ports": sorted(self.avoid_ports),
            "avoid_countries": sorted(self.avoid_countries),
            "max_transshipments": self.max_transshipments,
            "modes": sorted(self.modes) if self.modes is not None else None,
            "carriers": sorted(self.carriers) if self.carriers is not None else None,
            "start": start.isoformat(),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "import_release_hours": dict(sorted(IMPORT_RELEASE_HOURS.items())),
        }

    def route_network_hash(self, network_hash: str, start: datetime) -> str:
        """sha256 over the network hash and the canonical query, as "0x" + hex."""
        blob = json.dumps(
            {"network": network_hash, "query": self.canonical(start)},
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
        return "0x" + hashlib.sha256(blob).hexdigest()


def make_query(
    network: Network,
    origin: str,
    destination: str,
    *,
    objective: str = "cost",
    alternatives: int = 1,
    pareto: bool = False,
    avoid_passages: Iterable[str] | str = (),
    avoid_ports: Iterable[str] | str = (),
    avoid_countries: Iterable[str] | str = (),
    max_transshipments: int | None = None,
    modes: Iterable[str] | str | None = None,
    carriers: Iterable[str] | str | None = None,
    depart_after=None,
    deadline=None,
    distinct: bool = True,
) -> Query:
    """Validate the parameters of :func:`routing.propose` into a :class:`Query`.

    Checks run in a fixed order (ends, objective, alternatives, exclusions,
    transshipments, modes, carriers, times), so a query with several faults always
    reports the same one.
    """
    o, d = network.port(origin).locode, network.port(destination).locode
    if o == d:
        raise InvalidQuery(f"origin and destination are both {o}; give two different ports")
    weights = parse_objective(objective)
    k = _alternatives(alternatives, pareto)
    passages, ports, countries = _avoid(
        network, (o, d), avoid_passages, avoid_ports, avoid_countries
    )
    mt = _max_transshipments(max_transshipments)
    mode_set, carrier_set = _modes(modes), _carriers(network, carriers)
    start = parse_time(depart_after, "depart-after")
    end = parse_time(deadline, "deadline")
    if start and end and end <= start:
        raise InvalidQuery(
            f"deadline {end.isoformat()} is not after depart-after {start.isoformat()}"
        )
    return Query(
        origin=o,
        destination=d,
        objective=weights,
        alternatives=k,
        pareto=bool(pareto),
        avoid_passages=frozenset(passages),
        avoid_ports=frozenset(ports),
        avoid_countries=frozenset(countries),
        max_transshipments=mt,
        modes=mode_set,
        carriers=carrier_set,
        depart_after=start,
        deadline=end,
        distinct=bool(distinct),
    )


def _alternatives(alternatives, pareto) -> int:
    try:
        k = int(alternatives)
    except (TypeError, ValueError):
        raise InvalidQuery(f"alternatives {alternatives!r} is not a whole number") from None
    if not 1 <= k <= 50:
        raise InvalidQuery(f"alternatives {alternatives!r} must be between 1 and 50")
    if pareto and k > 1:
        raise InvalidQuery("--pareto and --alternatives contradict; ask for one or the other")
    return k


def _avoid(
    network: Network, ends: tuple[str, str], avoid_passages, avoid_ports, avoid_countries
) -> tuple[set[str], set[str], set[str]]:
    """The passages, ports and countries to avoid, checked against the route's ends."""
    passages = set()
    for name in _names(avoid_passages, "passage"):
        canon = normalise_passage(name)
        if canon is None:
            raise InvalidQuery(f"unknown passage {name!r}; known passages: {', '.join(PASSAGES)}")
        passages.add(canon)
    ports = {network.port(p).locode for p in _names(avoid_ports, "port")}
    for end in ends:
        if end in ports:
            raise InvalidQuery(f"{end} is both an end of the route and a port to avoid")
    countries = set()
    for c in _names(avoid_countries, "country"):
        code = c.upper()
        if not re.fullmatch(r"[A-Z]{2}", code):
            raise InvalidQuery(f"country {c!r} is not an ISO 3166 alpha-2 code like CN or EG")
        countries.add(code)
    for end in ends:
        if network.ports[end].country in countries:
            raise InvalidQuery(
                f"{end} is in country {network.ports[end].country}, which is listed to avoid"
            )
    return passages, ports, countries


def _max_transshipments(value) -> int | None:
    if value is None:
        return None
    try:
        mt = int(value)
    except (TypeError, ValueError):
        raise InvalidQuery(f"max transshipments {value!r} is not a whole number") from None
    if mt < 0:
        raise InvalidQuery(f"max transshipments {value!r} must be 0 or more")
    return mt


def _modes(modes) -> frozenset[str] | None:
    if modes is None:
        return None
    mode_set = set()
    for m in _names(modes, "mode"):
        if m.lower() not in MODES:
            raise InvalidQuery(f"unknown mode {m!r}; use sea, air, rail, road or barge")
        mode_set.add(m.lower())
    if not mode_set:
        raise InvalidQuery("no transport mode given; use e.g. --modes sea,road")
    return frozenset(mode_set)


def _carriers(network: Network, carriers) -> frozenset[str] | None:
    if carriers is None:
        return None
    carrier_set = set()
    lower = {c.lower(): c for c in network.carrier_names}
    for c in _names(carriers, "carrier"):
        match = lower.get(c.lower())
        if match is None:
            close = difflib.get_close_matches(c.lower(), list(lower), n=3, cutoff=0.5)
            hint = (
                f"; did you mean {', '.join(lower[x] for x in close)}?"
                if close
                else "; see the carriers in docs/ROUTING.md"
            )
            raise InvalidQuery(f"unknown carrier {c!r}{hint}")
        carrier_set.add(match)
    if not carrier_set:
        raise InvalidQuery("no carrier given; use e.g. --carriers 'Meridian Container Line'")
    return frozenset(carrier_set)
