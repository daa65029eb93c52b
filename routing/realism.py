"""Route realism: lanes a freight forwarder would quote, against published transit ranges.

Each :class:`Lane` names the expected corridor (modes, gateways) and a published
door-to-door or port-to-port transit range, with its source; ranges are widened by
what one weekly sailing adds (up to a week waiting for the first departure).
:func:`check` also rejects land legs that cross water (both ends must lie on the same
component of the world road/rail network, recorded at build time) and absurd detours
(more than 3 x the great-circle distance + 1,500 km). Used by the test suite
(``tests/routing/test_routing_realism.py``) and the benchmark (``routing.realism_*``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import NoRoute
from .network import Network
from .propose import propose

__all__ = ["LANES", "Lane", "check"]

DEPART = "2025-03-03"
WEST_COAST = frozenset({"USLAX", "USLGB", "USOAK", "USSEA", "USTIW", "CAVAN", "CAPRR"})


@dataclass(frozen=True)
class Lane:
    """One realism case: the query, the published transit range (days) and checks."""

    id: str
    origin: str
    destination: str
    options: dict = field(default_factory=dict)
    days: tuple[float, float] | None = None
    checks: dict = field(default_factory=dict)
    source: str = ""


_LAND = frozenset({"rail", "road"})
_INLAND = frozenset({"rail", "road", "barge"})

LANES = [
    Lane("shanghai-chicago-west-coast-rail", "CNSHA", "USCHI", {}, (16, 32),
         {"modes": ["sea", "rail"], "via_any": WEST_COAST},
         "Door-to-door 18-28 days via a US West Coast port + intermodal rail (the issue's "
         "acceptance figure; Freightos/Flexport transit-time guides, 2024)"),
    Lane("hong-kong-memphis-west-coast-rail", "HKHKG", "USMEM", {}, (16, 34),
         {"first": "sea", "last": "rail", "via_any": WEST_COAST},
         "Transpacific 14-18 days + rail LA-Memphis 4-6 days (BNSF intermodal schedule)"),
    Lane("rotterdam-budapest-by-land", "NLRTM", "HUBUD", {}, (1, 6), {"only": _INLAND},
         "Rotterdam-Budapest intermodal rail 2-3 days (Port of Rotterdam intermodal links)"),
    Lane("hamburg-munich-rail", "DEHAM", "DEMUC", {}, (1, 3), {"modes": ["rail"]},
         "Hamburg-Munich container trains next day (TFG Transfracht, Metrans)"),
    Lane("los-angeles-chicago-rail", "USLAX", "USCHI", {}, (3, 7), {"modes": ["rail"]},
         "LA-Chicago intermodal 4-5 days ramp to ramp (BNSF/UP published schedules)"),
    Lane("shanghai-rotterdam-suez", "CNSHA", "NLRTM", {}, (26, 42),
         {"modes": ["sea"], "passages": {"suez"}},
         "Asia-North Europe port-to-port 28-35 days (carrier schedules, Drewry)"),
    Lane("shanghai-rotterdam-cape", "CNSHA", "NLRTM", {"avoid_passages": "suez"}, (34, 55),
         {"modes": ["sea"], "passages": {"south_africa"}},
         "The Cape diversion adds 10-14 days (Drewry, Red Sea diversions, 2024)"),
    Lane("singapore-rotterdam", "SGSIN", "NLRTM", {}, (18, 32), {"modes": ["sea"]},
         "Singapore-Rotterdam 21-26 days via Suez (carrier schedules)"),
    Lane("shanghai-los-angeles", "CNSHA", "USLAX", {}, (11, 24), {"modes": ["sea"]},
         "Transpacific eastbound 12-18 days port-to-port (carrier schedules)"),
    Lane("rotterdam-new-york", "NLRTM", "USNYC", {}, (7, 18), {"modes": ["sea"]},
         "Transatlantic westbound 8-12 days port-to-port (carrier schedules)"),
    Lane("santos-rotterdam", "BRSSZ", "NLRTM", {}, (15, 32), {"modes": ["sea"]},
         "East Coast South America-North Europe 16-24 days (carrier schedules)"),
    Lane("durban-johannesburg", "ZADUR", "ZAJNB", {}, (0.3, 5), {"only": _LAND},
         "Durban-City Deep container trains 1-2 days, trucks one day (Transnet)"),
    Lane("mombasa-nairobi", "KEMBA", "KENBO", {}, (0.3, 4), {"only": _LAND},
         "Standard Gauge Railway Mombasa-Nairobi freight about 10-12 hours (Kenya Railways)"),
    Lane("sydney-auckland", "AUSYD", "NZAKL", {}, (3, 16), {"modes": ["sea"]},
         "Trans-Tasman 3-7 days port-to-port (carrier schedules)"),
    Lane("shanghai-sydney", "CNSHA", "AUSYD", {}, (10, 30), {"modes": ["sea"]},
         "North Asia-Australia 14-20 days port-to-port (carrier schedules)"),
    Lane("jebel-ali-nhava-sheva", "AEJEA", "INNSA", {}, (2, 16), {"modes": ["sea"]},
         "Gulf-West India 4-7 days port-to-port (carrier schedules)"),
    Lane("nhava-sheva-delhi-fastest", "INNSA", "INDEL", {"objective": "time"}, (1, 5),
         {"only": _LAND}, "JNPT-Delhi (ICD Tughlakabad) container trains 2-3 days (CONCOR)"),
    Lane("rotterdam-basel", "NLRTM", "CHBSL", {}, (1, 6), {"only": _INLAND},
         "Rhine barge 3-4 days upstream, rail 1-2 days (Contargo)"),
    Lane("rotterdam-basel-barge", "NLRTM", "CHBSL", {"modes": "barge"}, (2, 6),
         {"modes": ["barge"]}, "Rhine barge Rotterdam-Basel 3-4 days upstream (Contargo)"),
    Lane("shanghai-chongqing-inland", "CNSHA", "CNCKG", {}, (1.5, 16), {"only": _INLAND},
         "Shanghai-Chongqing by rail 2-4 days or Yangtze barge 8-12 days, never by sea"),
    Lane("shanghai-chongqing-yangtze-barge", "CNSHA", "CNCKG", {"modes": "barge"}, (7, 14),
         {"modes": ["barge"]}, "Yangtze barge Shanghai-Chongqing 8-12 days upstream"),
    Lane("new-orleans-memphis", "USMSY", "USMEM", {}, (0.5, 8), {"only": _INLAND},
         "Mississippi upstream about 6 days by tow; rail and truck 1-2 days"),
    Lane("vancouver-toronto-rail", "CAVAN", "CATOR", {}, (3, 8), {"modes": ["rail"]},
         "CN/CPKC intermodal Vancouver-Toronto about 4-5 days"),
    Lane("valencia-madrid", "ESVLC", "ESMAD", {}, (0.3, 3), {"only": _LAND},
         "Valencia-Madrid container trains about 1 day, trucks 4-5 hours (Renfe Mercancias)"),
    Lane("trieste-budapest", "ITTRS", "HUBUD", {}, (0.8, 4), {"only": _LAND},
         "Trieste-Budapest intermodal 1-2 days (Adriafer, Rail Cargo Group)"),
    Lane("callao-shanghai", "PECLL", "CNSHA", {}, (22, 45), {"modes": ["sea"]},
         "West Coast South America-North Asia 25-35 days (carrier schedules)"),
    Lane("apapa-rotterdam", "NGAPP", "NLRTM", {}, (12, 32), {"modes": ["sea"]},
         "West Africa-North Europe 14-21 days (carrier schedules)"),
    Lane("chongqing-duisburg-deadline-train", "CNCKG", "DEDUI", {"deadline": "2025-03-28"},
         (12, 25), {"modes": ["rail"]},
         "China-Europe block train 12-18 days (UIC, DB Cargo Eurasia): with a 25-day "
         "deadline the cheapest on-time option is the train, not air"),
    Lane("oslo-greenland-no-truck", "NOOSL", "GLJGO", {}, (1, 40),
         {"no_land": True},
         "Greenland has no road or rail connection to Europe"),
    Lane("qatar-yemen-no-rail", "QAHMD", "YEADE", {"avoid_passages": "hormuz"}, None,
         {"no_rail_in": {"QA", "YE"}}, "There is no railway in Qatar or Yemen"),
    Lane("colombo-bangalore-no-land-from-colombo", "LKCMB", "INBLR", {}, (2, 20),
         {"no_land_from": "LKCMB"}, "Sri Lanka has no fixed link to India"),
    Lane("valencia-algiers-no-land", "ESVLC", "DZALG", {}, (0.5, 20), {"no_land": True},
         "The Mediterranean lies between Spain and Algeria"),
]  # fmt: skip


def _modes(route) -> list[str]:
    out: list[str] = []
    for leg in route.legs:
        if not out or out[-1] != leg.mode:
            out.append(leg.mode)
    return out


def check(net: Network, lane: Lane) -> list[str]:
    """What is unrealistic about the route proposed for ``lane`` (empty: nothing)."""
    try:
        [route] = propose(net, lane.origin, lane.destination, depart_after=DEPART, **lane.options)
    except NoRoute as err:
        ok = "no_rail_in" in lane.checks or lane.checks.get("no_route_ok")
        return [] if ok else [f"no route: {err}"]
    c, legs, modes = lane.checks, route.legs, _modes(route)
    days = route.totals.transit_hours / 24.0
    bad = []
    if lane.days is not None and not lane.days[0] <= days <= lane.days[1]:
        bad.append(f"{days:.1f} days, published {lane.days[0]:g}-{lane.days[1]:g}")
    if "modes" in c and modes != c["modes"]:
        bad.append(f"modes {modes}, expected {c['modes']}")
    if "only" in c and not set(modes) <= c["only"]:
        bad.append(f"modes {modes}, expected only {sorted(c['only'])}")
    if "first" in c and legs[0].mode != c["first"]:
        bad.append(f"first leg by {legs[0].mode}, expected {c['first']}")
    if "last" in c and legs[-1].mode != c["last"]:
        bad.append(f"last leg by {legs[-1].mode}, expected {c['last']}")
    if "via_any" in c and not set(route.nodes[1:-1]) & c["via_any"]:
        bad.append(f"via {route.nodes}, expected one of {sorted(c['via_any'])}")
    passages = {p for leg in legs for p in leg.passages}
    if "passages" in c and not c["passages"] <= passages:
        bad.append(f"passages {sorted(passages)}, expected {sorted(c['passages'])}")
    land = {"road", "rail"} & set(modes)
    if c.get("no_land") and land:
        bad.append(f"a land leg ({modes}) where water is between")
    if "no_land_from" in c and legs[0].mode in ("road", "rail"):
        bad.append(f"a {legs[0].mode} leg from {c['no_land_from']}, an island")
    for leg in legs:
        ends = {net.ports[leg.origin].country, net.ports[leg.destination].country}
        if leg.mode == "rail" and ends & c.get("no_rail_in", set()):
            bad.append(f"rail {leg.origin}->{leg.destination} where there is no railway")
    for leg in legs:
        if leg.mode in ("road", "rail"):
            table = net.land_components.get(leg.mode, {})
            a, b = table.get(leg.origin), table.get(leg.destination)
            if a is None or a != b:
                bad.append(f"{leg.mode} {leg.origin}->{leg.destination} crosses water")
    gc = net.great_circle(route.origin, route.destination)
    if route.totals.distance_km > 3 * gc + 1500:
        bad.append(f"{route.totals.distance_km:,.0f} km for {gc:,.0f} km great circle")
    return bad
