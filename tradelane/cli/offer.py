"""The offer flow, one key per party: `tradelane offer make|inspect|revoke`, `offers`, `accept`.

The seller (or its operator) signs an EIP-712 offer — every term and the route — into a
file; the buyer reads it against the chain and its own address book, and accepts it by
funding it, in one transaction that opens the shipment, commits the route and confirms
the carriers' bookings that ride along. Nothing else passes between them.
"""

from __future__ import annotations

from typing import NamedTuple

import click
from rich.table import Table

from .. import agreement, intents
from ..client import ETH
from ..errors import InputError
from ..model import Tranche
from ..parties import AddressBook
from .app import cli
from .files import check_target, load_here, output_option, write_doc
from .madeoffers import made, next_nonce, remember
from .options import (
    account_option,
    err_console,
    format_amount,
    json_option,
    open_client,
    out,
    parse_amount,
    parse_duration,
    parse_time,
    print_json,
    rpc_option,
    signer,
    spinner,
    tx_row,
    when,
)
from .render import party
from .route import routing_options
from .terms import (
    carriers_for,
    check_roles,
    legs_table,
    party_address,
    propose_route,
)

WEEK = 7 * 86_400


@cli.group()
def offer() -> None:
    """Offers: the seller signs the terms and the route; the buyer inspects and accepts.

    \b
    Example:
      tradelane offer make CNSHA DEDUI --amount 2 --arbiter "Lisbon Trade Arbitration" \\
          --buyer "Acme Imports" -o offer.json --account seller.json
      tradelane offer inspect offer.json --account buyer.json
      tradelane accept offer.json --account buyer.json
    """


# -- seller: make --------------------------------------------------------------------------


@offer.command("make")
@click.argument("origin")
@click.argument("destination")
@routing_options
@click.option("--pick", type=int, default=1, show_default=True, help="Which alternative to offer.")
@click.option("--amount", required=True, help="Price held in escrow, in token units (1.5).")
@click.option("--token", default="ETH", show_default=True, help="ETH or an ERC-20 address.")
@click.option("--buyer", default=None, help="Only this buyer may accept: address or book name.")
@click.option("--arbiter", required=True, help="The arbiter both agree on: address or book name.")
@click.option(
    "--tranche",
    "tranches",
    multiple=True,
    metavar="CODE:LEG:BPS",
    help="Release BPS of the price at DEPA/ARRI of a leg (LEG may be 'last'); repeatable.",
)
@click.option(
    "--carrier",
    "carrier_map",
    multiple=True,
    metavar="NAME=ADDRESS",
    help="Address of a route carrier (else the address book entry of that name); repeatable.",
)
@click.option("--valid-for", default="7d", show_default=True, help="How long the offer stands.")
@click.option(
    "--on-behalf-of", default=None, metavar="SELLER", help="Sign as SELLER's authorised operator."
)
@output_option("offer")
@rpc_option
@account_option("seller", "signs the offer (the seller, or its operator)")
@json_option
def make(
    origin: str,
    destination: str,
    pick: int,
    amount: str,
    token: str,
    buyer: str | None,
    arbiter: str,
    tranches: tuple[str, ...],
    carrier_map: tuple[str, ...],
    valid_for: str,
    on_behalf_of: str | None,
    output: str,
    rpc: str | None,
    account: str,
    as_json: bool,
    **routing_opts,
) -> None:
    """Propose a route and sign an offer for it into a file (nothing is sent).

    The offer binds every term that moves money: price and token, destination,
    deadline (--deadline, else the last planned arrival plus 7 days), the arbiter,
    the tranches and each leg with its carrier. Carriers are taken from your
    address book by the name routing gives them, or from --carrier.

    \b
    Example:
      tradelane offer make CNSHA DEDUI --amount 2 --tranche DEPA:1:3000 \\
          --arbiter "Lisbon Trade Arbitration" --buyer "Acme Imports" -o offer.json
    """
    check_target(output, "offer")
    parsed_tranches = _parse_tranches(tranches)
    validity = parse_duration(valid_for, "--valid-for")
    book = AddressBook.load()
    tl = open_client(rpc)
    chain = tl.chain
    deadline_opt = routing_opts.get("deadline")
    deadline = parse_time(deadline_opt, chain.now()) if deadline_opt else None
    acct = signer(chain, account, role="seller")
    parties = _parties(chain, book, acct.address, on_behalf_of, buyer, arbiter, token)
    symbol, decimals = tl.token_info(parties.token)
    price = parse_amount(amount, decimals)
    quiet = as_json or output == "-"
    check_roles(book, parties.roles, [])  # before the slow part: the parties themselves
    with spinner("proposing routes…", quiet=quiet):
        route, alternatives = propose_route(chain, origin, destination, pick, **routing_opts)
    from routing.encode import encode_route

    encoded = encode_route(route, carriers_for(chain, book, route, carrier_map))
    carriers = [leg[3] for leg in encoded.legs]
    check_roles(book, parties.roles, carriers)
    deadline = _check_terms(encoded.legs, parsed_tranches, tranches, deadline)
    if not quiet:
        err_console().print(alternatives)
    document = tl.make_offer(
        acct,
        encoded,
        amount=price,
        deadline=deadline,
        arbiter=parties.arbiter,
        buyer=parties.buyer,
        token=parties.token,
        tranches=parsed_tranches,
        valid_for=validity,
        nonce=next_nonce(tl, parties.seller or acct.address),
        on_behalf_of=parties.seller,
    )
    # Unsigned hints: what the seller's own book calls each party. The buyer sees them only
    # as the seller's claim next to an address its own book does not know.
    named = {a for a in [*carriers, *parties.roles.values()] if a}
    document["names"] = {a: book.label(a) for a in sorted(named) if book.get(a)}
    remember(document)
    where = write_doc(document, output, "offer")
    if as_json and output != "-":
        print_json(_summary(document, where, parties, price, deadline))
    elif output != "-":
        err_console().print(legs_table(encoded.legs, book, "the route you offer"))
        price_text = format_amount(price, decimals, symbol)
        out().print(_written(document, where, price_text, route, party(parties.arbiter, book)))


