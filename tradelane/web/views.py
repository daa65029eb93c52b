"""Turn a `ShipmentStatus` into what the tracking page shows: words, units, times, flags.

Nothing here talks to the chain; the page templates only read these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from ..model import CODE_WORDS, Classifier, LegView, MilestoneEvent, ShipmentStatus, State
from .geo import PortBook

__all__ = [
    "ShipmentPage",
    "amount_text",
    "build_page",
    "delay_text",
    "short_address",
    "time_text",
    "relative_text",
]

# Within this many seconds of plan a milestone counts as on time.
ON_TIME = 30 * 60
ACTIVE = (State.OPEN, State.ROUTED)
MODE_WORDS = {"sea": "Sea", "air": "Air", "rail": "Rail", "road": "Road"}
CLASSIFIER_WORDS = {
    Classifier.ACT: "actual",
    Classifier.EST: "estimated",
    Classifier.PLN: "planned",
}


def time_text(ts: int | None) -> str:
    """Unix seconds as '12 May 2026, 14:00 UTC' ('—' for none)."""
    if not ts:
        return "—"
    return datetime.fromtimestamp(ts, UTC).strftime("%-d %b %Y, %H:%M UTC")


def _span(seconds: int) -> str:
    seconds = abs(seconds)
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "moments"


def relative_text(ts: int | None, now: int) -> str:
    """'in 3 days' / '2 hours ago' relative to the chain's clock."""
    if not ts:
        return ""
    if abs(ts - now) < 60:
        return "just now"
    return f"in {_span(ts - now)}" if ts > now else f"{_span(now - ts)} ago"


def delay_text(actual: int | None, planned: int | None) -> str:
    """'on time', '5 hours late' or '1 day early' for an actual (or estimated) vs planned time."""
    if not actual or not planned:
        return ""
    diff = actual - planned
    if abs(diff) <= ON_TIME:
        return "on time"
    return f"{_span(diff)} {'late' if diff > 0 else 'early'}"


