"""Several school years (issue 15, item 4): the figures view shows the earlier years where the
data has them, and each year's rows follow that year's data: a library that moved province is
compared with (and its figures seen by) the province and POI of each year; a library that did
not exist in a year has no figures there. Checked against the CSVs, not the entitlement code.
"""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest
from editions import SAMPLE
from portaltest import Portal, settings_for

from infographics.portal.catalog import Editions

OLD = "2019-2020"
NEW = "2020-2021"
LIBRARY = "y.devries@bibliotheek-regio-westerkwartier.example.org"  # bib-0002
GRONINGEN_POI = "l.postma@biblionet-groningen.example.org"  # PV20
FRYSLAN_POI = "e.kok@bibliotheekservice-fryslan.example.org"  # PV21
HEUVELLAND = "y.vandermeer@bibliotheek-heuvelland.example.org"  # bib-0141, a merger's successor
NEW_LIBRARY = "bib-0141"


def _rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# the editions (school years of libraries.csv, calendar years of network.csv) with and without
# the new library, from the CSVs
_EDITIONS = ({(r["school_year"], r["library_id"]) for r in _rows("libraries.csv")}
             | {(r["year"], r["library_id"]) for r in _rows("network.csv")})
WITH_NEW = sorted(y for y, i in _EDITIONS if i == NEW_LIBRARY)
WITHOUT_NEW = sorted({y for y, _ in _EDITIONS} - set(WITH_NEW))
LATEST = max(r["school_year"] for r in _rows("libraries.csv"))


@pytest.fixture(scope="module")
def moved_library(portal_edition, tmp_path_factory):
    """The sample (several school years) with bib-0002 moved to Fryslân (PV21) in 2019-2020; one
    portal over it."""
    root = tmp_path_factory.mktemp("jaren")
    data = root / "data"
    shutil.copytree(SAMPLE, data)
    path = data / "libraries.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows, fields = list(reader), reader.fieldnames
    moved = 0
    for row in rows:
        if row["school_year"] == OLD and row["library_id"] == "bib-0002":
            assert row["province"] == "PV20"
            row["province"] = "PV21"
            moved += 1
    assert moved == 1
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        writer.writerows(rows)
    settings = settings_for(portal_edition, root, data=data)
    return Portal(settings, Editions(settings))


def _client(portal, address):
    client = portal.client()
    portal.session(client, address)
    return client


def _keys(client) -> set[tuple[str, str, str]]:
    text = client.get("/cijfers.csv").data.decode("utf-8-sig")
    return {(r["school_year"], r["level"], r["entity_id"])
            for r in csv.DictReader(io.StringIO(text))}


def test_the_library_sees_each_year_with_that_years_province(moved_library):
    keys = _keys(_client(moved_library, LIBRARY))
    assert {(y, "library", "bib-0002") for y in (OLD, NEW)} <= keys
    assert (OLD, "province", "PV21") in keys
    assert (NEW, "province", "PV20") in keys
    assert (OLD, "province", "PV20") not in keys
    assert (NEW, "province", "PV21") not in keys


def test_the_poi_of_each_year_sees_the_library_in_that_year(moved_library):
    groningen = _keys(_client(moved_library, GRONINGEN_POI))
    fryslan = _keys(_client(moved_library, FRYSLAN_POI))
    assert (NEW, "library", "bib-0002") in groningen
    assert (OLD, "library", "bib-0002") not in groningen
    assert (OLD, "library", "bib-0002") in fryslan
    assert (NEW, "library", "bib-0002") not in fryslan


def test_a_library_new_in_a_year_has_no_earlier_figures(moved_library):
    assert WITHOUT_NEW
    assert min(WITH_NEW) > OLD  # a library new after OLD
    client = _client(moved_library, HEUVELLAND)
    keys = _keys(client)
    assert {(y, "library", NEW_LIBRARY) for y in WITH_NEW} <= keys
    assert not any(k[0] in WITHOUT_NEW and k[1] in ("library", "province", "size_class")
                   for k in keys)
    page = client.get("/cijfers").get_data(as_text=True)
    assert "Eerdere jaren: Bibliotheek Heuvelland" in page
    heads = set(re.findall(r'<th scope="col">([^<]+)</th>', page.split("Eerdere jaren")[1]))
    assert heads - {"Indicator"} <= set(WITH_NEW)  # only the years it exists in,
    assert {y for y in WITH_NEW if "-" in y} <= heads  # all its school years (PO, VO)
    older = client.get(f"/cijfers?jaar={OLD}")  # only the country's figures of that year
    assert older.status_code == 200
    assert "Cijfers: Nederland" in older.get_data(as_text=True)
    assert "Heuvelland" not in older.get_data(as_text=True).split("</h1>")[1]
    assert client.get(f"/cijfers?jaar={OLD}&entiteit=library:{NEW_LIBRARY}").status_code == 404
    assert client.get(f"/cijfers?jaar={WITH_NEW[0]}&entiteit=library:{NEW_LIBRARY}"
                      ).status_code == 200


def test_earlier_years_beside_each_other(moved_library):
    client = _client(moved_library, LIBRARY)
    page = client.get("/cijfers").get_data(as_text=True)
    assert f"Schooljaar {LATEST}" in page  # the latest year first
    assert "Eerdere jaren: Bibliotheek Regio Westerkwartier" in page
    assert f'<th scope="col">{OLD}</th><th scope="col">{NEW}</th>' in page
    older = client.get(f"/cijfers?jaar={OLD}").get_data(as_text=True)
    assert "Fryslân" in older
    assert "Groningen" not in older.split("<table>")[1]
