"""Messages: a `MailPlan` into one or more `Outgoing` e-mails (`email.message.EmailMessage` and
its bytes), Dutch subject and body from the Jinja2 templates in `templates/mail/`.

Each mail has a plain-text and an HTML part, the attachments with their MIME type
(`application/pdf`, `application/zip`), a Message-ID and a Date. A mail that would exceed the size
limit (default 20 MB, counted as the encoded message) is split over several mails ("bericht 1 van
2"); a zip that alone is too large (a POI bundle, a library's school pages) is split into several
zips ("zipdeel 1 van 2", numbered apart from the mails: the small files go in the first mail, so
zip part 1 may travel in mail 2). Only a single PDF larger than the limit cannot be split
(reconcile reports it).

Every attached file is read from disk here and its sha256 compared with the one the ledger will
record, so what is logged as sent is exactly what was sent. The Message-ID is derived from the
school year, the recipient group, the part and the attachments' hashes: the same mail sent again
(after an uncertain crash) carries the same Message-ID, which mail clients use to drop doubles.

Headers made from data are safe by construction: a contact whose name or address cannot go into
a header or an SMTP envelope as we send them (a line break or other control character, an
address that is not one plain addr-spec, a non-ASCII user name that would need SMTPUTF8, which
these mails do not use, an encoded word in a name) is refused (`contact_fault`: the sending run
fails that one contact and leaves it out of the headers of the others). Addresses go into To and
Cc as `email.headerregistry.Address` objects, so quotes, commas and non-ASCII in a name are
quoted or encoded by the email package, with each name cut to one header line (`display_name`:
the package folds a longer one wrongly), and the written To and Cc are read back and must be
what was put in. The subject and the other texts are folded to one line (`header_text`), and an
attachment's file name with a control character is refused.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import textwrap
import unicodedata
import zipfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from email import policy
from email.errors import HeaderParseError, MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import formatdate, parseaddr
from pathlib import Path
from typing import TypedDict

import jinja2

from infographics import resources
from infographics.delivery.mailplan import Attachment, Contact, MailPlan
from infographics.edition.entitlement import Entitlements, RecipientKind
from infographics.errors import InfographicsError
from infographics.fileio import reproducible_zip
from infographics.numbers import decimal, edition_words

MB = 1_000_000
DEFAULT_MAX_SIZE = 20 * MB
RESERVE = 64 * 1024  # headers and the two body parts
PER_ATTACHMENT = 2048  # MIME headers of one attachment and its line in both bodies
TEMPLATES = resources.TEMPLATES / "mail"


def encoded_size(raw: int) -> int:
    """Bytes of `raw` bytes once base64-encoded in 76-character lines with CRLF."""
    chars = 4 * math.ceil(raw / 3)
    return chars + 2 * math.ceil(chars / 76)


def budget(max_size: int) -> int:
    """What the attachments of one mail may take, encoded."""
    return max(max_size - RESERVE, max_size // 2)


@dataclass(frozen=True)
class Piece:
    """One attachment as it goes into a mail: a file as it is, or a zip (packed from manifest
    files, or a part of a too-large zip)."""

    source: Attachment
    filename: str
    items: tuple[tuple[str, str], ...]  # (path, sha256) the ledger records; "path#1/3" = part
    members: tuple[str, ...] = ()  # packed: manifest paths; split zip: member names
    raw_size: int = 0  # estimated bytes before encoding (an upper bound)
    note: str = ""  # "zipdeel 1 van 2" for one of several zips

    @property
    def content_type(self) -> str:
        return "application/zip" if self.filename.endswith(".zip") else "application/pdf"

    @property
    def description(self) -> str:
        return f"{self.source.description} ({self.note})" if self.note else \
            self.source.description

    @property
    def size(self) -> int:
        return encoded_size(self.raw_size) + PER_ATTACHMENT


@dataclass(frozen=True)
class Part:
    """The attachments of one mail of a plan (`count` > 1 when the plan is split)."""

    plan: MailPlan
    index: int
    count: int
    pieces: tuple[Piece, ...]

    @property
    def label(self) -> str:
        return f"{self.index}/{self.count}"

    @property
    def key(self) -> str:
        return self.plan.key + (f"-bericht-{self.index}-van-{self.count}" if self.count > 1
                                else "")

    @property
    def items(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted({i for p in self.pieces for i in p.items}))

    @property
    def digest(self) -> str:
        text = "\n".join(f"{path} {sha}" for path, sha in self.items)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Outgoing:
    """A composed mail, ready to write as .eml or to send."""

    part: Part
    message: EmailMessage
    data: bytes  # the message as sent (CRLF line ends)
    message_id: str
    recipients: tuple[Contact, ...]  # who it is meant for (to + cc)
    envelope: tuple[str, ...]  # where SMTP delivers it (the test inbox when redirected)

    @property
    def size(self) -> int:
        return len(self.data)


# --------------------------------------------------------------------------- splitting


def split(plan: MailPlan, out: Path, max_size: int = DEFAULT_MAX_SIZE,
          actual: dict[str, str] | None = None) -> list[Part]:
    """The plan's attachments as pieces, grouped into parts that each fit `max_size`."""
    actual = actual or {}
    limit = budget(max_size)
    pieces: list[Piece] = []
    for a in plan.attachments:
        pieces.extend(_pieces(a, Path(out), limit, actual))
    groups: list[list[Piece]] = [[]]
    used = 0
    for piece in pieces:
        if groups[-1] and used + piece.size > limit:
            groups.append([])
            used = 0
        groups[-1].append(piece)
        used += piece.size
    groups = [g for g in groups if g] or [[]]
    return [Part(plan, i, len(groups), tuple(g)) for i, g in enumerate(groups, 1)]