class _Parties(NamedTuple):
    """The addresses an offer names, from the command line and the seller's address book."""

    seller: str | None  # with --on-behalf-of; else the signer is the seller
    signer: str
    buyer: str | None
    arbiter: str
    token: str

    @property
    def roles(self) -> dict[str, str | None]:
        return {
            "seller": self.seller or self.signer,
            "signer": self.signer,
            "buyer": self.buyer,
            "arbiter": self.arbiter,
        }


def _parties(chain, book, signer_address, on_behalf_of, buyer, arbiter, token) -> _Parties:
    seller = party_address(chain, book, on_behalf_of, "--on-behalf-of") if on_behalf_of else None
    buyer_address = party_address(chain, book, buyer, "--buyer") if buyer else None
    arbiter_address = party_address(chain, book, arbiter, "--arbiter")
    token_address = ETH if token.upper() == "ETH" else party_address(chain, book, token, "--token")
    return _Parties(seller, signer_address, buyer_address, arbiter_address, token_address)


def _parse_tranches(tranches: tuple[str, ...]) -> list[Tranche]:
    parsed = [Tranche.parse(t) for t in tranches]
    if sum(t.bps for t in parsed) > 10_000:
        raise InputError(f"the tranches {', '.join(tranches)} add up to more than 100 %")
    return parsed


def _check_terms(legs, parsed: list[Tranche], tranches: tuple[str, ...], deadline) -> int:
    """Refuse a tranche on a leg the route lacks; the deadline (default: a week after the last
    planned arrival), refused if it comes before that arrival."""
    for t, text in zip(parsed, tranches, strict=True):
        if t.leg != 255 and t.leg >= len(legs):
            raise InputError(
                f"tranche '{text}' is on leg {t.leg}, but the route has legs 0..{len(legs) - 1}"
            )
    deadline = deadline or legs[-1][5] + WEEK
    if deadline <= legs[-1][5]:
        raise InputError(
            f"deadline {when(deadline)} is before the route's last planned arrival "
            f"{when(legs[-1][5])}; give a later --deadline"
        )
    return deadline


def _written(document: dict, where, price: str, route, arbiter: str) -> str:
    terms = document["terms"]
    return (
        f"offer {document['digest'][:18]}… written to {where}: "
        f"{price} for {route.origin} → {route.destination}, "
        f"deadline {when(terms['deadline'])}, arbiter {arbiter}, "
        f"valid until {when(terms['expiry'])}. Send it to the buyer"
        + (" and to the carriers to confirm their legs (tradelane book)" if terms["legs"] else "")
    )


