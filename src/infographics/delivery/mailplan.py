"""Mail plan: the manifest of a built edition, the contacts table and the `Entitlements` into one
`MailPlan` per recipient group (a library, a POI, or the national contacts) for one school year,
which also carries the partners pages of the calendar year in which it starts (`editions_of`).

Who gets what (data contract, contacts.csv), every file checked with `Entitlements.may_receive`:
- a library's contacts: the library's local PO, VO and partners pages, its province's pages and the
  national pages; its star-checklist school pages packed into one zip when there are any;
- a POI's contacts: the provincial pages of its provinces, the national pages and its bundle
  (the zip made by `infographics bundle`; the local pages travel inside it, not loose);
- national contacts: the national pages.
One mail per group: the `to` contacts are addressed, the `cc` contacts copied. This module only
plans; `reconcile` says what is wrong with the plan, `messages` turns it into e-mail.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from typing import Any, Final, Literal, TypeVar, get_args

import pandas as pd

from infographics.edition.entitlement import RECIPIENT_KINDS, Entitlements, Recipient, RecipientKind
from infographics.edition.manifest import Entry
from infographics.errors import InfographicsError
from infographics.fileio import slug
from infographics.levels import ORDER, FileLevel, is_calendar_year, subject_label
from infographics.numbers import count

# who a contact (and a mail) is for: the `entity_type` column of contacts.csv
# how a contact is addressed: the `role` column of contacts.csv ("to" when empty)
Role = Literal["to", "cc"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)

_Choice = TypeVar("_Choice", bound=str)


@dataclass(frozen=True)
class Contact:
    """One row of contacts.csv that survived validation."""

    kind: RecipientKind
    entity_id: str  # "" for national
    name: str
    email: str
    role: Role
    row: int | None = None  # spreadsheet row in contacts.csv

    @property
    def address(self) -> str:
        """The address as a ledger key: compared case-insensitively."""
        return self.email.strip().lower()


@dataclass(frozen=True)
class Attachment:
    """One attachment of a mail: a manifest file as it is (a page PDF, a bundle zip), or a zip
    packed at send time from several manifest files (a library's school pages)."""

    filename: str
    entries: tuple[Entry, ...]  # the file itself, or the files packed into the zip
    packed: bool  # True: a zip made from `entries`; False: entries[0]'s file as it is
    description: str  # Dutch, for the mail body

    @property
    def content_type(self) -> str:
        return "application/zip" if self.packed or self.filename.endswith(".zip") \
            else "application/pdf"


@dataclass(frozen=True)
class MailPlan:
    """One mail to one recipient group for one school year."""

    school_year: str
    recipient: Recipient
    entity_name: str  # library or POI name; "Nederland" for national
    to: tuple[Contact, ...]
    cc: tuple[Contact, ...]
    attachments: tuple[Attachment, ...]
    provinces: tuple[str, ...] = ()  # province names the mail covers

    @property
    def key(self) -> str:
        """Stable name of the group, e.g. `library-bib-0001`, `poi-rijnbrink`, `national`."""
        r = self.recipient
        return f"{r.kind}-{r.entity_id}" if r.entity_id else r.kind

    @property
    def contacts(self) -> tuple[Contact, ...]:
        return self.to + self.cc

    def entries(self) -> list[Entry]:
        """Every manifest file this mail delivers (zip members included)."""
        return [e for a in self.attachments for e in a.entries]

    def without(self, addresses: Collection[str]) -> MailPlan:
        """This plan without the contacts whose `address` is in `addresses`; when no `to`
        contact is left, the cc contacts are addressed (as `plan_mail` does)."""
        to = tuple(c for c in self.to if c.address not in addresses)
        cc = tuple(c for c in self.cc if c.address not in addresses)
        return replace(self, to=to, cc=cc) if to else replace(self, to=cc, cc=())


def contacts_from_table(frame: pd.DataFrame) -> list[Contact]:
    """The validated contacts frame of `load.Tables` as `Contact`s, in file order."""
    out = []
    for rec in frame.to_dict("records"):
        kind = _one_of(RECIPIENT_KINDS, _cell(rec.get("entity_type")), "entity_type")
        out.append(Contact(kind, "" if kind == "national" else _cell(rec.get("entity_id")),
                           _cell(rec.get("name")), _cell(rec.get("email")),
                           _one_of(ROLES, _cell(rec.get("role")) or "to", "role"),
                           int(rec["_row"]) if _cell(rec.get("_row")) else None))
    return out


def _cell(value: Any) -> str:  # Any: a pandas cell (str, number, None, NA or NaN)
    return "" if value is None or value is pd.NA or value != value else str(value).strip()


def _one_of(choices: tuple[_Choice, ...], value: str, what: str) -> _Choice:
    """`value` as one of `choices`. Validation has already dropped contact rows with another
    value, so anything else is a bug."""
    for choice in choices:
        if choice == value:
            return choice
    raise ValueError(f"{what}: unexpected value {value!r}")


def editions_of(year: str) -> tuple[str, ...]:
    """The editions a mail for `year` carries: that edition, and with a school year the
    partners edition of the calendar year in which it starts (2022-2023 carries 2022). So each
    calendar year travels with exactly one school year and is never mailed twice."""
    return (year,) if is_calendar_year(year) else (year, year[:4])


def years_of(manifest: dict[str, Entry], data_years: Iterable[str] = ()) -> list[str]:
    """The years a mail can be for: every school year in the manifest, and a calendar year
    (partners) only when no school year carries it, neither one in the manifest nor one in the
    data (`data_years`): whether 2022 goes alone or with 2022-2023 never depends on what has
    been built so far, so a partners edition cannot be mailed once alone and again later."""
    keys = {e.school_year for e in manifest.values()}
    carried = {k[:4] for k in keys | set(data_years) if not is_calendar_year(k)}
    return sorted(k for k in keys if not is_calendar_year(k) or k not in carried)


def choose_year(manifest: dict[str, Entry], year: str | None,
                data_years: Iterable[str] = ()) -> str:
    """The requested year, or the latest one in the manifest (`data_years` as `years_of`)."""
    data_years = set(data_years)
    years = years_of(manifest, data_years)
    if not years:
        raise InfographicsError("het manifest is leeg of ontbreekt; bouw eerst met "
                                "`infographics build`")
    if year is None:
        return years[-1]
    if year not in years:
        carrier = sorted(y for y in years_in(manifest) | data_years
                         if not is_calendar_year(y) and year in editions_of(y))
        if carrier:
            raise InfographicsError(f"de pagina's van {year} gaan mee met schooljaar "
                                    f"{carrier[0]}; bouw dat schooljaar als dat nog niet is "
                                    f"gebeurd en gebruik --year {carrier[0]}")
        raise InfographicsError(f"schooljaar {year} staat niet in het manifest "
                                f"(wel: {', '.join(years)})")
    return year


def years_in(manifest: dict[str, Entry]) -> set[str]:
    return {e.school_year for e in manifest.values()}


def library_edition(ents: Entitlements, year: str, library_id: str) -> str | None:
    """The first of the mail's editions in which the library exists (its school year, else the
    partners year it carries), or None."""
    return next((y for y in editions_of(year) if ents.province_of(y, library_id) is not None),
                None)


def groups(contacts: Iterable[Contact]) -> dict[Recipient, list[Contact]]:
    """Contacts by recipient group, in file order; an address only once per group."""
    out: dict[Recipient, list[Contact]] = {}
    for c in contacts:
        members = out.setdefault(Recipient(c.kind, c.entity_id), [])
        if all(m.address != c.address for m in members):
            members.append(c)
    return out


def plan_mail(manifest: dict[str, Entry], contacts: Iterable[Contact], ents: Entitlements,
              year: str, usable: Callable[[Entry], bool] | None = None) -> list[MailPlan]:
    """One plan per recipient group with at least one contact and a known entity in `year`,
    ordered national, POIs, libraries. `usable` drops files (e.g. missing on disk)."""
    editions = editions_of(year)
    entries = sorted((e for e in manifest.values() if e.school_year in editions),
                     key=lambda e: (ORDER.get(e.level, 9), e.subject, e.path))
    if usable is not None:
        entries = [e for e in entries if usable(e)]
    plans = []
    for recipient, members in sorted(groups(contacts).items(), key=lambda kv: _order(kv[0])):
        if not known(ents, recipient, year):
            continue
        to = tuple(c for c in members if c.role != "cc")
        cc = tuple(c for c in members if c.role == "cc")
        if not to:  # only cc contacts: they are the addressees
            to, cc = cc, ()
        files = [e for e in ents.entitled(recipient, entries)
                 if e.level in _LEVELS_BY_KIND[recipient.kind]]
        attachments = _attachments(recipient, files, ents, year)
        plans.append(MailPlan(year, recipient, entity_name(ents, recipient, year), to, cc,
                              tuple(attachments), provinces_of(ents, recipient, year)))
    return plans


# what each kind of recipient gets
_LEVELS_BY_KIND: Final[dict[RecipientKind, tuple[FileLevel, ...]]] = {
    "library": ("national", "province", "library", "school"),
    "poi": ("national", "province", "bundle"),  # local pages go inside the bundle
    "national": ("national",),
}


_KIND_ORDER: Final[dict[RecipientKind, int]] = {"national": 0, "poi": 1, "library": 2}


def _order(recipient: Recipient) -> tuple[int, str]:
    return (_KIND_ORDER[recipient.kind], recipient.entity_id)


def known(ents: Entitlements, recipient: Recipient, year: str) -> bool:
    """Whether the recipient exists in `year` (a library with a row that year, a known POI)."""
    if recipient.kind == "national":
        return True
    if recipient.kind == "library":
        return library_edition(ents, year, recipient.entity_id) is not None
    return recipient.entity_id in ents.pois()  # a POI


def entity_name(ents: Entitlements, recipient: Recipient, year: str) -> str:
    if recipient.kind == "library":
        edition = library_edition(ents, year, recipient.entity_id) or year
        return ents.library_names.get((edition, recipient.entity_id), recipient.entity_id)
    if recipient.kind == "poi":
        return ents.poi_names.get(recipient.entity_id, recipient.entity_id)
    return "Nederland"


def provinces_of(ents: Entitlements, recipient: Recipient, year: str) -> tuple[str, ...]:
    if recipient.kind == "library":
        edition = library_edition(ents, year, recipient.entity_id) or year
        code = ents.province_of(edition, recipient.entity_id)
        codes = [code] if code else []
    elif recipient.kind == "poi":
        codes = sorted(ents.provinces_of(recipient.entity_id))
    else:
        codes = []
    return tuple(ents.province_names.get(c, c) for c in codes)


def _attachments(recipient: Recipient, files: list[Entry], ents: Entitlements,
                 year: str) -> list[Attachment]:
    loose = [e for e in files if e.level != "school"]
    schools = [e for e in files if e.level == "school"]
    out = [Attachment(_basename(e.path), (e,), False, describe(e, ents)) for e in loose]
    if schools:
        subjects = sorted({e.subject for e in schools})
        name = (f"{'-'.join(subjects)}-{slug(year)}-sterrenchecklists-"
                f"{slug(recipient.entity_id)}.zip")
        out.append(Attachment(
            name, tuple(schools), True,
            f"sterrenchecklist per schoollocatie ({'/'.join(map(subject_label, subjects))}), "
            f"{count(len(schools), 'pagina', _PAGES)} in een zip"))
    return _unique_names(out)


_PAGES = "pagina's"


def describe(entry: Entry, ents: Entitlements) -> str:
    """What a file is, in Dutch, for the list of attachments (a calendar-year edition, the
    partners pages, says its year: "landelijke infographic samenwerking 2022")."""
    subject = subject_label(entry.subject) + (
        f" {entry.school_year}" if is_calendar_year(entry.school_year) else "")
    if entry.level == "national":
        return f"landelijke infographic {subject}"
    if entry.level == "province":
        name = ents.province_names.get(entry.entity_id, entry.entity_name)
        return f"provinciale infographic {subject}, {name}"
    if entry.level == "library":
        return f"lokale infographic {subject}, {entry.entity_name}"
    if entry.level == "school":
        return f"sterrenchecklist {subject}, {entry.entity_name}"
    if entry.level == "bundle":
        # as the body says it (templates/mail): one province or several
        where = "uw provincies" if len(ents.provinces_of(entry.entity_id)) > 1 else \
            "uw provincie"
        if is_calendar_year(entry.school_year):  # a partners bundle: no school pages in it
            return (f"bundel (zip) met de infographics over bibliotheken en samenwerking in "
                    f"{entry.school_year}: landelijk, provinciaal en van alle bibliotheken in "
                    f"{where}")
        return ("bundel (zip) met de landelijke en provinciale infographics en de lokale "
                f"infographics en sterrenchecklists van alle bibliotheken in {where}")
    return "afdrukversie van de lokale PO-infographics"  # level "print", the last one left


def _basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]




def _unique_names(attachments: list[Attachment]) -> list[Attachment]:
    """Attachment file names are unique within a mail (a clash gets its folder prefixed)."""
    seen: dict[str, int] = {}
    for a in attachments:
        seen[a.filename] = seen.get(a.filename, 0) + 1
    out = []
    for a in attachments:
        if seen[a.filename] > 1 and not a.packed:
            prefix = a.entries[0].path.rsplit("/", 1)[0].replace("/", "-")
            a = Attachment(f"{prefix}-{a.filename}", a.entries, a.packed, a.description)
        out.append(a)
    return out
