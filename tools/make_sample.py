"""Sample-data generator: a fixed seed and the CBS province populations of 1 January 2021 into
the calibrated sample tables of data/sample (provinces, pois, libraries, school_locations,
contacts, network, partners), in the canonical form of the data contract (version 2).

The 12 provinces and 9 POIs are real; the library organisations, their schools and contacts are
fictional. School year 2020-2021 is drawn first: every value plausibly (scaled to the library's
inhabitants, with a varied per-library share), then `allocate` adjusts the values so that the
national totals are exactly the KB's published figures while every per-row consistency rule
keeps holding. The school years 2018-2019 to 2022-2023 around it come from a second random
stream (so 2020-2021 stays as drawn): a lineage of mergers and stops, each library drifting from
its 2020-2021 figures, calibrated per year to that year's published figures. The calendar years
of the general survey (network, partners) come from a third stream (tools/sample_partners.py).

    python tools/make_sample.py --out data/sample [--reference FILE]

--reference defaults to shared/reference/provinces_2021.csv next to the repository (or next to
the folder that holds it).
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sample_calibrate import allocate, noisy, pick, share
from sample_partners import NETWORK_COLUMNS, PARTNERS_COLUMNS, Organisation, make_partner_tables

from infographics.data.checklist import Checklist, load_checklist
from infographics.data.schema import TABLES

SEED = 2021
SCHOOL_YEAR = "2020-2021"
REPO = Path(__file__).resolve().parents[1]
# The CBS file lives in shared/reference next to the repository (or next to the folder that
# holds this checkout, for a git worktree).
REFERENCES = [folder / "shared" / "reference" / "provinces_2021.csv"
              for folder in (REPO.parent, REPO.parent.parent)]
DEFAULT_REFERENCE = next((path for path in REFERENCES if path.exists()), REFERENCES[0])

# Real provinces (CBS code, name) and the POI that served each in 2020-2021.
PROVINCES = {
    "PV20": ("Groningen", "biblionet-groningen"),
    "PV21": ("Fryslân", "bibliotheekservice-fryslan"),
    "PV22": ("Drenthe", "biblionet-drenthe"),
    "PV23": ("Overijssel", "rijnbrink"),
    "PV24": ("Flevoland", "bibliotheeknetwerk-flevoland"),
    "PV25": ("Gelderland", "rijnbrink"),
    "PV26": ("Utrecht", "bisc"),
    "PV27": ("Noord-Holland", "probiblio"),
    "PV28": ("Zuid-Holland", "probiblio"),
    "PV29": ("Zeeland", "zb"),
    "PV30": ("Noord-Brabant", "cubiss"),
    "PV31": ("Limburg", "cubiss"),
}
POIS = {
    "biblionet-groningen": "Biblionet Groningen",
    "bibliotheekservice-fryslan": "Bibliotheekservice Fryslân",
    "biblionet-drenthe": "Biblionet Drenthe",
    "rijnbrink": "Rijnbrink",
    "bibliotheeknetwerk-flevoland": "Bibliotheeknetwerk Flevoland",
    "bisc": "BISC Utrecht",
    "probiblio": "ProBiblio",
    "zb": "ZB Planbureau en Bibliotheek van Zeeland",
    "cubiss": "Cubiss",
}

# Published national figures 2020-2021 (data contract, last section).
N_LIBRARIES = 140
PO_IN_AREA, PO_COOPERATING, PO_READING, PO_DIGITAL = 6870, 5386, 5061, 2168
DBOS_LIBRARIES, DBOS_LOCATIONS, DBOS_PUPILS = 106, 2523, 484_000
COMPARABLE_LIBRARIES, COMPARABLE_LOCATIONS, COMPARABLE_PUPILS = 46, 700, 154_000
DBOS_OR_COMPARABLE = 122
CHILDREN, MEMBERS, ACTIVE = 1_600_000, 1_120_000, 638_400
READING_PLAN_KNOWN, MEDIA_PLAN_KNOWN = 102, 35
NO_VO_LIBRARIES = 2
VO_IN_AREA, VO_COOPERATING, VO_SIGNED = 1962, 726, 257
VO_COOPERATING_LIBRARIES, VO_SIGNED_LIBRARIES = 115, 59
VO_OFFERS = {  # libraries (of those with a VO location) answering ja
    "vo_offers_collections": 94,
    "vo_offers_activities": 84,
    "vo_offers_policy_advice": 58,
    "vo_offers_reading_programmes": 57,
    "vo_offers_subject_advice": 56,
}
# Stars of the 726 cooperating VO locations: 559 with 1 star is published, the rest is chosen.
STAR_COUNTS = {0: 20, 1: 559, 2: 110, 3: 30, 4: 7}

# Plausible drawing: size spread, ratios per inhabitant and per-library shares (mean, sd).
MIN_PER_PROVINCE = 3
SIZE_SIGMA = 1.05
INHABITANTS_RANGE = (10_000, 900_000)
INHABITANTS_PER_VO_LOCATION = 8_900
PO_FLAGS = {  # chance of ja among the known answers
    "po_in_policy_plan": 0.85,
    "po_municipal_structural_funding": 0.55,
    "po_multi_year_agreement": 0.6,
}
UNKNOWN_ANSWER = 0.05

# Name parts, per province, for fictional library names.
REGIONS = {
    "PV20": ["Hunzedal", "Reitdiep", "Eemsmond", "Westerkwartier", "Oldambt", "Hogeland",
             "Fivelingo", "Gorecht", "Duurswold", "Veenkoloniën", "Wold"],
    "PV21": ["Wâlden", "Súdwâl", "Waadkust", "Greidhoek", "Lauwersmar", "Tsjonger", "Boarn",
             "Fryslân", "Marrelân", "Klaverlân"],
    "PV22": ["Hondsrug", "Sleenerzand", "Reestdal", "Oostermoer", "Westerveld", "Drentsche Aa",
             "Veenkoloniën", "Dwingelderveld", "Essenland"],
    "PV23": ["Vechtdal", "Salland", "Twente", "Dinkelland", "IJsseldelta", "Reggedal",
             "Weerribben", "Berkeldal", "Twentekanaal", "Kampereiland"],
    "PV24": ["Polderland", "Flevokust", "Kuinderbos", "Flevopolder", "Urkerland",
             "Oostvaarders", "Lelystrand"],
    "PV25": ["Veluwe", "Achterhoek", "Liemers", "Betuwe", "Rivierenland", "Vallei",
             "Graafschap", "Bommelerwaard", "Berkelland", "Ooijpolder", "Veluwezoom",
             "IJsselvallei"],
    "PV26": ["Heuvelrug", "Kromme Rijn", "Vechtstreek", "Eemland", "Lopikerwaard",
             "Vijfheerenlanden", "Lekstreek", "Binnenveld", "Maarsseveen"],
    "PV27": ["Zaanstreek", "Waterland", "Kennemerland", "Gooi", "Amstelland", "Haarlemmermeer",
             "IJmond", "Beemster", "Zeevang", "Duinstreek", "Schermer", "Texelstroom"],
    "PV28": ["Rijnstreek", "Bollenstreek", "Hoeksche Waard", "Drechtsteden", "Alblasserwaard",
             "Voorne", "Westland", "Krimpenerwaard", "Goeree", "Rijnmond", "Delfland",
             "Lansingerland", "Waterweg", "Gouwe"],
    "PV29": ["Walcheren", "Schouwen", "Oosterschelde", "Bevelanden", "Tholen", "Duiveland",
             "Zeeuws-Vlaanderen", "Westerschelde"],
    "PV30": ["Kempen", "Peel", "Meierij", "Langstraat", "Baronie", "Maasland", "Markiezaat",
             "Dommeldal", "Kempenland", "Brabantse Wal", "Groene Woud", "Maaskant", "Dongemond"],
    "PV31": ["Heuvelland", "Maasvallei", "Mijnstreek", "Parkstad", "Geleenbeek", "Roerdal",
             "Mergelland", "Maasduinen", "Geuldal", "Peelrand", "Swalmdal"],
}
# Stems that stand alone with an article ("Bibliotheek De Kempen").
WITH_ARTICLE = {"Kempen", "Peel", "Veluwe", "Liemers", "Betuwe", "Achterhoek", "Hondsrug",
                "Meierij", "Langstraat", "Baronie", "Gouwe", "Zaanstreek", "Bollenstreek", "Vallei",
                "Graafschap", "Mijnstreek", "Wâlden", "Greidhoek", "Weerribben", "Heuvelrug"}
LONG_NAME_PROVINCES = ("PV25", "PV28")  # one very long name each
COMPASS = ["Noord", "Oost", "Zuid", "West", "Midden", "Noordoost", "Noordwest", "Zuidoost",
           "Zuidwest"]
NAME_PATTERNS = ["{a}", "{a}", "{c}-{a}", "{c}-{a}", "{a} en {b}", "Regio {a}", "{a} Centraal"]
TOWN_HEADS = ["Ooster", "Wester", "Noorder", "Zuider", "Nieuw", "Oude", "Hooge", "Lage", "Groot",
              "Klein", "Linde", "Elsen", "Eiken", "Beuken", "Brug", "Molen", "Heide"]
TOWN_TAILS = ["veen", "dam", "wolde", "horst", "hoven", "dijk", "broek", "wijk", "beek", "rade",
              "meer", "burg", "zijl", "hout", "loo", "donk", "kerk", "vaart", "sloot", "hem"]
SCHOOL_STEMS = ["Het Baken", "De Vaart", "Erasmus", "Het Rijnlands", "De Breul", "Het Noorderlicht",
                "De Nieuwe Veste", "Het Lindenhout", "De Linie", "Comenius", "Het Hooghuis",
                "De Waterlelie", "Groenewald", "Het Kompas", "De Heerlijkheid", "Sint-Jozef",
                "Het Ravelijn", "De Meerwaarde", "Vincent van Gogh", "Het Stedelijk"]
SCHOOL_KINDS = ["{s} College", "Christelijk Lyceum {s}", "Scholengemeenschap {s}", "{s} Mavo",
                "Openbare Scholengemeenschap {s}", "{s} Vakcollege", "Gymnasium {s}"]
BRIN_LETTERS = "ABCDEFGHJKLMNPRSTVWZ"
DISTRICTS = ["Noord", "Oost", "Zuid", "West", "Centrum", "Havenkwartier", "Parkweg", "Dorp"]
FIRST_NAMES = ["Jan", "Anouk", "Fatima", "Sanne", "Pieter", "Mehmet", "Lotte", "Kees", "Ingrid",
               "Daan", "Noor", "Willem", "Esther", "Bram", "Yasmina", "Gerda", "Ruben", "Marieke",
               "Tjitske", "Hanneke", "Sem", "Ilse", "Joost", "Femke", "Karim", "Annelies"]
SURNAMES = ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
            "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker",
            "Brouwer", "de Wit", "Dijkstra", "El Amrani", "de Graaf", "van der Meer", "Kok",
            "Yilmaz", "Postma", "Hoekstra", "Kuipers", "Wouters", "Sánchez", "Çelik"]


# --- calibration: tools/sample_calibrate.py ------------------------------------------------


# --- libraries: where and how big --------------------------------------------------------------


def read_populations(path: Path) -> dict[str, int]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["statcode"]: r for r in csv.DictReader(handle)}
    for code, (name, _) in PROVINCES.items():
        if rows[code]["provincie"] != name:
            raise ValueError(f"{path}: {code} is {rows[code]['provincie']!r}, expected {name!r}")
    return {code: int(rows[code]["inwoners_2021_01_01"]) for code in PROVINCES}


def split_population(rng: random.Random, population: int, n: int) -> list[int]:
    """Inhabitants of n libraries that together serve a province: log-normal sizes, redrawn
    until every library lies within INHABITANTS_RANGE."""
    low, high = INHABITANTS_RANGE
    while True:
        weights = [rng.lognormvariate(0, SIZE_SIGMA) for _ in range(n)]
        sizes = allocate(population, weights, [0] * n, [population] * n)
        if all(low <= s <= high for s in sizes):
            return sorted(sizes, reverse=True)


def library_name(rng: random.Random, regions: list[str], long: bool) -> str:
    a, b = rng.sample(regions, 2)
    c = rng.choice(COMPASS)
    if long:
        return f"Bibliotheek Regio {c}-{a} en {b} Samenwerkende Gemeenten"
    pattern = rng.choice(NAME_PATTERNS)
    if "{c}" in pattern and a.startswith(tuple(COMPASS[:4])):
        pattern = "{a}"  # no "Oost-Oostvaarders"
    if pattern == "{a}" and a in WITH_ARTICLE:
        pattern = "De {a}"
    return "Bibliotheek " + pattern.format(a=a, b=b, c=c)


def province_names(rng: random.Random, province: str, n: int, taken: set,
                   with_long: bool = True) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        long = with_long and province in LONG_NAME_PROVINCES and not names
        name = library_name(rng, REGIONS[province], long)
        if name not in taken and (not long or 60 <= len(name) <= 70):
            taken.add(name)
            names.append(name)
    return names


def make_libraries(rng: random.Random, populations: dict[str, int]) -> list[dict]:
    codes = list(PROVINCES)
    pops = [populations[c] for c in codes]
    lo, hi = [MIN_PER_PROVINCE] * len(codes), [N_LIBRARIES] * len(codes)
    counts = allocate(N_LIBRARIES, pops, lo, hi)
    libraries, taken = [], set()
    for code, population, n in zip(codes, pops, counts, strict=True):
        sizes = split_population(rng, population, n)
        for name, size in zip(province_names(rng, code, n, taken), sizes, strict=True):
            library_id = f"bib-{len(libraries) + 1:04d}"
            libraries.append({"school_year": SCHOOL_YEAR, "library_id": library_id,
                              "library_name": name, "province": code, "inhabitants": size})
    return libraries


# --- PO ----------------------------------------------------------------------------------------


def column(libraries: list[dict], name: str) -> list:
    return [lib[name] for lib in libraries]


def set_column(libraries: list[dict], name: str, values: Sequence) -> None:
    for lib, value in zip(libraries, values, strict=True):
        lib[name] = value


def add_po_reach(rng: random.Random, libraries: list[dict]) -> None:
    """Schools in the area, cooperation (any theme, reading, digital) and children 4-12."""
    n = len(libraries)
    inhabitants = column(libraries, "inhabitants")
    area = allocate(PO_IN_AREA, [noisy(rng, h, 0.15) for h in inhabitants], [3] * n, [10**6] * n)
    weights = [a * share(rng, 0.78, 0.15, 0.35, 1.0) for a in area]
    cooperating = allocate(PO_COOPERATING, weights, [2] * n, area)
    weights = [k * share(rng, 0.94, 0.08, 0.6, 1.0) for k in cooperating]
    reading = allocate(PO_READING, weights, [0] * n, cooperating)
    weights = [k * share(rng, 0.4, 0.2, 0.05, 1.0) for k in cooperating]
    digital = allocate(PO_DIGITAL, weights, [0] * n, cooperating)
    children = allocate(CHILDREN, [noisy(rng, h, 0.08) for h in inhabitants], [0] * n, inhabitants)
    for name, values in [("po_locations_in_area", area), ("po_locations_cooperating", cooperating),
                         ("po_locations_reading", reading), ("po_locations_digital", digital),
                         ("children_4_12", children)]:
        set_column(libraries, name, values)


def add_programmes(rng: random.Random, libraries: list[dict]) -> None:
    """dBos and comparable programmes: which libraries, how many locations and pupils."""
    order = list(range(len(libraries)))
    rng.shuffle(order)
    both = DBOS_LIBRARIES + COMPARABLE_LIBRARIES - DBOS_OR_COMPARABLE
    dbos = set(order[:DBOS_LIBRARIES])
    comparable = set(order[DBOS_LIBRARIES - both:DBOS_OR_COMPARABLE])
    for i, lib in enumerate(libraries):
        lib.update(po_dbos=i in dbos, po_comparable=i in comparable, po_dbos_locations=0,
                   po_comparable_locations=0, po_dbos_pupils=0, po_comparable_pupils=0)
    programme_locations(rng, libraries, sorted(dbos), sorted(comparable))
    programme_pupils(rng, libraries, sorted(dbos), "dbos", DBOS_PUPILS)
    programme_pupils(rng, libraries, sorted(comparable), "comparable", COMPARABLE_PUPILS)
    for lib in libraries:
        for prog in ("dbos", "comparable"):
            if not lib[f"po_{prog}"]:
                lib[f"po_{prog}_locations"] = lib[f"po_{prog}_pupils"] = None


def programme_locations(rng, libraries: list[dict], dbos: list, comparable: list) -> None:
    """Locations under a programme are cooperating locations; a library with both programmes
    keeps at least one cooperating location free for the comparable one."""
    coop = [libraries[i]["po_locations_cooperating"] for i in dbos]
    hi = [k - (i in comparable) for k, i in zip(coop, dbos, strict=True)]
    weights = [k * share(rng, 0.62, 0.2, 0.15, 1.0) for k in coop]
    for i, value in zip(dbos, allocate(DBOS_LOCATIONS, weights, [1] * len(dbos), hi), strict=True):
        libraries[i]["po_dbos_locations"] = value
    free = [libraries[i]["po_locations_cooperating"] - libraries[i]["po_dbos_locations"]
            for i in comparable]
    weights = [libraries[i]["po_locations_cooperating"] * share(rng, 0.35, 0.15, 0.05, 1.0)
               for i in comparable]
    values = allocate(COMPARABLE_LOCATIONS, weights, [1] * len(comparable), free)
    for i, value in zip(comparable, values, strict=True):
        libraries[i]["po_comparable_locations"] = value


def programme_pupils(rng, libraries: list[dict], chosen: list, prog: str, total: int,
                     stretch: float = 1.2, reserve: int = 0) -> None:
    """Pupils reached: about the children per school location in the area times the locations
    (at most `stretch` times that), never more than the children left after the other
    programme (keeping `reserve` pupils per location of the other one still to come)."""
    weights, lo, hi = [], [], []
    for i in chosen:
        lib = libraries[i]
        locations = lib[f"po_{prog}_locations"]
        expected = lib["children_4_12"] * locations / lib["po_locations_in_area"]
        room = lib["children_4_12"] - lib["po_dbos_pupils"] - lib["po_comparable_pupils"]
        room -= reserve * (lib["po_comparable_locations"] if prog == "dbos" else 0)
        weights.append(noisy(rng, expected, 0.15))
        lo.append(20 * locations)
        hi.append(min(room, math.floor(stretch * expected)))
    for i, value in zip(chosen, allocate(total, weights, lo, hi), strict=True):
        libraries[i][f"po_{prog}_pupils"] = value


def add_members(rng: random.Random, libraries: list[dict]) -> None:
    """Members 4-12 (40-95% of the children) and active members among them."""
    children = column(libraries, "children_4_12")
    weights = [c * share(rng, 0.7, 0.13, 0.42, 0.93) for c in children]
    lo = [math.ceil(0.4 * c) for c in children]
    members = allocate(MEMBERS, weights, lo, [math.floor(0.95 * c) for c in children])
    weights = [m * share(rng, 0.57, 0.1, 0.3, 0.85) for m in members]
    lo = [math.ceil(0.25 * m) for m in members]
    active = allocate(ACTIVE, weights, lo, [math.floor(0.9 * m) for m in members])
    set_column(libraries, "members_4_12", members)
    set_column(libraries, "active_members_4_12", active)


def add_plans_and_policy(rng: random.Random, libraries: list[dict]) -> None:
    """Reading and media plans (known for some libraries only) and the PO policy answers."""
    everyone = range(len(libraries))
    reading_known = pick(rng, everyone, READING_PLAN_KNOWN, [1.0] * len(libraries))
    media_known = pick(rng, sorted(reading_known), MEDIA_PLAN_KNOWN, [1.0] * len(libraries))
    for i, lib in enumerate(libraries):
        reading = round(lib["po_locations_reading"] * rng.uniform(0.1, 0.9))
        media = round(lib["po_locations_cooperating"] * rng.uniform(0.02, 0.45))
        lib["po_locations_reading_plan"] = reading if i in reading_known else None
        lib["po_locations_media_plan"] = media if i in media_known else None
        for name, chance in PO_FLAGS.items():
            known = rng.random() >= UNKNOWN_ANSWER
            lib[name] = (rng.random() < chance) if known else None


# --- VO ----------------------------------------------------------------------------------------


def add_vo(rng: random.Random, libraries: list[dict]) -> None:
    """VO locations in the area (none for the smallest libraries), cooperation, signed
    agreements and what the library offers."""
    n = len(libraries)
    smallest = sorted(range(n), key=lambda i: libraries[i]["inhabitants"])[:NO_VO_LIBRARIES]
    has_vo = [i not in smallest for i in range(n)]
    weights = [noisy(rng, lib["inhabitants"] / INHABITANTS_PER_VO_LOCATION, 0.25)
               for lib in libraries]
    area = allocate(VO_IN_AREA, weights, [int(v) for v in has_vo], [10**4 * v for v in has_vo])
    vo_libs = [i for i in range(n) if has_vo[i]]
    cooperating = counts_for(rng, area, vo_libs, VO_COOPERATING_LIBRARIES, VO_COOPERATING, 0.44)
    signed_libs = [i for i in range(n) if cooperating[i]]
    signed = counts_for(rng, cooperating, signed_libs, VO_SIGNED_LIBRARIES, VO_SIGNED, 0.7)
    set_column(libraries, "responded_vo", [True] * n)
    set_column(libraries, "vo_locations_in_area", area)
    set_column(libraries, "vo_locations_cooperating", cooperating)
    set_column(libraries, "vo_locations_signed", signed)
    add_vo_offers(rng, libraries, vo_libs)


def counts_for(rng, wholes: list, among: list, k: int, total: int, mean_share: float) -> list:
    """A part of each whole: positive for k of the libraries `among` (the ones with the larger
    wholes more likely), 0 for the rest, and `total` in all."""
    chosen = sorted(pick(rng, among, k, [w or 1 for w in wholes]))
    weights = [wholes[i] * share(rng, mean_share, 0.2, 0.1, 1.0) for i in chosen]
    values = allocate(total, weights, [1] * k, [wholes[i] for i in chosen])
    parts = [0] * len(wholes)
    for i, value in zip(chosen, values, strict=True):
        parts[i] = value
    return parts


def add_vo_offers(rng: random.Random, libraries: list[dict], vo_libs: list) -> None:
    """Reading promotion = cooperating with VO; the other offers mostly by cooperating
    libraries. Libraries without a VO location leave them unanswered."""
    for lib in libraries:
        has_vo = lib["vo_locations_in_area"] > 0
        lib["vo_reading_promotion"] = lib["vo_locations_cooperating"] > 0 if has_vo else None
    weights = [1.0 if lib["vo_locations_cooperating"] else 0.1 for lib in libraries]
    for name, k in VO_OFFERS.items():
        chosen = pick(rng, vo_libs, k, weights)
        for i, lib in enumerate(libraries):
            lib[name] = (i in chosen) if i in vo_libs else None


def make_library_rows(rng: random.Random, populations: dict[str, int]) -> list[dict]:
    libraries = make_libraries(rng, populations)
    set_column(libraries, "responded_po", [True] * len(libraries))
    add_po_reach(rng, libraries)
    add_programmes(rng, libraries)
    add_members(rng, libraries)
    add_plans_and_policy(rng, libraries)
    add_vo(rng, libraries)
    return libraries


# --- school locations (star checklist) ---------------------------------------------------------


def town_name(rng: random.Random) -> str:
    return rng.choice(TOWN_HEADS) + rng.choice(TOWN_TAILS)


def new_brin(rng: random.Random, taken: set) -> str:
    while True:
        brin = f"{rng.randrange(100):02d}" + "".join(rng.choices(BRIN_LETTERS, k=2))
        if brin not in taken:
            taken.add(brin)
            return brin


def library_locations(rng: random.Random, lib: dict, brins: set) -> list[dict]:
    """The library's cooperating VO locations, grouped into schools of one to three locations;
    a random `vo_locations_signed` of them have a signed agreement."""
    n = lib["vo_locations_cooperating"]
    towns = [town_name(rng) for _ in range(min(3, 1 + n // 8))]
    rows: list[dict] = []
    while len(rows) < n:
        size = min(n - len(rows), rng.choice([1, 1, 1, 2, 2, 3]))
        brin = new_brin(rng, brins)
        school = rng.choice(SCHOOL_KINDS).format(s=rng.choice(SCHOOL_STEMS))
        districts = rng.sample(DISTRICTS, size)
        for j in range(size):
            name = school if size == 1 else f"{school}, locatie {districts[j]}"
            rows.append({"school_year": SCHOOL_YEAR, "location_id": f"{brin}{j:02d}",
                         "location_name": name, "municipality": rng.choice(towns),
                         "library_id": lib["library_id"], "sector": "vo"})
    signed = set(rng.sample(range(n), lib["vo_locations_signed"]))
    for j, row in enumerate(rows):
        row["signed_agreement"] = j in signed
    return rows


def score_points(rng: random.Random, rows: list[dict], strength: list, checklist: Checklist,
                 star_counts: dict[int, int] | None = None):
    """Rank the locations by a plausible strength and give them the stars of `star_counts`
    (default STAR_COUNTS) in that order (weakest first); then draw a total within the band
    and spread it over the building blocks up to their maxima."""
    star_counts = star_counts or STAR_COUNTS
    totals = {s: [t for t in range(int(checklist.total_max)) if checklist.stars_for(t) == s]
              for s in star_counts}
    bands = [s for s, count in sorted(star_counts.items()) for _ in range(count)]
    ranked = sorted(range(len(rows)), key=lambda i: strength[i])
    for i, stars in zip(ranked, bands, strict=True):
        points = spread(rng, rng.choice(totals[stars]), checklist)
        rows[i].update(points)
        if checklist.stars_for(sum(points.values())) != stars:
            raise AssertionError("star band drawn wrongly")


def spread(rng: random.Random, total: int, checklist: Checklist) -> dict[str, int]:
    points = {b.column: 0 for b in checklist.blocks}
    for _ in range(total):
        open_blocks = [b for b in checklist.blocks if points[b.column] < b.max]
        block = rng.choices(open_blocks, weights=[b.max for b in open_blocks])[0]
        points[block.column] += 1
    return points


def make_school_locations(rng: random.Random, libraries: list[dict], checklist: Checklist):
    rows, strength, brins = [], [], set()
    for lib in libraries:
        quality = rng.gauss(0, 1)
        for row in library_locations(rng, lib, brins):
            rows.append(row)
            strength.append(quality + 0.8 * row["signed_agreement"] + rng.gauss(0, 1))
    score_points(rng, rows, strength, checklist)
    return rows


# --- history: lineage --------------------------------------------------------------------------
# School years in order; the first two exist only as calendar years of network.csv (calendar
# year Y is the set of organisations of school year (Y-1)-Y).
YEARS = ["2016-2017", "2017-2018", "2018-2019", "2019-2020", "2020-2021", "2021-2022",
         "2022-2023"]
BASE = YEARS.index(SCHOOL_YEAR)
LIBRARY_YEARS = YEARS[2:]
HISTORY_SEED = f"{SEED}-history"
CALENDAR_YEARS = (2017, 2018, 2021, 2022)  # of the general survey (network, partners)
GROWTH = 0.004  # inhabitants per year


@dataclass(frozen=True)
class Event:
    """A merger (several ids end after `last`, `successor` starts the year after) or a stop
    (one id ends after `last`, no successor). `new` says the successor gets a fresh id; else it
    is an existing 2020-2021 library that did not exist before."""

    last: int
    size: int
    new: bool = False
    stop: bool = False


# Backward: base libraries that continue older organisations (size = number of predecessors).
BACKWARD = [Event(last=0, size=2), Event(last=0, size=2), Event(last=1, size=3),
            Event(last=2, size=3), Event(last=2, size=2)]
BACKWARD_STOPS = [Event(last=0, size=1, stop=True), Event(last=2, size=1, stop=True)]
# Forward: base libraries that merge into a new id, or stop.
FORWARD = [Event(last=4, size=3, new=True), Event(last=4, size=1, stop=True),
           Event(last=5, size=2, new=True), Event(last=5, size=3, new=True)]


@dataclass
class Org:
    """One library organisation over the years: its span, where it is, its reference figures
    (the 2020-2021 row, or derived from it) and its drift."""

    library_id: str
    library_name: str
    province: str
    inhabitants: float  # in 2020-2021 terms
    first: int
    last: int
    ref: dict
    slope: float
    successor_of: list[str] = field(default_factory=list)
    locations: list[dict] = field(default_factory=list)

    def exists(self, year: int) -> bool:
        return self.first <= year <= self.last


def base_orgs(rng: random.Random, libraries: list[dict]) -> list[Org]:
    return [Org(lib["library_id"], lib["library_name"], lib["province"], lib["inhabitants"],
                0, len(YEARS) - 1, lib, rng.gauss(0, 0.04)) for lib in libraries]


def event_candidates(orgs: list[Org], used: set, low: int, high: int) -> list[Org]:
    """Base organisations within an inhabitants range, with VO in the area, not yet used."""
    return [o for o in orgs if low <= o.inhabitants <= high and o.library_id not in used
            and o.ref["vo_locations_in_area"] > 0]


def same_province(rng: random.Random, pool: list[Org], size: int) -> list[Org]:
    by_province: dict[str, list[Org]] = {}
    for org in pool:
        by_province.setdefault(org.province, []).append(org)
    provinces = sorted(p for p, members in by_province.items() if len(members) >= size + 2)
    return rng.sample(by_province[rng.choice(provinces)], size)


def make_lineage(rng: random.Random, libraries: list[dict]) -> list[Org]:
    """All organisations of all years: the 140 of 2020-2021, their predecessors, the ones that
    stopped, and the mergers after 2020-2021."""
    orgs = base_orgs(rng, libraries)
    taken = {o.library_name for o in orgs}
    used: set[str] = set()
    extra: list[Org] = []
    for event in FORWARD:
        members = same_province(rng, event_candidates(orgs, used, 15_000, 120_000), event.size)
        used.update(o.library_id for o in members)
        for org in members:
            org.last = event.last
        if event.new:
            extra.append(merged(rng, members, event, len(orgs) + len(extra) + 1, taken))
    for event in BACKWARD + BACKWARD_STOPS:
        successor = rng.choice(event_candidates(orgs, used, 50_000, 300_000))
        used.add(successor.library_id)
        extra += predecessors(rng, successor, event, len(orgs) + len(extra) + 1, taken)
    return orgs + extra


def merged(rng: random.Random, members: list[Org], event: Event, number: int,
           taken: set) -> Org:
    keys = set().union(*(o.ref for o in members))
    ref = {k: combine([o.ref.get(k) for o in members]) for k in keys}
    return Org(f"bib-{number:04d}", province_names(rng, members[0].province, 1, taken, False)[0],
               members[0].province, sum(o.inhabitants for o in members), event.last + 1,
               len(YEARS) - 1, ref, rng.gauss(0, 0.04), sorted(o.library_id for o in members))


def combine(values: list):
    """A merged organisation's reference value: the sum of counts, any ja of flags."""
    known = [v for v in values if v is not None]
    if not known or isinstance(known[0], str):
        return known[0] if known else None
    if isinstance(known[0], bool):
        return any(known)
    return sum(known)


