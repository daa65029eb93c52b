"""`tradelane book` (a carrier confirms its leg) and `tradelane receiver` (the seller's payee).

A carrier's milestones move money only once it confirmed its booking of that leg: directly
on a running shipment, or as a signed booking file for an offer or amendment that rides in
the transaction accepting or sending it (or that anyone relays later).
"""

from __future__ import annotations

import click

from .. import agreement, intents
from ..client import Tradelane
from ..errors import InputError
from ..model import State
from ..parties import AddressBook
from .app import cli
from .files import load_here, write_doc
from .options import (
    account_option,
    err_console,
    json_option,
    open_client,
    out,
    print_json,
    rpc_option,
    signer,
    spinner,
    tx_row,
)
from .render import party
from .terms import legs_table, party_address, same_address


@cli.command()
@click.argument("target", metavar="SHIPMENT|FILE")
@click.option("--leg", type=int, default=None, help="Which leg [default: your leg(s)].")
@click.option(
    "--output",
    "-o",
    default=None,
    metavar="FILE",
    help="For an offer or amendment FILE: where to write your signed booking ('-' = stdout).",
)
@click.option(
    "--relay",
    "relayed",
    multiple=True,
    metavar="BOOKING",
    help="Send carriers' signed booking files for SHIPMENT (anyone may); repeatable.",
)
@rpc_option
@account_option("carrier1", "confirms (the leg's carrier)")
@json_option
def book(
    target: str,
    leg: int | None,
    output: str | None,
    relayed: tuple[str, ...],
    rpc: str | None,
    account: str,
    as_json: bool,
) -> None:
    """Confirm your booking of a leg: on a shipment directly, or signed into a file for an
    offer or amendment (it rides in the transaction that accepts or sends it).

    Until a leg's carrier confirmed it, its milestones release nothing. Re-running on a
    leg already confirmed sends nothing.

    \b
    Example:
      tradelane book 7 --leg 1 --account meridian.json
      tradelane book offer.json --leg 1 -o leg1.json --account meridian.json
      tradelane book 7 --relay leg2.json
    """
    tl = open_client(rpc)
    if target.isdigit():
        if output:
            raise InputError("--output is for booking an offer or amendment FILE, not a shipment")
        if relayed:
            _relay(tl, int(target), relayed, account, as_json)
        else:
            _confirm(tl, int(target), leg, account, as_json)
        return
    if relayed:
        raise InputError("--relay sends bookings for a SHIPMENT id, not for a file")
    if not output:
        raise InputError(f"give -o FILE for your signed booking of {target} (or '-' for stdout)")
    _sign(tl, target, leg, output, account, as_json)


def _your_legs(carriers: list[str], address: str, leg: int | None, what: str, first: int = 0):
    """The legs of `carriers` (from index `first`) this carrier confirms; one clear line if none."""
    book = AddressBook.load()
    if leg is not None:
        if not first <= leg < len(carriers):
            raise InputError(f"--leg {leg}: {what} has legs {first}..{len(carriers) - 1} to book")
        if not same_address(carriers[leg], address):
            raise InputError(
                f"leg {leg} of {what} is carried by {party(carriers[leg], book)} "
                f"({carriers[leg]}), not by you ({address}): only a leg's carrier confirms it"
            )
        return [leg]
    mine = [i for i in range(first, len(carriers)) if same_address(carriers[i], address)]
    if not mine:
        raise InputError(f"you ({address}) carry no leg of {what}; check --account")
    return mine


def _confirm(tl: Tradelane, sid: int, leg: int | None, account: str, as_json: bool) -> None:
    acct = signer(tl.chain, account, role="carrier")
    v = tl.view(sid)
    carriers = [str(x[3]) for x in v["legs"]]
    legs = _your_legs(carriers, acct.address, leg, f"shipment {sid}")
    rows, already = [], []
    # what is booked: these legs of the route in force (a re-run after an amendment is new)
    intents.refine(legs, "0x" + bytes(v["routeHash"]).hex())
    for i in legs:
        if v["confirmedLegs"] >> i & 1:
            already.append(i)
            continue
        with spinner(f"confirming leg {i}…", quiet=as_json):
            rows.append(tx_row(f"confirm booking of leg {i}", tl.confirm_booking(acct, sid, i)))
    if as_json:
        print_json(
            {"shipment_id": sid, "legs": legs, "already_confirmed": already, "transactions": rows}
        )
        return
    for row in rows:
        out().print(f"{row['step']} of shipment {sid} (block {row['block']}, tx {row['tx']})")
    for i in already:
        out().print(f"leg {i} of shipment {sid} is already confirmed; nothing sent")


