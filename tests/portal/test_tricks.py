"""Path traversal and id tricks in every parameter (issue 15, item 5 and tests): file ids,
thumbnail ids, figure entities and years, audit dates and login tokens are looked up, never
joined into a path; a file whose sha256 no longer matches its manifest row, or that is
missing, is not served; no static folder serves the edition; the catalog follows a rebuild.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from urllib.parse import quote

import pytest
from editions import SAMPLE
from portaltest import Portal, settings_for

from infographics.edition.manifest import read_manifest
from infographics.portal import files
from infographics.portal.catalog import Editions, file_id

STAFF = "medewerker@kb.example.org"
LIBRARY = "y.devries@bibliotheek-regio-westerkwartier.example.org"

TRICKS = [
    "../manifest.csv", "..%2Fmanifest.csv", "..%252Fmanifest.csv", "%2e%2e/manifest.csv",
    "....//manifest.csv", "/etc/passwd", "%2Fetc%2Fpasswd", "manifest.csv", ".", "..",
    "po/landelijk/po-2020-2021-nederland.pdf", "po%2Flandelijk%2Fpo-2020-2021-nederland.pdf",
    "..\\..\\manifest.csv", "%00", "abc%00def", "A" * 5000, "<script>alert(1)</script>",
    "0" * 23, "0" * 25, "' OR '1'='1", "%C0%AE%C0%AE%2F", "~root", "preview/index.html",
]


@pytest.fixture
def staff(portal):
    portal.store.add_staff(STAFF)
    client = portal.client()
    portal.session(client, STAFF)
    return client


def _not_served(answer) -> None:
    assert answer.status_code in (400, 404, 405), answer.status_code
    assert b"%PDF" not in answer.data
    assert b"school_year" not in answer.data
    assert b"root:" not in answer.data


@pytest.mark.parametrize("trick", TRICKS)
def test_file_and_thumbnail_ids(staff, trick):
    """Even staff, who may open every file, get nothing but catalog files by id."""
    for url in (f"/bestand/{trick}", f"/bestand/{trick}?download=1", f"/miniatuur/{trick}.png",
                f"/miniatuur/{trick}", f"/bestand/{quote(trick, safe='')}"):
        _not_served(staff.get(url))


def test_manifest_path_is_no_id(staff, portal_edition):
    entry = next(iter(read_manifest(portal_edition).values()))
    assert staff.get(f"/bestand/{entry.path}").status_code == 404
    assert staff.get(f"/bestand/{file_id(entry.path)}").status_code == 200


def test_no_static_route_to_the_edition(staff, portal):
    for url in ("/static/../manifest.csv", "/static/%2e%2e/manifest.csv", "/output/manifest.csv",
                "/manifest.csv", "/po/landelijk/po-2020-2021-nederland.pdf",
                "/static/../../../data/sample/contacts.csv", "/preview/index.html"):
        _not_served(staff.get(url))
    assert staff.get("/static/portaal.css").status_code == 200
    rules = {r.rule for r in portal.app.url_map.iter_rules()}
    assert rules == {"/static/<path:filename>", "/", "/bestand/<file_id>",
                     "/miniatuur/<file_id>.png", "/audit", "/audit.csv", "/cijfers",
                     "/cijfers.csv", "/login", "/login/bevestigen", "/logout"}


@pytest.mark.parametrize("trick", [*TRICKS, "library:../../etc", "library:", ":bib-0002",
                                   "library:bib-0002:x", "size_class:50k-100k",
                                   "library:BIB-0002", " library:bib-0002"])
def test_figure_entity_parameter(portal, trick):
    client = portal.client()
    portal.session(client, LIBRARY)
    assert client.get("/cijfers?entiteit=library:bib-0002").status_code == 200
    assert client.get(f"/cijfers?entiteit={quote(trick, safe='')}").status_code == 404


def _absent_years() -> list[str]:
    """Well-formed years the sample has no figures for: the school year after its last and the
    calendar year before its first (the sample holds several of each)."""
    with (SAMPLE / "libraries.csv").open(encoding="utf-8-sig", newline="") as fh:
        school = {r["school_year"] for r in csv.DictReader(fh)}
    with (SAMPLE / "network.csv").open(encoding="utf-8-sig", newline="") as fh:
        calendar = {r["year"] for r in csv.DictReader(fh)}
    last = int(max(school)[:4]) + 1
    return [f"{last}-{last + 1}", str(int(min(calendar)) - 1)]


@pytest.mark.parametrize("year", [*_absent_years(), "../2020-2021", "2020-2021%00", "", "x" * 300])
def test_year_parameter(portal, year):
    client = portal.client()
    portal.session(client, LIBRARY)
    assert client.get("/cijfers?jaar=2020-2021").status_code == 200  # a year it has
    assert client.get("/cijfers.csv?jaar=2020-2021").status_code == 200
    assert client.get(f"/cijfers?jaar={quote(year)}").status_code == 404
    assert client.get(f"/cijfers.csv?jaar={quote(year)}").status_code == 404


@pytest.mark.parametrize("since", ["gisteren", "2021-13-01", "'; DROP TABLE audit; --",
                                   "../../etc", "2021-02-30"])
def test_audit_date_parameter(staff, portal, since):
    assert staff.get(f"/audit?sinds={quote(since)}").status_code == 400
    assert staff.get(f"/audit.csv?sinds={quote(since)}").status_code == 400
    assert staff.get("/audit?sinds=2021-01-01").status_code == 200
    assert portal.store.audit() is not None  # the table is still there


@pytest.mark.parametrize("token", ["../../etc/passwd", "%00", "A" * 43 + "/", "<b>x</b>",
                                   "A" * 10000])
def test_token_parameter(portal, token):
    client = portal.client()
    page = client.get(f"/login/bevestigen?token={quote(token)}")
    assert page.status_code == 200
    assert 'name="token"' not in page.get_data(as_text=True)


def test_big_form_refused(portal):
    client = portal.client()
    assert client.post("/login", data={"email": "x" * 100_000}).status_code == 413


@pytest.fixture
def own_edition(portal_edition, tmp_path):
    """A private copy of the edition (these tests change files in it) and its portal."""
    out = tmp_path / "out"
    shutil.copytree(portal_edition, out)
    portal = Portal(settings_for(out, tmp_path, reload_seconds=0))
    portal.store.add_staff(STAFF)
    client = portal.client()
    portal.session(client, STAFF)
    return out, portal, client


def test_changed_file_is_not_served(own_edition):
    out, portal, client = own_edition
    entry = next(e for e in read_manifest(out).values() if e.level == "library")
    url = f"/bestand/{file_id(entry.path)}"
    assert client.get(url).status_code == 200
    path = out / entry.path
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Bibliotheek", b"Bibliotheex", 1))
    assert client.get(url).status_code == 503
    assert client.get(f"/miniatuur/{file_id(entry.path)}.png").status_code == 404
    assert portal.store.audit(limit=1)[0].detail == "ontbreekt of sha256 wijkt af"
    path.write_bytes(data)  # back as built: served again
    assert client.get(url).status_code == 200


def test_missing_file_and_replaced_by_a_link(own_edition):
    out, _, client = own_edition
    pages = [e for e in read_manifest(out).values() if e.level == "province"]
    (out / pages[0].path).unlink()
    assert client.get(f"/bestand/{file_id(pages[0].path)}").status_code == 503
    target = out / pages[1].path
    target.unlink()
    target.symlink_to("/etc/passwd")
    answer = client.get(f"/bestand/{file_id(pages[1].path)}")
    assert answer.status_code == 503
    assert b"root:" not in answer.data


def test_catalog_follows_a_rebuild(own_edition):
    """A file removed from the manifest is gone from the portal; one added appears."""
    out, portal, client = own_edition
    manifest = (out / "manifest.csv").read_text(encoding="utf-8")
    lines = manifest.splitlines(keepends=True)
    removed = next(line for line in lines if "/lokaal/" in line)
    path = removed.split(",")[6]
    url = f"/bestand/{file_id(path)}"
    assert client.get(url).status_code == 200
    (out / "manifest.csv").write_text("".join(line for line in lines if line != removed),
                                      encoding="utf-8")
    assert client.get(url).status_code == 404
    assert file_id(path) not in client.get("/").get_data(as_text=True)


def test_a_broken_manifest_keeps_the_last_good_one(own_edition):
    out, portal, client = own_edition
    entry = next(iter(read_manifest(out).values()))
    (out / "manifest.csv").write_text("school_year,subject,level,entity_id,entity_name,"
                                      "library_id,path,sha256,pages\n"
                                      "2020-2021,po,national,NL,x,,../../etc/passwd,x,1\n",
                                      encoding="utf-8")
    assert client.get(f"/bestand/{file_id(entry.path)}").status_code == 200
    assert client.get(f"/bestand/{file_id('../../etc/passwd')}").status_code == 404


def test_editions_reload_only_on_change(portal_edition, tmp_path):
    editions = Editions(settings_for(portal_edition, tmp_path, reload_seconds=0))
    first = editions.current()
    assert editions.current() is first  # nothing changed: the same snapshot


class _RewriteAfterHashing:
    """`hashlib` for the file check whose sha256, once its digest is taken, rewrites the file
    in place: a writer that changes a file between its check and its serving."""

    def __init__(self, path, data: bytes):
        self.path, self.data = path, data

    def sha256(self, *args):
        digest = hashlib.sha256(*args)
        rewrite = self

        class Hash:
            def update(self, block):
                digest.update(block)

            def hexdigest(self):
                found = digest.hexdigest()
                with rewrite.path.open("r+b") as fh:  # the same file (inode), other bytes
                    fh.write(rewrite.data)
                return found

        return Hash()


def test_the_bytes_served_are_the_bytes_checked(own_edition, monkeypatch):
    """A file rewritten right after its sha256 was checked is not served with its new bytes:
    the portal sends the very bytes it hashed."""
    out, _, client = own_edition
    entry = next(e for e in read_manifest(out).values() if e.level == "library")
    path = out / entry.path
    built = path.read_bytes()
    changed = built.replace(b"Bibliotheek", b"Bibliotheex", 1)
    assert changed != built
    assert len(changed) == len(built)
    monkeypatch.setattr(files, "hashlib", _RewriteAfterHashing(path, changed))
    answer = client.get(f"/bestand/{file_id(entry.path)}")
    assert path.read_bytes() == changed  # the file did change between check and serving
    assert answer.status_code == 200
    assert answer.data == built
    assert answer.content_length == len(built)
