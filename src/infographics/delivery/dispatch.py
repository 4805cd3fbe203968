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

Nothing about one mail stops the run: addresses refused before composing (`QueuedMail.refused`:
a contact that cannot be addressed), a mail that cannot be composed (a file gone or changed, a
template error, anything raised while making it) and any unexpected error in its SMTP
transaction fail that mail's addresses (ledger `failed` with the reason, or `uncertain` if the
message may have gone out) and the next mail goes on. Only what no other mail can get past
stops the run: no connection at all (`SendError`) or a send log that cannot be written.
"""

from __future__ import annotations

import heapq
import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr

from infographics.delivery.ledger import Ledger, Status, Target
from infographics.delivery.messages import Outgoing, visible
from infographics.delivery.smtp import Outcome, OutcomeStatus, SendError, SmtpTransport
from infographics.errors import InfographicsError
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


@dataclass(frozen=True)
class Refusal:
    """An address of a mail that is not tried (its contact cannot be addressed), and why."""

    address: str
    target: Target | None  # None: not logged (redirected to a test inbox)
    reason: str  # Dutch


@dataclass
class QueuedMail:
    """A mail to send, composed when its turn comes (`make`), and per envelope address its ledger
    target (None: not logged, as when redirected to a test inbox); `refused`: addresses of this
    mail that fail without being tried (logged when the mail's turn comes)."""

    key: str
    message_id: str
    targets: dict[str, Target | None]
    make: Callable[[], Outgoing]
    attempt: int = 0
    refused: tuple[Refusal, ...] = ()
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
        shown = progress or (lambda line: None)
        self.progress: Callable[[str], None] = lambda line: shown(visible(line))
        self._connected = False  # whether this run ever reached the server

    def run(self, mails: Sequence[QueuedMail]) -> SendReport:
        report = SendReport()
        self._connected = False
        queue: list[_Queued] = [(0.0, n, mail, list(mail.targets))
                                for n, mail in enumerate(mails)]
        heapq.heapify(queue)
        seq = len(queue)
        while queue:
            ready, _, mail, addresses = heapq.heappop(queue)
            retry = self._turn(mail, addresses, ready, report)
            if not retry:
                mail.release()
                continue
            mail.attempt += 1
            report.retried += 1
            delay = self.retry_delay * 2 ** (mail.attempt - 1)
            heapq.heappush(queue, (self.clock() + delay, seq, mail, retry))
            seq += 1
        return report

    def _turn(self, mail: QueuedMail, addresses: list[str], ready: float,
              report: SendReport) -> list[str]:
        """One turn of a mail: its refused addresses failed (first turn), the mail composed
        (failing all its addresses when that fails) and sent; the addresses to try again."""
        if mail.attempt == 0:
            for refusal in mail.refused:
                self._failed(mail, refusal.address, f"niet verstuurd: {refusal.reason}", report,
                             refusal.target)
        if not addresses:
            return []
        try:
            data = mail.data()  # composed (and its files checked) before anything is logged
        except Exception as exc:  # noqa: BLE001 -- whatever it is, it is this mail's alone
            why = unmade(exc)
            for a in addresses:
                self._failed(mail, a, why, report)
            return []
        return self._record(mail, self._attempt(mail, addresses, ready, data), report)

    def _attempt(self, mail: QueuedMail, addresses: list[str], ready: float,
                 data: bytes) -> dict[str, Outcome]:
        """One SMTP transaction for `addresses` once it is time. No connection: a temporary
        outcome, or SendError when no connection was ever made in this run (a SendError from
        connecting, a refused login or TLS, is never retried)."""
        wait = ready - self.clock()
        if wait > 0:
            self.sleep(wait)
        self.rate.wait()
        try:
            self.transport.connect()
        except (OSError, smtplib.SMTPException) as exc:
            if not self._connected:
                settings = self.transport.settings
                raise SendError(f"geen verbinding met {settings.host}:"
                                f"{settings.real_port}: {exc}") from None
            return {a: Outcome("temporary", 0, f"geen verbinding: {exc}") for a in addresses}
        self._connected = True
        return self._transaction(mail, addresses, data)

    def _transaction(self, mail: QueuedMail, addresses: list[str],
                     data: bytes) -> dict[str, Outcome]:
        """`transport.send`, with any unexpected error in it as this mail's outcome: `failed`
        for the addresses before the ledger said `sending`, `uncertain` after. An error of the
        ledger itself stops the run (it is what keeps the promise of sending once)."""
        begun: list[str] = []
        logging = False

        def before_data(accepted: list[str]) -> None:
            nonlocal logging
            logging = True
            self._log(mail, accepted, "sending")
            logging = False
            begun.extend(accepted)

        try:
            return self.transport.send(self.envelope_from, addresses, data, before_data)
        except SendError:
            raise
        except Exception as exc:  # noqa: BLE001 -- one transaction's trouble, not the run's
            if logging:
                raise
            self.transport.abandon()
            why = f"onverwachte fout bij het versturen: {explain(exc)}"
            return {a: Outcome("uncertain", 0, f"{why}; onbekend of het is afgeleverd")
                    if a in begun else Outcome("failed", 0, why) for a in addresses}

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
        for a in by_status.get("failed", []):
            self._failed(mail, a, f"niet verstuurd: {results[a].reason()}", report)
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

    def _failed(self, mail: QueuedMail, address: str, reason: str, report: SendReport,
                target: Target | None = None) -> None:
        if target is not None:
            self._write([target], mail, "failed", reason)
        else:
            self._log(mail, [address], "failed", reason)
        report.failed.append((mail.key, address, reason))
        self.progress(f"MISLUKT {mail.key} aan {address}: {reason}")

    def _log(self, mail: QueuedMail, addresses: Sequence[str], status: Status,
             error: str = "") -> None:
        self._write([t for a in addresses if (t := mail.targets.get(a)) is not None], mail,
                    status, error)

    def _write(self, targets: list[Target], mail: QueuedMail, status: Status,
               error: str = "") -> None:
        if self.ledger is None or not targets:
            return
        if status == "sending":
            self.ledger.begin(targets, mail.message_id)
        else:
            self.ledger.finish(targets, status, mail.message_id, error)


def unmade(exc: Exception) -> str:
    """Why the addresses of a mail that could not be composed get nothing (Dutch)."""
    return f"niet verstuurd: bericht kon niet worden gemaakt: {explain(exc)}"


def explain(exc: Exception) -> str:
    """An error as one line for the ledger: our own (Dutch) message as it is, anything else
    with its type."""
    text = " ".join(str(exc).split())
    if isinstance(exc, InfographicsError):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
