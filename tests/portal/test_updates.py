"""Changed data (review of issue 15, finding 3): a change in the data never widens or keeps
access silently. When changed data cannot be read, for whatever reason, every account that comes
from the data is closed (sessions end, no login mail) until it reads again; staff keep access
and see why; every page says the portal is being updated; the audit log records it, once. A
removed contact stays out once the data read again.
"""

from __future__ import annotations

import shutil

import pytest
from editions import SAMPLE
from portaltest import Portal, confirm, link_in, request_link, settings_for

from infographics.edition.manifest import read_manifest
from infographics.portal import catalog as catalog_module
from infographics.portal.catalog import file_id

REMOVED = "y.devries@bibliotheek-regio-westerkwartier.example.org"  # bib-0002
KEPT = "f.degroot@bibliotheek-hogeland.example.org"
STAFF = "medewerker@kb.example.org"
UPDATING = "Het portaal wordt bijgewerkt"


@pytest.fixture
def changing(portal_edition, tmp_path):
    """A portal over a private copy of the sample data (checked on every request), with a
    logged-in contact, a logged-in staff member and the contact's own page."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    portal = Portal(settings_for(portal_edition, tmp_path, data=data, reload_seconds=0))
    portal.store.add_staff(STAFF, "Medewerker KB")
    contact, staff = portal.client("192.0.2.1"), portal.client("192.0.2.2")
    portal.session(contact, REMOVED)
    portal.session(staff, STAFF)
    page = next(e for e in read_manifest(portal_edition).values()
                if e.level == "library" and e.entity_id == "bib-0002")
    return portal, data, contact, staff, f"/bestand/{file_id(page.path)}"


def _remove_contact(data) -> None:
    path = data / "contacts.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if REMOVED not in line), encoding="utf-8")


def _break_libraries(data) -> None:
    """An error unrelated to the contacts: a number that is no number."""
    path = data / "libraries.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",80260,", ",tachtigduizend,", 1), encoding="utf-8")


def test_a_removed_contact_loses_access_even_while_the_data_has_an_error(changing):
    portal, data, contact, staff, url = changing
    assert contact.get(url).status_code == 200
    _remove_contact(data)
    _break_libraries(data)
    assert contact.get(url).status_code == 404  # fail closed: not the old contacts
    page = contact.get("/").get_data(as_text=True)
    assert "Uitloggen" not in page
    assert UPDATING in page
    staff_page = staff.get("/").get_data(as_text=True)
    assert "Uitloggen" in staff_page  # staff keep access, and see why
    assert "tachtigduizend" in staff_page
    assert staff.get(url).status_code == 200
    assert "tachtigduizend" not in page  # the reason is for staff only
    # no contact can ask for a link meanwhile, the removed one nor any other
    request_link(portal.client("192.0.2.3"), REMOVED)
    request_link(portal.client("192.0.2.4"), KEPT)
    assert portal.mails() == []
    request_link(portal.client("192.0.2.5"), STAFF)
    assert [m["To"] for m in portal.mails()] == [STAFF]
    rows = [r for r in portal.store.audit() if r.event == "gegevens"]
    assert len(rows) == 1  # audited once, not per request
    assert "contactpersonen kunnen niet inloggen" in rows[0].detail
    details = {r.account: r.detail for r in portal.store.audit() if r.event == "login-aanvraag"}
    assert "bijgewerkt" in details[KEPT]


def test_once_the_data_reads_again_only_the_remaining_contacts_come_back(changing):
    portal, data, contact, _, url = changing
    _remove_contact(data)
    _break_libraries(data)
    assert contact.get(url).status_code == 404
    shutil.copy(SAMPLE / "libraries.csv", data / "libraries.csv")  # fixed; contact still gone
    assert UPDATING not in contact.get("/").get_data(as_text=True)
    request_link(portal.client("192.0.2.3"), REMOVED)
    assert portal.mails() == []
    kept = portal.client("192.0.2.4")
    request_link(kept, KEPT)
    assert confirm(kept, link_in(portal.mails()[-1])).status_code == 303
    events = [r.detail for r in reversed(portal.store.audit()) if r.event == "gegevens"]
    assert len(events) == 2
    assert events[1].startswith("gegevens weer gelezen")


def test_any_error_while_reading_fails_closed(changing, monkeypatch):
    """Not only the errors the reader expects: whatever goes wrong, no old contact is kept."""
    portal, data, contact, _, url = changing

    def broken(settings):
        raise RuntimeError("schijf weg")

    monkeypatch.setattr(catalog_module, "load_data", broken)
    (data / "contacts.csv").write_bytes((SAMPLE / "contacts.csv").read_bytes() + b"\n")
    assert contact.get(url).status_code == 404
    assert UPDATING in contact.get("/").get_data(as_text=True)


def test_changed_data_applies_even_when_the_manifest_is_broken(portal_edition, tmp_path):
    """A broken manifest keeps the last good list of files, but never the old contacts."""
    out, data = tmp_path / "out", tmp_path / "data"
    shutil.copytree(portal_edition, out)
    shutil.copytree(SAMPLE, data)
    portal = Portal(settings_for(out, tmp_path, data=data, reload_seconds=0))
    contact = portal.client()
    portal.session(contact, REMOVED)
    page = next(e for e in read_manifest(out).values()
                if e.level == "library" and e.entity_id == "bib-0002")
    url = f"/bestand/{file_id(page.path)}"
    assert contact.get(url).status_code == 200
    (out / "manifest.csv").write_text("school_year,subject,level,entity_id,entity_name,"
                                      "library_id,path,sha256,pages\n"
                                      "2020-2021,po,national,NL,x,,../../etc/passwd,x,1\n",
                                      encoding="utf-8")
    _remove_contact(data)
    assert contact.get(url).status_code == 404
    assert "Uitloggen" not in contact.get("/").get_data(as_text=True)
    staff = portal.client()
    portal.store.add_staff(STAFF)
    portal.session(staff, STAFF)
    assert staff.get(url).status_code == 200  # the last good files are still served
