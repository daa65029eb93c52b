"""Operators' own networks: read and validate ports and lanes from CSV or JSON files.

Validation happens here, at the boundary; the rest of the package trusts the data.
Every error names the file, the line and the offending value. The format is
documented in ``docs/ROUTING.md`` with an example in ``routing/data/examples/``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

from .assumptions import CUTOFF_HOURS, leg_co2e_kg
from .checks import check_lanes
from .errors import NetworkDataError
from .model import MODES, Port
from .network import Network, reference_records
from .passages import PASSAGES, normalise_passage

__all__ = ["parse_departures", "read_operator_network"]

LOCODE_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}$")
_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
PORT_COLUMNS = ("locode", "name", "country", "lat", "lon", "kind")
LANE_COLUMNS = (
    "from", "to", "mode", "carrier", "service", "distance_km", "transit_hours", "cost_usd",
    "co2e_kg", "passages", "departures", "cutoff_hours", "via",
)  # fmt: skip


#: Largest believable value per numeric lane field (more is a typo or an overflow).
LIMITS = {
    "distance_km": (40_100.0, "km (more than once round the Earth)"),
    "transit_hours": (2_880.0, "hours (120 days)"),
    "cost_usd": (1_000_000.0, "USD for one container leg"),
    "co2e_kg": (1_000_000.0, "kg CO2e for one container leg"),
    "cutoff_hours": (336.0, "hours (two weeks)"),
}


class _Where:
    """A file + line, for error messages."""

    def __init__(self, file: Path, line: int | None):
        self.file, self.line = file, line

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}" if self.line else str(self.file)

    def fail(self, message: str) -> NetworkDataError:
        return NetworkDataError(f"{self}: {message}")


def parse_departures(text, where: _Where | None = None) -> list[float]:
    """Parse weekly departures into hours after Monday 00:00 UTC.

    Accepts "Mon 18:00; Thu 06:00", "daily 08:00", "" (on demand), or a list of such
    strings / numbers (hours of the week).

    >>> parse_departures("Mon 18:00; Thu 06:30")
    [18.0, 78.5]
    >>> len(parse_departures("daily 08:00"))
    7
    """
    where = where or _Where(Path("<departures>"), None)
    if text is None:
        return []
    items = text if isinstance(text, list) else re.split(r"[;|]", str(text))
    out: list[float] = []
    for item in items:
        if isinstance(item, int | float) and not isinstance(item, bool):
            if not 0 <= item < 168:
                raise where.fail(f"departure hour-of-week {item!r} is outside 0..167")
            out.append(float(item))
            continue
        token = str(item).strip().lower()
        if not token:
            continue
        m = re.fullmatch(
            r"(mon|tue|wed|thu|fri|sat|sun|daily)[a-z]*\s*(?:(\d{1,2}):(\d{2}))?", token
        )
        if not m or (m.group(2) and (int(m.group(2)) > 23 or int(m.group(3)) > 59)):
            raise where.fail(
                f"departure {item!r} is not like 'Mon 18:00' or 'daily 08:00' (times in UTC)"
            )
        hour = int(m.group(2) or 0) + int(m.group(3) or 0) / 60
        days = range(7) if m.group(1) == "daily" else [_DAYS[m.group(1)]]
        out += [d * 24 + hour for d in days]
    return sorted(set(out))


def _number(row: dict, field: str, where: _Where, *, required: bool, positive: bool = False):
    value = row.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise where.fail(f"missing {field}")
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise where.fail(f"{field} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise where.fail(f"{field} {value!r} is not a finite number")
    if number < 0 or (positive and number == 0):
        sign = "positive" if positive else "zero or more"
        raise where.fail(f"{field} {value!r} must be {sign}")
    limit = LIMITS.get(field)
    if limit is not None and number > limit[0]:
        raise where.fail(f"{field} {value!r} is absurd: more than {limit[0]:,g} {limit[1]}")
    return number


def _locode(value, field: str, where: _Where) -> str:
    code = str(value or "").strip().upper()
    if not LOCODE_RE.match(code):
        raise where.fail(
            f"{field} {value!r} is not a UN/LOCODE (2-letter country + 3 letters/digits)"
        )
    return code


def _port(row: dict, where: _Where) -> Port:
    code = _locode(row.get("locode"), "locode", where)
    name = str(row.get("name") or "").strip()
    if not name:
        raise where.fail(f"port {code} has no name")
    lat = _signed_value(row, "lat", where, -90, 90)
    lon = _signed_value(row, "lon", where, -180, 180)
    country = str(row.get("country") or code[:2]).strip().upper()
    kind = str(row.get("kind") or "port").strip() or "port"
    return Port(code, name, country, lat, lon, kind)


def _signed_value(row: dict, field: str, where: _Where, lo: float, hi: float) -> float:
    value = row.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise where.fail(f"missing {field}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise where.fail(f"{field} {value!r} is not a number") from None
    if not lo <= number <= hi:
        raise where.fail(f"{field} {value!r} is outside {lo}..{hi}")
    return number


def _list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in re.split(r"[;|]", str(value)) if v.strip()]


def _lane(row: dict, where: _Where) -> dict:
    frm = _locode(row.get("from"), "from", where)
    to = _locode(row.get("to"), "to", where)
    if frm == to:
        raise where.fail(f"lane from {frm} to itself")
    mode = str(row.get("mode") or "").strip().lower()
    if mode not in MODES:
        raise where.fail(f"mode {row.get('mode')!r} is not one of {', '.join(MODES)}")
    carrier = str(row.get("carrier") or "").strip()
    if not carrier:
        raise where.fail(f"lane {frm}->{to} has no carrier")
    service = str(row.get("service") or "").strip() or f"{carrier}:{frm}-{to}"
    km = _number(row, "distance_km", where, required=True, positive=True)
    hours = _number(row, "transit_hours", where, required=True, positive=True)
    cost = _number(row, "cost_usd", where, required=True)
    co2 = _number(row, "co2e_kg", where, required=False)
    cutoff = _number(row, "cutoff_hours", where, required=False)
    passages = []
    for name in _list(row.get("passages")):
        canon = normalise_passage(name)
        if canon is None:
            raise where.fail(f"passage {name!r} is not one of {', '.join(PASSAGES)}")
        passages.append(canon)
    via = [_locode(v, "via", where) for v in _list(row.get("via"))]
    return {
        "from": frm,
        "to": to,
        "mode": mode,
        "carrier": carrier,
        "service": service,
        "distance_km": km,
        "transit_hours": hours,
        "cost_usd": cost,
        "co2e_kg": leg_co2e_kg(mode, km) if co2 is None else co2,
        "passages": sorted(set(passages), key=PASSAGES.index),
        "departures": parse_departures(row.get("departures"), where),
        "cutoff_hours": CUTOFF_HOURS[mode] if cutoff is None else cutoff,
        "via": via,
    }


# ------------------------------------------------------------------- readers
def _read_text(path: Path) -> str:
    """The file as text; not UTF-8 is an error naming the line and the byte."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise NetworkDataError(f"{path}: cannot read ({err.strerror})") from err
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise NetworkDataError(
            f"{path}, line {line}: byte 0x{raw[err.start]:02x} at column {col} is not UTF-8; "
            "save the file as UTF-8"
        ) from None