def predecessors(rng: random.Random, successor: Org, event: Event, number: int,
                 taken: set) -> list[Org]:
    """The organisations a base library continues (or, for a stop, one that ended without
    successor, drawn like a part of the base library): a share of its figures each."""
    weights = [rng.lognormvariate(0, 0.5) for _ in range(event.size)]
    names = province_names(rng, successor.province, event.size, taken, False)
    orgs = []
    for j, (name, w) in enumerate(zip(names, weights, strict=True)):
        part = w / sum(weights) if not event.stop else rng.uniform(0.15, 0.4)
        ref = {k: scaled(v, part) for k, v in successor.ref.items()}
        orgs.append(Org(f"bib-{number + j:04d}", name, successor.province,
                        successor.inhabitants * part, 0, event.last, ref, rng.gauss(0, 0.04)))
    if not event.stop:
        successor.first = event.last + 1
        successor.successor_of = [o.library_id for o in orgs]
    return orgs


def scaled(value, part: float):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return value * part


# --- history: national figures per school year -------------------------------------------------


@dataclass(frozen=True)
class PoTotals:
    """National PO totals of a school year: published ones exact, the others plausible."""

    in_area: int
    cooperating: int
    reading: int
    digital: int
    dbos_libraries: int
    comparable_libraries: int
    either_libraries: int
    dbos_locations: int
    comparable_locations: int
    dbos_pupils: int
    comparable_pupils: int
    children: int
    members: int
    active: int
    reading_plan_known: int
    media_plan_known: int


