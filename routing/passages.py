"""Passage (chokepoint) names, their bit in the on-chain bitmask, and user aliases.

The names are searoute's own passage tags; the bit indexes are part of the contract
encoding (see :mod:`routing.encode`) and must never be renumbered.
"""

from __future__ import annotations

__all__ = ["PASSAGE_BITS", "PASSAGES", "normalise_passage", "passages_from_mask", "passages_mask"]

#: Bit index of each passage in the ``uint16 passages`` field of an encoded leg.
PASSAGE_BITS: dict[str, int] = {
    "suez": 0,
    "babalmandab": 1,
    "panama": 2,
    "malacca": 3,
    "gibraltar": 4,
    "ormuz": 5,
    "bosporus": 6,
    "south_africa": 7,
    "sunda": 8,
    "chili": 9,
    "northwest": 10,
    "bering": 11,
}
#: Passage names in bit order.
PASSAGES: tuple[str, ...] = tuple(sorted(PASSAGE_BITS, key=PASSAGE_BITS.__getitem__))

#: Accepted spellings in user input (lower-case, '-', ' ' and '_' ignored) -> canonical name.
_ALIASES = {
    "hormuz": "ormuz",
    "straitofhormuz": "ormuz",
    "cape": "south_africa",
    "goodhope": "south_africa",
    "capeofgoodhope": "south_africa",
    "southafrica": "south_africa",
    "babelmandeb": "babalmandab",
    "babalmandeb": "babalmandab",
    "redsea": "babalmandab",
    "magellan": "chili",
    "capehorn": "chili",
    "horn": "chili",
    "suezcanal": "suez",
    "panamacanal": "panama",
    "bosphorus": "bosporus",
    "northwestpassage": "northwest",
}
_BY_KEY = {name.replace("_", ""): name for name in PASSAGE_BITS} | _ALIASES


def normalise_passage(name: str) -> str | None:
    """Return the canonical passage name for ``name`` (aliases accepted), or None."""
    key = "".join(ch for ch in name.lower() if ch.isalnum())
    return _BY_KEY.get(key)


def passages_mask(names) -> int:
    """Return the bitmask of canonical passage ``names``."""
    mask = 0
    for name in names:
        mask |= 1 << PASSAGE_BITS[name]
    return mask


def passages_from_mask(mask: int) -> tuple[str, ...]:
    """Return the passage names set in ``mask``, in bit order."""
    return tuple(name for name in PASSAGES if mask >> PASSAGE_BITS[name] & 1)
