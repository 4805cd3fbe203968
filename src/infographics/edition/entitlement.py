"""Who may receive which file: the contract's entitlement rules, turned from the reference
tables (libraries, provinces, POIs) into one `Entitlements` object that answers, for a recipient
(a library, a POI, or national) and a manifest `Entry`, whether that recipient may have it.

The rules (data contract, contacts.csv):
- everyone entitled at all gets the national pages;
- a library gets its own local and school pages and its province's provincial pages;
- a POI gets the provincial pages of its provinces and every local and school page of the
  libraries in those provinces (its bundle), plus its own bundle files;
- nobody else ever gets a library's local or school pages.

Bundles (`infographics bundle`) and the mail plan (`infographics send`) both ask this module, so
the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, get_args

from infographics.edition.manifest import Entry

if TYPE_CHECKING:  # annotations only: this module reads the frames but needs no pandas itself
    from infographics.data.measure import TablesLike

RecipientKind = Literal["library", "poi", "national"]
RECIPIENT_KINDS: Final[tuple[RecipientKind, ...]] = get_args(RecipientKind)


@dataclass(frozen=True)
class Recipient:
    kind: RecipientKind
    entity_id: str = ""  # library_id or poi_id; "" for national


class Entitlements:
    """Library → province (per school year) and province → POI, from the reference tables."""

    def __init__(self, library_province: dict[tuple[str, str], str],
                 province_poi: dict[str, str], province_names: dict[str, str] | None = None,
                 poi_names: dict[str, str] | None = None,
                 library_names: dict[tuple[str, str], str] | None = None,
                 school_libraries: dict[tuple[str, str], str] | None = None):
        self.library_province = dict(library_province)  # (school_year, library_id) -> province
        self.province_poi = dict(province_poi)
        self.province_names = dict(province_names or {})
        self.poi_names = dict(poi_names or {})
        self.library_names = dict(library_names or {})
        # (school_year, location_id) -> library_id; None: not known, school rows are trusted
        self.school_libraries = None if school_libraries is None else dict(school_libraries)

    @classmethod
    def from_tables(cls, tables: TablesLike) -> Entitlements:
        """From data.read.Tables (or anything with its four reference frames). A library's
        province per edition comes from libraries.csv (school years) and, when the data has
        it, network.csv (calendar years: the partners pages)."""
        libs, schools = _library_rows(tables), tables.school_locations
        return cls(
            {(y, i): p for y, i, _, p in libs},
            dict(zip(tables.provinces["province"].astype(str),
                     tables.provinces["poi_id"].astype(str), strict=True)),
            dict(zip(tables.provinces["province"].astype(str),
                     tables.provinces["province_name"].astype(str), strict=True)),
            dict(zip(tables.pois["poi_id"].astype(str), tables.pois["poi_name"].astype(str),
                     strict=True)),
            {(y, i): n for y, i, n, _ in libs},
            {(str(y), str(loc)): str(lib) for y, loc, lib in
             zip(schools["school_year"], schools["location_id"], schools["library_id"],
                 strict=True)},
        )

    # -- lookups ---------------------------------------------------------------------------

    def years(self) -> set[str]:
        """The editions' years the data has libraries in (school and calendar years)."""
        return {year for year, _ in self.library_province}

    def pois(self) -> list[str]:
        return sorted(set(self.province_poi.values()) | set(self.poi_names))

    def provinces_of(self, poi_id: str) -> set[str]:
        return {p for p, poi in self.province_poi.items() if poi == poi_id}

    def province_of(self, school_year: str, library_id: str) -> str | None:
        return self.library_province.get((school_year, library_id))

    def poi_of_library(self, school_year: str, library_id: str) -> str | None:
        province = self.province_of(school_year, library_id)
        return self.province_poi.get(province) if province else None

    def libraries_of(self, school_year: str, poi_id: str) -> list[str]:
        provinces = self.provinces_of(poi_id)
        return sorted(lib for (year, lib), prov in self.library_province.items()
                      if year == school_year and prov in provinces)

    # -- the rules ---------------------------------------------------------------------------

    def owner_library(self, entry: Entry) -> str:
        """The library whose local (or school) page this is; "" for other files, for a local
        page whose entity_id and library_id name different libraries (build writes the same id
        in both; a row that disagrees was edited and cannot say whose page it is), and for a
        school page whose location the school data does not link to that library."""
        if entry.level == "library":
            if entry.library_id and entry.entity_id and entry.library_id != entry.entity_id:
                return ""
            return entry.library_id or entry.entity_id
        if entry.level == "school":
            if self.school_libraries is not None and self.school_libraries.get(
                    (entry.school_year, entry.entity_id)) != entry.library_id:
                return ""  # the data links this location to another library, or to none
            return entry.library_id
        return ""

    def may_receive(self, recipient: Recipient, entry: Entry) -> bool:
        """Whether `recipient` is entitled to the file `entry`."""
        year = entry.school_year
        if entry.level == "national":
            return recipient.kind in RECIPIENT_KINDS
        if recipient.kind not in ("library", "poi") or not recipient.entity_id:
            return False  # national contacts, unknown kinds and recipients without an id
        if entry.level == "province":
            if recipient.kind == "library":
                return self.province_of(year, recipient.entity_id) == entry.entity_id
            return self.province_poi.get(entry.entity_id) == recipient.entity_id
        if entry.level in ("library", "school"):
            owner = self.owner_library(entry)
            if not owner:
                return False  # a page that names no library is nobody's local page
            if recipient.kind == "library":
                return owner == recipient.entity_id
            return self.poi_of_library(year, owner) == recipient.entity_id
        if entry.level in ("bundle", "print"):
            return recipient.kind == "poi" and entry.entity_id == recipient.entity_id
        return False

    def entitled(self, recipient: Recipient, entries: Iterable[Entry]) -> list[Entry]:
        """The entries `recipient` may receive, in the given order."""
        return [e for e in entries if self.may_receive(recipient, e)]


def _library_rows(tables: TablesLike) -> list[tuple[str, str, str, str]]:
    """(edition, library_id, library_name, province) of every library row: libraries.csv's per
    school year, then network.csv's per calendar year (`year` 2022 as the edition "2022"),
    when the tables have one."""
    libs = tables.libraries
    rows = [(str(y), str(i), str(n), str(p)) for y, i, n, p in zip(
        libs["school_year"], libs["library_id"], libs["library_name"], libs["province"],
        strict=True)]
    network = getattr(tables, "network", None)
    if network is not None and len(network):
        years = network["school_year"] if "school_year" in network else network["year"]
        rows += [(_year_key(y), str(i), str(n), str(p)) for y, i, n, p in zip(
            years, network["library_id"], network["library_name"], network["province"],
            strict=True)]
    return rows


def _year_key(year: object) -> str:
    """A calendar year cell (2022, 2022.0 or "2022") as the edition key "2022"."""
    text = str(year).strip()
    return text.removesuffix(".0")
