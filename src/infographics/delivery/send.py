"""Delivery: a built edition (manifest) and the contacts into mails, written to an outbox
(dry run, the default) or sent over SMTP with the send ledger; also the ledger's status table.

    load tables --> Entitlements + contacts --mailplan--> MailPlan per recipient group
    --reconcile--> problems (serious ones stop a real send unless allowed per kind)
    --messages.split--> parts --ledger.state--> what this run delivers (--only, --limit)
    --> outbox/*.eml + outbox/overzicht.csv        (dry run; nothing leaves the machine)
    --> SMTP via dispatch.Dispatcher, ledger, <out>/verzending/failures.csv    (--send)
    --> the test inbox, intended recipients in subject and body           (--send --redirect-to)

Contact rows that fail validation (a bad address, an unknown library) do not stop loading: they
are left out and become reconciliation problems. Every other input error stops as usual.

Nothing about one recipient stops a run, dry or real: a contact that cannot be addressed (a line
break in its name, an address that would need SMTPUTF8; `messages.contact_fault`) fails alone
and is left out of the headers of the others; a mail that cannot be made fails its addresses
(ledger `failed`, failures.csv, the summary; a dry run reports them and writes the other mails).
Names of outbox files come from `fileio.slug` and are written only inside the outbox, which is
replaced whole (`outbox.replacing`).
"""

from __future__ import annotations

import csv
import os
import time
import tomllib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypedDict, cast

from infographics.data.read import Tables, load
from infographics.delivery.dispatch import (
    Dispatcher,
    QueuedMail,
    RateLimiter,
    Refusal,
    SendReport,
    unmade,
)
from infographics.delivery.ledger import LABELS, Ledger, Row, State, Target, write_failures
from infographics.delivery.mailplan import (
    Contact,
    MailPlan,
    choose_year,
    contacts_from_table,
    plan_mail,
)
from infographics.delivery.messages import (
    DEFAULT_MAX_SIZE,
    MB,
    Outgoing,
    Part,
    Templates,
    check_sender,
    check_size,
    compose_mail,
    contact_fault,
    message_id,
    safe_plan,
    split,
    visible,
)
from infographics.delivery.outbox import OVERVIEW, replacing
from infographics.delivery.reconcile import (
    ALLOWABLE,
    KINDS,
    SERIOUS,
    Discrepancy,
    Reconciliation,
    reconcile,
)
from infographics.delivery.smtp import SmtpSettings, SmtpTransport
from infographics.edition.entitlement import Entitlements
from infographics.edition.lock import exclusive
from infographics.edition.manifest import Entry, read_manifest
from infographics.errors import InfographicsError, InputError, Problem
from infographics.fileio import atomic_text, atomic_write, inside, slug
from infographics.numbers import count, decimal, edition_words, integer

FAILURES = Path("verzending") / "failures.csv"
LEDGER_ENV = "INFOGRAPHICS_VERZENDLOG"
OUTBOX = "outbox"
DRY_RUN_SENDER = "Team Bibliotheekmonitor <bibliotheekmonitor@afzender.invalid>"
NATIONAL_IDS = ("national", "landelijk", "NL")


def default_ledger() -> Path:
    """The send log every run uses unless told otherwise: one per user, outside any output
    folder, so that deleting or rebuilding an edition (or sending from a copy of it) can never
    make the tool forget what it sent. $INFOGRAPHICS_VERZENDLOG, else
    $XDG_DATA_HOME/bibliotheekmonitor/verzendlog.sqlite (~/.local/share/...)."""
    if os.environ.get(LEDGER_ENV):
        return Path(os.environ[LEDGER_ENV])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "bibliotheekmonitor" / "verzendlog.sqlite"


