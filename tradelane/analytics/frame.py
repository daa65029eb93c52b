"""Column arrays the metrics read: one row per leg, per ETA estimate, per shipment.

The SQL loader (:mod:`tradelane.analytics.load`) fills these from the index; the simulator's
tests and the benchmark can fill them directly. Times are unix seconds as float64 (NaN =
not recorded); text columns are numpy object arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

import numpy as np

__all__ = [
    "Estimates",
    "Legs",
    "Routes",
    "Shipments",
    "factorize",
    "group",
    "group_factorized",
    "lanes",
]

_TEXT = object


def _columns(cls, rows: Iterable[Mapping]) -> dict[str, np.ndarray]:
    rows = list(rows)
    out = {}
    for f in fields(cls):
        values = [r.get(f.name) for r in rows]
        if f.type in ("np.ndarray[str]",):
            out[f.name] = np.array(values, dtype=_TEXT)
        else:
            out[f.name] = np.array(
                [np.nan if v is None else float(v) for v in values], dtype=np.float64
            )
    return out


def _array(values: list, text: bool) -> np.ndarray:
    if text:
        return np.array(values, dtype=_TEXT)
    out = np.array(values, dtype=object)
    out[np.equal(out, None)] = np.nan
    return out.astype(np.float64)


def lanes(origin: np.ndarray, destination: np.ndarray) -> np.ndarray:
    """``ORIGIN-DESTINATION`` per row (object array; numpy's char functions are slower)."""
    return np.array([f"{o}-{d}" for o, d in zip(origin, destination, strict=True)], dtype=_TEXT)


class _Frame:
    """Shared by the frames: built from row mappings or columns, sliced by a boolean mask."""

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping]):
        return cls(**_columns(cls, rows))

    @classmethod
    def from_columns(cls, columns: Mapping[str, list]):
        """From column lists (None = not recorded), e.g. a query result fetched at once."""
        return cls(
            **{f.name: _array(columns[f.name], f.type == "np.ndarray[str]") for f in fields(cls)}
        )

    def __len__(self) -> int:
        return len(getattr(self, fields(self)[0].name))

    def take(self, mask: np.ndarray):
        return type(self)(**{f.name: getattr(self, f.name)[mask] for f in fields(self)})


@dataclass
class Legs(_Frame):
    """The legs of the routes in force, with their actual milestones.

    ``shipment`` is a shipment's key as text (``chain:contract:id``); ``actual_*`` are
    the first ACT event time of DEPA / ARRI / DISC / LOAD on the leg.
    """

    shipment: np.ndarray[str]
    leg: np.ndarray[float]
    origin: np.ndarray[str]
    destination: np.ndarray[str]
    mode: np.ndarray[str]
    carrier: np.ndarray[str]
    planned_departure: np.ndarray[float]
    planned_arrival: np.ndarray[float]
    actual_departure: np.ndarray[float]
    actual_arrival: np.ndarray[float]
    discharged: np.ndarray[float]
    loaded: np.ndarray[float]

    @property
    def lane(self) -> np.ndarray:
        """``ORIGIN-DESTINATION`` per row (a port pair)."""
        return lanes(self.origin, self.destination)


@dataclass
class Estimates(_Frame):
    """Carriers' EST arrival milestones with the ACT arrival that followed."""

    carrier: np.ndarray[str]
    origin: np.ndarray[str]
    destination: np.ndarray[str]
    mode: np.ndarray[str]
    estimated: np.ndarray[float]  # the EST's event time: the arrival it predicted
    given_at: np.ndarray[float]  # block time of the EST: when it was given
    actual: np.ndarray[float]  # the ACT ARRI event time of the same leg


@dataclass
class Shipments(_Frame):
    """One row per shipment with a route: its lane (first origin → final destination),
    the carriers of its legs (``|``-joined), deadline and outcome times (NaN = never)."""

    shipment: np.ndarray[str]
    origin: np.ndarray[str]
    destination: np.ndarray[str]
    carriers: np.ndarray[str]
    opened_at: np.ndarray[float]
    deadline: np.ndarray[float]
    delivered_at: np.ndarray[float]  # the contract's deliveredAt: an on-time DROP
    dropped_at: np.ndarray[float]  # the final ACT DROP's event time, on time or not
    first_departure: np.ndarray[float]
    refunded: np.ndarray[float]  # 1 when refunded (any amount), else 0
    disputed_at: np.ndarray[float]


@dataclass
class Routes(_Frame):
    """The legs of the routes in force, no times: who moved each shipment where, by what
    mode (what CO2e per delivered TEU is computed from)."""

    shipment: np.ndarray[str]
    origin: np.ndarray[str]
    destination: np.ndarray[str]
    mode: np.ndarray[str]
    carrier: np.ndarray[str]


def factorize(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """A column's distinct values as text, sorted, and each row's index among them.

    Through a dict rather than ``np.unique``: a key column holds a few dozen distinct
    values over hundreds of thousands of rows, and sorting the rows' text is what made
    grouping slow.
    """
    text = [v if isinstance(v, str) else str(v) for v in values.tolist()]
    uniq = sorted(set(text))
    where = {v: i for i, v in enumerate(uniq)}
    return uniq, np.fromiter((where[v] for v in text), dtype=np.int64, count=len(text))


def group(*keys: np.ndarray) -> tuple[list[tuple], np.ndarray]:
    """Unique key tuples (sorted) and, per row, the index of its key."""
    if not len(keys) or not len(keys[0]):
        return [], np.zeros(0, dtype=np.int64)
    return group_factorized(*(factorize(np.asarray(k)) for k in keys))


def group_factorized(*columns: tuple[list[str], np.ndarray]) -> tuple[list[tuple], np.ndarray]:
    """:func:`group` over columns already factorised (a column grouped several ways is
    factorised once)."""
    if not len(columns) or not len(columns[0][1]):
        return [], np.zeros(0, dtype=np.int64)
    combined = np.zeros(len(columns[0][1]), dtype=np.int64)
    levels = []
    for uniq, code in columns:  # mixed radix: the combined code sorts like the key tuples
        combined = combined * len(uniq) + code
        levels.append(uniq)
    present, inverse = np.unique(combined, return_inverse=True)
    out = []
    for c in present.tolist():
        key = []
        for uniq in reversed(levels):
            c, r = divmod(c, len(uniq))
            key.append(uniq[r])
        out.append(tuple(reversed(key)))
    return out, inverse.reshape(-1)
