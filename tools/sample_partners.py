"""Partners part of the sample generator: the library organisations of each calendar year into
the rows of network.csv (who responded, number of partners, shared housing, commercial
partners) and partners.csv (long form: per category a general row, per core function a row for
some categories), calibrated so that the KB's published national figures come out exactly:

- the mean number of partners over the responding libraries where known (15 in 2017, 16 in 2022);
- shares over the responding libraries where known: shared housing (MFA) and commercial partners
  (2017: 87% and 26%), and the groups overheid / onderwijs / basisvaardigheden (2018, 2021, 2022).

A group is ja when any of its categories is ja and nee when all are nee; the counts per group are
chosen first, then the categories drawn inside them, bigger libraries with more categories and
more partners. A few answers are left unknown (an empty cell, a missing row), never where that
would change a published figure's known N.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sample_calibrate import allocate, pick

NETWORK_COLUMNS = ("year", "library_id", "library_name", "province", "inhabitants", "responded",
                   "partners_total", "shares_housing", "commercial_partners")
PARTNERS_COLUMNS = ("year", "library_id", "category", "function", "cooperates")

# Category -> (group, chance of ja inside a group that is ja, for a library of average size).
CATEGORIES = {
    "gemeente": ("overheid", 0.99),
    "provincie_poi": ("overheid", 0.75),
    "primair_onderwijs": ("onderwijs", 0.97),
    "voortgezet_onderwijs": ("onderwijs", 0.8),
    "mbo": ("onderwijs", 0.5),
    "hbo_wo": ("onderwijs", 0.3),
    "kinderopvang": ("onderwijs", 0.82),
    "taal_cursusaanbieders": ("basisvaardigheden", 0.78),
    "lezen_schrijven": ("basisvaardigheden", 0.84),
    "welzijn": ("sociaal_domein", 0.88),
    "jgz_consultatiebureau": ("sociaal_domein", 0.6),
    "zorg": ("sociaal_domein", 0.5),
    "cultuur": ("cultuur", 1.0),
    "commercieel": ("commercieel", 1.0),
}
GROUPS = ("overheid", "onderwijs", "basisvaardigheden", "sociaal_domein", "cultuur")
FUNCTIONS = ("kennis_informatie", "ontwikkeling_educatie", "lezen_literatuur", "ontmoeting_debat",
             "kunst_cultuur")
# Categories asked per core function (from 2021 on), with the chance of ja per function.
FUNCTION_CHANCES = {
    "gemeente": (0.7, 0.6, 0.5, 0.6, 0.35),
    "primair_onderwijs": (0.35, 0.8, 0.95, 0.1, 0.4),
    "welzijn": (0.7, 0.6, 0.25, 0.8, 0.15),
    "cultuur": (0.15, 0.35, 0.5, 0.6, 0.95),
}
FUNCTION_YEARS = (2021, 2022)
# Categories whose general row is sometimes missing (unknown), always next to a ja in its group.
SOMETIMES_MISSING = ("hbo_wo", "zorg")


@dataclass(frozen=True)
class Organisation:
    """A library organisation as it was in one calendar year."""

    library_id: str
    library_name: str
    province: str
    inhabitants: int


@dataclass(frozen=True)
class PartnerYear:
    """What one calendar year must come to. Counts are over the responding libraries; the
    published ones are exact, the others plausible. `groups` holds the libraries cooperating
    with each group of GROUPS; `*_unknown` the responders whose answer is left empty."""

    responding: int
    partners_sum: int  # over the responders with a known partners_total
    housing: int
    commercial: int
    groups: tuple[int, int, int, int, int]
    missing_rows: int  # responders with a missing general row (unknown category)
    total_unknown: int = 2
    housing_unknown: int = 1


# 2017: mean 15 over 138 known = 2070; MFA 121/139 = 87%; commercial 36/140 = 26%.
# 2018: groups 133/131/132 of 136 = 98/96/97%.  2021: 130/128/124 of 131 = 99/98/95%.
# 2022: groups 127/125/118 of 130 = 98/96/91%; mean 16 over 128 known = 2048.
PARTNER_YEARS = {
    2017: PartnerYear(140, 2070, 121, 36, (137, 134, 133, 130, 121), 2),
    2018: PartnerYear(136, 2064, 119, 37, (133, 131, 132, 127, 119), 2),
    2021: PartnerYear(131, 2038, 115, 40, (130, 128, 124, 124, 116), 3),
    2022: PartnerYear(130, 2048, 115, 41, (127, 125, 118, 124, 117), 3),
}
SEED = "2021-partners"


def size_factor(org: Organisation) -> float:
    """Bigger libraries cooperate more: about 0.7 for the smallest, 1.5 for the biggest."""
    return min(1.5, max(0.7, (org.inhabitants / 60_000) ** 0.25))


def responders(rng: random.Random, orgs: list[Organisation], k: int) -> set[int]:
    """k responding organisations; the smaller ones skip the survey a little more often."""
    return pick(rng, range(len(orgs)), k, [size_factor(o) ** 2 for o in orgs])


def group_members(rng: random.Random, orgs: list[Organisation], among: list[int],
                  counts: tuple[int, ...]) -> dict[str, set[int]]:
    """Per group, which responders cooperate with it."""
    weights = [size_factor(o) ** 3 for o in orgs]
    return {group: pick(rng, among, k, weights) for group, k in zip(GROUPS, counts, strict=True)}


def categories(rng: random.Random, org: Organisation, groups: set[str],
               commercial: bool) -> dict[str, bool]:
    """Ja/nee per category: nee throughout a group that is nee; inside a group that is ja each
    category by its chance (higher for bigger libraries), the likeliest one if none came up."""
    factor = size_factor(org)
    answers: dict[str, bool] = {}
    for category, (group, chance) in CATEGORIES.items():
        if group == "commercieel":
            answers[category] = commercial
        else:
            answers[category] = group in groups and rng.random() < 1 - (1 - chance) ** factor
    for group in groups:
        inside = [c for c, (g, _) in CATEGORIES.items() if g == group]
        if not any(answers[c] for c in inside):
            answers[max(inside, key=lambda c: CATEGORIES[c][1])] = True
    return answers


def function_rows(rng: random.Random, year: int, org: Organisation,
                  answers: dict[str, bool]) -> list[dict]:
    """Per core function, for the categories asked per function that the library works with:
    ja or nee, at least one ja."""
    rows: list[dict] = []
    if year not in FUNCTION_YEARS:
        return rows
    for category, chances in FUNCTION_CHANCES.items():
        if not answers[category]:
            continue
        said = [rng.random() < c for c in chances]
        if not any(said):
            said[chances.index(max(chances))] = True
        rows += [{"year": year, "library_id": org.library_id, "category": category,
                  "function": fn, "cooperates": yes} for fn, yes in zip(FUNCTIONS, said,
                                                                         strict=True)]
    return rows


def missing_category(answers: dict[str, bool]) -> str | None:
    """A category whose row may go missing without changing its group: one of
    SOMETIMES_MISSING with another ja in the same group."""
    for category in SOMETIMES_MISSING:
        group = CATEGORIES[category][0]
        others = [c for c, (g, _) in CATEGORIES.items() if g == group and c != category]
        if any(answers[c] for c in others):
            return category
    return None


def partner_rows(rng: random.Random, year: int, org: Organisation, answers: dict[str, bool],
                 missing: bool) -> list[dict]:
    skip = missing_category(answers) if missing else None
    general = [{"year": year, "library_id": org.library_id, "category": c, "function": None,
                "cooperates": yes} for c, yes in answers.items() if c != skip]
    return general + function_rows(rng, year, org, {c: answers[c] and c != skip for c in answers})


def partner_totals(rng: random.Random, orgs: list[Organisation], known: list[int],
                   minimum: dict[int, int], total: int) -> dict[int, int]:
    """Different partner organisations per library: at least one per category it works with,
    more for bigger libraries, `total` over the libraries in `known`."""
    weights = [max(1, minimum[i]) * size_factor(orgs[i]) ** 2 * rng.lognormvariate(0, 0.25)
               for i in known]
    values = allocate(total, weights, [minimum[i] for i in known], [80] * len(known))
    return dict(zip(known, values, strict=True))


def year_tables(rng: random.Random, year: int,
                orgs: list[Organisation]) -> tuple[list[dict], list[dict]]:
    """network.csv and partners.csv rows of one calendar year."""
    plan = PARTNER_YEARS[year]
    among = sorted(responders(rng, orgs, plan.responding))
    groups = group_members(rng, orgs, among, plan.groups)
    commercial = pick(rng, among, plan.commercial, [size_factor(o) ** 3 for o in orgs])
    answers = {i: categories(rng, orgs[i], {g for g in GROUPS if i in groups[g]},
                             i in commercial) for i in among}
    order = rng.sample(among, len(among))
    total_unknown = set(order[:plan.total_unknown])
    housing_unknown = set(order[plan.total_unknown:plan.total_unknown + plan.housing_unknown])
    missing = set(rng.sample([i for i in among if missing_category(answers[i])],
                             plan.missing_rows))
    known = [i for i in among if i not in total_unknown]
    minimum = {i: sum(answers[i].values()) for i in known}
    totals = partner_totals(rng, orgs, known, minimum, plan.partners_sum)
    housing_known = [i for i in among if i not in housing_unknown]
    housing = pick(rng, housing_known, plan.housing, [size_factor(o) for o in orgs])
    network, partners = [], []
    for i, org in enumerate(orgs):
        row = {"year": year, "library_id": org.library_id, "library_name": org.library_name,
               "province": org.province, "inhabitants": org.inhabitants,
               "responded": i in answers}
        if i in answers:
            row.update(partners_total=totals.get(i), commercial_partners=i in commercial,
                       shares_housing=None if i in housing_unknown else i in housing)
            partners += partner_rows(rng, year, org, answers[i], i in missing)
        network.append(row)
    return network, partners


def make_partner_tables(years: dict[int, list[Organisation]]) -> tuple[list[dict], list[dict]]:
    """All years' network and partners rows, from their own random stream."""
    rng = random.Random(SEED)
    network, partners = [], []
    for year, orgs in sorted(years.items()):
        year_network, year_partners = year_tables(rng, year, orgs)
        network += year_network
        partners += year_partners
    return network, partners

