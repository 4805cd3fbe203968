"""Login mails: an address, a name and a login link into a Dutch e-mail (Jinja2 templates in
`templates/portal/mail/`, loaded once), delivered over the SMTP transport of `send` or written
as an .eml file into an outbox folder (trials and tests).

No request waits for a mail: the login request only hands its address to the background worker
of `logins`, which makes the link, composes and delivers the mail (or drops the request) for
every address alike, so the answer cannot be timed to tell a known address from an unknown one.
Over SMTP the mail then goes out from one more background thread, so that worker does not wait
for the mail server either. An outbox is private: the folder 0700, each .eml (a live login
link) 0600. The link is never logged: a failure is reported with the address only.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from functools import cache
from pathlib import Path
from typing import Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from infographics.delivery.smtp import SmtpSettings, SmtpTransport
from infographics.fileio import atomic_write, slug
from infographics.resources import TEMPLATES

LOG = logging.getLogger(__name__)
MAIL_TEMPLATES = TEMPLATES / "portal" / "mail"


@dataclass(frozen=True)
class LoginMail:
    """What a login mail says."""

    to: str
    name: str
    link: str
    minutes: int
    portal: str  # the portal's public address


@cache
def _environment() -> Environment:
    """The mail templates, loaded once for every mail."""
    return Environment(loader=FileSystemLoader(MAIL_TEMPLATES), undefined=StrictUndefined,
                       autoescape=False, keep_trailing_newline=True)


def compose(mail: LoginMail, sender: str) -> EmailMessage:
    """The login mail as a message (plain text: the link is the only thing in it)."""
    env = _environment()
    values = {"naam": mail.name, "link": mail.link, "minuten": mail.minutes,
              "portaal": mail.portal}
    msg = EmailMessage()
    msg["Subject"] = env.get_template("subject.j2").render(values).strip()
    msg["From"] = sender
    msg["To"] = mail.to
    msg["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "bibliotheekmonitor.invalid"
    msg["Message-ID"] = make_msgid("inloggen", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(env.get_template("body.txt.j2").render(values))
    return msg


class Mailer(Protocol):
    def deliver(self, msg: EmailMessage) -> None: ...


class OutboxMailer:
    """Each mail as an .eml file in `folder` (made private: 0700), written at once (atomically)
    and readable by its owner only (0600): it holds a live login link."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def deliver(self, msg: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.folder.stat().st_mode & 0o077:  # a folder that was there before
            os.chmod(self.folder, 0o700)
        path = self.folder / f"{time.time_ns()}-{slug(str(msg['To']), 60)}.eml"
        atomic_write(path, msg.as_bytes())  # 0644 for a moment, inside the 0700 folder
        os.chmod(path, 0o600)


class SmtpMailer:
    """Mails over SMTP from one background thread (one connection, reopened when lost)."""

    def __init__(self, settings: SmtpSettings, sender: str):
        self.settings = settings
        self.sender = sender
        self._queue: queue.Queue[EmailMessage | None] = queue.Queue(maxsize=1000)
        self._thread = threading.Thread(target=self._run, name="portaal-mail", daemon=True)
        self._thread.start()

    def deliver(self, msg: EmailMessage) -> None:
        try:
            self._queue.put_nowait(msg)
        except queue.Full:
            LOG.error("portaal: inlogmail aan %s niet verstuurd: wachtrij vol", msg["To"])

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        with SmtpTransport(self.settings) as transport:
            while (msg := self._queue.get()) is not None:
                self._send(transport, msg)

    def _send(self, transport: SmtpTransport, msg: EmailMessage) -> None:
        to = str(msg["To"])
        try:
            outcome = transport.send(parseaddr(self.sender)[1], [to], msg.as_bytes())[to]
        except Exception as exc:  # the thread goes on with the next mail
            LOG.error("portaal: inlogmail aan %s niet verstuurd: %s", to, type(exc).__name__)
            return
        if outcome.status != "sent":
            LOG.error("portaal: inlogmail aan %s niet verstuurd: %s", to, outcome.reason())