def amount_text(amount: int, decimals: int, symbol: str) -> str:
    """Base units as token units: 1500000000000000000, 18, 'ETH' -> '1.5 ETH'."""
    value = Decimal(amount).scaleb(-decimals).normalize()
    text = format(value, ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {symbol}"


def short_address(address: str) -> str:
    return f"{address[:6]}…{address[-4:]}" if address and len(address) > 12 else address


@dataclass(frozen=True)
class Stop:
    """One end of a leg: the planned, estimated and actual time of departure or arrival."""

    kind: str  # "Departure" | "Arrival"
    locode: str
    place: str
    planned: int
    estimated: int | None
    actual: int | None
    status: str  # done | overdue | due | upcoming | not-reached
    note: str  # "on time", "3 hours late", "expected in 2 days"…


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
    passages: tuple[str, ...]
    status: str  # completed | in-transit | upcoming | not-completed
    status_word: str
    departure: Stop
    arrival: Stop
    events: tuple[dict, ...]


@dataclass(frozen=True)
class Money:
    label: str
    key: str
    amount: int
    text: str
    help: str


@dataclass(frozen=True)
class ShipmentPage:
    """Everything the shipment page template renders."""

    status: ShipmentStatus
    headline: str
    summary: str
    tone: str  # ok | active | warn | bad | done
    final: bool
    origin: str
    destination: str
    legs: tuple[LegPage, ...]
    money: tuple[Money, ...]
    bar: tuple[tuple[str, float], ...]  # (key, percent) for the escrow bar
    tranches: tuple[str, ...]
    parties: tuple[tuple[str, str], ...]
    next_text: str | None
    overdue_count: int
    now_text: str
    extra_events: tuple[dict, ...] = field(default=())


def _place(book: PortBook, locode: str) -> str:
    name = book.name(locode)
    return f"{name} ({locode})" if name else locode


def _stop(
    kind: str,
    locode: str,
    place: str,
    planned: int,
    estimated: int | None,
    actual: int | None,
    now: int,
    active: bool,
) -> Stop:
    expected = estimated or planned
    if actual:
        status, note = "done", delay_text(actual, planned)
    elif not active:
        status, note = "not-reached", "not reached"
    elif now > expected:
        status = "overdue"
        note = f"overdue by {_span(now - expected)}"
    elif expected - now <= 86_400:
        status, note = "due", f"expected {relative_text(expected, now)}"
    else:
        status, note = "upcoming", f"expected {relative_text(expected, now)}"
    if not actual and estimated and estimated != planned:
        note += f" · estimate {delay_text(estimated, planned)}"
    return Stop(kind, locode, place, planned, estimated, actual, status, note)


def _event(book: PortBook, e: MilestoneEvent, now: int) -> dict:
    m = e.milestone
    return {
        "seq": e.seq,
        "code": m.code.name,
        "words": CODE_WORDS[m.code],
        "classifier": CLASSIFIER_WORDS[m.classifier],
        "location": m.location,
        "place": _place(book, m.location),
        "time": m.event_time,
        "time_text": time_text(m.event_time),
        "time_rel": relative_text(m.event_time, now),
        "recorded_text": time_text(e.recorded_at),
        "carrier": e.carrier,
        "relayed": e.relayed,
        "tx_hash": e.tx_hash,
        "block": e.block_number,
    }


def _leg(book: PortBook, leg: LegView, status: ShipmentStatus, active: bool) -> LegPage:
    from routing.passages import passages_from_mask

    now = status.now
    origin_name = _place(book, leg.origin)
    destination_name = _place(book, leg.destination)
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
    if leg.actual_arrival:
        state, word = "completed", "Arrived"
    elif leg.actual_departure:
        state, word = "in-transit", "In transit"
    elif active:
        state, word = "upcoming", "Not departed"
    else:
        state, word = "not-completed", "Not travelled"
    if active and "overdue" in (departure.status, arrival.status):
        word += " · overdue"
    events = tuple(_event(book, e, now) for e in status.milestones if e.milestone.leg == leg.index)
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
        passages=tuple(PASSAGE_NAMES.get(p, p) for p in passages_from_mask(leg.passages)),
        status=state,
        status_word=word,
        departure=departure,
        arrival=arrival,
        events=events,
    )


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


def _headline(s: ShipmentStatus, book: PortBook) -> tuple[str, str, str]:
    """(headline, one-sentence summary, tone) in a buyer's words."""
    legs = s.legs
    if s.state == State.OPEN:
        return (
            "Awaiting route",
            "Your payment is held in escrow; the seller has not committed a route yet.",
            "active",
        )
    if s.state == State.ROUTED:
        leg = legs[s.current_leg] if s.current_leg < len(legs) else legs[-1]
        if s.leg_phase == 0 and s.current_leg == 0:
            return (
                "Booked",
                f"Route committed; waiting to depart {_place(book, leg.origin)}.",
                "active",
            )
        if s.leg_phase == 1:
            return (
                "In transit",
                f"On leg {leg.index + 1} of {len(legs)} by {leg.mode}, "
                f"heading for {_place(book, leg.destination)}.",
                "active",
            )
        where = leg.destination if s.leg_phase == 2 else leg.origin
        return (
            f"At {book.name(where) or where}",
            f"Leg {leg.index + 1} of {len(legs)}; waiting for the next movement.",
            "active",
        )
    if s.state == State.DELIVERED:
        return (
            "Delivered",
            "Delivered to the consignee. Confirm delivery to release the payment, or it is "
            "released automatically after the grace period.",
            "ok",
        )
    if s.state == State.DISPUTED:
        return "In dispute", "Payments are frozen while the arbiter decides.", "warn"
    if s.state == State.COMPLETED:
        return "Completed", "Delivered and paid: the escrow has been released.", "done"
    if s.state == State.REFUNDED:
        return "Refunded", "The shipment was not delivered; the escrow went back.", "bad"
    if s.state == State.RESOLVED:
        return "Dispute resolved", "The arbiter (or the timeout rule) split the escrow.", "done"
    return s.state.label.title(), "", "active"


