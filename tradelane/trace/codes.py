"""GS1 identifiers for items: GTIN + serial (SGTIN) and SSCC, as GS1 Digital Link URIs.

Accepted spellings of one code (all parse to the same `Item` identity):

* a GS1 Digital Link 1.x URI on any host, scheme and host in any case, with AI numbers
  or the 1.x short names: ``https://id.gs1.org/01/09506000134352/10/LOT/21/ABC1``,
  ``HTTPS://brand.example/gtin/09506000134352/ser/ABC1?17=271231``,
  ``https://brand.example/00/106141411234567897`` (data attributes such as ``?17=`` are
  read; ``linkType`` and other non-AI query parameters are ignored);
* a GS1 element string, human-readable ``(01)09506000134352(10)LOT(21)ABC1(17)271231`` or
  raw with FNC1 / GS separators and an optional symbology identifier (``]C1``, ``]d2``,
  ``]Q3``);
* a bare 18-digit SSCC, or ``GTIN/SERIAL`` (``09506000134352/ABC1``);
* a Tradelane trace link ``{base_url}/trace?code=<any of the above>``.

Element strings and Digital Links are read by `biip` (PyPI), which knows the GS1 General
Specifications' AI table (formats, dates, check characters); this module adds what biip
leaves to its caller: the short names, the one identity an item needs ((01)+(21) or (00)),
duplicate AIs, check digits, and a path that is not a valid Digital Link (``/00/SSCC/21/X``,
AIs before the primary key) is refused rather than cut short.

The identity (the Merkle leaf) is always the ``https://id.gs1.org`` URI with a 14-digit GTIN
and the serial, or the SSCC; other AIs (lot, expiry, …) are kept as `Item.attributes`.

>>> parse("(01)9506000134352(21)ABC1").uri
'https://id.gs1.org/01/09506000134352/21/ABC1'
>>> parse("(01)09506000134352(21)A1(17)271231").attributes
(('17', '271231'),)
>>> check_digit("950600013435")
'2'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, quote, urlsplit

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_messages import GS1Message

from ..errors import InputError
from .canonical import SHORT_NAMES
from .canonical import gs1_check_digit as check_digit

__all__ = ["DL_HOST", "Item", "check_digit", "parse", "valid_gtin", "valid_sscc"]

DL_HOST = "https://id.gs1.org"
# GS1 AI encodable character set 82 (AI 21 serial numbers), 1..20 characters.
_SERIAL = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$")
_SHORT_GTIN = re.compile(r"\(01\)(\d{8}|\d{12}|\d{13})(?=\(|$)")
_SYMBOLOGY = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
IDENTITY_AIS = ("00", "01", "21")


def _check(kind: str, code: str, lengths: tuple[int, ...]) -> None:
    if not code.isdigit() or len(code) not in lengths:
        sizes = "/".join(str(n) for n in lengths)
        raise InputError(f"{kind} '{code}' must be {sizes} digits")
    expected = check_digit(code[:-1])
    if code[-1] != expected:
        raise InputError(f"{kind} '{code}' has check digit {code[-1]}, expected {expected}")


def valid_gtin(code: str) -> bool:
    try:
        _check("GTIN", code, (8, 12, 13, 14))
    except InputError:
        return False
    return True


def valid_sscc(code: str) -> bool:
    try:
        _check("SSCC", code, (18,))
    except InputError:
        return False
    return True


@dataclass(frozen=True)
class Item:
    """One traced thing: a serialised trade item (SGTIN) or a logistics unit (SSCC)."""

    kind: Literal["sgtin", "sscc"]
    gtin: str | None = None  # 14 digits
    serial: str | None = None
    sscc: str | None = None  # 18 digits
    parent: str | None = None  # SSCC of the logistics unit the item is packed in
    attributes: tuple[tuple[str, str], ...] = ()  # other GS1 AIs: (("10", "LOT"), ("17", …))

    @property
    def uri(self) -> str:
        """The canonical GS1 Digital Link URI: the trace code, and the Merkle leaf's content."""
        if self.kind == "sscc":
            return f"{DL_HOST}/00/{self.sscc}"
        return f"{DL_HOST}/01/{self.gtin}/21/{quote(self.serial or '', safe='')}"

    @property
    def element_string(self) -> str:
        head = f"(00){self.sscc}" if self.kind == "sscc" else f"(01){self.gtin}(21){self.serial}"
        return head + "".join(f"({ai}){value}" for ai, value in self.attributes)

    def attribute(self, ai: str) -> str | None:
        return dict(self.attributes).get(ai)

    def identity_json(self) -> dict:
        """What the Merkle leaf commits to: the URI and the fields it spells."""
        if self.kind == "sscc":
            return {"uri": self.uri, "kind": self.kind, "sscc": self.sscc}
        return {"uri": self.uri, "kind": self.kind, "gtin": self.gtin, "serial": self.serial}

    def to_json(self) -> dict:
        data = self.identity_json()
        if self.parent:
            data["parent"] = self.parent
        if self.attributes:
            data["attributes"] = dict(self.attributes)
        return data


