"""Dispatching: queued mails into SMTP transactions (`smtp.SmtpTransport`), in order, with a
rate limit and retries with back-off, and each address's outcome into the send `Ledger` and a
`SendReport`; one refused address never stops the others.

A temporarily refused address (4xx) is tried again after `retry_delay`, doubled each time, while
the other mails go on; a permanent refusal (5xx) fails that address only. The exactly-once
promise of the ledger rests on the order kept here: `sending` is committed for the accepted
addresses after MAIL, RCPT and DATA were answered and before the message itself goes out, and
`sent` right after the server's 250, before anything else is logged. A run that dies between
two messages leaves nothing uncertain; one that dies inside that window leaves `sending`, which
the next run reads as `uncertain` and does not send again unasked.
"""

from __future__ import annotations

import heapq
import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from functools import partial

from infographics.delivery.ledger import Ledger, Status, Target
from infographics.delivery.messages import Outgoing
from infographics.delivery.smtp import Outcome, OutcomeStatus, SendError, SmtpTransport
from infographics.numbers import count


class RateLimiter:
    """At most `per_minute` SMTP transactions a minute (0: no limit), evenly spaced."""

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self._next: float | None = None

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if self._next is not None and self._next > now:
            self.sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


@dataclass
class QueuedMail:
    """A mail to send, composed when its turn comes (`make`), and per envelope address its ledger
    target (None: not logged, as when redirected to a test inbox)."""

    key: str
    message_id: str
    targets: dict[str, Target | None]
    make: Callable[[], Outgoing]
    attempt: int = 0
    _data: bytes | None = field(default=None, repr=False)

    def data(self) -> bytes:
        if self._data is None:
            self._data = self.make().data
        return self._data

    def release(self) -> None:
        self._data = None


@dataclass
class SendReport:
    """What a dispatcher run did, per (mail key, address)."""

    sent: list[tuple[str, str]] = field(default_factory=list)  # (mail key, address)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (+ reason)
    uncertain: list[tuple[str, str, str]] = field(default_factory=list)
    retried: int = 0
    messages: int = 0  # SMTP transactions that delivered to at least one address


# a queued transaction: (when it may go, order of arrival, the mail, the addresses still to do)
_Queued = tuple[float, int, QueuedMail, list[str]]


class Dispatcher:
    """Sends queued mails in order; see the module's docstring for retries and the ledger."""

    def __init__(self, transport: SmtpTransport, ledger: Ledger | None, sender: str,
                 rate: RateLimiter | None = None, retries: int = 3, retry_delay: float = 30.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 progress: Callable[[str], None] | None = None):
        self.transport, self.ledger = transport, ledger
        self.envelope_from = parseaddr(sender)[1] or sender
        self.rate = rate or RateLimiter(0)
        self.retries, self.retry_delay = retries, retry_delay
        self.clock, self.sleep = clock, sleep
        self.progress = progress or (lambda line: None)

    def run(self, mails: Sequence[QueuedMail]) -> SendReport:
        report = SendReport()
        queue: list[_Queued] = [(0.0, n, mail, list(mail.targets))
                                for n, mail in enumerate(mails)]
        heapq.heapify(queue)
        seq = len(queue)
        while queue:
            ready, _, mail, addresses = heapq.heappop(queue)
            results = self._attempt(mail, addresses, ready, report)
            retry = self._record(mail, results, report)
            if not retry:
                mail.release()
                continue
            mail.attempt += 1
            report.retried += 1
            delay = self.retry_delay * 2 ** (mail.attempt - 1)
            heapq.heappush(queue, (self.clock() + delay, seq, mail, retry))
            seq += 1
        return report

    def _attempt(self, mail: QueuedMail, addresses: list[str], ready: float,
                 report: SendReport) -> dict[str, Outcome]:
        """One SMTP transaction for `addresses` once it is time. No connection: a temporary
        outcome, or SendError when not even the first mail's first attempt could connect (a
        SendError from connecting, a refused login or TLS, is never retried)."""
        data = mail.data()  # composed (and its files checked) before anything is logged
        wait = ready - self.clock()
        if wait > 0:
            self.sleep(wait)
        self.rate.wait()
        try:
            self.transport.connect()
        except (OSError, smtplib.SMTPException) as exc:
            if not report.sent and not report.failed and mail.attempt == 0:
                settings = self.transport.settings
                raise SendError(f"geen verbinding met {settings.host}:"
                                f"{settings.real_port}: {exc}") from None
            return {a: Outcome("temporary", 0, f"geen verbinding: {exc}") for a in addresses}
        return self.transport.send(self.envelope_from, addresses, data,
                                   before_data=partial(self._log, mail, status="sending"))

    def _record(self, mail: QueuedMail, results: dict[str, Outcome],
                report: SendReport) -> list[str]:
        """Ledger and report for one transaction, `sent` first (the window after acceptance
        stays small); the addresses to try again."""
        by_status: dict[OutcomeStatus, list[str]] = {}
        for address, result in results.items():
            by_status.setdefault(result.status, []).append(address)
        self._sent(mail, by_status.get("sent", []), report)
        retry = self._temporary(mail, by_status.get("temporary", []), results, report)
        for a in by_status.get("permanent", []):
            self._failed(mail, a, f"geweigerd: {results[a].reason()}", report)
        for a in by_status.get("uncertain", []):
            reason = results[a].reason()
            self._log(mail, [a], "uncertain", reason)
            report.uncertain.append((mail.key, a, reason))
            self.progress(f"ONZEKER {mail.key} aan {a}: {reason}")
        return retry

    def _sent(self, mail: QueuedMail, sent: list[str], report: SendReport) -> None:
        if not sent:
            return
        self._log(mail, sent, "sent")
        report.messages += 1
        for a in sent:
            report.sent.append((mail.key, a))
            self.progress(f"verstuurd: {mail.key} aan {a}")

    def _temporary(self, mail: QueuedMail, addresses: list[str], results: dict[str, Outcome],
                   report: SendReport) -> list[str]:
        """Temporarily refused addresses: logged as failed with the retry to come, or failed
        for good after the last retry; the ones to try again."""
        retry = []
        for a in addresses:
            why = results[a].reason()
            if mail.attempt < self.retries:
                delay = self.retry_delay * 2 ** mail.attempt
                self._log(mail, [a], "failed", f"tijdelijk geweigerd: {why}; nieuwe poging over "
                                               f"{delay:g} s")
                self.progress(f"tijdelijk geweigerd: {mail.key} aan {a}: {why}; nieuwe poging "
                              f"over {delay:g} s")
                retry.append(a)
            else:
                tries = count(self.retries + 1, "poging", "pogingen")
                self._failed(mail, a, f"tijdelijk geweigerd, ook na {tries}: {why}", report)
        return retry

    def _failed(self, mail: QueuedMail, address: str, reason: str, report: SendReport) -> None:
        self._log(mail, [address], "failed", reason)
        report.failed.append((mail.key, address, reason))
        self.progress(f"MISLUKT {mail.key} aan {address}: {reason}")

    def _log(self, mail: QueuedMail, addresses: Sequence[str], status: Status,
             error: str = "") -> None:
        if self.ledger is None:
            return
        targets = [t for a in addresses if (t := mail.targets.get(a)) is not None]
        if not targets:
            return
        if status == "sending":
            self.ledger.begin(targets, mail.message_id)
        else:
            self.ledger.finish(targets, status, mail.message_id, error)
