"""Canonical GS1 identifiers for the CBV 2.0 event hash: EPC URIs and GS1 Digital Links.

`canonical_id(text)` returns the *constrained canonical GS1 Digital Link URI* the CBV 2.0
event-hash algorithm (§8.9, rule "GS1 keys as canonical DL") hashes, or None when `text`
carries no GS1 key:

* EPC URIs (``urn:epc:id:…``), EPC class URIs (``urn:epc:class:lgtin:…``) and EPC ID
  pattern URIs (``urn:epc:idpat:…``) per the GS1 EPC Tag Data Standard: the GS1 company
  prefix and reference recombine into the key, its check digit is computed;
* GS1 Digital Link URIs on any host, ``http`` or ``https``, scheme and host in any case,
  with AI numbers or the 1.x short names (``/gtin/``, ``/ser/``, …): re-rooted on
  ``https://id.gs1.org``, query and fragment dropped, a GTIN padded to 14 digits, the CPV
  (22) dropped and only the finest level kept (``/10/LOT/21/SER`` → ``/21/SER``).

Characters the Digital Link syntax reserves (``! ( ) * + , :``) are percent-encoded, as the
reference implementation does. Hand-written because no kept library converts EPC URIs to
Digital Links (biip reads element strings, not EPC URNs); the rules are short and tested
against every reference vector.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["canonical_id", "gs1_check_digit", "DL_ROOT"]

DL_ROOT = "https://id.gs1.org"
_RESERVED = {"!": "%21", "(": "%28", ")": "%29", "*": "%2A", "+": "%2B", ",": "%2C", ":": "%3A"}
#: Digital Link short names (GS1 Digital Link 1.x) -> AI.
SHORT_NAMES = {
    "gtin": "01",
    "itip": "8006",
    "cpid": "8010",
    "gln": "414",
    "party": "417",
    "gsrnp": "8017",
    "gsrn": "8018",
    "gcn": "255",
    "sscc": "00",
    "gdti": "253",
    "ginc": "401",
    "gsin": "402",
    "grai": "8003",
    "giai": "8004",
    "cpv": "22",
    "lot": "10",
    "ser": "21",
}
PRIMARY_KEYS = ("01", "8006", "8010", "414", "417", "8017", "8018", "255", "00", "253", "401")
PRIMARY_KEYS += ("402", "8003", "8004")
#: Key qualifiers kept in the constrained form, finest first.
_QUALIFIERS = {"01": ("21", "10", "235"), "8006": ("21", "10"), "414": ("254",), "8010": ("8011",)}
# Characters a Digital Link value may carry unescaped for the constrained form (as the
# reference implementation accepts them): " ' - . 0-9 ; < = > ? A-Z _ a-z.
_C = r"[\"'\-.0-9;-?A-Z_a-z]"
#: The key values (and their qualifiers) of a valid constrained Digital Link, per AI.
_KEY_SYNTAX = {
    "00": r"\d{18}",
    "01": r"\d{14}",
    "253": rf"\d{{13}}{_C}{{0,17}}",
    "255": r"\d{13}\d{0,12}",
    "401": rf"{_C}{{1,30}}",
    "402": r"\d{17}",
    "414": r"\d{13}",
    "417": r"\d{13}",
    "8003": rf"\d{{14}}{_C}{{0,16}}",
    "8004": rf"{_C}{{1,30}}",
    "8006": r"\d{18}",
    "8010": r"[#\-/0-9A-Z]{1,30}",
    "8017": r"\d{18}",
    "8018": r"\d{18}",
}
_QUALIFIER_SYNTAX = {"21": rf"{_C}{{1,20}}", "10": rf"{_C}{{1,20}}", "235": rf"{_C}{{1,28}}"}
_QUALIFIER_SYNTAX |= {"254": rf"{_C}{{1,20}}", "8011": r"\d{1,12}"}


def gs1_check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit of `digits` (the key without its check digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def _enc(text: str) -> str:
    return "".join(_RESERVED.get(c, c) for c in text)


def _key(digits: str) -> str:
    return digits + gs1_check_digit(digits)


def _gtin(cp: str, ref: str) -> str:
    return _key(ref[:1] + cp + ref[1:])


def _split(rest: str, parts: int) -> list[str] | None:
    fields = rest.split(".", parts - 1)
    return fields if len(fields) == parts else None


def _digits(cp: str, ref: str) -> bool:
    return 6 <= len(cp) <= 12 and cp.isdigit() and (ref == "" or ref.isdigit())


def _epc_id(scheme: str, rest: str) -> str | None:
    if scheme in ("sgtin", "upui"):
        f = _split(rest, 3)
        if f and _digits(f[0], f[1]) and len(f[0] + f[1]) == 13 and f[2]:
            ai = "21" if scheme == "sgtin" else "235"
            return f"{DL_ROOT}/01/{_gtin(f[0], f[1])}/{ai}/{_enc(f[2])}"
    elif scheme in ("sscc", "gsrn", "gsrnp", "gsin"):
        f = _split(rest, 2)
        size = {"sscc": 17, "gsrn": 17, "gsrnp": 17, "gsin": 16}[scheme]
        if f and _digits(f[0], f[1]) and len(f[0] + f[1]) == size:
            digits = f[1][:1] + f[0] + f[1][1:] if scheme == "sscc" else f[0] + f[1]
            ai = {"sscc": "00", "gsrn": "8018", "gsrnp": "8017", "gsin": "402"}[scheme]
            return f"{DL_ROOT}/{ai}/{_key(digits)}"
    elif scheme in ("sgln", "grai", "gdti", "sgcn"):
        f = _split(rest, 3)
        if f and _digits(f[0], f[1]) and len(f[0] + f[1]) == 12:
            key = _key(f[0] + f[1])
            if scheme == "sgln":
                ext = "" if f[2] == "0" else f"/254/{_enc(f[2])}"
                return f"{DL_ROOT}/414/{key}{ext}"
            ai = {"grai": "8003/0", "gdti": "253/", "sgcn": "255/"}[scheme]
            return f"{DL_ROOT}/{ai}{key}{_enc(f[2])}"
    elif scheme == "pgln":
        f = _split(rest, 2)
        if f and _digits(f[0], f[1]) and len(f[0] + f[1]) == 12:
            return f"{DL_ROOT}/417/{_key(f[0] + f[1])}"
    elif scheme in ("giai", "ginc"):
        f = _split(rest, 2)
        if f and _digits(f[0], "") and f[1]:
            return f"{DL_ROOT}/{'8004' if scheme == 'giai' else '401'}/{f[0]}{_enc(f[1])}"
    elif scheme == "cpi":
        f = rest.split(".")
        if len(f) == 3 and _digits(f[0], "") and f[2].isdigit():
            return f"{DL_ROOT}/8010/{_enc(f[0] + f[1])}/8011/{f[2]}"
    elif scheme == "itip":
        f = _split(rest, 5)
        if f and _digits(f[0], f[1]) and len(f[0] + f[1]) == 13:
            return f"{DL_ROOT}/8006/{_gtin(f[0], f[1])}{f[2]}{f[3]}/21/{_enc(f[4])}"
    return None


def _epc_pattern(scheme: str, rest: str) -> str | None:
    f = rest.split(".")
    if not f or f[-1] != "*":
        return None
    f = f[:-1]
    if scheme in ("sgtin", "upui") and len(f) == 2 and len(f[0] + f[1]) == 13:
        return f"{DL_ROOT}/01/{_gtin(f[0], f[1])}" if _digits(f[0], f[1]) else None
    if scheme == "itip" and len(f) == 4 and len(f[0] + f[1]) == 13 and _digits(f[0], f[1]):
        return f"{DL_ROOT}/8006/{_gtin(f[0], f[1])}{f[2]}{f[3]}"
    if scheme in ("grai", "gdti", "sgcn") and len(f) == 2 and len(f[0] + f[1]) == 12:
        ai = {"grai": "8003/0", "gdti": "253/", "sgcn": "255/"}[scheme]
        return f"{DL_ROOT}/{ai}{_key(f[0] + f[1])}" if _digits(f[0], f[1]) else None
    if scheme == "cpi" and len(f) == 2 and _digits(f[0], ""):
        return f"{DL_ROOT}/8010/{_enc(f[0] + f[1])}"
    return None


def _epc_class(scheme: str, rest: str) -> str | None:
    f = _split(rest, 3)
    if scheme == "lgtin" and f and len(f[0] + f[1]) == 13 and _digits(f[0], f[1]) and f[2]:
        return f"{DL_ROOT}/01/{_gtin(f[0], f[1])}/10/{_enc(f[2])}"
    return None


_EPC = re.compile(r"^urn:epc:(id|idpat|class):([a-z]+):(.+)$")


def dl_parts(uri: str) -> tuple[str, str, list[tuple[str, str]]] | None:
    """(primary AI, key value, [(qualifier AI, value), …]) of a Digital Link URI on any host,
    short names mapped to AIs; None if `uri` is not an http(s) URI with a GS1 primary key."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    segments = parts.path.split("/")
    for i, seg in enumerate(segments):
        ai = SHORT_NAMES.get(seg, seg)
        if ai in PRIMARY_KEYS and i + 1 < len(segments):
            rest = segments[i + 2 :]
            if rest and rest[-1] == "":
                rest = rest[:-1]
            if len(rest) % 2:
                return None
            pairs = [
                (SHORT_NAMES.get(rest[j], rest[j]), rest[j + 1]) for j in range(0, len(rest), 2)
            ]
            return ai, segments[i + 1], pairs
    return None


