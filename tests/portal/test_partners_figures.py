"""The partners figures in the portal's figures view (calendar years beside the school years):
a calendar year shows only the partners block, under its Dutch subject title, with the mean
number of partners to one decimal; a school year shows no partners block; the earlier years put
the calendar years in a table of their own. Who sees which partners figures follows
network.csv's library and province of that calendar year (a library its own, a POI its
provinces' libraries). Expected figures are computed here from the CSVs.
"""

from __future__ import annotations

import csv
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from editions import SAMPLE

LIBRARY = "y.devries@bibliotheek-regio-westerkwartier.example.org"  # bib-0002
OWN = "bib-0002"
POI = "k.bos@rijnbrink.example.org"  # Rijnbrink: Gelderland and Overijssel
TITLE = "Bibliotheken en samenwerking"


def _rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


NETWORK = _rows("network.csv")
CALENDAR_YEARS = sorted({r["year"] for r in NETWORK})
PROVINCE_POI = {r["province"]: r["poi_id"] for r in _rows("provinces.csv")}


def mean_text(rows: list[dict[str, str]]) -> str:
    """The mean of the known partners totals of the responders, as '15,8'."""
    totals = [int(r["partners_total"]) for r in rows
              if r["responded"] == "ja" and r["partners_total"] != ""]
    mean = Decimal(sum(totals)) / Decimal(len(totals))
    return str(mean.quantize(Decimal("0.1"), ROUND_HALF_UP)).replace(".", ",").removesuffix(",0")


def _client(portal, address):
    client = portal.client()
    portal.session(client, address)
    return client


def _row(page: str, label_start: str) -> list[str]:
    """The cell texts (without their N) of the first row whose label starts with
    `label_start`."""
    found = re.search(r'<tr><th scope="row">' + re.escape(label_start) + r'[^<]*</th>(.*?)</tr>',
                      page, re.S)
    assert found, label_start
    return re.findall(r"<td>([^<]*)", found.group(1))


def test_a_calendar_year_shows_the_partners_block_with_a_mean_to_one_decimal(portal):
    year = next(y for y in CALENDAR_YEARS if mean_text([r for r in NETWORK if r["year"] == y])
                [-1] != "0")  # a year whose national mean is no whole number
    answer = _client(portal, LIBRARY).get(f"/cijfers?jaar={year}")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert f"Kalenderjaar {year}" in page
    assert f"<h2>{TITLE}</h2>" in page
    assert "<h2>Primair onderwijs</h2>" not in page  # a calendar year has no PO or VO figures
    assert "<h2>Voortgezet onderwijs</h2>" not in page
    rows = [r for r in NETWORK if r["year"] == year]
    own = next(r for r in rows if r["library_id"] == OWN)
    province = [r for r in rows if r["province"] == own["province"]]
    cells = _row(page, "gemiddeld aantal")
    assert cells[0] == mean_text([own])  # the library itself: 16,0
    assert mean_text(province) in cells
    assert cells[-1] == mean_text(rows)  # the country, e.g. 15,8


def test_a_school_year_shows_no_partners_block(portal):
    page = _client(portal, LIBRARY).get("/cijfers?jaar=2020-2021").get_data(as_text=True)
    assert "<h2>Primair onderwijs</h2>" in page
    assert f"<h2>{TITLE}</h2>" not in page


def test_earlier_years_of_the_partners_per_calendar_year(portal):
    page = _client(portal, LIBRARY).get("/cijfers").get_data(as_text=True)
    earlier = page.split("Eerdere jaren")[1]
    assert f"<h3>{TITLE}</h3>" in earlier
    table = earlier.split(f"<h3>{TITLE}</h3>")[1].split("</table>")[0]
    assert f"{TITLE}, Bibliotheek Regio Westerkwartier per kalenderjaar" in table
    own = [r["year"] for r in NETWORK if r["library_id"] == OWN]
    assert re.findall(r'<th scope="col">([^<]+)</th>', table) == ["Indicator", *own]
    assert _row(table, "gemiddeld aantal") == [
        mean_text([r for r in NETWORK if r["year"] == y and r["library_id"] == OWN])
        for y in own]


@pytest.mark.parametrize("year", CALENDAR_YEARS)
def test_who_sees_which_partners_figures(portal, year):
    rows = {r["library_id"]: r for r in NETWORK if r["year"] == year}
    library = _client(portal, LIBRARY)
    poi = _client(portal, POI)
    ours = {i for i, r in rows.items() if PROVINCE_POI[r["province"]] == "rijnbrink"}
    assert ours
    for ident in sorted(rows)[:40] + sorted(ours):
        url = f"/cijfers?jaar={year}&entiteit=library:{ident}"
        assert library.get(url).status_code == (200 if ident == OWN else 404), url
        assert poi.get(url).status_code == (200 if ident in ours else 404), url
    province = rows[OWN]["province"]
    assert library.get(f"/cijfers?jaar={year}&entiteit=province:{province}").status_code == 200
    others = sorted({r["province"] for r in rows.values()} - {province})
    assert library.get(f"/cijfers?jaar={year}&entiteit=province:{others[0]}").status_code == 404
