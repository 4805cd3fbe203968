"""Several school years (issue 15, item 4): the figures view shows the earlier years where the
data has them, and each year's rows follow that year's data: a library that moved province is
compared with (and its figures seen by) the province and POI of each year; a library that did
not exist in a year has no figures there. Checked against the CSVs, not the entitlement code.
"""

from __future__ import annotations

import csv
import io
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
LIMBURG = "s.dewit@bibliotheek-maasvallei-centraal.example.org"  # bib-0135


@pytest.fixture(scope="module")
def two_years(portal_edition, tmp_path_factory):
    """The sample with a 2019-2020 copy of its libraries, in which bib-0002 lay in Fryslân
    (PV21) and bib-0135 did not exist yet; one portal over it."""
    root = tmp_path_factory.mktemp("jaren")
    data = root / "data"
    shutil.copytree(SAMPLE, data)
    path = data / "libraries.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows, fields = list(reader), reader.fieldnames
    old = []
    for row in rows:
        if row["library_id"] == "bib-0135":
            continue
        copy = dict(row, school_year=OLD)
        if row["library_id"] == "bib-0002":
            copy["province"] = "PV21"
        old.append(copy)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        writer.writerows(old + rows)
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


def test_the_library_sees_each_year_with_that_years_province(two_years):
    keys = _keys(_client(two_years, LIBRARY))
    assert {(y, "library", "bib-0002") for y in (OLD, NEW)} <= keys
    assert (OLD, "province", "PV21") in keys
    assert (NEW, "province", "PV20") in keys
    assert (OLD, "province", "PV20") not in keys
    assert (NEW, "province", "PV21") not in keys


def test_the_poi_of_each_year_sees_the_library_in_that_year(two_years):
    groningen = _keys(_client(two_years, GRONINGEN_POI))
    fryslan = _keys(_client(two_years, FRYSLAN_POI))
    assert (NEW, "library", "bib-0002") in groningen
    assert (OLD, "library", "bib-0002") not in groningen
    assert (OLD, "library", "bib-0002") in fryslan
    assert (NEW, "library", "bib-0002") not in fryslan


def test_a_library_new_in_a_year_has_no_earlier_figures(two_years):
    client = _client(two_years, LIMBURG)
    keys = _keys(client)
    assert (NEW, "library", "bib-0135") in keys
    assert not any(k[0] == OLD and k[1] in ("library", "province", "size_class") for k in keys)
    page = client.get("/cijfers").get_data(as_text=True)
    assert "Eerdere jaren" not in page
    older = client.get(f"/cijfers?jaar={OLD}")  # only the country's figures of that year
    assert older.status_code == 200
    assert "Cijfers: Nederland" in older.get_data(as_text=True)
    assert "Maasvallei" not in older.get_data(as_text=True).split("</h1>")[1]
    assert client.get(f"/cijfers?jaar={OLD}&entiteit=library:bib-0135").status_code == 404


def test_earlier_years_beside_each_other(two_years):
    client = _client(two_years, LIBRARY)
    page = client.get("/cijfers").get_data(as_text=True)
    assert f"Schooljaar {NEW}" in page  # the latest year first
    assert "Eerdere jaren: Bibliotheek Regio Westerkwartier" in page
    assert f'<th scope="col">{OLD}</th><th scope="col">{NEW}</th>' in page
    older = client.get(f"/cijfers?jaar={OLD}").get_data(as_text=True)
    assert "Fryslân" in older
    assert "Groningen" not in older.split("<table>")[1]
