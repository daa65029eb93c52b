"""`tradelane amend propose|show|sign|send`: change the legs not yet done, signed by both.

A re-route (e.g. round the Cape instead of through Bab-el-Mandeb) continues from the last
reported location: the current leg's origin while it is under way, its destination once
it arrived. A silent carrier is replaced with --replace-carrier. The buyer and the seller
(or its operator) each sign the same file; anyone sends it; the new carriers confirm their
legs (`tradelane book`). Milestones already recorded stay in the history.
"""

from __future__ import annotations

import click

from .. import agreement, intents
from ..client import Tradelane
from ..errors import InputError
from ..model import State
from ..parties import AddressBook
from .app import cli
from .files import check_target, load_here, output_option, write_doc
from .options import (
    account_option,
    err_console,
    json_option,
    open_client,
    out,
    parse_duration,
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
    same_address,
)

FORMAT = agreement.AMENDMENT_FORMAT
REROUTE_KEYS = ("avoid_passage", "avoid_port", "avoid_country", "modes", "carriers")


@cli.group()
def amend() -> None:
    """Amend a shipment's remaining legs: a re-route or a replaced carrier, signed by both.

    \b
    Example:
      tradelane amend propose 7 --avoid-passage babalmandab -o reroute.json --account buyer.json
      tradelane amend sign reroute.json --account seller.json
      tradelane amend send reroute.json --booking leg1.json --account buyer.json
    """


def _starting_point(v: dict, old_legs: list) -> tuple[int, str]:
    """(first leg that may change, where the new legs start) for a re-route."""
    cur, phase = int(v["currentLeg"]), int(v["legPhase"])
    if phase < 2:  # not departed, or under way: the leg continues from its origin
        return cur, old_legs[cur][0].decode()
    if cur + 1 >= len(old_legs):
        raise InputError("the last leg has arrived: there is no leg left to re-route")
    return cur + 1, old_legs[cur][1].decode()


def _replace(tl, book, v: dict, old_legs: list, items: tuple[str, ...]) -> tuple[int, list]:
    """(from leg, new legs) with the carriers of --replace-carrier LEG=WHO swapped in."""
    cur = int(v["currentLeg"])
    swaps: dict[int, str] = {}
    for item in items:
        leg, sep, who = item.partition("=")
        if not sep or not leg.strip().isdigit() or not who.strip():
            raise InputError(f"--replace-carrier '{item}' is not LEG=ADDRESS (e.g. 2=0xAbc…)")
        n = int(leg)
        if not 0 <= n < len(old_legs):
            raise InputError(f"--replace-carrier {item}: the route has legs 0..{len(old_legs) - 1}")
        if n < cur:
            raise InputError(
                f"--replace-carrier {item}: leg {n} is finished (the shipment is on leg {cur}); "
                f"only legs {cur}..{len(old_legs) - 1} can change"
            )
        swaps[n] = party_address(tl.chain, book, who, f"new carrier of leg {n}")
    start = min(swaps)
    legs = [
        (*leg[:3], swaps.get(i, leg[3]), *leg[4:]) for i, leg in enumerate(old_legs[start:], start)
    ]
    return start, legs


