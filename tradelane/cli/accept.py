"""The buyer's side of an offer: `tradelane offer inspect` and `tradelane accept`.

The buyer reads every signed term against the chain and its OWN address book (the names a
seller attaches are shown only as the seller's claim), then funds the offer: one transaction
opens the shipment, commits the agreed route and confirms the carriers' bookings given.
"""

from __future__ import annotations

import sys

import click
from rich.table import Table
from rich.text import Text

from .. import agreement, intents
from ..client import Tradelane
from ..errors import InputError
from ..parties import UNKNOWN, AddressBook
from .app import cli
from .files import load_here
from .offer import offer
from .options import (
    account_option,
    ask,
    err_console,
    format_amount,
    json_option,
    open_client,
    out,
    print_json,
    rpc_option,
    signer,
    spinner,
    tx_row,
    when,
)
from .render import party, tx_table
from .terms import check_roles, legs_table, own_address, same_address

BOOKING = click.option(
    "--booking",
    "bookings",
    multiple=True,
    metavar="FILE",
    help="A carrier's signed booking of a leg (tradelane book OFFER -o FILE); repeatable.",
)


@offer.command("inspect")
@click.argument("file", metavar="FILE")
@BOOKING
@click.option(
    "--account",
    "-a",
    default=None,
    metavar="NAME|KEYSTORE",
    help="Inspect as this buyer (gas estimate, buyer-only offers); nothing is signed.",
)
@rpc_option
@json_option
def inspect(
    file: str, bookings: tuple[str, ...], account: str | None, rpc: str | None, as_json: bool
) -> None:
    """Read an offer against the chain: route, carriers by name, arbiter, tranches, deadline,
    price and gas per step, and every problem found. Exits 1 if it cannot be accepted.

    \b
    Example:
      tradelane offer inspect offer.json --account buyer.json --booking leg0.json
    """
    tl = open_client(rpc)
    book = AddressBook.load()
    document, _extra = _with_bookings(tl, file, bookings)
    buyer = own_address(tl.chain, book, account) if account else None
    report = tl.inspect_offer(document, buyer=buyer)
    problems = list(report.problems) + _role_problems(book, report.terms, report.legs, buyer)
    if as_json:
        print_json({**report.to_json(), "problems": problems, "acceptable": _ok(report, problems)})
    else:
        out().print(offer_view(tl, book, report, problems, buyer))
    if not _ok(report, problems):
        sys.exit(1)


def _with_bookings(tl: Tradelane, file: str, bookings: tuple[str, ...]) -> tuple[dict, list]:
    """The offer with the bookings given on the command line added, and those bookings."""
    document = load_here(tl, file, agreement.OFFER_FORMAT, "offer")
    extra = [_load_booking(tl, b, document) for b in bookings]
    return {**document, "bookings": list(document.get("bookings", [])) + extra}, extra


def _ok(report, problems: list[str]) -> bool:
    return report.status == "open" and not problems


def _role_problems(book: AddressBook, terms: dict, legs, buyer: str | None) -> list[str]:
    """What the buyer's side adds to the client's checks: the arbiter is nobody else."""
    roles = {
        "seller": terms["seller"],
        "buyer": buyer or terms["buyer"],
        "arbiter": terms["arbiter"],
    }
    try:
        check_roles(book, roles, [])
    except InputError as err:
        return [str(err)]
    return []


def offer_view(tl: Tradelane, book: AddressBook, report, problems: list[str], me=None):
    """The offer as the buyer reads it: terms, route, unknown parties, gas, problems, verdict."""
    from rich.console import Group

    notes: dict[str, str] = {}
    who = _namer(book, me, report.document.get("names") or {}, notes)
    terms = _terms_table(tl, report, who)
    legs = legs_table(report.legs, book, "route (named by YOUR address book)", name=who)
    parts = [terms, legs, *(Text(n, "yellow") for n in notes.values()), _gas_table(report)]
    parts += [Text(f"✗ {p}", "bold red") for p in problems]
    parts.append(
        Text("acceptable: yes — `tradelane accept FILE` funds it", "bold green")
        if _ok(report, problems)
        else Text("acceptable: NO", "bold red")
    )
    return Group(*parts)


def _namer(book: AddressBook, me: str | None, hints, notes: dict[str, str]):
    """How the view names an address: "you", the buyer's own label, or unknown — noting in
    `notes` what the seller calls an address the buyer's book does not know."""

    def who(address: str | None) -> str:
        if not address:
            return "anyone"
        if me and same_address(address, me):
            return f"you ({address[:6]}…{address[-4:]})"
        label = party(address, book)
        if label.startswith(UNKNOWN):
            claim = hints.get(address) if isinstance(hints, dict) else None
            said = f"; the seller calls it {claim!r}" if claim else ""
            notes[address] = f"{UNKNOWN} {address} is not in your address book{said}"
        return label

    return who