@dataclass
class Options:
    """What `infographics send` was asked to do (the CLI's options and --config)."""

    data: Path
    out: Path
    mapping: Path | None = None
    year: str | None = None
    send: bool = False
    outbox: Path | None = None  # default <out>/outbox
    limit: int | None = None
    only: Sequence[str] = ()
    redirect_to: str | None = None
    allow: Sequence[str] = ()
    resend_changed: bool = False
    resend_uncertain: bool = False
    max_size: int = DEFAULT_MAX_SIZE
    sender: str | None = None
    smtp: SmtpSettings | None = None
    rate: float = 30.0  # messages per minute; 0 = no limit
    retries: int = 3
    retry_delay: float = 30.0  # seconds before the first retry; doubled each time
    ledger: Path | None = None  # default: default_ledger()
    templates: Path | None = None
    portal_url: str | None = None  # the portal's public address: named in every mail

    @property
    def outbox_dir(self) -> Path:
        return self.outbox or Path(self.out) / OUTBOX

    @property
    def ledger_path(self) -> Path:
        return self.ledger or default_ledger()

    @property
    def failures_path(self) -> Path:
        """Next to a send log given with --ledger, else in the edition (<out>/verzending)."""
        return self.ledger.parent / FAILURES.name if self.ledger else Path(self.out) / FAILURES


@dataclass
class Prepared:
    """Everything known before deciding what to send."""

    year: str
    tables: Tables
    ents: Entitlements
    manifest: dict[str, Entry]
    contacts: list[Contact]
    plans: list[MailPlan]
    reconciliation: Reconciliation


@dataclass
class Planned:
    """One mail (part) and, per contact, what the ledger says; `deliver`: this run's share."""

    part: Part
    states: dict[str, State]  # address (as written) -> what the ledger says
    deliver: tuple[Contact, ...]
    targets: dict[str, Target]  # address (as written) -> ledger target
    changed: tuple[str, ...] = ()  # files that reached someone here in another version
    refused: dict[str, str] = field(default_factory=dict)  # address -> why it fails unsent


@dataclass
class Result:
    """What a run of `deliver` planned, wrote (dry run) or sent."""

    prepared: Prepared
    planned: list[Planned] = field(default_factory=list)
    selected: list[Planned] = field(default_factory=list)
    blocking: list[Discrepancy] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    sent: SendReport | None = None
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # dry run: key, address, why
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.blocking and not self.failed and not (
            self.sent and (self.sent.failed or self.sent.uncertain))


# --------------------------------------------------------------------------- preparing


def load_tables(data: Path, mapping: Path | None = None) -> tuple[Tables, list[Problem]]:
    """The input tables; contact rows with errors are left out and returned, any other error
    raises `InputError` as `load` does."""
    try:
        return load(data, mapping), []
    except InputError as exc:
        errors = exc.report.errors
        if any(p.table != "contacts" or p.row is None or p.row < 2 for p in errors):
            raise
        return load(data, mapping, skip_bad_rows=True), errors


def _selected(plan: MailPlan, only: Sequence[str]) -> bool:
    if not only:
        return True
    if plan.recipient.kind == "national":
        return any(i in NATIONAL_IDS for i in only)
    return plan.recipient.entity_id in only


def prepare_delivery(opts: Options) -> Prepared:
    tables, contact_errors = load_tables(opts.data, opts.mapping)
    ents = Entitlements.from_tables(tables)
    manifest = read_manifest(opts.out)
    year = choose_year(manifest, opts.year, ents.years())
    contacts = contacts_from_table(tables.contacts)
    plans = [p for p in plan_mail(manifest, contacts, ents, year) if _selected(p, opts.only)]
    if opts.only:
        known = {p.recipient.entity_id for p in plans} | (
            set(NATIONAL_IDS) if any(p.recipient.kind == "national" for p in plans) else set())
        unknown = [i for i in opts.only if i not in known]
        if unknown:
            raise InfographicsError(f"--only: geen ontvanger met contactpersoon voor "
                                    f"{', '.join(unknown)} in {year}")
    rec = reconcile(plans, contacts, tables.contacts, ents, manifest, Path(opts.out), year,
                    contact_errors, opts.only, opts.max_size)
    # files that are not there, or may never go, are left out of the mails (when allowed)
    unusable = rec.missing | rec.blocked
    if unusable:
        plans = [p for p in plan_mail(manifest, contacts, ents, year,
                                      usable=lambda e: e.path not in unusable)
                 if _selected(p, opts.only)]
    return Prepared(year, tables, ents, manifest, contacts, plans, rec)