def _csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    text = _read_text(path)
    reader = csv.DictReader(text.splitlines(), skipinitialspace=True)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header

    def rows():
        for row in reader:
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            yield reader.line_num, {k: v for k, v in row.items() if k}

    return header, rows()


def _json_element_lines(text: str) -> dict[str, list[int]]:
    """Line numbers of each object in the top-level "ports" and "lanes" arrays."""
    lines: dict[str, list[int]] = {"ports": [], "lanes": []}
    depth, line, i, key, current = 0, 1, 0, None, None
    last_string = None
    while i < len(text):
        ch = text[i]
        if ch == "\n":
            line += 1
        elif ch == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            last_string = text[i + 1 : j]
            line += text.count("\n", i, j)
            i = j
        elif ch == ":" and depth == 1:
            key = last_string
        elif ch in "[{":
            depth += 1
            if depth == 2 and ch == "[":
                current = key if key in lines else None
            elif depth == 3 and ch == "{" and current:
                lines[current].append(line)
        elif ch in "]}":
            depth -= 1
        i += 1
    return lines


def _read_json(path: Path) -> tuple[list[tuple[_Where, dict]], list[tuple[_Where, dict]]]:
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise NetworkDataError(f"{path}, line {err.lineno}: invalid JSON ({err.msg})") from None
    if not isinstance(data, dict) or not ({"ports", "lanes"} & data.keys()):
        raise NetworkDataError(f'{path}: expected an object with "ports" and/or "lanes" arrays')
    if not (data.get("ports") or data.get("lanes")):
        raise NetworkDataError(f"{path}: no ports and no lanes; add some or drop the file")
    lines = _json_element_lines(text)
    out = []
    for section in ("ports", "lanes"):
        items = data.get(section) or []
        if not isinstance(items, list):
            raise NetworkDataError(f'{path}: "{section}" must be an array')
        rows = []
        for n, item in enumerate(items):
            line = lines[section][n] if n < len(lines[section]) else None
            where = _Where(path, line)
            if not isinstance(item, dict):
                raise where.fail(f"{section}[{n}] must be an object, got {item!r}")
            rows.append((where, item))
        out.append(rows)
    return out[0], out[1]


