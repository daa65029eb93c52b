"""`tradelane parties add|list|remove`: this party's own address book (no chain needed)."""

from __future__ import annotations

import click
from rich.table import Table

from ..errors import InputError
from ..parties import ROLES, AddressBook
from .app import cli
from .options import json_option, out, print_json


@cli.group()
def parties() -> None:
    """The address book: names and roles for addresses, shown in every table and offer.

    Kept in $TRADELANE_HOME/parties.json, written only by these commands. An address it
    does not know is shown as ⚠ 0x90F7…b906 wherever an address appears.

    \b
    Example:
      tradelane parties add 0x90F79bf6EB2c4f870365E785982E1f101E93b906 \\
          "Meridian Container Line" --role carrier
      tradelane parties list
      tradelane parties remove "Meridian Container Line"
    """


@parties.command("add")
@click.argument("address")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    metavar="ROLE",
    help=f"What the party is to you: {', '.join(ROLES)}.",
)
@json_option
def add(address: str, name: str, role: str, as_json: bool) -> None:
    """Name an address (or rename it). One name is one address.

    \b
    Example:
      tradelane parties add 0x90F79bf6EB2c4f870365E785982E1f101E93b906 \\
          "Meridian Container Line" --role carrier
    """
    book = AddressBook.load()
    party, before = book.add(address, name, role)
    book.save()
    if as_json:
        print_json({**party.as_json(), "replaced": before.as_json() if before else None})
        return
    if before == party:
        out().print(f"{party.address} is already {party.label}; nothing changed")
    elif before:
        out().print(f"{party.address}: {before.label} → [bold]{party.label}[/]")
    else:
        out().print(f"{party.address} is now [bold]{party.label}[/] ({book.path})")


@parties.command("list")
@click.option("--role", default=None, metavar="ROLE", help=f"Only this role ({', '.join(ROLES)}).")
@json_option
def list_(role: str | None, as_json: bool) -> None:
    """Every party in the book, by role and name.

    \b
    Example:
      tradelane parties list --role carrier
    """
    book = AddressBook.load()
    if role is not None and role.strip().lower() not in ROLES:
        raise InputError(f"--role '{role}' is not one of {', '.join(ROLES)}")
    rows = [p for p in book if role is None or p.role == role.strip().lower()]
    if as_json:
        print_json([p.as_json() for p in rows])
        return
    if not rows:
        out().print(f"no parties in {book.path}; add one with `tradelane parties add`")
        return
    table = Table(title=f"address book ({book.path})", title_justify="left")
    for col in ("name", "role", "address"):
        table.add_column(col)
    for p in rows:
        table.add_row(p.name, p.role, p.address)
    out().print(table)


@parties.command("remove")
@click.argument("who", metavar="ADDRESS|NAME")
@json_option
def remove(who: str, as_json: bool) -> None:
    """Forget a party; its address shows as unknown (⚠) again.

    \b
    Example:
      tradelane parties remove "Meridian Container Line"
    """
    book = AddressBook.load()
    party = book.remove(who)
    book.save()
    if as_json:
        print_json(party.as_json())
        return
    out().print(f"removed {party.label} ({party.address})")
