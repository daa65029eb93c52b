"""Column arrays the metrics read: one row per leg, per ETA estimate, per shipment.

The SQL loader (:mod:`tradelane.analytics.load`) fills these from the index; the simulator's
tests and the benchmark can fill them directly. Times are unix seconds as float64 (NaN =
not recorded); text columns are numpy object arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

import numpy as np

__all__ = ["Estimates", "Legs", "Shipments", "group"]

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
        return np.char.add(np.char.add(self.origin.astype(str), "-"), self.destination.astype(str))


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


def group(*keys: np.ndarray) -> tuple[list[tuple], np.ndarray]:
    """Unique key tuples (sorted) and, per row, the index of its key."""
    if not len(keys) or not len(keys[0]):
        return [], np.zeros(0, dtype=np.int64)
    stacked = np.array([np.asarray(k).astype(str) for k in keys]).T
    uniq, inverse = np.unique(stacked, axis=0, return_inverse=True)
    return [tuple(str(x) for x in row) for row in uniq], inverse.reshape(-1)