def _dl(uri: str) -> str | None:
    found = dl_parts(uri)
    if found is None:
        return None
    ai, key, pairs = found
    if ai == "01" and key.isdigit() and len(key) in (8, 12, 13):
        key = key.zfill(14)
    if not re.match(r"^\d{4}", key) or not re.fullmatch(_KEY_SYNTAX[ai], key):
        return None
    qualifiers = dict(p for p in pairs if p[0] != "22")  # the CPV is not an identity level
    allowed = _QUALIFIERS.get(ai, ())
    if set(qualifiers) - set(allowed):
        return None
    if ai == "01" and "235" in qualifiers and len(qualifiers) > 1:
        return None
    finest = next((q for q in allowed if q in qualifiers), None)
    if finest and not re.fullmatch(_QUALIFIER_SYNTAX[finest], qualifiers[finest]):
        return None
    tail = f"/{finest}/{qualifiers[finest]}" if finest else ""
    return f"{DL_ROOT}/{ai}/{key}{tail}"


def canonical_id(text: str) -> str | None:
    """The constrained canonical GS1 Digital Link URI of an EPC URI or Digital Link, or None."""
    m = _EPC.match(text)
    if m:
        kind, scheme, rest = m.groups()
        convert = {"id": _epc_id, "idpat": _epc_pattern, "class": _epc_class}[kind]
        return convert(scheme, rest)
    if text[:4].lower() == "http":
        return _dl(text)
    return None
