"""`tradelane ship`: propose, pick, and open an agreed shipment, in one go — a DEV SHORTCUT.

It plays every party with keys this machine holds (dev accounts): the seller signs the offer,
each carrier signs its booking, the buyer accepts and funds it (`Tradelane.open_agreed_shipment`).
Between two companies each party runs its own step with its own key (offer, accept, booking).

Re-running the same command does not open a second shipment: every transaction it sends
is journaled before it is broadcast (`tradelane.intents`), and a re-run finds the very
transaction that opened the shipment (mined, pending or dropped), adopts its shipment only
once the chain shows it is this order, and only finishes what is missing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import click
from eth_account.signers.local import LocalAccount

from .. import intents
from ..chain import Chain
from ..client import ETH, Tradelane
from ..errors import InputError, JournalError
from ..model import State, Tranche
from .app import cli
from .options import (
    account_option,
    err_console,
    format_amount,
    json_option,
    open_client,
    parse_amount,
    parse_time,
    print_json,
    rpc_option,
    signer,
    spinner,
    tx_row,
    when,
)
from .render import tx_table
from .route import routing_options
from .terms import propose_route

DEV_CARRIERS = ("carrier1", "carrier2", "carrier3")
DEV_NOTE = (
    "dev shortcut: this machine signed as seller, buyer and every carrier; between real parties "
    "each signs its own step (offer, booking, accept)"
)
WEEK = 7 * 86_400
MAX_ALTERNATIVES = 50  # what routing proposes at most


def carrier_addresses(chain: Chain, route, given: tuple[str, ...]) -> dict[str, str]:
    """Carrier name -> address: --carrier NAME=ADDRESS first, then dev carriers in order."""
    mapping: dict[str, str] = {}
    for item in given:
        name, sep, address = item.partition("=")
        if not sep or not name or not address:
            raise InputError(f"--carrier '{item}' is not NAME=ADDRESS (e.g. Maersk=0xAbc…)")
        mapping[name] = chain.address(address, what=f"--carrier {name}")
    missing = []
    for leg in route.legs:
        if leg.carrier not in mapping and leg.carrier not in missing:
            missing.append(leg.carrier)
    if missing and not chain.is_dev:
        raise InputError(
            f"no address for carrier(s) {', '.join(missing)}; map them with --carrier NAME=ADDRESS"
        )
    for i, name in enumerate(missing):
        mapping[name] = chain.address(DEV_CARRIERS[i % len(DEV_CARRIERS)])
    return mapping


# -- checks before anything slow or irreversible --------------------------------------------

ERC20_READ = [
    {
        "name": n,
        "type": "function",
        "stateMutability": "view",
        "inputs": [{"type": "address"}] if n == "balanceOf" else [],
        "outputs": [{"type": "uint256"}],
    }
    for n in ("balanceOf", "totalSupply")
]


def check_funds(tl: Tradelane, buyer: str, token: str, amount: int, text: str) -> None:
    """Refuse an escrow the buyer cannot pay or the token cannot hold, in token units."""
    symbol, decimals = tl.token_info(token)
    shown = f"{format_amount(amount, decimals, symbol)}"
    if amount >= 2**256:
        raise InputError(f"--amount {text} is too large for any token; give a smaller amount")
    if int(token, 16) == 0:
        balance = tl.chain.w3.eth.get_balance(buyer)
    else:
        erc20 = tl.chain.w3.eth.contract(address=token, abi=ERC20_READ)
        supply = erc20.functions.totalSupply().call()
        if amount > supply:
            raise InputError(
                f"--amount {text} is more than all {format_amount(supply, decimals, symbol)} "
                "that exist of this token; give a smaller amount"
            )
        balance = erc20.functions.balanceOf(buyer).call()
    if balance < amount:
        what = "insufficient funds" if int(token, 16) == 0 else "token balance too low"
        raise InputError(
            f"{what}: the buyer {buyer} holds {format_amount(balance, decimals, symbol)}, which "
            f"is below the {shown} escrow; fund the buyer or lower --amount"
        )


def check_tranches(tranches: list[Tranche], legs: int, texts: tuple[str, ...]) -> None:
    for tranche, text in zip(tranches, texts, strict=True):
        if tranche.leg != 255 and tranche.leg >= legs:
            raise InputError(
                f"--tranche {text}: the route has {legs} leg(s), numbered 0..{legs - 1} "
                "(or 'last'); pick an existing leg"
            )
    if sum(t.bps for t in tranches) > 10_000:
        raise InputError(f"--tranche {' '.join(texts)}: the shares add up to more than 10000 bps")


def _opened_before(chain: Chain) -> bool:
    """Whether an earlier run of this same `ship` journaled an opening transaction."""
    return any(
        s.get("label", "").startswith("acceptOffer") and s.get("state") not in ("lost", "reverted")
        for s in intents.steps(chain)
    )


def _adopt(tl: Tradelane, shipment_id: int, terms: _Terms, destination: str) -> dict:
    """The shipment's view, once the chain confirms it is the order this command means."""
    view = tl.view(shipment_id)
    seen = {
        "buyer": view["buyer"],
        "seller": view["seller"],
        "token": view["token"],
        "amount": view["deposited"],
        "destination": view["destination"].decode("ascii", "replace"),
        "items_root": bytes(view["itemsRoot"]),
    }
    wanted = {
        "buyer": terms.buyer.address,
        "seller": terms.seller.address,
        "token": terms.token,
        "amount": terms.amount,
        "destination": destination,
        "items_root": bytes(terms.root),
    }
    if seen != wanted:
        raise JournalError(
            f"the journal's opening transaction made shipment {shipment_id}, but on chain it is "
            f"not this order ({seen} vs {wanted}); nothing adopted. Run with --new to open one"
        )
    return view


