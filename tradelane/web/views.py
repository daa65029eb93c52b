"""Turn a `ShipmentStatus` into what the tracking page shows: words, units, times, flags.

Nothing here talks to the chain; what the page needs beyond the status (the contract's
timers, names, odds, references) arrives as arguments, read by `sources`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import ShipmentStatus, State
from .actions import Action, actions_for
from .clock import relative_text, span_text, stamp, utc_text
from .geo import PortBook
from .money import MoneyPanel, Terms, amount_text, money_panel
from .sources import Chance, Names, short_address
from .timeline import LegPage, delay_text, event_view, last_seen, leg_pages, place_name

__all__ = [
    "Delivery",
    "ShipmentPage",
    "amount_text",
    "build_page",
    "headline_text",
    "delay_text",
    "relative_text",
    "short_address",
    "time_text",
]

ACTIVE = (State.OPEN, State.ROUTED)
time_text = utc_text


@dataclass(frozen=True)
class Delivery:
    """The one headline date: when the goods arrive (or did), with its band and risk."""

    label: str  # "Delivered" | "Expected delivery" | "No delivery date yet" | "Not delivered"
    when: int | None
    text: str  # the date in the page's time convention
    band: str  # how sure: analytics band, the carrier's estimate, or the plan
    risk: str  # delivered | on-track | at-risk | late | closed | none
    risk_text: str
    chance: str  # "82% chance of delivery by the deadline" or ""


@dataclass(frozen=True)
class ShipmentPage:
    """Everything the shipment page template renders."""

    status: ShipmentStatus
    role: str
    headline: str
    summary: str
    tone: str  # ok | active | warn | bad | done
    final: bool
    origin: str
    destination: str
    delivery: Delivery
    legs: tuple[LegPage, ...]
    money: MoneyPanel
    actions: tuple[Action, ...]
    tranches: tuple[str, ...]
    parties: tuple[tuple[str, str, str], ...]  # (role, name or short address, address)
    last_seen: str | None
    next_text: str | None
    overdue_count: int
    now_text: str
    deadline_text: str
    extra_events: tuple[dict, ...] = field(default=())


def _headline(s: ShipmentStatus, book: PortBook, names: Names, disputer: str | None, pending=()):
    """(headline, one-sentence summary, tone) in a buyer's words."""
    legs = s.legs
    if s.state == State.ROUTED and pending and not s.refundable:
        who = ", ".join(f"{names.label(legs[i].carrier)} (leg {i + 1})" for i in pending)
        return (
            "Awaiting carrier bookings",
            f"The route is agreed and paid into escrow; waiting for {who} to confirm.",
            "active",
        )
    if s.state == State.OPEN:
        return "Awaiting route", "The seller has not committed a route yet.", "active"
    if s.state == State.ROUTED:
        leg = legs[min(s.current_leg, len(legs) - 1)]
        if s.refundable:
            return (
                "Deadline missed",
                f"Not delivered by the deadline ({utc_text(s.deadline)}); "
                "the buyer can take the payment back.",
                "bad",
            )
        if s.leg_phase == 0 and s.current_leg == 0:
            return "Booked", f"Waiting to depart {place_name(book, leg.origin)}.", "active"
        if s.leg_phase == 1:
            return (
                "In transit",
                f"On leg {leg.index + 1} of {len(legs)} by {leg.mode}, "
                f"heading for {place_name(book, leg.destination)}.",
                "active",
            )
        where = leg.destination if s.leg_phase == 2 else leg.origin
        return (
            f"At {book.name(where) or where}",
            f"Leg {leg.index + 1} of {len(legs)} done; waiting for the next movement.",
            "active",
        )
    if s.state == State.DELIVERED:
        return (
            "Delivered",
            f"Delivered on {utc_text(s.delivered_at)}; the payment is released after a grace "
            "period unless the buyer confirms sooner or disputes.",
            "ok",
        )
    if s.state == State.DISPUTED:
        who = f" by {names.label(disputer)}" if disputer else ""
        return (
            "In dispute",
            f"Dispute opened{who} on {utc_text(s.disputed_at)}; payments are frozen while "
            "the arbiter decides.",
            "warn",
        )
    if s.state == State.COMPLETED:
        return "Completed", "Delivered and paid: the escrow has been released.", "done"
    if s.state == State.REFUNDED:
        return "Refunded", "The escrow went back to the buyer.", "bad"
    if s.state == State.RESOLVED:
        return "Dispute resolved", "The arbiter (or the timeout rule) split the escrow.", "done"
    return s.state.label.title(), "", "active"


def headline_text(s: ShipmentStatus, book: PortBook) -> str:
    """The one-word state of `s` for lists (the party page)."""
    return _headline(s, book, Names(), None)[0]


def _expected_delivery(s: ShipmentStatus) -> tuple[int, str]:
    """(expected arrival at the last port, how we know): the plan shifted by the latest slip."""
    slip, basis = 0, "the plan"
    stops = [
        stop
        for leg in s.legs
        for stop in (
            (leg.planned_departure, leg.estimated_departure, leg.actual_departure),
            (leg.planned_arrival, leg.estimated_arrival, leg.actual_arrival),
        )
    ]
    for planned, est, actual in stops:
        if actual:
            slip, basis = actual - planned, "the plan, shifted by the latest actual event"
            continue
        if est:  # the first milestone still to come decides the slip
            slip, basis = est - planned, "the carrier's latest estimate"
        elif s.now > planned + slip:  # overdue: it cannot happen before now
            slip, basis = s.now - planned, "the plan, shifted by the overdue milestone"
        break
    last = s.legs[-1]
    if last.estimated_arrival and not last.actual_arrival:
        return max(last.estimated_arrival, s.now), "the carrier's latest estimate"
    return last.planned_arrival + slip, basis


