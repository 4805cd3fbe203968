"""SMTP transport (issue 6) against a real aiosmtpd server on 127.0.0.1: per-address outcomes
of one transaction, STARTTLS and SSL with a test certificate (and login from the environment,
the password never shown), the server's size limit and non-ASCII addresses. Retries, the rate
limit and the ledger around it: test_dispatch.py."""

from __future__ import annotations

import ssl

import pytest
from mailtest import Authenticator, message, start_server, tls_contexts
from mailtest import server as server  # noqa: F401 -- the fixture

from infographics.delivery.smtp import (
    PASSWORD_ENV,
    USER_ENV,
    SendError,
    SmtpSettings,
    SmtpTransport,
    credentials,
)


def plain(port: int, **kw) -> SmtpTransport:
    return SmtpTransport(SmtpSettings("127.0.0.1", port, "none", timeout=10, **kw))


def test_every_address_gets_its_own_outcome_and_the_message_arrives_intact(server):
    server.mailbox.permanent.add("weg@bibliotheek.example.org")
    server.mailbox.temporary["later@bibliotheek.example.org"] = 1
    data = message()
    with plain(server.port) as t:
        results = t.send("monitor@kb.example.org", ["a@bibliotheek.example.org",
                                                    "weg@bibliotheek.example.org",
                                                    "later@bibliotheek.example.org"], data)
    assert {a: r.status for a, r in results.items()} == {
        "a@bibliotheek.example.org": "sent", "weg@bibliotheek.example.org": "permanent",
        "later@bibliotheek.example.org": "temporary"}
    assert results["weg@bibliotheek.example.org"].code == 550
    (got,) = server.mailbox.received
    assert got.rcpt_tos == ["a@bibliotheek.example.org"]
    assert got.data.replace(b"\r\n", b"\n") == data.replace(b"\r\n", b"\n")  # dots unstuffed


def test_starttls_with_a_test_certificate_and_login_from_the_environment(tmp_path, capsys):
    server_ctx, client_ctx = tls_contexts()
    auth = Authenticator("kb-verzender", "geheim-wachtwoord-42")
    s = start_server(tls_context=server_ctx, require_starttls=True, authenticator=auth,
                     auth_required=True)
    try:
        user, password = credentials({USER_ENV: "kb-verzender",
                                      PASSWORD_ENV: "geheim-wachtwoord-42"})
        settings = SmtpSettings("127.0.0.1", s.port, "starttls", user, password, timeout=10,
                                context=client_ctx)
        assert "geheim" not in repr(settings)
        with SmtpTransport(settings) as t:
            results = t.send("monitor@kb.example.org", ["a@bibliotheek.example.org"], message())
        assert results["a@bibliotheek.example.org"].status == "sent"
        assert auth.logins == [b"kb-verzender"]
        assert len(s.mailbox.received) == 1
        # a wrong password stops the run with a clear message that does not repeat it
        bad = SmtpSettings("127.0.0.1", s.port, "starttls", user, "fout-wachtwoord-7",
                           timeout=10, context=client_ctx)
        with pytest.raises(SendError, match="geweigerd") as err, SmtpTransport(bad) as t:
            t.connect()
        assert "fout-wachtwoord" not in str(err.value)
        # a client that does not trust the test CA refuses the server
        strict = SmtpSettings("127.0.0.1", s.port, "starttls", timeout=10,
                              context=ssl.create_default_context(cafile=None, capath=None,
                                                                 cadata=None))
        with pytest.raises(SendError, match="TLS-fout"), SmtpTransport(strict) as t:
            t.connect()
    finally:
        s.stop()


def test_starttls_required_but_not_offered_is_refused(server):
    settings = SmtpSettings("127.0.0.1", server.port, "starttls", timeout=10)
    with pytest.raises(SendError, match="biedt geen STARTTLS"), SmtpTransport(settings) as t:
        t.connect()
    assert server.mailbox.received == []


def test_login_without_tls_is_refused(server):
    settings = SmtpSettings("127.0.0.1", server.port, "none", "u", "p", timeout=10)
    with pytest.raises(SendError, match="onversleuteld"), SmtpTransport(settings) as t:
        t.connect()


