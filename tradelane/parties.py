"""The address book: who an address is, in words, for every table, page and offer.

People should read "Meridian Container Line (carrier)", not ``0x90F7…b906``. Each party
keeps its own book in ``$TRADELANE_HOME/parties.json`` (written only by ``tradelane
parties add|remove``); nothing in it is taken from the chain or from a file another
party sent, because a name is only worth what the person who wrote it down checked.

An address the book does not know is shown shortened behind a warning marker, and one
whose shortened form matches a known party's is flagged as a look-alike (the "address
poisoning" trick: a vanity address with the same first and last digits).

    >>> book = AddressBook.load(home)                          # doctest: +SKIP
    >>> book.label("0x90F79bf6EB2c4f870365E785982E1f101E93b906")  # doctest: +SKIP
    'Meridian Container Line (carrier)'
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from web3 import Web3

from . import files
from .errors import InputError

__all__ = ["AddressBook", "Party", "ROLES", "UNKNOWN", "short", "checksum"]

BOOK_FILE = "parties.json"
ROLES = ("buyer", "seller", "operator", "carrier", "arbiter", "receiver", "relayer", "other")
UNKNOWN = "⚠"  # the marker in front of an address the book does not know
MAX_NAME = 80


def short(address: str) -> str:
    """``0x90F7…b906``: the first and last four hex digits."""
    return f"{address[:6]}…{address[-4:]}" if address and len(address) > 12 else address


def checksum(address: str, what: str = "address") -> str:
    """The checksummed form of a 0x address; an InputError naming it otherwise.

    A mixed-case address must carry a correct EIP-55 checksum (a mistyped digit is caught).
    """
    text = str(address).strip()
    if not Web3.is_address(text):
        raise InputError(
            f"{what} '{address}' is not an Ethereum address (expected 0x and 40 hex digits)"
        )
    digits = text[2:]
    if digits != digits.lower() and digits != digits.upper() and not Web3.is_checksum_address(text):
        raise InputError(
            f"{what} '{address}' has a wrong mixed-case checksum (a mistyped digit?); copy it again"
        )
    return Web3.to_checksum_address(text)


def _clean_name(name: str) -> str:
    text = " ".join(str(name).split())
    if not text:
        raise InputError("the party's name is empty; give a name like 'Meridian Container Line'")
    if len(text) > MAX_NAME:
        raise InputError(f"name '{text[:20]}…' is {len(text)} characters; keep it to {MAX_NAME}")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        # control and invisible format characters (RTL overrides, zero-width joiners) let a
        # name render as another one in a terminal
        raise InputError(f"name {text!r} holds control or invisible characters; type it plainly")
    if "[" in text or "]" in text:  # would read as rich markup in every table
        raise InputError(f"name '{text}' holds square brackets; use round ones")
    if text.lower().startswith("0x"):
        raise InputError(f"name '{text}' looks like an address; give the party's name")
    return text


def _role(role: str) -> str:
    value = str(role).strip().lower()
    if value not in ROLES:
        raise InputError(f"role '{role}' is not one of {', '.join(ROLES)}")
    return value


@dataclass(frozen=True)
class Party:
    address: str
    name: str
    role: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})"

    def as_json(self) -> dict:
        return {"address": self.address, "name": self.name, "role": self.role}


class AddressBook:
    """Names and roles by address, kept in ``HOME/parties.json``."""

    def __init__(self, path: Path, parties: dict[str, Party] | None = None):
        self.path = path
        self._parties: dict[str, Party] = dict(parties or {})

    # -- reading and writing ----------------------------------------------------------

    @classmethod
    def load(cls, home: str | os.PathLike | None = None) -> AddressBook:
        """The book in `home` (default: ``$TRADELANE_HOME``); empty if there is none yet.

        A damaged file is an error naming it, never silently replaced by an empty book.
        """
        if home is None:
            home = files.home()
        path = Path(home) / BOOK_FILE
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text())
            entries = data["parties"]
            parties = {}
            for entry in entries:
                address = checksum(entry["address"])
                parties[address] = Party(address, _clean_name(entry["name"]), _role(entry["role"]))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
            raise InputError(
                f"address book {path} is damaged ({err}); fix it or move it away and "
                "add the parties again with `tradelane parties add`"
            ) from err
        return cls(path, parties)

    def save(self) -> Path:
        """Write the book durably (a kill never leaves half a file)."""
        data = {
            "version": 1,
            "parties": [p.as_json() for p in sorted(self._parties.values(), key=_order)],
        }
        files.write_json(self.path, data)
        return self.path

    # -- the API every table uses ---------------------------------------------------------

    def get(self, address: str) -> Party | None:
        if not address or not Web3.is_address(address):
            return None
        return self._parties.get(Web3.to_checksum_address(address))

    def name(self, address: str) -> str | None:
        """The party's name, or None when the book does not know the address."""
        party = self.get(address)
        return party.name if party else None

    def label(self, address: str) -> str:
        """'Meridian Container Line (carrier)', or '⚠ 0x90F7…b906' for an unknown address
        ('⚠ 0x90F7…b906 (not Meridian Container Line)' when it looks like a known one)."""
        party = self.get(address)
        if party:
            return party.label
        if not address or not Web3.is_address(str(address)):
            return f"{UNKNOWN} {address or 'no address'}"
        if int(str(address), 16) == 0:
            return "nobody (0x0)"
        mark = f"{UNKNOWN} {short(Web3.to_checksum_address(str(address)))}"
        twins = self.lookalikes(address)
        if twins:
            return f"{mark} (not {twins[0].name})"
        return mark

    def lookalikes(self, address: str) -> list[Party]:
        """Known parties whose shortened address reads the same as `address` (another address)."""
        text = str(address).lower()
        return [
            p
            for p in self._parties.values()
            if p.address.lower() != text and short(p.address).lower() == short(text)
        ]

    def __iter__(self):
        return iter(sorted(self._parties.values(), key=_order))

    def __len__(self) -> int:
        return len(self._parties)

    # -- changing it --------------------------------------------------------------------

    def add(self, address: str, name: str, role: str) -> tuple[Party, Party | None]:
        """Add or update a party; returns (the entry, what it replaced). Two addresses never
        share a name, so a name always means one address."""
        party = Party(checksum(address), _clean_name(name), _role(role))
        for other in self._parties.values():
            if other.address != party.address and other.name.lower() == party.name.lower():
                raise InputError(
                    f"'{party.name}' is already the name of {other.address}; one name is one "
                    "address — remove that entry first or choose another name"
                )
        before = self._parties.get(party.address)
        self._parties[party.address] = party
        return party, before

    def remove(self, who: str) -> Party:
        """Remove a party by address or by (case-insensitive) name."""
        party = self.find(who)
        if party is None:
            raise InputError(f"'{who}' is not in the address book {self.path}")
        del self._parties[party.address]
        return party

    def find(self, who: str) -> Party | None:
        """A party by address or by name (case-insensitive)."""
        if Web3.is_address(str(who).strip()):
            return self.get(str(who).strip())
        wanted = " ".join(str(who).split()).lower()
        return next((p for p in self._parties.values() if p.name.lower() == wanted), None)


def _order(party: Party) -> tuple[int, str]:
    return ROLES.index(party.role), party.name.lower()
