"""The authorization matrix (issue 15, tests): every route of the portal, for the public, two
libraries in different provinces, a POI with two provinces, the national contacts, staff and a
disabled account, and every file of a built edition (the small sample edition with its POI
bundles). Allowed files are served (the very bytes of the manifest), all others refused with the
same 404 as a file that does not exist.

The edition has the PO/VO pages of a school year and the partners pages of a calendar year; the
figures every year of the data. The expected answers are computed here from the CSVs
(libraries.province per school year, network.province per calendar year, provinces.poi_id,
school_locations.library_id, the inhabitants), not through `Entitlements` or the portal.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import pytest
from editions import SAMPLE
from portaltest import Portal, settings_for

from infographics.delivery.mailplan import contacts_from_table, plan_mail
from infographics.delivery.send import load_tables
from infographics.edition.entitlement import Entitlements
from infographics.edition.manifest import read_manifest
from infographics.portal.catalog import file_id
from infographics.portal.settings import Limits

YEAR = "2020-2021"


def rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


PROVINCE_POI = {r["province"]: r["poi_id"] for r in rows("provinces.csv")}
SCHOOL_LIBRARY = {r["location_id"]: r["library_id"] for r in rows("school_locations.csv")
                  if r["school_year"] == YEAR}
POIS = [r["poi_id"] for r in rows("pois.csv")]
BOUNDS = [(30000, "tot-30k"), (50000, "30k-50k"), (100000, "50k-100k"), (200000, "100k-200k")]

# name -> (kind, entity id, address); kind None: the public
ACCOUNTS: dict[str, tuple[str | None, str, str]] = {
    "publiek": (None, "", ""),
    "bibliotheek-groningen": ("library", "bib-0002",
                              "y.devries@bibliotheek-regio-westerkwartier.example.org"),
    "bibliotheek-limburg": ("library", "bib-0135",
                            "s.dewit@bibliotheek-maasvallei-centraal.example.org"),
    "poi-rijnbrink": ("poi", "rijnbrink", "k.bos@rijnbrink.example.org"),
    "landelijk": ("national", "", "bibliotheekmonitor@kb.example.org"),
    "medewerker": ("staff", "", "medewerker@kb.example.org"),
    "uitgeschakeld": ("disabled", "bib-0009", "h.jansen@bibliotheek-waadkust-centraal.example.org"),
}


# every edition's libraries (year, library id) -> (province, inhabitants): libraries.csv per
# school year (PO/VO), network.csv per calendar year (partners), as the figures have them
EDITION_LIBRARIES = {
    **{(r["school_year"], r["library_id"]): (r["province"], r["inhabitants"])
       for r in rows("libraries.csv")},
    **{(r["year"], r["library_id"]): (r["province"], r["inhabitants"])
       for r in rows("network.csv")},
}
EDITIONS = sorted({y for y, _ in EDITION_LIBRARIES})
CALENDAR = max(r["year"] for r in rows("network.csv"))  # the portal edition's partners year


def size_class(year: str, library_id: str) -> str:
    inhabitants = int(EDITION_LIBRARIES[(year, library_id)][1])
    return next((name for bound, name in BOUNDS if inhabitants < bound), "200k-plus")


def owner(row: dict[str, str]) -> str:
    """The library a local or school page belongs to, from the CSVs."""
    return row["entity_id"] if row["level"] == "library" else SCHOOL_LIBRARY[row["entity_id"]]


def allowed(account: str, row: dict[str, str]) -> bool:
    """Whether `account` may open the file of manifest `row`: by the library's province in the
    file's edition (a school year of libraries.csv, a calendar year of network.csv)."""
    kind, ident, _ = ACCOUNTS[account]
    level, year = row["level"], row["school_year"]
    if kind == "staff" or level == "national":
        return True  # staff see all; the national pages are public
    if kind not in ("library", "poi"):
        return False
    if level == "province":
        return (province_in(year, ident) == row["entity_id"] if kind == "library"
                else PROVINCE_POI[row["entity_id"]] == ident)
    if level in ("library", "school"):
        library = owner(row)
        return library == ident if kind == "library" else \
            PROVINCE_POI[province_in(year, library)] == ident
    return kind == "poi" and row["entity_id"] == ident  # bundle, print


def province_in(year: str, library_id: str) -> str | None:
    found = EDITION_LIBRARIES.get((year, library_id))
    return found[0] if found else None