def plan_parts(prep: Prepared, opts: Options, ledger: Ledger) -> list[Planned]:
    """Every part of every plan with each contact's state in the ledger."""
    out = []
    for plan in prep.plans:
        try:
            parts = split(plan, opts.out, opts.max_size, prep.reconciliation.actual)
        except OSError as exc:  # a file gone since reconcile looked: this plan's alone
            why = f"bijlage kan niet gelezen worden ({exc})"
            out.append(_planned(Part(plan, 1, 1, ()), opts, ledger, why))
            continue
        for part in parts:
            if part.pieces:  # none: its files are missing (reconcile said so)
                out.append(_planned(part, opts, ledger))
    return out


def _planned(part: Part, opts: Options, ledger: Ledger, failure: str = "") -> Planned:
    """`part` with each contact's state; `failure`: why none of them can have it."""
    plan = part.plan
    targets = {c.email: Target(plan.school_year, c.address, c.role, c.kind,
                               plan.recipient.entity_id, plan.entity_name, part.label,
                               part.items, part.digest)
               for c in plan.contacts}
    states = {c.email: ledger.state(targets[c.email]) for c in plan.contacts}
    if opts.redirect_to:
        deliver = plan.contacts  # a test: everything, whatever the ledger says
    else:
        wanted: set[State] = {"pending"}
        if opts.resend_changed:
            wanted.add("changed")
        if opts.resend_uncertain:
            wanted.add("uncertain")
        deliver = tuple(c for c in plan.contacts if states[c.email] in wanted)
    changed = sorted({f for c in plan.contacts if states[c.email] == "changed"
                      for f in ledger.changed(targets[c.email])})
    refused = {c.email: why for c in deliver if (why := failure or _fault(c))}
    deliver = tuple(c for c in deliver if c.email not in refused)
    return Planned(part, states, deliver, targets, tuple(changed), refused)


def _fault(c: Contact) -> str:
    """Why `c` cannot be addressed, and where to put it right; "" when it can."""
    fault = contact_fault(c)
    return f"{fault}; verbeter contacts.csv, rij {c.row}" if fault and c.row else fault


def _limit(planned: list[Planned], limit: int | None) -> list[Planned]:
    chosen = [p for p in planned if p.deliver or p.refused]
    return chosen if limit is None else chosen[:limit]


# --------------------------------------------------------------------------- running


def deliver(opts: Options, say: Callable[[str], None] | None = None) -> Result:
    """A dry run (outbox), or with `opts.send` a real send (or redirected test send). A run that
    writes into the edition folder (the outbox, or verzending/failures.csv) holds that folder's
    lock (edition/lock.py) from start to end: no build, bundle or preview changes the files it
    mails, and two such runs never mix their outbox."""
    say = say or (lambda line: None)
    lock: AbstractContextManager[None] = (exclusive(opts.out, "send", say=say)
                                          if _writes_into_edition(opts) else nullcontext())
    with lock:
        return _deliver(opts, say)


def _writes_into_edition(opts: Options) -> bool:
    out = Path(opts.out).resolve()
    if not opts.send:
        return opts.outbox_dir.resolve().is_relative_to(out)
    return not opts.redirect_to and opts.failures_path.resolve().is_relative_to(out)


def _deliver(opts: Options, say: Callable[[str], None]) -> Result:
    started = time.perf_counter()
    prep = prepare_delivery(opts)
    result = Result(prep)
    result.blocking = prep.reconciliation.blocking(opts.allow)
    if opts.send and result.blocking:
        result.seconds = time.perf_counter() - started
        return result  # nothing is sent
    templates = Templates(opts.templates)
    sender = opts.sender or DRY_RUN_SENDER
    check_sender(sender)
    if not opts.send:
        with Ledger.read(opts.ledger_path) as ledger:
            result.planned = plan_parts(prep, opts, ledger)
        result.selected = _limit(result.planned, opts.limit)
        _dry_run(result, opts, templates, sender, say)
    else:
        if not opts.sender:
            raise InfographicsError("geef een afzender op met --from (of 'from' in --config)")
        if opts.smtp is None:
            raise InfographicsError("geef een SMTP-server op met --smtp-host")
        _send(result, opts, opts.smtp, templates, sender, say)
    result.seconds = time.perf_counter() - started
    return result


