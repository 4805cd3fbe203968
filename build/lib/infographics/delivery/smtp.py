"""Sending: composed mails (`messages.Outgoing`) over SMTP, each address's outcome into the
`Ledger`, with a rate limit, retries with back-off, and one refused address never stopping the
others.

`SmtpTransport` speaks SMTP step by step (MAIL, RCPT per address, DATA) so every outcome is known
per address: 2xx accepted, 4xx temporary (retried after a back-off: `retry_delay`, doubled each
time), 5xx permanent (failed; the other addresses and mails go on). The one moment it cannot
know is after the whole message went out and before the server's answer came back: a lost
connection there makes that address `uncertain`, never "sent again".

Security: `none` (plain), `starttls` (upgrade, and refuse to go on if the server cannot), `ssl`
(TLS from the first byte). Certificates are verified. User and password come only from the
environment (`INFOGRAPHICS_SMTP_USER`, `INFOGRAPHICS_SMTP_PASSWORD`) or a prompt, are never
printed or logged, and are never sent over a connection without TLS.
"""

from __future__ import annotations

import contextlib
import getpass
import heapq
import os
import re
import smtplib
import ssl
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr

from infographics.delivery.ledger import Ledger, Target
from infographics.delivery.messages import Outgoing, _ascii_domain
from infographics.errors import InfographicsError
from infographics.numbers import count

SECURITY = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
USER_ENV = "INFOGRAPHICS_SMTP_USER"
PASSWORD_ENV = "INFOGRAPHICS_SMTP_PASSWORD"


class SendError(InfographicsError):
    """The run cannot go on (no connection at all, login refused, no TLS); nothing more is sent."""


class _Disconnected(Exception):
    pass


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int | None = None
    security: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 60.0
    context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise InfographicsError(f"onbekende beveiliging '{self.security}'; kies uit "
                                    f"{', '.join(SECURITY)}")

    @property
    def real_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    def tls_context(self) -> ssl.SSLContext:
        return self.context or ssl.create_default_context()


def credentials(environ: Mapping[str, str] | None = None,
                prompt: Callable[[str], str] | None = None,
                interactive: bool | None = None) -> tuple[str | None, str | None]:
    """User and password from the environment; a password is asked for (not echoed) when only
    the user is set and a terminal is attached. No user: no login."""
    environ = os.environ if environ is None else environ
    user = environ.get(USER_ENV) or None
    password = environ.get(PASSWORD_ENV) or None
    if user and password is None:
        if interactive is None:
            interactive = sys.stdin.isatty()
        if not interactive:
            raise SendError(f"{USER_ENV} is gezet maar {PASSWORD_ENV} niet, en er is geen "
                            "terminal om het wachtwoord te vragen")
        password = (prompt or getpass.getpass)(f"SMTP-wachtwoord voor {user}: ")
    return user, password


@dataclass(frozen=True)
class Result:
    """What happened to one address in one SMTP transaction."""

    status: str  # sent, temporary, permanent, uncertain
    code: int = 0
    text: str = ""

    def reason(self) -> str:
        return f"{self.code} {self.text}".strip() if self.code else self.text


def _classify(code: int, text: str) -> Result:
    if 200 <= code < 300:
        return Result("sent", code, text)
    if 400 <= code < 500:
        return Result("temporary", code, text)
    return Result("permanent", code, text)


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