def _money(s: ShipmentStatus) -> tuple[tuple[Money, ...], tuple[tuple[str, float], ...]]:
    def text(amount: int) -> str:
        return amount_text(amount, s.token_decimals, s.token_symbol)

    money = (
        Money("Deposited", "deposited", s.deposited, text(s.deposited), "paid into escrow"),
        Money("Held", "held", s.held, text(s.held), "still in escrow"),
        Money("Released", "released", s.released, text(s.released), "paid out to the seller"),
        Money("Refunded", "refunded", s.refunded, text(s.refunded), "returned to the buyer"),
        Money(
            "Refundable now",
            "refundable",
            s.refundable,
            text(s.refundable),
            "the buyer may reclaim this now (deadline passed)"
            if s.refundable
            else "if not delivered by the deadline",
        ),
    )
    total = s.deposited or 1
    bar = tuple(
        (key, round(100 * amount / total, 2))
        for key, amount in (("released", s.released), ("refunded", s.refunded), ("held", s.held))
        if amount
    )
    return money, bar


def _tranche_text(s: ShipmentStatus) -> tuple[str, ...]:
    out = []
    for t in s.tranches:
        leg = "the last leg" if t.leg == 255 else f"leg {t.leg + 1}"
        what = "departure" if t.code.name == "DEPA" else "arrival"
        out.append(f"{t.bps / 100:g}% on {what} of {leg}")
    if out:
        out.append("the rest on delivery")
    return tuple(out)


def _next_text(s: ShipmentStatus, book: PortBook) -> str | None:
    """What happens next, in words, with legs numbered from 1 like the timeline."""
    if s.state == State.DELIVERED:
        return "the buyer confirms delivery (or the payment is released after the grace period)"
    if s.state != State.ROUTED or not s.legs or s.current_leg >= len(s.legs):
        return None
    leg = s.legs[s.current_leg]
    if s.leg_phase == 0:
        what = f"departure from {_place(book, leg.origin)} (leg {leg.index + 1})"
    elif s.leg_phase == 1:
        what = f"arrival at {_place(book, leg.destination)} (leg {leg.index + 1})"
    elif s.current_leg + 1 < len(s.legs):
        nxt = s.legs[s.current_leg + 1]
        what = f"departure from {_place(book, nxt.origin)} (leg {nxt.index + 1})"
    else:
        what = f"delivery at {_place(book, leg.destination)}"
    if s.next_expected_due:
        what += (
            f", due {time_text(s.next_expected_due)} ({relative_text(s.next_expected_due, s.now)})"
        )
    return what[0].upper() + what[1:]


def build_page(s: ShipmentStatus, book: PortBook) -> ShipmentPage:
    """The shipment page's view of `s`."""
    active = s.state in ACTIVE
    legs = tuple(_leg(book, leg, s, active) for leg in s.legs)
    leg_indexes = {leg.index for leg in s.legs}
    extra = tuple(
        _event(book, e, s.now) for e in s.milestones if e.milestone.leg not in leg_indexes
    )
    headline, summary, tone = _headline(s, book)
    if active and s.overdue:
        tone = "warn"
    money, bar = _money(s)
    parties = [("Buyer", s.buyer), ("Seller", s.seller)]
    if s.receiver and int(s.receiver, 16) and s.receiver != s.seller:
        parties.append(("Payee", s.receiver))
    parties.append(("Arbiter", s.arbiter))
    for leg in s.legs:
        if leg.carrier not in [p[1] for p in parties]:
            parties.append((f"Carrier (leg {leg.index + 1})", leg.carrier))
    next_text = _next_text(s, book)
    origin = _place(book, s.legs[0].origin) if s.legs else "—"
    return ShipmentPage(
        status=s,
        headline=headline,
        summary=summary,
        tone=tone,
        final=s.state.final,
        origin=origin,
        destination=_place(book, s.destination),
        legs=legs,
        money=money,
        bar=bar,
        tranches=_tranche_text(s),
        parties=tuple(parties),
        next_text=next_text,
        overdue_count=sum(
            1 for leg in legs for stop in (leg.departure, leg.arrival) if stop.status == "overdue"
        ),
        now_text=time_text(s.now),
        extra_events=extra,
    )