@dataclass(frozen=True)
class VoTotals:
    """National VO totals of a school year and the star distribution of its checklist."""

    libraries: int
    in_area: int
    cooperating: int
    cooperating_libraries: int
    signed: int
    signed_libraries: int
    offers: tuple[int, int, int, int, int]  # in the order of VO_OFFERS
    stars: dict[int, int] | None  # None: no checklist that year


PO_TOTALS = {
    "2021-2022": PoTotals(6620, 5298, 4886, 1807, 108, 44, 125, 2510, 690, 560_000, 150_000,
                          1_590_000, 1_105_000, 641_000, 104, 38),
    "2022-2023": PoTotals(6773, 6137, 5719, 1881, 109, 42, 124, 2498, 720, 658_000, 160_000,
                          1_580_000, 1_098_000, 652_000, 106, 41),
}
VO_TOTALS = {
    "2018-2019": VoTotals(141, 1591, 732, 120, 228, 54, (90, 80, 54, 53, 52), None),
    "2019-2020": VoTotals(138, 1945, 715, 116, 246, 57, (92, 82, 56, 55, 54),
                          {0: 28, 1: 580, 2: 86, 3: 19, 4: 2}),
    "2021-2022": VoTotals(135, 1925, 829, 119, 260, 62, (96, 86, 60, 58, 57),
                          {0: 18, 1: 612, 2: 143, 3: 45, 4: 11}),
    "2022-2023": VoTotals(133, 1838, 919, 122, 292, 66, (98, 88, 62, 60, 58),
                          {0: 15, 1: 642, 2: 183, 3: 62, 4: 17}),
}
PO_COLUMNS = [name for name in TABLES["libraries"].names
              if name.startswith("po_") or name.endswith("_4_12")]


