"""What the agreement commands share: naming parties, picking a route, showing signed legs.

Every party resolves names through its OWN address book: a name in a file someone else
sent is shown as their claim, never used to decide who an address is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from rich.table import Table
from web3 import Web3

from ..chain import DEV_NAMES, Chain
from ..errors import InputError
from ..parties import AddressBook, checksum
from .render import party, routes_table
from .route import load_network_option, query_from_options

__all__ = ["party_address", "carriers_for", "propose_route", "legs_table"]

DEV_CARRIERS = ("carrier1", "carrier2", "carrier3")


def party_address(chain: Chain, book: AddressBook, text: str, what: str) -> str:
    """An address from a 0x address, a name in this party's book, or a dev name (dev chains)."""
    value = str(text).strip()
    if value.lower().startswith("0x"):
        return checksum(value, what)
    known = book.find(value)
    if known:
        return known.address
    if value in DEV_NAMES and chain.is_dev:
        return chain.address(value)
    raise InputError(
        f"{what} '{text}' is neither an address nor a name in your address book; "
        "add it with `tradelane parties add ADDRESS NAME --role ROLE` or give the 0x address"
    )


def carriers_for(
    chain: Chain, book: AddressBook, route, given: Sequence[str] = ()
) -> dict[str, str]:
    """Carrier name (as routing knows it) -> address, for every carrier of `route`.

    ``--carrier NAME=ADDRESS|BOOKNAME`` first; then a carrier in the address book under the
    same name; on a dev chain only, the dev carriers in order. Anything else is an error
    naming the carriers that have no address.
    """
    mapping: dict[str, str] = {}
    for item in given:
        name, sep, who = item.partition("=")
        if not sep or not name.strip() or not who.strip():
            raise InputError(
                f"--carrier '{item}' is not NAME=ADDRESS (e.g. 'Meridian Container Line=0xAbc…')"
            )
        mapping[name.strip()] = party_address(chain, book, who, f"carrier {name.strip()!r}")
    missing = []
    for leg in route.legs:
        if leg.carrier in mapping or leg.carrier in missing:
            continue
        known = book.find(leg.carrier)
        if known:
            mapping[leg.carrier] = known.address
        else:
            missing.append(leg.carrier)
    if missing and not chain.is_dev:
        raise InputError(
            f"no address for carrier(s) {', '.join(missing)}: add them to your address book "
            "(`tradelane parties add ADDRESS NAME --role carrier`) or pass --carrier NAME=ADDRESS"
        )
    for i, name in enumerate(missing):
        mapping[name] = chain.address(DEV_CARRIERS[i % len(DEV_CARRIERS)])
    return mapping


def propose_route(
    chain: Chain,
    origin: str,
    destination: str,
    pick: int,
    console=None,
    *,
    depart_after: datetime | None = None,
    **routing_opts,
):
    """Propose routes as `tradelane route` does (schedules from the chain's clock) and pick one.

    Shows the alternatives on `console` when given. Returns the picked `routing.Route`.
    """
    import routing

    query = query_from_options(**routing_opts)
    if not query.get("depart_after"):
        query["depart_after"] = depart_after or datetime.fromtimestamp(chain.now(), UTC)
    if not query.get("pareto"):
        query["alternatives"] = max(int(query.get("alternatives") or 1), pick, 3)
    network = load_network_option(
        routing_opts.get("network_file"), bool(routing_opts.get("network_only"))
    )
    try:
        routes = routing.propose(network, origin.upper(), destination.upper(), **query)
    except routing.RoutingError as err:
        raise InputError(str(err)) from err
    if not 1 <= pick <= len(routes):
        raise InputError(f"--pick {pick}: there are {len(routes)} alternatives (1..{len(routes)})")
    if console is not None:
        console.print(routes_table(routes, pick))
    return routes[pick - 1]


def legs_table(legs: Sequence, book: AddressBook, title: str, first_leg: int = 0) -> Table:
    """Signed leg tuples (as the contract stores them) with carriers named by the book."""
    from routing.encode import decode_legs

    table = Table(title=title, title_justify="left")
    for col in ("leg", "from", "to", "mode", "carrier", "departs", "arrives", "passages"):
        table.add_column(col)
    for i, leg in enumerate(decode_legs(list(legs)), first_leg):
        table.add_row(
            str(i),
            leg["origin"],
            leg["destination"],
            leg["mode"],
            party(leg["carrier"], book),
            leg["departure"].strftime("%Y-%m-%d %H:%M"),
            leg["arrival"].strftime("%Y-%m-%d %H:%M"),
            ", ".join(leg["passages"]) or "-",
        )
    return table


def same_address(a: str, b: str) -> bool:
    return Web3.to_checksum_address(a) == Web3.to_checksum_address(b)
