"""Reconciliation: the mail plans, the contacts (and the contact rows that failed validation) and
the files on disk into a list of `Discrepancy`s by kind and severity, before anything is sent.

Kinds (the names users pass to `--allow`), with what allowing them means:

| kind | severity | allowed: |
|---|---|---|
| geen-contact | waarschuwing | (only reported) that library or POI gets no mail |
| alleen-cc | waarschuwing | (only reported) the cc contacts are addressed instead |
| niet-in-jaar | waarschuwing | (only reported) a library of other years gets no mail this year |
| onbekende-ontvanger | ernstig | the contact row is left out |
| ongeldig-adres | ernstig | the contact row is left out |
| ongeldige-contactrij | ernstig | the contact row is left out |
| gedeeld-adres | ernstig | the address gets one mail per library |
| bijlage-ontbreekt | ernstig | the mail goes without that file |
| bijlage-gewijzigd | ernstig | the file is sent as it is now (its current sha256 is logged) |
| bundel-ontbreekt | ernstig | the POI mail goes without a bundle |
| bundel-verouderd | ernstig | the bundle is sent although a page in it was rebuilt since |
| bijlage-te-groot | ernstig | the mail is sent although it exceeds the size limit |
| bundel-inhoud | ernstig | never: a bundle holding a page its POI may not have is not sent |

Every check of who may have what asks `Entitlements`; the address checks reuse `validate.py`.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from infographics import errors
from infographics.data.origin import Origin
from infographics.data.rules import shared_emails
from infographics.delivery.mailplan import Contact, MailPlan, editions_of, groups, known
from infographics.delivery.messages import budget, encoded_size
from infographics.edition.entitlement import Entitlements, Recipient
from infographics.edition.manifest import Entry, sha256_file
from infographics.levels import is_calendar_year, subject_label

# the kinds of discrepancy: the names users pass to `--allow` (see the table above)
DiscrepancyKind = Literal[
    "geen-contact", "alleen-cc", "niet-in-jaar", "onbekende-ontvanger", "ongeldig-adres",
    "ongeldige-contactrij", "gedeeld-adres", "bijlage-ontbreekt", "bijlage-gewijzigd",
    "bundel-ontbreekt", "bundel-verouderd", "bijlage-te-groot", "bundel-inhoud",
]
# how bad one is (the Dutch words users read; `errors.Severity` is the input's error/warning)
DiscrepancySeverity = Literal["ernstig", "waarschuwing"]

SERIOUS: Final[DiscrepancySeverity] = "ernstig"
WARNING: Final[DiscrepancySeverity] = "waarschuwing"

KINDS: Final[dict[DiscrepancyKind, DiscrepancySeverity]] = {
    "geen-contact": WARNING,
    "alleen-cc": WARNING,
    "niet-in-jaar": WARNING,
    "onbekende-ontvanger": SERIOUS,
    "ongeldig-adres": SERIOUS,
    "ongeldige-contactrij": SERIOUS,
    "gedeeld-adres": SERIOUS,
    "bijlage-ontbreekt": SERIOUS,
    "bijlage-gewijzigd": SERIOUS,
    "bundel-ontbreekt": SERIOUS,
    "bundel-verouderd": SERIOUS,
    "bijlage-te-groot": SERIOUS,
    "bundel-inhoud": SERIOUS,
}
NEVER_ALLOWED: Final[frozenset[DiscrepancyKind]] = frozenset({"bundel-inhoud"})
ALLOWABLE: Final[tuple[DiscrepancyKind, ...]] = tuple(
    k for k, s in KINDS.items() if s == SERIOUS and k not in NEVER_ALLOWED)


@dataclass(frozen=True)
class Discrepancy:
    """One thing wrong with a planned delivery, by kind."""

    kind: DiscrepancyKind
    message: str  # Dutch, with the place (file:row or path)
    entity: str = ""  # the library/POI id it concerns, "" when it concerns the whole edition

    @property
    def severity(self) -> DiscrepancySeverity:
        return KINDS[self.kind]

    def __str__(self) -> str:
        return f"{self.severity}: {self.kind}: {self.message}"


@dataclass
class Reconciliation:
    problems: list[Discrepancy] = field(default_factory=list)
    actual: dict[str, str] = field(default_factory=dict)  # path -> sha256 on disk now
    missing: set[str] = field(default_factory=set)  # manifest paths absent on disk
    blocked: set[str] = field(default_factory=set)  # paths that may never be sent

    def serious(self) -> list[Discrepancy]:
        return [p for p in self.problems if p.severity == SERIOUS]

    def blocking(self, allow: Iterable[str] = ()) -> list[Discrepancy]:
        """Serious problems that stop a run: not allowed per kind, or never allowable."""
        allowed = set(allow) - NEVER_ALLOWED
        return [p for p in self.serious() if p.kind not in allowed]

    def counts(self) -> dict[DiscrepancyKind, int]:
        out: dict[DiscrepancyKind, int] = {}
        for p in self.problems:
            out[p.kind] = out.get(p.kind, 0) + 1
        return out


def contact_problems(load_errors: Iterable[errors.Problem]) -> list[Discrepancy]:
    """Contact rows that failed validation (and were left out by loading) as problems: a bad
    address, an entity that does not exist, anything else wrong with the row."""
    out = []
    for p in load_errors:
        kind: DiscrepancyKind
        if p.column == "email":
            kind = "ongeldig-adres"
        elif p.column in ("entity_id", "entity_type") or "onbekende" in p.message:
            kind = "onbekende-ontvanger"
        else:
            kind = "ongeldige-contactrij"
        value = f" ({p.value!r})" if p.value else ""
        out.append(Discrepancy(kind, f"{p.location()}: {p.message}{value}; rij wordt overgeslagen"))
    return out


def reconcile(plans: Sequence[MailPlan], contacts: Sequence[Contact], contacts_frame: pd.DataFrame,
              ents: Entitlements, manifest: dict[str, Entry], out: Path, year: str,
              load_errors: Iterable[errors.Problem] = (), only: Sequence[str] = (),
              max_size: int | None = None) -> Reconciliation:
    """Everything wrong before sending, for the plans of `year` (already narrowed by `only`)."""
    rec = Reconciliation()
    rec.problems += contact_problems(load_errors)
    rec.problems += _contacts(contacts, contacts_frame, ents, year, only)
    rec.problems += _expected(plans, ents, manifest, year)
    _files(rec, plans, manifest, Path(out))
    _bundles(rec, plans, ents, manifest, Path(out))
    if max_size is not None:
        rec.problems += _too_large(plans, Path(out), max_size)
    return rec


def _wanted(entity: str, only: Sequence[str]) -> bool:
    return not only or entity in only


def _contacts(contacts: Sequence[Contact], frame: pd.DataFrame, ents: Entitlements, year: str,
              only: Sequence[str]) -> list[Discrepancy]:
    by_group = groups(contacts)
    rows: dict[Recipient, list[str]] = {}
    for c in contacts:  # every row, also one repeating an address of its group
        rows.setdefault(Recipient(c.kind, c.entity_id), []).append(str(c.row))
    return (_groups(by_group, rows, ents, year, only)
            + _uncontacted(by_group, ents, year, only) + _shared(contacts, frame, only))


def _groups(by_group: dict[Recipient, list[Contact]], rows_of: dict[Recipient, list[str]],
            ents: Entitlements, year: str, only: Sequence[str]) -> list[Discrepancy]:
    """Contacts of a library or POI that does not exist in `year` (with all their rows): of a
    library the data has in other years only (new since, or stopped before), a warning: it
    simply has nothing this year; of one the data does not know at all, a serious problem.
    Groups with only cc."""
    out = []
    for recipient, members in by_group.items():
        rows = ", ".join(rows_of[recipient])
        if not known(ents, recipient, year):
            other = _other_years(ents, recipient)
            if other and _wanted(recipient.entity_id, only):
                out.append(Discrepancy(
                    "niet-in-jaar", f"contacts.csv (rij {rows}): bibliotheek "
                    f"{recipient.entity_id} bestaat niet in {year} (wel in {other}); deze "
                    f"contacten krijgen geen bericht voor {year}", recipient.entity_id))
            elif not other:
                out.append(Discrepancy("onbekende-ontvanger",
                                       f"contacts.csv (rij {rows}): {recipient.kind} "
                                       f"'{recipient.entity_id}' heeft geen gegevens in {year}; "
                                       "deze contacten krijgen niets", recipient.entity_id))
        elif all(c.role == "cc" for c in members) and _wanted(recipient.entity_id, only):
            out.append(Discrepancy("alleen-cc", f"{recipient.kind} '{recipient.entity_id}' "
                                                "heeft alleen cc-contacten; die worden "
                                                "geadresseerd", recipient.entity_id))
    return out


def _other_years(ents: Entitlements, recipient: Recipient) -> str:
    """The editions a library has rows in ("2021-2022 en 2022-2023"; school years, else
    calendar years), "" for anything else or a library in no edition."""
    if recipient.kind != "library":
        return ""
    years = sorted({y for (y, lib) in ents.library_province if lib == recipient.entity_id})
    school = [y for y in years if not is_calendar_year(y)] or years
    return " en ".join([", ".join(school[:-1]), school[-1]]) if len(school) > 1 else \
        "".join(school)


def _uncontacted(by_group: dict[Recipient, list[Contact]], ents: Entitlements, year: str,
                 only: Sequence[str]) -> list[Discrepancy]:
    """Libraries of `year` itself, POIs and the country without any contact. A library only in
    the partners year a school year's mail carries (the calendar year holds the organisations
    of the school year before: merged or stopped since) needs no contact: its page goes in its
    POI's bundle, and to its contacts if it still has any."""
    out = []
    libraries = sorted({lib for (y, lib) in ents.library_province if y == year})
    for lib in libraries:
        if Recipient("library", lib) not in by_group and _wanted(lib, only):
            name = ents.library_names.get((year, lib), lib)
            out.append(Discrepancy("geen-contact", f"bibliotheek {lib} ({name}) heeft geen "
                                                   "contactpersoon in contacts.csv", lib))
    for poi in ents.pois():
        if Recipient("poi", poi) not in by_group and _wanted(poi, only):
            out.append(Discrepancy("geen-contact", f"POI {poi} ({ents.poi_names.get(poi, poi)}) "
                                                   "heeft geen contactpersoon in contacts.csv",
                                   poi))
    if Recipient("national") not in by_group and _wanted("national", only):
        out.append(Discrepancy("geen-contact", "geen landelijke contactpersoon (entity_type "
                                               "'national') in contacts.csv", "national"))
    return out