def _terms_table(tl: Tradelane, report, who) -> Table:
    t = report.terms
    symbol, decimals = tl.token_info(t["token"])
    status = {
        "open": "OPEN",
        "accepted": f"ACCEPTED as shipment {report.shipment_id}",
        "revoked": "REVOKED by the seller",
        "expired": "EXPIRED",
    }[report.status]
    terms = Table(
        title=f"offer {report.digest[:18]}…  {status}", title_justify="left", show_header=False
    )
    terms.add_column("term")
    terms.add_column("value")
    rows = [
        ("seller", who(t["seller"])),
        ("signed by", f"{who(report.signer)} as {report.signer_role}"),
        ("buyer", who(t["buyer"])),
        ("price", format_amount(int(t["amount"]), decimals, symbol) + f" (token {t['token']})"),
        ("destination", t["destination"]),
        ("deadline", f"{when(t['deadline'])} UTC (undelivered after it: refundable)"),
        ("grace period", f"{int(t['grace_period']) / 86_400:g} days after delivery"),
        ("arbiter", who(t["arbiter"])),
        ("tranches", _tranches(t["tranches"]) or "none: everything on delivery"),
        ("offer valid until", f"{when(t['expiry'])} UTC"),
        ("carriers booked", ", ".join(f"leg {i}" for i in report.booked_legs) or "none yet"),
    ]
    for row in rows:
        terms.add_row(*row)
    return terms


def _gas_table(report) -> Table:
    gas = Table(title="gas per step", title_justify="left")
    for col in ("step", "gas", "how known"):
        gas.add_column(col, justify="right" if col == "gas" else "left")
    for step, value in report.gas.items():
        gas.add_row(
            step.replace("_", " "),
            f"{value:,}",
            "estimated now" if step in report.gas_estimated else "typical",
        )
    gas.add_section()
    gas.add_row("total", f"{sum(report.gas.values()):,}", "")
    return gas


def _tranches(tranches: list[dict]) -> str:
    def leg(n: int) -> str:
        return "the last leg" if int(n) == 255 else f"leg {n}"

    return ", ".join(
        f"{int(t['bps']) / 100:g}% at {t['code']} of {leg(t['leg'])}" for t in tranches
    )


@cli.command()
@click.argument("file", metavar="FILE")
@BOOKING
@click.option("--yes", is_flag=True, help="Do not ask before paying (asked only on a terminal).")
@rpc_option
@account_option("buyer", "accepts and pays (the buyer)")
@json_option
def accept(
    file: str, bookings: tuple[str, ...], yes: bool, rpc: str | None, account: str, as_json: bool
) -> None:
    """Accept an offer by funding it: one transaction opens the shipment, commits the agreed
    route and confirms the carriers' bookings given. Prints the shipment id.

    Refused, with nothing sent, if the offer expired, was revoked, is used, is for another
    chain or buyer, or its signature or parties do not hold up (see `tradelane offer inspect`).
    Re-running after success sends nothing and prints the same id.

    \b
    Example:
      tradelane accept offer.json --account buyer.json --booking leg0.json --booking leg1.json
    """
    tl = open_client(rpc)
    book = AddressBook.load()
    document, extra = _with_bookings(tl, file, bookings)
    acct = signer(tl.chain, account, role="buyer")
    report = tl.inspect_offer(document, buyer=acct.address)
    t = report.terms
    if report.status == "accepted":
        sid = report.shipment_id
        if tl.view(sid)["buyer"] != acct.address:
            raise InputError(f"offer {file} was already accepted by another buyer (shipment {sid})")
        _accepted(
            sid, None, as_json, f"offer {file} is already accepted as shipment {sid}; nothing sent"
        )
        return
    if report.status == "revoked":
        raise InputError(f"offer {file} was revoked by the seller; ask for a new one")
    if report.status == "expired":
        raise InputError(f"offer {file} expired on {when(int(t['expiry']))} UTC; ask for a new one")
    problems = list(report.problems) + _role_problems(book, t, report.legs, acct.address)
    if problems:
        more = f" (and {len(problems) - 1} more: tradelane offer inspect {file})"
        raise InputError(
            f"offer {file} refused: {problems[0]}" + (more if len(problems) > 1 else "")
        )
    symbol, decimals = tl.token_info(t["token"])
    price = format_amount(int(t["amount"]), decimals, symbol)
    if not yes and sys.stdin.isatty() and not as_json:
        err_console().print(offer_view(tl, book, report, [], acct.address))
    ask(
        f"pay {price} into escrow for shipment to {t['destination']}, as {acct.address}",
        yes=yes,
        as_json=as_json,
    )
    intents.refine(document["digest"])  # the offer itself, not the file name, is the intent
    with spinner("accepting the offer…", quiet=as_json):
        sid = tl.accept_offer(acct, document)
    row = {
        **tx_row("accept offer (open + fund + route + bookings)", tl.last_receipt),
        "by": "buyer",
    }
    _accepted(
        sid,
        row,
        as_json,
        f"shipment {sid}: {price} in escrow, route to "
        f"{t['destination']} agreed, deadline {when(int(t['deadline']))} UTC, "
        f"{len(report.booked_legs)} of {len(report.legs)} legs booked",
    )


def _accepted(sid: int, row: dict | None, as_json: bool, message: str) -> None:
    if as_json:
        print_json({"shipment_id": sid, "already_done": row is None, "transaction": row})
        return
    console = err_console()
    if row:
        console.print(tx_table([row]))
    console.print(message)
    click.echo(sid)


def _load_booking(tl: Tradelane, path: str, document: dict) -> dict:
    booking = load_here(tl, path, agreement.BOOKING_FORMAT, "booking")
    if booking["agreement"].lower() != document["digest"].lower():
        raise InputError(
            f"booking {path} confirms agreement {booking['agreement'][:18]}…, not this offer "
            f"{document['digest'][:18]}…; ask the carrier to book this offer"
        )
    return booking