def drift(rng: random.Random, org: Org, year: int) -> float:
    """How an organisation's figures differ from its reference: its own trend plus noise."""
    return math.exp(org.slope * (year - BASE)) * rng.lognormvariate(0, 0.04)


def ref_share(org: Org, part: str, whole: str, default: float) -> float:
    whole_value = org.ref.get(whole) or 0
    return (org.ref.get(part) or 0) / whole_value if whole_value else default


def year_libraries(rng: random.Random, orgs: list[Org], year: int) -> list[dict]:
    """The rows of one school year other than 2020-2021, calibrated to its totals."""
    present = [o for o in orgs if o.exists(year)]
    rows = [{"school_year": YEARS[year], "library_id": o.library_id,
             "library_name": o.library_name, "province": o.province,
             "inhabitants": round(o.inhabitants * (1 + GROWTH) ** (year - BASE)),
             "successor_of": ";".join(o.successor_of) or None} for o in present]
    po = PO_TOTALS.get(YEARS[year])
    set_column(rows, "responded_po", [po is not None] * len(rows))
    if po is not None:
        year_po(rng, present, rows, year, po)
    year_vo(rng, present, rows, year, VO_TOTALS[YEARS[year]])
    return rows


def year_po(rng, orgs: list[Org], rows: list[dict], year: int, po: PoTotals) -> None:
    n = len(rows)
    d = [drift(rng, o, year) for o in orgs]
    weights = [o.ref["po_locations_in_area"] * x for o, x in zip(orgs, d, strict=True)]
    area = allocate(po.in_area, weights, [3] * n, [10**6] * n)
    coop = part_of(rng, orgs, area, "po_locations_cooperating", "po_locations_in_area",
                   po.cooperating, 2, d)
    reading = part_of(rng, orgs, coop, "po_locations_reading", "po_locations_cooperating",
                      po.reading, 0, d)
    digital = part_of(rng, orgs, coop, "po_locations_digital", "po_locations_cooperating",
                      po.digital, 0, d)
    inhabitants = column(rows, "inhabitants")
    children = allocate(po.children, [o.ref["children_4_12"] * noisy(rng, 1, 0.03) for o in orgs],
                        [0] * n, inhabitants)
    for name, values in [("po_locations_in_area", area), ("po_locations_cooperating", coop),
                         ("po_locations_reading", reading), ("po_locations_digital", digital),
                         ("children_4_12", children)]:
        set_column(rows, name, values)
    year_programmes(rng, orgs, rows, po)
    year_members(rng, orgs, rows, po)
    year_plans(rng, orgs, rows, po)


