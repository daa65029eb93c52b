"""How the settlement commands (`tradelane/cli/settle.py`) run, once each.

`act` is the shape every one of them shares: check the account's role and the shipment's state,
show what would move (and ask), send unless the shipment is already where the action leads, and
report the escrow afterwards. `withdrawal` sends a payee's withdrawal, or finds the one an earlier
run of the command sent. The previews and the arbiter's split are here too.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import intents
from ..client import Tradelane
from ..errors import InputError
from ..model import State
from .options import (
    ask,
    format_amount,
    open_client,
    out,
    parse_amount,
    print_json,
    signer,
    spinner,
    tx_row,
)

# The states a money-moving action needs, checked before its preview is shown.
_NEEDS = {
    "confirm delivery": (State.ROUTED, State.DELIVERED),
    "cancel": (State.OPEN, State.ROUTED, State.DELIVERED),
    "resolve dispute": (State.DISPUTED,),
}
# Who alone may take an action (the others: anyone, or the contract decides).
_ROLE = {"confirm delivery": "buyer", "cancel": "seller", "resolve dispute": "arbiter"}

Send = Callable[[Tradelane, object], dict]
Preview = Callable[[Tradelane, dict], tuple[str, str | None] | None]


def act(
    shipment_id: int,
    rpc: str | None,
    account: str,
    as_json: bool,
    action: str,
    done: State,
    send: Send,
    preview: Preview | None = None,
    yes: bool = False,
) -> None:
    """Take `action` on the shipment unless it is already `done`, then report its escrow."""
    tl = open_client(rpc)
    acct = signer(tl.chain, account)
    v = tl.view(shipment_id)
    row = None
    if State(v["state"]) != done:
        _check(tl, v, shipment_id, acct.address, action, preview, yes, as_json)
        with spinner(f"{action}…", quiet=as_json):
            row = tx_row(action, send(tl, acct))
    _report(tl, shipment_id, action, done, row, as_json)


def _check(tl, v, shipment_id, address, action, preview, yes, as_json) -> None:
    """Refuse the wrong account or state in one line; show what would move and ask."""
    before = State(v["state"])
    party = _ROLE.get(action)
    if party and v[party] != address:
        raise InputError(
            f"{address} is not the {party} of shipment {shipment_id} (the {party} is "
            f"{v[party]}); pass --account with the {party}'s account"
        )
    shown = preview(tl, v) if preview else None  # checks the user's values first
    needs = _NEEDS.get(action)
    if needs and before not in needs:
        raise InputError(
            f"shipment {shipment_id} is {before.label}; to {action} it must be "
            f"{' or '.join(s.label for s in needs)}; nothing sent"
        )
    if shown:
        ask(shown[0], yes=yes, as_json=as_json, refuse_unattended=shown[1])


def _report(tl, shipment_id: int, action: str, done: State, row, as_json: bool) -> None:
    v = tl.view(shipment_id)
    symbol, decimals = tl.token_info(v["token"])
    result = {
        "shipment_id": shipment_id,
        "action": action,
        "state": State(v["state"]).label,
        "already_done": row is None or row["earlier_run"],
        "held": str(v["held"]),
        "released": str(v["released"]),
        "refunded": str(v["refunded"]),
        "transaction": row,
    }
    if as_json:
        print_json(result)
        return
    console = out()
    if row is None:
        console.print(f"shipment {shipment_id} is already {done.label}; nothing sent")
    else:
        by = " by an earlier run of this command; nothing sent now" if row["earlier_run"] else ""
        console.print(
            f"{action}: shipment {shipment_id} is now [bold]{result['state']}[/] "
            f"(block {row['block']}, gas {row['gas']:,}, tx {row['tx']}{by})"
        )
    console.print(
        "  held "
        + format_amount(v["held"], decimals, symbol)
        + ", released "
        + format_amount(v["released"], decimals, symbol)
        + ", refunded "
        + format_amount(v["refunded"], decimals, symbol)
        + "; payees take their credit with `tradelane withdraw`"
    )


def money(tl: Tradelane, v: dict, amount: int) -> str:
    symbol, decimals = tl.token_info(v["token"])
    return format_amount(amount, decimals, symbol)


def confirm_preview(tl: Tradelane, v: dict) -> tuple[str, str | None]:
    held = money(tl, v, v["held"])
    text = f"confirming credits the {held} still held to the seller {v['seller']}"
    legs = v["legs"]
    arrived = State(v["state"]) == State.DELIVERED or (
        legs and v["currentLeg"] == len(legs) - 1 and v["legPhase"] == 2
    )
    if arrived:
        return text, None
    where = f"leg {v['currentLeg']} of {len(legs)}" if legs else "no route yet"
    warning = (
        f"the goods have not arrived: the final leg has no ARRI yet ({where}); confirming now "
        "pays the seller while the goods are still under way"
    )
    return f"{text}. Warning: {warning}", warning


def to_buyer_amount(to_buyer: str, tl: Tradelane, v: dict) -> int:
    """What `--to-buyer` (token units, base units or a share) gives back of what is held."""
    value = to_buyer.strip()
    if value.endswith("%"):
        try:
            share = float(value[:-1])
        except ValueError as err:
            raise InputError(f"--to-buyer '{to_buyer}' is not a percentage") from err
        if not 0 <= share <= 100:
            raise InputError(f"--to-buyer '{to_buyer}' must be between 0% and 100%")
        amount = v["held"] * round(share * 100) // 10_000
    elif value in ("0", "0%"):
        amount = 0
    else:
        amount = parse_amount(value, tl.token_info(v["token"])[1])
    if amount > v["held"]:
        raise InputError(
            f"--to-buyer {to_buyer} is more than the {money(tl, v, v['held'])} held; give "
            "at most that (or a share such as 40%)"
        )
    return amount


def withdrawal(tl: Tradelane, acct, token: str, to: str, credit: int, *, yes: bool, as_json: bool):
    """The receipt of the payee's withdrawal of `credit` in `token` to `to`: sent now, or the
    one an earlier run of the command sent when no credit is left."""
    symbol, decimals = tl.token_info(token)
    # The n-th withdrawal of this payee in this token is one intent: a re-run finishes it,
    # a later withdrawal of new credit is another.
    done_before = len(tl.logs("Withdrawn", payee=acct.address, token=token))
    if credit == 0:
        receipt = _earlier_withdrawal(tl, done_before - 1)
        if receipt is None:
            raise InputError(
                f"{acct.address} has nothing to withdraw in {symbol}; credit arrives when a "
                "shipment releases, refunds or settles"
            )
        return receipt
    intents.refine(done_before)
    if to != acct.address:
        ask(
            f"withdrawing {format_amount(credit, decimals, symbol)} to {to}, which "
            f"is not the payee {acct.address} itself",
            yes=yes,
            as_json=as_json,
        )
    with spinner("withdrawing…", quiet=as_json):
        return tl.withdraw(acct, token, to)


def _earlier_withdrawal(tl: Tradelane, index: int):
    """The receipt of withdrawal number `index` if an earlier run of this command sent it."""
    for step in reversed(intents.steps(tl.chain, index)):
        receipt = tl.chain.receipt_of([a["hash"] for a in step.get("attempts", [])])
        if receipt is not None and receipt["status"] == 1:
            return receipt
    return None