def _summary(document: dict, where, parties: _Parties, price: int, deadline: int) -> dict:
    return {
        "digest": document["digest"],
        "file": where,
        "seller": document["terms"]["seller"],
        "buyer": parties.buyer,
        "amount": str(price),
        "token": parties.token,
        "deadline": deadline,
        "expiry": document["terms"]["expiry"],
        "legs": len(document["terms"]["legs"]),
    }


# -- seller: revoke, list ---------------------------------------------------------------------


@offer.command("revoke")
@click.argument("file", metavar="FILE")
@rpc_option
@account_option("seller", "revokes (the seller, or its operator)")
@json_option
def revoke(file: str, rpc: str | None, account: str, as_json: bool) -> None:
    """Withdraw an offer nobody accepted yet: it can never be accepted afterwards.

    \b
    Example:
      tradelane offer revoke offer.json --account seller.json
    """
    tl = open_client(rpc)
    document = load_here(tl, file, agreement.OFFER_FORMAT, "offer")
    acct = signer(tl.chain, account, role="seller")
    status, sid = tl.offer_status(document)
    if status == "accepted":
        raise InputError(
            f"offer {file} was already accepted (shipment {sid}); it cannot be revoked"
        )
    row = None
    if status != "revoked":
        intents.refine(document["digest"])
        with spinner("revoking…", quiet=as_json):
            row = tx_row("revoke offer", tl.revoke_offer(acct, document))
    if as_json:
        print_json({"digest": document["digest"], "already_done": row is None, "transaction": row})
    elif row:
        out().print(
            f"offer {document['digest'][:18]}… revoked (block {row['block']}, tx {row['tx']})"
        )
    else:
        out().print(f"offer {document['digest'][:18]}… was already revoked; nothing sent")


@cli.command()
@click.option("--party", default=None, help="Seller whose accepted offers to list (address/name).")
@rpc_option
@json_option
def offers(party: str | None, rpc: str | None, as_json: bool) -> None:
    """The offers made from this home and what became of them, read from the chain.

    Lists every offer `tradelane offer make` wrote here (open, accepted as which
    shipment, revoked, expired), and any other accepted offer of --party.

    \b
    Example:
      tradelane offers
      tradelane offers --party 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC --json
    """
    tl = open_client(rpc)
    book = AddressBook.load()
    here = [
        d
        for d in made()
        if d.get("chain_id") == tl.chain.chain_id and d.get("contract") == tl.address
    ]
    rows = []
    for d in here:
        status, sid = tl.offer_status(d)
        rows.append(_offer_row(d["digest"], d["terms"], status, sid))
    sellers = {d["terms"]["seller"] for d in here}
    if party:
        sellers.add(party_address(tl.chain, book, party, "--party"))
    known = {r["digest"] for r in rows}
    for seller in sorted(sellers):
        for a in tl.offers_accepted(seller):
            if a["digest"] not in known:
                terms = {**a, "seller": seller, "amount": str(a["amount"]), "expiry": None}
                rows.append(_offer_row(a["digest"], terms, "accepted", a["shipment_id"]))
    if as_json:
        print_json(rows)
        return
    if not rows:
        out().print("no offers made from this home; make one with `tradelane offer make`")
        return
    table = Table(title="offers", title_justify="left")
    for col in ("offer", "seller", "buyer", "price", "to", "deadline", "status"):
        table.add_column(col)
    for r in rows:
        symbol, decimals = tl.token_info(r["token"])
        status = r["status"] + (f" → shipment {r['shipment_id']}" if r["shipment_id"] else "")
        table.add_row(
            r["digest"][:12] + "…",
            party(r["seller"], book),
            party(r["buyer"], book) if r["buyer"] else "anyone",
            format_amount(int(r["amount"]), decimals, symbol),
            r["destination"],
            when(r["deadline"]),
            status,
        )
    out().print(table)


def _offer_row(digest: str, terms: dict, status: str, sid: int | None) -> dict:
    return {
        "digest": digest,
        "seller": terms["seller"],
        "buyer": terms.get("buyer"),
        "token": terms["token"],
        "amount": str(terms["amount"]),
        "destination": terms["destination"],
        "deadline": int(terms["deadline"]),
        "expiry": terms.get("expiry"),
        "status": status,
        "shipment_id": sid,
    }
