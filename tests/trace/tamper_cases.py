"""The tamper cases over a full lifecycle's proof bundle (tests/trace/test_bundle.py and the CLI
tests run every one, offline and against the chain)."""

from __future__ import annotations


def flip(hex_text: str) -> str:
    """The same hex string with one byte changed."""
    i = len(hex_text) - 4
    return hex_text[:i] + ("0" if hex_text[i] != "0" else "1") + hex_text[i + 1 :]


def _set(path, value_fn):
    def mutate(b):
        *keys, last = path
        target = b
        for k in keys:
            target = target[k]
        target[last] = value_fn(target[last])

    return mutate


def _del(path):
    def mutate(b):
        *keys, last = path
        target = b
        for k in keys:
            target = target[k]
        del target[last]

    return mutate


def _drop(i):
    return lambda b: b["milestones"].pop(i)


def _swap(i, j):
    def mutate(b):
        ms = b["milestones"]
        ms[i], ms[j] = ms[j], ms[i]

    return mutate


def _also(*mutations):
    def mutate(b):
        for m in mutations:
            m(b)

    return mutate


def truncate(keep):
    """Cut the history to `keep` milestones and fix head and count: consistent, incomplete."""

    def mutate(b):
        del b["milestones"][keep:]
        b["head"] = b["milestones"][-1]["head"]
        b["milestone_count"] = keep

    return mutate