def _read_csv(path: Path) -> tuple[list[tuple[_Where, dict]], list[tuple[_Where, dict]]]:
    header, rows = _csv_rows(path)
    found = [(_Where(path, n), row) for n, row in rows]
    kind = "ports" if "locode" in header else "lanes" if {"from", "to"} <= set(header) else None
    if kind and not found:
        raise NetworkDataError(f"{path}, line 1: a header and no {kind}; add rows or drop the file")
    if kind == "ports":
        return found, []
    if kind == "lanes":
        return [], found
    raise NetworkDataError(
        f"{path}, line 1: header {','.join(header)!r} has neither 'locode' (ports) "
        "nor 'from,to' (lanes) columns"
    )


def _read_rows(path: Path) -> tuple[list, list]:
    """The port rows and lane rows (each with where it was read) of a file or directory."""
    if path.is_dir():
        sources = [p for p in (path / "ports.csv", path / "lanes.csv") if p.exists()]
        if not sources:
            raise NetworkDataError(f"{path}: directory has neither ports.csv nor lanes.csv")
    else:
        sources = [path]
    port_rows, lane_rows = [], []
    for src in sources:
        suffix = src.suffix.lower()
        if suffix == ".json":
            p, ln = _read_json(src)
        elif suffix == ".csv":
            p, ln = _read_csv(src)
        else:
            raise NetworkDataError(
                f"{src}: unknown network file type {suffix!r}; use .csv or .json"
            )
        port_rows += p
        lane_rows += ln
    return port_rows, lane_rows


def _own_ports(port_rows: list) -> dict[str, Port]:
    own: dict[str, Port] = {}
    for where, row in port_rows:
        port = _port(row, where)
        if port.locode in own:
            raise where.fail(f"duplicate port {port.locode}")
        own[port.locode] = port
    return own


def _own_lanes(lane_rows: list) -> tuple[dict[tuple[str, str, str], dict], dict]:
    """Lanes by (from, to, service), and where each was read (for errors)."""
    own: dict[tuple[str, str, str], dict] = {}
    where_of: dict[tuple[str, str, str], _Where] = {}
    for where, row in lane_rows:
        lane = _lane(row, where)
        key = (lane["from"], lane["to"], lane["service"])
        if key in own:
            raise where.fail(
                f"duplicate lane {lane['from']}->{lane['to']} on service {lane['service']!r} "
                f"(first at line {where_of[key].line})"
            )
        own[key] = lane
        where_of[key] = where
    return own, where_of


def read_operator_network(path: Path, *, merge: bool = True) -> Network:
    """Read, validate and (optionally) merge an operator network; see :func:`load_network`."""
    port_rows, lane_rows = _read_rows(path)
    own_ports = _own_ports(port_rows)
    own_lanes, lane_where = _own_lanes(lane_rows)
    if merge:
        ports, ref_lanes, carriers, services, base_hash, hubs, components = reference_records()
        ports.update(own_ports)
        lanes = {(ln["from"], ln["to"], ln["service"]): ln for ln in ref_lanes}
    else:
        ports, lanes, carriers, services, base_hash = dict(own_ports), {}, {}, {}, None
        hubs, components = None, {}
    check_lanes(own_lanes, lane_where, ports, components or (lambda: reference_records()[6]))
    for key, lane in own_lanes.items():
        for field in ("from", "to"):
            if lane[field] not in ports:
                raise lane_where[key].fail(
                    f"lane {lane['from']}->{lane['to']} goes to nowhere: {field} port "
                    f"{lane[field]} is neither in the file nor in the reference network"
                    if merge
                    else f"lane {lane['from']}->{lane['to']} goes to nowhere: {field} port "
                    f"{lane[field]} is not defined in the file"
                )
        lanes[key] = lane
    canonical = json.dumps(
        {
            "base": base_hash,
            "ports": [list(p) for _, p in sorted(own_ports.items())],
            "lanes": [own_lanes[k] for k in sorted(own_lanes)],
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    digest = "0x" + hashlib.sha256(canonical).hexdigest()
    for lane in own_lanes.values():
        carriers.setdefault(lane["carrier"], {"name": lane["carrier"], "mode": lane["mode"]})
    net = Network(ports, lanes.values(), digest, carriers, services, hubs)
    net.land_components = components
    return net