def _sha(entry_path: str, manifest_sha: str, actual: dict[str, str]) -> str:
    return actual.get(entry_path, manifest_sha)


def _member_estimate(name: str, size: int) -> int:
    # local header + central directory entry + deflate's worst-case overhead
    return size + size // 1000 + 128 + 2 * len(name.encode())


def _pieces(a: Attachment, out: Path, limit: int, actual: dict[str, str]) -> list[Piece]:
    if a.packed:
        members = [(e.path, (out / e.path).stat().st_size, _sha(e.path, e.sha256, actual))
                   for e in a.entries]
        chunks = _chunks([(p, s) for p, s, _ in members], limit)
        shas = {p: sha for p, _, sha in members}
        out_pieces = []
        for i, chunk in enumerate(chunks, 1):
            name = a.filename if len(chunks) == 1 else _numbered(a.filename, i, len(chunks))
            out_pieces.append(Piece(a, name, tuple((p, shas[p]) for p, _ in chunk),
                                    tuple(p for p, _ in chunk),
                                    22 + sum(_member_estimate(p, s) for p, s in chunk),
                                    _note(i, len(chunks))))
        return out_pieces
    entry = a.entries[0]
    sha = _sha(entry.path, entry.sha256, actual)
    size = (out / entry.path).stat().st_size
    whole = Piece(a, a.filename, ((entry.path, sha),), (), size)
    if not a.filename.endswith(".zip") or whole.size <= limit:
        return [whole]
    with zipfile.ZipFile(out / entry.path) as zf:
        infos = [(i.filename, i.file_size) for i in zf.infolist() if not i.is_dir()]
    chunks = _chunks(infos, limit)
    # the label names the split too ("#1/2:<id>"): another limit can cut the same zip into the
    # same number of parts holding other members, and such a part must not pass for sent
    split = hashlib.sha256("\n".join("\0".join(n for n, _ in c) for c in chunks).encode()
                           ).hexdigest()[:12]
    return [Piece(a, _numbered(a.filename, i, len(chunks)),
                  ((f"{entry.path}#{i}/{len(chunks)}:{split}", sha),),
                  tuple(n for n, _ in chunk),
                  22 + sum(_member_estimate(n, s) for n, s in chunk), _note(i, len(chunks)))
            for i, chunk in enumerate(chunks, 1)]