SERIAL_ITEM = ("items", "list", 1)
#: name -> (mutation, the message offline, the message with --rpc if it differs).
#: The attacker recomputes the digest; each case must be caught by what it breaks.
TAMPERING = {
    "event time": (_set(("milestones", 1, "event_time"), lambda v: v + 1), "does not re-pack"),
    "event time text": (
        _set(("milestones", 1, "event_time_utc"), lambda v: "1999" + v[4:]),
        "event_time_utc",
    ),
    "recorded at": (_set(("milestones", 1, "recorded_at"), lambda v: v - 1), "does not re-pack"),
    "location": (_set(("milestones", 1, "location"), lambda v: "CNSHB"), "does not re-pack"),
    "code": (_set(("milestones", 1, "code"), lambda v: "GTIN"), "does not re-pack"),
    "classifier": (_set(("milestones", 1, "classifier"), lambda v: "EST"), "does not re-pack"),
    "leg": (_set(("milestones", 1, "leg"), lambda v: 1), "does not re-pack"),
    "relayed flag": (_set(("milestones", 1, "relayed"), lambda v: True), "does not re-pack"),
    "record": (_set(("milestones", 1, "record"), flip), "does not re-pack"),
    "head": (_set(("milestones", 1, "head"), flip), "does not re-hash"),
    "prev head": (_set(("milestones", 2, "prev_head"), flip), "does not link"),
    "carrier": (_set(("milestones", 1, "carrier"), lambda v: "0x" + "11" * 20), "carrier"),
    "signature": (_set(("milestones", 2, "signature"), flip), "signature"),
    "deadline": (_set(("milestones", 2, "deadline"), lambda v: v + 1), "deadline"),
    "nonce": (_set(("milestones", 2, "nonce"), lambda v: v + 1), "nonce"),
    "tx hash": (_set(("milestones", 1, "tx_hash"), flip), "is not the hash of its transaction"),
    "transaction": (
        _set(("milestones", 1, "transaction"), flip),
        "is not the hash of its transaction",
    ),
    "transaction removed": (
        _set(("milestones", 1, "transaction"), lambda v: None),
        "no signed transaction in the bundle",
    ),
    "route leg": (
        _set(("routes", 0, "legs", 0, "planned_arrival"), lambda v: v + 1),
        "legs hash to",
    ),
    "route carrier": (
        _set(("routes", 0, "legs", 1, "carrier"), lambda v: "0x" + "22" * 20),
        "legs hash to",
    ),
    "route hash": (_set(("routes", 0, "route_hash"), flip), "legs hash to"),
    "route mode": (
        _set(("routes", 0, "legs", 0, "mode"), lambda v: "boat"),
        "routes[0].legs[0].mode: 'boat' must be one of sea, air, rail, road, barge",
    ),
    "network hash": (_set(("network_hash",), flip), "network_hash"),
    "items root": (_set(("items", "root"), flip), "items hash to root"),
    "item uri": (_set((*SERIAL_ITEM, "uri"), lambda v: v[:-1] + "9"), "items hash to root"),
    "item serial, uri kept": (
        _set((*SERIAL_ITEM, "serial"), lambda v: "SN-009"),
        "items.list[1]: serial 'SN-009' is not the serial its URI spells ('SN-001')",
    ),
    "item gtin": (
        _set((*SERIAL_ITEM, "gtin"), lambda v: "09506000134369"),
        "is not the gtin its URI spells",
    ),
    "item kind": (
        _set(("items", "list", 0, "kind"), lambda v: "sgtin"),
        "items.list[0].gtin: missing",
    ),
    "item list null": (
        _set(("items", "list"), lambda v: None),
        "items.list: null must be a list",
    ),
    "item removed": (lambda b: b["items"]["list"].pop(), "the 3 items hash to root"),
    "item twice": (
        lambda b: b["items"]["list"].append(dict(b["items"]["list"][1])),
        "names an item twice",
    ),
    "item extra field": (
        _set(SERIAL_ITEM, lambda v: {**v, "lot": "L1"}),
        "items.list[1].lot: unknown field",
    ),
    "extra top-level field": (
        lambda b: b.update(verified=True),
        "verified: unknown field",
    ),
    "extra milestone field": (
        _set(("milestones", 1), lambda v: {**v, "note": "ok"}),
        "milestones[1].note: unknown field",
    ),
    "missing field": (_del(("milestones", 1, "record")), "milestones[1].record: missing"),
    "routes null": (_set(("routes",), lambda v: None), "routes: null must be a list"),
    "final head": (_set(("head",), flip), "is not the last milestone's head"),
    "genesis": (_set(("genesis",), flip), "genesis"),
    "chain id": (
        _set(("chain_id",), lambda v: v + 1),
        "genesis",
        "bundle is from chain",
    ),
    "chain id as float": (
        _set(("chain_id",), float),
        ("chain_id: ", ".0 must be a whole number (no decimal point)"),
    ),
    "shipment id as float": (
        _set(("shipment_id",), float),
        ("shipment_id: ", ".0 must be a whole number (no decimal point)"),
    ),
    "count as text": (
        _set(("milestone_count",), str),
        "milestone_count: '11' must be a whole number",
    ),
    "relayed as text": (
        _set(("milestones", 2, "relayed"), lambda v: "true"),
        "milestones[2].relayed: 'true' must be true or false",
    ),
    "time as boolean": (
        _set(("milestones", 1, "event_time"), lambda v: True),
        "milestones[1].event_time: True must be a whole number",
    ),
    "negative block": (
        _set(("milestones", 1, "block_number"), lambda v: -1),
        "milestones[1].block_number: -1 is outside",
    ),
    "signature not hex": (
        _set(("milestones", 2, "signature"), lambda v: "0xZZ" + v[4:]),
        ("milestones[2].signature: '0xZZ", "must be lowercase 0x hex"),
    ),
    "contract not checksummed": (
        _set(("contract",), str.lower),
        ("contract: '0x", "must be a checksummed address"),
    ),
    "location lower case": (
        _set(("milestones", 1, "location"), str.lower),
        "milestones[1].location: 'cnsha' must be text",
    ),
    "unknown code": (
        _set(("milestones", 1, "code"), lambda v: "XXXX"),
        "milestones[1].code: 'XXXX' must be one of",
    ),
    "state proof junk": (
        _set(("state_proof",), lambda v: {"block_number": 1}),
        "state_proof.block_hash: missing",
    ),
    "count": (_set(("milestone_count",), lambda v: v - 1), "milestone_count"),
    "milestone dropped": (_drop(4), "missing or out of order"),
    "last milestone dropped": (_drop(-1), "is not the last milestone's head"),
    "milestones reordered": (_swap(4, 5), "missing or out of order"),
    "format": (_set(("format",), lambda v: "tradelane-proof-bundle/1"), "format is"),
}