def _compose(p: Planned, prep: Prepared, opts: Options, templates: Templates,
             sender: str, tag: str = "") -> Outgoing:
    """The mail of `p` for its `deliver` contacts, without the contacts that cannot be
    addressed in its headers."""
    part = replace(p.part, plan=safe_plan(p.part.plan))
    outgoing = compose_mail(part, opts.out, sender, templates, prep.ents, opts.redirect_to,
                            p.deliver, tag, opts.portal_url)
    check_size(outgoing, opts.max_size)
    return outgoing


ID_SLUG = 60  # characters of an entity id in an outbox file name
OUTBOX_COLUMNS = ["bestand", "ontvanger", "aan", "onderwerp", "bijlagen", "bytes", "message_id"]


def _dry_run(result: Result, opts: Options, templates: Templates, sender: str,
             say: Callable[[str], None]) -> None:
    """Every selected mail as an .eml file in a new outbox (`outbox.replacing`) with
    overzicht.csv; a mail or an address that fails is reported and the others are written."""
    rows = []
    with replacing(opts.outbox_dir) as folder:
        for n, p in enumerate(result.selected, 1):
            failed = [(address, f"niet verstuurd: {why}") for address, why in p.refused.items()]
            outgoing = None
            if p.deliver:
                try:
                    outgoing = _compose(p, result.prepared, opts, templates, sender,
                                        ".test" if opts.redirect_to else "")
                except Exception as exc:  # noqa: BLE001 -- this mail's alone, as in a send
                    failed += [(c.email, unmade(exc)) for c in p.deliver]
            for address, why in failed:
                result.failed.append((p.part.key, address, why))
                say(visible(f"MISLUKT {p.part.key} aan {address}: {why}"))
            if outgoing is not None:
                name = eml_name(n, p.part)
                rows.append(_write_mail(folder, name, outgoing))
                result.written.append(opts.outbox_dir / name)
                result.sizes.append(outgoing.size)
        with atomic_text(inside(folder, OVERVIEW)) as fh:
            writer = csv.writer(fh)
            writer.writerow(OUTBOX_COLUMNS)
            writer.writerows(rows)


def eml_name(n: int, part: Part) -> str:
    """The outbox file of the `n`th mail: '0007-library-bib-0001.eml'; the id through
    `fileio.slug` (bounded, never empty, never a path), the number keeps names unique."""
    r = part.plan.recipient
    words = [r.kind, slug(r.entity_id, ID_SLUG) if r.entity_id else ""]
    if part.count > 1:
        words.append(f"bericht-{part.index}-van-{part.count}")
    return f"{n:04d}-{'-'.join(w for w in words if w)}.eml"


def _write_mail(folder: Path, name: str, outgoing: Outgoing) -> list[str | int]:
    """`outgoing` as `folder/name`; its row of overzicht.csv."""
    atomic_write(inside(folder, name), outgoing.data)
    return [name, outgoing.part.key, "; ".join(outgoing.envelope),
            str(outgoing.message["Subject"]),
            "; ".join(piece.filename for piece in outgoing.part.pieces),
            outgoing.size, outgoing.message_id]


def _send(result: Result, opts: Options, smtp: SmtpSettings, templates: Templates, sender: str,
          say: Callable[[str], None]) -> None:
    prep = result.prepared
    redirect = opts.redirect_to
    ledger = Ledger.read(opts.ledger_path) if redirect else Ledger.for_sending(opts.ledger_path)
    try:
        result.planned = plan_parts(prep, opts, ledger)
        result.selected = _limit(result.planned, opts.limit)
        tag = f".test{time.time_ns()}" if redirect else ""
        if not redirect:
            _log_skipped(ledger, result.planned, opts)
        mails = [QueuedMail(p.part.key, message_id(p.part, sender, tag),
                            _envelope(p, redirect),
                            _maker(p, prep, opts, templates, sender, tag, result),
                            refused=tuple(Refusal(a, None if redirect else p.targets[a], why)
                                          for a, why in p.refused.items()))
                 for p in result.selected]
        transport = SmtpTransport(smtp)
        dispatcher = Dispatcher(transport, None if redirect else ledger, sender,
                                RateLimiter(opts.rate), opts.retries, opts.retry_delay,
                                progress=say)
        try:
            result.sent = dispatcher.run(mails)
        finally:
            transport.close()
            if not redirect:
                write_failures(opts.failures_path, ledger.rows(prep.year))
    finally:
        ledger.close()


