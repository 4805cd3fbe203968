"""HTML in names is text, everywhere (issue 15, tests): a library, its province and its POI
named with markup show as that markup's text on every page of every account that sees them,
never as markup; what a user types is escaped too.
"""

from __future__ import annotations

import csv
import shutil

import pytest
from editions import SAMPLE
from markupsafe import escape
from portaltest import Portal, csrf, settings_for

from infographics.edition.build import build_edition, load_context
from infographics.edition.plan import plan
from infographics.levels import PAGE_LEVELS, SUBJECTS

EVIL = '<script>alert("bieb")</script><b onmouseover=x>Bieb & Co</b>'
EVIL_PROVINCE = '<img src=x onerror=alert(1)>Groningen'
EVIL_POI = '<iframe src="//evil">POI'
LIBRARY = "y.devries@bibliotheek-regio-westerkwartier.example.org"  # bib-0002
POI = "l.postma@biblionet-groningen.example.org"
STAFF = "medewerker@kb.example.org"


def _rewrite(path, column, key, value, match) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        fields = reader.fieldnames
    for row in rows:
        if row[key] == match:
            row[column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    """Sample data with markup in a library's, its province's and its POI's names, and the
    pages of that library, its province and the country built from it."""
    root = tmp_path_factory.mktemp("escaping")
    data = root / "data"
    shutil.copytree(SAMPLE, data)
    _rewrite(data / "libraries.csv", "library_name", "library_id", EVIL, "bib-0002")
    _rewrite(data / "provinces.csv", "province_name", "province", EVIL_PROVINCE, "PV20")
    _rewrite(data / "pois.csv", "poi_name", "poi_id", EVIL_POI, "biblionet-groningen")
    ctx = load_context(data)
    jobs = plan(ctx.figures, SUBJECTS, PAGE_LEVELS, only=["NL", "PV20", "bib-0002"])
    out = root / "out"
    result = build_edition(jobs, data, out, ctx=ctx, check=False)
    assert not result.failed
    portal = Portal(settings_for(out, root, data=data))
    portal.store.add_staff(STAFF)
    return portal


def _pages(portal, address):
    client = portal.client()
    portal.session(client, address)
    urls = ["/", "/cijfers", "/cijfers?entiteit=library:bib-0002",
            "/cijfers?entiteit=province:PV20", "/audit"]
    if address == POI:
        urls.append("/cijfers?entiteit=poi:biblionet-groningen")
    return {url: client.get(url) for url in urls}


@pytest.mark.parametrize("address", [LIBRARY, POI, STAFF])
def test_names_are_escaped_on_every_page(evil, address):
    shown = set()
    for url, answer in _pages(evil, address).items():
        if answer.status_code != 200:
            continue
        text = answer.get_data(as_text=True)
        for name in (EVIL, EVIL_PROVINCE, EVIL_POI):
            assert name not in text, f"{url}: {name} staat er als HTML"
            if str(escape(name)) in text:
                shown.add(name)
        assert "<script" not in text
        assert "<iframe" not in text
        assert "<img src=x" not in text
    assert EVIL in shown
    assert EVIL_PROVINCE in shown


def test_names_in_the_figures_csv_are_data(evil):
    client = evil.client()
    evil.session(client, LIBRARY)
    text = client.get("/cijfers.csv").data.decode("utf-8-sig")
    assert EVIL in next(csv.reader([line for line in text.splitlines() if "bib-0002" in line]))


def test_typed_address_is_escaped(evil):
    client = evil.client()
    page = client.get("/login").get_data(as_text=True)
    typed = '"><script>alert(1)</script>'
    answer = client.post("/login", data={"email": typed, "csrf_token": csrf(page)})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert typed not in text
    assert str(escape(typed)) in text


def test_formula_in_a_csv_cell_is_defused(evil):
    """A name a spreadsheet would run as a formula is written as text."""
    from infographics.portal.csvout import csv_text

    text = csv_text(["naam", "getal"], [["=HYPERLINK(\"x\")", -3], ["+1", 2.5]])
    assert "'=HYPERLINK" in text
    assert "'+1" in text
    assert ",-3" in text