def figure_keys(account: str) -> set[tuple[str, str, str]] | None:
    """(year, level, entity id) of the figure rows an account may see, in every edition of the
    data (each year with that year's provinces and libraries); None: everything."""
    kind, ident, _ = ACCOUNTS[account]
    if kind == "staff":
        return None
    keys = set()
    for year in EDITIONS:
        keys.add((year, "national", "NL"))
        province_of = {i: p for (y, i), (p, _) in EDITION_LIBRARIES.items() if y == year}
        libraries = []
        if kind == "library" and ident in province_of:
            libraries = [ident]
        elif kind == "poi":
            provinces = {p for p, poi in PROVINCE_POI.items() if poi == ident}
            keys |= {(year, "poi", ident)} | {(year, "province", p) for p in provinces}
            libraries = [i for i, p in province_of.items() if p in provinces]
        for library in libraries:
            keys |= {(year, "library", library), (year, "province", province_of[library]),
                     (year, "size_class", size_class(year, library))}
    return keys


@pytest.fixture(scope="module")
def matrix(portal_edition, editions, tmp_path_factory):
    """One portal for the whole matrix (its thumbnail cache is drawn once), a logged-in
    client per account, and the manifest rows."""
    # the matrix asks for thousands of refused files from one client: a refusal budget that
    # never runs out here (the budget itself is tested in test_refusals.py)
    limits = Limits(refusals_per_client="1000000 per minute")
    portal = Portal(settings_for(portal_edition, tmp_path_factory.mktemp("matrix"),
                                 limits=limits), editions)
    clients = {}
    for name, (kind, _, address) in ACCOUNTS.items():
        client = portal.client()
        if kind == "staff":
            portal.store.add_staff(address, "Medewerker KB")
        if kind is not None:
            portal.session(client, address)
        clients[name] = client
    portal.store.set_disabled(ACCOUNTS["uitgeschakeld"][2], True)  # after its session began
    with (portal_edition / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        manifest = list(csv.DictReader(fh))
    return portal, clients, manifest


def test_the_edition_has_every_kind_of_file(matrix):
    _, _, manifest = matrix
    levels = {r["level"] for r in manifest}
    assert levels == {"national", "province", "library", "school", "bundle", "print"}
    assert {r["subject"] for r in manifest} == {"po", "vo", "partners", "all"}
    assert {r["school_year"] for r in manifest} == {YEAR, CALENDAR}
    assert len(manifest) == 83 + 18 + 26 + 9  # PO/VO pages and bundles, partners and bundles


MISSING = "0" * 24
TOKEN = re.compile(rb'name="csrf_token" value="[^"]+"')


def masked(page: bytes) -> bytes:
    """A page without its CSRF token (signed with the time, so it differs every second)."""
    return TOKEN.sub(b"CSRF", page)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_every_file_route(matrix, account):
    portal, clients, manifest = matrix
    client = clients[account]
    refused = client.get(f"/bestand/{MISSING}")
    assert refused.status_code == 404
    served = 0
    for row in manifest:
        ident = file_id(row["path"])
        ok = allowed(account, row)
        pdf = row["path"].endswith(".pdf")
        routes = {f"/bestand/{ident}": ok, f"/bestand/{ident}?download=1": ok,
                  f"/miniatuur/{ident}.png": ok and pdf}
        for url, expected in routes.items():
            answer = client.get(url)
            where = f"{account} {url} ({row['path']})"
            if not expected:
                assert answer.status_code == 404, where
                assert masked(answer.data) == masked(refused.data), \
                    f"{where}: weigering verraadt het bestand"
                continue
            assert answer.status_code == 200, where
            if url.startswith("/bestand/"):
                assert hashlib.sha256(answer.data).hexdigest() == row["sha256"], where
                assert answer.content_length == len(answer.data), where
                disposition = answer.headers["Content-Disposition"]
                attached = "download=1" in url or not pdf
                assert disposition.startswith("attachment" if attached else "inline"), where
                assert Path(row["path"]).name in disposition
            else:
                assert answer.data.startswith(b"\x89PNG"), where
            served += 1
    expected_count = sum(allowed(account, r) for r in manifest)
    assert expected_count > 0
    assert served == sum(2 + r["path"].endswith(".pdf") for r in manifest if allowed(account, r))


LINKED = re.compile(r'href="/bestand/([0-9a-f]{24})"')


@pytest.mark.parametrize("account", ACCOUNTS)
def test_overview_lists_exactly_the_allowed_files(matrix, account):
    _, clients, manifest = matrix
    page = clients[account].get("/")
    assert page.status_code == 200
    linked = set(LINKED.findall(page.get_data(as_text=True)))
    assert linked == {file_id(r["path"]) for r in manifest if allowed(account, r)}


def test_the_accounts_see_what_they_should(matrix):
    """The matrix is not trivially true: each account sees a different, non-empty set."""
    _, _, manifest = matrix
    seen = {a: frozenset(r["path"] for r in manifest if allowed(a, r)) for a in ACCOUNTS}
    assert seen["publiek"] == seen["landelijk"] == seen["uitgeschakeld"]
    assert len(seen["publiek"]) == 3  # PO, VO and partners national pages
    assert len(seen["medewerker"]) == len(manifest)
    others = [seen[a] for a in ("bibliotheek-groningen", "bibliotheek-limburg", "poi-rijnbrink",
                                "publiek", "medewerker")]
    assert len(set(others)) == len(others)
    rijnbrink = {r["entity_id"] for r in manifest if r["path"] in seen["poi-rijnbrink"]
                 and r["level"] == "library"}
    assert rijnbrink == {"bib-0018", "bib-0019", "bib-0029"}  # both provinces
    partners = {(r["level"], r["entity_id"]) for r in manifest if r["subject"] == "partners"
                and r["path"] in seen["bibliotheek-groningen"]}
    assert partners == {("national", "NL"), ("province", province_in(CALENDAR, "bib-0002")),
                        ("library", "bib-0002")}  # its own partners page and its province's
    partners = {r["entity_id"] for r in manifest if r["subject"] == "partners"
                and r["path"] in seen["poi-rijnbrink"] and r["level"] == "library"}
    assert partners == {i for (y, i), (p, _) in EDITION_LIBRARIES.items()
                        if y == CALENDAR and PROVINCE_POI[p] == "rijnbrink"} & {
        r["entity_id"] for r in manifest if r["subject"] == "partners"}
    assert partners


def _csv_keys(data: bytes) -> set[tuple[str, str, str]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return {(r["school_year"], r["level"], r["entity_id"]) for r in reader}


@pytest.mark.parametrize("account", ACCOUNTS)
def test_figures_csv_has_exactly_the_allowed_rows(matrix, editions, account):
    _, clients, _ = matrix
    answer = clients[account].get("/cijfers.csv")
    keys = figure_keys(account)
    if ACCOUNTS[account][0] in (None, "disabled"):
        assert answer.status_code == 404
        return
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment")
    got = _csv_keys(answer.data)
    frame = editions.current().data.figures.export()
    every = set(zip(frame.school_year, frame.level, frame.entity_id, strict=True))
    if keys is None:
        assert got == every
    else:
        assert got == every & keys
    assert {k[0] for k in got} == set(EDITIONS)  # school years and the partners' calendar years
    text = answer.data.decode("utf-8-sig")
    per_key = frame[frame.level == "national"].groupby("school_year").size()  # indicators of
    assert text.count("\r\n") - 1 == sum(per_key[k[0]] for k in got)  # every key of its year
    for year in (YEAR, CALENDAR):
        one = clients[account].get(f"/cijfers.csv?jaar={year}")
        assert _csv_keys(one.data) == {k for k in got if k[0] == year}, year


def _entities(editions, year: str) -> list[tuple[str, str]]:
    figures = editions.current().data.figures
    found = [(e.level, e.id) for level in ("national", "province", "poi")
             for e in figures.entities(level, year)]
    return found + [("library", i) for i in ("bib-0002", "bib-0009", "bib-0018", "bib-0029",
                                              "bib-0135", "bib-0110", "bib-0001")]


@pytest.mark.parametrize("year", [YEAR, CALENDAR])
@pytest.mark.parametrize("account", ACCOUNTS)
def test_figures_page_for_every_entity(matrix, editions, account, year):
    _, clients, _ = matrix
    client = clients[account]
    keys = figure_keys(account)
    kind = ACCOUNTS[account][0]
    assert client.get("/cijfers").status_code == (404 if kind in (None, "disabled") else 200)
    seen = 0
    for level, ident in _entities(editions, year):
        answer = client.get(f"/cijfers?jaar={year}&entiteit={level}:{ident}")
        if kind in (None, "disabled"):
            expected = 404
        else:
            expected = 200 if keys is None or (year, level, ident) in keys else 404
        assert answer.status_code == expected, f"{account} {year} {level}:{ident}"
        seen += expected == 200
    assert seen > 0 or kind in (None, "disabled", "national")


def test_a_poi_beside_its_provinces(matrix):
    _, clients, _ = matrix
    page = clients["poi-rijnbrink"].get("/cijfers?entiteit=poi:rijnbrink").get_data(as_text=True)
    head = page.split("<thead>")[1].split("</thead>")[0]
    assert [h for h in re.findall(r'<th scope="col">([^<]+)</th>', head)] == [
        "Indicator", "Rijnbrink", "Gelderland", "Overijssel", "Nederland"]


@pytest.mark.parametrize("account", ACCOUNTS)
def test_audit_only_for_staff(matrix, account):
    _, clients, _ = matrix
    staff = ACCOUNTS[account][0] == "staff"
    for url in ("/audit", "/audit.csv", "/audit?sinds=2020-01-01"):
        assert clients[account].get(url).status_code == (200 if staff else 404), url


@pytest.mark.parametrize("account", ACCOUNTS)
def test_login_pages_for_everyone(matrix, account):
    _, clients, _ = matrix
    assert clients[account].get("/login").status_code == 200
    assert clients[account].get("/login/bevestigen?token=x").status_code == 200
    assert clients[account].get("/logout").status_code == 405  # only a POST logs out


def test_audit_records_views_and_downloads(matrix):
    portal, clients, manifest = matrix
    row = next(r for r in manifest if r["level"] == "library" and
               allowed("bibliotheek-groningen", r))
    client = clients["bibliotheek-groningen"]
    client.get(f"/bestand/{file_id(row['path'])}")
    client.get(f"/bestand/{file_id(row['path'])}?download=1")
    latest = portal.store.audit(limit=2)
    assert [(r.event, r.file, r.account) for r in latest] == [
        ("gedownload", row["path"], ACCOUNTS["bibliotheek-groningen"][2]),
        ("bekeken", row["path"], ACCOUNTS["bibliotheek-groningen"][2])]
    assert latest[0].client == "127.0.0.1"
    forbidden = next(r for r in manifest if not allowed("bibliotheek-groningen", r))
    client.get(f"/bestand/{file_id(forbidden['path'])}")
    assert portal.store.audit(limit=1)[0].event == "geweigerd"


def test_portal_and_mail_agree(portal_edition):
    """One rule, two channels: every file `send` would mail a contact is one the portal shows
    that contact, and the portal shows a contact nothing the CSV rules do not allow."""
    tables, _ = load_tables(SAMPLE)
    ents = Entitlements.from_tables(tables)
    manifest = read_manifest(portal_edition)
    contacts = contacts_from_table(tables.contacts)
    plans = plan_mail(manifest, contacts, ents, YEAR)
    assert plans
    portal_seen = _portal_sets(portal_edition, {c.address for p in plans for c in p.to})
    rows_by_path = {e.path: {"level": e.level, "entity_id": e.entity_id,
                             "school_year": e.school_year} for e in manifest.values()}
    for plan in plans:
        for contact in plan.to:
            seen = portal_seen[contact.address]
            assert {e.path for e in plan.entries()} <= seen, contact.address
            kind, ident = plan.recipient.kind, plan.recipient.entity_id
            ACCOUNTS["_"] = (kind, ident, contact.address)
            try:
                assert seen == {p for p, r in rows_by_path.items() if allowed("_", r)}
            finally:
                del ACCOUNTS["_"]


def _portal_sets(out: Path, addresses: set[str]) -> dict[str, set[str]]:
    """What the portal's overview links for each address (through a real app)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        portal = Portal(settings_for(out, Path(tmp)))
        by_id = {file_id(e.path): e.path for e in read_manifest(out).values()}
        found = {}
        for address in sorted(addresses):
            client = portal.client()
            portal.session(client, address)
            html = client.get("/").get_data(as_text=True)
            found[address] = {by_id[i] for i in LINKED.findall(html)}
        portal.store.close()
    return found
