"""The timeline: legs, their departure and arrival, and the milestones as a buyer reads them.

Estimates stay estimates: for each milestone only the latest estimate is shown, worded as
an expectation ("expected to arrive"), and earlier ones fold into a history; an estimate is
never worded as something that happened. Every time carries its place's local time and UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import CODE_WORDS, Classifier, Code, LegView, MilestoneEvent, ShipmentStatus
from .clock import relative_text, span_text, stamp
from .geo import PortBook

__all__ = ["LegPage", "Stop", "delay_text", "last_seen", "leg_pages", "place_name"]

# Within this many seconds of plan a milestone counts as on time.
ON_TIME = 30 * 60
MODE_WORDS = {"sea": "Sea", "air": "Air", "rail": "Rail", "road": "Road"}
EXPECT_WORDS = {
    Code.GTIN: "expected to gate in",
    Code.LOAD: "expected to be loaded",
    Code.DEPA: "expected to depart",
    Code.ARRI: "expected to arrive",
    Code.DISC: "expected to be discharged",
    Code.GTOT: "expected to gate out",
    Code.INSP: "inspection expected",
    Code.RELS: "customs release expected",
    Code.DROP: "delivery expected",
}
PASSAGE_NAMES = {
    "suez": "Suez Canal",
    "babalmandab": "Bab-el-Mandeb",
    "panama": "Panama Canal",
    "malacca": "Strait of Malacca",
    "gibraltar": "Strait of Gibraltar",
    "ormuz": "Strait of Hormuz",
    "bosporus": "Bosporus",
    "south_africa": "Cape of Good Hope",
    "sunda": "Sunda Strait",
    "chili": "Cape Horn",
    "northwest": "Northwest Passage",
    "bering": "Bering Strait",
}


def place_name(book: PortBook, locode: str) -> str:
    name = book.name(locode)
    return f"{name} ({locode})" if name else locode


def delay_text(actual: int | None, planned: int | None) -> str:
    """'on time', '5 hours late' or '1 day early' for an actual (or expected) vs planned time."""
    if not actual or not planned:
        return ""
    diff = actual - planned
    if abs(diff) <= ON_TIME:
        return "on time"
    return f"{span_text(diff)} {'late' if diff > 0 else 'early'}"


@dataclass(frozen=True)
class Stop:
    """One end of a leg: planned, latest expected and actual time, with local time and UTC."""

    kind: str  # "Departure" | "Arrival"
    locode: str
    place: str
    planned: int
    estimated: int | None
    actual: int | None
    status: str  # done | overdue | due | upcoming | not-reached
    note: str  # "on time", "3 hours late", "expected in 2 days"…
    planned_text: str
    estimated_text: str
    actual_text: str


@dataclass(frozen=True)
class LegPage:
    index: int
    number: int
    mode: str
    mode_word: str
    origin: str
    destination: str
    origin_name: str
    destination_name: str
    carrier: str
    carrier_name: str
    passages: tuple[str, ...]
    status: str  # completed | in-transit | upcoming | not-completed
    status_word: str
    departure: Stop
    arrival: Stop
    events: tuple[dict, ...]  # actual events and the latest estimate per milestone
    history: tuple[dict, ...]  # superseded estimates, newest first


def _stop(kind, locode, place, planned, estimated, actual, now, active) -> Stop:
    expected = estimated or planned
    if actual:
        status, note = "done", delay_text(actual, planned)
    elif not active:
        status, note = "not-reached", "not reached"
    elif now > expected:
        status, note = "overdue", f"overdue by {span_text(now - expected)}"
    elif expected - now <= 86_400:
        status, note = "due", f"expected {relative_text(expected, now)}"
    else:
        status, note = "upcoming", f"expected {relative_text(expected, now)}"
    if not actual and estimated and estimated != planned:
        note += f" · latest estimate {delay_text(estimated, planned)}"
    return Stop(
        kind,
        locode,
        place,
        planned,
        estimated,
        actual,
        status,
        note,
        stamp(planned, locode),
        stamp(estimated, locode),
        stamp(actual, locode),
    )


def event_view(book: PortBook, e: MilestoneEvent, now: int, names) -> dict:
    m = e.milestone
    actual = m.classifier == Classifier.ACT
    if actual:
        words = CODE_WORDS[m.code].capitalize()
    elif m.classifier == Classifier.EST:
        words = EXPECT_WORDS[m.code].capitalize()
    else:
        words = EXPECT_WORDS[m.code].capitalize().replace("expected", "planned")
    return {
        "seq": e.seq,
        "code": m.code.name,
        "words": words,
        "classifier": {Classifier.ACT: "actual", Classifier.EST: "estimated"}.get(
            m.classifier, "planned"
        ),
        "location": m.location,
        "place": place_name(book, m.location),
        "time": m.event_time,
        "time_text": stamp(m.event_time, m.location),
        "time_rel": relative_text(m.event_time, now),
        "recorded_text": stamp(e.recorded_at),
        "carrier": e.carrier,
        "carrier_name": names.label(e.carrier),
        "relayed": e.relayed,
        "tx_hash": e.tx_hash,
        "block": e.block_number,
    }


def split_estimates(events: list[dict]) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    """(actual events + the latest estimate of each milestone not yet done, older estimates)."""
    done = {e["code"] for e in events if e["classifier"] == "actual"}
    latest: dict[str, dict] = {}
    for e in events:
        if e["classifier"] != "actual":
            latest[e["code"]] = e  # events come in recording order: the last one wins
    keep = {id(e) for e in latest.values() if e["code"] not in done}
    shown = tuple(e for e in events if e["classifier"] == "actual" or id(e) in keep)
    history = tuple(
        reversed([e for e in events if e["classifier"] != "actual" and id(e) not in keep])
    )
    return shown, history


def _leg(book, leg: LegView, status: ShipmentStatus, active: bool, names) -> LegPage:
    from routing.passages import passages_from_mask

    now = status.now
    origin_name, destination_name = place_name(book, leg.origin), place_name(book, leg.destination)
    departure = _stop(
        "Departure",
        leg.origin,
        origin_name,
        leg.planned_departure,
        leg.estimated_departure,
        leg.actual_departure,
        now,
        active,
    )
    arrival = _stop(
        "Arrival",
        leg.destination,
        destination_name,
        leg.planned_arrival,
        leg.estimated_arrival,
        leg.actual_arrival,
        now,
        active,
    )
    state, word = _leg_state(leg, status, active)
    if active and "overdue" in (departure.status, arrival.status):
        word += " · overdue"
    events = [
        event_view(book, e, now, names) for e in status.milestones if e.milestone.leg == leg.index
    ]
    shown, history = split_estimates(events)
    return LegPage(
        index=leg.index,
        number=leg.index + 1,
        mode=leg.mode,
        mode_word=MODE_WORDS.get(leg.mode, leg.mode.title()),
        origin=leg.origin,
        destination=leg.destination,
        origin_name=origin_name,
        destination_name=destination_name,
        carrier=leg.carrier,
        carrier_name=names.label(leg.carrier),
        passages=tuple(PASSAGE_NAMES.get(p, p) for p in passages_from_mask(leg.passages)),
        status=state,
        status_word=word,
        departure=departure,
        arrival=arrival,
        events=shown,
        history=history,
    )


def _leg_state(leg: LegView, status: ShipmentStatus, active: bool) -> tuple[str, str]:
    """The leg's state (a CSS class) and its word, from its actual departure and arrival."""
    if leg.actual_arrival:
        return "completed", "Arrived"
    if leg.actual_departure and not status.state.final:
        return "in-transit", "In transit"
    if leg.actual_departure:
        return "not-completed", "Departed; arrival never reported"
    if active:
        return "upcoming", "Not departed yet"
    return "not-completed", "Not travelled"


def leg_pages(book: PortBook, status: ShipmentStatus, active: bool, names) -> tuple[LegPage, ...]:
    return tuple(_leg(book, leg, status, active, names) for leg in status.legs)


def last_seen(book: PortBook, status: ShipmentStatus) -> tuple[str, str, int] | None:
    """(UN/LOCODE, 'Last seen: departed Shanghai (CNSHA) on …', time) of the last actual event."""
    actual = [e for e in status.milestones if e.milestone.classifier == Classifier.ACT]
    if not actual:
        return None
    m = max(actual, key=lambda e: (e.milestone.event_time, e.seq)).milestone
    when = stamp(m.event_time, m.location)
    words = f"Last seen: {CODE_WORDS[m.code]} at {place_name(book, m.location)} on {when}"
    return m.location, words, m.event_time