def _shared(contacts: Sequence[Contact], frame: pd.DataFrame,
            only: Sequence[str]) -> list[Discrepancy]:
    """An address shared by several libraries (the rule lives in validate.py; here it becomes a
    problem that stops the run)."""
    out = []
    file = str(frame["_file"].iloc[0]) if len(frame) and "_file" in frame else "contacts.csv"
    for p in shared_emails(frame, Origin("contacts", file)):
        libs = sorted({c.entity_id for c in contacts
                       if c.kind == "library" and c.address == p.value.strip().lower()})
        if any(_wanted(lib, only) for lib in libs):
            out.append(Discrepancy("gedeeld-adres", f"{p.location()}: {p.value} is contactadres "
                                                    f"van {len(libs)} bibliotheken: "
                                                    f"{', '.join(libs)}",
                                   libs[0] if libs else ""))
    return out


def _expected(plans: Sequence[MailPlan], ents: Entitlements, manifest: dict[str, Entry],
              year: str) -> list[Discrepancy]:
    """Pages a recipient should get that the manifest does not have: of each subject with pages
    in the mail's editions (a school year and the partners year it carries), looked up in that
    subject's own edition."""
    editions = editions_of(year)
    pages = [e for e in manifest.values() if e.school_year in editions and e.is_page]
    subjects = {e.subject: e.school_year for e in pages}  # subject -> its edition in this mail
    have = {(e.subject, e.level, ents.owner_library(e) if e.level == "library" else e.entity_id)
            for e in pages}
    # a POI with provinces gets a bundle of every edition in the mail that has pages
    # (`bundle.plan_bundles`): the school year's and the partners year's each
    with_pages = sorted({e.school_year for e in pages})
    bundles = {(e.school_year, e.entity_id) for e in manifest.values()
               if e.school_year in editions and e.level == "bundle"}
    out = []
    for plan in plans:
        r = plan.recipient
        for subject, level, entity, what in _pages_for(r, sorted(subjects.items()), ents):
            if level == "national":
                found = any(t == subject and lv == "national" for t, lv, _ in have)
            else:
                found = (subject, level, entity) in have
            if not found:
                out.append(Discrepancy("bijlage-ontbreekt", f"{plan.key}: {what} ontbreekt in het "
                                                        f"manifest ({year})", r.entity_id))
        if r.kind == "poi" and ents.provinces_of(r.entity_id):
            out += [Discrepancy("bundel-ontbreekt", f"{plan.key}: bundel {edition} ontbreekt: "
                                                    "draai eerst infographics bundle",
                                r.entity_id)
                    for edition in with_pages if (edition, r.entity_id) not in bundles]
    return out


