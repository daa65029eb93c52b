"""Settlement: confirm, finalize, refund, cancel, dispute, resolve, settle, withdraw.

Each command is safe to re-run: when the shipment is already in the state the action
leads to, nothing is sent and the command says so.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from ..client import ETH, Tradelane
from ..errors import InputError
from ..model import State
from .app import cli
from .options import (
    account_option,
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


def _act(
    shipment_id: int,
    rpc: str | None,
    account: str,
    as_json: bool,
    action: str,
    done: State,
    send: Callable[[Tradelane, object], dict],
) -> None:
    tl = open_client(rpc)
    acct = signer(tl.chain, account)
    before = State(tl.view(shipment_id)["state"])
    row = None
    if before != done:
        with spinner(f"{action}…", quiet=as_json):
            row = tx_row(action, send(tl, acct))
    v = tl.view(shipment_id)
    symbol, decimals = tl.token_info(v["token"])
    result = {
        "shipment_id": shipment_id,
        "action": action,
        "state": State(v["state"]).label,
        "already_done": row is None,
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
        console.print(
            f"{action}: shipment {shipment_id} is now [bold]{result['state']}[/] "
            f"(block {row['block']}, gas {row['gas']:,}, tx {row['tx']})"
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


SHIPMENT = click.argument("shipment_id", metavar="SHIPMENT", type=int)


@cli.command()
@SHIPMENT
@rpc_option
@account_option("buyer", "confirms (the buyer)")
@json_option
def confirm(shipment_id: int, rpc: str | None, account: str, as_json: bool) -> None:
    """Buyer confirms delivery: everything still held is credited to the seller.

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
@json_option
def cancel(shipment_id: int, rpc: str | None, account: str, as_json: bool) -> None:
    """Seller gives up the shipment: everything held goes back to the buyer.

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
@json_option
def resolve(shipment_id: int, to_buyer: str, rpc: str | None, account: str, as_json: bool) -> None:
    """Arbiter splits what is held: --to-buyer back to the buyer, the rest to the seller.

    \b
    Example:
      tradelane resolve 1 --to-buyer 40% --account arbiter
    """

    def send(tl: Tradelane, acct) -> dict:
        v = tl.view(shipment_id)
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
        return tl.resolve(acct, shipment_id, amount)

    _act(shipment_id, rpc, account, as_json, "resolve dispute", State.RESOLVED, send)


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
@json_option
def withdraw(
    shipment_id: int | None,
    token: str | None,
    to: str | None,
    rpc: str | None,
    account: str,
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
        token_address = ETH if token.upper() == "ETH" else tl.chain.address(token)
    elif shipment_id is not None:
        token_address = tl.view(shipment_id)["token"]
    else:
        token_address = ETH
    symbol, decimals = tl.token_info(token_address)
    credit = tl.credit(acct.address, token_address)
    if credit == 0:
        raise InputError(f"{acct.address} has nothing to withdraw in {symbol}")
    destination = tl.chain.address(to) if to else acct.address
    with spinner("withdrawing…", quiet=as_json):
        receipt = tl.withdraw(acct, token_address, destination)
    row = tx_row("withdraw", receipt)
    if as_json:
        print_json(
            {
                "payee": acct.address,
                "to": destination,
                "token": token_address,
                "amount": str(credit),
                "transaction": row,
            }
        )
        return
    out().print(
        f"withdrew {format_amount(credit, decimals, symbol)} to {destination} "
        f"(block {row['block']}, gas {row['gas']:,}, tx {row['tx']})"
    )
