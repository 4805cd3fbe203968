"""SMTP transport and dispatcher (issue 6) against a real aiosmtpd server on 127.0.0.1: per-address
outcomes, 451 retried with back-off, 550 failing one address only, STARTTLS and SSL with a test
certificate (and login from the environment, the password never shown), the rate limit, and an
answer lost after the message went out counted as uncertain, never as sent."""

from __future__ import annotations

import asyncio
import ssl
from email.message import EmailMessage

import pytest
from mailtest import Authenticator, Mailbox, start_server, tls_contexts
from mailtest import server as server  # noqa: F401 -- the fixture

from infographics.delivery.ledger import Ledger, Target
from infographics.delivery.smtp import (
    PASSWORD_ENV,
    USER_ENV,
    Dispatcher,
    Job,
    RateLimiter,
    SendError,
    SmtpSettings,
    SmtpTransport,
    credentials,
)

SENDER = "Team Bibliotheekmonitor <monitor@kb.example.org>"


def message(subject: str = "Test", to: str = "a@bibliotheek.example.org") -> bytes:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content("Hallo\n.\nEen regel met alleen een punt hierboven.\n")
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


def job(key: str, addresses: list[str], data: bytes | None = None,
        targets: dict | None = None) -> Job:
    data = data or message(key)
    return Job(key, f"<{key}@kb.example.org>",
               targets if targets is not None else {a: None for a in addresses},
               lambda: type("O", (), {"data": data})())


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


def test_451_is_retried_with_back_off_while_other_mails_go_on(server):
    server.mailbox.temporary["later@bibliotheek.example.org"] = 2
    slept: list[float] = []
    clock = [0.0]

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        clock[0] += seconds

    with plain(server.port) as t:
        d = Dispatcher(t, None, SENDER, retries=3, retry_delay=5, clock=lambda: clock[0],
                       sleep=sleep)
        report = d.run([job("een", ["later@bibliotheek.example.org"]),
                        job("twee", ["b@bibliotheek.example.org"])])
    assert [r.rcpt_tos for r in server.mailbox.received] == [
        ["b@bibliotheek.example.org"], ["later@bibliotheek.example.org"]]
    assert slept == [5.0, 10.0]  # back-off doubles
    assert report.retried == 2
    assert not report.failed
    assert sorted(report.sent) == [("een", "later@bibliotheek.example.org"),
                                   ("twee", "b@bibliotheek.example.org")]


def test_a_temporary_refusal_that_lasts_fails_after_the_last_retry(server):
    server.mailbox.temporary["later@bibliotheek.example.org"] = 10
    with plain(server.port) as t:
        report = Dispatcher(t, None, SENDER, retries=2, retry_delay=0.001).run(
            [job("een", ["later@bibliotheek.example.org"])])
    assert server.mailbox.refused["later@bibliotheek.example.org"] == 3
    ((key, address, reason),) = report.failed
    assert "ook na 3 pogingen" in reason
    assert "451" in reason


def test_without_retries_a_temporary_refusal_fails_after_one_attempt(server):
    server.mailbox.temporary["later@bibliotheek.example.org"] = 10
    with plain(server.port) as t:
        report = Dispatcher(t, None, SENDER, retries=0, retry_delay=0.001).run(
            [job("een", ["later@bibliotheek.example.org"])])
    ((key, address, reason),) = report.failed
    assert "ook na 1 poging:" in reason


def test_550_fails_that_address_only_and_the_ledger_says_why(server, tmp_path):
    server.mailbox.permanent.add("weg@bibliotheek.example.org")
    targets = {a: Target("2020-2021", a, "to", "library", "bib-1", "Bieb", "1/1",
                         (("po/x.pdf", "abc"),), "d1")
               for a in ("weg@bibliotheek.example.org", "ok@bibliotheek.example.org")}
    with Ledger.for_sending(tmp_path / "log.sqlite") as ledger, plain(server.port) as t:
        report = Dispatcher(t, ledger, SENDER).run(
            [job("m1", [], targets=targets), job("m2", ["c@bibliotheek.example.org"])])
        rows = {r.address: r for r in ledger.rows()}
    assert rows["ok@bibliotheek.example.org"].status == "sent"
    assert rows["ok@bibliotheek.example.org"].message_id == "<m1@kb.example.org>"
    assert rows["weg@bibliotheek.example.org"].status == "failed"
    assert rows["weg@bibliotheek.example.org"].error.startswith("geweigerd: 550")
    assert len(server.mailbox.received) == 2
    assert len(report.failed) == 1


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


class Vanishing(Mailbox):
    """Takes the message, then drops the connection without answering."""

    async def handle_DATA(self, server, session, envelope):
        self.received.append(None)
        server.transport.close()
        await asyncio.sleep(0.05)
        return "250 te laat"


def test_an_answer_lost_after_the_message_went_out_is_uncertain_not_sent_again(tmp_path):
    s = start_server(Vanishing())
    try:
        target = Target("2020-2021", "a@bibliotheek.example.org", "to", "library", "bib-1",
                        "Bieb", "1/1", (("po/x.pdf", "abc"),), "d1")
        with Ledger.for_sending(tmp_path / "log.sqlite") as ledger, plain(s.port) as t:
            report = Dispatcher(t, ledger, SENDER, retries=3, retry_delay=0.001).run(
                [job("m1", [], targets={"a@bibliotheek.example.org": target})])
            (row,) = ledger.rows()
        assert row.status == "uncertain"
        assert "onbekend of het is afgeleverd" in row.error
        assert len(report.uncertain) == 1
        assert report.retried == 0
        assert len(s.mailbox.received) == 1
    finally:
        s.stop()


def test_no_server_at_all_stops_the_run_before_anything_is_logged(tmp_path):
    from mailtest import free_port

    with Ledger.for_sending(tmp_path / "log.sqlite") as ledger, plain(free_port()) as t:
        with pytest.raises(SendError, match="geen verbinding"):
            Dispatcher(t, ledger, SENDER).run([job("m1", ["a@bibliotheek.example.org"])])
        assert ledger.rows() == []


def test_rate_limit_spaces_transactions_evenly():
    now = [100.0]
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(s)
        now[0] += s

    rate = RateLimiter(30, clock=lambda: now[0], sleep=sleep)  # one per 2 seconds
    for _ in range(4):
        rate.wait()
        now[0] += 0.5  # sending takes half a second
    assert waits == [1.5, 1.5, 1.5]
    free = RateLimiter(0, clock=lambda: now[0], sleep=sleep)
    free.wait()
    free.wait()
    assert len(waits) == 3


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
