"""The build's fixed inputs: carriers, liner services, hubs, airports, inland points.

The carriers and services are *modelled*, not real carrier data; any resemblance to a
real company's name is unintended.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- carriers
# Fictional carriers; any resemblance to a real company's name is unintended.
CARRIERS = [
    ("Meridian Container Line", "sea", "global deep-sea carrier (modelled)"),
    ("Boreal Ocean Carriers", "sea", "deep-sea carrier, strong in North Europe and Transpacific"),
    ("Orient Star Shipping", "sea", "Asia-based carrier, Intra-Asia, Asia-Med, Asia-Middle East"),
    ("Austral & Atlantic Lines", "sea", "North-South trades: Latin America, Africa, Oceania"),
    ("Coastwise Feeder Co.", "sea", "feeder operator: Asia, Middle East, Africa, Oceania"),
    ("Northsea Feeder Lines", "sea", "feeder operator: Europe and the Americas"),
    ("Skyhaul Cargo", "air", "all-cargo airline, hubs HKG, PVG, DXB, FRA, MEM, ANC"),
    ("Aerolane Freight", "air", "all-cargo airline, hubs DOH, ICN, SIN, LGG, ORD, MIA"),
    ("Steppe Rail Bridge", "rail", "China-Europe block trains"),
    ("Continental Intermodal Rail", "rail", "port-hinterland container trains"),
    ("Hinterland Haulage", "road", "container trucking to and from ports and airports"),
    ("Pacific Land Bridge Rail", "rail", "North American double-stack intermodal trains"),
    ("Rhine & River Barge Lines", "barge", "container barges: Rhine, Yangtze, Mississippi/Ohio"),
]

# ------------------------------------------------------------------ liner services
# (service id, carrier, trade lane, name, port rotation, extra passage restrictions).
# A rotation is a weekly loop: the vessel sails back from the last call to the first.
_MCL, _BOC, _OSS, _AAL = (
    "Meridian Container Line",
    "Boreal Ocean Carriers",
    "Orient Star Shipping",
    "Austral & Atlantic Lines",
)
_CAPE = ("suez", "babalmandab")  # Cape of Good Hope diversion services
SERVICES = [
    # Asia - North Europe (via Suez)
    (
        "MCL-AE1",
        _MCL,
        "Asia-North Europe",
        "Dragon Express",
        "KRPUS CNSHA CNNGB CNYTN SGSIN NLRTM DEHAM BEANR GBFXT SGSIN CNYTN",
        (),
    ),
    (
        "BOC-NE2",
        _BOC,
        "Asia-North Europe",
        "Northern Lights",
        "CNTSN CNTAO CNSHA CNNGB TWKHH HKHKG MYTPP NLRTM GBFXT DEHAM PLGDN DEBRV MYTPP",
        (),
    ),
    (
        "OSS-AEX",
        _OSS,
        "Asia-North Europe",
        "Silk Loop",
        "CNXMN CNYTN HKHKG VNCMT SGSIN LKCMB FRLEH GBSOU BEANR NLRTM LKCMB",
        (),
    ),
    # Asia - North Europe via the Cape of Good Hope (Red Sea diversion)
    (
        "MCL-AEC",
        _MCL,
        "Asia-North Europe",
        "Cape Dragon",
        "CNSHA CNNGB CNYTN SGSIN ESALG NLRTM DEHAM BEANR ESALG SGSIN",
        _CAPE,
    ),
    (
        "BOC-NEC",
        _BOC,
        "Asia-North Europe",
        "Southern Cross",
        "KRPUS CNSHA CNYTN MYPKG ZACPT GBFXT NLRTM DEHAM ZACPT MYPKG",
        _CAPE,
    ),
    # Asia - Mediterranean
    (
        "OSS-MD1",
        _OSS,
        "Asia-Mediterranean",
        "Levant Pearl",
        "CNSHA CNNGB CNYTN SGSIN EGPSD GRPIR ITGOA FRFOS ESBCN ESVLC EGPSD SGSIN",
        (),
    ),
    (
        "MCL-MD2",
        _MCL,
        "Asia-Mediterranean",
        "Adriatic Bridge",
        "CNTAO CNSHA HKHKG MYPKG SAJED GRPIR SIKOP ITTRS MTMAR SAJED MYPKG",
        (),
    ),
    (
        "BOC-BSX",
        _BOC,
        "Asia-Mediterranean",
        "Bosporus Link",
        "CNSHA CNNGB SGSIN EGPSD TRAMR UAODS GRPIR EGPSD SGSIN",
        (),
    ),
    # Asia - Middle East / Indian subcontinent / Red Sea
    (
        "AAL-AGX",
        _AAL,
        "Asia-Middle East",
        "Gulf Express",
        "CNSHA CNNGB HKHKG SGSIN AEJEA SADMN QAHMD KWSAA AEJEA SGSIN",
        (),
    ),
    (
        "OSS-IPK",
        _OSS,
        "Asia-Middle East",
        "Indus",
        "CNSHA CNNGB CNSZX SGSIN MYPKG LKCMB INNSA PKKHI INMUN OMSLL LKCMB",
        (),
    ),
    (
        "BOC-RSX",
        _BOC,
        "Asia-Middle East",
        "Red Sea Shuttle",
        "CNSHA CNYTN SGSIN DJJIB SAJED EGSOK SAJED SGSIN",
        (),
    ),
    (
        "OSS-GIS",
        _OSS,
        "Asia-Middle East",
        "Gulf-India Shuttle",
        "AEJEA SADMN INMUN INNSA PKKHI",
        (),
    ),
    (
        "OSS-BGX",
        _OSS,
        "Intra-Asia",
        "Bay of Bengal",
        "SGSIN MYPKG LKCMB INMAA BDCGP INCCU LKCMB",
        (),
    ),
    # Transpacific
    ("MCL-TP1", _MCL, "Transpacific", "Golden Gate", "CNYTN HKHKG CNSHA CNNGB USLAX USOAK", ()),
    ("BOC-TP2", _BOC, "Transpacific", "Cascadia", "CNTAO CNSHA KRPUS CAVAN USSEA KRPUS", ()),
    (
        "OSS-TP3",
        _OSS,
        "Transpacific",
        "Pacific Arrow",
        "SGSIN VNCMT HKHKG CNYTN USLGB USOAK JPTYO",
        (),
    ),
    (
        "AAL-TPE",
        _AAL,
        "Transpacific",
        "Canal Eastbound",
        "CNSHA CNNGB CNYTN KRPUS PABLB USSAV USNYC USORF USCHS PAMIT",
        (),
    ),
    (
        "MCL-TPS",
        _MCL,
        "Transpacific",
        "Suez Eastcoast",
        "VNCMT SGSIN LKCMB EGPSD USNYC USORF USSAV EGPSD LKCMB",
        (),
    ),
    ("BOC-TPM", _BOC, "Transpacific", "Mexico Pacific", "CNSHA KRPUS JPYOK MXZLO MXLZC USLAX", ()),
    # Transatlantic
    (
        "BOC-TA1",
        _BOC,
        "Transatlantic",
        "Liberty",
        "DEHAM NLRTM BEANR GBFXT USNYC USORF USSAV USCHS",
        (),
    ),
    (
        "AAL-TA2",
        _AAL,
        "Transatlantic",
        "Gulf Atlantic",
        "FRLEH GBSOU BEANR USHOU USMSY USMIA USPEF",
        (),
    ),
    (
        "MCL-TA3",
        _MCL,
        "Transatlantic",
        "Med Atlantic",
        "ITGOA ESBCN ESVLC ESALG USNYC USBAL USSAV CAHAL",
        (),
    ),
    ("OSS-TA4", _OSS, "Transatlantic", "St Lawrence", "BEANR DEHAM GBLGP CAMTR", ()),
    # Intra-Asia and Oceania
    ("OSS-IA1", _OSS, "Intra-Asia", "Japan Sea", "CNSHA KRPUS JPTYO JPYOK JPNGO JPUKB KRPUS", ()),
    (
        "OSS-IA2",
        _OSS,
        "Intra-Asia",
        "Straits",
        "CNSHA HKHKG VNCMT THLCH SGSIN MYPKG IDJKT IDSUB SGSIN",
        (),
    ),
    (
        "MCL-IA3",
        _MCL,
        "Intra-Asia",
        "South China Sea",
        "CNTAO KRPUS CNSHA TWKHH PHMNL HKHKG VNHPH CNYTN",
        (),
    ),
    (
        "BOC-OC1",
        _BOC,
        "Oceania",
        "Southern Star",
        "CNSHA HKHKG SGSIN AUFRE AUMEL AUSYD AUBNE PGPOM HKHKG",
        (),
    ),
    ("AAL-OC2", _AAL, "Oceania", "Tasman", "KRPUS CNSHA NZAKL NZTRG AUSYD AUMEL NCNOU FJSUV", ()),
    # Latin America
    (
        "AAL-SAE",
        _AAL,
        "Latin America",
        "Asia-ECSA",
        "CNSHA CNNGB HKHKG SGSIN ZADUR BRSSZ BRRIO UYMVD ARBUE BRPNG BRSSZ ZADUR SGSIN",
        (),
    ),
    (
        "AAL-SAW",
        _AAL,
        "Latin America",
        "Asia-WCSA",
        "CNSHA KRPUS JPYOK MXZLO PECLL CLSAI CLVAP PECLL",
        (),
    ),
    (
        "BOC-EES",
        _BOC,
        "Latin America",
        "Europe-ECSA",
        "NLRTM DEHAM BEANR ESALG BRSSA BRSSZ UYMVD ARBUE BRRIO ESALG",
        (),
    ),
    (
        "MCL-CAR",
        _MCL,
        "Latin America",
        "Caribbean Hub",
        "USMIA BSFPO JMKIN COCTG PAMIT CRLIO GTPRQ USHOU",
        (),
    ),
    (
        "AAL-EWC",
        _AAL,
        "Latin America",
        "Europe-WCSA",
        "NLRTM BEANR GBLGP ESALG COCTG PAMIT PABLB ECGYE PECLL CLSAI PABLB",
        (),
    ),
    # Africa
    (
        "AAL-WAF",
        _AAL,
        "Africa",
        "Asia-West Africa",
        "CNSHA CNNGB HKHKG SGSIN ZADUR TGLFW NGAPP GHTEM CIABJ ZADUR",
        (),
    ),
    (
        "MCL-EWA",
        _MCL,
        "Africa",
        "Europe-West Africa",
        "NLRTM BEANR FRLEH ESALG MACAS SNDKR CIABJ GHTEM TGLFW NGAPP CMDLA ESALG",
        (),
    ),
    (
        "OSS-EAF",
        _OSS,
        "Africa",
        "Asia-East Africa",
        "CNSHA CNNGB SGSIN LKCMB KEMBA TZDAR MGTOA MUPLU SGSIN",
        (),
    ),
    (
        "BOC-SAF",
        _BOC,
        "Africa",
        "Asia-South Africa",
        "CNSHA CNNGB HKHKG SGSIN MUPLU ZADUR ZACPT ZAPLZ ZADUR",
        (),
    ),
    (
        "AAL-ESA",
        _AAL,
        "Africa",
        "Europe-South Africa",
        "NLRTM DEHAM GBSOU ESALG ZACPT ZADUR MZMPM ZACPT",
        (),
    ),
    (
        "MCL-MEA",
        _MCL,
        "Africa",
        "Middle East-Africa",
        "AEJEA OMSLL DJJIB KEMBA TZDAR MZMPM ZADUR OMSLL",
        (),
    ),
    # Middle East / India - Europe, India - US
    (
        "OSS-MEU",
        _OSS,
        "Asia-North Europe",
        "Arabian Sea Express",
        "AEJEA OMSLL SAJED EGPSD GRPIR ITGIT NLRTM BEANR DEHAM SAJED",
        (),
    ),
    (
        "BOC-IEX",
        _BOC,
        "Asia-North Europe",
        "India-Europe",
        "INNSA INMUN PKKHI SAJED EGPSD GBLGP NLRTM BEANR DEHAM EGPSD",
        (),
    ),
    (
        "AAL-IUS",
        _AAL,
        "Transatlantic",
        "India-US East Coast",
        "LKCMB INNSA INMUN EGPSD ESALG USNYC USSAV USCHS ESALG",
        (),
    ),
    # Intra-Europe
    (
        "BOC-NEU",
        _BOC,
        "Intra-Europe",
        "Baltic Loop",
        "DEHAM DEBRV PLGDN LTKLJ FIHEL SEGOT DKAAR NOOSL",
        (),
    ),
    (
        "MCL-MED",
        _MCL,
        "Intra-Europe",
        "Med Shuttle",
        "ESALG ESVLC ITGIT MTMAR GRPIR TRAMR EGALY ILHFA MACAS",
        (),
    ),
]

#: Transshipment hubs: feeder services connect every other port to its nearest two.
HUBS = [
    "SGSIN",
    "MYTPP",
    "MYPKG",
    "LKCMB",
    "AEJEA",
    "OMSLL",
    "SAJED",
    "EGPSD",
    "MTMAR",
    "GRPIR",
    "ESALG",
    "ESVLC",
    "NLRTM",
    "BEANR",
    "DEHAM",
    "GBFXT",
    "KRPUS",
    "HKHKG",
    "CNSHA",
    "CNNGB",
    "CNYTN",
    "TWKHH",
    "JPYOK",
    "USLAX",
    "USLGB",
    "USNYC",
    "USSAV",
    "USHOU",
    "PAMIT",
    "PABLB",
    "JMKIN",
    "BSFPO",
    "COCTG",
    "BRSSZ",
    "PECLL",
    "CLSAI",
    "ZADUR",
    "ZACPT",
    "TGLFW",
    "NGAPP",
    "KEMBA",
    "DJJIB",
    "AUMEL",
    "AUSYD",
    "NZAKL",
    "MXZLO",
    "CAVAN",
    "USSEA",
    "TRAMR",
    "INNSA",
    "MUPLU",
]

# ------------------------------------------------------------------------ air
# Major cargo airports (IATA). Node code = ISO country + IATA code (see data README).
AIRPORTS = [
    "HKG",
    "MEM",
    "PVG",
    "ANC",
    "ICN",
    "SDF",
    "TPE",
    "LAX",
    "DOH",
    "NRT",
    "MIA",
    "ORD",
    "FRA",
    "CDG",
    "DXB",
    "SIN",
    "LEJ",
    "CAN",
    "AMS",
    "LHR",
    "CVG",
    "IST",
    "BKK",
    "JFK",
    "KIX",
    "SZX",
    "DEL",
    "BOM",
    "PEK",
    "CGO",
    "LGG",
    "MEX",
    "GRU",
    "BOG",
    "SCL",
    "JNB",
    "NBO",
    "ADD",
    "SYD",
    "YYZ",
    "ATL",
    "DFW",
    "LUX",
    "MAD",
    "MXP",
    "CMN",
    "LOS",
    "KUL",
    "SGN",
]
AIR_HUBS = {
    "Skyhaul Cargo": ("HKG", "PVG", "DXB", "FRA", "MEM", "ANC"),
    "Aerolane Freight": ("DOH", "ICN", "SIN", "LGG", "ORD", "MIA"),
}
AIR_MAX_KM = 13000.0  # freighter range with payload (modelling assumption)

# -------------------------------------------------------------------- inland
# (UN/LOCODE, name, lat, lon): inland logistics centres, approximate city-centre coordinates.
INLAND = [
    ("DEDUI", "Duisburg", 51.43, 6.76),
    ("DEMUC", "Munich", 48.14, 11.58),
    ("DENUE", "Nuremberg", 49.45, 11.08),
    ("CZPRG", "Prague", 50.08, 14.44),
    ("ATVIE", "Vienna", 48.21, 16.37),
    ("HUBUD", "Budapest", 47.50, 19.04),
    ("PLWAW", "Warsaw", 52.23, 21.01),
    ("PLLOD", "Lodz", 51.76, 19.46),
    ("ITMIL", "Milan", 45.46, 9.19),
    ("ESMAD", "Madrid", 40.42, -3.70),
    ("FRPAR", "Paris", 48.86, 2.35),
    ("FRLYS", "Lyon", 45.76, 4.84),
    ("GBBHM", "Birmingham", 52.49, -1.89),
    ("USCHI", "Chicago", 41.88, -87.63),
    ("USMEM", "Memphis", 35.15, -90.05),
    ("USDAL", "Dallas", 32.78, -96.80),
    ("USATL", "Atlanta", 33.75, -84.39),
    ("USMKC", "Kansas City", 39.10, -94.58),
    ("USDEN", "Denver", 39.74, -104.99),
    ("USCMH", "Columbus", 39.96, -83.00),
    ("MXMEX", "Mexico City", 19.43, -99.13),
    ("CNCKG", "Chongqing", 29.56, 106.55),
    ("CNCTU", "Chengdu", 30.66, 104.07),
    ("CNCGO", "Zhengzhou", 34.75, 113.63),
    ("KZALA", "Almaty", 43.24, 76.89),
    ("INDEL", "Delhi", 28.61, 77.21),
    ("INBLR", "Bangalore", 12.97, 77.59),
    ("BRSAO", "Sao Paulo", -23.55, -46.63),
    ("ZAJNB", "Johannesburg", -26.20, 28.05),
    ("KENBO", "Nairobi", -1.29, 36.82),
    ("ETADD", "Addis Ababa", 9.03, 38.74),
    ("UGKLA", "Kampala", 0.35, 32.58),
    ("ZMLUN", "Lusaka", -15.39, 28.32),
    ("CATOR", "Toronto", 43.65, -79.38),
]
#: Inland points that are also searoute port records with wrong coordinates: fixed here.
COORD_FIXES = {
    "USSTL": (38.627, -90.199),  # St. Louis, MO (searoute: a point in Michigan)
    "USPIT": (40.441, -79.996),  # Pittsburgh, PA (searoute: Louisiana)
    "USCMH": (39.961, -82.999),  # Columbus, OH (searoute: Columbus, GA)
}
#: Inland ports added here (not in searoute's records): (UN/LOCODE, name, lat, lon).
RIVER_PORTS = [("CHBSL", "Basel", 47.585, 7.592)]

# -------------------------------------------------------------------- corridors
# Each corridor: (carrier, mode, rail tariff key or "", average km/h, departures per
# week, [(from, to), ...]). Distances are shortest paths on scgraph_data's world
# railway graph; transit = distance / speed + terminal time. Typical published
# transit times and frequencies they reproduce are cited in docs/ROUTING.md.
CORRIDORS = [
    # China-Europe block trains: 12-18 days Chongqing/Chengdu/Zhengzhou-Duisburg/Hamburg,
    # weekly to several a week (UIC/DB Cargo Eurasia, 2023).
    ("Steppe Rail Bridge", "rail", "rail_long", 30.0, 2,
     [("CNCKG", "DEDUI"), ("CNCTU", "PLLOD"), ("CNCGO", "DEHAM"), ("CNCGO", "DEDUI")]),
    # North American land bridges: LA/Long Beach-Chicago 4-5 days ramp to ramp, daily
    # (BNSF/UP intermodal schedules); Prince Rupert-Chicago about 5 days (CN).
    ("Pacific Land Bridge Rail", "rail", "rail_na", 42.0, 7,
     [("USLAX", "USCHI"), ("USLAX", "USMEM"), ("USLAX", "USDAL"), ("USLAX", "USMKC"),
      ("USLGB", "USCHI"), ("USLGB", "USMEM"), ("USLGB", "USDAL"), ("USOAK", "USCHI"),
      ("USOAK", "USDEN"), ("USSEA", "USCHI"), ("USSEA", "USMKC"), ("USTIW", "USCHI"),
      ("CAVAN", "CATOR"), ("CAVAN", "USCHI"), ("CAPRR", "USCHI"), ("CAPRR", "USMEM"),
      ("CAPRR", "CATOR"), ("USNYC", "USCHI"), ("USNYC", "USCMH"), ("USSAV", "USATL"),
      ("USSAV", "USMEM"), ("USCHS", "USATL"), ("USORF", "USCMH"), ("USORF", "USCHI"),
      ("USHOU", "USDAL"), ("USMSY", "USMEM"), ("CAHAL", "CATOR"), ("CAMTR", "CATOR"),
      ("CAMTR", "USCHI"), ("MXLZC", "MXMEX"), ("MXZLO", "MXMEX")]),
    # European hinterland rail: 1-3 days, daily to 5-10 a week (TFG Transfracht,
    # Metrans, Rail Cargo Group and Port of Rotterdam/Antwerp network listings).
    ("Continental Intermodal Rail", "rail", "", 35.0, 7,
     [("DEHAM", "DEMUC"), ("DEHAM", "DENUE"), ("DEHAM", "CZPRG"), ("DEHAM", "ATVIE"),
      ("DEHAM", "HUBUD"), ("DEHAM", "DEDUI"), ("DEHAM", "PLWAW"), ("DEBRV", "DEMUC"),
      ("DEBRV", "CZPRG"), ("DEBRV", "DENUE"), ("NLRTM", "DEDUI"), ("NLRTM", "CHBSL"),
      ("NLRTM", "ITMIL"), ("NLRTM", "DEMUC"), ("NLRTM", "HUBUD"), ("NLRTM", "PLWAW"),
      ("BEANR", "DEDUI"), ("BEANR", "CHBSL"), ("BEANR", "ITMIL"), ("BEANR", "FRLYS"),
      ("ITTRS", "ATVIE"), ("ITTRS", "HUBUD"), ("ITTRS", "DEMUC"), ("ITTRS", "CZPRG"),
      ("SIKOP", "ATVIE"), ("SIKOP", "HUBUD"), ("SIKOP", "CZPRG"), ("PLGDN", "PLWAW"),
      ("PLGDN", "PLLOD"), ("PLGDN", "CZPRG"), ("PLGDN", "HUBUD"), ("ITGOA", "ITMIL"),
      ("ITGOA", "CHBSL"), ("FRLEH", "FRPAR"), ("FRLEH", "FRLYS"), ("FRFOS", "FRLYS"),
      ("ESVLC", "ESMAD"), ("ESALG", "ESMAD"), ("ESBCN", "ESMAD"), ("GBFXT", "GBBHM"),
      ("GBSOU", "GBBHM"), ("CNSHA", "CNCKG"), ("CNSHA", "CNCGO"), ("CNTAO", "CNCGO"),
      ("CNNGB", "CNCTU"), ("INNSA", "INDEL"), ("INMUN", "INDEL"), ("INMAA", "INBLR"),
      ("ZADUR", "ZAJNB"), ("KEMBA", "KENBO"), ("DJJIB", "ETADD"), ("TZDAR", "ZMLUN"),
      ("BRSSZ", "BRSAO")]),
]  # fmt: skip
#: Barge corridors: (from, to, river km, upstream km/h, downstream km/h, departures a
#: week). River distances are fairway kilometres (Rhine km; Yangtze km from Shanghai;
#: Mississippi/Ohio river miles x 1.609). Typical transit times: Rotterdam-Duisburg
#: 1-1.5 days, Rotterdam-Basel 3-4 days upstream (Contargo, Port of Rotterdam);
#: Shanghai-Wuhan 4-6 days, Shanghai-Chongqing 8-12 days (Yangtze feeder services);
#: New Orleans-Memphis about 6 days, -St. Louis about 9 days upstream (USDA barge
#: transportation reports: tow speeds of 5-8 mph upstream).
BARGE = [
    ("NLRTM", "DEDUI", 225.0, 10.0, 15.0, 14),
    ("NLRTM", "CHBSL", 830.0, 10.0, 15.0, 5),
    ("BEANR", "DEDUI", 300.0, 10.0, 15.0, 7),
    ("DEDUI", "CHBSL", 605.0, 10.0, 15.0, 5),
    ("CNSHA", "CNNKG", 390.0, 12.0, 16.0, 14),
    ("CNSHA", "CNWUH", 1125.0, 12.0, 16.0, 7),
    ("CNSHA", "CNCKG", 2400.0, 10.0, 16.0, 3),
    ("CNWUH", "CNCKG", 1275.0, 10.0, 16.0, 3),
    ("USMSY", "USMEM", 1030.0, 8.0, 13.0, 2),
    ("USMSY", "USSTL", 1670.0, 8.0, 13.0, 2),
    ("USMEM", "USSTL", 640.0, 8.0, 13.0, 2),
    ("USMSY", "USCVG", 2200.0, 8.0, 13.0, 1),
    ("USCVG", "USPIT", 760.0, 8.0, 13.0, 1),
]
#: Generic road drayage/trucking: at most this far on the highway network.
ROAD_MAX_KM = 1200.0
#: Generic hinterland rail (inland ports to the nearest mainline port): range on the
#: railway network.
RAIL_MIN_KM, RAIL_MAX_KM = 250.0, 1500.0
PORT_AIRPORT_ROAD_KM = 150.0
SNAP_MAX_KM = 150.0  # further than this from marnet = an inland/river terminal
#: A land node further than this from the railway/highway graph has no such link.
LAND_SNAP_KM = {"rail": 40.0, "road": 30.0}
#: Corridor terminals may be further from the mainline (port rail terminals, drayage).
CORRIDOR_SNAP_KM = 80.0
#: A land path longer than this x great-circle is an absurd detour: no link.
LAND_DETOUR_MAX = 2.2
#: Feeders: a port is served by its nearest hub of its own region within this many
#: sea km (else by the nearest hub of any region within it); beyond it, no feeder.
FEEDER_MAX_KM = 3000.0
#: A remote port with no hub within FEEDER_MAX_KM: its nearest hub within this.
REMOTE_FEEDER_MAX_KM = 6000.0

_EUROPE = set(
    [
        "NL",
        "BE",
        "DE",
        "GB",
        "FR",
        "ES",
        "PT",
        "IT",
        "GR",
        "TR",
        "MT",
        "PL",
        "DK",
        "SE",
        "NO",
        "FI",
        "LT",
        "LV",
        "EE",
        "RU",
        "IE",
        "SI",
        "HR",
        "UA",
    ]
)
