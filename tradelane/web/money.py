"""The money panel: where every unit of the buyer's payment is, and what happens to the rest.

Right in every state, in the token's own symbol and decimals. The contract pays by credit
(pull payments): a release or refund is *credited* to the payee's balance inside the contract
and leaves it only when the payee withdraws, so the panel shows both: what this shipment
credited, and what each party still has to withdraw (their balance across shipments, the
contract keeps no per-shipment withdrawal record).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model import ShipmentStatus, State
from .clock import relative_text, span_text, utc_text

__all__ = ["MoneyPanel", "MoneyRow", "Terms", "amount_text", "money_panel"]


def amount_text(amount: int, decimals: int, symbol: str) -> str:
    """Base units as token units: 1500000000000000000, 18, 'ETH' -> '1.5 ETH'."""
    value = Decimal(amount).scaleb(-decimals).normalize()
    text = format(value, ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {symbol}"


@dataclass(frozen=True)
class Terms:
    """What the page knows beyond the shipment: the contract's timers and the payees' balances."""

    grace_period: int
    arbiter_timeout: int
    buyer_credit: int = 0  # still to withdraw, across shipments, in this token
    payee_credit: int = 0


@dataclass(frozen=True)
class MoneyRow:
    key: str  # deposited | held | released | refunded | refundable
    label: str
    amount: int
    text: str
    help: str


@dataclass(frozen=True)
class MoneyPanel:
    rows: tuple[MoneyRow, ...]
    bar: tuple[tuple[str, float], ...]  # (key, percent of the deposit)
    rest: str  # what happens to what is held, and when
    withdraw: tuple[str, ...]  # who still has credit to withdraw
    tone: str  # ok | warn | done


def _when(ts: int, now: int) -> str:
    return f"{utc_text(ts)} ({relative_text(ts, now)})"


def _rest(s: ShipmentStatus, terms: Terms, text) -> tuple[str, str]:
    """(what happens to what is still held, tone)."""
    held, now = text(s.held), s.now
    if s.state == State.OPEN:
        return (
            f"{held} is held. It moves only once the seller commits a route; if the goods are "
            f"not delivered by {_when(s.deadline, now)}, you can take it all back.",
            "ok",
        )
    if s.state == State.ROUTED:
        if s.refundable:
            return (
                f"The delivery deadline passed on {utc_text(s.deadline)} without delivery: "
                f"you can take back {text(s.refundable)} now. Until you do, it stays held.",
                "warn",
            )
        return (
            f"{held} is held. It goes to the seller when you confirm delivery (or "
            f"{span_text(terms.grace_period)} after delivery). If the goods are not delivered by "
            f"{_when(s.deadline, now)}, you can take it back.",
            "ok",
        )
    if s.state == State.DELIVERED:
        release = s.delivered_at + terms.grace_period
        return (
            f"{held} goes to the seller on {_when(release, now)}, or sooner if you confirm "
            "delivery. Open a dispute before then if something is wrong.",
            "ok",
        )
    if s.state == State.DISPUTED:
        decide = s.disputed_at + terms.arbiter_timeout
        default = "the seller" if s.delivered_at else "you (the buyer)"
        return (
            f"{held} is frozen while the arbiter decides, by {_when(decide, now)}. If the arbiter "
            f"has not decided by then, anyone can settle it and it all goes to {default}.",
            "warn",
        )
    if s.state == State.COMPLETED:
        return f"Nothing is held: {text(s.released)} was released to the seller.", "done"
    if s.state == State.REFUNDED:
        return f"Nothing is held: {text(s.refunded)} was returned to the buyer.", "done"
    if s.state == State.RESOLVED:
        return (
            f"Nothing is held: the dispute ended with {text(s.refunded)} to the buyer and "
            f"{text(s.released)} to the seller in total.",
            "done",
        )
    return f"{held} is held.", "ok"


def money_panel(s: ShipmentStatus, terms: Terms) -> MoneyPanel:
    """The money panel of `s`."""

    def text(amount: int) -> str:
        return amount_text(amount, s.token_decimals, s.token_symbol)

    rows = [MoneyRow("deposited", "Paid into escrow", s.deposited, text(s.deposited), "")]
    if s.held or not s.state.final:
        help_ = "frozen during the dispute" if s.state == State.DISPUTED else "in the contract"
        rows.append(MoneyRow("held", "Held in escrow", s.held, text(s.held), help_))
    if s.released or s.state in (State.ROUTED, State.DELIVERED, State.COMPLETED):
        rows.append(
            MoneyRow(
                "released",
                "Released to the seller",
                s.released,
                text(s.released),
                "credited to the seller's balance in the contract",
            )
        )
    if s.refunded:
        rows.append(
            MoneyRow(
                "refunded",
                "Returned to the buyer",
                s.refunded,
                text(s.refunded),
                "credited to the buyer's balance in the contract",
            )
        )
    if s.refundable:
        rows.append(
            MoneyRow(
                "refundable",
                "You can take back now",
                s.refundable,
                text(s.refundable),
                f"the deadline passed on {utc_text(s.deadline)}",
            )
        )
    withdraw = []
    for who, got, credit in (
        ("buyer", s.refunded, terms.buyer_credit),
        ("seller", s.released, terms.payee_credit),
    ):
        if got and credit:
            withdraw.append(
                f"The {who} has {text(credit)} credited and not yet withdrawn "
                "(their balance in the contract, across all their shipments in this token)."
            )
        elif got:
            withdraw.append(f"The {who} has withdrawn everything credited to them.")
    rest, tone = _rest(s, terms, text)
    total = s.deposited or 1
    bar = tuple(
        (key, round(100 * amount / total, 2))
        for key, amount in (("released", s.released), ("refunded", s.refunded), ("held", s.held))
        if amount
    )
    return MoneyPanel(tuple(rows), bar, rest, tuple(withdraw), tone)
