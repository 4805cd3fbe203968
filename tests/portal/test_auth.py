"""Logging in by e-mail link (issue 15, item 3): the link works once, expires, is refused for a
disabled account or when tampered with, is not used by a GET, whose page names the account; the
answer to a login request, and the work the request does, is the same for known and unknown
addresses; requests are rate-limited per client, mails per address (never the answer, so nobody
is locked out); every form needs its CSRF token; sessions end on logout and on disabling;
nothing secret is logged or stored."""

from __future__ import annotations

import itertools
import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from limits import parse_many
from portaltest import Portal, confirm, csrf, link_in, login, request_link, settings_for

from infographics.portal.logins import LoginRequest
from infographics.portal.settings import Limits
from infographics.portal.state import EXTENSION

LIBRARY = "y.devries@bibliotheek-regio-westerkwartier.example.org"  # bib-0002
UNKNOWN = "niemand@elders.example.org"
DISABLED = "s.dewit@bibliotheek-maasvallei-centraal.example.org"  # bib-0135
OTHER = "f.degroot@bibliotheek-hogeland.example.org"
STAFF = "medewerker@kb.example.org"


def logged_in(client) -> bool:
    html = client.get("/").get_data(as_text=True)
    return "Uitloggen" in html


def test_login_through_the_mail(portal):
    client = portal.client()
    answer = login(portal, client, LIBRARY)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/"
    assert logged_in(client)
    mail = portal.mails()[-1]
    assert mail["To"] == LIBRARY
    assert mail["Subject"] == "Uw inloglink voor de Bibliotheekmonitor"
    assert "Beste Yasmina de Vries" in mail.get_body(("plain",)).get_content()
    assert "30 minuten" in mail.get_body(("plain",)).get_content()


def test_address_is_case_and_space_insensitive(portal):
    client = portal.client()
    assert login(portal, client, "  " + LIBRARY.upper() + " ").status_code == 303
    assert logged_in(client)


def test_get_of_the_link_does_not_log_in_or_use_it(portal):
    client = portal.client()
    request_link(client, LIBRARY)
    path = link_in(portal.mails()[-1])
    for _ in range(3):  # a mail scanner opening the link, several times
        page = client.get(path)
        assert page.status_code == 200
        assert 'action="/login/bevestigen"' in page.get_data(as_text=True)
    assert not logged_in(client)
    assert confirm(client, path).status_code == 303  # still usable
    assert logged_in(client)


def test_the_confirm_page_says_which_account_it_logs_into(portal):
    """The button's page names the address (escaped), so nobody presses it for an account
    that is not theirs; a used link's page names none."""
    address = "o'brien&co@kb.example.org"
    portal.store.add_staff(address)
    client = portal.client()
    request_link(client, address)
    path = link_in(portal.mails()[-1])
    html = client.get(path).get_data(as_text=True)
    assert 'U logt in als <strong class="address">o&#39;brien&amp;co@kb.example.org</strong>' \
        in html
    assert address not in html
    assert confirm(client, path).status_code == 303
    used = portal.client().get(path).get_data(as_text=True)
    assert "brien" not in used
    assert "U logt in als" not in used


def test_link_works_once(portal):
    first, second = portal.client(), portal.client()
    request_link(first, LIBRARY)
    path = link_in(portal.mails()[-1])
    assert confirm(first, path).status_code == 303
    again = confirm(second, path)
    assert again.status_code == 400
    assert "al gebruikt, verlopen" in again.get_data(as_text=True)
    assert not logged_in(second)
    # and the GET page says so too, without a button
    page = second.get(path).get_data(as_text=True)
    assert 'name="token"' not in page


