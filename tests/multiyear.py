"""A small hand-made data set over four school years, for the trend, merger and edition tests.

Provinces and POIs are those of tests/fixtures/mini. Libraries (PO: locations in the werkgebied,
cooperating; VO: locations, cooperating):

| year      | libraries                                   | PO (PO survey from 2020-2021 on)  |
|-----------|---------------------------------------------|-----------------------------------|
| 2019-2020 | bib-a, bib-b (PV25), bib-c (PV23), bib-d (PV27) | not asked: responded_po = nee |
| 2020-2021 | the same four                                | a 50/30, b 20/10, c 40/20, d 60/30 |
| 2021-2022 | bib-m (PV25, successor_of bib-a;bib-b), c, d | m 70/49, c 40/24, d 60/36         |
| 2022-2023 | bib-m, c, d                                  | m 70/56, c 40/28, d 60/42         |

National PO cooperation: 90 of 170 (2020-2021), 109 of 170, 126 of 170. VO: every library has
10 VO locations; cooperating 4, 5, 6, 7 per library in the four years (all responded), so
nationally 16/40, 20/40, 18/30, 21/30.
Gelderland has 2 libraries in 2020-2021 and 1 after, so its shares are suppressed (min N 3).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from infographics.data.schema import LIBRARIES, SCHOOL_LOCATIONS

MINI = Path(__file__).parent / "fixtures" / "mini"
YEARS = ("2019-2020", "2020-2021", "2021-2022", "2022-2023")
PROVINCE = {"bib-a": "PV25", "bib-b": "PV25", "bib-m": "PV25", "bib-c": "PV23", "bib-d": "PV27"}
NAMES = {"bib-a": "Bibliotheek Arnhem", "bib-b": "Bibliotheek Ede", "bib-m": "Bibliotheek Rijn",
         "bib-c": "Bibliotheek Zwolle", "bib-d": "Bibliotheek Haarlem"}
# (year, library) -> (po_locations_in_area, po_locations_cooperating); absent: PO not asked
PO = {
    ("2020-2021", "bib-a"): (50, 30), ("2020-2021", "bib-b"): (20, 10),
    ("2020-2021", "bib-c"): (40, 20), ("2020-2021", "bib-d"): (60, 30),
    ("2021-2022", "bib-m"): (70, 49), ("2021-2022", "bib-c"): (40, 24),
    ("2021-2022", "bib-d"): (60, 36),
    ("2022-2023", "bib-m"): (70, 56), ("2022-2023", "bib-c"): (40, 28),
    ("2022-2023", "bib-d"): (60, 42),
}
LIBRARIES_OF = {
    "2019-2020": ("bib-a", "bib-b", "bib-c", "bib-d"),
    "2020-2021": ("bib-a", "bib-b", "bib-c", "bib-d"),
    "2021-2022": ("bib-m", "bib-c", "bib-d"),
    "2022-2023": ("bib-m", "bib-c", "bib-d"),
}


def _row(year: str, library: str) -> dict[str, str]:
    row = dict.fromkeys(LIBRARIES.names, "")
    vo_cooperating = 4 + YEARS.index(year)
    row.update(school_year=year, library_id=library, library_name=NAMES[library],
               province=PROVINCE[library], inhabitants="60000", responded_vo="ja",
               vo_locations_in_area="10", vo_locations_cooperating=str(vo_cooperating),
               vo_locations_signed="2", responded_po="nee")
    if library == "bib-m":
        row["successor_of"] = "bib-a;bib-b"
    if (year, library) in PO:
        area, cooperating = PO[(year, library)]
        row.update(responded_po="ja", po_locations_in_area=str(area),
                   po_locations_cooperating=str(cooperating),
                   po_locations_reading=str(cooperating // 2), po_locations_digital="5",
                   po_dbos="nee", po_comparable="nee")
    return row


def write(folder: Path, years: tuple[str, ...] = YEARS) -> Path:
    """The data set, with the school `years` only, written to `folder` (made)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("provinces.csv", "pois.csv"):
        shutil.copy(MINI / name, folder / name)
    (folder / "contacts.csv").write_text(
        "entity_type,entity_id,name,email,role\n"
        "library,bib-c,Piet Bos,p.bos@bibliotheekzwolle.nl,to\n"
        "national,,Team Monitor,monitor@kb.nl,to\n", encoding="utf-8")
    with (folder / "libraries.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, LIBRARIES.names)
        out.writeheader()
        out.writerows(_row(y, lib) for y in years for lib in LIBRARIES_OF[y])
    with (folder / "school_locations.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(SCHOOL_LOCATIONS.names)
    return folder
