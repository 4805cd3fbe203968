"""Dispatching (issue 6) against a real aiosmtpd server on 127.0.0.1: 451 retried with back-off
while other mails go on, 550 failing one address only, the ledger written `sending` before the
message goes out and `sent` right after the 250, an answer lost after the message went out
counted as uncertain (never as sent), and the rate limit."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from mailtest import SENDER, Mailbox, message, start_server
from mailtest import server as server  # noqa: F401 -- the fixture

from infographics.delivery.dispatch import Dispatcher, QueuedMail, RateLimiter, Refusal
from infographics.delivery.ledger import Ledger, Target
from infographics.delivery.smtp import SendError, SmtpSettings, SmtpTransport
from infographics.errors import InfographicsError


def job(key: str, addresses: list[str], data: bytes | None = None,
        targets: dict | None = None) -> QueuedMail:
    data = data or message(key)
    return QueuedMail(key, f"<{key}@kb.example.org>",
               targets if targets is not None else {a: None for a in addresses},
               lambda: type("O", (), {"data": data})())


def plain(port: int, **kw) -> SmtpTransport:
    return SmtpTransport(SmtpSettings("127.0.0.1", port, "none", timeout=10, **kw))


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


def test_the_ledger_says_sending_while_the_server_has_the_message_and_sent_after_its_250(
        server, tmp_path):
    # the exactly-once promise: nothing is logged before the server waits for the message
    # (MAIL, RCPT), `sending` is committed before the message goes out, `sent` after the 250;
    # a refused address is never `sending`
    path = tmp_path / "log.sqlite"
    server.mailbox.permanent.add("weg@bibliotheek.example.org")
    targets = {a: Target("2020-2021", a, "to", "library", "bib-1", "Bieb", "1/1",
                         (("po/x.pdf", "abc"),), "d1")
               for a in ("ok@bibliotheek.example.org", "weg@bibliotheek.example.org")}
    seen: dict[str, list[tuple[str, str]]] = {}

    def statuses() -> list[tuple[str, str]]:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)  # as another process would
        try:
            return sorted(conn.execute("SELECT address, status FROM deliveries"))
        finally:
            conn.close()

    server.mailbox.before_mail = lambda n: seen.setdefault("mail", statuses())
    server.mailbox.before_reply = lambda n: seen.setdefault("data", statuses())
    with Ledger.for_sending(path) as ledger, plain(server.port) as t:
        Dispatcher(t, ledger, SENDER).run([job("m1", [], targets=targets)])
        events = [(e[2], e[3]) for e in ledger.events()]
    assert seen["mail"] == []
    assert seen["data"] == [("ok@bibliotheek.example.org", "sending")]
    assert statuses() == [("ok@bibliotheek.example.org", "sent"),
                          ("weg@bibliotheek.example.org", "failed")]
    assert [status for status, _ in events] == ["sending", "sent", "failed"]


# --------------------------------------------------------------------------- one mail's trouble


def target(address: str, entity: str = "bib-1") -> Target:
    return Target("2020-2021", address, "to", "library", entity, "Bieb", "1/1",
                  (("po/x.pdf", "abc"),), f"d-{address}")


def broken(reason: Exception) -> QueuedMail:
    def make():
        raise reason

    a = "kapot@bibliotheek.example.org"
    return QueuedMail("kapot", "<kapot@kb.example.org>", {a: target(a)}, make)


@pytest.mark.parametrize("error", [
    InfographicsError("po/x.pdf: bestand is veranderd sinds de controle; niets verstuurd"),
    ValueError("Header values may not contain linefeed or carriage return characters"),
    UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates not allowed"),
])
def test_a_mail_that_cannot_be_made_fails_its_addresses_and_the_next_goes(server, tmp_path,
                                                                          error):
    after = "daarna@bibliotheek.example.org"
    with Ledger.for_sending(tmp_path / "log.sqlite") as ledger, plain(server.port) as t:
        report = Dispatcher(t, ledger, SENDER).run(
            [broken(error), job("daarna", [], targets={after: target(after)})])
        rows = {r.address: r for r in ledger.rows()}
    assert [r.rcpt_tos for r in server.mailbox.received] == [[after]]
    assert report.sent == [("daarna", after)]
    ((key, address, reason),) = report.failed
    assert (key, address) == ("kapot", "kapot@bibliotheek.example.org")
    assert reason.startswith("niet verstuurd: bericht kon niet worden gemaakt: ")
    assert rows[address].status == "failed"
    assert rows[address].error == reason
    assert rows[after].status == "sent"


def test_refused_addresses_are_failed_without_a_transaction_and_the_rest_is_sent(server,
                                                                                tmp_path):
    ok, bad = "ok@bibliotheek.example.org", "slecht@bibliotheek.example.org"
    mail = job("m1", [], targets={ok: target(ok)})
    mail.refused = (Refusal(bad, target(bad), "naam bevat een regeleinde (U+000A)"),)
    alone = job("m2", [], targets={})
    alone.refused = (Refusal("ook@bibliotheek.example.org", None, "adres bevat een spatie"),)
    with Ledger.for_sending(tmp_path / "log.sqlite") as ledger, plain(server.port) as t:
        report = Dispatcher(t, ledger, SENDER).run([mail, alone])
        rows = {r.address: r for r in ledger.rows()}
    assert [r.rcpt_tos for r in server.mailbox.received] == [[ok]]
    assert [(k, a) for k, a, _ in report.failed] == [("m1", bad),
                                                    ("m2", "ook@bibliotheek.example.org")]
    assert rows[bad].status == "failed"
    assert rows[bad].error == "niet verstuurd: naam bevat een regeleinde (U+000A)"
    assert rows[ok].status == "sent"
    assert set(rows) == {ok, bad}  # a refusal without a target is reported, not logged


class Exploding(SmtpTransport):
    """A transport whose transaction for one key raises something no one expected, before or
    after the ledger said `sending`."""

    def __init__(self, settings, when: str):
        super().__init__(settings)
        self.when = when
        self.abandoned = 0

    def send(self, sender, recipients, data, before_data=None):
        if b"Subject: boem" not in data:
            return super().send(sender, recipients, data, before_data)
        if self.when == "after" and before_data is not None:
            before_data(list(recipients))
        raise RuntimeError("iets onverwachts")

    def abandon(self):
        self.abandoned += 1
        super().abandon()


@pytest.mark.parametrize(("when", "status"), [("before", "failed"), ("after", "uncertain")])
def test_an_unexpected_error_in_one_transaction_fails_that_mail_and_the_run_goes_on(
        server, tmp_path, when, status):
    boom, after = "boem@bibliotheek.example.org", "daarna@bibliotheek.example.org"
    transport = Exploding(SmtpSettings("127.0.0.1", server.port, "none", timeout=10), when)
    with Ledger.for_sending(tmp_path / "log.sqlite") as ledger, transport:
        report = Dispatcher(transport, ledger, SENDER).run(
            [job("boem", [], targets={boom: target(boom)}),
             job("daarna", [], targets={after: target(after)})])
        rows = {r.address: r for r in ledger.rows()}
    assert transport.abandoned == 1
    assert rows[after].status == "sent"
    assert rows[boom].status == status
    assert "onverwachte fout bij het versturen: RuntimeError: iets onverwachts" in rows[boom].error
    assert len(report.failed if status == "failed" else report.uncertain) == 1


def test_a_send_log_that_cannot_be_written_still_stops_the_run(server, tmp_path):
    a = "a@bibliotheek.example.org"
    with Ledger.for_sending(tmp_path / "log.sqlite") as ledger, plain(server.port) as t:
        ledger.conn.execute("PRAGMA query_only = ON")
        with pytest.raises(sqlite3.OperationalError):
            Dispatcher(t, ledger, SENDER).run([job("m1", [], targets={a: target(a)})])
    assert server.mailbox.received == []  # the final "." never went out