# -- the command ---------------------------------------------------------------------------


@cli.command()
@click.argument("origin")
@click.argument("destination")
@routing_options
@click.option("--pick", type=int, default=1, show_default=True, help="Which alternative to take.")
@click.option(
    "--amount", default="1", show_default=True, help="Escrow, in token units (1.5, 1500wei)."
)
@click.option("--token", default="ETH", show_default=True, help="ETH or an ERC-20 address.")
@click.option("--seller", default="seller", show_default=True, help="Seller: dev name or keystore.")
@click.option("--arbiter", default="arbiter", show_default=True, help="Arbiter: name or address.")
@click.option(
    "--tranche",
    "tranches",
    multiple=True,
    metavar="CODE:LEG:BPS",
    help="Release BPS of the escrow at DEPA/ARRI of a leg (LEG may be 'last'); repeatable.",
)
@click.option(
    "--items",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV/JSON of item trace codes; their Merkle root is committed at opening.",
)
@click.option(
    "--carrier",
    "carrier_map",
    multiple=True,
    metavar="NAME=ADDRESS",
    help="Address of a route carrier; repeatable (dev chains default to carrier1..3).",
)
@click.option("--new", "force_new", is_flag=True, help="Open a new shipment even if one matches.")
@rpc_option
@account_option("buyer", "opens and funds the shipment (the buyer)")
@json_option
def ship(
    origin: str,
    destination: str,
    pick: int,
    amount: str,
    token: str,
    seller: str,
    arbiter: str,
    tranches: tuple[str, ...],
    items: Path | None,
    carrier_map: tuple[str, ...],
    force_new: bool,
    rpc: str | None,
    account: str,
    as_json: bool,
    **routing_opts,
) -> None:
    """DEV SHORTCUT: propose a route and open an agreed, funded shipment. Prints the id.

    Plays every party with dev keys: the seller (--seller) signs the offer, each carrier
    its booking, the buyer (--account) accepts and funds it (see `tradelane offer` for
    the same between companies, one key each). Re-running the same command finishes an
    interrupted run instead of opening a second shipment (use --new for a deliberate
    duplicate). The escrow deadline is --deadline when given (routes must also arrive
    by it), else the last planned arrival plus 7 days.

    \b
    Example:
      tradelane ship CNSHA NLRTM --amount 2 --tranche DEPA:0:2000
      tradelane ship CNSHA DEHAM --objective co2 --pick 2 --carrier Maersk=0xAbc…
    """
    from routing.encode import encode_route

    if not 1 <= pick <= MAX_ALTERNATIVES:
        raise InputError(f"--pick {pick}: alternatives are numbered 1..{MAX_ALTERNATIVES}")
    tl = open_client(rpc)
    if force_new and not click.get_current_context().find_root().params.get("intent"):
        intents.refine("new", uuid.uuid4().hex)  # deliberately another shipment
    terms = _terms(
        tl,
        account=account,
        seller=seller,
        arbiter=arbiter,
        tranches=tranches,
        token=token,
        amount=amount,
        items=items,
        deadline=routing_opts.get("deadline"),  # routes must arrive by it; so must the goods
    )
    with spinner("proposing routes…", quiet=as_json):
        route, alternatives = propose_route(tl.chain, origin, destination, pick, **routing_opts)
    check_tranches(terms.tranches, len(route.legs), tranches)
    encoded = encode_route(route, carrier_addresses(tl.chain, route, carrier_map))
    due = terms.due or encoded.legs[-1][5] + WEEK
    if not as_json:
        err_console().print(alternatives)

    with spinner("agreeing and opening the shipment…", quiet=as_json):
        shipment_id = _open(tl, terms, route, encoded, due)
    opened = tl.last_receipt
    resumed = bool(opened.get("reused"))
    view = _adopt(tl, shipment_id, terms, route.destination)
    _remember(tl, shipment_id, route, terms.items)
    step = "accept offer: open + fund + route + bookings"
    rows = [] if resumed else [{**tx_row(step, opened), "by": "buyer"}]
    _report(tl, view, shipment_id, route, encoded, rows, resumed, as_json)


