"""Off-chain shipment references: containers, vessels and voyages, B/L or AWB, GLNs.

The contract commits to the route and the milestones, not to the paperwork around them.
What carriers and forwarders quote — container numbers, the vessel and voyage of a sea
leg, the bill of lading or air waybill — is kept here, per shipment, checked on entry
(every check digit), and used by the DCSA / EPCIS exports and the tracking page. They
are claims by whoever entered them, not proven on chain; the exports say so.

A references file (JSON; every key optional, unknown keys refused)::

    {"booking": "BKG-2026-0042",                      # carrier booking reference, <= 35
     "bill_of_lading": "MAEU123456789",               # transport document, <= 20
     "air_waybill": "020-12345675",                   # IATA AWB: prefix + 8 digits, mod-7
     "containers": ["CSQU3054383", {"number": "MSKU9070323", "iso_code": "45G1"}],
     "legs": [{"leg": 0, "vessel_imo": "9321483", "vessel_name": "EMMA MAERSK",
               "voyage": "245W", "service_code": "AE7"}],
     "locations": {"NLRTM": "8712345000004"}}        # UN/LOCODE -> GLN of the facility

API (also for the web page): ``load(tl, shipment_id) -> ShipmentReferences | None``,
``save(tl, shipment_id, refs)``, ``parse_references(data)``,
``ShipmentReferences.to_json()`` — a JSON-able dict with every key present — and
``from_route(route)``: the service codes a `routing.Route` knows (``MCL-AE1`` → ``AE1``),
for the command that opens a shipment to save with it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, read_json
from ..files import home
from .canonical import gs1_check_digit

if TYPE_CHECKING:
    from ..client import Tradelane

__all__ = [
    "Container",
    "LegReferences",
    "ShipmentReferences",
    "container_check_digit",
    "imo_check_digit",
    "awb_check_digit",
    "parse_references",
    "from_route",
    "load",
    "save",
]


def _letter_values() -> dict[str, int]:
    """ISO 6346 letter values: A=10 upwards, skipping multiples of 11."""
    values, n = {}, 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if n % 11 == 0:
            n += 1
        values[letter] = n
        n += 1
    return values


_ISO6346 = _letter_values()
_CONTAINER = re.compile(r"^[A-Z]{3}[UJZ]\d{7}$")
_SIZE_TYPE = re.compile(r"^[0-9A-Z]{4}$")
_BOOKING = re.compile(r"^[A-Za-z0-9\-/._]{1,35}$")
_TRANSPORT_DOC = re.compile(r"^[A-Z0-9]{1,20}$")
_SERVICE = re.compile(r"^[A-Z0-9]{1,5}$")


def container_check_digit(first_ten: str) -> str:
    """ISO 6346 check digit of owner code + category + 6-digit serial."""
    values = [_ISO6346[c] if c.isalpha() else int(c) for c in first_ten]
    return str(sum(v << i for i, v in enumerate(values)) % 11 % 10)


def imo_check_digit(first_six: str) -> str:
    """IMO ship number check digit: weights 7..2 over the first six digits, last digit."""
    return str(sum(int(d) * w for d, w in zip(first_six, range(7, 1, -1), strict=True)) % 10)


def awb_check_digit(serial7: str) -> str:
    """IATA air waybill check digit: the first seven serial digits mod 7."""
    return str(int(serial7) % 7)


@dataclass(frozen=True)
class Container:
    number: str  # ISO 6346, e.g. CSQU3054383
    iso_code: str | None = None  # ISO 6346 size/type, e.g. 45G1

    def to_json(self) -> dict:
        return {"number": self.number, "iso_code": self.iso_code}


@dataclass(frozen=True)
class LegReferences:
    leg: int
    vessel_imo: str | None = None
    vessel_name: str | None = None
    voyage: str | None = None
    service_code: str | None = None

    def to_json(self) -> dict:
        return {
            "leg": self.leg,
            "vessel_imo": self.vessel_imo,
            "vessel_name": self.vessel_name,
            "voyage": self.voyage,
            "service_code": self.service_code,
        }


@dataclass(frozen=True)
class ShipmentReferences:
    booking: str | None = None
    bill_of_lading: str | None = None
    air_waybill: str | None = None
    containers: tuple[Container, ...] = ()
    legs: tuple[LegReferences, ...] = ()
    locations: dict[str, str] = field(default_factory=dict)

    def leg(self, index: int) -> LegReferences | None:
        return next((x for x in self.legs if x.leg == index), None)

    def to_json(self) -> dict:
        return {
            "booking": self.booking,
            "bill_of_lading": self.bill_of_lading,
            "air_waybill": self.air_waybill,
            "containers": [c.to_json() for c in self.containers],
            "legs": [x.to_json() for x in self.legs],
            "locations": dict(self.locations),
        }


# -- checks ----------------------------------------------------------------------------


def _text(data: dict, key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}{key} must be a non-empty string, not {value!r}")
    return value.strip()


def check_container(number: str) -> str:
    text = number.strip().upper().replace(" ", "")
    if not _CONTAINER.match(text):
        raise InputError(
            f"container number '{number}' is not ISO 6346 (owner code, U/J/Z, 6 digits, "
            "check digit, e.g. CSQU3054383)"
        )
    expected = container_check_digit(text[:10])
    if text[10] != expected:
        raise InputError(
            f"container number '{number}' has check digit {text[10]}, expected {expected}"
        )
    return text


def check_imo(number: str) -> str:
    text = number.strip().upper().removeprefix("IMO").strip()
    if not re.fullmatch(r"\d{7}", text):
        raise InputError(f"vessel IMO number '{number}' must be 7 digits (e.g. 9321483)")
    expected = imo_check_digit(text[:6])
    if text[6] != expected:
        raise InputError(
            f"vessel IMO number '{number}' has check digit {text[6]}, expected {expected}"
        )
    return text


def check_awb(number: str) -> str:
    digits = number.replace("-", "").replace(" ", "")
    if not re.fullmatch(r"\d{11}", digits):
        raise InputError(
            f"air waybill '{number}' must be a 3-digit airline prefix and 8 digits (020-12345675)"
        )
    expected = awb_check_digit(digits[3:10])
    if digits[10] != expected:
        raise InputError(
            f"air waybill '{number}' has check digit {digits[10]}, expected {expected}"
        )
    return f"{digits[:3]}-{digits[3:]}"


def check_gln(gln: str, where: str) -> str:
    if not re.fullmatch(r"\d{13}", gln) or gln[-1] != gs1_check_digit(gln[:-1]):
        raise InputError(f"{where}: GLN '{gln}' is not 13 digits with a valid check digit")
    return gln


def _only(data: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InputError(
            f"{where}unknown field(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )


def _container(entry, n: int) -> Container:
    if isinstance(entry, str):
        return Container(check_container(entry))
    if not isinstance(entry, dict) or "number" not in entry:
        raise InputError(f"containers[{n}] must be a container number or {{'number': …}}")
    _only(entry, {"number", "iso_code"}, f"containers[{n}]: ")
    iso = _text(entry, "iso_code", f"containers[{n}].")
    if iso is not None and not _SIZE_TYPE.match(iso):
        raise InputError(
            f"containers[{n}].iso_code '{iso}' is not an ISO 6346 size/type code (e.g. 45G1)"
        )
    return Container(check_container(str(entry["number"])), iso)


def _leg(entry, n: int) -> LegReferences:
    where = f"legs[{n}]."
    if not isinstance(entry, dict):
        raise InputError(f"legs[{n}] must be an object with a leg number")
    _only(entry, {"leg", "vessel_imo", "vessel_name", "voyage", "service_code"}, f"legs[{n}]: ")
    leg = entry.get("leg")
    if type(leg) is not int or not 0 <= leg < 256:
        raise InputError(f"{where}leg must be a whole number 0-255, not {leg!r}")
    imo = _text(entry, "vessel_imo", where)
    name, voyage = _text(entry, "vessel_name", where), _text(entry, "voyage", where)
    service = _text(entry, "service_code", where)
    if name and len(name) > 35:
        raise InputError(f"{where}vessel_name '{name}' is longer than DCSA's 35 characters")
    if voyage and len(voyage) > 50:
        raise InputError(f"{where}voyage '{voyage}' is longer than DCSA's 50 characters")
    if service and not _SERVICE.match(service):
        raise InputError(f"{where}service_code '{service}' must be 1-5 letters or digits")
    return LegReferences(leg, check_imo(imo) if imo else None, name, voyage, service)


def parse_references(data) -> ShipmentReferences:
    """Validated references from their JSON form (see the module doc)."""
    if not isinstance(data, dict):
        raise InputError("references must be a JSON object")
    _only(data, {"booking", "bill_of_lading", "air_waybill", "containers", "legs", "locations"}, "")
    booking = _text(data, "booking", "")
    if booking and not _BOOKING.match(booking):
        raise InputError(f"booking '{booking}' must be 1-35 letters, digits or - / . _")
    bol = _text(data, "bill_of_lading", "")
    if bol and not _TRANSPORT_DOC.match(bol.upper()):
        raise InputError(f"bill_of_lading '{bol}' must be 1-20 letters or digits (DCSA)")
    awb = _text(data, "air_waybill", "")
    containers = data.get("containers") or []
    legs = data.get("legs") or []
    locations = data.get("locations") or {}
    if (
        not isinstance(containers, list)
        or not isinstance(legs, list)
        or not isinstance(locations, dict)
    ):
        raise InputError("containers and legs must be lists, locations an object")
    parsed = [_container(c, n) for n, c in enumerate(containers)]
    if len({c.number for c in parsed}) != len(parsed):
        raise InputError("a container number is listed twice")
    return ShipmentReferences(
        booking=booking,
        bill_of_lading=bol.upper() if bol else None,
        air_waybill=check_awb(awb) if awb else None,
        containers=tuple(parsed),
        legs=tuple(_leg(x, n) for n, x in enumerate(legs)),
        locations={str(k): check_gln(str(v), f"locations.{k}") for k, v in locations.items()},
    )


def from_route(route, base: ShipmentReferences | None = None) -> ShipmentReferences:
    """`base` (or empty references) with each sea leg's service code from a routing Route."""
    base = base or ShipmentReferences()
    legs = {x.leg: x for x in base.legs}
    for i, leg in enumerate(route.legs):
        code = str(getattr(leg, "service", "") or "").rsplit("-", 1)[-1].upper()
        if leg.mode != "sea" or not _SERVICE.match(code):
            continue
        known = legs.get(i) or LegReferences(i)
        legs[i] = LegReferences(i, known.vessel_imo, known.vessel_name, known.voyage, code)
    return ShipmentReferences(
        base.booking,
        base.bill_of_lading,
        base.air_waybill,
        base.containers,
        tuple(legs[k] for k in sorted(legs)),
        dict(base.locations),
    )


# -- the local store ---------------------------------------------------------------------


def _file(tl: Tradelane, shipment_id: int) -> Path:
    return home() / "references" / f"{tl.chain.chain_id}-{tl.address.lower()}-{shipment_id}.json"


def save(tl: Tradelane, shipment_id: int, refs: ShipmentReferences) -> Path:
    """Keep `refs` for the shipment on this machine (atomically replaced)."""
    path = _file(tl, shipment_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(refs.to_json(), indent=2) + "\n")
    tmp.replace(path)
    return path


def load(tl: Tradelane, shipment_id: int) -> ShipmentReferences | None:
    """The shipment's references on this machine, or None when none were given."""
    path = _file(tl, shipment_id)
    if not path.exists():
        return None
    return parse_references(_stored(read_json(path, "references")))


def _stored(data: dict) -> dict:
    """The stored form has every key, None for absent ones: back to the input form."""
    if not isinstance(data, dict):
        return data
    out = {k: v for k, v in data.items() if v not in (None, [], {})}
    out["containers"] = [
        {k: v for k, v in c.items() if v is not None} for c in data.get("containers") or []
    ]
    out["legs"] = [{k: v for k, v in x.items() if v is not None} for x in data.get("legs") or []]
    return out
