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
of the general survey (network, partners) come from a third stream. The parts: sample_draw.py
(2020-2021), sample_history.py (the other years), sample_partners.py (network, partners) and
sample_calibrate.py (allocate), all next to this script.

    python tools/make_sample.py --out data/sample [--reference FILE]

--reference defaults to shared/reference/provinces_2021.csv next to the repository (or next to
the folder that holds it).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from sample_draw import (
    SEED,
    make_contacts,
    make_library_rows,
    make_school_locations,
    read_populations,
    reference_rows,
)
from sample_history import LIBRARY_YEARS, calendar_years, current_contacts, history
from sample_partners import NETWORK_COLUMNS, PARTNERS_COLUMNS, make_partner_tables

from infographics.data.checklist import load_checklist
from infographics.data.schema import TABLES

REPO = Path(__file__).resolve().parents[1]
# The CBS file lives in shared/reference next to the repository (or next to the folder that
# holds this checkout, for a git worktree).
REFERENCES = [folder / "shared" / "reference" / "provinces_2021.csv"
              for folder in (REPO.parent, REPO.parent.parent)]
DEFAULT_REFERENCE = next((path for path in REFERENCES if path.exists()), REFERENCES[0])


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