def _chunks(members: list[tuple[str, int]], limit: int) -> list[list[tuple[str, int]]]:
    """Members in order, cut into as few runs as possible whose zips each fit `limit` once
    encoded, and of about equal size (so the first can share a mail with other files)."""
    sizes = [_member_estimate(n, s) for n, s in members]
    total, largest = 22 + sum(sizes), max(sizes, default=0)
    cap = _raw_budget(limit)
    n = max(1, math.ceil(total / cap))
    while True:
        target = min(total / n + largest, cap)
        chunks: list[list[tuple[str, int]]] = [[]]
        raw = 22
        for member, grow in zip(members, sizes, strict=True):
            if chunks[-1] and raw + grow > target:
                chunks.append([])
                raw = 22
            chunks[-1].append(member)
            raw += grow
        if len(chunks) <= n:
            return chunks
        n += 1


def _raw_budget(limit: int) -> int:
    """The largest raw size whose encoded size (plus MIME headers) fits `limit`."""
    room = limit - PER_ATTACHMENT
    return max(1, (room * 57) // 78)


def _note(i: int, n: int) -> str:
    return f"zipdeel {i} van {n}" if n > 1 else ""


def _numbered(filename: str, i: int, n: int) -> str:
    stem, dot, ext = filename.rpartition(".")
    return f"{stem}-zipdeel-{i}-van-{n}.{ext}" if dot else f"{filename}-zipdeel-{i}-van-{n}"


# --------------------------------------------------------------------------- templates


class Person(TypedDict):
    name: str
    email: str


class Redirect(TypedDict):
    """A test send: where it goes instead, and whom it was meant for."""

    address: str
    to: list[str]
    cc: list[str]


class AttachmentLine(TypedDict):
    filename: str
    description: str
    size: str  # "1,2 MB", "84 kB"


class TemplateContext(TypedDict):
    """What the mail templates can use (documented at the top of each template)."""

    school_year: str
    edition: str  # the mail's year in words: "schooljaar 2022-2023", "kalenderjaar 2022"
    kind: RecipientKind
    entity_id: str
    entity_name: str
    provinces: list[str]
    salutation: str
    to: list[Person]
    cc: list[Person]
    attachments: list[AttachmentLine]
    school_zip: bool
    partners_year: str  # the partners edition (calendar year) the mail carries, else ""
    part: int
    parts: int
    sender_name: str
    redirect: Redirect | None
    portal_url: str | None  # the portal's public address, when one is configured


class Templates:
    """The mail templates: `subject.j2`, `body.txt.j2`, `body.html.j2`; a folder given by the
    user is looked in first, so one template can be changed without copying the others."""

    NAMES = ("subject.j2", "body.txt.j2", "body.html.j2")

    def __init__(self, folder: Path | None = None):
        folders = ([str(folder)] if folder else []) + [str(TEMPLATES)]
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folders),
            autoescape=lambda name: bool(name and name.endswith(".html.j2")),
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, name: str, context: TemplateContext) -> str:
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise InfographicsError(f"{exc.filename or name}:{exc.lineno}: fout in "
                                    f"mailsjabloon: {exc.message}") from exc
        except jinja2.TemplateError as exc:
            raise InfographicsError(f"mailsjabloon {name}: {exc}") from exc


def names(contacts: Sequence[Contact]) -> str:
    """'Femke de Groot', 'Femke de Groot en Jan Bos', 'A, B en C'; 'collega' without names."""
    found = [c.name for c in contacts if c.name]
    if not found:
        return "collega"
    return found[0] if len(found) == 1 else f"{', '.join(found[:-1])} en {found[-1]}"