def _pages_for(r: Recipient, subjects: Sequence[tuple[str, str]], ents: Entitlements
            ) -> list[tuple[str, str, str, str]]:
    """(subject, level, entity, what) of every page `r` should get of each (subject, edition):
    a library only the pages of an edition it is in."""
    wanted: list[tuple[str, str, str, str]] = []
    for subject, edition in subjects:
        label = subject_label(subject)
        wanted.append((subject, "national", "NL", f"landelijke infographic {label}"))
        if r.kind == "library" and (prov := ents.province_of(edition, r.entity_id)):
            wanted.append((subject, "province", prov, f"provinciale infographic {label} {prov}"))
            wanted.append((subject, "library", r.entity_id,
                           f"lokale infographic {label} van {r.entity_id}"))
        elif r.kind == "poi":
            with_libraries = {p for (y, _), p in ents.library_province.items() if y == edition}
            for prov in sorted(ents.provinces_of(r.entity_id) & with_libraries):
                wanted.append((subject, "province", prov,
                               f"provinciale infographic {label} {prov}"))
    return wanted


def _files(rec: Reconciliation, plans: Sequence[MailPlan], manifest: dict[str, Entry],
           out: Path) -> None:
    """Every file a plan attaches exists and still has the sha256 the manifest recorded."""
    users: dict[str, list[str]] = {}
    for plan in plans:
        for e in plan.entries():
            users.setdefault(e.path, []).append(plan.key)
    for path in sorted(users):
        entry = manifest[path]
        file = out / path
        who = _who(users[path])
        if not file.is_file():
            rec.missing.add(path)
            rec.problems.append(Discrepancy("bijlage-ontbreekt", f"{path}: bestand ontbreekt (in "
                                                             f"het manifest, niet op schijf); "
                                                             f"voor {who}", entry.entity_id))
            continue
        actual = sha256_file(file)
        rec.actual[path] = actual
        if actual != entry.sha256:
            rec.problems.append(Discrepancy("bijlage-gewijzigd", f"{path}: sha256 klopt niet meer "
                                                             "met het manifest (gewijzigd na de "
                                                             f"bouw); voor {who}",
                                        entry.entity_id))