def test_ssl_from_the_first_byte():
    server_ctx, client_ctx = tls_contexts()
    s = start_server(ssl_context=server_ctx)
    try:
        settings = SmtpSettings("127.0.0.1", s.port, "ssl", timeout=10, context=client_ctx)
        with SmtpTransport(settings) as t:
            results = t.send("monitor@kb.example.org", ["a@bibliotheek.example.org"], message())
        assert results["a@bibliotheek.example.org"].status == "sent"
        assert len(s.mailbox.received) == 1
    finally:
        s.stop()


def test_credentials_come_from_the_environment_or_a_prompt_only():
    assert credentials({}) == (None, None)
    assert credentials({USER_ENV: "u", PASSWORD_ENV: "p"}) == ("u", "p")
    asked = []
    assert credentials({USER_ENV: "u"}, prompt=lambda q: asked.append(q) or "uit-prompt",
                       interactive=True) == ("u", "uit-prompt")
    assert asked == ["SMTP-wachtwoord voor u: "]
    with pytest.raises(SendError, match="geen terminal"):
        credentials({USER_ENV: "u"}, interactive=False)


def test_the_cli_has_no_password_option():
    from infographics.cli import _parser

    send = _parser()._subparsers._group_actions[0].choices["send"]
    options = {o for a in send._actions for o in a.option_strings}
    assert not any("pass" in o or "wachtwoord" in o or "user" in o for o in options)


def test_a_message_larger_than_the_server_allows_is_refused_before_sending(server):
    with plain(server.port) as t:
        t.connect()
        t._conn.esmtp_features["size"] = "1000"  # as if the server announced SIZE 1000
        results = t.send("monitor@kb.example.org", ["a@bibliotheek.example.org"],
                         message("x" * 2000))
    assert results["a@bibliotheek.example.org"].status == "permanent"
    assert "groter dan de server toestaat" in results["a@bibliotheek.example.org"].text
    assert server.mailbox.received == []


def test_a_non_ascii_domain_reaches_a_server_without_smtputf8_in_its_idna_form():
    fries = "info@bibliotheek-fryslân.example.org"
    s = start_server(enable_SMTPUTF8=False)
    try:
        with plain(s.port) as t:
            results = t.send("monitor@kb.example.org", [fries], message())
        assert results[fries].status == "sent", results
        (got,) = s.mailbox.received
        assert got.rcpt_tos == [
            "info@" + "bibliotheek-fryslân.example.org".encode("idna").decode()]
    finally:
        s.stop()


def test_a_password_with_non_ascii_characters_stops_with_a_clear_error_that_hides_it():
    # smtplib can only send ASCII credentials; its UnicodeEncodeError named a character of
    # the password and its position, in a traceback
    server_ctx, client_ctx = tls_contexts()
    s = start_server(tls_context=server_ctx, require_starttls=True,
                     authenticator=Authenticator("kb-verzender", "geheim-wachtwoörd"),
                     auth_required=True)
    try:
        settings = SmtpSettings("127.0.0.1", s.port, "starttls", "kb-verzender",
                                "geheim-wachtwoörd", timeout=10, context=client_ctx)
        with pytest.raises(SendError, match="niet-ASCII") as err, SmtpTransport(settings) as t:
            t.connect()
        text = str(err.value)
        assert "ö" not in text
        assert "\\xf6" not in text
        assert "position" not in text
        assert err.value.__cause__ is None
        assert err.value.__suppress_context__
    finally:
        s.stop()


@pytest.mark.parametrize("bad", ["a@bibliotheek.example.org\r\nRCPT TO:<x@example.org>",
                                 "a@bibliotheek.example.org\nDATA"])
def test_an_address_smtplib_cannot_write_fails_alone_in_its_transaction(server, bad):
    # sending refuses such contacts before composing (messages.contact_fault); the transport
    # holds on its own too: smtplib raises before it writes anything, the others go on
    with plain(server.port) as t:
        results = t.send("monitor@kb.example.org",
                         ["b@bibliotheek.example.org", bad, "c@bibliotheek.example.org"],
                         message())
        again = t.send("monitor@kb.example.org", ["d@bibliotheek.example.org"], message())
    assert results[bad].status == "failed"
    assert "adres kan niet in een SMTP-opdracht" in results[bad].text
    assert results["b@bibliotheek.example.org"].status == "sent"
    assert results["c@bibliotheek.example.org"].status == "sent"
    assert again["d@bibliotheek.example.org"].status == "sent"  # the connection is still good
    assert [r.rcpt_tos for r in server.mailbox.received] == [
        ["b@bibliotheek.example.org", "c@bibliotheek.example.org"],
        ["d@bibliotheek.example.org"]]
