"""The CBV 2.0 event hash ID (``ni:///sha-256;…?ver=CBV2.0``) of EPCIS 2.0 JSON-LD events.

`document_event_ids(document)` gives the ID of every event of an EPCIS document (event
list, query results or a single event); `pre_hash(event, namespaces)` the canonical string
it hashes. The exporter (`tradelane.trace.epcis`) fills ``eventID`` through the same
functions, and the tests check all 43 vectors of the GS1 reference implementation.

The pre-hash string (CBV 2.0 §8.9, as the reference implementation
RalphTro/epcis-event-hash-generator computes it):

1. ``eventType=<type>``, then the standard fields in canonical order: ``eventTime``,
   ``eventTimeZoneOffset``, ``certificationInfo``, ``epcList``, ``parentID``,
   ``inputEPCList``, ``childEPCs``, ``quantityList``, ``childQuantityList``,
   ``inputQuantityList``, ``outputEPCList``, ``outputQuantityList``, ``action``,
   ``transformationID``, ``bizStep``, ``disposition``, ``persistentDisposition``
   (``set``, ``unset``), ``readPoint`` / ``bizLocation`` (``id``, then their own
   extensions), ``sensorElementList`` (``sensorMetadata`` then each ``sensorReport``, every
   sub-field in its canonical order, then their extensions);
2. then, sorted as strings, everything else: ``bizTransactionList``, ``sourceList`` and
   ``destinationList`` (each entry ``type=…`` then ``bizTransaction=…`` / ``source=…`` /
   ``destination=…``), ``ilmd`` and user extensions as ``{namespace}name=value``
   (nested objects recursively, their children sorted);
3. left out: ``eventID``, ``recordTime``, ``errorDeclaration``, comments (``comment``,
   ``rdfs:comment``) and ``@context``.

Repeated elements (list entries) are rendered one by one and sorted; everything is
concatenated with no separator. Values are normalised: times to UTC with millisecond
precision (``Z``, extra digits rounded half-up), numbers without superfluous zeros (``1.0``
→ ``1``), bare CBV words and ``urn:epcglobal:cbv:*`` URNs to their
``https://ref.gs1.org/cbv/…`` URIs, sensor types to ``https://gs1.org/voc/…``, GS1 CURIEs
expanded, and EPC URIs / Digital Links on any host to the constrained canonical Digital
Link (`tradelane.trace.canonical`). Written here because no kept library computes it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .canonical import canonical_id

__all__ = ["DEFAULT_NAMESPACES", "document_event_ids", "event_id", "events_of", "namespaces"]
__all__ += ["pre_hash"]

CBV = "https://ref.gs1.org/cbv/"
GS1_VOC = "https://gs1.org/voc/"
#: Prefixes the EPCIS 2.0 JSON-LD context defines (a document's own @context overrides them).
DEFAULT_NAMESPACES = {
    "gs1": GS1_VOC,
    "cbv": CBV,
    "epcis": "https://ref.gs1.org/epcis/",
    "cbvmda": "urn:epcglobal:cbv:mda:",
}
_OLD_CBV = {
    "urn:epcglobal:cbv:bizstep:": CBV + "BizStep-",
    "urn:epcglobal:cbv:disp:": CBV + "Disp-",
    "urn:epcglobal:cbv:btt:": CBV + "BTT-",
    "urn:epcglobal:cbv:sdt:": CBV + "SDT-",
    "urn:epcglobal:cbv:er:": CBV + "ER-",
}
#: Comments are never hashed, at any depth; these event-level fields neither.
_COMMENTS = {"comment", "rdfs:comment", "#text"}
_IGNORED = {"type", "eventID", "recordTime", "errorDeclaration", "@context"} | _COMMENTS
_ABSENT = object()

EPCS = ("list", "epc", None)
QUANTITIES = ("list", "quantityElement", (("epcClass", None), ("quantity", None), ("uom", None)))
_METADATA = ("time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData")
_METADATA += ("dataProcessingMethod", "bizRules")
_REPORT = ("type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod")
_REPORT += ("time", "microorganism", "chemicalSubstance", "value", "component", "stringValue")
_REPORT += ("booleanValue", "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue")
_REPORT += ("sDev", "percRank", "percValue", "uom", "coordinateReferenceSystem")
SENSOR_ELEMENT = (
    ("sensorMetadata", tuple((k, None) for k in _METADATA)),
    ("sensorReport", tuple((k, None) for k in _REPORT)),
)
#: The canonical property order: (name, how) — None: a value (or a list of values);
#: ("list", child, order): a JSON list whose entries are each rendered as `child`;
#: a tuple of (name, how): an object with these fields first, then its extensions.
ORDER = (
    ("eventTime", None),
    ("eventTimeZoneOffset", None),
    ("certificationInfo", None),
    ("epcList", EPCS),
    ("parentID", None),
    ("inputEPCList", EPCS),
    ("childEPCs", EPCS),
    ("quantityList", QUANTITIES),
    ("childQuantityList", QUANTITIES),
    ("inputQuantityList", QUANTITIES),
    ("outputEPCList", EPCS),
    ("outputQuantityList", QUANTITIES),
    ("action", None),
    ("transformationID", None),
    ("bizStep", None),
    ("disposition", None),
    ("persistentDisposition", (("set", None), ("unset", None))),
    ("readPoint", (("id", None),)),
    ("bizLocation", (("id", None),)),
    ("sensorElementList", ("list", "sensorElement", SENSOR_ELEMENT)),
)
#: Where a bare word is a CBV / GS1 vocabulary term, and the URI prefix it stands for.
VOCABULARY = {
    "bizStep": CBV + "BizStep-",
    "disposition": CBV + "Disp-",
    "set": CBV + "Disp-",
    "unset": CBV + "Disp-",
    "bizTransactionList.type": CBV + "BTT-",
    "sourceList.type": CBV + "SDT-",
    "destinationList.type": CBV + "SDT-",
    "sensorReport.type": GS1_VOC,
    "sensorReport.exception": GS1_VOC,
    "sensorReport.component": CBV + "Comp-",
}
_TYPED_LISTS = {"bizTransactionList": "bizTransaction", "sourceList": "source"}
_TYPED_LISTS["destinationList"] = "destination"
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)(?:[.,](\d+))?(Z|z|[+-]\d\d:?\d\d)?$")


# -- values -----------------------------------------------------------------------------


def number_text(text: str) -> str:
    """``1.0`` → ``1``, ``+012.50`` → ``12.5``; anything not a decimal number unchanged."""
    if not _NUMBER.match(text):
        return text
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if number == number.to_integral_value():
        return str(abs(number.to_integral_value()) if number == 0 else number.to_integral_value())
    return format(number.normalize(), "f")


def timestamp_text(text: str) -> str:
    """An ISO 8601 date-time in UTC at millisecond precision (half-up), ``…Z``."""
    m = _TIME.match(text.strip())
    if not m:
        return text
    base, fraction, zone = m.groups()
    try:
        dt = datetime.fromisoformat(base + (zone or "Z").upper().replace("Z", "+00:00"))
    except ValueError:
        return text
    millis = Decimal("0." + (fraction or "0")) * 1000
    dt += timedelta(milliseconds=int(millis.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _value(value, ns: dict[str, str], vocabulary: str | None = None) -> str:
    if value is None:  # a JSON null is the text "None" to the reference implementation
        return "None"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_text(repr(value) if isinstance(value, float) else str(value))
    text = str(value).strip()
    if vocabulary and text and ":" not in text:
        text = vocabulary + text
    prefix, colon, local = text.partition(":")
    if colon and prefix in ns and ns[prefix].startswith(("https://ref.gs1.org", "https://gs1.org")):
        text = ns[prefix] + local
    for old, new in _OLD_CBV.items():
        text = text.replace(old, new)
    text = number_text(text)
    return canonical_id(text) or text


def _name(key: str, ns: dict[str, str]) -> str:
    prefix, colon, local = key.partition(":")
    if colon and prefix in ns:
        return "{" + ns[prefix] + "}" + local
    return key


# -- rendering ----------------------------------------------------------------------------


def _join_sorted(parts) -> str:
    return "".join(sorted(p for p in parts if p))


def _scalar(name: str, value, ns, vocabulary=None, time=False) -> str:
    if value is _ABSENT:
        return ""
    if time and isinstance(value, str):
        text = timestamp_text(value)
    else:
        text = _value(value, ns, vocabulary)
    return f"{name}={text}" if text else ""


def _generic(key: str, value, ns: dict[str, str], path: str = "") -> str:
    """Any field outside the canonical order: ``name=value`` or ``name`` + sorted children."""
    if key in _COMMENTS:
        return ""
    name = _name(key, ns)
    if isinstance(value, list):
        return _join_sorted(_generic(key, v, ns, path) for v in value)
    if isinstance(value, dict):
        return name + _join_sorted(_generic(k, v, ns, key) for k, v in value.items())
    text = _value(value, ns, VOCABULARY.get(f"{path}.{key}"))
    return f"{name}={text}" if text else name


def _typed_entry(list_name: str, entry, ns: dict[str, str]) -> str:
    """One bizTransaction / source / destination: ``type=…`` first, then the value."""
    if not isinstance(entry, dict):
        return _scalar(_TYPED_LISTS[list_name], entry, ns)
    field = _TYPED_LISTS[list_name]
    out = _scalar("type", entry.get("type", _ABSENT), ns, VOCABULARY[f"{list_name}.type"])
    out += _scalar(field, entry.get(field, _ABSENT), ns)
    rest = {k: v for k, v in entry.items() if k not in ("type", field)}
    return out + _join_sorted(_generic(k, v, ns, list_name) for k, v in rest.items())


def _remaining(key: str, value, ns: dict[str, str]) -> str:
    if key in _TYPED_LISTS and isinstance(value, list):
        entries = _join_sorted(_typed_entry(key, e, ns) for e in value)
        return key + entries if entries else ""
    return _generic(key, value, ns)


def _object(name: str, value, order, ns: dict[str, str]) -> str:
    """A standard object: its ordered fields, then its extensions (sorted)."""
    if not isinstance(value, dict) and order == (("id", None),):
        value = {"id": value}  # readPoint / bizLocation written as a bare URI
    if not isinstance(value, dict):
        return _scalar(name, value, ns)
    known = {k for k, _ in order}
    body = "".join(_field(k, value.get(k, _ABSENT), how, ns, name) for k, how in order)
    extra = _join_sorted(_generic(k, v, ns, name) for k, v in value.items() if k not in known)
    return name + body + extra if body or extra else ""


def _field(name: str, value, how, ns: dict[str, str], parent: str = "") -> str:
    if value is _ABSENT:
        return ""
    if how is None:
        values = value if isinstance(value, list) else [value]
        time = "time" in name.lower() and "offset" not in name.lower()
        vocabulary = VOCABULARY.get(name) or VOCABULARY.get(f"{parent}.{name}")
        return _join_sorted(_scalar(name, v, ns, vocabulary, time) for v in values)
    if how[0] == "list":
        _, child, order = how
        entries = value if isinstance(value, list) else [value]
        if order is None:
            body = _join_sorted(_scalar(child, v, ns) for v in entries)
        else:
            body = _join_sorted(_object(child, v, order, ns) for v in entries)
        return name + body if body else ""
    if isinstance(value, list):  # a repeated object (e.g. several sensorReport entries)
        return _join_sorted(_object(name, v, how, ns) for v in value)
    return _object(name, value, how, ns)


def pre_hash(event: dict, ns: dict[str, str] | None = None, ignore: frozenset = frozenset()) -> str:
    """The CBV 2.0 pre-hash string of one EPCIS 2.0 JSON-LD event (see the module doc);
    `ignore` names extension fields the document declares out of the hash (``ignoreFields``)."""
    ns = {**DEFAULT_NAMESPACES, **(ns or {})}
    if isinstance(event.get("@context"), list | dict):
        ns = namespaces(event["@context"], ns)
    standard = "".join(_field(k, event.get(k, _ABSENT), how, ns) for k, how in ORDER)
    known = {k for k, _ in ORDER} | _IGNORED | ignore
    rest = _join_sorted(_remaining(k, v, ns) for k, v in event.items() if k not in known)
    return f"eventType={event.get('type')}" + standard + rest


def event_id(event: dict, ns: dict[str, str] | None = None, ignore: frozenset = frozenset()) -> str:
    digest = hashlib.sha256(pre_hash(event, ns, ignore).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"


# -- documents ----------------------------------------------------------------------------


def namespaces(context, base: dict[str, str] | None = None) -> dict[str, str]:
    """Prefix → namespace URI from a JSON-LD @context (a URL, an object or a list of them)."""
    ns = dict(DEFAULT_NAMESPACES if base is None else base)
    for entry in context if isinstance(context, list) else [context]:
        if isinstance(entry, dict):
            ns.update(
                {k: v for k, v in entry.items() if isinstance(v, str) and not k.startswith("@")}
            )
    return ns


def ignored_fields(document: dict) -> frozenset:
    """Extension fields a document (or its query results) lists under ``…:ignoreFields``."""
    body = document.get("epcisBody") or {}
    holders = (document, body, body.get("queryResults") or {})
    return frozenset(
        name
        for holder in holders
        for key, names in holder.items()
        if key.rpartition(":")[2] == "ignoreFields" and isinstance(names, list)
        for name in names
        if isinstance(name, str)
    )


def events_of(document: dict) -> list[dict]:
    """The events of an EPCIS document or query document, in document order."""
    body = document.get("epcisBody") or {}
    if "eventList" in body:
        return body["eventList"]
    if "queryResults" in body:
        return body["queryResults"]["resultsBody"]["eventList"]
    return [body["event"]] if "event" in body else []


def document_event_ids(document: dict) -> list[str]:
    """The CBV 2.0 hash ID of every event in `document`, in document order."""
    ns = namespaces(document.get("@context") or [])
    ignore = ignored_fields(document)
    return [event_id(e, ns, ignore) for e in events_of(document)]
