"""What the agreement commands share: naming parties, picking a route, showing signed legs.

Every party resolves names through its OWN address book: a name in a file someone else
sent is shown as their claim, never used to decide who an address is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from rich.table import Table
from web3 import Web3

from ..chain import DEV_NAMES, Chain
from ..errors import InputError, read_json
from ..parties import AddressBook, checksum
from .render import party, routes_table
from .route import load_network_option, query_from_options

__all__ = [
    "party_address",
    "own_address",
    "carriers_for",
    "check_roles",
    "propose_route",
    "legs_table",
]

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


def own_address(chain: Chain, book: AddressBook, spec: str) -> str:
    """The address behind `--account` without unlocking it: a keystore file's `address`
    field, or a dev name / book name / address (for views that sign nothing)."""
    path = Path(spec)
    if spec.endswith(".json") or path.is_file():
        data = read_json(path, "keystore")
        address = "0x" + str(
            data.get("address", "") if isinstance(data, dict) else ""
        ).removeprefix("0x")
        if not Web3.is_address(address):
            raise InputError(f"keystore {spec} names no address; pass --account ADDRESS instead")
        return Web3.to_checksum_address(address)
    return party_address(chain, book, spec, "--account")


def check_roles(book: AddressBook, roles: dict[str, str | None], carriers: Sequence[str]) -> None:
    """Nobody is both a carrier and the seller, buyer or arbiter, and the arbiter is nobody
    else's: the contract refuses such terms too, this says so before anything is signed."""
    named = {role: a for role, a in roles.items() if a}
    for i, carrier in enumerate(carriers):
        for role, address in named.items():
            if same_address(carrier, address):
                raise InputError(
                    f"leg {i}'s carrier {book.label(carrier)} ({carrier}) is also the {role}: "
                    "a party to the deal cannot report the legs that release its money"
                )
    arbiter = named.get("arbiter")
    for role, address in named.items():
        if role != "arbiter" and arbiter and same_address(arbiter, address):
            raise InputError(
                f"the arbiter {book.label(arbiter)} ({arbiter}) is also the {role}: "
                "choose an arbiter that is neither buyer, seller nor carrier"
            )
    if named.get("buyer") and named.get("seller") and same_address(named["buyer"], named["seller"]):
        raise InputError(f"the buyer and the seller are the same address {named['buyer']}")


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
    *,
    depart_after: datetime | None = None,
    **routing_opts,
):
    """Propose routes as `tradelane route` does (schedules from the chain's clock, ranked by
    P(on time) under ``--objective on-time``) and pick one.

    Returns (the picked `routing.Route`, a table of the alternatives to show once the rest
    of the command's input has been checked).
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
    origin, destination = origin.upper(), destination.upper()
    try:
        if query.get("objective") == "on-time":  # ranked by P(arrival by --deadline); each
            # route's network hash then names the analytics snapshot (docs/ANALYTICS.md)
            from .lanes import on_time_proposals

            routes = [r for r, _ in on_time_proposals(network, origin, destination, query)[0]]
        else:
            routes = routing.propose(network, origin, destination, **query)
    except routing.RoutingError as err:
        raise InputError(str(err)) from err
    if not 1 <= pick <= len(routes):
        raise InputError(f"--pick {pick}: there are {len(routes)} alternatives (1..{len(routes)})")
    return routes[pick - 1], routes_table(routes, pick)


def legs_table(
    legs: Sequence, book: AddressBook, title: str, first_leg: int = 0, name=None
) -> Table:
    """Signed leg tuples (as the contract stores them) with carriers named by the book (or by
    `name(address)` when given)."""
    from routing.encode import decode_legs

    name = name or (lambda address: party(address, book))

    table = Table(title=title, title_justify="left")
    for col in ("leg", "from", "to", "mode", "carrier", "departs", "arrives", "passages"):
        table.add_column(col, no_wrap=col == "carrier")
    for i, leg in enumerate(decode_legs(list(legs)), first_leg):
        table.add_row(
            str(i),
            leg["origin"],
            leg["destination"],
            leg["mode"],
            name(leg["carrier"]),
            leg["departure"].strftime("%Y-%m-%d %H:%M"),
            leg["arrival"].strftime("%Y-%m-%d %H:%M"),
            ", ".join(leg["passages"]) or "-",
        )
    return table


def same_address(a: str, b: str) -> bool:
    return Web3.to_checksum_address(a) == Web3.to_checksum_address(b)
