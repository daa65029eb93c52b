"""Settlement: confirm, finalize, refund, cancel, dispute, resolve, settle, withdraw.

Each command is safe to re-run: when the shipment is already in the state the action
leads to, nothing is sent and the command says so (how they run: `tradelane/cli/settling.py`).
"""

from __future__ import annotations

import click
from web3.logs import DISCARD

from ..client import ETH, Tradelane
from ..model import State
from .app import cli
from .options import (
    account_option,
    format_amount,
    json_option,
    open_client,
    out,
    print_json,
    rpc_option,
    signer,
    tx_row,
)
from .settling import act, confirm_preview, money, to_buyer_amount, withdrawal

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
    act(
        shipment_id,
        rpc,
        account,
        as_json,
        "confirm delivery",
        State.COMPLETED,
        lambda tl, a: tl.confirm(a, shipment_id),
        confirm_preview,
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
    act(
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
    act(
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
    act(
        shipment_id,
        rpc,
        account,
        as_json,
        "cancel",
        State.REFUNDED,
        lambda tl, a: tl.cancel(a, shipment_id),
        lambda tl, v: (f"cancelling returns {money(tl, v, v['held'])} to the buyer", None),
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
    act(
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

    def preview(tl: Tradelane, v: dict) -> tuple[str, None]:
        amount = to_buyer_amount(to_buyer, tl, v)
        return (
            f"resolving gives {money(tl, v, amount)} to the buyer and "
            f"{money(tl, v, v['held'] - amount)} to the seller",
            None,
        )

    def send(tl: Tradelane, acct) -> dict:
        return tl.resolve(acct, shipment_id, to_buyer_amount(to_buyer, tl, tl.view(shipment_id)))

    act(shipment_id, rpc, account, as_json, "resolve dispute", State.RESOLVED, send, preview, yes)


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
    act(
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
    credit = tl.credit(acct.address, token_address)
    receipt = withdrawal(tl, acct, token_address, destination, credit, yes=yes, as_json=as_json)
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
    symbol, decimals = tl.token_info(token_address)
    by = "; by an earlier run of this command, nothing sent now" if row["earlier_run"] else ""
    out().print(
        f"withdrew {format_amount(moved, decimals, symbol)} to {destination} "
        f"(block {row['block']}, gas {row['gas']:,}, tx {row['tx']}{by})"
    )
