"""The files parties hand each other (offers, bookings, amendments): read, check, write.

A file is JSON with a ``format`` tag (``tradelane-offer/1`` …), the chain id and the
contract it is for. ``-`` means stdin / stdout, so parties can pipe JSON instead.
Writes are atomic, so a kill never leaves half an offer behind.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from web3 import Web3

from .. import agreement
from ..errors import InputError
from ..files import write_json

__all__ = [
    "read_doc",
    "write_doc",
    "check_target",
    "check_deployment",
    "load_here",
    "output_option",
]

STDIO = "-"


def output_option(what: str):
    return click.option(
        "--output",
        "-o",
        "output",
        required=True,
        metavar="FILE",
        help=f"Where to write the {what} (JSON); '-' for stdout.",
    )


def check_target(path: str, what: str) -> None:
    """Refuse an output path that cannot be written, before anything is signed or sent."""
    if path == STDIO:
        return
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{what} file {path} is a folder; give a file name like {what}.json")
    if not target.parent.exists():
        raise InputError(
            f"folder {target.parent} for the {what} file does not exist; create it first"
        )


def write_doc(doc: dict, path: str, what: str) -> str:
    """Write `doc` to `path` ('-' = stdout); returns where it went, for messages."""
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if path == STDIO:
        click.echo(text, nl=False)
        return "stdout"
    check_target(path, what)
    write_json(Path(path), doc)
    return path


def read_doc(path: str, fmt: str | tuple[str, ...], what: str) -> dict:
    """The document in `path` ('-' = stdin), shape-checked as `fmt` (or one of several);
    one clear error otherwise."""
    wanted = (fmt,) if isinstance(fmt, str) else fmt
    where = "stdin" if path == STDIO else str(path)
    try:
        text = sys.stdin.read() if path == STDIO else Path(path).read_text()
    except (FileNotFoundError, IsADirectoryError) as err:
        raise InputError(f"{what} file {where} does not exist") from err
    except UnicodeDecodeError as err:
        raise InputError(f"{what} file {where} is not text") from err
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{what} file {where} is not JSON (line {err.lineno}): {err.msg}") from err
    if not isinstance(doc, dict) or doc.get("format") not in wanted:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise InputError(
            f"{where} is not a Tradelane {what} (format {found!r}, expected {' or '.join(wanted)})"
        )
    return agreement.check(doc, f"{what} file {where}")


def check_deployment(doc: dict, where: str, what: str, chain_id: int, contract: str) -> None:
    """A document made for another chain or another deployment is refused by name."""
    if doc.get("chain_id") != chain_id:
        raise InputError(
            f"{what} {where} is for chain {doc.get('chain_id')}, but this is chain {chain_id}; "
            "use it with --rpc on the chain it was made for"
        )
    theirs = str(doc.get("contract", ""))
    if not Web3.is_address(theirs) or Web3.to_checksum_address(theirs) != contract:
        raise InputError(
            f"{what} {where} is for contract {theirs}, but this chain's Tradelane is {contract}; "
            "ask for one made for this deployment"
        )


def load_here(tl, path: str, fmt: str | tuple[str, ...], what: str) -> dict:
    """`read_doc`, then refuse a document made for another chain or deployment."""
    document = read_doc(path, fmt, what)
    check_deployment(document, path, what, tl.chain.chain_id, tl.address)
    return document
