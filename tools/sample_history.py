"""The school years around 2020-2021 for the sample generator: the 2020-2021 draw into a
lineage of organisations (mergers and stops before and after it) and the rows of the other
school years (libraries, checklist locations), each library drifting from its 2020-2021 figures
and each year calibrated to its published national totals; and the organisations of each
calendar year of the general survey. All from a random stream of its own, so 2020-2021 stays
exactly as drawn."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from sample_calibrate import allocate, noisy, pick, share
from sample_draw import (
    DISTRICTS,
    INHABITANTS_PER_VO_LOCATION,
    PO_FLAGS,
    SCHOOL_KINDS,
    SCHOOL_STEMS,
    SCHOOL_YEAR,
    SEED,
    UNKNOWN_ANSWER,
    VO_OFFERS,
    column,
    library_contacts,
    new_brin,
    programme_pupils,
    province_names,
    score_points,
    set_column,
    town_name,
)
from sample_partners import Organisation

from infographics.data.checklist import Checklist, load_checklist

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
    """A merger (`size` organisations end after year index `last`, their successor starts the
    year after) or a stop (one organisation ends after `last`). `new`: the successor gets a
    fresh id (mergers after 2020-2021); else it is a 2020-2021 library that did not exist
    before (mergers before 2020-2021, whose predecessors get fresh ids)."""

    last: int
    size: int
    new: bool = False
    stop: bool = False


# Organisations per year index 0..6 that these events give, from the 140 of 2020-2021:
# 149, 146 (calendar years 2017, 2018 of network.csv), 144, 140, 140, 137, 134.
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
        if len(pool(org, by_id)) < n:
            grow_pool(rng, org, n, brins)
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