def _who(keys: list[str]) -> str:
    return ", ".join(keys) if len(keys) <= 3 else f"{keys[0]}, {keys[1]} en {len(keys) - 2} andere"


def _bundles(rec: Reconciliation, plans: Sequence[MailPlan], ents: Entitlements,
             manifest: dict[str, Entry], out: Path) -> None:
    """Every PDF inside a POI's bundle is a manifest page that POI may receive, as built."""
    by_sha: dict[str, list[Entry]] = {}
    for e in manifest.values():
        by_sha.setdefault(e.sha256, []).append(e)
    for plan in plans:
        for entry in plan.entries():
            if entry.level != "bundle" or entry.path in rec.missing:
                continue
            try:
                with zipfile.ZipFile(out / entry.path) as zf:
                    members = [(i.filename, zf.read(i)) for i in zf.infolist() if not i.is_dir()]
            except (OSError, zipfile.BadZipFile) as exc:
                rec.blocked.add(entry.path)
                rec.problems.append(Discrepancy("bundel-inhoud", f"{entry.path}: geen leesbare zip "
                                                             f"({exc})", plan.recipient.entity_id))
                continue
            for name, data in members:
                problem = _member_problem(name, data, plan.recipient, entry, ents, manifest,
                                          by_sha)
                if problem is not None:
                    if problem.kind == "bundel-inhoud":
                        rec.blocked.add(entry.path)
                    rec.problems.append(problem)


def _member_problem(name: str, data: bytes, recipient: Recipient, bundle: Entry,
                    ents: Entitlements, manifest: dict[str, Entry],
                    by_sha: dict[str, list[Entry]]) -> Discrepancy | None:
    sha = hashlib.sha256(data).hexdigest()
    page = manifest.get(name)
    candidates = [page] if page is not None else [e for e in by_sha.get(sha, []) if e.is_page]
    if page is None and not candidates:
        if not name.lower().endswith(".pdf"):
            return None  # a read-me or index inside the zip: not a page
        return Discrepancy("bundel-inhoud", f"{bundle.path}: {name} staat niet in het manifest; "
                                        "bundel wordt niet verstuurd", recipient.entity_id)
    if not any(ents.may_receive(recipient, c) for c in candidates):
        return Discrepancy("bundel-inhoud", f"{bundle.path}: {name} hoort niet bij "
                                        f"{recipient.kind} {recipient.entity_id}; bundel wordt "
                                        "niet verstuurd", recipient.entity_id)
    if page is not None and page.sha256 != sha:
        return Discrepancy("bundel-verouderd", f"{bundle.path}: {name} is na het bundelen opnieuw "
                                           "gebouwd; draai infographics bundle opnieuw",
                       recipient.entity_id)
    return None


def _too_large(plans: Sequence[MailPlan], out: Path, max_size: int) -> list[Discrepancy]:
    problems = []
    for plan in plans:
        for a in plan.attachments:
            if a.packed or a.filename.endswith(".zip"):
                continue  # a zip is split over several mails when it is too large
            file = out / a.entries[0].path
            if file.is_file() and encoded_size(file.stat().st_size) > budget(max_size):
                problems.append(Discrepancy("bijlage-te-groot", f"{a.entries[0].path}: groter dan "
                                                            "de limiet per bericht; voor "
                                                            f"{plan.key}",
                                        plan.recipient.entity_id))
    return problems