def test_link_expires(portal_edition, editions, tmp_path):
    now = [datetime(2021, 3, 1, 12, 0, tzinfo=UTC)]
    portal = Portal(settings_for(portal_edition, tmp_path, link_minutes=30), editions)
    portal.store.clock = lambda: now[0]
    client = portal.client()
    request_link(client, LIBRARY)
    path = link_in(portal.mails()[-1])
    page = client.get(path).get_data(as_text=True)
    now[0] += timedelta(minutes=30, seconds=1)
    answer = client.post("/login/bevestigen", data={
        "token": path.split("token=")[1], "csrf_token": csrf(page)})
    assert answer.status_code == 400
    assert not logged_in(client)


def test_link_just_before_expiry_works(portal_edition, editions, tmp_path):
    now = [datetime(2021, 3, 1, 12, 0, tzinfo=UTC)]
    portal = Portal(settings_for(portal_edition, tmp_path), editions)
    portal.store.clock = lambda: now[0]
    client = portal.client()
    request_link(client, LIBRARY)
    path = link_in(portal.mails()[-1])
    now[0] += timedelta(minutes=29, seconds=59)
    assert confirm(client, path).status_code == 303


def test_link_of_an_account_disabled_afterwards(portal):
    client = portal.client()
    request_link(client, LIBRARY)
    path = link_in(portal.mails()[-1])
    portal.store.set_disabled(LIBRARY, True)
    answer = confirm(client, path)
    assert answer.status_code == 403
    assert not logged_in(client)
    rows = portal.store.audit()
    assert rows[0].event == "login-geweigerd"
    assert rows[0].account == LIBRARY


@pytest.mark.parametrize("change", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
    lambda t: t[:-1],  # shortened
    lambda t: t + "A",  # lengthened
    lambda t: t.upper(),
    lambda t: "",
    lambda t: "../" + t,
    lambda t: t + "%00",
])
def test_tampered_token(portal, change):
    client = portal.client()
    request_link(client, LIBRARY)
    token = link_in(portal.mails()[-1]).split("token=")[1]
    page = client.get("/login").get_data(as_text=True)
    answer = client.post("/login/bevestigen", data={"token": change(token),
                                                    "csrf_token": csrf(page)})
    assert answer.status_code == 400
    assert not logged_in(client)
    # the real token still works afterwards
    assert confirm(client, f"/login/bevestigen?token={token}").status_code == 303


def _answer(portal, address, client_address="127.0.0.1"):
    client = portal.client(client_address)
    response = request_link(client, address)
    return response.status_code, response.get_data(as_text=True).replace(address, "ADRES")


def test_same_answer_for_known_and_unknown_addresses(portal):
    portal.store.set_disabled(DISABLED, True)
    known = _answer(portal, LIBRARY)
    unknown = _answer(portal, UNKNOWN)
    disabled = _answer(portal, DISABLED)
    assert known == unknown == disabled
    assert known[0] == 200
    assert [m["To"] for m in portal.mails()] == [LIBRARY]  # only the known one gets a mail
    details = {r.account: r.detail for r in portal.store.audit() if r.event == "login-aanvraag"}
    assert details == {LIBRARY: "link verstuurd", UNKNOWN: "geen account",
                       DISABLED: "uitgeschakeld"}


def _sql(statements: list[str]) -> list[str]:
    """SQL statements without their values."""
    return [re.sub(r"'[^']*'|\b\d+\b", "?", s) for s in statements]


