"""Login mails (issue 15, item 3): over SMTP the same transport as `send`, from a background
thread so the answer never waits for the mail server; a refused or unreachable server is logged
with the address only, never the link. The templates are loaded once; an outbox is private."""

from __future__ import annotations

import logging
import stat
import time

import jinja2
from mailtest import start_server
from portaltest import request_link, settings_for

from infographics.delivery.smtp import SmtpSettings
from infographics.portal.app import create_app
from infographics.portal.mail import LoginMail, OutboxMailer, SmtpMailer, compose
from infographics.portal.store import Store

LIBRARY = "y.devries@bibliotheek-regio-westerkwartier.example.org"


def _wait(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "geen mail binnen de tijd"
        time.sleep(0.05)


def test_login_mail_over_smtp(portal_edition, editions, tmp_path):
    server = start_server()
    try:
        settings = settings_for(portal_edition, tmp_path, mail_outbox=None,
                                smtp=SmtpSettings("127.0.0.1", server.port, "none"),
                                sender="Team Bibliotheekmonitor <monitor@kb.example.org>")
        app = create_app(settings, Store(settings.db), editions=editions)  # its own SMTP mailer
        client = app.test_client()
        assert request_link(client, LIBRARY).status_code == 200
        assert request_link(client, "niemand@elders.example.org").status_code == 200
        _wait(lambda: len(server.mailbox.received) >= 1)
        time.sleep(0.3)
        (received,) = server.mailbox.received  # only the known address
        assert received.rcpt_tos == [LIBRARY]
        assert received.mail_from == "monitor@kb.example.org"
        body = received.message().get_body(("plain",)).get_content()
        assert "http://portaal.test/login/bevestigen?token=" in body
    finally:
        server.stop()


def test_refused_mail_is_logged_without_the_link(caplog):
    server = start_server()
    server.mailbox.permanent.add("weg@elders.example.org")
    try:
        mailer = SmtpMailer(SmtpSettings("127.0.0.1", server.port, "none"),
                            "monitor@kb.example.org")
        link = "http://portaal.test/login/bevestigen?token=" + "G" * 43
        with caplog.at_level(logging.ERROR, logger="infographics.portal.mail"):
            mailer.deliver(compose(LoginMail("weg@elders.example.org", "", link, 30,
                                             "http://portaal.test"), "monitor@kb.example.org"))
            mailer.close()
        assert "weg@elders.example.org" in caplog.text
        assert "550" in caplog.text
        assert "G" * 43 not in caplog.text
    finally:
        server.stop()


def test_the_mail_templates_are_loaded_once(monkeypatch):
    """Composing a mail builds no Jinja environment of its own (that made mails to known
    addresses slow enough to time)."""
    mail = LoginMail(LIBRARY, "Yasmina", "http://portaal.test/login/bevestigen?token=x", 30,
                     "http://portaal.test")
    compose(mail, "monitor@kb.example.org")
    made = []
    original = jinja2.Environment.__init__

    def counting(self, *args, **kwargs):
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "__init__", counting)
    for _ in range(3):
        assert compose(mail, "monitor@kb.example.org")["To"] == LIBRARY
    assert made == []


def test_the_outbox_is_private(tmp_path):
    """An .eml in the outbox holds a live login link: the folder is 0700 (also one that was
    there before) and each mail 0600."""
    folder = tmp_path / "outbox"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    mailer = OutboxMailer(folder)
    mailer.deliver(compose(LoginMail(LIBRARY, "", "http://portaal.test/x", 30,
                                     "http://portaal.test"), "monitor@kb.example.org"))
    (eml,) = folder.glob("*.eml")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(eml.stat().st_mode) == 0o600
    fresh = OutboxMailer(tmp_path / "nieuw" / "outbox")
    fresh.deliver(compose(LoginMail(LIBRARY, "", "http://portaal.test/x", 30,
                                    "http://portaal.test"), "monitor@kb.example.org"))
    assert stat.S_IMODE((tmp_path / "nieuw" / "outbox").stat().st_mode) == 0o700
