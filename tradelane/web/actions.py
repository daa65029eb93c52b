""" "What you can do now": the contract calls open to each party in a shipment's state.

Each action carries its window (opens / closes, from the contract's own rules), the exact
`tradelane` command that sends it, and — for a browser wallet (EIP-1193, e.g. MetaMask) —
the transaction's `to` and `data`. The page only *prepares* the call: the wallet signs and
sends it, so no key ever reaches this server.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import ShipmentStatus, State
from .clock import relative_text, utc_text
from .money import Terms, amount_text

__all__ = ["ROLES", "Action", "actions_for"]

ROLES = ("buyer", "seller", "carrier", "arbiter")
ETH = "0x" + "00" * 20
CODE_WORDS = {"DEPA": "departure", "ARRI": "arrival", "DROP": "delivery"}


@dataclass(frozen=True)
class Action:
    key: str  # confirm | refund | dispute | cancel | finalize | resolve | settle | withdraw
    title: str
    effect: str  # what it does, in money
    who: str  # the role that may send it ("anyone" for permissionless calls)
    sender: str | None  # the address the contract accepts it from (None: anyone)
    opens: int | None  # unix seconds; None = open now
    closes: int | None  # when it stops being possible (or stops mattering)
    closes_why: str
    command: str
    function: str  # the contract function a wallet calls
    args: tuple
    now: int

    @property
    def open_now(self) -> bool:
        return self.opens is None or self.opens <= self.now

    @property
    def when(self) -> tuple[str, int | None, str]:
        """(lead words, the date that matters or None, what happens then)."""
        if not self.open_now:
            return "Opens", self.opens, ""
        if self.closes:
            return "Open now, until", self.closes, self.closes_why
        return "Open now, no time limit", None, ""

    @property
    def when_text(self) -> str:
        lead, ts, why = self.when
        if ts is None:
            return lead
        text = f"{lead} {utc_text(ts)} ({relative_text(ts, self.now)})"
        return f"{text}: {why}" if why else text

    @property
    def deadline(self) -> int | None:
        return self.closes if self.open_now else self.opens

    @property
    def wallet(self) -> bool:
        """A wallet can send it: someone specific may, and it takes no typed-in amount."""
        return self.open_now and self.function not in ("resolveDispute", "recordMilestone")


def _cmd(name: str, sid: int | str, role: str, extra: str = "") -> str:
    account = "KEYSTORE.json" if role != "anyone" else "ANY-ACCOUNT"
    who = f"--account {account}"
    return " ".join(p for p in ("tradelane", name, str(sid), extra, who) if p)


def actions_for(s: ShipmentStatus, role: str, terms: Terms) -> tuple[Action, ...]:
    """What `role` (buyer, seller, carrier, arbiter) can do now, or soon, on shipment `s`."""

    def money(amount: int) -> str:
        return amount_text(amount, s.token_decimals, s.token_symbol)

    sid, now, held = s.shipment_id, s.now, money(s.held)
    active = s.state in (State.OPEN, State.ROUTED)
    out: list[Action] = []

    def add(key, title, effect, who, sender, opens, closes, why, command, function, args):
        out.append(
            Action(
                key, title, effect, who, sender, opens, closes, why, command, function, args, now
            )
        )

    grace_end = s.delivered_at + terms.grace_period if s.delivered_at else None
    decide_by = s.disputed_at + terms.arbiter_timeout if s.disputed_at else None
    if role == "buyer":
        if s.state in (State.ROUTED, State.DELIVERED):
            add(
                "confirm",
                "Confirm delivery",
                f"Releases the {held} still held to the seller now.",
                "buyer",
                s.buyer,
                None,
                grace_end,
                "after that the payment is released anyway",
                _cmd("confirm", sid, "buyer"),
                "confirmDelivery",
                (sid,),
            )
        if active:
            add(
                "refund",
                "Take your payment back",
                f"Returns the {held} held to you, because the goods missed the deadline.",
                "buyer",
                s.buyer,
                s.deadline + 1,
                None,
                "",
                _cmd("refund", sid, "buyer"),
                "refund",
                (sid,),
            )
    if role in ("buyer", "seller") and (active or s.state == State.DELIVERED):
        add(
            "dispute",
            "Open a dispute",
            f"Freezes the {held} held; the arbiter then decides who gets it.",
            role,
            s.buyer if role == "buyer" else s.seller,
            None,
            grace_end if s.state == State.DELIVERED else None,
            "the payment is released to the seller then",
            _cmd("dispute", sid, role),
            "openDispute",
            (sid,),
        )
    if role == "seller" and (active or s.state == State.DELIVERED):
        add(
            "cancel",
            "Cancel the shipment",
            f"Returns the {held} held to the buyer.",
            "seller",
            s.seller,
            None,
            None,
            "",
            _cmd("cancel", sid, "seller"),
            "cancel",
            (sid,),
        )
    if role == "carrier" and s.state == State.ROUTED and s.legs:
        leg, code = _next_milestone(s)
        carrier = s.legs[leg].carrier
        add(
            "milestone",
            f"Report the {CODE_WORDS[code]} of leg {leg + 1}",
            "Records it on chain, signed by the leg's carrier; any tranche due on it is released.",
            "carrier",
            carrier,
            None,
            s.next_expected_due,
            "expected by then",
            f"tradelane milestone {sid} {code} --leg {leg} --account KEYSTORE.json",
            "recordMilestone",
            (),
        )
    if role == "arbiter" and s.state == State.DISPUTED:
        add(
            "resolve",
            "Decide the dispute",
            f"Splits the {held} held between buyer and seller.",
            "arbiter",
            s.arbiter,
            None,
            decide_by,
            "after that anyone can settle it by the default rule",
            _cmd("resolve", sid, "arbiter", "--to-buyer 40%"),
            "resolveDispute",
            (sid,),
        )
    if s.state == State.DELIVERED and grace_end:
        add(
            "finalize",
            "Release the payment",
            f"Pays the {held} held to the seller, now the grace period is over.",
            "anyone",
            None,
            grace_end,
            None,
            "",
            _cmd("finalize", sid, "anyone"),
            "finalize",
            (sid,),
        )
    if s.state == State.DISPUTED and decide_by:
        default = "the seller" if s.delivered_at else "the buyer"
        add(
            "settle",
            "Settle the dispute by the default rule",
            f"If the arbiter has not decided by then, the {held} held goes to {default}.",
            "anyone",
            None,
            decide_by,
            None,
            "",
            _cmd("settle", sid, "anyone"),
            "settleDispute",
            (sid,),
        )
    credit = {
        "buyer": terms.buyer_credit if s.refunded else 0,
        "seller": terms.payee_credit if s.released else 0,
    }.get(role, 0)
    if credit:
        payee = s.buyer if role == "buyer" else (s.receiver if _set(s.receiver) else s.seller)
        add(
            "withdraw",
            "Withdraw your credit",
            f"Sends the {money(credit)} credited to you out of the contract to your account.",
            role,
            payee,
            None,
            None,
            "",
            _cmd("withdraw", sid, role),
            "withdraw",
            (s.token, payee),
        )
    return tuple(out)


def _next_milestone(s: ShipmentStatus) -> tuple[int, str]:
    """(leg index, DCSA code) of the movement the carriers report next."""
    leg = min(s.current_leg, len(s.legs) - 1)
    if s.leg_phase == 0:
        return leg, "DEPA"
    if s.leg_phase == 1:
        return leg, "ARRI"
    return (leg + 1, "DEPA") if leg + 1 < len(s.legs) else (leg, "DROP")


def _set(address: str | None) -> bool:
    return bool(address) and int(address, 16) != 0
