"""Test helpers for delivery (issue 6): a stand-in of the full sample edition and a real SMTP
server (aiosmtpd) on 127.0.0.1.

The stand-in edition has every file of `infographics build --subject all --level all --year all`
of the sample (the same paths, levels, entities and manifest rows, every school year and
partners calendar year) plus the POI bundles made by `bundle.make_bundles`, but each page is a
tiny one-page PDF whose text names what it is (`STANDIN level=library entity=bib-0001
library=bib-0001 year=2020-2021`; `year=2022` for a partners page), so it is made in seconds
instead of many minutes, and a test can read from any attachment whose page it is. `send`
mails its latest school year, `LATEST`, by default.
Built once per test run (shared by xdist workers through a file lock); do not change it, copy it.
"""

from __future__ import annotations

import email
import hashlib
import io
import re
import shutil
import socket
import ssl
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pypdf
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from editions import shared_folder
from reportlab.pdfgen import canvas

from infographics.data.read import load
from infographics.edition.bundle import make_bundles
from infographics.edition.entitlement import Entitlements
from infographics.edition.manifest import update_manifest
from infographics.edition.outcome import Built
from infographics.edition.plan import plan
from infographics.levels import PAGE_LEVELS, SUBJECTS

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
YEAR = "2020-2021"
LATEST = "2022-2023"  # the sample's latest school year: what `send` mails without --year
SENDER = "Team Bibliotheekmonitor <monitor@kb.example.org>"
STANDIN = re.compile(r"STANDIN level=([^\s)]+) entity=([^\s)]+) library=([^\s)]*) "
                     r"year=(\d{4}(?:-\d{4})?)")


def message(subject: str = "Test", to: str = "a@bibliotheek.example.org") -> bytes:
    """A small mail with a line holding only a dot (SMTP must escape it)."""
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content("Hallo\n.\nEen regel met alleen een punt hierboven.\n")
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


def standin_pdf(level: str, entity: str, library: str, year: str, path: str = "") -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1, pageCompression=0)  # text readable in the bytes
    c.drawString(72, 720, f"STANDIN level={level} entity={entity} library={library} year={year}")
    c.drawString(72, 700, f"path={path}")
    c.showPage()
    c.save()
    return buffer.getvalue()


def standin_edition(factory: pytest.TempPathFactory, ctx) -> Path:
    """The folder of the stand-in sample edition with bundles (built on first use)."""

    def make(building: Path) -> None:
        entries = []
        for job in plan(ctx.figures, SUBJECTS, PAGE_LEVELS, years=["all"]):
            data = standin_pdf(job.level, job.entity_id, job.library_id, job.school_year,
                               job.path)
            file = building / job.path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(data)
            entries.append(Built(job, hashlib.sha256(data).hexdigest(), 1).entry())
        update_manifest(building, entries)
        make_bundles(building, entitlements())

    return shared_folder(factory, "mail-edition", make)


_ENTS: list[Entitlements] = []


def entitlements() -> Entitlements:
    if not _ENTS:
        _ENTS.append(Entitlements.from_tables(load(SAMPLE)))
    return _ENTS[0]


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


# --------------------------------------------------------------------------- SMTP server


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)


@dataclass
class Mailbox:
    """aiosmtpd handler that keeps every message and can refuse addresses: `temporary[a] = n`
    answers 451 n times, `permanent` answers 550; hooks run before MAIL and before the 250 to
    DATA (the tests use them to kill a sending process at an exact moment)."""

    received: list[Received] = field(default_factory=list)
    temporary: dict[str, int] = field(default_factory=dict)
    permanent: set[str] = field(default_factory=set)
    refused: Counter = field(default_factory=Counter)
    before_mail: Callable[[int], None] | None = None
    before_reply: Callable[[int], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.before_mail is not None:
            self.before_mail(len(self.received))
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        key = address.lower()
        if key in self.permanent:
            self.refused[key] += 1
            return "550 5.1.1 Mailbox bestaat niet"
        if self.temporary.get(key, 0) > 0:
            self.temporary[key] -= 1
            self.refused[key] += 1
            return "451 4.7.1 Probeer het later nog eens"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          envelope.original_content or envelope.content))
        if self.before_reply is not None:
            self.before_reply(len(self.received))
        return "250 2.0.0 Ontvangen"

    def per_address(self) -> Counter:
        return Counter(a.lower() for r in self.received for a in r.rcpt_tos)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    mailbox: Mailbox
    port: int
    controller: Controller

    def stop(self) -> None:
        self.controller.stop()


def start_server(mailbox: Mailbox | None = None, **kwargs) -> Server:
    mailbox = mailbox or Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return Server(mailbox, port, controller)


@pytest.fixture
def server():
    s = start_server()
    yield s
    s.stop()


class Authenticator:
    def __init__(self, user: str, password: str):
        self.user, self.password = user.encode(), password.encode()
        self.logins: list[bytes] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.logins.append(auth_data.login)
        ok = auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok, handled=False)


def tls_contexts() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A test CA: the server's context (certificate for 127.0.0.1) and a client context that
    trusts that CA (and nothing else)."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    return server_ctx, client_ctx


# --------------------------------------------------------------------------- reading mails


def attachments(msg: EmailMessage) -> list[tuple[str, str, bytes]]:
    return [(a.get_filename(), a.get_content_type(), a.get_content())
            for a in msg.iter_attachments()]


def pdf_standin(data: bytes) -> tuple[str, str, str, str]:
    """(level, entity, library, year) of a stand-in page (read from its uncompressed bytes;
    `pdf_standin_text` reads it the way a PDF reader does)."""
    assert data.startswith(b"%PDF-")
    found = STANDIN.search(data.decode("latin-1"))
    assert found, data[:200]
    return found.groups()


def pdf_standin_text(data: bytes) -> tuple[str, str, str, str]:
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    found = STANDIN.search(text)
    assert found, text
    return found.groups()


def zip_members(data: bytes) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}
