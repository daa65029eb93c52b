""" "What you can do now": the contract calls open to each party in a shipment's state.

Each action carries its window (opens / closes, from the contract's own rules), the exact
`tradelane` command that sends it, and — for a browser wallet (EIP-1193, e.g. MetaMask) —
the transaction's `to` and `data`. The page only *prepares* the call: the wallet signs and
sends it, so no key ever reaches this server.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from eth_abi import encode as abi_encode
from eth_utils import function_abi_to_4byte_selector, get_abi_input_types

from ..model import ShipmentStatus, State
from .clock import relative_text, utc_text
from .money import Terms, amount_text

__all__ = ["ROLES", "Action", "actions_for"]

ROLES = ("buyer", "seller", "carrier", "arbiter")
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


@dataclass(frozen=True)
class _Facts:
    """What every rule below reads: the shipment, its terms, and the dates derived from them."""

    s: ShipmentStatus
    terms: Terms

    def money(self, amount: int) -> str:
        return amount_text(amount, self.s.token_decimals, self.s.token_symbol)

    @property
    def held(self) -> str:
        return self.money(self.s.held)

    @property
    def active(self) -> bool:
        return self.s.state in (State.OPEN, State.ROUTED)

    @property
    def grace_end(self) -> int | None:
        s = self.s
        return s.delivered_at + self.terms.grace_period if s.delivered_at else None

    @property
    def decide_by(self) -> int | None:
        s = self.s
        return s.disputed_at + self.terms.arbiter_timeout if s.disputed_at else None

    def act(self, key, title, effect, who, sender, opens, closes, why, command, function, args):
        return Action(
            key, title, effect, who, sender, opens, closes, why, command, function, args, self.s.now
        )


def actions_for(s: ShipmentStatus, role: str, terms: Terms) -> tuple[Action, ...]:
    """What `role` (buyer, seller, carrier, arbiter) can do now, or soon, on shipment `s`."""
    f = _Facts(s, terms)
    own = _ROLE_ACTIONS[role](f) if role in _ROLE_ACTIONS else []
    return tuple(own + _anyone_actions(f) + _withdraw_actions(f, role))


def _buyer_actions(f: _Facts) -> list[Action]:
    s, sid, out = f.s, f.s.shipment_id, []
    if s.state in (State.ROUTED, State.DELIVERED):
        out.append(
            f.act(
                "confirm",
                "Confirm delivery",
                f"Releases the {f.held} still held to the seller now.",
                "buyer",
                s.buyer,
                None,
                f.grace_end,
                "after that the payment is released anyway",
                _cmd("confirm", sid, "buyer"),
                "confirmDelivery",
                (sid,),
            )
        )
    if f.active:
        out.append(
            f.act(
                "refund",
                "Take your payment back",
                f"Returns the {f.held} held to you, because the goods missed the deadline.",
                "buyer",
                s.buyer,
                s.deadline + 1,
                None,
                "",
                _cmd("refund", sid, "buyer"),
                "refund",
                (sid,),
            )
        )
    return out + _dispute_action(f, "buyer")


def _seller_actions(f: _Facts) -> list[Action]:
    s, sid = f.s, f.s.shipment_id
    if not (f.active or s.state == State.DELIVERED):
        return []
    cancel = f.act(
        "cancel",
        "Cancel the shipment",
        f"Returns the {f.held} held to the buyer.",
        "seller",
        s.seller,
        None,
        None,
        "",
        _cmd("cancel", sid, "seller"),
        "cancel",
        (sid,),
    )
    return [*_dispute_action(f, "seller"), cancel]


def _dispute_action(f: _Facts, role: str) -> list[Action]:
    """Buyer or seller: freeze the payment for the arbiter, while the shipment is live."""
    s, sid = f.s, f.s.shipment_id
    if not (f.active or s.state == State.DELIVERED):
        return []
    return [
        f.act(
            "dispute",
            "Open a dispute",
            f"Freezes the {f.held} held; the arbiter then decides who gets it.",
            role,
            s.buyer if role == "buyer" else s.seller,
            None,
            f.grace_end if s.state == State.DELIVERED else None,
            "the payment is released to the seller then",
            _cmd("dispute", sid, role),
            "openDispute",
            (sid,),
        )
    ]


def _carrier_actions(f: _Facts) -> list[Action]:
    s = f.s
    if s.state != State.ROUTED or not s.legs:
        return []
    leg, code = _next_milestone(s)
    return [
        f.act(
            "milestone",
            f"Report the {CODE_WORDS[code]} of leg {leg + 1}",
            "Records it on chain, signed by the leg's carrier; any tranche due on it is released.",
            "carrier",
            s.legs[leg].carrier,
            None,
            s.next_expected_due,
            "expected by then",
            f"tradelane milestone {s.shipment_id} {code} --leg {leg} --account KEYSTORE.json",
            "recordMilestone",
            (),
        )
    ]


def _arbiter_actions(f: _Facts) -> list[Action]:
    s, sid = f.s, f.s.shipment_id
    if s.state != State.DISPUTED:
        return []
    return [
        f.act(
            "resolve",
            "Decide the dispute",
            f"Splits the {f.held} held between buyer and seller.",
            "arbiter",
            s.arbiter,
            None,
            f.decide_by,
            "after that anyone can settle it by the default rule",
            _cmd("resolve", sid, "arbiter", "--to-buyer 40%"),
            "resolveDispute",
            (sid,),
        )
    ]


_ROLE_ACTIONS = {
    "buyer": _buyer_actions,
    "seller": _seller_actions,
    "carrier": _carrier_actions,
    "arbiter": _arbiter_actions,
}


def _anyone_actions(f: _Facts) -> list[Action]:
    """Permissionless calls that end a wait: release after the grace period, default settle."""
    s, sid, out = f.s, f.s.shipment_id, []
    if s.state == State.DELIVERED and f.grace_end:
        out.append(
            f.act(
                "finalize",
                "Release the payment",
                f"Pays the {f.held} held to the seller, now the grace period is over.",
                "anyone",
                None,
                f.grace_end,
                None,
                "",
                _cmd("finalize", sid, "anyone"),
                "finalize",
                (sid,),
            )
        )
    if s.state == State.DISPUTED and f.decide_by:
        default = "the seller" if s.delivered_at else "the buyer"
        out.append(
            f.act(
                "settle",
                "Settle the dispute by the default rule",
                f"If the arbiter has not decided by then, the {f.held} held goes to {default}.",
                "anyone",
                None,
                f.decide_by,
                None,
                "",
                _cmd("settle", sid, "anyone"),
                "settleDispute",
                (sid,),
            )
        )
    return out


def _withdraw_actions(f: _Facts, role: str) -> list[Action]:
    """Buyer or seller: take out a credit the contract holds for them."""
    s, terms = f.s, f.terms
    credit = {
        "buyer": terms.buyer_credit if s.refunded else 0,
        "seller": terms.payee_credit if s.released else 0,
    }.get(role, 0)
    if not credit:
        return []
    payee = s.buyer if role == "buyer" else (s.receiver if _set(s.receiver) else s.seller)
    return [
        f.act(
            "withdraw",
            "Withdraw your credit",
            f"Sends the {f.money(credit)} credited to you out of the contract to your account.",
            role,
            payee,
            None,
            None,
            "",
            _cmd("withdraw", s.shipment_id, role),
            "withdraw",
            (s.token, payee),
        )
    ]


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


def calldata(contract, function: str, args: tuple) -> str:
    """The 0x calldata a wallet sends for `function(*args)` on `contract`: the ABI entry is
    looked up once per function (web3's `encode_abi` matches the whole ABI on every call,
    which cost a page more than its other work)."""
    selector, types = _signature(contract, function)
    return "0x" + (selector + abi_encode(types, list(args))).hex()


@lru_cache(maxsize=64)
def _signature(contract, function: str) -> tuple[bytes, list[str]]:
    abi = contract.get_function_by_name(function).abi
    return function_abi_to_4byte_selector(abi), get_abi_input_types(abi)
