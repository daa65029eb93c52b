"""The offers made from this home: `$TRADELANE_HOME/offers.json`.

`tradelane offer make` keeps every offer it writes here, so that `tradelane offers` can list
them and the seller's next offer takes the next nonce (dense nonces are cheaper to accept).
"""

from __future__ import annotations

import json

from ..errors import InputError
from ..files import home, write_json

__all__ = ["OFFERS_FILE", "made", "next_nonce", "remember"]

OFFERS_FILE = "offers.json"


def _offers_path():
    return home() / OFFERS_FILE


def made() -> list[dict]:
    """Every offer made from this home (a damaged file is refused by name)."""
    path = _offers_path()
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text())
        if not isinstance(data, list):
            raise ValueError("not a list")
    except ValueError as err:
        raise InputError(f"{path} is damaged ({err}); fix it or move it away") from err
    return data


def next_nonce(tl, seller: str) -> int:
    """The seller's next offer nonce: one past the highest made from this home, and unused on
    chain. The contract marks used nonces in words of 256, so sequential nonces pay for a fresh
    word (about 20k gas at acceptance) once per 256 offers; random ones would on every offer."""
    mine = [
        int(d["terms"]["nonce"])
        for d in made()
        if str(d.get("terms", {}).get("seller", "")).lower() == seller.lower()
    ]
    nonce = max(mine, default=-1) + 1
    while tl.contract.functions.offerNonceUsed(seller, nonce).call():
        nonce += 1
    return nonce


def remember(document: dict) -> None:
    """Keep the offer in $TRADELANE_HOME/offers.json so `tradelane offers` can list it."""
    kept = [d for d in made() if d.get("digest") != document["digest"]] + [document]
    write_json(_offers_path(), kept)