@amend.command("propose")
@click.argument("shipment_id", metavar="SHIPMENT", type=int)
@routing_options
@click.option("--pick", type=int, default=1, show_default=True, help="Which re-route to take.")
@click.option(
    "--replace-carrier",
    "replace",
    multiple=True,
    metavar="LEG=ADDRESS",
    help="Give leg LEG to another carrier (address or book name); repeatable. No re-route.",
)
@click.option(
    "--carrier",
    "carrier_map",
    multiple=True,
    metavar="NAME=ADDRESS",
    help="Address of a carrier of the re-route (else your address book's); repeatable.",
)
@click.option("--valid-for", default="2d", show_default=True, help="How long it can be sent.")
@output_option("amendment")
@rpc_option
@account_option("buyer", "proposes and signs (the buyer, or the seller or its operator)")
@json_option
def propose(
    shipment_id: int,
    pick: int,
    replace: tuple[str, ...],
    carrier_map: tuple[str, ...],
    valid_for: str,
    output: str,
    rpc: str | None,
    account: str,
    as_json: bool,
    **routing_opts,
) -> None:
    """Propose new legs for SHIPMENT from where it is now, signed by you, into a file.

    Either re-route (routing options such as --avoid-passage babalmandab; the route is
    proposed from the last reported location to the destination), or keep the route and
    --replace-carrier of legs not yet done. The other party signs the same file.

    \b
    Example:
      tradelane amend propose 7 --avoid-passage babalmandab -o reroute.json --account buyer.json
      tradelane amend propose 7 --replace-carrier 2=0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65 \\
          -o replace.json --account seller.json
    """
    check_target(output, "amendment")
    validity = parse_duration(valid_for, "--valid-for")
    rerouting = any(routing_opts.get(k) for k in REROUTE_KEYS)
    if replace and rerouting:
        raise InputError("--replace-carrier keeps the route: give it or routing options, not both")
    tl = open_client(rpc)
    book = AddressBook.load()
    acct = signer(tl.chain, account)
    v = tl.view(shipment_id)
    if State(v["state"]) != State.ROUTED:
        raise InputError(
            f"shipment {shipment_id} is {State(v['state']).label}: only a shipment under way "
            "can be amended"
        )
    old_legs, network_hash = _route(v), bytes(v["networkHash"])
    quiet = as_json or output == "-"
    console = err_console()
    alternatives = None
    if replace:
        from_leg, legs = _replace(tl, book, v, old_legs, replace)
    else:
        from_leg, start = _starting_point(v, old_legs)
        with spinner("proposing routes…", quiet=quiet):
            route, alternatives = propose_route(
                tl.chain, start, v["destination"].decode(), pick, **routing_opts
            )
        from routing.encode import encode_route

        encoded = encode_route(route, carriers_for(tl.chain, book, route, carrier_map))
        legs, network_hash = encoded.legs, encoded.network_hash
    roles = {
        "seller": v["seller"],
        "buyer": v["buyer"],
        "arbiter": v["arbiter"],
        "receiver": None if same_address(v["receiver"], v["seller"]) else v["receiver"],
    }
    check_roles(book, roles, [leg[3] for leg in legs])
    if alternatives is not None and not quiet:
        console.print(alternatives)
    document = tl.propose_amendment(
        acct, shipment_id, from_leg, legs, network_hash=network_hash, valid_for=validity
    )
    document["names"] = {leg[3]: book.label(leg[3]) for leg in legs if book.get(leg[3])}
    where = write_doc(document, output, "amendment")
    if as_json and output != "-":
        print_json(_summary(document, where))
    elif output != "-":
        show(tl, book, document)
        late = legs[-1][5] > v["deadline"]
        out().print(
            f"amendment of shipment {shipment_id} from leg {from_leg}, signed by you, written "
            f"to {where}; the other party signs it with `tradelane amend sign {where}`"
            + (f". Note: it arrives after the deadline {when(v['deadline'])}" if late else "")
        )


def _summary(document: dict, where: str | None = None) -> dict:
    return {
        "file": where,
        "shipment_id": document["shipment_id"],
        "from_leg": document["from_leg"],
        "digest": document["digest"],
        "signed_by": sorted(document["signatures"]),
        "booked_legs": sorted(int(b["leg"]) for b in document.get("bookings", [])),
        "valid_until": document["deadline"],
    }


def show(tl: Tradelane, book: AddressBook, document: dict) -> None:
    """The legs in force and the legs proposed, and who signed, on stderr."""
    console = err_console()
    first = int(document["from_leg"])
    old = agreement.legs_from_json(document["old_legs"])
    hints = document.get("names") or {}

    def who(address: str) -> str:
        claim = hints.get(address) if isinstance(hints, dict) else None
        label = party(address, book)
        return f"{label} (they say {claim!r})" if claim and not book.get(address) else label

    console.print(legs_table(old[first:], book, "legs in force that change", first))
    console.print(
        legs_table(agreement.legs_from_json(document["legs"]), book, "proposed legs", first, who)
    )
    for role in ("buyer", "seller"):
        if role in document["signatures"]:
            signed = agreement.amendment_signer(document, role)
            console.print(f"signed by the {role}: {party(signed, book)}")
    console.print(f"can be sent until {when(int(document['deadline']))} UTC")


def _load(tl: Tradelane, path: str) -> tuple[dict, dict]:
    """The amendment and its shipment's view, refused if the route changed or it expired."""
    document = load_here(tl, path, FORMAT, "amendment")
    v = tl.view(int(document["shipment_id"]))
    return document, v


def _route(v: dict) -> list[tuple]:
    """The complete legs in force, as the client's view gives them (from RouteCommitted)."""
    return [tuple(leg) for leg in v["legs"]]


def _applied(tl: Tradelane, document: dict) -> bool:
    legs = _route(tl.view(int(document["shipment_id"])))
    return "0x" + agreement.route_hash(legs).hex() == document["route_hash"].lower()


