"""Logging in by e-mail link (issue 15, item 3): the link works once, expires, is refused for a
disabled account or when tampered with, is not used by a GET; the answer to a login request is
the same for known and unknown addresses; requests are rate-limited per address and per client;
every form needs its CSRF token; sessions end on logout and on disabling; nothing secret is
logged or stored."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from portaltest import Portal, confirm, csrf, link_in, login, request_link, settings_for

from infographics.portal.settings import Limits

LIBRARY = "y.devries@bibliotheek-regio-westerkwartier.example.org"  # bib-0002
UNKNOWN = "niemand@elders.example.org"


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


def _answer(portal, address):
    client = portal.client()
    response = request_link(client, address)
    return response.status_code, response.get_data(as_text=True).replace(address, "ADRES")


def test_same_answer_for_known_and_unknown_addresses(portal):
    portal.store.set_disabled("s.dewit@bibliotheek-maasvallei-centraal.example.org", True)
    known = _answer(portal, LIBRARY)
    unknown = _answer(portal, UNKNOWN)
    disabled = _answer(portal, "s.dewit@bibliotheek-maasvallei-centraal.example.org")
    assert known == unknown == disabled
    assert known[0] == 200
    assert [m["To"] for m in portal.mails()] == [LIBRARY]  # only the known one gets a mail
    details = {r.account: r.detail for r in portal.store.audit() if r.event == "login-aanvraag"}
    assert details == {LIBRARY: "link verstuurd", UNKNOWN: "geen account",
                       "s.dewit@bibliotheek-maasvallei-centraal.example.org": "uitgeschakeld"}


def test_invalid_address_is_asked_again(portal):
    client = portal.client()
    answer = request_link(client, "geen-adres")
    assert answer.status_code == 400
    assert "Vul een geldig e-mailadres in" in answer.get_data(as_text=True)
    assert portal.mails() == []


def test_rate_limit_per_address(portal_edition, editions, tmp_path):
    limits = Limits(login_per_client="100 per minute", login_per_address="3 per 10 minutes")
    portal = Portal(settings_for(portal_edition, tmp_path, limits=limits), editions)
    answers = [request_link(portal.client(f"10.0.0.{i}"), LIBRARY).status_code
               for i in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert len(portal.mails()) == 3
    details = [r.detail for r in portal.store.audit() if r.account == LIBRARY]
    assert details == ["te veel aanvragen"] * 2 + ["link verstuurd"] * 3
    # an unknown address is limited the same way: the limit says nothing about accounts
    answers = [request_link(portal.client(f"10.0.1.{i}"), UNKNOWN).status_code
               for i in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    # another address is not affected
    assert request_link(portal.client("10.0.2.1"), "f.degroot@bibliotheek-hogeland.example.org"
                        ).status_code == 200


def test_rate_limit_per_client(portal_edition, editions, tmp_path):
    limits = Limits(login_per_client="4 per minute", login_per_address="100 per minute",
                    confirm_per_client="3 per minute")
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
    path = link_in(portal.mails()[-1])
    confirm_page = client.get(path, headers=headers).get_data(as_text=True)
    answer = client.post("/login/bevestigen", headers=headers, data={
        "token": path.split("token=")[1], "csrf_token": csrf(confirm_page)})
    assert answer.headers["Location"] == "/portaal/"
    overview = client.get("/", headers=headers).get_data(as_text=True)
    assert 'href="/portaal/bestand/' in overview
    assert 'href="/bestand/' not in overview
    assert {r.client for r in portal.store.audit()} == {"203.0.113.5"}
