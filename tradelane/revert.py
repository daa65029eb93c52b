"""Turn a failed call or transaction into one readable line.

Reverts reach us in different shapes: web3's ``ContractCustomError`` (anvil and other
nodes, with the error data as hex) or eth-tester's ``TransactionFailed`` (error bytes on
the exception or its chained cause). Both are decoded against every custom error in the
compiled contracts, then worded by `describe` when it knows the error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import NoReturn

from eth_abi import decode
from eth_utils import function_signature_to_4byte_selector, to_checksum_address

from .errors import ChainError, ContractRevert, InputError

__all__ = ["raise_decoded", "decode_revert", "ERROR_WORDS"]

STATES = ("None", "Open", "Routed", "Delivered", "Disputed", "Completed", "Refunded", "Resolved")
CODES = ("GTIN", "LOAD", "DEPA", "ARRI", "DISC", "GTOT", "INSP", "RELS", "DROP")


def _locode(raw: bytes) -> str:
    return raw.rstrip(b"\0").decode("ascii", "replace") or "-"


def _date(ts: int) -> str:
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%d %H:%M UTC")


def span(seconds: int) -> str:
    """A duration in its largest whole units: '3 d', '1 d 12 h', '45 min'."""
    days, rest = divmod(int(seconds), 86_400)
    hours, rest = divmod(rest, 3_600)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else ""]
    parts.append(f"{rest // 60} min" if rest >= 60 and not days else "")
    return " ".join(p for p in parts if p) or f"{seconds} s"


def _role(raw: bytes) -> str:
    return raw.rstrip(b"\0").decode("ascii", "replace")


def _invalid_route(given: bytes, computed: bytes) -> str:
    # The contract reports malformed legs (empty, too many, unconnected, a zero port or carrier,
    # departure after arrival, not ending at the destination, an amendment from past the route's
    # end) with `computed` = 0: nothing was hashed, so there is no hash mismatch to show.
    if not any(computed):
        return (
            "the route's legs are malformed: none or more than 16, not connected, a zero port or "
            "carrier, departure after arrival, not ending at the order's destination, or an "
            "amendment starting past the route's end"
        )
    return f"route hash 0x{given.hex()} does not match the legs (they hash to 0x{computed.hex()})"


# Error name -> a sentence built from its decoded arguments.
ERROR_WORDS: dict[str, Callable[..., str]] = {
    "UnknownShipment": lambda sid: f"shipment {sid} does not exist",
    "WrongState": lambda sid, st: f"shipment {sid} is {STATES[st]}, which does not allow this",
    "Unauthorized": lambda acct, role: f"{acct} is not the {_role(role)} of this shipment",
    "InvalidOrder": lambda field: f"invalid order: {_role(field)}",
    "WrongValue": lambda sent, exp: f"sent {sent} wei but the order amount is {exp}",
    "InvalidRoute": lambda given, computed: _invalid_route(given, computed),
    "RouteFrozen": lambda sid, leg: f"shipment {sid}'s route is frozen from leg {leg}",
    "LegOutOfOrder": lambda sid, leg, exp: (
        f"milestone for leg {leg} of shipment {sid} is out of order: expected leg {exp}"
    ),
    "CodeOutOfOrder": lambda sid, leg, code: (
        f"{CODES[code]} cannot follow what leg {leg} of shipment {sid} has already recorded"
    ),
    "WrongLocation": lambda sid, leg, loc, exp: (
        f"milestone at {_locode(loc)} is in the wrong place: leg {leg} expects {_locode(exp)}"
    ),
    "TimeOutOfOrder": lambda sid, t, bound: (
        f"event time {_date(t)} goes backwards or into the future (limit {_date(bound)}) on "
        f"shipment {sid}; give --time between its last milestone and now"
    ),
    "NotCarrier": lambda sid, leg, signer, carrier: (
        f"{to_checksum_address(signer)} is not the carrier of leg {leg} of shipment {sid} "
        f"({to_checksum_address(carrier)} is; an attestation signed for another milestone "
        "number recovers to a stranger)"
    ),
    "AttestationExpired": lambda deadline, now: (
        f"attestation expired at {_date(deadline)} (now {_date(now)}); have the carrier sign again"
    ),
    "TooEarly": lambda sid, ready: (
        f"too early for shipment {sid}: possible from {_date(ready)}; run it again then"
    ),
    "SplitTooLarge": lambda to_buyer, held: f"split {to_buyer} exceeds the {held} held",
    "NothingToWithdraw": lambda payee, token: f"{payee} has nothing to withdraw in {token}",
    "EthTransferFailed": lambda to, amount: f"sending {amount} wei to {to} failed",
    "ERC20InsufficientAllowance": lambda spender, allowance, needed: (
        f"token allowance {allowance} is below {needed}; approve the escrow first"
    ),
    "ERC20InsufficientBalance": lambda sender, balance, needed: (
        f"token balance {balance} of {sender} is below {needed}"
    ),
    "SafeERC20FailedOperation": lambda token: f"token {token} refused the transfer",
    "ECDSAInvalidSignature": lambda: "the signature is invalid",
    "ECDSAInvalidSignatureS": lambda s: "the signature is malleable (high s) and was refused",
    "ECDSAInvalidSignatureLength": lambda n: f"the signature has {n} bytes, expected 65",
    "ReentrancyGuardReentrantCall": lambda: "reentrant call refused",
    "OfferUsed": lambda seller, nonce: (
        f"offer #{nonce} of seller {seller} was already accepted or revoked; ask for a new offer"
    ),
    "OfferExpired": lambda expiry, now: (
        f"the offer expired on {_date(expiry)} (chain time {_date(now)}); ask for a new offer"
    ),
    "RoleConflict": lambda account, role: (
        f"{account} cannot be the {_role(role)}: it already has another role in this deal "
        "(buyer, seller, arbiter and carriers must all differ)"
    ),
    "BookingNotConfirmed": lambda sid, leg: (
        f"the carrier of leg {leg} of shipment {sid} has not confirmed its booking yet; "
        f"it confirms with `tradelane book {sid} --leg {leg}`"
    ),
    "TermsMismatch": lambda sid, leg: (
        f"the booking or amendment for leg {leg} of shipment {sid} was signed for other terms "
        "than those in force; sign it again for the current terms"
    ),
    "InvalidReceiver": lambda receiver: (
        f"{receiver} cannot receive the seller's money: not the contract, the arbiter or a "
        "carrier, and not while disputed"
    ),
    "OutOfBounds": lambda field, value, low, high: (
        f"{_role(field)} {span(value)} is outside {span(low)} to {span(high)}; choose a value "
        "in that range"
    ),
}


@cache
def _error_table() -> dict[bytes, tuple[str, list[str]]]:
    from .compiler import compile_contracts

    table: dict[bytes, tuple[str, list[str]]] = {}
    for artifact in compile_contracts().values():
        for item in artifact.abi:
            if item.get("type") != "error":
                continue
            types = [_abi_type(i) for i in item["inputs"]]
            selector = function_signature_to_4byte_selector(f"{item['name']}({','.join(types)})")
            table[selector] = (item["name"], types)
    return table


def _abi_type(param: dict) -> str:
    if param["type"].startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in param["components"])
        return f"({inner}){param['type'][5:]}"
    return param["type"]


def decode_revert(data: bytes) -> ContractRevert | None:
    """The custom error in `data`, worded, or None when the selector is unknown."""
    entry = _error_table().get(data[:4])
    if entry is None:
        return None
    name, types = entry
    args = tuple(decode(types, data[4:]))
    words = ERROR_WORDS.get(name)
    message = words(*args) if words else f"{name}{args}"
    return ContractRevert(message, name, args)


def _candidates(err: BaseException):
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        yield from err.args
        data = getattr(err, "data", None)
        if data is not None:
            yield data
        err = err.__cause__ or err.__context__


def _as_bytes(value) -> bytes | None:
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str) and value.startswith("0x"):
        try:
            return bytes.fromhex(value[2:])
        except ValueError:
            return None
    if isinstance(value, dict):
        return _as_bytes(value.get("data"))
    return None


def raise_decoded(err: BaseException, w3=None) -> NoReturn:
    """Re-raise `err` as a `ContractRevert` (decoded) or a one-line `ChainError`."""
    for value in _candidates(err):
        data = _as_bytes(value)
        if data and len(data) >= 4:
            decoded = decode_revert(data)
            if decoded is not None:
                raise decoded from err
    text = " ".join(str(err).split()) or type(err).__name__
    lowered = text.lower()
    if "insufficient funds" in lowered:
        raise InputError(f"insufficient funds for this transaction: {text}") from err
    if "nonce too low" in lowered or "already known" in lowered:
        raise ChainError(f"transaction already sent ({text}); re-run to resume") from err
    if "connection" in lowered or "max retries" in lowered:
        raise ChainError(f"lost the connection to the node: {text}") from err
    raise ChainError(f"transaction failed: {text[:300]}") from err