def _sign(tl: Tradelane, path: str, leg: int | None, output: str, account: str, as_json: bool):
    formats = (agreement.OFFER_FORMAT, agreement.AMENDMENT_FORMAT)
    document = load_here(tl, path, formats, "offer or amendment")
    if document["format"] == agreement.OFFER_FORMAT:
        route, first = agreement.legs_from_json(document["terms"]["legs"]), 0
        what = f"offer {path}"
    else:
        first = int(document["from_leg"])
        old = agreement.legs_from_json(document["old_legs"])
        route = old[:first] + agreement.legs_from_json(document["legs"])
        what = f"amendment {path}"
    acct = signer(tl.chain, account, role="carrier")
    legs = _your_legs([x[3] for x in route], acct.address, leg, what, first)
    if len(legs) > 1:
        raise InputError(f"you carry legs {legs} of {what}: sign one per file with --leg N")
    booking = tl.sign_booking(acct, document, legs[0])
    if output != "-" and not as_json:
        err_console().print(
            legs_table(
                route[legs[0] : legs[0] + 1],
                AddressBook.load(),
                f"you confirm leg {legs[0]} of {what}",
                legs[0],
            )
        )
    where = write_doc(booking, output, "booking")
    if as_json and output != "-":
        print_json({"file": where, "leg": legs[0], "agreement": booking["agreement"]})
    elif output != "-":
        out().print(f"booking of leg {legs[0]} written to {where}; send it to whoever sends {what}")


def _relay(tl: Tradelane, sid: int, files: tuple[str, ...], account: str, as_json: bool) -> None:
    bookings = [load_here(tl, f, agreement.BOOKING_FORMAT, "booking") for f in files]
    acct = signer(tl.chain, account)
    v = tl.view(sid)
    todo = [b for b in bookings if not v["confirmedLegs"] >> int(b["leg"]) & 1]
    row = None
    if todo:
        intents.refine(sorted((b["agreement"], int(b["leg"])) for b in todo))
        with spinner("relaying bookings…", quiet=as_json):
            row = tx_row("relay bookings", tl.relay_bookings(acct, sid, todo))
    legs = sorted(int(b["leg"]) for b in todo)
    if as_json:
        print_json({"shipment_id": sid, "legs": legs, "transaction": row})
    elif row:
        out().print(f"bookings of legs {legs} of shipment {sid} sent (tx {row['tx']})")
    else:
        out().print(f"every leg in those bookings of shipment {sid} is already confirmed")


@cli.command()
@click.argument("shipment_id", metavar="SHIPMENT", type=int)
@click.argument("who", metavar="ADDRESS|NAME")
@rpc_option
@account_option("seller", "names the receiver (the seller)")
@json_option
def receiver(shipment_id: int, who: str, rpc: str | None, account: str, as_json: bool) -> None:
    """Seller names who receives its payouts of SHIPMENT (ADDRESS, a book name, or 'seller').

    Never the contract, the arbiter or a carrier of the shipment, and not while disputed.

    \b
    Example:
      tradelane receiver 7 "Acme Export Treasury" --account seller.json
    """
    tl = open_client(rpc)
    book = AddressBook.load()
    acct = signer(tl.chain, account, role="seller")
    v = tl.view(shipment_id)
    to = v["seller"] if who == "seller" else party_address(tl.chain, book, who, "receiver")
    if v["seller"] != acct.address:
        raise InputError(
            f"only the seller {party(v['seller'], book)} names the receiver of shipment "
            f"{shipment_id}; you are {acct.address}"
        )
    _check_receiver(tl, shipment_id, v, to, book)
    row = None
    if not same_address(v["receiver"], to):
        intents.refine(v["receiver"])  # from what it was: A → B → A again is a new change
        with spinner("setting the receiver…", quiet=as_json):
            row = tx_row("set receiver", tl.set_receiver(acct, shipment_id, to))
    if as_json:
        print_json({"shipment_id": shipment_id, "receiver": to, "transaction": row})
    elif row:
        out().print(
            f"payouts of shipment {shipment_id} now go to {party(to, book)} (tx {row['tx']})"
        )
    else:
        out().print(
            f"payouts of shipment {shipment_id} already go to {party(to, book)}; nothing sent"
        )


def _check_receiver(tl: Tradelane, sid: int, v: dict, to: str, book: AddressBook) -> None:
    state = State(v["state"])
    if state == State.DISPUTED or state.final:
        raise InputError(
            f"shipment {sid} is {state.label}: its receiver can no longer change"
            + (" until the arbiter decides" if state == State.DISPUTED else "")
        )
    if same_address(to, tl.address):
        raise InputError(f"{to} is the Tradelane contract itself: payouts to it would be locked")
    if same_address(to, v["arbiter"]):
        raise InputError(f"{party(to, book)} is the shipment's arbiter, who is never a payee")
    for i, leg in enumerate(v["legs"]):
        if same_address(to, leg[3]):
            raise InputError(f"{party(to, book)} carries leg {i} of shipment {sid}: not a receiver")
