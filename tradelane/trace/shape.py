"""The exact shape of a proof bundle: every field typed, nothing missing, nothing extra.

`problems(bundle)` lists, one line each, every field that is missing, unknown, or not of
its type — before any hash is re-derived, so a malformed bundle gets a specific message
(``chain_id: 31337.0 must be a whole number (no decimal point)``) and never a crash.
Numbers are strict: a JSON ``1.0`` is not the integer 1, ``true`` is not 1, ``"1"`` is not
1. Hexadecimal values are lowercase ``0x`` with their exact length; addresses checksummed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from eth_utils import is_checksum_address

__all__ = ["problems"]

Check = Callable[[object], str | None]


def _int(lo: int = 0, hi: int = 2**256 - 1) -> Check:
    def check(v) -> str | None:
        if isinstance(v, bool) or not isinstance(v, int):
            if isinstance(v, float) and v.is_integer():
                return f"{v!r} must be a whole number (no decimal point)"
            return f"{v!r} must be a whole number"
        if not lo <= v <= hi:
            return f"{v} is outside {lo}..{hi}"
        return None

    return check


def _hex(size: int | None) -> Check:
    pattern = re.compile(r"^0x[0-9a-f]*$")

    def check(v) -> str | None:
        if not isinstance(v, str) or not pattern.match(v) or len(v) % 2:
            return f"{v!r} must be lowercase 0x hex"
        if size is not None and len(v) != 2 + 2 * size:
            return f"{v!r} must be {size} bytes"
        return None

    return check


def _address(v) -> str | None:
    if not isinstance(v, str) or not is_checksum_address(v):
        return f"{v!r} must be a checksummed address"
    return None


def _text(pattern: str = r".+") -> Check:
    compiled = re.compile(pattern)

    def check(v) -> str | None:
        if not isinstance(v, str) or not compiled.fullmatch(v):
            return f"{v!r} must be text matching {pattern}"
        return None

    return check


def _bool(v) -> str | None:
    return None if isinstance(v, bool) else f"{v!r} must be true or false"


def _const(value) -> Check:
    return lambda v: None if v == value else f"{v!r} must be {value!r}"


def _one_of(*values) -> Check:
    return lambda v: None if v in values else f"{v!r} must be one of {', '.join(values)}"


def _nullable(check: Check) -> Check:
    return lambda v: None if v is None else check(v)


H32, H24, LOCODE = _hex(32), _hex(24), _text(r"[A-Z]{2}[A-Z0-9]{3}")
ISO = _text(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
UINT32 = _int(0, 2**32 - 1)
TIME = _int(0, 253_402_300_799)  # unix seconds up to 9999-12-31T23:59:59Z
POSITION = {"tx_hash": H32, "block_number": _int(0, 2**63), "log_index": _int(0, 2**32)}
LEG = {
    "origin": LOCODE,
    "destination": LOCODE,
    "mode": _one_of("sea", "air", "rail", "road", "barge"),
    "carrier": _address,
    "planned_departure": TIME,
    "planned_arrival": TIME,
    "passages": _int(0, 2**16 - 1),
}
ROUTE = {
    "from_leg": _int(0, 255),
    "route_hash": H32,
    "network_hash": H32,
    "legs": [LEG],
    **POSITION,
}
SGTIN = {"uri": _text(r"https://id\.gs1\.org/01/\S+"), "kind": _const("sgtin"),
         "gtin": _text(r"\d{14}"), "serial": _text(r"\S{1,20}")}  # fmt: skip
SSCC = {"uri": _text(r"https://id\.gs1\.org/00/\d{18}"), "kind": _const("sscc"),
        "sscc": _text(r"\d{18}")}  # fmt: skip
MILESTONE = {
    "seq": UINT32,
    "leg": _int(0, 255),
    "code": _one_of("GTIN", "LOAD", "DEPA", "ARRI", "DISC", "GTOT", "INSP", "RELS", "DROP"),
    "classifier": _one_of("ACT", "EST", "PLN"),
    "location": LOCODE,
    "event_time": TIME,
    "event_time_utc": ISO,
    "recorded_at": TIME,
    "recorded_at_utc": ISO,
    "carrier": _address,
    "relayed": _bool,
    "signature": _nullable(_hex(65)),
    "nonce": _nullable(UINT32),
    "deadline": _nullable(_int()),
    "record": H32,
    "prev_head": H24,
    "head": H24,
    "transaction": _nullable(_hex(None)),
    **POSITION,
}
OPENED = {
    "buyer": _address,
    "seller": _address,
    "token": _address,
    "amount": _text(r"\d+"),
    "destination": LOCODE,
    "deadline": TIME,
    "arbiter": _address,
    **POSITION,
}
STATE_PROOF = {
    "block_number": _int(0, 2**63),
    "block_hash": H32,
    "header": _hex(None),
    "slot": H32,
    "account_proof": [_hex(None)],
    "storage_proof": [_hex(None)],
}
BUNDLE = {
    "format": _text(),
    "created_at": ISO,
    "chain_id": _int(1, 2**64),
    "contract": _address,
    "shipment_id": _int(0, 2**64 - 1),
    "genesis": H24,
    "opened": ("nullable", OPENED),
    "route_hash": H32,
    "network_hash": H32,
    "routes": [ROUTE],
    "items": {
        "root": H32,
        "list": [("item", {"sgtin": SGTIN, "sscc": SSCC})],
        "committed": ("nullable", {"root": H32, **POSITION}),
    },
    "milestones": [MILESTONE],
    "milestone_count": UINT32,
    "head": H24,
    "state_proof": ("nullable", STATE_PROOF),
    "state_proof_missing": _nullable(_text()),
    "digest": _text(r"sha256:[0-9a-f]{64}"),
}


def _walk(value, spec, path: str, out: list[str]) -> None:
    if callable(spec):
        message = spec(value)
        if message:
            out.append(f"{path}: {message}")
    elif isinstance(spec, list):
        if not isinstance(value, list):
            out.append(f"{path}: {_kind(value)} must be a list")
            return
        for i, entry in enumerate(value):
            _walk(entry, spec[0], f"{path}[{i}]", out)
    elif isinstance(spec, tuple) and spec[0] == "nullable":
        if value is not None:
            _walk(value, spec[1], path, out)
    elif isinstance(spec, tuple) and spec[0] == "item":
        kind = value.get("kind") if isinstance(value, dict) else None
        if not isinstance(kind, str) or kind not in spec[1]:
            out.append(f"{path}.kind: {kind!r} must be sgtin or sscc")
            return
        _walk(value, spec[1][kind], path, out)
    else:
        if not isinstance(value, dict):
            out.append(f"{path}: {_kind(value)} must be an object")
            return
        for key in spec:
            if key not in value:
                out.append(f"{path}.{key}: missing".lstrip("."))
        for key in value:
            if key not in spec:
                out.append(
                    f"{path}.{key}: unknown field (not part of a Tradelane bundle)".lstrip(".")
                )
        for key, sub in spec.items():
            if key in value:
                _walk(value[key], sub, f"{path}.{key}".lstrip("."), out)


def _kind(value) -> str:
    return "null" if value is None else f"{type(value).__name__} {value!r}"[:60]


def problems(bundle) -> list[str]:
    """Every shape problem of `bundle` (empty: every field present, typed, none extra)."""
    out: list[str] = []
    _walk(bundle, BUNDLE, "", out)
    return out
