"""The partners pages in the mail plan: a school year's mail carries the partners edition of the
calendar year it starts in, to exactly the entitled recipients (a library its own local page
and its province's, a POI its provinces' pages and its bundles), and each calendar year travels
with one school year only."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from infographics.delivery.mailplan import (
    Contact,
    choose_year,
    editions_of,
    plan_mail,
    years_of,
)
from infographics.delivery.reconcile import _expected
from infographics.edition.entitlement import Entitlements, Recipient
from infographics.edition.manifest import Entry

SCHOOL, CALENDAR = "2022-2023", "2022"


def entry(year: str, subject: str, level: str, entity_id: str, library_id: str = "") -> Entry:
    return Entry(year, subject, level, entity_id, entity_id, library_id,  # type: ignore[arg-type]
                 f"{subject}/{level}/{subject}-{year}-{entity_id}.pdf", "0" * 64, 1)


@pytest.fixture
def ents() -> Entitlements:
    """POI "noord" serves P1, "zuid" P2; library c is in the PO/VO data only, d in the
    partners data only (network.csv), a and b in both."""
    return Entitlements(
        {(SCHOOL, "a"): "P1", (SCHOOL, "b"): "P2", (SCHOOL, "c"): "P1",
         (CALENDAR, "a"): "P1", (CALENDAR, "b"): "P2", (CALENDAR, "d"): "P2"},
        {"P1": "noord", "P2": "zuid"},
        library_names={(CALENDAR, "d"): "Bibliotheek D"})


@pytest.fixture
def manifest() -> dict[str, Entry]:
    entries = [entry(SCHOOL, "po", "national", "NL"), entry(CALENDAR, "partners", "national", "NL"),
               entry("2021", "partners", "national", "NL")]
    for year, subject, libs in ((SCHOOL, "po", "abc"), (CALENDAR, "partners", "abd")):
        entries += [entry(year, subject, "province", p) for p in ("P1", "P2")]
        entries += [entry(year, subject, "library", lib, lib) for lib in libs]
    entries += [Entry(y, "all", "bundle", poi, poi, "", f"bundels/{y}/{poi}-{y}.zip", "0" * 64, 1)
                for y in (SCHOOL, CALENDAR) for poi in ("noord", "zuid")]
    return {e.path: e for e in entries}


def contacts() -> list[Contact]:
    return [Contact("library", lib, lib, f"{lib}@bieb.example.org", "to") for lib in "abcd"] + [
        Contact("poi", poi, poi, f"{poi}@poi.example.org", "to") for poi in ("noord", "zuid")]


def test_a_school_year_carries_the_calendar_year_it_starts_in():
    assert editions_of(SCHOOL) == (SCHOOL, CALENDAR)
    assert editions_of(CALENDAR) == (CALENDAR,)


def test_a_carried_calendar_year_is_no_mail_year_of_its_own(manifest):
    assert years_of(manifest) == ["2021", SCHOOL]  # 2021 has no school year to travel with
    assert choose_year(manifest, None) == SCHOOL
    with pytest.raises(Exception, match="gaan mee met schooljaar 2022-2023"):
        choose_year(manifest, CALENDAR)


def test_each_library_gets_exactly_its_own_partners_pages(manifest, ents):
    plans = {p.key: p for p in plan_mail(manifest, contacts(), ents, SCHOOL)}
    for lib, province in (("a", "P1"), ("b", "P2"), ("d", "P2")):
        partners = sorted((e.level, e.entity_id) for e in plans[f"library-{lib}"].entries()
                          if e.subject == "partners")
        assert partners == [("library", lib), ("national", "NL"), ("province", province)]
    # c is not in the partners data: its PO pages, but no partners page but the national one
    c = [(e.subject, e.level) for e in plans["library-c"].entries()]
    assert ("partners", "library") not in c
    assert ("partners", "national") in c
    assert plans["library-d"].entity_name == "Bibliotheek D"
    assert all(e.school_year != "2021" for p in plans.values() for e in p.entries())


def test_a_poi_gets_its_provinces_partners_pages_and_both_bundles(manifest, ents):
    plans = {p.key: p for p in plan_mail(manifest, contacts(), ents, SCHOOL)}
    zuid = sorted((e.school_year, e.subject, e.level, e.entity_id)
                  for e in plans["poi-zuid"].entries())
    assert zuid == [(CALENDAR, "all", "bundle", "zuid"), (CALENDAR, "partners", "national", "NL"),
                    (CALENDAR, "partners", "province", "P2"), (SCHOOL, "all", "bundle", "zuid"),
                    (SCHOOL, "po", "national", "NL"), (SCHOOL, "po", "province", "P2")]
    for plan in plans.values():
        assert all(ents.may_receive(plan.recipient, e) for e in plan.entries())


def test_reconcile_expects_a_partners_page_only_of_libraries_in_that_year(manifest, ents):
    plans = plan_mail(manifest, contacts(), ents, SCHOOL)
    assert _expected(plans, ents, manifest, SCHOOL) == []
    without = {k: e for k, e in manifest.items()
               if not (e.subject == "partners" and e.entity_id == "d")}
    (missing,) = _expected(plan_mail(without, contacts(), ents, SCHOOL), ents, without, SCHOOL)
    assert "lokale infographic samenwerking van d" in missing.message


def test_entitlement_reads_network_libraries_per_calendar_year():
    frame = pd.DataFrame
    tables = SimpleNamespace(
        libraries=frame({"school_year": [SCHOOL], "library_id": ["a"], "library_name": ["A"],
                         "province": ["P1"]}),
        network=frame({"school_year": [CALENDAR], "library_id": ["a"], "library_name": ["A"],
                       "province": ["P2"]}),
        school_locations=frame({"school_year": [], "location_id": [], "library_id": []}),
        provinces=frame({"province": ["P1", "P2"], "poi_id": ["noord", "zuid"],
                         "province_name": ["Een", "Twee"]}),
        pois=frame({"poi_id": ["noord", "zuid"], "poi_name": ["Noord", "Zuid"]}))
    ents = Entitlements.from_tables(tables)
    assert ents.province_of(SCHOOL, "a") == "P1"
    assert ents.province_of(CALENDAR, "a") == "P2"  # moved: the page's own year decides
    page = entry(CALENDAR, "partners", "library", "a", "a")
    assert ents.may_receive(Recipient("poi", "zuid"), page)
    assert not ents.may_receive(Recipient("poi", "noord"), page)
    del tables.network  # data without partners tables: as before
    assert Entitlements.from_tables(tables).province_of(CALENDAR, "a") is None


def test_a_poi_bundles_the_partners_pages_of_its_provinces_per_calendar_year(manifest, ents):
    from infographics.edition.bundle import plan_bundles

    bundles = {(b.school_year, b.poi_id): b for b in plan_bundles(manifest.values(), ents)}
    zuid = bundles[(CALENDAR, "zuid")]
    assert sorted((e.level, e.entity_id) for e in zuid.pages) == [
        ("library", "b"), ("library", "d"), ("national", "NL"), ("province", "P2")]
    assert zuid.zip_path == f"bundels/{CALENDAR}/zuid-{CALENDAR}.zip"
    assert zuid.print_pages == ()  # the print PDF holds local PO pages only
    assert zuid.missing == ()
    noord = bundles[(CALENDAR, "noord")]
    assert sorted(e.entity_id for e in noord.pages if e.level == "library") == ["a"]
    gone = {k: e for k, e in manifest.items() if not (e.subject == "partners" and
                                                     e.entity_id == "d")}
    (missing,) = {(b.school_year, b.poi_id): b for b in plan_bundles(
        gone.values(), ents)}[(CALENDAR, "zuid")].missing
    assert missing == "samenwerking lokale pagina ontbreekt: Bibliotheek D (d)"