def _envelope(p: Planned, redirect_to: str | None) -> dict[str, Target | None]:
    """Where a mail goes, with each address's ledger target (none when redirected: a test)."""
    if redirect_to:
        return {redirect_to: None} if p.deliver else {}
    return {c.email: p.targets[c.email] for c in p.deliver}


def _maker(p: Planned, prep: Prepared, opts: Options, templates: Templates, sender: str,
           tag: str, result: Result) -> Callable[[], Outgoing]:
    def make() -> Outgoing:
        outgoing = _compose(p, prep, opts, templates, sender, tag)
        result.sizes.append(outgoing.size)
        return outgoing
    return make


def _log_skipped(ledger: Ledger, planned: list[Planned], opts: Options) -> None:
    """Record, for the status table, who is deliberately not sent a changed mail."""
    for p in planned:
        changed = [p.targets[a] for a, s in p.states.items()
                   if s == "changed" and not opts.resend_changed]
        if changed:
            ledger.finish(changed, "skipped", error="bijlage gewijzigd na verzending; opnieuw "
                                                    "versturen met --resend-changed")


# --------------------------------------------------------------------------- reporting


def problem_lines(rec: Reconciliation) -> list[str]:
    lines = [visible(str(p)) for p in sorted(rec.problems, key=lambda p: (
        KINDS[p.kind] != SERIOUS, p.kind, p.message))]
    counts = rec.counts()
    if counts:
        lines.append("Controle: " + ", ".join(f"{integer(n)} {k}" for k, n in counts.items()))
    else:
        lines.append("Controle: geen problemen gevonden.")
    return lines


def blocking_lines(blocking: Sequence[Discrepancy]) -> list[str]:
    kinds = sorted({p.kind for p in blocking})
    allowable = [k for k in kinds if k in ALLOWABLE]
    lines = [f"{count(len(blocking), 'ernstig probleem', 'ernstige problemen')} "
             f"({', '.join(kinds)})."]
    if allowable:
        lines.append("Los ze op, of sta een soort bewust toe met "
                     + " ".join(f"--allow {k}" for k in allowable) + ".")
    if any(k not in ALLOWABLE for k in kinds):
        lines.append("bundel-inhoud kan niet worden toegestaan: maak de bundels opnieuw "
                     "(infographics bundle).")
    return lines


def summary_lines(result: Result, opts: Options) -> list[str]:
    """What the run did, in Dutch: planned, skipped and why, written or sent. Every count of
    addresses is of different addresses; a mail in several parts reaches an address several
    times, and those (part, address) pairs are counted apart as "zendingen"."""
    prep = result.prepared
    everyone = {(p.part.key, c.address) for p in result.planned for c in p.part.plan.contacts}
    explain = "; een zending is één bericht aan één adres" if _zendingen(everyone) else ""
    lines = [f"{edition_words(prep.year).capitalize()}: "
             f"{count(len(prep.plans), 'ontvangersgroep', 'ontvangersgroepen')}, "
             f"{count(len(result.planned), 'bericht', 'berichten')} aan "
             f"{_to(everyone, explain)}."]
    if not opts.redirect_to:
        lines += _ledger_lines(result, opts)
    waiting = sum(1 for p in result.planned if p.deliver)
    if opts.limit is not None and waiting > len(result.selected):
        lines.append(f"--limit {opts.limit}: {integer(len(result.selected))} van "
                     f"{count(waiting, 'bericht', 'berichten')} in deze run.")
    if result.written:
        total = sum(result.sizes)
        lines.append(f"Proefrun: {count(len(result.written), 'bericht', 'berichten')} "
                     f"geschreven naar {opts.outbox_dir} ({decimal(total / MB, 1)} MB, grootste "
                     f"{decimal(max(result.sizes) / MB, 1)} MB); er is niets verstuurd.")
        lines.append(f"Overzicht: {opts.outbox_dir / OVERVIEW}")
    elif not opts.send:
        lines.append("Proefrun: geen bericht geschreven." if result.failed else
                     "Proefrun: er is niets te versturen.")
    if result.failed:
        failed = {(key, a.strip().lower()) for key, a, _ in result.failed}
        lines.append(f"Mislukt: {_to(failed)} (hierboven met de reden); een verzending met "
                     "--send zou die ook niet versturen.")
    if result.sent is not None:
        lines += _sent_lines(result.sent, result.seconds, opts)
    return lines


