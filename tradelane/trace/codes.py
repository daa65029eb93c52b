"""GS1 identifiers for items: GTIN + serial (SGTIN) and SSCC, as GS1 Digital Link URIs.

Accepted spellings of one code (all parse to the same `Item`):

* a GS1 Digital Link URI on any host: ``https://id.gs1.org/01/09506000134352/21/ABC1``,
  ``https://brand.example/00/106141411234567897`` (query and fragment are ignored);
* a GS1 element string: ``(01)09506000134352(21)ABC1`` or ``(00)106141411234567897``;
* a bare 18-digit SSCC, or ``GTIN/SERIAL`` (``09506000134352/ABC1``);
* a Tradelane trace link ``{base_url}/trace?code=<any of the above>``.

The canonical form is always the ``https://id.gs1.org`` URI with a 14-digit GTIN.

>>> parse("(01)9506000134352(21)ABC1").uri
'https://id.gs1.org/01/09506000134352/21/ABC1'
>>> check_digit("950600013435")
'2'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..errors import InputError

__all__ = ["DL_HOST", "Item", "check_digit", "parse", "valid_gtin", "valid_sscc"]

DL_HOST = "https://id.gs1.org"
# GS1 AI encodable character set 82 (AI 21 serial numbers), 1..20 characters.
_SERIAL = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$")
_ELEMENT = re.compile(r"^\((01|00)\)(\d+)(?:\(21\)(.+))?$")


def check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit of `digits` (the code without its last digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


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

    @property
    def uri(self) -> str:
        """The canonical GS1 Digital Link URI: the trace code, and the Merkle leaf's content."""
        if self.kind == "sscc":
            return f"{DL_HOST}/00/{self.sscc}"
        return f"{DL_HOST}/01/{self.gtin}/21/{quote(self.serial or '', safe='')}"

    @property
    def element_string(self) -> str:
        if self.kind == "sscc":
            return f"(00){self.sscc}"
        return f"(01){self.gtin}(21){self.serial}"

    def to_json(self) -> dict:
        data = {"uri": self.uri, "kind": self.kind}
        if self.kind == "sscc":
            data["sscc"] = self.sscc
        else:
            data.update(gtin=self.gtin, serial=self.serial)
        if self.parent:
            data["parent"] = self.parent
        return data


def sgtin(gtin: str, serial: str, parent: str | None = None) -> Item:
    gtin = gtin.strip()
    _check("GTIN", gtin, (8, 12, 13, 14))
    if not _SERIAL.match(serial):
        raise InputError(
            f"serial '{serial}' must be 1-20 characters of the GS1 AI 21 set (A-Z a-z 0-9 -./…)"
        )
    return Item("sgtin", gtin=gtin.zfill(14), serial=serial, parent=_parent(parent))


def sscc(code: str) -> Item:
    code = code.strip()
    _check("SSCC", code, (18,))
    return Item("sscc", sscc=code)


def _parent(parent: str | None) -> str | None:
    if not parent:
        return None
    return parse(parent).sscc if not parent.strip().isdigit() else sscc(parent).sscc


def parse(text: str, parent: str | None = None) -> Item:
    """An `Item` from any accepted spelling (see the module doc); InputError names the bad value."""
    raw = str(text).strip()
    if not raw:
        raise InputError("empty trace code")
    if raw.startswith(("http://", "https://")):
        return _from_uri(raw, parent)
    element = _ELEMENT.match(raw)
    if element:
        ai, digits, serial = element.groups()
        if ai == "00":
            if serial is not None:
                raise InputError(f"'{raw}': an SSCC (00) takes no serial (21)")
            return sscc(digits)
        if serial is None:
            raise InputError(f"'{raw}': a GTIN (01) needs a serial number (21) to be traced")
        return sgtin(digits, serial, parent)
    if raw.isdigit() and len(raw) == 18:
        return sscc(raw)
    if "/" in raw and raw.split("/", 1)[0].isdigit():
        gtin, serial = raw.split("/", 1)
        return sgtin(gtin, serial, parent)
    raise InputError(
        f"'{raw}' is not a trace code: give a GS1 Digital Link URI, (01)GTIN(21)SERIAL, "
        "or an 18-digit SSCC"
    )


def _from_uri(raw: str, parent: str | None) -> Item:
    parts = urlsplit(raw)
    query = parse_qs(parts.query)
    if parts.path.rstrip("/").endswith("/trace") and "code" in query:
        return parse(query["code"][0], parent)  # a Tradelane trace link wrapping the code
    segments = [unquote(s) for s in parts.path.split("/") if s]
    for i, seg in enumerate(segments):
        if seg == "00" and i + 1 < len(segments):
            return sscc(segments[i + 1])
        if seg == "01" and i + 1 < len(segments):
            rest = segments[i + 2 :]
            if len(rest) >= 2 and rest[0] == "21":
                return sgtin(segments[i + 1], rest[1], parent)
            raise InputError(f"'{raw}': a GTIN link needs /21/SERIAL to identify one item")
    raise InputError(f"'{raw}' is not a GS1 Digital Link URI (no /01/GTIN/21/SERIAL or /00/SSCC)")
