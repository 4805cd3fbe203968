"""The overview's grouping: per school year (latest first) and subject, a single library's own
page before its province's and the country's, a POI's libraries by province and name with their
school pages apart, bundles per year last."""

from __future__ import annotations

from infographics.edition.entitlement import Entitlements
from infographics.edition.manifest import Entry
from infographics.portal.catalog import file_id, ordered
from infographics.portal.overview import label, sections

ENTS = Entitlements(
    {("2020-2021", "a"): "P1", ("2020-2021", "b"): "P2", ("2019-2020", "a"): "P1"},
    {"P1": "poi", "P2": "poi"}, {"P1": "Zeeland", "P2": "Drenthe"}, {"poi": "De POI"},
    {("2020-2021", "a"): "Bieb A", ("2020-2021", "b"): "Bieb B", ("2019-2020", "a"): "Bieb A"},
    {("2020-2021", "s1"): "a"})


def entry(year, subject, level, entity, name, library="", path=None) -> Entry:
    path = path or f"{subject}/{level}/{year}-{entity}.pdf"
    return Entry(year, subject, level, entity, name, library, path, "0" * 64, 1)


def test_years_subjects_and_the_own_page_first():
    entries = ordered([
        entry("2019-2020", "po", "national", "NL", "Nederland"),
        entry("2020-2021", "po", "national", "NL", "Nederland"),
        entry("2020-2021", "po", "province", "P1", "Zeeland"),
        entry("2020-2021", "po", "library", "a", "Bieb A", "a"),
        entry("2020-2021", "vo", "school", "s1", "School 1", "a"),
        entry("2020-2021", "vo", "library", "a", "Bieb A", "a"),
    ])
    years = sections(entries, ENTS)
    assert [y.year for y in years] == ["2020-2021", "2019-2020"]
    po = years[0].subjects["po"]
    assert [c.title for c in po.top()] == ["Bieb A", "Zeeland", "Nederland"]
    vo = years[0].subjects["vo"]
    assert [c.title for c in vo.libraries()[0].schools] == ["School 1"]
    assert vo.libraries()[0].province == "Zeeland"
    assert [c.title for c in years[1].subjects["po"].top()] == ["Nederland"]


def test_a_poi_sees_libraries_by_province_then_name_and_bundles_last():
    entries = ordered([
        entry("2020-2021", "po", "library", "b", "Bieb B", "b"),
        entry("2020-2021", "po", "library", "a", "Bieb A", "a"),
        entry("2020-2021", "po", "province", "P1", "Zeeland"),
        entry("2020-2021", "po", "province", "P2", "Drenthe"),
        entry("2020-2021", "all", "bundle", "poi", "De POI", path="bundels/poi.zip"),
        entry("2020-2021", "all", "print", "poi", "De POI", path="bundels/poi-print.pdf"),
    ])
    (year,) = sections(entries, ENTS)
    po = year.subjects["po"]
    assert [c.title for c in po.top()] == ["Drenthe", "Zeeland"]  # no own page: two libraries
    assert [(lib.name, lib.province) for lib in po.libraries()] == [("Bieb B", "Drenthe"),
                                                                    ("Bieb A", "Zeeland")]
    assert [c.label for c in year.bundles] == ["bundel (zip)", "afdrukversie lokale PO-pagina's"]
    assert year.bundles[0].id == file_id("bundels/poi.zip")
    assert not year.bundles[0].thumbnail  # a zip has no thumbnail
    assert year.bundles[1].download_name == "poi-print.pdf"


def test_labels():
    assert label(entry("2020-2021", "vo", "school", "s1", "x", "a")) == "VO · sterrenchecklist"
    assert label(entry("2020-2021", "po", "province", "P1", "x")) == "PO · provinciaal"