def test_the_login_request_does_the_same_work_for_every_address(portal, monkeypatch):
    """No timing can tell a known address: the request itself only checks the address's form
    and hands it to the login queue, whatever the address; it runs the same SQL (none that
    looks the address up), and mails nothing. The worker does the rest, for all alike."""
    portal.store.add_staff(STAFF)
    portal.store.set_disabled(DISABLED, True)
    queue = portal.app.extensions[EXTENSION].logins
    handed: list[LoginRequest] = []
    monkeypatch.setattr(queue, "submit", handed.append)  # the worker does not run yet
    statements: list[str] = []
    portal.store._db().set_trace_callback(statements.append)  # the requests run in this thread
    work = {}
    addresses = (LIBRARY, UNKNOWN, DISABLED, STAFF, "ook.niemand@elders.example.org")
    for address in addresses:
        client = portal.client("192.0.2.9")
        page = client.get("/login").get_data(as_text=True)
        statements.clear()
        answer = client.post("/login", data={"email": address, "csrf_token": csrf(page)})
        body = re.sub(r'name="csrf_token" value="[^"]+"', "", answer.get_data(as_text=True))
        work[address] = (answer.status_code, body.replace(address, "ADRES"),
                         tuple(_sql(statements)))
    portal.store._db().set_trace_callback(None)
    assert len(set(work.values())) == 1, work
    assert not [s for s in statements if re.search(r"links|accounts|audit", s)]
    assert handed == [LoginRequest(a, "192.0.2.9") for a in addresses]
    assert portal.mails() == []
    assert portal.store.audit() == []
    monkeypatch.undo()
    for req in handed:  # now the worker does the work
        queue.submit(req)
    queue.wait()
    assert sorted(m["To"] for m in portal.mails()) == sorted([LIBRARY, STAFF])
    details = {r.account: r.detail for r in portal.store.audit()}
    assert details == {LIBRARY: "link verstuurd", STAFF: "link verstuurd",
                       UNKNOWN: "geen account", DISABLED: "uitgeschakeld",
                       "ook.niemand@elders.example.org": "geen account"}
    assert {r.client for r in portal.store.audit()} == {"192.0.2.9"}


def test_invalid_address_is_asked_again(portal):
    client = portal.client()
    answer = request_link(client, "geen-adres")
    assert answer.status_code == 400
    assert "Vul een geldig e-mailadres in" in answer.get_data(as_text=True)
    assert portal.mails() == []


def test_mail_budget_per_address_never_changes_the_answer(portal_edition, editions, tmp_path):
    """Nobody can lock a contact out by asking for links in its name from many clients: the
    budget per address only bounds the mails that address gets (beyond it a request is dropped
    and audited); every answer, the contact's own included, is the one anybody gets."""
    now = [datetime(2021, 3, 1, 12, 0, tzinfo=UTC)]
    limits = Limits(login_per_client="100 per minute", mail_per_address="3 per 10 minutes")
    portal = Portal(settings_for(portal_edition, tmp_path, limits=limits), editions)
    portal.store.clock = lambda: now[0]
    anyone = _answer(portal, UNKNOWN, "10.0.1.1")
    assert anyone[0] == 200
    answers = [_answer(portal, LIBRARY, f"10.0.0.{i}") for i in range(5)]
    assert answers == [anyone] * 5
    assert len(portal.mails()) == 3
    details = [r.detail for r in portal.store.audit() if r.account == LIBRARY]
    assert details == ["te veel mails aan dit adres; niet verstuurd"] * 2 + ["link verstuurd"] * 3
    # the contact itself, from its own client: the same answer, and a mail once the window passed
    assert _answer(portal, LIBRARY, "192.0.2.50") == anyone
    assert len(portal.mails()) == 3
    now[0] += timedelta(minutes=10, seconds=1)
    assert _answer(portal, LIBRARY, "192.0.2.50") == anyone
    assert len(portal.mails()) == 4
    assert login(portal, portal.client("192.0.2.50"), LIBRARY).status_code == 303
    # another address was never affected
    assert _answer(portal, OTHER, "10.0.2.1") == anyone
    assert portal.mails()[-1]["To"] == OTHER


