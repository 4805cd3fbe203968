"""The overview: the files a viewer may open into sections for the page, per school year and
subject: the national pages, then per province its provincial pages and per library its local
page and school pages; the POI bundles of the year last.

Pure: it takes the visible entries and the entitlements (for province and library names) and
returns frozen values; the template only lays them out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from infographics.edition.entitlement import Entitlements
from infographics.edition.manifest import Entry, is_page_level
from infographics.levels import LABELS, SUBJECT_LABELS
from infographics.portal.catalog import file_id
from infographics.portal.files import SHA256


@dataclass(frozen=True)
class Card:
    """One file on the overview."""

    id: str
    title: str
    label: str  # "PO · lokaal"
    thumbnail: bool
    download_name: str

    @classmethod
    def of(cls, entry: Entry) -> Card:
        return cls(file_id(entry.path), entry.entity_name, label(entry),
                   entry.path.endswith(".pdf") and bool(SHA256.fullmatch(entry.sha256)),
                   entry.path.rsplit("/", 1)[-1])


@dataclass
class LibraryGroup:
    id: str
    name: str
    province: str  # its province's name
    pages: list[Card] = field(default_factory=list)
    schools: list[Card] = field(default_factory=list)


@dataclass
class ProvinceGroup:
    id: str
    name: str
    pages: list[Card] = field(default_factory=list)
    libraries: dict[str, LibraryGroup] = field(default_factory=dict)


@dataclass
class SubjectSection:
    subject: str
    title: str
    national: list[Card] = field(default_factory=list)
    provinces: dict[str, ProvinceGroup] = field(default_factory=dict)

    def libraries(self) -> list[LibraryGroup]:
        """Every library with pages here, by province and name."""
        return [lib for p in self.provinces.values() for lib in p.libraries.values()]

    def top(self) -> list[Card]:
        """The cards in the first row: a single library's own pages first, then the provincial
        and the national pages (own page, province, country: as the pages compare)."""
        libraries = self.libraries()
        own = libraries[0].pages if len(libraries) == 1 else []
        return own + [c for p in self.provinces.values() for c in p.pages] + self.national


@dataclass
class YearSection:
    year: str
    subjects: dict[str, SubjectSection] = field(default_factory=dict)
    bundles: list[Card] = field(default_factory=list)


def label(entry: Entry) -> str:
    subject = SUBJECT_LABELS.get(entry.subject, entry.subject)
    if entry.level == "bundle":
        return "bundel (zip)"
    if entry.level == "print":
        return "afdrukversie lokale PO-pagina's"
    level = LABELS[entry.level] if is_page_level(entry.level) else entry.level
    return f"{subject} · {level}"


def sections(entries: Iterable[Entry], ents: Entitlements) -> list[YearSection]:
    """`entries` (in display order) grouped for the overview."""
    years: dict[str, YearSection] = {}
    for e in entries:
        year = years.setdefault(e.school_year, YearSection(e.school_year))
        card = Card.of(e)
        if e.level in ("bundle", "print"):
            year.bundles.append(card)
            continue
        section = year.subjects.setdefault(
            e.subject, SubjectSection(e.subject, SUBJECT_LABELS.get(e.subject, e.subject)))
        if e.level == "national":
            section.national.append(card)
        elif e.level == "province":
            _province(section, ents, e.entity_id).pages.append(card)
        else:
            _add_library_page(section, ents, e, card)
    for year in years.values():
        for section in year.subjects.values():
            section.provinces = dict(sorted(section.provinces.items(),
                                            key=lambda kv: kv[1].name.casefold()))
            for province in section.provinces.values():
                province.libraries = dict(sorted(province.libraries.items(),
                                                 key=lambda kv: kv[1].name.casefold()))
    return list(years.values())


def _province(section: SubjectSection, ents: Entitlements, province: str) -> ProvinceGroup:
    name = ents.province_names.get(province, province)
    return section.provinces.setdefault(province, ProvinceGroup(province, name))


def _add_library_page(section: SubjectSection, ents: Entitlements, e: Entry,
                      card: Card) -> None:
    library = ents.owner_library(e) or e.library_id
    province = ents.province_of(e.school_year, library) or ""
    group = _province(section, ents, province)
    name = ents.library_names.get((e.school_year, library), library)
    lib = group.libraries.setdefault(library, LibraryGroup(library, name, group.name))
    (lib.schools if e.level == "school" else lib.pages).append(card)
