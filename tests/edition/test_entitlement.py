"""Entitlements: the data contract's who-receives-what rules (contacts.csv), checked against
small hand-made reference tables and against the sample's reference CSVs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from infographics.data.read import load
from infographics.edition.entitlement import Entitlements, Recipient
from infographics.edition.manifest import Entry

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
YEAR = "2020-2021"


def page(level: str, entity_id: str, library_id: str = "", subject: str = "po",
         year: str = YEAR) -> Entry:
    return Entry(year, subject, level, entity_id, entity_id, library_id,
                 f"{subject}/{level}/{entity_id}.pdf", "0" * 64, 1)


@pytest.fixture
def rules() -> Entitlements:
    """Two POIs: "west" serves P1 and P2, "oost" serves P3. Library b moves from P2 (2020-2021)
    to P3 (2021-2022)."""
    return Entitlements(
        {(YEAR, "a"): "P1", (YEAR, "b"): "P2", (YEAR, "c"): "P3", ("2021-2022", "b"): "P3"},
        {"P1": "west", "P2": "west", "P3": "oost"},
        poi_names={"west": "West", "oost": "Oost", "leeg": "Leeg"},
    )


def test_library_gets_its_own_local_and_school_pages_its_province_and_national(rules):
    pages = [page("national", "NL"), page("province", "P1"), page("province", "P2"),
             page("library", "a", "a"), page("library", "b", "b"),
             page("school", "s1", "a", "vo"), page("school", "s2", "b", "vo")]
    got = rules.entitled(Recipient("library", "a"), pages)
    assert [e.entity_id for e in got] == ["NL", "P1", "a", "s1"]


def test_poi_gets_its_provinces_and_all_their_libraries_pages(rules):
    pages = [page("national", "NL"), page("province", "P1"), page("province", "P2"),
             page("province", "P3"), page("library", "a", "a"), page("library", "b", "b"),
             page("library", "c", "c"), page("school", "s1", "a", "vo"),
             page("school", "s3", "c", "vo")]
    assert [e.entity_id for e in rules.entitled(Recipient("poi", "west"), pages)] == [
        "NL", "P1", "P2", "a", "b", "s1"]
    assert [e.entity_id for e in rules.entitled(Recipient("poi", "oost"), pages)] == [
        "NL", "P3", "c", "s3"]


def test_the_province_of_the_pages_school_year_decides(rules):
    moved = page("library", "b", "b", year="2021-2022")
    assert rules.may_receive(Recipient("poi", "oost"), moved)
    assert not rules.may_receive(Recipient("poi", "west"), moved)
    assert rules.may_receive(Recipient("poi", "west"), page("library", "b", "b"))
    assert rules.may_receive(Recipient("library", "b"), page("province", "P3", year="2021-2022"))
    assert not rules.may_receive(Recipient("library", "b"), page("province", "P2",
                                                                 year="2021-2022"))


def test_national_contacts_get_only_national_pages(rules):
    national = Recipient("national")
    assert rules.may_receive(national, page("national", "NL"))
    for entry in (page("province", "P1"), page("library", "a", "a"),
                  page("school", "s1", "a", "vo")):
        assert not rules.may_receive(national, entry)


def test_bundle_files_go_to_their_poi_only(rules):
    zip_row = Entry(YEAR, "all", "bundle", "west", "West", "", f"bundels/{YEAR}/west.zip",
                    "0" * 64, 3)
    print_row = Entry(YEAR, "all", "print", "west", "West", "", f"bundels/{YEAR}/west.pdf",
                      "0" * 64, 2)
    for row in (zip_row, print_row):
        assert rules.may_receive(Recipient("poi", "west"), row)
        assert not rules.may_receive(Recipient("poi", "oost"), row)
        assert not rules.may_receive(Recipient("library", "a"), row)
        assert not rules.may_receive(Recipient("national"), row)


def test_a_page_without_a_library_or_a_recipient_without_an_id_gets_nothing_local(rules):
    orphan = page("school", "s9", "", "vo")  # a school page that names no library
    for recipient in (Recipient("library", ""), Recipient("poi", ""), Recipient("poi", "west"),
                      Recipient("library", "a")):
        assert not rules.may_receive(recipient, orphan)
    assert not rules.may_receive(Recipient("library", ""), page("library", "a", "a"))
    assert not rules.may_receive(Recipient("poi", ""), page("province", "P1"))


def test_an_unknown_recipient_kind_gets_nothing_but_is_not_a_poi(rules):
    odd = Recipient("POI", "west")  # a typo in contacts must not open the bundle
    for entry in (page("national", "NL"), page("province", "P1"), page("library", "a", "a")):
        assert not rules.may_receive(odd, entry)


def test_unknown_libraries_and_provinces_reach_nobody_but_their_owner(rules):
    stray = page("library", "zz", "zz")  # a library missing from the reference table
    assert rules.may_receive(Recipient("library", "zz"), stray)
    for poi in ("west", "oost", "leeg"):
        assert not rules.may_receive(Recipient("poi", poi), stray)
    assert not rules.may_receive(Recipient("poi", "west"), page("province", "P9"))


def test_lookups(rules):
    assert rules.pois() == ["leeg", "oost", "west"]
    assert rules.provinces_of("west") == {"P1", "P2"}
    assert rules.provinces_of("leeg") == set()
    assert rules.libraries_of(YEAR, "west") == ["a", "b"]
    assert rules.libraries_of("2021-2022", "oost") == ["b"]
    assert rules.poi_of_library(YEAR, "c") == "oost"


def test_sample_tables_match_the_reference_csvs():
    ent = Entitlements.from_tables(load(SAMPLE))

    def rows(name: str) -> list[dict[str, str]]:
        with (SAMPLE / name).open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))

    province_poi = {r["province"]: r["poi_id"] for r in rows("provinces.csv")}
    libraries = rows("libraries.csv")
    assert ent.pois() == sorted(r["poi_id"] for r in rows("pois.csv"))
    assert len(ent.pois()) == 9
    for lib in libraries:
        assert ent.poi_of_library(lib["school_year"], lib["library_id"]) == \
            province_poi[lib["province"]]
    for year in {lib["school_year"] for lib in libraries}:  # every library once per year
        assert sum(len(ent.libraries_of(year, poi)) for poi in ent.pois()) == \
            sum(lib["school_year"] == year for lib in libraries)
    assert sum(len(ent.libraries_of(YEAR, poi)) for poi in ent.pois()) == 140
    for lib in rows("network.csv"):  # the partners editions: per calendar year
        assert ent.poi_of_library(lib["year"], lib["library_id"]) == \
            province_poi[lib["province"]]
    assert ent.provinces_of("rijnbrink") == {"PV23", "PV25"}
    assert ent.provinces_of("probiblio") == {"PV27", "PV28"}
    assert ent.provinces_of("cubiss") == {"PV30", "PV31"}
    assert ent.province_names["PV21"] == "Fryslân"


def test_a_local_page_whose_ids_disagree_is_nobodys(rules):
    # a hand-edited manifest row: entity_id says library a, library_id says library c (in
    # another POI's province); the page must not go to c, nor to c's POI, on the word of one
    # column
    mixed = page("library", "a", "c")
    for recipient in (Recipient("library", "a"), Recipient("library", "c"),
                      Recipient("poi", "west"), Recipient("poi", "oost")):
        assert not rules.may_receive(recipient, mixed)
    assert rules.owner_library(mixed) == ""


def test_a_school_page_goes_only_to_the_library_the_data_links_its_location_to():
    # a school row edited by hand, or left from before a data correction moved location s1
    # from library a to library c (another POI): its page is not a's any more
    rules = Entitlements({(YEAR, "a"): "P1", (YEAR, "c"): "P3"},
                         {"P1": "west", "P3": "oost"},
                         school_libraries={(YEAR, "s1"): "c"})
    stale = page("school", "s1", "a", "vo")
    for recipient in (Recipient("library", "a"), Recipient("poi", "west"),
                      Recipient("library", "c"), Recipient("poi", "oost")):
        assert not rules.may_receive(recipient, stale)
    assert rules.may_receive(Recipient("library", "c"), page("school", "s1", "c", "vo"))
    assert rules.may_receive(Recipient("poi", "oost"), page("school", "s1", "c", "vo"))
    # a location the data no longer has at all
    assert not rules.may_receive(Recipient("library", "a"), page("school", "s9", "a", "vo"))


def test_the_sample_links_every_school_page_to_its_library():
    tables = load(SAMPLE)
    ent = Entitlements.from_tables(tables)
    s = tables.school_locations
    for year, location, library in zip(s["school_year"], s["location_id"], s["library_id"],
                                       strict=True):
        assert ent.may_receive(Recipient("library", library),
                               page("school", location, library, "vo", year))