def part_of(rng, orgs: list[Org], wholes: list[int], part: str, whole: str, total: int,
            low: int, d: list[float]) -> list[int]:
    """A part of each whole, the library's reference share drifting with its trend."""
    weights = [max(w * min(1.0, ref_share(o, part, whole, 0.5) * x), 0.01)
               for o, w, x in zip(orgs, wholes, d, strict=True)]
    return allocate(total, weights, [min(low, w) for w in wholes], wholes)


def year_programmes(rng, orgs: list[Org], rows: list[dict], po: PoTotals) -> None:
    """dBos and comparable programmes, mostly the same libraries as in their reference year."""
    n = len(rows)
    had = [1.0 if o.ref.get("po_dbos") or o.ref.get("po_comparable") else 0.08 for o in orgs]
    either = pick(rng, range(n), po.either_libraries, had)
    dbos = pick(rng, sorted(either), po.dbos_libraries,
                [1.0 if o.ref.get("po_dbos") else 0.1 for o in orgs])
    both = po.dbos_libraries + po.comparable_libraries - po.either_libraries
    comparable = (either - dbos) | pick(rng, sorted(dbos), both,
                                        [1.0 if o.ref.get("po_comparable") else 0.1 for o in orgs])
    for i, row in enumerate(rows):
        row.update(po_dbos=i in dbos, po_comparable=i in comparable, po_dbos_locations=0,
                   po_comparable_locations=0, po_dbos_pupils=0, po_comparable_pupils=0)
    dbos_list, comparable_list = sorted(dbos), sorted(comparable)
    coop = column(rows, "po_locations_cooperating")
    hi = [coop[i] - (i in comparable) for i in dbos_list]
    weights = [coop[i] * ref_share(orgs[i], "po_dbos_locations", "po_locations_cooperating", 0.5)
               * jitter(rng) for i in dbos_list]
    values = allocate(po.dbos_locations, [max(w, 0.1) for w in weights], [1] * len(hi), hi)
    for i, value in zip(dbos_list, values, strict=True):
        rows[i]["po_dbos_locations"] = value
    free = [coop[i] - rows[i]["po_dbos_locations"] for i in comparable_list]
    weights = [coop[i] * ref_share(orgs[i], "po_comparable_locations", "po_locations_cooperating",
                                   0.3) for i in comparable_list]
    values = allocate(po.comparable_locations, [max(w, 0.1) for w in weights],
                      [1] * len(free), free)
    for i, value in zip(comparable_list, values, strict=True):
        rows[i]["po_comparable_locations"] = value
    programme_pupils(rng, rows, dbos_list, "dbos", po.dbos_pupils, stretch=1.6, reserve=40)
    programme_pupils(rng, rows, comparable_list, "comparable", po.comparable_pupils, stretch=1.6)
    for row in rows:
        for prog in ("dbos", "comparable"):
            if not row[f"po_{prog}"]:
                row[f"po_{prog}_locations"] = row[f"po_{prog}_pupils"] = None