def sgtin(gtin: str, serial: str, parent: str | None = None, attributes=()) -> Item:
    gtin = gtin.strip()
    _check("GTIN", gtin, (8, 12, 13, 14))
    if not _SERIAL.match(serial):
        raise InputError(
            f"serial '{serial}' must be 1-20 characters of the GS1 AI 21 set (A-Z a-z 0-9 -./…)"
        )
    return Item("sgtin", gtin=gtin.zfill(14), serial=serial, parent=_parent(parent),
                attributes=tuple(attributes))  # fmt: skip


def sscc(code: str, attributes=()) -> Item:
    code = code.strip()
    _check("SSCC", code, (18,))
    return Item("sscc", sscc=code, attributes=tuple(attributes))


def _parent(parent: str | None) -> str | None:
    if not parent:
        return None
    return parse(parent).sscc if not parent.strip().isdigit() else sscc(parent).sscc


def parse(text: str, parent: str | None = None) -> Item:
    """An `Item` from any accepted spelling (see the module doc); InputError names the bad value."""
    raw = str(text).strip()
    if not raw:
        raise InputError("empty trace code")
    if raw[:8].lower() == "https://" or raw[:7].lower() == "http://":
        return _from_uri(raw, parent)
    if raw.startswith("("):
        return _from_elements(_hri(raw), raw, parent)
    if raw.isdigit() and len(raw) == 18:
        return sscc(raw)
    if _SYMBOLOGY.match(raw) or "\x1d" in raw or (raw.isdigit() and raw[:2] in ("00", "01")):
        return _from_elements(_raw_message(raw), raw, parent)
    if "/" in raw and raw.split("/", 1)[0].isdigit():
        gtin, serial = raw.split("/", 1)
        return sgtin(gtin, serial, parent)
    raise InputError(
        f"'{raw}' is not a trace code: give a GS1 Digital Link URI, (01)GTIN(21)SERIAL, "
        "or an 18-digit SSCC"
    )


def _pairs(message) -> list[tuple[str, str]]:
    return [(e.ai.ai, e.value) for e in message.element_strings]


def _hri(raw: str) -> list[tuple[str, str]]:
    padded = _SHORT_GTIN.sub(lambda m: "(01)" + m.group(1).zfill(14), raw)
    try:
        return _pairs(GS1Message.parse_hri(padded))
    except ParseError as err:
        raise InputError(f"'{raw}' is not a valid GS1 element string: {err}") from err


def _raw_message(raw: str) -> list[tuple[str, str]]:
    body = raw[3:] if _SYMBOLOGY.match(raw) else raw
    try:
        return _pairs(GS1Message.parse(body))
    except ParseError as err:
        raise InputError(f"'{raw}' is not a valid GS1 element string: {err}") from err


def _from_elements(pairs: list[tuple[str, str]], raw: str, parent: str | None) -> Item:
    values: dict[str, str] = {}
    for ai, value in pairs:
        if ai in values and values[ai] != value:
            raise InputError(f"'{raw}' gives AI ({ai}) twice: '{values[ai]}' and '{value}'")
        values[ai] = value
    attributes = tuple((ai, v) for ai, v in values.items() if ai not in IDENTITY_AIS)
    if "00" in values:
        if "01" in values or "21" in values:
            raise InputError(f"'{raw}': an SSCC (00) takes no GTIN (01) or serial (21)")
        return sscc(values["00"], attributes)
    if "01" in values:
        if "21" not in values:
            raise InputError(f"'{raw}': a GTIN (01) needs a serial number (21) to be traced")
        return sgtin(values["01"], values["21"], parent, attributes)
    found = ", ".join(f"({ai})" for ai in values) or "none"
    raise InputError(
        f"'{raw}' names no item: it needs (01)GTIN + (21)SERIAL or (00)SSCC (AIs found: {found})"
    )


def _from_uri(raw: str, parent: str | None) -> Item:
    parts = urlsplit(raw)
    query = parse_qs(parts.query)
    if parts.path.rstrip("/").endswith("/trace") and "code" in query:
        return parse(query["code"][0], parent)  # a Tradelane trace link wrapping the code
    segments = parts.path.split("/")
    ais = [SHORT_NAMES.get(s, s) for s in segments]
    start = next((i for i, s in enumerate(ais) if s in ("00", "01", *SHORT_NAMES.values())), None)
    if start is None:
        raise InputError(
            f"'{raw}' is not a GS1 Digital Link URI of an item (no /01/GTIN/21/SERIAL or /00/SSCC)"
        )
    if ais[start] in ("10", "21", "22"):
        raise InputError(
            f"'{raw}' is not a valid GS1 Digital Link URI: qualifier /{segments[start]}/ comes "
            "before the primary key (write /01/GTIN/10/LOT/21/SERIAL)"
        )
    path = "/".join(segments[:start] + ais[start:])
    normalised = parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower(), path=path)
    try:
        link = GS1DigitalLinkURI.parse(normalised.geturl())
    except ParseError as err:
        raise InputError(f"'{raw}' is not a valid GS1 Digital Link URI: {err}") from err
    return _from_elements(_pairs(link), raw, parent)