def context(part: Part, sender: str, redirect: Redirect | None = None,
            sizes: Sequence[int] | None = None, portal_url: str | None = None) -> TemplateContext:
    """What the templates can use (documented at the top of each template). `sizes`: the bytes
    of each attachment as attached; without them the estimate (an upper bound) is shown."""
    plan = part.plan
    sizes = list(sizes) if sizes is not None else [p.raw_size for p in part.pieces]
    return {
        "school_year": plan.school_year,
        "edition": edition_words(plan.school_year),
        "kind": plan.recipient.kind,
        "entity_id": plan.recipient.entity_id,
        "entity_name": plan.entity_name,
        "provinces": list(plan.provinces),
        "salutation": names(plan.to),
        "to": [Person(name=c.name, email=c.email) for c in plan.to],
        "cc": [Person(name=c.name, email=c.email) for c in plan.cc],
        "attachments": [AttachmentLine(filename=p.filename, description=p.description,
                                       size=_mb(size))
                        for p, size in zip(part.pieces, sizes, strict=True)],
        "school_zip": any(p.source.packed for p in part.pieces),
        "partners_year": next((e.school_year for e in plan.entries()
                               if e.subject == "partners"), ""),
        "part": part.index,
        "parts": part.count,
        "sender_name": parseaddr(sender)[0] or "Team Bibliotheekmonitor",
        "redirect": redirect,
        "portal_url": portal_url,
    }


def _mb(raw: int) -> str:
    return f"{decimal(raw / MB, 1)} MB" if raw >= MB // 10 else f"{max(1, round(raw / 1000))} kB"


# --------------------------------------------------------------------------- header safety

# what ends a line somewhere (str.splitlines, mail programs, SMTP): never in a header or envelope
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def _codes(chars: Collection[str]) -> str:
    found = sorted(set(chars))
    return ", ".join(f"U+{ord(c):04X}" for c in found[:5]) + (" ..." if len(found) > 5 else "")


def _unsafe(c: str) -> bool:
    """Whether `c` may not go into a header: a line break, another control character (a tab
    excepted: it is folding white space) or a lone surrogate."""
    return c in LINE_BREAKS or (c != "\t" and unicodedata.category(c) in ("Cc", "Cs"))


def _control_fault(what: str, text: str) -> str:
    bad = [c for c in text if _unsafe(c)]
    if not bad:
        return ""
    kind = "regeleinde" if any(c in LINE_BREAKS for c in bad) else "stuurteken"
    return f"{what} bevat een {kind} ({_codes(bad)})"


def address_fault(address: str) -> str:
    """Why `address` cannot go into a header and an SMTP envelope as these mails are sent
    (Dutch), or "": one plain addr-spec, nothing that ends a line, an ASCII user name (a
    non-ASCII one needs SMTPUTF8, which these mails do not use) and a domain that has an ASCII
    (IDNA) form."""
    fault = _control_fault("adres", address)
    if fault:
        return fault
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return "geen e-mailadres (naam@domein.nl verwacht)"
    if not local.isascii():
        return ("niet-ASCII-tekens vóór de @ vragen SMTPUTF8, dat deze verzending niet "
                "gebruikt")
    wire = ascii_domain(address)
    if not wire.isascii():
        return "de domeinnaam na de @ heeft geen ASCII-vorm (IDNA)"
    try:
        parsed = Address(addr_spec=wire).addr_spec
    except (MessageError, HeaderParseError, ValueError, IndexError) as exc:
        return f"geen geldig e-mailadres voor een mailkop ({exc})"
    if parsed != wire:
        return f"geen enkelvoudig e-mailadres (gelezen als {parsed!r})"
    return ""


# an RFC 2047 encoded word: the email package decodes one in a display name (even quoted), so a
# name that holds one would be shown as something else than the data says
ENCODED_WORD = re.compile(r"=\?[^?]*\?[bBqQ]\?[^?]*\?=")