def year_members(rng, orgs: list[Org], rows: list[dict], po: PoTotals) -> None:
    """Members 4-12 and active members, the reference ratios drifting a little."""
    children = column(rows, "children_4_12")
    weights = [c * min(0.93, ref_share(o, "members_4_12", "children_4_12", 0.7)
                       * jitter(rng))
               for o, c in zip(orgs, children, strict=True)]
    members = allocate(po.members, weights, [math.ceil(0.4 * c) for c in children],
                       [math.floor(0.95 * c) for c in children])
    weights = [m * ref_share(o, "active_members_4_12", "members_4_12", 0.57)
               * jitter(rng) for o, m in zip(orgs, members, strict=True)]
    active = allocate(po.active, weights, [math.ceil(0.25 * m) for m in members],
                      [math.floor(0.9 * m) for m in members])
    set_column(rows, "members_4_12", members)
    set_column(rows, "active_members_4_12", active)


def year_plans(rng, orgs: list[Org], rows: list[dict], po: PoTotals) -> None:
    """Reading and media plans (known mostly where known before) and the policy answers
    (mostly the reference answer, now and then another)."""
    n = len(rows)
    known_before = [1.0 if o.ref.get("po_locations_reading_plan") is not None else 0.2
                    for o in orgs]
    reading_known = pick(rng, range(n), po.reading_plan_known, known_before)
    media_before = [1.0 if o.ref.get("po_locations_media_plan") is not None else 0.1
                    for o in orgs]
    media_known = pick(rng, sorted(reading_known), po.media_plan_known, media_before)
    for i, (org, row) in enumerate(zip(orgs, rows, strict=True)):
        reading = round(row["po_locations_reading"] * min(0.95, ref_share(
            org, "po_locations_reading_plan", "po_locations_reading", rng.uniform(0.1, 0.9))
            * jitter(rng)))
        media = round(row["po_locations_cooperating"] * min(0.5, ref_share(
            org, "po_locations_media_plan", "po_locations_cooperating", rng.uniform(0.02, 0.45))
            * jitter(rng)))
        row["po_locations_reading_plan"] = reading if i in reading_known else None
        row["po_locations_media_plan"] = media if i in media_known else None
        for name, chance in PO_FLAGS.items():
            answer = org.ref.get(name)
            if answer is None or rng.random() < 0.1:
                answer = rng.random() < chance
            row[name] = answer if rng.random() >= UNKNOWN_ANSWER else None