def _ledger_lines(result: Result, opts: Options) -> list[str]:
    """Who is not sent this mail because of the ledger: already sent, changed, uncertain."""
    states: dict[State, set[tuple[str, str]]] = {}
    for p in result.planned:
        for email, state in p.states.items():
            states.setdefault(state, set()).add((p.part.key, p.targets[email].address))
    lines = []
    if states.get("sent"):
        lines.append(f"Al verstuurd (volgens het verzendlog): {_to(states['sent'])}; die gaan "
                     "niet opnieuw.")
    if states.get("changed"):
        files = sorted({f for p in result.planned for f in p.changed})
        lines.append(f"Bijlage gewijzigd na verzending: {_to(states['changed'])}; "
                     + ("worden opnieuw verstuurd." if opts.resend_changed else
                        "niet opnieuw verstuurd zonder --resend-changed.")
                     + (f" Gewijzigd: {listed(files)}." if files else ""))
    if states.get("uncertain"):
        lines.append(f"Onzeker (vorige run stopte tijdens het versturen): "
                     f"{_to(states['uncertain'])}; "
                     + ("worden opnieuw verstuurd." if opts.resend_uncertain else
                        "niet opnieuw verstuurd zonder --resend-uncertain; kijk eerst of ze "
                        "het bericht hebben."))
    return lines


def _sent_lines(sent: SendReport, seconds: float, opts: Options) -> list[str]:
    """What the SMTP send did (to the test address when redirected), and where the log is."""
    where = f" naar testadres {opts.redirect_to}" if opts.redirect_to else ""
    failed = {(key, a.lower()) for key, a, _ in sent.failed}
    uncertain = {(key, a.lower()) for key, a, _ in sent.uncertain}
    lines = [f"Verstuurd{where}: {count(sent.messages, 'bericht', 'berichten')} aan "
             f"{_to({(key, a.lower()) for key, a in sent.sent})}; mislukt: {_to(failed)}, "
             f"onzeker: {_to(uncertain)}"
             + (f", {integer(sent.retried)} keer opnieuw geprobeerd" if sent.retried else "")
             + f" in {decimal(seconds, 1)} s."]
    if not opts.redirect_to:
        lines.append(f"Verzendlog: {opts.ledger_path}; mislukt en waarom: "
                     f"{opts.failures_path}")
    return lines


def _zendingen(pairs: set[tuple[str, str]]) -> bool:
    """Whether some address gets more than one mail (part) here."""
    return len(pairs) != len({a for _, a in pairs})


def _to(pairs: set[tuple[str, str]], explain: str = "") -> str:
    """'203 adressen', or '203 adressen (209 zendingen)' when some get several parts."""
    text = count(len({a for _, a in pairs}), "adres", "adressen")
    if _zendingen(pairs):
        text += f" ({count(len(pairs), 'zending', 'zendingen')}{explain})"
    return text


def listed(names: Sequence[str], most: int = 10) -> str:
    """'a, b, c'; after `most` names '... en 3 meer'."""
    shown = ", ".join(names[:most])
    return shown + (f" en {integer(len(names) - most)} meer" if len(names) > most else "")


STATUS_COLUMNS = ["schooljaar", "status", "ontvanger", "adres", "rol", "bericht", "bijlagen",
                  "pogingen", "tijd", "message-id", "reden"]