def name_fault(name: str) -> str:
    """Why `name` cannot be the display name of an address (Dutch), or ""."""
    fault = _control_fault("naam", name)
    if not fault and ENCODED_WORD.search(name):
        fault = ("naam bevat gecodeerde tekst (=?...?=), die mailprogramma's anders tonen dan "
                 "er staat")
    return fault


def contact_fault(contact: Contact) -> str:
    """Why this contact cannot be addressed in a mail (Dutch), or "": its name and address as
    they would go into the To or Cc header and the envelope."""
    return "; ".join(f for f in (name_fault(contact.name), address_fault(contact.email)) if f)


def safe_plan(plan: MailPlan) -> MailPlan:
    """`plan` without the contacts `contact_fault` refuses (cc contacts are addressed when no
    `to` contact is left, as `plan_mail` does)."""
    unsafe = {c.address for c in plan.contacts if contact_fault(c)}
    return plan.without(unsafe) if unsafe else plan


def header_text(text: str) -> str:
    """`text` folded to one line for a header: line breaks, control characters and runs of
    white space become one space."""
    return " ".join("".join(" " if _unsafe(c) else c for c in text).split())


def visible(text: str, limit: int | None = None) -> str:
    """`text` for a terminal or a log line: what is not printable (line breaks, escape
    sequences, bidi controls) as its escape ('\\n', '\\x1b', '\\u202e'), so data can neither
    break a line nor steer the terminal; cut after `limit` characters."""
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def check_sender(sender: str) -> None:
    """The From of the mails, as the user gave it: one address, safe in a header and an
    envelope (InfographicsError otherwise, before anything is composed)."""
    fault = _control_fault("afzender", sender)
    if not fault:
        header = policy.default.header_factory("From", sender)
        if len(header.addresses) != 1 or header.defects:
            fault = "één afzender verwacht, als Naam <adres@domein.nl> of adres@domein.nl"
        else:
            fault = address_fault(header.addresses[0].addr_spec)
    if fault:
        raise InfographicsError(f"--from {sender!r}: {fault}")


# --------------------------------------------------------------------------- composing


ID_CHARS = 64  # an entity id longer than this is shortened (and hashed) in a Message-ID


def message_id(part: Part, sender: str, test: str = "") -> str:
    domain = ascii_domain(parseaddr(sender)[1]).rpartition("@")[2]
    if not domain or address_fault(f"x@{domain}"):
        domain = "bibliotheekmonitor.invalid"
    r = part.plan.recipient
    entity = r.entity_id or "nl"
    if len(entity) > ID_CHARS:  # a Message-ID cannot be folded: keep it well within a line
        digest = hashlib.sha256(entity.encode("utf-8", "replace")).hexdigest()
        entity = f"{entity[:40]}-{digest[:12]}"
    local = f"{part.plan.school_year[:20]}.{r.kind}.{entity}.{part.index}-{part.count}." \
            f"{part.digest[:20]}{test}"
    return f"<{re.sub(r'[^A-Za-z0-9.!#$%&*+/=?^_`{|}~-]', '-', local)}@{domain}>"


def _address(c: Contact) -> Address:
    """A contact as a header address: the email package quotes or encodes the name."""
    return Address(display_name=display_name(c.name), addr_spec=ascii_domain(c.email))


def display_name(name: str) -> str:
    """`name` as the To or Cc header shows it: white space as single spaces, and cut (ending in
    '…') where it would not fit on one header line. The email package folds a longer name
    wrongly: a quoted name loses its quotes (a comma in it then splits the address in two, a
    quote swallows the next address) and an encoded one gains spaces."""
    shown = " ".join(name.split())
    if _one_line(shown):
        return shown
    lo, hi = 0, len(shown)  # the longest prefix that fits with its '…'
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _one_line(shown[:mid].rstrip() + "…"):
            lo = mid
        else:
            hi = mid - 1
    return shown[:lo].rstrip() + "…" if lo else ""


