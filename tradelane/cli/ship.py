"""`tradelane ship`: propose, pick, and open an agreed shipment, in one go — a DEV SHORTCUT.

It plays every party with keys this machine holds (dev accounts): the seller signs the offer,
each carrier signs its booking, the buyer accepts and funds it (`Tradelane.open_agreed_shipment`).
Between two companies each party runs its own step with its own key (offer, accept, booking).

Re-running the same command does not open a second shipment: the buyer's nonce is
written to $TRADELANE_HOME/journal.json before the opening transaction is sent, and a
re-run finds the shipment that transaction opened in the `ShipmentOpened` logs (or
waits for it while it is pending) and only finishes what is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import click

from .. import deployments
from ..chain import Chain
from ..client import ETH, Tradelane
from ..errors import ChainError, InputError
from ..model import Tranche
from .app import cli
from .options import (
    account_option,
    err_console,
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
from .render import routes_table, tx_table
from .route import load_network_option, query_from_options, routing_options

DEV_CARRIERS = ("carrier1", "carrier2", "carrier3")
DEV_NOTE = (
    "dev shortcut: this machine signed as seller, buyer and every carrier; between real parties "
    "each signs its own step (offer, booking, accept)"
)
WEEK = 7 * 86_400


def carrier_addresses(chain: Chain, route, given: tuple[str, ...]) -> dict[str, str]:
    """Carrier name -> address: --carrier NAME=ADDRESS first, then dev carriers in order."""
    mapping: dict[str, str] = {}
    for item in given:
        name, sep, address = item.partition("=")
        if not sep or not name or not address:
            raise InputError(f"--carrier '{item}' is not NAME=ADDRESS (e.g. Maersk=0xAbc…)")
        mapping[name] = chain.address(address)
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


# -- the journal that makes `ship` safe to re-run ------------------------------------------


def _journal_path() -> Path:
    return deployments.home() / "journal.json"


def _journal() -> dict:
    path = _journal_path()
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return {}


def _journal_put(key: str, entry: dict) -> None:
    data = _journal()
    data[key] = entry
    path = _journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)


def _order_key(tl: Tradelane, **order) -> str:
    data = json.dumps({"chain": tl.chain.chain_id, "contract": tl.address, **order}, sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def _resume(tl: Tradelane, entry: dict, order: dict) -> int | None:
    """The shipment an earlier run opened, or None when it must be opened (again)."""
    if entry.get("shipment_id"):
        return int(entry["shipment_id"])
    nonce = int(entry["nonce"])
    w3 = tl.chain.w3
    if w3.eth.get_transaction_count(order["buyer"], "latest") > nonce:
        found = tl.find_opened(
            buyer=order["buyer"],
            seller=order["seller"],
            token=order["token"],
            amount=order["amount"],
            destination=order["destination"],
            min_nonce=nonce,
        )
        return found
    if w3.eth.get_transaction_count(order["buyer"], "pending") > nonce:
        raise ChainError(
            f"the opening transaction (nonce {nonce}) is still pending; re-run once it is mined"
        )
    return None


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
    """Propose a route, open a funded shipment and commit the route. Prints the id.

    The buyer (--account) opens and funds the escrow; the seller (--seller) commits
    the picked route. Re-running the same command finishes an interrupted run instead
    of opening a second shipment (use --new for a deliberate duplicate). The escrow
    deadline is --deadline when given (routes must also arrive by it), else the last
    planned arrival plus 7 days.

    \b
    Example:
      tradelane ship CNSHA NLRTM --amount 2 --tranche DEPA:0:2000
      tradelane ship CNSHA DEHAM --objective co2 --pick 2 --carrier Maersk=0xAbc…
    """
    import routing
    from routing.encode import encode_route

    console = err_console()
    tl = open_client(rpc)
    chain = tl.chain
    buyer = signer(chain, account, role="buyer")
    seller_acct = signer(chain, seller, role="seller")
    parsed_tranches = [Tranche.parse(t) for t in tranches]

    with spinner("proposing routes…", quiet=as_json):
        query = query_from_options(**routing_opts)
        if not query.get("depart_after"):  # schedules start from the chain's clock
            query["depart_after"] = datetime.fromtimestamp(chain.now(), UTC)
        if not query.get("pareto"):  # always show a few alternatives to pick from
            query["alternatives"] = max(int(query.get("alternatives") or 1), pick, 3)
        network = load_network_option(
            routing_opts.get("network_file"), bool(routing_opts.get("network_only"))
        )
        routes = routing.propose(network, origin.upper(), destination.upper(), **query)
    if not 1 <= pick <= len(routes):
        raise InputError(f"--pick {pick}: there are {len(routes)} alternatives (1..{len(routes)})")
    route = routes[pick - 1]
    if not as_json:
        console.print(routes_table(routes, pick))

    encoded = encode_route(route, carrier_addresses(chain, route, carrier_map))
    token_address = ETH if token.upper() == "ETH" else chain.address(token)
    symbol, decimals = tl.token_info(token_address)
    base_amount = parse_amount(amount, decimals)
    last_eta = encoded.legs[-1][5]
    deadline = routing_opts.get("deadline")  # routes must arrive by it; so must the goods
    due = parse_time(deadline, chain.now()) if deadline else last_eta + WEEK
    if due <= chain.now():
        raise InputError(f"deadline {when(due)} is not after the chain's time {when(chain.now())}")

    order = {
        "buyer": buyer.address,
        "seller": seller_acct.address,
        "token": token_address,
        "amount": base_amount,
        "origin": route.origin,
        "destination": route.destination,
    }
    key = _order_key(tl, **order)
    journal = not chain.is_embedded  # an embedded chain starts afresh every time
    entry = _journal().get(key) if journal and not force_new else None
    rows: list[dict] = []
    resumed = False
    shipment_id = _resume(tl, entry, order) if entry else None
    if shipment_id is None:
        items_list, root = [], bytes(32)
        if items:
            from ..trace import items as trace_items

            items_list, root = trace_items.prepare(items)
        nonce = chain.w3.eth.get_transaction_count(buyer.address, "pending")
        if journal:
            _journal_put(key, {"nonce": nonce, "shipment_id": None})
        with spinner("agreeing and opening the shipment…", quiet=as_json):
            shipment_id = tl.open_agreed_shipment(
                buyer,
                seller=seller_acct,
                encoded=encoded,
                amount=base_amount,
                destination=route.destination,
                deadline=due,
                arbiter=arbiter,
                token=token_address,
                tranches=parsed_tranches,
                items_root=root,
            )
        if items:
            trace_items.remember(tl, shipment_id, items_list)
        step = "accept offer: open + fund + route + bookings"
        rows.append({**tx_row(step, tl.last_receipt), "by": "buyer"})
    else:
        resumed = True
    if journal:
        _journal_put(key, {"nonce": (entry or {}).get("nonce", 0), "shipment_id": shipment_id})

    if as_json:
        print_json(
            {
                "shipment_id": shipment_id,
                "resumed": resumed,
                "route": route.to_json({leg.carrier: c for leg, c in _carriers(route, encoded)}),
                "route_hash": "0x" + tl.view(shipment_id)["routeHash"].hex(),
                "amount": str(base_amount),
                "token": token_address,
                "deadline": due,
                "transactions": rows,
                "note": DEV_NOTE,
            }
        )
        return
    err_console().print(f"[dim]{DEV_NOTE}[/]")
    if rows:
        console.print(tx_table(rows))
    if resumed:
        console.print(
            f"shipment {shipment_id} was already opened by an earlier run; nothing sent twice"
        )
    console.print(
        f"shipment [bold]{shipment_id}[/]: {base_amount / 10**decimals:g} {symbol} in escrow, "
        f"route {route.origin} → {route.destination} committed, deadline {when(due)}"
    )
    click.echo(shipment_id)


def _carriers(route, encoded):
    return [(leg, enc[3]) for leg, enc in zip(route.legs, encoded.legs, strict=True)]
