"""SMTP transport: a message's bytes and its addresses into one SMTP transaction, and that into
an `Outcome` per address (`dispatch` queues the mails, retries them and keeps the ledger).

`SmtpTransport` speaks SMTP step by step (MAIL, RCPT per address, DATA) so every outcome is known
per address: 2xx accepted (`sent`), 4xx `temporary` (retried by `dispatch`), 5xx `permanent`.
The one moment it cannot know is after the whole message went out and before the server's
answer came back: a lost connection there makes that address `uncertain`, never "sent again".

Security: `none` (plain), `starttls` (upgrade, and refuse to go on if the server cannot), `ssl`
(TLS from the first byte). Certificates are verified. User and password come only from the
environment (`INFOGRAPHICS_SMTP_USER`, `INFOGRAPHICS_SMTP_PASSWORD`) or a prompt, are never
printed or logged, and are never sent over a connection without TLS.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import smtplib
import ssl
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from functools import partial
from typing import Final, Literal, get_args

from infographics.delivery.messages import ascii_domain
from infographics.errors import InfographicsError

# plain, upgraded with STARTTLS, or TLS from the first byte
Security = Literal["none", "starttls", "ssl"]
# what happened to one address in one transaction; `failed`: not tried, for a reason of ours
# (the address cannot be written into an SMTP command)
OutcomeStatus = Literal["sent", "temporary", "permanent", "uncertain", "failed"]

SECURITY: Final[tuple[Security, ...]] = get_args(Security)
DEFAULT_PORTS: Final[dict[Security, int]] = {"none": 25, "starttls": 587, "ssl": 465}
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
    security: Security = "starttls"  # checked again: it may come from a config file
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
class Outcome:
    """What happened to one address in one SMTP transaction."""

    status: OutcomeStatus
    code: int = 0
    text: str = ""

    def reason(self) -> str:
        return f"{self.code} {self.text}".strip() if self.code else self.text


def _classify(code: int, text: str) -> Outcome:
    if 200 <= code < 300:
        return Outcome("sent", code, text)
    if 400 <= code < 500:
        return Outcome("temporary", code, text)
    return Outcome("permanent", code, text)


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

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the connection ----------------------------------------------------------------------

    def connect(self) -> None:
        """Open (if needed). SendError for what retrying cannot fix (login, TLS); OSError or
        smtplib.SMTPException for a connection problem that may pass."""
        if self._conn is not None:
            return
        s = self.settings
        where = f"{s.host}:{s.real_port}"
        conn: smtplib.SMTP | None = None
        try:
            conn = self._open()
            conn.ehlo()
            self._starttls(conn, where)
            self._login(conn, where)
        except smtplib.SMTPAuthenticationError as exc:
            _quietly_close(conn)
            raise SendError(f"aanmelden bij {where} als {s.user} geweigerd: {exc.smtp_code} "
                            f"{_text(exc.smtp_error)}") from None
        except ssl.SSLError as exc:
            _quietly_close(conn)
            raise SendError(f"TLS-fout met {where}: {exc}") from None
        except (SendError, OSError, smtplib.SMTPException):
            _quietly_close(conn)
            raise
        self._conn = conn

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            return smtplib.SMTP_SSL(s.host, s.real_port, timeout=s.timeout,
                                    context=s.tls_context())
        return smtplib.SMTP(s.host, s.real_port, timeout=s.timeout)

    def _starttls(self, conn: smtplib.SMTP, where: str) -> None:
        """Upgrade to TLS when the settings say so; never go on unencrypted instead."""
        if self.settings.security != "starttls":
            return
        if not conn.has_extn("starttls"):
            raise SendError(f"{where} biedt geen STARTTLS; niet onversleuteld verder "
                            "(kies --smtp-security ssl, of none als dat echt de "
                            "bedoeling is)")
        conn.starttls(context=self.settings.tls_context())
        conn.ehlo()

    def _login(self, conn: smtplib.SMTP, where: str) -> None:
        """Log in when a user is set, only over TLS."""
        s = self.settings
        if not s.user:
            return
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

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._conn.quit()
            _quietly_close(self._conn)
            self._conn = None

    def _drop(self) -> None:
        _quietly_close(self._conn)
        self._conn = None

    def abandon(self) -> None:
        """Drop the connection without a goodbye (after an unexpected error in a transaction:
        the next one starts on a fresh connection)."""
        self._drop()

    # -- one transaction ---------------------------------------------------------------------

    def send(self, sender: str, recipients: Sequence[str], data: bytes,
             before_data: Callable[[list[str]], None] | None = None) -> dict[str, Outcome]:
        """One SMTP transaction; the outcome for every address in `recipients`.
        `before_data(accepted)` runs after the server said 354 and before the message goes out:
        up to there nothing can have been delivered (the ledger writes `sending` then)."""
        self.connect()
        conn = self._conn
        assert conn is not None
        too_large = _over_limit(conn, len(data))
        if too_large:
            return {r: Outcome("permanent", 552, too_large) for r in recipients}
        results: dict[str, Outcome] = {}
        try:
            accepted = self._envelope(conn, sender, recipients, len(data), results)
        except _Disconnected as exc:
            self._drop()
            for r in recipients:
                results.setdefault(r, Outcome("temporary", 0, f"verbinding verbroken: {exc}"))
            return results
        if not accepted:
            return results
        if before_data is not None:
            try:
                before_data(accepted)
            except BaseException:
                self._drop()  # the final "." is never sent: the server delivers nothing
                raise
        results.update(self._message(conn, data, accepted))
        return results

    def _envelope(self, conn: smtplib.SMTP, sender: str, recipients: Sequence[str], size: int,
                  results: dict[str, Outcome]) -> list[str]:
        """MAIL, RCPT per address and DATA: the addresses the server now waits for the message
        for; none when the transaction is over (`results` then says why)."""
        options = _mail_options(conn, sender, recipients, size)
        code, reply = self._ask(partial(conn.mail, sender, options))
        if code != 250:
            self._reset(code)
            results.update({r: _classify(code, reply) for r in recipients})
            return []
        accepted = self._recipients(conn, recipients, "SMTPUTF8" in options, results)
        if not accepted:
            self._reset(0)
            return []
        code, reply = self._ask(partial(conn.docmd, "DATA"))
        if code != 354:
            self._reset(code)
            results.update({r: _classify(code, reply) for r in accepted})
            return []
        return accepted

    def _recipients(self, conn: smtplib.SMTP, recipients: Sequence[str], utf8: bool,
                    results: dict[str, Outcome]) -> list[str]:
        """RCPT for each address: the accepted ones; the refused ones into `results`."""
        accepted = []
        for r in recipients:
            wire = ascii_domain(r)  # only a non-ASCII user name needs SMTPUTF8
            fault = envelope_fault(wire)
            if fault:
                results[r] = Outcome("failed", 0, fault)
                continue
            if not _ascii(wire) and not utf8:
                results[r] = Outcome("permanent", 0, "adres met niet-ASCII-tekens; de server "
                                                     "ondersteunt geen SMTPUTF8")
                continue
            try:
                code, reply = self._ask(partial(conn.rcpt, wire))
            except ValueError as exc:  # smtplib refuses CR/LF, a codec non-ASCII: nothing sent
                results[r] = Outcome("failed", 0, f"adres kan niet in een SMTP-opdracht ({exc})")
                continue
            if code in (250, 251):
                accepted.append(r)
            else:
                results[r] = _classify(code, reply)
        return accepted

    def _message(self, conn: smtplib.SMTP, data: bytes,
                 accepted: list[str]) -> dict[str, Outcome]:
        """The message itself and the server's answer to it, for every accepted address. Lost
        before the final "." went out: temporary; lost after it: uncertain, never sent."""
        try:
            conn.send(_payload(data))
        except (OSError, smtplib.SMTPException) as exc:
            # the final "." never went out, so the server cannot have accepted the message
            self._drop()
            return {r: Outcome("temporary", 0, f"verbinding verbroken tijdens het "
                                               f"versturen: {exc}") for r in accepted}
        try:
            code, reply = conn.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            return {r: Outcome("uncertain", 0, f"geen antwoord van de server na het "
                                               f"bericht ({exc}); onbekend of het is "
                                               "afgeleverd") for r in accepted}
        if code == 421:
            self._drop()
        if not (200 <= code < 600):
            return {r: Outcome("uncertain", code, _text(reply)) for r in accepted}
        return {r: _classify(code, _text(reply)) for r in accepted}

    def _ask(self, step: Callable[[], tuple[int, bytes]]) -> tuple[int, str]:
        """One command and its answer; a lost connection as `_Disconnected`."""
        try:
            code, reply = step()
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


def envelope_fault(address: str) -> str:
    """Why `address` cannot go into RCPT TO as it is (Dutch), or "": a control character (a
    line break would end the command), or text that smtplib would read as another address
    (it keeps what `parseaddr` finds: 'a@x.nl\\nDATA' would go to a@x.nl)."""
    if any(unicodedata.category(c) == "Cc" for c in address) or \
            parseaddr(address) != ("", address):
        return f"adres kan niet in een SMTP-opdracht ({address!r})"
    return ""


def _over_limit(conn: smtplib.SMTP, size: int) -> str:
    """Why the server would refuse a message of `size` bytes (its SIZE), or ""."""
    if not conn.has_extn("size"):
        return ""
    limit = int(conn.esmtp_features.get("size") or 0)
    if limit and size > limit:
        return f"bericht van {size} bytes is groter dan de server toestaat ({limit})"
    return ""


def _mail_options(conn: smtplib.SMTP, sender: str, recipients: Sequence[str],
                  size: int) -> list[str]:
    """The options of MAIL FROM: the size when the server wants it, SMTPUTF8 when an address
    needs it (a non-ASCII domain goes in its IDNA form: only a non-ASCII user name does)."""
    options = [f"SIZE={size}"] if conn.has_extn("size") else []
    needs_utf8 = not _ascii(sender) or any(not _ascii(ascii_domain(r)) for r in recipients)
    if needs_utf8 and conn.has_extn("smtputf8"):
        options.append("SMTPUTF8")
    return options


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