def delivery(s: ShipmentStatus, chance: Chance | None) -> Delivery:
    dest = s.destination
    if s.delivered_at:
        margin = s.deadline - s.delivered_at
        risk_text = (
            f"{span_text(margin)} before the deadline"
            if margin >= 0
            else f"{span_text(margin)} after the deadline"
        )
        return Delivery(
            "Delivered",
            s.delivered_at,
            stamp(s.delivered_at, dest),
            "",
            "delivered",
            risk_text,
            "",
        )
    if s.state.final or s.state == State.DISPUTED:
        why = {
            State.DISPUTED: "the goods are not delivered yet; payments are frozen while the "
            "dispute is open",
            State.REFUNDED: "the payment went back to the buyer",
            State.RESOLVED: "the dispute was settled before delivery",
            State.COMPLETED: "the payment was released",
        }.get(s.state, s.state.label)
        word = "Not delivered" if s.state.final else "Delivery on hold"
        return Delivery(word, None, "—", "", "closed", why, "")
    if not s.legs:
        return Delivery(
            "No delivery date yet",
            None,
            "—",
            "",
            "none",
            f"must be delivered by {utc_text(s.deadline)}",
            "",
        )
    when, basis = _expected_delivery(s)
    band = f"Based on {basis}."
    odds = ""
    if chance is not None:
        odds = f"{round(chance.probability * 100)}% chance of delivery by the deadline"
        if chance.early and chance.late and utc_text(chance.early) != utc_text(chance.late):
            band = f"Likely between {utc_text(chance.early)} and {utc_text(chance.late)}."
        if chance.basis:
            odds += f" ({chance.basis})"
    if s.now > s.deadline:
        risk, text = "late", f"the deadline passed {span_text(s.now - s.deadline)} ago"
    elif when > s.deadline:
        risk, text = "late", f"expected {span_text(when - s.deadline)} after the deadline"
    elif (
        s.deadline - when < 2 * 86_400
        or s.overdue
        or (chance is not None and chance.probability < 0.8)
    ):
        risk, text = "at-risk", f"only {span_text(s.deadline - when)} before the deadline"
        if s.overdue:
            text = f"a milestone is overdue; {text}"
    else:
        risk, text = "on-track", f"{span_text(s.deadline - when)} before the deadline"
    return Delivery("Expected delivery", when, stamp(when, dest), band, risk, text, odds)


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
    if s.state != State.ROUTED or not s.legs or s.current_leg >= len(s.legs):
        return None
    leg = s.legs[s.current_leg]
    if s.leg_phase == 0:
        what, where = f"departure from {place_name(book, leg.origin)}", leg.origin
    elif s.leg_phase == 1:
        what, where = f"arrival at {place_name(book, leg.destination)}", leg.destination
    elif s.current_leg + 1 < len(s.legs):
        nxt = s.legs[s.current_leg + 1]
        what, where = f"departure from {place_name(book, nxt.origin)}", nxt.origin
    else:
        what, where = f"delivery at {place_name(book, leg.destination)}", leg.destination
    if s.next_expected_due:
        due = s.next_expected_due
        what += f", expected {stamp(due, where)} ({relative_text(due, s.now)})"
    return what[0].upper() + what[1:]


def _parties(s: ShipmentStatus, names: Names) -> tuple[tuple[str, str, str], ...]:
    parties = [("Buyer", s.buyer), ("Seller", s.seller)]
    if s.receiver and int(s.receiver, 16) and s.receiver != s.seller:
        parties.append(("Paid to", s.receiver))
    parties.append(("Arbiter", s.arbiter))
    for leg in s.legs:
        if leg.carrier not in [p[1] for p in parties]:
            parties.append((f"Carrier, leg {leg.index + 1}", leg.carrier))
    return tuple((role, names.label(a), a) for role, a in parties)


def build_page(
    s: ShipmentStatus,
    book: PortBook,
    *,
    terms: Terms,
    role: str = "buyer",
    names: Names | None = None,
    chance: Chance | None = None,
    disputer: str | None = None,
    pending: tuple[int, ...] = (),
) -> ShipmentPage:
    """The shipment page's view of `s`, for the party `role`."""
    names = names or Names()
    active = s.state in ACTIVE
    legs = leg_pages(book, s, active, names)
    leg_indexes = {leg.index for leg in s.legs}
    extra = tuple(
        event_view(book, e, s.now, names)
        for e in s.milestones
        if e.milestone.leg not in leg_indexes
    )
    headline, summary, tone = _headline(s, book, names, disputer, pending)
    when = delivery(s, chance)
    if active and tone == "active" and (when.risk == "late" or s.overdue):
        tone = "bad" if when.risk == "late" else "warn"
    elif active and tone == "active" and when.risk == "at-risk":
        tone = "warn"
    seen = last_seen(book, s)
    return ShipmentPage(
        status=s,
        role=role,
        headline=headline,
        summary=summary,
        tone=tone,
        final=s.state.final,
        origin=place_name(book, s.legs[0].origin) if s.legs else "—",
        destination=place_name(book, s.destination),
        delivery=when,
        legs=legs,
        money=money_panel(s, terms),
        actions=actions_for(s, role, terms),
        tranches=_tranche_text(s),
        parties=_parties(s, names),
        last_seen=seen[1] if seen else None,
        next_text=_next_text(s, book),
        overdue_count=sum(
            1 for leg in legs for stop in (leg.departure, leg.arrival) if stop.status == "overdue"
        ),
        now_text=utc_text(s.now),
        deadline_text=stamp(s.deadline, s.destination),
        extra_events=extra,
    )