def test_default_mail_budget_lets_a_contact_in_within_an_hour(portal_edition, editions,
                                                             tmp_path):
    """With the default budget, someone asking for links in a contact's name without pause
    (from ever new clients) leaves the contact at most an hour without a working link: the
    budget's windows are at most an hour, and the mails sent within them carry valid links."""
    windows = [item.get_expiry() for item in parse_many(Limits().mail_per_address)]
    assert max(windows) <= 3600
    start = datetime(2021, 3, 1, 12, 0, tzinfo=UTC)
    now = [start]
    portal = Portal(settings_for(portal_edition, tmp_path), editions)
    portal.store.clock = lambda: now[0]
    queue = portal.app.extensions[EXTENSION].logins
    sent: list[int] = []  # the minute of each mail to the contact
    for minute in range(150):
        now[0] = start + timedelta(minutes=minute)
        before = len(portal.mails())
        for i in range(3):  # the flood: straight to the worker, as the request hands it on
            queue.submit(LoginRequest(LIBRARY, f"10.{minute}.{i}.1"))
        queue.wait()
        sent += [minute] * (len(portal.mails()) - before)
    assert sent
    minutes = portal.settings.link_minutes
    without = [m for m in range(150) if not any(s <= m < s + minutes for s in sent)]
    longest = max((len(list(g)) for _, g in itertools.groupby(
        enumerate(without), key=lambda p: p[1] - p[0])), default=0)
    assert longest <= 60, (sent, without)


def test_rate_limit_per_client(portal_edition, editions, tmp_path):
    limits = Limits(login_per_client="4 per minute", confirm_per_client="3 per minute")
    portal = Portal(settings_for(portal_edition, tmp_path, limits=limits), editions)
    client = portal.client("192.0.2.7")
    answers = [request_link(client, f"persoon{i}@elders.example.org").status_code
               for i in range(6)]
    assert answers == [200, 200, 200, 200, 429, 429]
    assert request_link(portal.client("192.0.2.8"), UNKNOWN).status_code == 200
    page = client.get("/login").get_data(as_text=True)
    guesses = [client.post("/login/bevestigen", data={"token": "A" * 43,
                                                      "csrf_token": csrf(page)}).status_code
               for _ in range(5)]
    assert guesses == [400, 400, 400, 429, 429]  # guessing tokens is limited too


def test_csrf_refused_without_token(portal):
    client = portal.client()
    assert client.post("/login", data={"email": LIBRARY}).status_code == 400
    assert portal.mails() == []
    request_link(client, LIBRARY)
    token = link_in(portal.mails()[-1]).split("token=")[1]
    answer = client.post("/login/bevestigen", data={"token": token})
    assert answer.status_code == 400
    assert "Formulier verlopen" in answer.get_data(as_text=True)
    assert not logged_in(client)
    assert confirm(client, f"/login/bevestigen?token={token}").status_code == 303
    assert client.post("/logout").status_code == 400  # logout without its token: refused
    assert logged_in(client)


def test_csrf_token_of_another_session_refused(portal):
    mine, theirs = portal.client(), portal.client()
    request_link(mine, LIBRARY)
    path = link_in(portal.mails()[-1])
    other_token = csrf(theirs.get("/login").get_data(as_text=True))
    token = path.split("token=")[1]
    mine.get("/login")
    answer = mine.post("/login/bevestigen", data={"token": token, "csrf_token": other_token})
    assert answer.status_code == 400
    assert not logged_in(mine)


def test_logout_ends_the_session_on_the_server(portal):
    client = portal.client()
    login(portal, client, LIBRARY)
    cookie = client.get_cookie("portaal_sessie")
    assert cookie is not None
    html = client.get("/").get_data(as_text=True)
    answer = client.post("/logout", data={"csrf_token": csrf(html)})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/login?uitgelogd"
    assert not logged_in(client)
    # the old cookie, replayed, is no session any more
    replay = portal.client()
    replay.set_cookie("portaal_sessie", cookie.value)
    assert not logged_in(replay)
    assert [r.event for r in portal.store.audit()][:2] == ["logout", "login"] or \
        "logout" in [r.event for r in portal.store.audit()]


def test_disabling_ends_open_sessions(portal):
    client = portal.client()
    login(portal, client, LIBRARY)
    assert logged_in(client)
    portal.store.set_disabled(LIBRARY, True)
    assert not logged_in(client)
    portal.store.set_disabled(LIBRARY, False)
    assert not logged_in(client)  # the session stays ended; a new link is needed


