"""Settlement: confirm, finalize, refund, cancel, dispute, resolve, settle, withdraw.

Each command is safe to re-run: when the shipment is already in the state the action
leads to, nothing is sent and the command says so.
"""

from __future__ import annotations

from collections.abc import Callable

import click
from web3.logs import DISCARD

from .. import intents
from ..client import ETH, Tradelane
from ..errors import InputError
from ..model import State
from .app import cli
from .options import (
    account_option,
    ask,
    format_amount,
    json_option,
    open_client,
    out,
    parse_amount,
    print_json,
    rpc_option,
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


def _act(
    shipment_id: int,
    rpc: str | None,
    account: str,
    as_json: bool,
    action: str,
    done: State,
    send: Callable[[Tradelane, object], dict],
    preview: Callable[[Tradelane, dict], tuple[str, str | None] | None] | None = None,
    yes: bool = False,
) -> None:
    tl = open_client(rpc)
    acct = signer(tl.chain, account)
    v = tl.view(shipment_id)
    before = State(v["state"])
    row = None
    if before != done:
        role = {"confirm delivery": "buyer", "cancel": "seller", "resolve dispute": "arbiter"}
        party = role.get(action)
        if party and v[party] != acct.address:
            raise InputError(
                f"{acct.address} is not the {party} of shipment {shipment_id} (the {party} is "
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
        with spinner(f"{action}…", quiet=as_json):
            row = tx_row(action, send(tl, acct))
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


def _money(tl: Tradelane, v: dict, amount: int) -> str:
    symbol, decimals = tl.token_info(v["token"])
    return format_amount(amount, decimals, symbol)


def _confirm_preview(tl: Tradelane, v: dict) -> tuple[str, str | None]:
    held = _money(tl, v, v["held"])
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


YES = click.option("--yes", "-y", is_flag=True, help="Do not ask before moving money.")
SHIPMENT = click.argument("shipment_id", metavar="SHIPMENT", type=int)


@cli.command()
@SHIPMENT
@rpc_option
@account_option("buyer", "confirms (the buyer)")
@YES
@json_option
def confirm(shipment_id: int, rpc: str | None, account: str, yes: bool, as_json: bool) -> None:
    """Buyer confirms delivery: everything still held is credited to the seller.

    Shows what will move and asks first on a terminal. Before the final leg arrived it
    says so, and without a terminal it refuses unless --yes.

    \b
    Example:
      tradelane confirm 1 --account buyer
    """
    _act(
        shipment_id,
        rpc,
        account,
        as_json,
        "confirm delivery",
        State.COMPLETED,
        lambda tl, a: tl.confirm(a, shipment_id),
        _confirm_preview,
        yes,
    )


@cli.command()
@SHIPMENT
@rpc_option
@account_option("seller", "finalizes (anyone)")
@json_option
def finalize(shipment_id: int, rpc: str | None, account: str, as_json: bool) -> None:
    """After the buyer's grace period past delivery, release the rest to the seller.

    \b
    Example:
      tradelane finalize 1 --account seller
    """
    _act(
        shipment_id,
        rpc,
        account,
        as_json,
        "finalize",
        State.COMPLETED,
        lambda tl, a: tl.finalize(a, shipment_id),
    )


@cli.command()
@SHIPMENT
@rpc_option
@account_option("buyer", "asks for the refund (the buyer)")
@json_option
def refund(shipment_id: int, rpc: str | None, account: str, as_json: bool) -> None:
    """Buyer takes back what is held once the deadline passed without delivery.

    \b
    Example:
      tradelane refund 1 --account buyer
    """
    _act(
        shipment_id,
        rpc,
        account,
        as_json,
        "refund",
        State.REFUNDED,
        lambda tl, a: tl.refund(a, shipment_id),
    )


@cli.command()
@SHIPMENT
@rpc_option
@account_option("seller", "cancels (the seller)")
@YES
@json_option
def cancel(shipment_id: int, rpc: str | None, account: str, yes: bool, as_json: bool) -> None:
    """Seller gives up the shipment: everything held goes back to the buyer.

    Shows what will move and asks first on a terminal (--yes skips the question).

    \b
    Example:
      tradelane cancel 1 --account seller
    """
    _act(
        shipment_id,
        rpc,
        account,
        as_json,
        "cancel",
        State.REFUNDED,
        lambda tl, a: tl.cancel(a, shipment_id),
        lambda tl, v: (f"cancelling returns {_money(tl, v, v['held'])} to the buyer", None),
        yes,
    )


@cli.command()
@SHIPMENT
@rpc_option
@account_option("buyer", "opens the dispute (buyer or seller)")
@json_option
def dispute(shipment_id: int, rpc: str | None, account: str, as_json: bool) -> None:
    """Buyer or seller freezes releases and asks the arbiter to decide.

    \b
    Example:
      tradelane dispute 1 --account buyer
    """
    _act(
        shipment_id,
        rpc,
        account,
        as_json,
        "open dispute",
        State.DISPUTED,
        lambda tl, a: tl.dispute(a, shipment_id),
    )


@cli.command()
@SHIPMENT
@click.option(
    "--to-buyer",
    required=True,
    help="What goes back to the buyer: token units (0.4), base units (400wei) or a share (40%).",
)
@rpc_option
@account_option("arbiter", "decides (the arbiter)")
@YES
@json_option
def resolve(
    shipment_id: int, to_buyer: str, rpc: str | None, account: str, yes: bool, as_json: bool
) -> None:
    """Arbiter splits what is held: --to-buyer back to the buyer, the rest to the seller.

    Shows the split and asks first on a terminal (--yes skips the question).

    \b
    Example:
      tradelane resolve 1 --to-buyer 40% --account arbiter
    """

    def split(tl: Tradelane, v: dict) -> int:
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
                f"--to-buyer {to_buyer} is more than the {_money(tl, v, v['held'])} held; give "
                "at most that (or a share such as 40%)"
            )
        return amount

    def preview(tl: Tradelane, v: dict) -> tuple[str, None]:
        amount = split(tl, v)
        return (
            f"resolving gives {_money(tl, v, amount)} to the buyer and "
            f"{_money(tl, v, v['held'] - amount)} to the seller",
            None,
        )

    def send(tl: Tradelane, acct) -> dict:
        return tl.resolve(acct, shipment_id, split(tl, tl.view(shipment_id)))

    _act(shipment_id, rpc, account, as_json, "resolve dispute", State.RESOLVED, send, preview, yes)


@cli.command()
@SHIPMENT
@rpc_option
@account_option("buyer", "triggers the default rule (anyone)")
@json_option
def settle(shipment_id: int, rpc: str | None, account: str, as_json: bool) -> None:
    """After the arbiter timeout, settle a dispute by the contract's default rule.

    \b
    Example:
      tradelane settle 1
    """
    _act(
        shipment_id,
        rpc,
        account,
        as_json,
        "settle dispute",
        State.RESOLVED,
        lambda tl, a: tl.settle(a, shipment_id),
    )


@cli.command()
@click.argument("shipment_id", metavar="[SHIPMENT]", type=int, required=False)
@click.option("--token", default=None, help="ETH or an ERC-20 address [default: the shipment's].")
@click.option("--to", "to", default=None, help="Send to this address [default: the payee].")
@rpc_option
@account_option("seller", "withdraws its credit (the payee)")
@YES
@json_option
def withdraw(
    shipment_id: int | None,
    token: str | None,
    to: str | None,
    rpc: str | None,
    account: str,
    yes: bool,
    as_json: bool,
) -> None:
    """Pull the account's credit (released or refunded payments) out of the contract.

    Credit is per token, across shipments; SHIPMENT only selects its token.

    \b
    Example:
      tradelane withdraw 1 --account seller
      tradelane withdraw --token ETH --account buyer --to 0xAbc…
    """
    tl = open_client(rpc)
    acct = signer(tl.chain, account)
    if token:
        token_address = ETH if token.upper() == "ETH" else tl.chain.address(token, what="--token")
    elif shipment_id is not None:
        token_address = tl.view(shipment_id)["token"]
    else:
        token_address = ETH
    destination = tl.chain.address(to, what="--to") if to else acct.address
    symbol, decimals = tl.token_info(token_address)
    credit = tl.credit(acct.address, token_address)
    # The n-th withdrawal of this payee in this token is one intent: a re-run finishes it,
    # a later withdrawal of new credit is another.
    done_before = len(tl.logs("Withdrawn", payee=acct.address, token=token_address))
    if credit == 0:
        receipt = _earlier_withdrawal(tl, done_before - 1)
        if receipt is None:
            raise InputError(
                f"{acct.address} has nothing to withdraw in {symbol}; credit arrives when a "
                "shipment releases, refunds or settles"
            )
    else:
        intents.refine(done_before)
        if destination != acct.address:
            ask(
                f"withdrawing {format_amount(credit, decimals, symbol)} to {destination}, which "
                f"is not the payee {acct.address} itself",
                yes=yes,
                as_json=as_json,
            )
        with spinner("withdrawing…", quiet=as_json):
            receipt = tl.withdraw(acct, token_address, destination)
    (event,) = tl.contract.events.Withdrawn().process_receipt(receipt, errors=DISCARD)
    moved, destination = int(event["args"]["amount"]), event["args"]["to"]
    row = tx_row("withdraw", receipt)
    if credit == 0:
        row["earlier_run"] = True
    if as_json:
        print_json(
            {
                "payee": acct.address,
                "to": destination,
                "token": token_address,
                "amount": str(moved),
                "transaction": row,
            }
        )
        return
    by = "; by an earlier run of this command, nothing sent now" if row["earlier_run"] else ""
    out().print(
        f"withdrew {format_amount(moved, decimals, symbol)} to {destination} "
        f"(block {row['block']}, gas {row['gas']:,}, tx {row['tx']}{by})"
    )


def _earlier_withdrawal(tl: Tradelane, index: int):
    """The receipt of withdrawal number `index` if an earlier run of this command sent it."""
    for step in reversed(intents.steps(tl.chain, index)):
        receipt = tl.chain.receipt_of([a["hash"] for a in step.get("attempts", [])])
        if receipt is not None and receipt["status"] == 1:
            return receipt
    return None
