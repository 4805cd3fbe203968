"""Refusals (review of issue 15, finding 4): a file id that does not exist and one the viewer may
not have are refused alike, with the same work (one audited refusal, the same 404), so neither
the answer nor its time says whether a file exists; what anonymous visitors can make the portal
write is bounded by a refusal budget per client (429 beyond it, nothing written); a HEAD request
is never logged as a view.
"""

from __future__ import annotations

import re

from portaltest import Portal, csrf, settings_for

from infographics.edition.manifest import read_manifest
from infographics.portal.catalog import file_id
from infographics.portal.settings import Limits

LIBRARY = "y.devries@bibliotheek-regio-westerkwartier.example.org"  # bib-0002
STAFF = "medewerker@kb.example.org"
MISSING = "0" * 24
TOKEN = re.compile(rb'name="csrf_token" value="[^"]+"')


def _sql(statements: list[str]) -> list[str]:
    """SQL statements without their values."""
    return [re.sub(r"'[^']*'|\b\d+\b", "?", s) for s in statements]


def _own_and_other(out):
    """A page bib-0002 may open, and one of another library it may not."""
    entries = list(read_manifest(out).values())
    own = next(e for e in entries if e.level == "library" and e.entity_id == "bib-0002")
    other = next(e for e in entries if e.level == "library" and e.entity_id != "bib-0002")
    return own, other


def test_unknown_and_forbidden_ids_are_refused_alike(portal):
    _, other = _own_and_other(portal.settings.out)
    client = portal.client("198.51.100.4")
    portal.session(client, LIBRARY)
    client.get("/")  # the session is looked up once before we listen
    statements: list[str] = []
    work = {}
    portal.store._db().set_trace_callback(statements.append)  # requests run in this thread
    for name, ident in (("bestaat niet", MISSING), ("geen recht", file_id(other.path))):
        for url in (f"/bestand/{ident}", f"/bestand/{ident}?download=1",
                    f"/miniatuur/{ident}.png"):
            statements.clear()
            answer = client.get(url)
            work[name, url.replace(ident, "ID")] = (answer.status_code,
                                                    TOKEN.sub(b"", answer.data),
                                                    tuple(_sql(statements)))
    portal.store._db().set_trace_callback(None)
    for url in ("/bestand/ID", "/bestand/ID?download=1", "/miniatuur/ID.png"):
        assert work["bestaat niet", url] == work["geen recht", url], url
        assert work["geen recht", url][0] == 404
        assert any("INSERT INTO audit" in s for s in work["geen recht", url][2])
    rows = [r for r in portal.store.audit() if r.event == "geweigerd"]
    assert len(rows) == 6
    assert {r.file for r in rows} == {"", other.path}  # the staff see which file was asked for
    assert {r.client for r in rows} == {"198.51.100.4"}


def test_refusals_are_limited_per_client(portal_edition, editions, tmp_path):
    portal = Portal(settings_for(portal_edition, tmp_path,
                                 limits=Limits(refusals_per_client="3 per minute")), editions)
    own, other = _own_and_other(portal_edition)
    client = portal.client("203.0.113.7")
    portal.session(client, LIBRARY)
    ids = [MISSING, file_id(other.path)] * 3
    answers = [client.get(f"/bestand/{ident}").status_code for ident in ids]
    assert answers == [404, 404, 404, 429, 429, 429]  # the same for unknown and forbidden
    assert len([r for r in portal.store.audit() if r.event == "geweigerd"]) == 3
    assert client.get(f"/bestand/{file_id(own.path)}").status_code == 200  # its own files still
    anonymous = portal.client("203.0.113.8")  # another client has its own budget
    assert anonymous.get(f"/bestand/{MISSING}").status_code == 404
    assert len([r for r in portal.store.audit() if r.event == "geweigerd"]) == 4


def test_too_many_login_requests_are_audited_within_the_budget(portal_edition, editions,
                                                               tmp_path):
    limits = Limits(login_per_client="2 per minute", refusals_per_client="3 per minute")
    portal = Portal(settings_for(portal_edition, tmp_path, limits=limits), editions)
    client = portal.client("203.0.113.9")
    page = client.get("/login").get_data(as_text=True)
    answers = [client.post("/login", data={"email": f"p{i}@elders.example.org",
                                           "csrf_token": csrf(page)}).status_code
               for i in range(10)]
    assert answers == [200, 200] + [429] * 8
    portal.settle()
    details = [r.detail for r in portal.store.audit()]
    assert details.count("te veel aanvragen") == 3
    assert details.count("geen account") == 2


def test_head_is_not_logged_as_a_view(portal):
    own, _ = _own_and_other(portal.settings.out)
    portal.store.add_staff(STAFF)
    client = portal.client()
    portal.session(client, STAFF)
    url = f"/bestand/{file_id(own.path)}"
    for head in (url, url + "?download=1", "/cijfers", "/cijfers.csv", "/audit.csv"):
        answer = client.head(head)
        assert answer.status_code == 200, head
    assert client.head(url).content_length == (portal.settings.out / own.path).stat().st_size
    assert portal.store.audit() == []
    client.get(url)
    assert [r.event for r in portal.store.audit()] == ["bekeken"]