def _one_line(name: str) -> bool:
    """Whether `name`, as a display name, fits on one header line (with a short address)."""
    msg = EmailMessage()
    msg["To"] = Address(display_name=name, addr_spec="x@x.nl")
    return b"\r\n" not in msg.as_bytes(policy=policy.SMTP).split(b"\r\n\r\n", 1)[0]


def _check_addressed(data: bytes, msg: EmailMessage) -> None:
    """The To and Cc headers of the written mail read back as the addresses put in (the email
    package's folding has bugs with odd names): InfographicsError otherwise."""
    head = BytesHeaderParser(policy=policy.default).parsebytes(data)
    for name in ("To", "Cc"):
        try:
            got = [(a.display_name, a.addr_spec) for a in head[name].addresses] \
                if head[name] is not None else []
        except Exception as exc:  # noqa: BLE001 -- its parser fails on some folded headers
            got = [("", f"{type(exc).__name__}: {exc}")]
        meant = [(a.display_name, a.addr_spec) for a in msg[name].addresses] \
            if msg[name] is not None else []
        if got != meant:
            raise InfographicsError(f"kop {name} van het bericht wordt anders gelezen dan "
                                    f"bedoeld: {visible(str(got), 200)}")


def ascii_domain(address: str) -> str:
    """`address` with a non-ASCII domain (bibliotheek-fryslân.nl) in its IDNA form: a header
    cannot carry it otherwise (the email package would write an encoded word into the
    address, which no mail program can reply to)."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address


def compose_mail(part: Part, out: Path, sender: str, templates: Templates,
                 ents: Entitlements | None = None, redirect_to: str | None = None,
                 only: Sequence[Contact] | None = None, test_tag: str = "",
                 portal_url: str | None = None) -> Outgoing:
    """The e-mail for `part`. `only`: the contacts this run delivers to (the rest had it);
    `redirect_to`: deliver to that address instead, the intended recipients named in the
    subject and the body. `ents`: check once more that every file may go to this recipient.
    `portal_url`: where the recipient can see the same files and figures online."""
    plan = part.plan
    for c in plan.contacts:
        fault = contact_fault(c)
        if fault:
            raise InfographicsError(f"{c.email!r}: {fault}")
    if ents is not None:
        _check_entitled(part, ents)
    files = [(p, read_piece(p, Path(out))) for p in part.pieces]
    redirect = None
    if redirect_to:
        redirect = Redirect(address=redirect_to, to=[c.email for c in plan.to],
                            cc=[c.email for c in plan.cc])
    ctx = context(part, sender, redirect, [len(data) for _, data in files], portal_url)
    mid = message_id(part, sender, test_tag)
    msg = _headers(part, sender, redirect_to, mid, templates.render("subject.j2", ctx))
    msg.set_content(reflow(templates.render("body.txt.j2", ctx)), cte="quoted-printable")
    msg.add_alternative(templates.render("body.html.j2", ctx), subtype="html",
                        cte="quoted-printable")
    for piece, data in files:
        maintype, subtype = piece.content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype,
                           filename=attachment_name(piece))
    msg["Content-Language"] = "nl"  # after the content: set_content drops Content-* headers
    data = msg.as_bytes(policy=policy.SMTP)
    _check_addressed(data, msg)
    recipients = tuple(only) if only is not None else plan.contacts
    envelope = (redirect_to,) if redirect_to else tuple(c.email for c in recipients)
    return Outgoing(part, msg, data, mid, recipients, envelope)


def _check_entitled(part: Part, ents: Entitlements) -> None:
    plan = part.plan
    for piece in part.pieces:
        for entry in piece.source.entries:
            if not ents.may_receive(plan.recipient, entry):
                raise InfographicsError(f"{entry.path} mag niet naar {plan.key}; "
                                        "niets verstuurd")


def _headers(part: Part, sender: str, redirect_to: str | None, mid: str,
             subject: str) -> EmailMessage:
    """A message with the headers of `part` and no content yet."""
    plan = part.plan
    msg = EmailMessage()
    msg["From"] = sender
    if redirect_to:
        msg["To"] = ascii_domain(redirect_to)
    else:
        msg["To"] = tuple(_address(c) for c in plan.to)
        if plan.cc:
            msg["Cc"] = tuple(_address(c) for c in plan.cc)
    msg["Subject"] = header_text(subject)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = mid
    msg["X-Bibliotheekmonitor"] = header_text(f"{plan.school_year} {plan.key} bericht "
                                              f"{part.label}")
    return msg


def attachment_name(piece: Piece) -> str:
    """The file name of an attachment as it goes into its header; one with a line break or
    another control character is refused (names are made by `fileio.slug`, so it is not
    ours)."""
    fault = _control_fault("bestandsnaam", piece.filename)
    if fault:
        raise InfographicsError(f"bijlage {piece.filename!r}: {fault}")
    return piece.filename


def read_piece(piece: Piece, out: Path) -> bytes:
    """The bytes to attach, after checking each file against the sha256 to be logged."""
    src = piece.source
    if src.packed:
        by_path = {e.path: e for e in src.entries}
        expected = dict(piece.items)
        files = []
        for path in piece.members:
            data = _checked(out / path, expected[path], path)
            files.append((by_path[path].path.rsplit("/", 1)[-1], data))
        return reproducible_zip(_unique_members(files))
    (path, sha), = piece.items
    base = path.split("#", 1)[0]
    data = _checked(out / base, sha, base)
    if not piece.members:
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return reproducible_zip([(name, zf.read(name)) for name in piece.members])


def reflow(text: str, width: int = 76) -> str:
    """The text part with each plain paragraph filled to `width` (names of any length are
    filled into the template's lines, which left odd breaks); list items ("- ...") and indented
    lines keep their own lines, a long item wraps under its own text."""
    out = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        if any(line.startswith(("-", " ")) for line in lines):
            for line in lines:
                if len(line) <= width:
                    out.append(line)
                    continue
                lead = len(line) - len(line.lstrip(" -"))
                out.append(textwrap.fill(line[lead:], width, initial_indent=line[:lead],
                                         subsequent_indent=" " * lead,
                                         break_long_words=False, break_on_hyphens=False))
        else:
            out.append(textwrap.fill(" ".join(lines), width, break_long_words=False,
                                     break_on_hyphens=False) if block.strip() else block)
        out.append("")
    return "\n".join(out[:-1])


def _checked(file: Path, sha: str, label: str) -> bytes:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InfographicsError(f"{label}: kan niet gelezen worden ({exc})") from exc
    if hashlib.sha256(data).hexdigest() != sha:
        raise InfographicsError(f"{label}: bestand is veranderd sinds de controle; "
                                "niets verstuurd")
    return data


def _unique_members(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    seen: set[str] = set()
    out = []
    for name, data in files:
        unique, n = name, 1
        while unique in seen:
            n += 1
            stem, _, ext = name.rpartition(".")
            unique = f"{stem}-{n}.{ext}"
        seen.add(unique)
        out.append((unique, data))
    return out


def check_size(outgoing: Outgoing, max_size: int) -> None:
    """A split mail must fit; only a single unsplittable file may exceed (reconcile said so)."""
    if outgoing.size <= max_size:
        return
    pieces = outgoing.part.pieces
    if len(pieces) == 1 and not pieces[0].filename.endswith(".zip"):
        return
    raise InfographicsError(f"{outgoing.part.key}: bericht is {outgoing.size} bytes, groter dan "
                            f"de limiet van {max_size} (schatting te laag); niets verstuurd")