def status_rows(opts: Options) -> list[Row]:
    with Ledger.read(opts.ledger_path) as ledger:
        rows = ledger.rows(opts.year)
    if opts.only:
        rows = [r for r in rows if r.entity_id in opts.only
                or (r.entity_kind == "national" and any(i in NATIONAL_IDS for i in opts.only))]
    return sorted(rows, key=lambda r: (r.school_year, r.entity_kind != "national",
                                       r.entity_kind, r.entity_id, r.part, r.address))


def status_lines(opts: Options) -> list[str]:
    """What `send --status` prints: the table and where the ledger is, or one line saying
    nothing was sent yet (no ledger, or none of its rows for this year or --only)."""
    path = opts.ledger_path
    if not path.exists():
        return [f"Nog niets verstuurd: er is geen verzendlog in {path.parent}."]
    rows = status_rows(opts)
    if not rows:
        which = " voor deze selectie" if opts.year or opts.only else ""
        return [f"Nog niets verstuurd{which}: het verzendlog {path} heeft er geen regels van."
                if which else f"Nog niets verstuurd: het verzendlog {path} is leeg."]
    return status_table(rows) + [f"Verzendlog: {path}"]


def status_table(rows: Sequence[Row]) -> list[str]:
    """The ledger as an aligned text table plus a count per status."""
    cells = [STATUS_COLUMNS] + [
        [visible(v) for v in (r.school_year, LABELS[r.status],
                              f"{r.entity_kind} {r.entity_id}".strip(), r.address, r.role,
                              r.part, str(len(r.items)), str(r.attempts),
                              r.sent_at or r.updated, r.message_id, r.error)] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(STATUS_COLUMNS) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1]
             for row in cells]
    counts: dict[str, int] = {}
    for r in rows:
        counts[LABELS[r.status]] = counts.get(LABELS[r.status], 0) + 1
    lines.append(", ".join(f"{integer(n)} {s}" for s, n in counts.items())
                 if counts else "Het verzendlog is leeg.")
    return [line.rstrip() for line in lines]


# --------------------------------------------------------------------------- config


# the `[send]` table of --config (a functional TypedDict: "from" is a Python keyword)
SendConfig = TypedDict("SendConfig", {
    "smtp_host": str, "smtp_port": int, "smtp_security": str, "from": str, "rate": float,
    "retries": int, "retry_delay": float, "max_size_mb": float, "outbox": str, "ledger": str,
    "templates": str, "portal_url": str,
}, total=False)
# each key's TOML type(s): a whole number is an int in TOML, also where a float is meant
CONFIG_KEYS: dict[str, type | tuple[type, ...]] = {
    "smtp_host": str, "smtp_port": int, "smtp_security": str, "from": str,
    "rate": (int, float), "retries": int, "retry_delay": (int, float),
    "max_size_mb": (int, float), "outbox": str, "ledger": str, "templates": str,
    "portal_url": str,
}


def read_config(path: Path) -> SendConfig:
    """The `[send]` table of a TOML file; user names and passwords are refused there."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InfographicsError(f"{path}: kan niet gelezen worden: {exc}") from exc
    section = data.get("send", {})
    if not isinstance(section, dict):
        raise InfographicsError(f"{path}: [send] moet een tabel zijn")
    for key, value in section.items():
        if any(word in key.lower() for word in ("password", "wachtwoord", "user")):
            raise InfographicsError(f"{path}: [send] {key}: gebruiker en wachtwoord horen niet "
                                    "in een bestand; gebruik INFOGRAPHICS_SMTP_USER en "
                                    "INFOGRAPHICS_SMTP_PASSWORD")
        if key not in CONFIG_KEYS:
            raise InfographicsError(f"{path}: [send] onbekende sleutel '{key}'; kies uit "
                                    f"{', '.join(CONFIG_KEYS)}")
        if not isinstance(value, CONFIG_KEYS[key]) or isinstance(value, bool):
            raise InfographicsError(f"{path}: [send] {key}: verkeerd type ({value!r})")
    # every key and the type of its value were checked against CONFIG_KEYS just now
    return cast(SendConfig, dict(section))
