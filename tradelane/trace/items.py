"""Item lists: read and validate them, compute their Merkle root, and remember them locally.

An item list is a file of trace codes, in any of three shapes:

* text: one code per line (``#`` starts a comment);
* CSV: a header with ``code`` (or ``uri``), or ``gtin`` + ``serial``, or ``sscc``, and an
  optional ``parent`` (the SSCC the item is packed in); without a header, the first column;
* JSON: a list of codes or of objects with the same keys, or ``{"items": [...]}``.

When the list holds exactly one SSCC, every trade item without a ``parent`` is taken to be
packed in it. The registry keeps each shipment's list in
``$TRADELANE_HOME/items/<chain id>-<contract>-<shipment id>.json`` so that a scanned code
can be found again; proof bundles embed the list, so nothing depends on that file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..files import home
from . import merkle
from .codes import Item, parse, sgtin, sscc

if TYPE_CHECKING:
    from ..client import Tradelane

__all__ = [
    "Item",
    "prepare",
    "parse_items",
    "items_root",
    "remember",
    "registered",
    "find",
    "registry_dir",
]


def prepare(path: str | Path) -> tuple[list[Item], bytes]:
    """Read the item list at `path`, validate every code; returns (items, Merkle root)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise InputError(f"item list {path} does not exist") from err
    except UnicodeDecodeError as err:
        raise InputError(f"item list {path} is not a text, CSV or JSON file") from err
    items = parse_items(text, source=str(path))
    return items, items_root(items)


def items_root(items: Sequence[Item]) -> bytes:
    return merkle.root([i.uri for i in items])


def parse_items(text: str, *, source: str = "item list") -> list[Item]:
    """Items from the text of an item list (see the module doc for the shapes)."""
    stripped = text.strip()
    if not stripped:
        raise InputError(f"{source} holds no items")
    if stripped[0] in "[{":
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as err:
            raise InputError(f"{source} is not valid JSON (line {err.lineno}: {err.msg})") from err
        rows = data.get("items") if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise InputError(f"{source}: JSON must be a list of codes or {{'items': [...]}}")
    else:
        rows = _text_rows(stripped)
    items = [_item(row, source, n) for n, row in enumerate(rows, 1)]
    return _link_parents(_unique(items, source), source)


def _text_rows(text: str) -> list:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not any("," in ln or ";" in ln or "\t" in ln for ln in lines):
        return [ln.strip() for ln in lines]
    dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
    rows = list(csv.reader(io.StringIO("\n".join(lines)), dialect))
    header = [h.strip().lower() for h in rows[0]]
    if {"code", "uri", "gtin", "sscc"} & set(header):
        return [dict(zip(header, (c.strip() for c in r), strict=False)) for r in rows[1:] if r]
    return [r[0].strip() for r in rows if r and r[0].strip()]


def _item(row, source: str, n: int) -> Item:
    try:
        if isinstance(row, str):
            return parse(row)
        if isinstance(row, dict):
            parent = row.get("parent") or None
            code = row.get("code") or row.get("uri")
            if code:
                return parse(code, parent)
            if row.get("gtin"):
                return sgtin(str(row["gtin"]), str(row.get("serial") or ""), parent)
            if row.get("sscc"):
                return sscc(str(row["sscc"]))
        raise InputError(f"entry {row!r} has no code, uri, gtin+serial or sscc")
    except InputError as err:
        raise InputError(f"{source}, item {n}: {err}") from err


def _unique(items: list[Item], source: str) -> list[Item]:
    seen: set[str] = set()
    for item in items:
        if item.uri in seen:
            raise InputError(f"{source}: {item.uri} is listed twice")
        seen.add(item.uri)
    return items


def _link_parents(items: list[Item], source: str) -> list[Item]:
    units = {i.sscc for i in items if i.kind == "sscc"}
    for item in items:
        if item.parent and item.parent not in units:
            raise InputError(f"{source}: {item.uri} names parent SSCC {item.parent}, not listed")
    if len(units) != 1:
        return items
    (unit,) = units
    return [replace(i, parent=unit) if i.kind == "sgtin" and not i.parent else i for i in items]


# -- the local registry --------------------------------------------------------------


def registry_dir() -> Path:
    return home() / "items"


def _file(chain_id: int, contract: str, shipment_id: int) -> Path:
    return registry_dir() / f"{chain_id}-{contract.lower()}-{shipment_id}.json"


def remember(tl: Tradelane, shipment_id: int, items: Iterable[Item]) -> Path:
    """Keep `items` as shipment `shipment_id`'s list on this chain and contract."""
    items = list(items)
    entry = {
        "chain_id": tl.chain.chain_id,
        "contract": tl.address,
        "shipment_id": shipment_id,
        "root": "0x" + items_root(items).hex(),
        "items": [i.to_json() for i in items],
    }
    path = _file(tl.chain.chain_id, tl.address, shipment_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entry, indent=2) + "\n")
    tmp.replace(path)
    return path


def from_json(rows: Iterable[dict]) -> list[Item]:
    """Items back from their `Item.to_json` form (as in the registry and in bundles)."""
    return [
        replace(
            parse(r["uri"], r.get("parent")), attributes=tuple((r.get("attributes") or {}).items())
        )
        for r in rows
    ]


def registered(tl: Tradelane, shipment_id: int) -> list[Item] | None:
    """The remembered item list of a shipment, or None when this machine has none."""
    path = _file(tl.chain.chain_id, tl.address, shipment_id)
    if not path.exists():
        return None
    return from_json(json.loads(path.read_text())["items"])


def find(tl: Tradelane, item: Item) -> list[int]:
    """Ids of the shipments on this chain and contract whose remembered list holds `item`."""
    prefix = f"{tl.chain.chain_id}-{tl.address.lower()}-"
    found = []
    for path in sorted(registry_dir().glob(prefix + "*.json")):
        try:
            entry = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if any(row.get("uri") == item.uri for row in entry.get("items", [])):
            found.append(int(entry["shipment_id"]))
    return sorted(found)
