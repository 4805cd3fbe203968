"""Who sees what: a `Viewer` (anonymous, an account with the recipient groups its address is a
contact of, or staff) and a catalog entry or a figure row into yes or no.

Files are decided by `Entitlements.may_receive`, the rule that decides who is mailed which
file: an account sees exactly what its contacts would be mailed (a POI: its provinces' pages,
every local and school page of its libraries and its bundles; a library: its own pages, its
province's and the national ones). The public (no account) sees what the national contacts get:
the national pages. Staff see everything.

Figures follow the same lookups: a library sees its own figures and those of its province, its
size class and the country; a POI its own, its provinces', its libraries', their size classes'
and the country's; a national contact the country's; staff all. Each edition by its own data: a
school year (PO/VO) by libraries.csv of that year, a calendar year (partners) by network.csv.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from infographics.edition.entitlement import Entitlements, Recipient
from infographics.edition.manifest import Entry

if TYPE_CHECKING:
    from infographics.data.measure import Figures

PUBLIC = Recipient("national")  # the public sees what the national contacts are mailed


@dataclass(frozen=True)
class Viewer:
    """Who is asking: `email` "" for the public."""

    email: str = ""
    name: str = ""
    recipients: frozenset[Recipient] = field(default_factory=frozenset)
    staff: bool = False

    @property
    def anonymous(self) -> bool:
        return not self.email

    def label(self) -> str:
        return self.name or self.email


ANONYMOUS = Viewer()


def may_see(viewer: Viewer, entry: Entry, ents: Entitlements) -> bool:
    """Whether `viewer` may open the file `entry`."""
    if viewer.staff:
        return True
    if ents.may_receive(PUBLIC, entry):
        return True
    return any(ents.may_receive(r, entry) for r in viewer.recipients)


def visible(viewer: Viewer, entries: Iterable[Entry], ents: Entitlements) -> list[Entry]:
    """The entries `viewer` may open, in the given order."""
    return [e for e in entries if may_see(viewer, e, ents)]


FigureKey = tuple[str, str, str]  # (school_year, level, entity_id)


class FigureScope:
    """Which figure rows (school year, level, entity id) a viewer may see."""

    def __init__(self, viewer: Viewer, ents: Entitlements, figures: Figures):
        self.viewer = viewer
        self.ents = ents
        self.figures = figures
        self._years: dict[str, frozenset[FigureKey]] = {}

    def allows(self, year: str, level: str, entity_id: str) -> bool:
        if self.viewer.staff:
            return True
        if self.viewer.anonymous:
            return False
        if year not in self._years:
            self._years[year] = frozenset(self._keys(year))
        return (year, level, entity_id) in self._years[year]

    def _keys(self, year: str) -> set[FigureKey]:
        keys: set[FigureKey] = {(year, "national", e.id)
                                for e in self.figures.entities("national", year)}
        for r in self.viewer.recipients:
            if r.kind == "library" and r.entity_id:
                keys |= self._library_keys(year, r.entity_id)
            elif r.kind == "poi" and r.entity_id:
                keys.add((year, "poi", r.entity_id))
                keys |= {(year, "province", p) for p in self.ents.provinces_of(r.entity_id)}
                for library in self.ents.libraries_of(year, r.entity_id):
                    keys |= self._library_keys(year, library)
        known = {(year, e.level, e.id) for level in ("province", "poi", "size_class", "library")
                 for e in self.figures.entities(level, year)}
        return {k for k in keys if k[1] == "national" or k in known}

    def _library_keys(self, year: str, library_id: str) -> set[FigureKey]:
        province = self.ents.province_of(year, library_id)
        if province is None:
            return set()  # not a library in that year
        keys = {(year, "library", library_id), (year, "province", province)}
        try:
            size_class = self.figures.library(year, library_id).size_class
        except KeyError:
            size_class = None
        if size_class:
            keys.add((year, "size_class", size_class))
        return keys