@dataclass(frozen=True)
class _Terms:
    """The command line's terms, checked before anything slow (escrow in token units)."""

    buyer: LocalAccount
    seller: LocalAccount
    arbiter: str
    token: str
    amount: int
    tranches: list[Tranche]
    items: list
    root: bytes
    due: int | None


def _terms(
    tl: Tradelane, *, account, seller, arbiter, tranches, token, amount, items, deadline
) -> _Terms:
    """Parse and check the command line's terms (its option values, as given); a re-run of an
    opened shipment skips the checks that only matter before opening (funds, a past deadline)."""
    chain = tl.chain
    buyer = signer(chain, account, role="buyer")
    seller_acct = signer(chain, seller, role="seller")
    arbiter_address = chain.address(arbiter, what="--arbiter")
    parsed_tranches = [Tranche.parse(t) for t in tranches]
    token_address = ETH if token.upper() == "ETH" else chain.address(token, what="--token")
    _, decimals = tl.token_info(token_address)
    base_amount = parse_amount(amount, decimals)
    items_list, root = _items(items)
    resuming = _opened_before(chain)
    if not resuming:
        check_funds(tl, buyer.address, token_address, base_amount, amount)
    due = parse_time(deadline, chain.now()) if deadline else None
    if due is not None and due <= chain.now() and not resuming:
        raise InputError(f"--deadline {deadline} is not after the chain's time {when(chain.now())}")
    return _Terms(
        buyer, seller_acct, arbiter_address, token_address, base_amount, parsed_tranches,
        items_list, root, due,
    )  # fmt: skip


def _open(tl: Tradelane, terms: _Terms, route, encoded, due: int) -> int:
    """One transaction (acceptOffer#0 of this command's intent) opens, funds and routes the
    shipment: a re-run finds it, whatever offer it would sign anew."""
    return tl.open_agreed_shipment(
        terms.buyer,
        seller=terms.seller,
        encoded=encoded,
        amount=terms.amount,
        destination=route.destination,
        deadline=due,
        arbiter=terms.arbiter,
        token=terms.token,
        tranches=terms.tranches,
        items_root=terms.root,
    )


def _items(path: Path | None) -> tuple[list, bytes]:
    """The items of `--items` and their Merkle root (none: an empty list and a zero root)."""
    if path is None:
        return [], bytes(32)
    from ..trace import items as trace_items

    items_list, root = trace_items.prepare(path)
    intents.refine("items", root.hex())  # the file's content, not its name
    return items_list, root


def _remember(tl: Tradelane, shipment_id: int, route, items_list: list) -> None:
    """Keep, on this machine, the shipment's items and the route's sea service codes as its
    references (the DCSA export and the page name the service), over what it already holds."""
    from ..trace import items as trace_items
    from ..trace import references

    if items_list:
        trace_items.remember(tl, shipment_id, items_list)
    known = references.load(tl, shipment_id)
    found = references.from_route(route, known)
    if found.legs and found != known:
        references.save(tl, shipment_id, found)


def _report(tl, view, shipment_id, route, encoded, rows, resumed, as_json) -> None:
    """What the chain shows for the shipment: amount, token, parties, route, deadline."""
    symbol, decimals = tl.token_info(view["token"])
    legs = view["legs"]
    path = [legs[0][0].decode(), *(leg[1].decode() for leg in legs)] if legs else []
    from routing.encode import route_json

    committed = "0x" + view["routeHash"].hex()
    ours = committed == "0x" + bytes(encoded.route_hash).hex()
    if as_json:
        print_json(
            {
                "shipment_id": shipment_id,
                "resumed": resumed,
                "state": State(view["state"]).label,
                "buyer": view["buyer"],
                "seller": view["seller"],
                "route": route_json(route, {leg.carrier: c for leg, c in _carriers(route, encoded)})
                if ours
                else {"ports": path},
                "ports": path,
                "route_hash": committed,
                "amount": str(view["deposited"]),
                "token": view["token"],
                "deadline": view["deadline"],
                "transactions": rows,
                "note": DEV_NOTE,
            }
        )
        return
    console = err_console()
    console.print(f"[dim]{DEV_NOTE}[/]")
    if rows:
        console.print(tx_table(rows))
    if resumed:
        console.print(
            f"shipment {shipment_id} was opened by an earlier run of this command (tx "
            f"{tl.last_receipt['transactionHash'].hex()}); nothing sent twice"
        )
    console.print(
        f"shipment [bold]{shipment_id}[/]: "
        f"{format_amount(view['deposited'], decimals, symbol)} in escrow from "
        f"{view['buyer']} to {view['seller']}, route {' → '.join(path) or '(not committed)'}, "
        f"deadline {when(view['deadline'])}"
    )
    click.echo(shipment_id)


def _carriers(route, encoded):
    return [(leg, enc[3]) for leg, enc in zip(route.legs, encoded.legs, strict=True)]
