"""The 2020-2021 draw of the sample generator: a fixed random stream and the CBS province
populations into the 140 fictional library organisations of 2020-2021 (names, PO and VO
figures), their VO school locations with checklist points, and the contacts. Every value is
first drawn plausibly (scaled to the library's inhabitants, with a varied per-library share),
then `allocate` adjusts the values so that the national totals are exactly the KB's published
2020-2021 figures while every per-row consistency rule keeps holding."""

from __future__ import annotations

import csv
import math
import random
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from sample_calibrate import allocate, noisy, pick, share

from infographics.data.checklist import Checklist

SEED = 2021
SCHOOL_YEAR = "2020-2021"

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


def reference_rows() -> tuple[list[dict], list[dict]]:
    provinces = [{"province": code, "province_name": name, "poi_id": poi}
                 for code, (name, poi) in PROVINCES.items()]
    pois = [{"poi_id": poi_id, "poi_name": name} for poi_id, name in POIS.items()]
    return provinces, pois