def year_vo(rng, orgs: list[Org], rows: list[dict], year: int, vo: VoTotals) -> None:
    """VO figures of a school year: the smallest libraries have no VO location in the area,
    cooperation mostly where there was cooperation in the reference year."""
    n = len(rows)
    by_size = sorted(range(n), key=lambda i: rows[i]["inhabitants"])
    has_vo = [i not in by_size[:n - vo.libraries] for i in range(n)]
    weights = [(o.ref["vo_locations_in_area"] or o.inhabitants / INHABITANTS_PER_VO_LOCATION)
               * drift(rng, o, year) for o in orgs]
    area = allocate(vo.in_area, weights, [int(v) for v in has_vo], [10**4 * v for v in has_vo])
    vo_libs = [i for i in range(n) if has_vo[i]]
    before = [1.0 if o.ref["vo_locations_cooperating"] else 0.05 for o in orgs]
    chosen = pick(rng, vo_libs, vo.cooperating_libraries, before)
    coop = [0] * n
    chosen_list = sorted(chosen)
    weights = [max(0.01, area[i] * min(1.0, ref_share(orgs[i], "vo_locations_cooperating",
                                                       "vo_locations_in_area", 0.37)
                                       * drift(rng, orgs[i], year))) for i in chosen_list]
    for i, value in zip(chosen_list, allocate(vo.cooperating, weights, [1] * len(chosen_list),
                                              [area[i] for i in chosen_list]), strict=True):
        coop[i] = value
    before = [1.0 if o.ref["vo_locations_signed"] else 0.1 for o in orgs]
    signed_libs = sorted(pick(rng, chosen_list, vo.signed_libraries, before))
    signed = [0] * n
    weights = [coop[i] * share(rng, 0.7, 0.2, 0.1, 1.0) for i in signed_libs]
    for i, value in zip(signed_libs, allocate(vo.signed, weights, [1] * len(signed_libs),
                                              [coop[i] for i in signed_libs]), strict=True):
        signed[i] = value
    set_column(rows, "responded_vo", [True] * n)
    set_column(rows, "vo_locations_in_area", area)
    set_column(rows, "vo_locations_cooperating", coop)
    set_column(rows, "vo_locations_signed", signed)
    for row in rows:
        row["vo_reading_promotion"] = row["vo_locations_cooperating"] > 0 if row[
            "vo_locations_in_area"] else None
    weights = [1.0 if coop[i] else 0.1 for i in range(n)]
    for name, k in zip(VO_OFFERS, vo.offers, strict=True):
        keep = [w * (3.0 if orgs[i].ref.get(name) else 1.0) for i, w in enumerate(weights)]
        chosen = pick(rng, vo_libs, k, keep)
        for i, row in enumerate(rows):
            row[name] = (i in chosen) if i in vo_libs else None


# --- history: school locations -----------------------------------------------------------------


def jitter(rng: random.Random) -> float:
    return rng.lognormvariate(0, 0.04)


def base_pools(rng: random.Random, orgs: list[Org], locations: list[dict],
               checklist: Checklist) -> None:
    """Each base library's 2020-2021 locations, with a fixed rank (which ones it keeps when it
    cooperates with fewer) and a quality (how many points it tends to score)."""
    by_id = {o.library_id: o for o in orgs}
    for row in locations:
        points = sum(row[b.column] for b in checklist.blocks)
        by_id[row["library_id"]].locations.append(
            {"location_id": row["location_id"], "location_name": row["location_name"],
             "municipality": row["municipality"], "rank": rng.random(),
             "quality": points / 3, "signed": row["signed_agreement"]})


def pool(org: Org, orgs_by_id: dict[str, Org]) -> list[dict]:
    """The locations an organisation may cooperate with: its own, or its predecessors'."""
    if not org.locations and org.successor_of and org.first > BASE:
        for old in org.successor_of:
            org.locations += orgs_by_id[old].locations
    return org.locations


def grow_pool(rng: random.Random, org: Org, n: int, brins: set) -> None:
    """New schools (one to three locations each) until the pool holds n locations."""
    towns = sorted({loc["municipality"] for loc in org.locations}) or [town_name(rng)]
    while len(org.locations) < n:
        size = min(n - len(org.locations), rng.choice([1, 1, 1, 2, 2, 3]))
        brin = new_brin(rng, brins)
        school = rng.choice(SCHOOL_KINDS).format(s=rng.choice(SCHOOL_STEMS))
        for j, district in enumerate(rng.sample(DISTRICTS, size)):
            org.locations.append(
                {"location_id": f"{brin}{j:02d}",
                 "location_name": school if size == 1 else f"{school}, locatie {district}",
                 "municipality": rng.choice(towns), "rank": rng.random(),
                 "quality": rng.gauss(1.5, 1), "signed": False})


