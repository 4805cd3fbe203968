"""A small, seeded partners edition as `Figures`, for page tests that must not wait for the
sample's network and partners tables: five libraries in two provinces over two calendar years,
each with random yes/no per category (and per category x core function) and a partners total;
every aggregate is summed from those library records (share = parts / wholes), as measure.py
does."""

from __future__ import annotations

import random

import pandas as pd

from infographics.data.measure import COLUMNS, NATIONAL_ID, Entity, Figures, LibraryInfo

CATEGORIES = ("gemeente", "provincie_poi", "primair_onderwijs", "voortgezet_onderwijs", "mbo",
              "hbo_wo", "kinderopvang", "taal_cursusaanbieders", "lezen_schrijven", "welzijn",
              "jgz_consultatiebureau", "zorg", "cultuur", "commercieel")
GROUPS = {"overheid": ("gemeente", "provincie_poi"),
          "onderwijs": ("primair_onderwijs", "voortgezet_onderwijs", "mbo", "hbo_wo",
                        "kinderopvang"),
          "basisvaardigheden": ("taal_cursusaanbieders", "lezen_schrijven")}
FUNCTIONS = ("kennis_informatie", "ontwikkeling_educatie", "lezen_literatuur",
             "ontmoeting_debat", "kunst_cultuur")
YEARS = ("2021", "2022")
PROVINCES = {"PV20": "Groningen", "PV21": "Friesland"}
LIBRARIES = {"bib-0001": ("Bibliotheek Noorderhaven", "PV20"),
             "bib-0002": ("Bibliotheek Wierden en Wad", "PV20"),
             "bib-0003": ("Bibliotheek Stad en Ommeland", "PV20"),
             "bib-0004": ("Bibliotheek Friese Wouden", "PV21"),
             "bib-0005": ("Bibliotheek Kust", "PV21")}
SIZE = ("sc2", "30.000 tot 60.000 inwoners")


def _records(year: str, rng: random.Random) -> dict[str, dict[str, float]]:
    """Per library its own values: 1/0 shares and the partners total."""
    out = {}
    for lib in LIBRARIES:
        values: dict[str, float] = {}
        for cat in CATEGORIES:
            yes = rng.random() < (0.95 if cat in ("gemeente", "primair_onderwijs") else 0.6)
            values[f"partners_share_cat_{cat}"] = float(yes)
            for fn in FUNCTIONS:
                values[f"partners_share_cat_{cat}__{fn}"] = float(yes and rng.random() < 0.6)
        for group, cats in GROUPS.items():
            values[f"partners_share_grp_{group}"] = float(
                any(values[f"partners_share_cat_{c}"] for c in cats))
        for fn in FUNCTIONS:
            values[f"partners_share_fn_{fn}"] = float(
                any(values[f"partners_share_cat_{c}__{fn}"] for c in CATEGORIES))
        values["partners_share_mfa"] = float(rng.random() < 0.85)
        values["partners_share_commercial"] = values["partners_share_cat_commercieel"]
        values["partners_mean"] = float(rng.randint(8, 24))
        values["partners_libraries"] = 1.0
        out[lib] = values
    return out


def _rows(year: str, level: str, entity_id: str, name: str,
          members: list[dict[str, float]]) -> list[dict[str, object]]:
    rows = []
    for indicator in members[0]:
        total = sum(m[indicator] for m in members)
        n = len(members)
        value = total if indicator == "partners_libraries" else total / n
        rows.append({"school_year": year, "level": level, "entity_id": entity_id,
                     "entity_name": name, "indicator": indicator, "value": value,
                     "numerator": total, "denominator": n, "n": n, "suppressed": False})
    return rows


def partners_figures(seed: int = 14, unknown: str = "") -> Figures:
    """The edition's figures at every level, summed from the seeded library records; the
    indicators starting with `unknown` (when given) are unknown everywhere (not asked)."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    entities, infos = [], []
    for year in YEARS:
        recs = _records(year, rng)
        groups = [("national", NATIONAL_ID, "Nederland", list(LIBRARIES)),
                  ("size_class", SIZE[0], SIZE[1], list(LIBRARIES))]
        groups += [("province", code, name, [lib for lib, (_, p) in LIBRARIES.items()
                                              if p == code]) for code, name in PROVINCES.items()]
        groups += [("library", lib, name, [lib]) for lib, (name, _) in LIBRARIES.items()]
        for level, eid, name, members in groups:
            rows += _rows(year, level, eid, name, [recs[m] for m in members])
            if level != "size_class":
                entities.append(Entity(year, level, eid, name,  # type: ignore[arg-type]
                                       ("partners",)))
        for lib, (name, prov) in LIBRARIES.items():
            infos.append(LibraryInfo(year, lib, name, prov, PROVINCES[prov], "poi-noord",
                                     "POI Noord", SIZE[0], SIZE[1], len(LIBRARIES)))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if unknown:
        gone = frame["indicator"].str.startswith(unknown)
        frame.loc[gone, ["value", "numerator", "denominator"]] = None
        frame.loc[gone, "n"] = 0
    return Figures(frame, entities, infos, subject_years={"partners": YEARS})