class SmtpTransport:
    """One SMTP connection, opened when first needed and reopened after it is lost."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._conn: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def connect(self) -> None:
        """Open (if needed). SendError for what retrying cannot fix (login, TLS); OSError or
        smtplib.SMTPException for a connection problem that may pass."""
        if self._conn is not None:
            return
        s = self.settings
        where = f"{s.host}:{s.real_port}"
        conn: smtplib.SMTP | None = None
        try:
            if s.security == "ssl":
                conn = smtplib.SMTP_SSL(s.host, s.real_port, timeout=s.timeout,
                                        context=s.tls_context())
            else:
                conn = smtplib.SMTP(s.host, s.real_port, timeout=s.timeout)
            conn.ehlo()
            if s.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise SendError(f"{where} biedt geen STARTTLS; niet onversleuteld verder "
                                    "(kies --smtp-security ssl, of none als dat echt de "
                                    "bedoeling is)")
                conn.starttls(context=s.tls_context())
                conn.ehlo()
            if s.user:
                if s.security == "none":
                    raise SendError("aanmelden zonder TLS weigeren we: het wachtwoord zou "
                                    "onversleuteld over het net gaan; kies --smtp-security "
                                    "starttls of ssl")
                try:
                    conn.login(s.user, s.password or "")
                except UnicodeError:  # smtplib sends them as ASCII; its error quotes them
                    raise SendError(f"aanmelden bij {where} kan niet: gebruikersnaam of "
                                    "wachtwoord bevat niet-ASCII-tekens, en die kan smtplib "
                                    "niet versturen") from None
        except smtplib.SMTPAuthenticationError as exc:
            _quietly_close(conn)
            raise SendError(f"aanmelden bij {where} als {s.user} geweigerd: {exc.smtp_code} "
                            f"{_text(exc.smtp_error)}") from None
        except ssl.SSLError as exc:
            _quietly_close(conn)
            raise SendError(f"TLS-fout met {where}: {exc}") from None
        except SendError:
            _quietly_close(conn)
            raise
        except (OSError, smtplib.SMTPException):
            _quietly_close(conn)
            raise
        self._conn = conn

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._conn.quit()
            _quietly_close(self._conn)
            self._conn = None

    def _drop(self) -> None:
        _quietly_close(self._conn)
        self._conn = None

    def send(self, sender: str, recipients: Sequence[str], data: bytes,
             before_data: Callable[[list[str]], None] | None = None) -> dict[str, Result]:
        """One SMTP transaction; the outcome for every address in `recipients`.
        `before_data(accepted)` runs after the server said 354 and before the message goes out:
        up to there nothing can have been delivered (the ledger writes `sending` then)."""
        self.connect()
        conn = self._conn
        assert conn is not None
        results: dict[str, Result] = {}
        options = []
        if conn.has_extn("size"):
            limit = int(conn.esmtp_features.get("size") or 0)
            if limit and len(data) > limit:
                why = f"bericht van {len(data)} bytes is groter dan de server toestaat ({limit})"
                return {r: Result("permanent", 552, why) for r in recipients}
            options.append(f"SIZE={len(data)}")
        # a non-ASCII domain goes in its IDNA form: only a non-ASCII user name needs SMTPUTF8
        wire = {r: _ascii_domain(r) for r in recipients}
        needs_utf8 = not _ascii(sender) or any(not _ascii(w) for w in wire.values())
        if needs_utf8 and conn.has_extn("smtputf8"):
            options.append("SMTPUTF8")
        try:
            code, reply = self._ask(conn.mail, sender, options)
            if code != 250:
                self._reset(code)
                return {r: _classify(code, reply) for r in recipients}
            accepted = []
            for r in recipients:
                if not _ascii(wire[r]) and "SMTPUTF8" not in options:
                    results[r] = Result("permanent", 0, "adres met niet-ASCII-tekens; de server "
                                                        "ondersteunt geen SMTPUTF8")
                    continue
                code, reply = self._ask(conn.rcpt, wire[r])
                if code in (250, 251):
                    accepted.append(r)
                else:
                    results[r] = _classify(code, reply)
            if not accepted:
                self._reset(0)
                return results
            code, reply = self._ask(conn.docmd, "DATA")
            if code != 354:
                self._reset(code)
                results.update({r: _classify(code, reply) for r in accepted})
                return results
        except _Disconnected as exc:
            self._drop()
            for r in recipients:
                results.setdefault(r, Result("temporary", 0, f"verbinding verbroken: {exc}"))
            return results
        if before_data is not None:
            try:
                before_data(accepted)
            except BaseException:
                self._drop()  # the final "." is never sent: the server delivers nothing
                raise
        try:
            conn.send(_payload(data))
        except (OSError, smtplib.SMTPException) as exc:
            # the final "." never went out, so the server cannot have accepted the message
            self._drop()
            results.update({r: Result("temporary", 0, f"verbinding verbroken tijdens het "
                                                       f"versturen: {exc}") for r in accepted})
            return results
        try:
            code, reply = conn.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            results.update({r: Result("uncertain", 0, f"geen antwoord van de server na het "
                                                       f"bericht ({exc}); onbekend of het is "
                                                       "afgeleverd") for r in accepted})
            return results
        if code == 421:
            self._drop()
        if not (200 <= code < 600):
            results.update({r: Result("uncertain", code, _text(reply)) for r in accepted})
        else:
            results.update({r: _classify(code, _text(reply)) for r in accepted})
        return results

    def _ask(self, method, *args) -> tuple[int, str]:
        try:
            code, reply = method(*args)
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            raise _Disconnected(str(exc) or type(exc).__name__) from None
        if code == 421:
            self._drop()
        return code, _text(reply)

    def _reset(self, code: int) -> None:
        if self._conn is None or code == 421:
            return
        try:
            self._conn.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()


def _quietly_close(conn: smtplib.SMTP | None) -> None:
    if conn is not None:
        with contextlib.suppress(OSError):
            conn.close()


def _ascii(text: str) -> bool:
    return text.isascii()


def _payload(data: bytes) -> bytes:
    """The DATA payload: lines starting with '.' doubled, CRLF at the end, then '.'."""
    q = re.sub(rb"(?m)^\.", b"..", data)
    if not q.endswith(b"\r\n"):
        q += b"\r\n"
    return q + b".\r\n"


class RateLimiter:
    """At most `per_minute` SMTP transactions a minute (0: no limit), evenly spaced."""

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self._next = None

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if self._next is not None and self._next > now:
            self.sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


# --------------------------------------------------------------------------- dispatching


@dataclass
class Job:
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
class Report:
    sent: list[tuple[str, str]] = field(default_factory=list)  # (mail key, address)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (+ reason)
    uncertain: list[tuple[str, str, str]] = field(default_factory=list)
    retried: int = 0
    messages: int = 0  # SMTP transactions that delivered to at least one address


class Dispatcher:
    """Sends jobs in order; a temporarily refused address is tried again after a back-off while
    the other mails go on. The ledger gets `sending` for the accepted addresses just before the
    message itself goes out (after MAIL, RCPT and DATA were answered) and `sent` right after
    the server's 250, so a run that dies between two messages leaves nothing uncertain."""

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

    def run(self, jobs: Sequence[Job]) -> Report:
        report = Report()
        queue: list[tuple[float, int, Job, list[str]]] = []
        for n, job in enumerate(jobs):
            queue.append((0.0, n, job, list(job.targets)))
        heapq.heapify(queue)
        seq = len(queue)
        while queue:
            ready, _, job, addresses = heapq.heappop(queue)
            data = job.data()  # composed (and its files checked) before anything is logged
            wait = ready - self.clock()
            if wait > 0:
                self.sleep(wait)
            self.rate.wait()
            try:
                self.transport.connect()
            except SendError:
                raise
            except (OSError, smtplib.SMTPException) as exc:
                if not report.sent and not report.failed and job.attempt == 0:
                    raise SendError(f"geen verbinding met {self.transport.settings.host}:"
                                    f"{self.transport.settings.real_port}: {exc}") from None
                results = {a: Result("temporary", 0, f"geen verbinding: {exc}")
                           for a in addresses}
            else:
                results = self.transport.send(
                    self.envelope_from, addresses, data,
                    before_data=lambda accepted, job=job: self._log(job, accepted, "sending"))
            retry = self._record(job, results, report)
            if not retry:
                job.release()
            else:
                job.attempt += 1
                report.retried += 1
                delay = self.retry_delay * 2 ** (job.attempt - 1)
                heapq.heappush(queue, (self.clock() + delay, seq, job, retry))
                seq += 1
        return report

    def _record(self, job: Job, results: dict[str, Result], report: Report) -> list[str]:
        """Ledger and report for one transaction; the addresses to try again."""
        key = job.key
        by_status: dict[str, list[str]] = {}
        for address, result in results.items():
            by_status.setdefault(result.status, []).append(address)
        sent = by_status.get("sent", [])
        if sent:
            self._log(job, sent, "sent")  # first: the window after acceptance stays small
            report.messages += 1
            for a in sent:
                report.sent.append((key, a))
                self.progress(f"verstuurd: {key} aan {a}")
        retry = []
        for a in by_status.get("temporary", []):
            why = results[a].reason()
            if job.attempt < self.retries:
                delay = self.retry_delay * 2 ** job.attempt
                self._log(job, [a], "failed", f"tijdelijk geweigerd: {why}; nieuwe poging over "
                                              f"{delay:g} s")
                self.progress(f"tijdelijk geweigerd: {key} aan {a}: {why}; nieuwe poging "
                              f"over {delay:g} s")
                retry.append(a)
            else:
                tries = count(self.retries + 1, "poging", "pogingen")
                reason = f"tijdelijk geweigerd, ook na {tries}: {why}"
                self._log(job, [a], "failed", reason)
                report.failed.append((key, a, reason))
                self.progress(f"MISLUKT {key} aan {a}: {reason}")
        for a in by_status.get("permanent", []):
            reason = f"geweigerd: {results[a].reason()}"
            self._log(job, [a], "failed", reason)
            report.failed.append((key, a, reason))
            self.progress(f"MISLUKT {key} aan {a}: {reason}")
        for a in by_status.get("uncertain", []):
            reason = results[a].reason()
            self._log(job, [a], "uncertain", reason)
            report.uncertain.append((key, a, reason))
            self.progress(f"ONZEKER {key} aan {a}: {reason}")
        return retry

    def _log(self, job: Job, addresses: Sequence[str], status: str, error: str = "") -> None:
        if self.ledger is None:
            return
        targets = [t for a in addresses if (t := job.targets.get(a)) is not None]
        if not targets:
            return
        if status == "sending":
            self.ledger.begin(targets, job.message_id)
        else:
            self.ledger.finish(targets, status, job.message_id, error)