def _check_current(tl: Tradelane, document: dict, v: dict, path: str) -> None:
    if "0x" + agreement.route_hash(_route(v)).hex() != document["old_route_hash"].lower():
        raise InputError(
            f"the route of shipment {document['shipment_id']} changed since {path} was "
            "proposed; propose the amendment again"
        )
    if tl.chain.now() > int(document["deadline"]):
        raise InputError(
            f"amendment {path} could be sent until {when(int(document['deadline']))} UTC; "
            "propose it again"
        )


@amend.command("show")
@click.argument("file", metavar="FILE")
@rpc_option
@json_option
def show_cmd(file: str, rpc: str | None, as_json: bool) -> None:
    """What an amendment changes, who signed it, and whether it is still current.

    \b
    Example:
      tradelane amend show reroute.json
    """
    tl = open_client(rpc)
    document, v = _load(tl, file)
    if as_json:
        print_json({**_summary(document, file), "applied": _applied(tl, document)})
        return
    show(tl, AddressBook.load(), document)
    if _applied(tl, document):
        out().print("this amendment is in force")
    else:
        _check_current(tl, document, v, file)
        missing = [r for r in ("buyer", "seller") if r not in document["signatures"]]
        out().print(
            "needs the " + " and ".join(missing) + "'s signature"
            if missing
            else "signed by both: `tradelane amend send` can send it"
        )


@amend.command("sign")
@click.argument("file", metavar="FILE")
@click.option("--output", "-o", default=None, metavar="FILE", help="Write here [default: FILE].")
@rpc_option
@account_option("seller", "co-signs (the buyer, or the seller or its operator)")
@json_option
def sign(file: str, output: str | None, rpc: str | None, account: str, as_json: bool) -> None:
    """Add your signature (as buyer or seller) to an amendment file, after showing it.

    \b
    Example:
      tradelane amend sign reroute.json --account seller.json
    """
    target = output or file
    check_target(target, "amendment")
    tl = open_client(rpc)
    book = AddressBook.load()
    document, v = _load(tl, file)
    _check_current(tl, document, v, file)
    acct = signer(tl.chain, account)
    signed = tl.sign_amendment(acct, document)  # refuses anyone but the buyer and the seller
    if not as_json and target != "-":
        show(tl, book, document)
    role = "buyer" if same_address(acct.address, v["buyer"]) else "seller"
    where = write_doc(signed, target, "amendment")
    if as_json and target != "-":
        print_json(_summary(signed, where))
    elif target != "-":
        both = len(signed["signatures"]) == 2
        out().print(
            f"signed as the {role}: {where}; "
            + ("send it with `tradelane amend send`" if both else "the other party signs it next")
        )


@amend.command("send")
@click.argument("file", metavar="FILE")
@click.option(
    "--booking",
    "bookings",
    multiple=True,
    metavar="FILE",
    help="A new carrier's signed booking (tradelane book AMENDMENT -o FILE); repeatable.",
)
@rpc_option
@account_option("buyer", "sends it (anyone)")
@json_option
def send(file: str, bookings: tuple[str, ...], rpc: str | None, account: str, as_json: bool):
    """Send an amendment both parties signed, with the new carriers' bookings given.

    Re-running once it is in force sends nothing.

    \b
    Example:
      tradelane amend send reroute.json --booking leg1.json --account buyer.json
    """
    tl = open_client(rpc)
    document, v = _load(tl, file)
    sid = int(document["shipment_id"])
    extra = [load_here(tl, b, agreement.BOOKING_FORMAT, "booking") for b in bookings]
    acct = signer(tl.chain, account)
    row = None
    if not _applied(tl, document):
        _check_current(tl, document, v, file)
        missing = [r for r in ("buyer", "seller") if r not in document["signatures"]]
        if missing:
            raise InputError(
                f"amendment {file} still needs the {' and '.join(missing)}'s signature "
                f"(`tradelane amend sign {file}`)"
            )
        intents.refine(document["digest"])
        with spinner("sending the amendment…", quiet=as_json):
            row = tx_row("amend route", tl.send_amendment(acct, document, extra))
    v = tl.view(sid)
    unbooked = [
        i
        for i in range(int(document["from_leg"]), len(v["legs"]))
        if not v["confirmedLegs"] >> i & 1
    ]
    if as_json:
        print_json(
            {
                "shipment_id": sid,
                "already_done": row is None,
                "transaction": row,
                "unconfirmed_legs": unbooked,
            }
        )
        return
    if row:
        out().print(
            f"shipment {sid}: route amended from leg {document['from_leg']} "
            f"(block {row['block']}, tx {row['tx']})"
        )
    else:
        out().print(f"amendment {file} is already in force on shipment {sid}; nothing sent")
    if unbooked:
        out().print(f"legs {unbooked} wait for their carriers: `tradelane book {sid} --leg N`")
