"""The mail plan (issue 6): who gets which files, from the manifest of the whole (stand-in) sample
edition (every year), the contacts and the entitlement rules. The contacts are those of the
latest school year (`LATEST`, which carries the partners edition 2022); the calibrated
2020-2021 (`YEAR`) lacks the three libraries formed since, whose contacts get nothing for it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from mailtest import LATEST, SAMPLE, YEAR, entitlements, standin_edition

from infographics.data.read import load
from infographics.delivery.mailplan import (
    Contact,
    choose_year,
    contacts_from_table,
    editions_of,
    plan_mail,
    years_of,
)
from infographics.edition.entitlement import Recipient
from infographics.edition.manifest import read_manifest
from infographics.errors import InfographicsError


@pytest.fixture(scope="module")
def manifest(tmp_path_factory, ctx):
    return read_manifest(standin_edition(tmp_path_factory, ctx))


@pytest.fixture(scope="module")
def contacts():
    return contacts_from_table(load(SAMPLE).contacts)


@pytest.fixture(scope="module")
def plans_of(manifest, contacts):
    """`plans_of(year)`: the plans of that mail year by key, made once."""
    made: dict[str, dict] = {}

    def get(year: str) -> dict:
        if year not in made:
            made[year] = {p.key: p for p in plan_mail(manifest, contacts, entitlements(), year)}
        return made[year]

    return get


@pytest.fixture(scope="module")
def plans(plans_of):
    return plans_of(YEAR)


def test_one_plan_per_group_with_to_and_cc(plans_of, contacts):
    plans = plans_of(LATEST)
    assert len(plans) == 134 + 9 + 1
    assert list(plans)[:2] == ["national", "poi-biblionet-drenthe"]
    bib4 = plans["library-bib-0004"]
    assert [c.email for c in bib4.to] == ["f.degroot@bibliotheek-hogeland.example.org"]
    assert [c.email for c in bib4.cc] == ["s.peters@bibliotheek-hogeland.example.org"]
    assert sum(len(p.contacts) for p in plans.values()) == len(contacts)
    # in 2020-2021 the libraries formed since (data/sample/README.md, Lineage) did not exist:
    # their contacts get no mail for that year, everyone else the same one mail per group
    older = plans_of(YEAR)
    assert set(plans) - set(older) == {"library-bib-0141", "library-bib-0142",
                                       "library-bib-0143"}
    assert set(older) <= set(plans)


@pytest.mark.parametrize("year", [YEAR, LATEST])
def test_a_library_gets_its_own_local_and_school_pages_its_province_and_national(plans_of,
                                                                               manifest, year):
    ents = entitlements()
    # the calendar year carried along, when the sample has it (2022; no partners survey in 2020)
    partners = {y for y in editions_of(year)[1:] if any(e.school_year == y
                                                        for e in manifest.values())}
    assert partners == ({"2022"} if year == LATEST else set())
    for plan in plans_of(year).values():
        if plan.recipient.kind != "library":
            continue
        lib = plan.recipient.entity_id
        got = plan.entries()
        assert all(ents.may_receive(plan.recipient, e) for e in got)
        assert {e.school_year for e in got} <= {year, *partners}
        loose = [e for a in plan.attachments if not a.packed for e in a.entries]
        expected = [("library", "po"), ("library", "vo"), ("national", "po"), ("national", "vo"),
                    ("province", "po"), ("province", "vo")]
        if partners:  # the national partners page; its own ones when it was in network.csv
            expected.append(("national", "partners"))
            if any(ents.province_of(p, lib) for p in partners):
                expected += [("library", "partners"), ("province", "partners")]
        assert sorted((e.level, e.subject) for e in loose) == sorted(expected)
        assert all(e.entity_id in (lib, ents.province_of(e.school_year, lib), "NL")
                   for e in loose)
        schools = sorted(e.path for e in manifest.values()
                         if e.level == "school" and e.library_id == lib and e.school_year == year)
        packed = [a for a in plan.attachments if a.packed]
        if schools:
            (zipped,) = packed
            assert sorted(e.path for e in zipped.entries) == schools
            assert zipped.filename == f"vo-{year}-sterrenchecklists-{lib}.zip"
        else:
            assert packed == []


def test_a_poi_gets_its_provinces_national_and_its_bundle_not_loose_local_pages(plans):
    ents = entitlements()
    probiblio = plans["poi-probiblio"]
    assert probiblio.provinces == ("Noord-Holland", "Zuid-Holland")
    levels = sorted((e.level, e.entity_id) for e in probiblio.entries())
    assert levels == [("bundle", "probiblio"), ("national", "NL"), ("national", "NL"),
                      ("province", "PV27"), ("province", "PV27"), ("province", "PV28"),
                      ("province", "PV28")]
    for plan in plans.values():
        if plan.recipient.kind == "poi":
            assert all(ents.may_receive(plan.recipient, e) for e in plan.entries())
            assert not any(e.level in ("library", "school", "print") for e in plan.entries())
    assert [e.level for e in plans["national"].entries()] == ["national", "national"]


def test_cc_only_contacts_are_addressed_and_an_address_is_listed_once(manifest):
    contacts = [Contact("library", "bib-0001", "A", "a@bieb.example.org", "cc", 2),
                Contact("library", "bib-0001", "A", "A@Bieb.example.org", "cc", 3),
                Contact("library", "bib-9999", "X", "x@bieb.example.org", "to", 4)]
    (plan,) = plan_mail(manifest, contacts, entitlements(), YEAR)
    assert [c.email for c in plan.to] == ["a@bieb.example.org"]
    assert plan.cc == ()


def test_unusable_files_are_left_out(manifest, contacts):
    local = {e.path for e in manifest.values() if e.level == "library"}
    plans = plan_mail(manifest, contacts[:1], entitlements(), YEAR,
                      usable=lambda e: e.path not in local)
    assert not any(e.level == "library" for e in plans[0].entries())


def test_choose_year(manifest):
    assert choose_year(manifest, None) == LATEST
    assert choose_year(manifest, YEAR) == YEAR
    older = {"x": replace(next(iter(manifest.values())), school_year="2017-2018")}
    assert choose_year({**manifest, **older}, None) == LATEST
    with pytest.raises(InfographicsError, match="2016-2017 staat niet in het manifest"):
        choose_year(manifest, "2016-2017")
    with pytest.raises(InfographicsError, match="bouw eerst"):
        choose_year({}, None)


def test_a_partners_year_goes_with_its_school_year_of_the_data_even_before_that_is_built(
        manifest):
    """With only 2021-2022 and partners 2022 built, 2022 could look like a mail year of its
    own, and be mailed again once 2022-2023 (which carries it) is built: a school year in the
    DATA carries its calendar year, whatever has been built so far."""
    first = next(iter(manifest.values()))
    built = {"a": replace(first, school_year="2021-2022"),
             "b": replace(first, school_year="2022", subject="partners")}
    assert years_of(built) == ["2021-2022", "2022"]  # the manifest alone: 2022 goes alone
    data = entitlements().years()
    assert "2022-2023" in data
    assert years_of(built, data) == ["2021-2022"]
    assert choose_year(built, None, data) == "2021-2022"
    with pytest.raises(InfographicsError, match="gaan mee met schooljaar 2022-2023"):
        choose_year(built, "2022", data)
    alone = {"b": built["b"]}  # partners data without any school year: 2022 goes alone
    assert choose_year(alone, None, {"2021", "2022"}) == "2022"


def test_recipient_kinds_never_get_pages_of_others(plans):
    ents = entitlements()
    bib1 = plans["library-bib-0001"]
    for other in ("bib-0002", "bib-0140"):
        assert not any(ents.owner_library(e) == other for e in bib1.entries())
    assert not any(ents.may_receive(Recipient("national"), e)
                   for e in bib1.entries() if e.level != "national")


def test_a_partners_bundle_is_described_as_what_it_holds():
    """A POI's partners bundle (calendar year) holds partners pages only: its attachment line
    never promises star checklists (every POI mail said so of `<poi>-2022.zip`)."""
    from infographics.delivery.mailplan import describe
    from infographics.edition.manifest import Entry

    ents = entitlements()
    school = Entry(LATEST, "all", "bundle", "probiblio", "ProBiblio", "",
                   f"bundels/{LATEST}/probiblio-{LATEST}.zip", "0" * 64, 1)
    partners = Entry("2022", "all", "bundle", "probiblio", "ProBiblio", "",
                     "bundels/2022/probiblio-2022.zip", "0" * 64, 1)
    assert "sterrenchecklists" in describe(school, ents)
    text = describe(partners, ents)
    assert "sterrenchecklist" not in text
    assert text == ("bundel (zip) met de infographics over bibliotheken en samenwerking in 2022:"
                    " landelijk, provinciaal en van alle bibliotheken in uw provincies")