def test_session_expires(portal_edition, editions, tmp_path):
    now = [datetime(2021, 3, 1, 12, 0, tzinfo=UTC)]
    portal = Portal(settings_for(portal_edition, tmp_path, session_hours=8), editions)
    portal.store.clock = lambda: now[0]
    client = portal.client()
    login(portal, client, LIBRARY)
    now[0] += timedelta(hours=7, minutes=59)
    assert logged_in(client)
    now[0] += timedelta(minutes=2)
    assert not logged_in(client)


def test_new_session_id_at_login(portal):
    """No session fixation: the cookie before login is not the session after it."""
    client = portal.client()
    client.get("/login")
    before = client.get_cookie("portaal_sessie").value
    login(portal, client, LIBRARY)
    assert client.get_cookie("portaal_sessie").value != before


def test_cookie_flags_and_security_headers(portal):
    client = portal.client()
    answer = client.get("/login")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    csp = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src" not in csp
    assert "unsafe-inline" not in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert answer.headers["Cache-Control"] == "no-store"


def test_over_https_cookies_are_secure(portal_edition, editions, tmp_path):
    portal = Portal(settings_for(portal_edition, tmp_path, https=True, proxies=1), editions)
    client = portal.client()
    plain = client.get("/login")
    assert plain.status_code in (301, 302)
    assert plain.headers["Location"].startswith("https://")
    answer = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert answer.status_code == 200
    assert "Secure" in answer.headers["Set-Cookie"]
    assert "max-age" in answer.headers["Strict-Transport-Security"]


def test_nothing_secret_in_the_database_or_audit(portal):
    client = portal.client()
    request_link(client, LIBRARY)
    token = link_in(portal.mails()[-1]).split("token=")[1]
    confirm(client, f"/login/bevestigen?token={token}")
    cookie = client.get_cookie("portaal_sessie").value
    html = client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf(html)})
    raw = portal.settings.db.read_bytes()
    for wal in portal.settings.db.parent.glob("*.sqlite-*"):
        raw += wal.read_bytes()
    assert token.encode() not in raw
    assert cookie.encode() not in raw
    with sqlite3.connect(portal.settings.db) as db:
        text = repr(db.execute("SELECT * FROM audit").fetchall())
        text += repr(db.execute("SELECT * FROM sessions").fetchall())
    assert token not in text
    assert cookie not in text
    events = [r.event for r in portal.store.audit()]
    assert events == ["logout", "login", "login-aanvraag"]


def test_secret_key_file_is_private(portal):
    portal.client().get("/login")
    key = portal.settings.db.parent / "portaal.secret"
    assert key.stat().st_mode & 0o777 == 0o600


def test_behind_a_proxy_with_a_prefix(portal_edition, editions, tmp_path):
    """Behind a reverse proxy at /portaal/: every link, form and redirect keeps the prefix, and
    the client address is the one the proxy forwarded."""
    portal = Portal(settings_for(portal_edition, tmp_path, proxies=1), editions)
    client = portal.client("10.9.9.9")
    headers = {"X-Forwarded-Prefix": "/portaal", "X-Forwarded-For": "203.0.113.5"}
    page = client.get("/login", headers=headers).get_data(as_text=True)
    assert 'action="/portaal/login"' in page
    assert 'href="/portaal/static/portaal.css' in page
    client.post("/login", headers=headers, data={"email": LIBRARY, "csrf_token": csrf(page)})
    portal.settle()
    path = link_in(portal.mails()[-1])
    confirm_page = client.get(path, headers=headers).get_data(as_text=True)
    answer = client.post("/login/bevestigen", headers=headers, data={
        "token": path.split("token=")[1], "csrf_token": csrf(confirm_page)})
    assert answer.headers["Location"] == "/portaal/"
    overview = client.get("/", headers=headers).get_data(as_text=True)
    assert 'href="/portaal/bestand/' in overview
    assert 'href="/bestand/' not in overview
    assert {r.client for r in portal.store.audit()} == {"203.0.113.5"}