def year_locations(rng: random.Random, orgs: list[Org], rows: list[dict], brins: set,
                   checklist: Checklist) -> list[dict]:
    """One school year's checklist rows: per library its n cooperating locations (mostly the
    same as other years, a few coming and going) with its number signed, then scored."""
    by_id = {o.library_id: o for o in orgs}
    out, strength = [], []
    for row in rows:
        org, n = by_id[row["library_id"]], row["vo_locations_cooperating"]
        grow_pool(rng, org, n, brins) if len(pool(org, by_id)) < n else None
        chosen = sorted(org.locations, key=lambda loc: loc["rank"] + rng.gauss(0, 0.08))[:n]
        signed_first = sorted(range(n), key=lambda j: (not chosen[j]["signed"], rng.random()))
        signed = set(signed_first[:row["vo_locations_signed"]])
        for j, loc in enumerate(chosen):
            loc["signed"] = j in signed
            out.append({"school_year": row["school_year"], "location_id": loc["location_id"],
                        "location_name": loc["location_name"],
                        "municipality": loc["municipality"], "library_id": org.library_id,
                        "sector": "vo", "signed_agreement": j in signed})
            strength.append(loc["quality"] + 0.8 * (j in signed) + rng.gauss(0, 0.7))
    stars = VO_TOTALS[rows[0]["school_year"]].stars
    score_points(rng, out, strength, checklist, stars)
    return sorted(out, key=lambda r: (r["library_id"], r["location_id"]))


# --- reference tables and contacts -------------------------------------------------------------


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


def person(rng: random.Random, domain: str) -> tuple[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    local = f"{ascii_slug(first)[0]}.{ascii_slug(last).replace('-', '')}"
    return f"{first} {last}", f"{local}@{domain}"


def contact_rows(rng: random.Random, entity_type: str, entity_id: str, domain: str,
                 roles: list[str]) -> list[dict]:
    rows: list[dict] = []
    while len(rows) < len(roles):
        name, email = person(rng, domain)
        if email not in {r["email"] for r in rows}:
            rows.append({"entity_type": entity_type, "entity_id": entity_id, "name": name,
                         "email": email, "role": roles[len(rows)]})
    return rows


def library_contacts(rng: random.Random, lib: dict) -> list[dict]:
    slug = ascii_slug(lib["library_name"])
    domain = f"{slug if len(slug) <= 40 else lib['library_id']}.example.org"
    roles = ["to", "cc"] if rng.random() < 1 / 3 else ["to"]
    return contact_rows(rng, "library", lib["library_id"], domain, roles)


def make_contacts(rng: random.Random, libraries: list[dict]) -> list[dict]:
    rows = []
    for lib in libraries:
        rows += library_contacts(rng, lib)
    for poi_id in POIS:
        roles = ["to", "cc"] if rng.random() < 0.5 else ["to"]
        rows += contact_rows(rng, "poi", poi_id, f"{poi_id}.example.org", roles)
    rows.append({"entity_type": "national", "entity_id": None, "name": "Team Bibliotheekmonitor",
                 "email": "bibliotheekmonitor@kb.example.org", "role": "to"})
    return rows


def current_contacts(rng: random.Random, contacts: list[dict], latest: list[dict]) -> list[dict]:
    """The 2020-2021 contacts of the libraries that still exist in the latest school year, new
    contacts for the ones founded since, then the POI and national contacts."""
    ids = {lib["library_id"] for lib in latest}
    kept = [c for c in contacts if c["entity_type"] != "library" or c["entity_id"] in ids]
    have = {c["entity_id"] for c in kept}
    new = [row for lib in latest if lib["library_id"] not in have
           for row in library_contacts(rng, lib)]
    at = sum(c["entity_type"] == "library" for c in kept)
    return kept[:at] + new + kept[at:]


def reference_rows() -> tuple[list[dict], list[dict]]:
    provinces = [{"province": code, "province_name": name, "poi_id": poi}
                 for code, (name, poi) in PROVINCES.items()]
    pois = [{"poi_id": poi_id, "poi_name": name} for poi_id, name in POIS.items()]
    return provinces, pois


# --- output ------------------------------------------------------------------------------------


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)


def table_columns(table: str) -> list[str]:
    """The contract's columns of a table; libraries end with `successor_of` (version 2)."""
    if table in ("network", "partners"):
        return list(NETWORK_COLUMNS if table == "network" else PARTNERS_COLUMNS)
    names = list(TABLES[table].names)
    if table == "libraries" and "successor_of" not in names:
        names.append("successor_of")
    return names


def write_table(out: Path, table: str, rows: list[dict]) -> None:
    names = table_columns(table)
    with (out / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([cell(row.get(name)) for name in names] for row in rows)


def history(libraries: list[dict], locations: list[dict]) -> tuple[list[dict], list[dict],
                                                                   list[Org]]:
    """The other school years around the 2020-2021 draw, from their own random stream (so the
    2020-2021 rows stay exactly as drawn): all library rows and all checklist rows."""
    rng = random.Random(HISTORY_SEED)
    checklist = load_checklist()
    orgs = make_lineage(rng, libraries)
    for org, lib in zip(orgs, libraries, strict=False):
        lib["successor_of"] = ";".join(org.successor_of) or None
    base_pools(rng, orgs, locations, checklist)
    brins = {row["location_id"][:4] for row in locations}
    rows, schools = [], []
    for year, name in enumerate(YEARS):
        if name not in LIBRARY_YEARS:
            continue
        if year == BASE:
            rows += libraries
            schools += locations
            continue
        year_rows = sorted(year_libraries(rng, orgs, year), key=lambda r: r["library_id"])
        rows += year_rows
        if VO_TOTALS[name].stars:
            schools += year_locations(rng, orgs, year_rows, brins, checklist)
    return rows, schools, orgs


def calendar_years(orgs: list[Org]) -> dict[int, list[Organisation]]:
    """The organisations of each calendar year of the general survey: those of the school year
    that ends in it (2021: the ones of 2020-2021)."""
    years = {}
    for calendar in CALENDAR_YEARS:
        year = YEARS.index(f"{calendar - 1}-{calendar}")
        years[calendar] = [
            Organisation(o.library_id, o.library_name, o.province,
                         round(o.inhabitants * (1 + GROWTH) ** (year - BASE)))
            for o in sorted(orgs, key=lambda o: o.library_id) if o.exists(year)]
    return years


def generate(out: Path, reference: Path) -> dict[str, list[dict]]:
    rng = random.Random(SEED)
    libraries = make_library_rows(rng, read_populations(reference))
    locations = make_school_locations(rng, libraries, load_checklist())
    contacts = make_contacts(rng, libraries)
    all_rows, all_locations, orgs = history(libraries, locations)
    network, partners = make_partner_tables(calendar_years(orgs))
    latest = [r for r in all_rows if r["school_year"] == LIBRARY_YEARS[-1]]
    provinces, pois = reference_rows()
    tables = {
        "provinces": provinces,
        "pois": pois,
        "libraries": all_rows,
        "school_locations": all_locations,
        "contacts": current_contacts(random.Random(f"{SEED}-contacts"), contacts, latest),
        "network": network,
        "partners": partners,
    }
    out.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        write_table(out, table, rows)
    return tables


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the CSV files")
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE,
                        help="CBS provinces_2021.csv with inwoners_2021_01_01")
    args = parser.parse_args(argv)
    tables = generate(args.out, args.reference)
    print(f"wrote {', '.join(f'{t} ({len(r)})' for t, r in tables.items())} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
