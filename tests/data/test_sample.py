"""The committed sample data (data/sample) reproduces the published national figures for
2020-2021 exactly, keeps every consistency rule of the data contract, and is exactly what the
seeded generator tools/make_sample.py writes."""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from infographics.data.checklist import load_checklist
from infographics.data.schema import PART_WHOLE, TABLES

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
GENERATOR = REPO / "tools" / "make_sample.py"


def read(table: str, folder: Path = SAMPLE) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def ints(rows: list[dict], column: str) -> list[int | None]:
    return [int(r[column]) if r[column] != "" else None for r in rows]


def total(rows: list[dict], column: str) -> int:
    return sum(v for v in ints(rows, column) if v is not None)


def count(rows: list[dict], column: str, value: str) -> int:
    return sum(r[column] == value for r in rows)


@pytest.fixture(scope="module")
def libraries() -> list[dict[str, str]]:
    return read("libraries")


@pytest.mark.parametrize("table", list(TABLES))
def test_columns_are_canonical_and_in_contract_order(table):
    with (SAMPLE / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == list(TABLES[table].names)


def test_real_provinces_and_pois():
    provinces, pois = read("provinces"), read("pois")
    assert [p["province"] for p in provinces] == [f"PV{n}" for n in range(20, 32)]
    assert provinces[1]["province_name"] == "Fryslân"
    assert len(pois) == 9
    assert {p["poi_id"] for p in provinces} == {p["poi_id"] for p in pois}
    serves = Counter(p["poi_id"] for p in provinces)
    assert serves["rijnbrink"] == serves["probiblio"] == serves["cubiss"] == 2


def test_po_national_totals(libraries):
    assert len(libraries) == 140
    assert {r["school_year"] for r in libraries} == {"2020-2021"}
    assert count(libraries, "responded_po", "ja") == 140
    assert total(libraries, "po_locations_in_area") == 6870
    assert total(libraries, "po_locations_cooperating") == 5386
    assert min(ints(libraries, "po_locations_cooperating")) > 0
    assert total(libraries, "po_locations_reading") == 5061
    assert total(libraries, "po_locations_digital") == 2168
    assert count(libraries, "po_dbos", "ja") == 106
    assert total(libraries, "po_dbos_locations") == 2523
    assert total(libraries, "po_dbos_pupils") == 484_000
    assert count(libraries, "po_comparable", "ja") == 46
    assert total(libraries, "po_comparable_locations") == 700
    assert total(libraries, "po_comparable_pupils") == 154_000
    either = [r for r in libraries if "ja" in (r["po_dbos"], r["po_comparable"])]
    assert len(either) == 122
    assert total(libraries, "children_4_12") == 1_600_000
    assert total(libraries, "members_4_12") == 1_120_000
    assert total(libraries, "active_members_4_12") == 638_400
    assert len(libraries) - count(libraries, "po_locations_reading_plan", "") == 102
    assert len(libraries) - count(libraries, "po_locations_media_plan", "") == 35


def test_vo_national_totals(libraries):
    assert count(libraries, "responded_vo", "ja") == 140
    with_vo = [r for r in libraries if int(r["vo_locations_in_area"]) > 0]
    assert len(with_vo) == 138
    assert total(libraries, "vo_locations_in_area") == 1962
    assert sum(int(r["vo_locations_cooperating"]) > 0 for r in libraries) == 115
    assert total(libraries, "vo_locations_cooperating") == 726
    assert sum(int(r["vo_locations_signed"]) > 0 for r in libraries) == 59
    assert total(libraries, "vo_locations_signed") == 257
    offers = {"vo_reading_promotion": 115, "vo_offers_collections": 94,
              "vo_offers_activities": 84, "vo_offers_policy_advice": 58,
              "vo_offers_reading_programmes": 57, "vo_offers_subject_advice": 56}
    for column, expected in offers.items():
        assert count(with_vo, column, "ja") == expected, column
        assert count(with_vo, column, "") == 0, column
        assert all(r[column] == "" for r in libraries if r not in with_vo), column


def test_every_row_keeps_the_consistency_rules(libraries):
    for row in libraries:
        values = {k: int(v) for k, v in row.items() if v.lstrip("-").isdigit()}
        assert min(values.values()) >= 0, row["library_id"]
        for part, whole in PART_WHOLE:
            if part in values and whole in values:
                assert values[part] <= values[whole], (row["library_id"], part, whole)
        programmes = values.get("po_dbos_locations", 0) + values.get("po_comparable_locations", 0)
        assert programmes <= values["po_locations_in_area"]
        assert 0.4 <= values["members_4_12"] / values["children_4_12"] <= 0.95
        for prog in ("dbos", "comparable"):
            if row[f"po_{prog}"] == "nee":
                assert values.get(f"po_{prog}_locations", 0) == 0
                assert values.get(f"po_{prog}_pupils", 0) == 0


def test_every_size_class_has_several_libraries(libraries):
    bounds = (30_000, 50_000, 100_000, 200_000)
    classes = Counter(sum(h >= b for b in bounds) for h in ints(libraries, "inhabitants"))
    assert sorted(classes) == [0, 1, 2, 3, 4]
    assert min(classes.values()) >= 5


def test_library_names_are_unique_and_varied(libraries):
    names = [r["library_name"] for r in libraries]
    assert len(set(names)) == len(names) == len({r["library_id"] for r in libraries})
    assert sum(len(n) >= 60 for n in names) >= 2
    assert any(not n.isascii() for n in names)


def test_school_locations_match_the_libraries_and_the_star_distribution(libraries):
    locations = read("school_locations")
    checklist = load_checklist()
    assert len(locations) == 726
    assert len({r["location_id"] for r in locations}) == 726
    assert {r["sector"] for r in locations} == {"vo"}
    per_library = Counter(r["library_id"] for r in locations)
    signed = Counter(r["library_id"] for r in locations if r["signed_agreement"] == "ja")
    for lib in libraries:
        assert per_library[lib["library_id"]] == int(lib["vo_locations_cooperating"])
        assert signed[lib["library_id"]] == int(lib["vo_locations_signed"])
    stars = Counter()
    for row in locations:
        points = {b.column: int(row[b.column]) for b in checklist.blocks}
        assert all(0 <= points[b.column] <= b.max for b in checklist.blocks)
        assert sum(points.values()) < checklist.total_max
        stars[checklist.stars_for(sum(points.values()))] += 1
    assert stars[1] == 559
    assert set(stars) == {0, 1, 2, 3, 4}


def test_contacts_reach_every_library_and_poi_once(libraries):
    contacts = read("contacts")
    to = Counter(r["entity_id"] for r in contacts if r["entity_type"] == "library"
                 and r["role"] == "to")
    assert to == Counter(r["library_id"] for r in libraries)
    pois = Counter(r["entity_id"] for r in contacts if r["entity_type"] == "poi")
    assert set(pois) == {p["poi_id"] for p in read("pois")}
    assert set(pois.values()) <= {1, 2}
    assert [r["entity_id"] for r in contacts if r["entity_type"] == "national"] == [""]
    assert all(r["email"].split("@")[1].endswith("example.org") for r in contacts)
    owners: dict[str, set[str]] = {}
    for r in contacts:
        owners.setdefault(r["email"], set()).add(r["entity_id"])
    assert all(len(ids) == 1 for ids in owners.values())


def test_generator_reproduces_the_committed_files(tmp_path):
    spec = importlib.util.spec_from_file_location("make_sample", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not module.DEFAULT_REFERENCE.exists():
        pytest.skip(f"CBS reference file not present: {module.DEFAULT_REFERENCE}")
    module.main(["--out", str(tmp_path)])
    for table in TABLES:
        name = f"{table}.csv"
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
