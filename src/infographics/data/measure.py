"""Measuring: validated `Tables` + compiled `Indicators` into `Figures` for every entity at every
level (library, province, POI, size class, national) and edition year.

The edition's year is a school year (`2020-2021`) for PO and VO, measured on libraries and school
locations, and a calendar year (`2022`) for partners, measured on the network rows of the general
survey with the partners pivot (`partners.py`); its entities come from that year's network rows,
so PO/VO and partners entities never share a year. Every figure is summed from the records: a
share is the sum of parts over the sum of wholes over the rows of its population where all it
needs is known, never a mean of percentages; a mean is the sum over the rows where the value is
known divided by their number. Each figure carries its numerator, denominator and N (rows that
count); an aggregate share or mean over fewer than the indicator's minimum N is suppressed
(value None, `suppressed` True).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

import numpy as np
import pandas as pd

from infographics.data.checklist import Checklist
from infographics.data.indicators import Indicator, Indicators
from infographics.data.parse import empty_frame, with_edition_year
from infographics.data.partners import pivot_partners
from infographics.data.schema import CHECKLIST_BLOCKS, TABLES
from infographics.levels import FIGURE_LEVELS, FigureLevel

NATIONAL_ID = "NL"
NATIONAL_NAME = "Nederland"
# Per level: the column of the prepared rows that identifies the entity.
_KEY: Final[dict[FigureLevel, str]] = {
    "national": "_national",
    "province": "province",
    "poi": "poi_id",
    "size_class": "size_class",
    "library": "library_id",
}
# The subjects and the tables their indicators are measured on; an entity belongs to the subjects
# of the table its year came from.
SUBJECT_TABLES: Final[dict[str, tuple[str, ...]]] = {
    "po": ("libraries", "school_locations"),
    "vo": ("libraries", "school_locations"),
    "partners": ("network",),
}
SCHOOL_SUBJECTS: Final = ("po", "vo")
PARTNER_SUBJECTS: Final = ("partners",)
COLUMNS = [
    "school_year", "level", "entity_id", "entity_name", "indicator", "value",
    "numerator", "denominator", "n", "suppressed",
]


class TablesLike(Protocol):
    """What measuring reads of `read.Tables` (tests pass plain namespaces)."""

    @property
    def provinces(self) -> pd.DataFrame: ...
    @property
    def pois(self) -> pd.DataFrame: ...
    @property
    def libraries(self) -> pd.DataFrame: ...
    @property
    def school_locations(self) -> pd.DataFrame: ...
    # optional: `network` and `partners` (with `school_year`); absent means no partners data


def optional_table(tables: TablesLike, name: str) -> pd.DataFrame:
    """The network or partners table of `tables` with its calendar year in `school_year`; an
    empty one when `tables` has none (a data set without the partners tables)."""
    frame = getattr(tables, name, None)
    if not isinstance(frame, pd.DataFrame):
        frame = empty_frame(TABLES[name])
    return with_edition_year(frame)


@dataclass(frozen=True)
class Figure:
    """One computed figure. `value` is None when unknown (N = 0, whole = 0) or suppressed."""

    indicator: str
    value: float | None
    numerator: float | None
    denominator: float | None
    n: int
    suppressed: bool = False


@dataclass(frozen=True)
class Entity:
    """Whose figures: the country, a province, a POI, a size class or a library, in a year.
    `school_year` is the edition's year: a school year for PO/VO, a calendar year for
    partners; `subjects` are the subjects that year is an edition of."""

    school_year: str
    level: FigureLevel
    id: str
    name: str
    subjects: tuple[str, ...] = SCHOOL_SUBJECTS


@dataclass(frozen=True)
class LibraryInfo:
    """Where a library stands in a year: its province, POI and size class (with how many
    peers). `school_year` is the edition's year: a school year for PO/VO (from libraries), a
    calendar year for partners (from network, with the network's library name)."""

    school_year: str
    library_id: str
    library_name: str
    province: str
    province_name: str
    poi_id: str
    poi_name: str
    size_class: str | None
    size_class_label: str | None
    size_class_count: int
    successor_of: tuple[str, ...] = ()  # the organisations this library continues (a merger)


class Figures:
    """All figures, in long form (`frame`) and by key (`get`)."""

    def __init__(self, frame: pd.DataFrame, entities: list[Entity], libraries: list[LibraryInfo],
                 schools: pd.DataFrame | None = None, checklist: Checklist | None = None,
                 subject_years: Mapping[str, Sequence[str]] | None = None):
        self.frame = frame
        # per subject, the years that have figures for it (default: every year of the entities
        # that belong to the subject)
        self._subject_years = {s: sorted(y) for s, y in (subject_years or {}).items()}
        self.checklist = checklist
        # school-location rows with their points total, maximum and stars (the checklist pages)
        self.schools = schools if schools is not None else pd.DataFrame()
        self._entities = entities
        self._school_rows: dict[tuple[str, str], int] | None = None
        self._libraries = {(i.school_year, i.library_id): i for i in libraries}
        self._index = _index(frame)

    def get(self, school_year: str, level: str, entity_id: str, indicator: str) -> Figure:
        try:
            return self._index[(school_year, level, entity_id, indicator)]
        except KeyError:
            raise KeyError(
                f"geen cijfer voor {indicator!r} bij {level} {entity_id!r} in {school_year}"
            ) from None

    def entities(self, level: str, school_year: str | None = None,
                 subject: str | None = None) -> list[Entity]:
        """The entities of `level`, of one year and of one subject if given."""
        return [
            e for e in self._entities
            if e.level == level and (school_year is None or e.school_year == school_year)
            and (subject is None or subject in e.subjects)
        ]

    def library(self, school_year: str, library_id: str) -> LibraryInfo:
        return self._libraries[(school_year, library_id)]

    def school(self, school_year: str, location_id: str) -> pd.Series:
        if self._school_rows is None:  # built on first use: position of each location's row
            self._school_rows = {} if self.schools.empty else {
                key: i for i, key in enumerate(zip(self.schools["school_year"],
                                                   self.schools["location_id"], strict=True))}
        try:
            return self.schools.iloc[self._school_rows[(school_year, location_id)]]
        except KeyError:
            raise KeyError(f"geen schoollocatie {location_id!r} in {school_year}") from None

    def years(self, subject: str | None = None) -> list[str]:
        """The years that have figures for `subject`, sorted: for PO the school years where a
        library answered the PO survey, for VO the VO survey, for partners the calendar years
        of network.csv where a library answered the general survey. None: every year (school
        and calendar years)."""
        if subject is None:
            return sorted({e.school_year for e in self._entities})
        if subject in self._subject_years:
            return list(self._subject_years[subject])
        return sorted({e.school_year for e in self._entities if subject in e.subjects})

    def library_name(self, library_id: str, before: str) -> str:
        """The name of a library organisation in its last school year before `before` (the
        organisations a merged library continues); its id when it has none."""
        years = [y for (y, i) in self._libraries if i == library_id and y < before]
        return self._libraries[(max(years), library_id)].library_name if years else library_id

    def library_years(self, library_id: str, until: str) -> list[str]:
        """The school years up to `until` in which this library organisation exists."""
        return sorted(y for (y, i) in self._libraries if i == library_id and y <= until)

    def export(self, level: str = "all", years: list[str] | None = None) -> pd.DataFrame:
        """The long-form table for analysts (shares as fractions, suppressed values empty), of
        the school `years` only when given."""
        frame = self.frame if level == "all" else self.frame[self.frame.level == level]
        if years is not None:
            frame = frame[frame.school_year.isin(years)]
        frame = frame[~self._out_of_survey(frame)]
        frame = frame.reset_index(drop=True).copy()
        for column in ("value", "numerator", "denominator"):  # counts as 5386, not 5386.0
            frame[column] = pd.Series([_whole(v) for v in frame[column]], dtype=object)
        return frame


    def _out_of_survey(self, frame: pd.DataFrame) -> pd.Series:
        """Rows of a subject's indicator (`po_...`) in a year without that subject's survey
        (PO before 2020-2021): no figures, so not exported as if they were empty ones."""
        out = pd.Series(False, index=frame.index)
        for subject, years in self._subject_years.items():
            ours = frame.indicator.str.startswith(f"{subject}_")
            out |= ours & ~frame.school_year.isin(years)
        return out


def _index(frame: pd.DataFrame) -> dict[tuple[str, str, str, str], Figure]:
    """The long-form figures by (school year, level, entity id, indicator)."""
    names = ("school_year", "level", "entity_id", "indicator", "value", "numerator",
             "denominator", "n", "suppressed")
    columns = [frame[name].tolist() for name in names]  # plain Python cells (Any)
    return {
        (year, level, entity_id, indicator): Figure(
            indicator, _opt(value), _opt(numerator), _opt(denominator), int(n), bool(suppressed))
        for year, level, entity_id, indicator, value, numerator, denominator, n, suppressed
        in zip(*columns, strict=True)
    }


def _whole(value: float | None) -> int | float | None:
    if value is None or value != value:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _opt(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)


# --- preparing rows ---------------------------------------------------------------------------


# The contract: a programme's locations and pupils are "empty or 0" when the library does not
# run it, so there an empty cell means 0, not unknown.
NOT_APPLICABLE_ZERO = {
    "po_dbos": ("po_dbos_locations", "po_dbos_pupils"),
    "po_comparable": ("po_comparable_locations", "po_comparable_pupils"),
}


def prepare_libraries(tables: TablesLike, indicators: Indicators) -> pd.DataFrame:
    """Library rows with province name, POI and size class attached."""
    lib = tables.libraries.copy()
    for flag, columns in NOT_APPLICABLE_ZERO.items():
        off = lib[flag].eq(False).fillna(False).astype(bool)
        for column in columns:
            lib[column] = lib[column].mask(off & lib[column].isna(), 0)
    return _placed(lib, tables, indicators)


def prepare_network(tables: TablesLike, indicators: Indicators) -> pd.DataFrame:
    """Network rows (calendar year in `school_year`) with province name, POI and size class
    attached and the partners pivot's columns (`partners.py`)."""
    network = _placed(optional_table(tables, "network"), tables, indicators)
    return pivot_partners(network, optional_table(tables, "partners"), indicators.partners)


def _placed(rows: pd.DataFrame, tables: TablesLike, indicators: Indicators) -> pd.DataFrame:
    """`rows` (libraries or network) with province name, POI, size class and `_national`."""
    prov = tables.provinces[["province", "province_name", "poi_id"]]
    rows = rows.merge(prov, on="province", how="left", validate="many_to_one")
    rows = rows.merge(tables.pois[["poi_id", "poi_name"]], on="poi_id", how="left")
    rows["size_class"] = pd.Series([
        indicators.size_class_of(None if pd.isna(v) else float(v)) for v in rows["inhabitants"]
    ], index=rows.index, dtype=object)
    rows["_national"] = NATIONAL_ID
    return rows


def prepare_schools(
    tables: TablesLike, libraries: pd.DataFrame, indicators: Indicators
) -> pd.DataFrame:
    """School-location rows with their library's groups and checklist totals and stars."""
    schools = tables.school_locations.copy()
    groups = libraries[["school_year", "library_id", "province", "poi_id", "size_class"]]
    schools = schools.merge(groups, on=["school_year", "library_id"], how="left")
    checklist = indicators.checklist
    points = schools[[b.column for b in checklist.blocks]].astype("Float64")
    complete = points.notna().all(axis=1)
    total = points.sum(axis=1, skipna=True).astype("Float64").mask(~complete, pd.NA)
    schools["points_total"] = total
    schools["points_max"] = pd.Series(checklist.total_max, index=schools.index, dtype="Float64")
    schools["stars"] = pd.array(
        [checklist.stars_for(float(t)) if not pd.isna(t) else pd.NA for t in total],
        dtype="Int64",
    )
    for column in CHECKLIST_BLOCKS:
        maximum = checklist.maximum(column) if column in points else np.nan
        known = schools[column].notna()
        schools[f"max_{column}"] = pd.Series(maximum, index=schools.index, dtype="Float64").mask(
            ~known, pd.NA
        )
    schools["_national"] = NATIONAL_ID
    return schools


# --- measuring ---------------------------------------------------------------------------------


def _parts(ind: Indicator, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: numerator and denominator contributions and whether the row counts."""
    pop = ind.population.where
    in_pop = (
        pop.evaluate(rows).fillna(False).to_numpy(dtype=bool)
        if pop is not None
        else np.ones(len(rows), dtype=bool)
    )
    num = ind.numerator.contributions(rows).to_numpy(dtype=float)
    known = in_pop & ~np.isnan(num)
    if ind.denominator is not None:
        den = ind.denominator.contributions(rows).to_numpy(dtype=float)
        known &= ~np.isnan(den)
    else:
        den = np.zeros(len(rows))
    return np.where(known, num, 0.0), np.where(known, den, 0.0), known.astype(int)


def _sums(indicators: list[Indicator], rows: pd.DataFrame) -> dict[FigureLevel, pd.DataFrame]:
    """Per level, a frame indexed by (school_year, entity id) of num/den/n per indicator."""
    data = {}
    for ind in indicators:
        num, den, n = _parts(ind, rows)
        data[(ind.id, "num")], data[(ind.id, "den")], data[(ind.id, "n")] = num, den, n
    wide = pd.DataFrame(data, index=rows.index)
    out = {}
    for level, key in _KEY.items():
        keys = [rows["school_year"].astype(str), rows[key].astype(object)]
        out[level] = wide.groupby(keys, dropna=True).sum()
    return out


def _entities(tables: TablesLike, rows: pd.DataFrame, indicators: Indicators,
              subjects: tuple[str, ...] = SCHOOL_SUBJECTS) -> list[Entity]:
    """Every entity of every year of `rows` (libraries, or network rows for partners)."""
    out: list[Entity] = []
    for year in sorted(rows["school_year"].astype(str).unique()):
        out.append(Entity(year, "national", NATIONAL_ID, NATIONAL_NAME, subjects))
        for code, name in _pairs(tables.provinces, "province", "province_name"):
            out.append(Entity(year, "province", code, name, subjects))
        for code, name in _pairs(tables.pois, "poi_id", "poi_name"):
            out.append(Entity(year, "poi", code, name, subjects))
        for sc in indicators.size_classes:
            out.append(Entity(year, "size_class", sc.id, sc.label, subjects))
        year_rows = rows[rows["school_year"] == year]
        for code, name in _pairs(year_rows, "library_id", "library_name"):
            out.append(Entity(year, "library", code, name, subjects))
    return out


def _subject_years(libraries: pd.DataFrame, network: pd.DataFrame) -> dict[str, list[str]]:
    """Per subject the years with figures: a year in which someone answered its survey (a
    school year with a library that answered the PO or VO survey; a calendar year of
    network.csv with a library that answered the general survey). A year where nobody
    answered has only unknown figures, so it is no edition (and never the default one)."""
    def answered(rows: pd.DataFrame, flag: str) -> list[str]:
        rows = rows[rows[flag].eq(True).fillna(False).astype(bool)]
        return sorted(rows["school_year"].astype(str).unique())
    return {"po": answered(libraries, "responded_po"), "vo": answered(libraries, "responded_vo"),
            "partners": answered(network, "responded")}


def _pairs(frame: pd.DataFrame, key: str, name: str) -> list[tuple[str, str]]:
    """(id, name) of every row; both are required text columns of the contract."""
    return list(zip(frame[key].tolist(), frame[name].tolist(), strict=True))


def _library_info(libraries: pd.DataFrame, indicators: Indicators) -> list[LibraryInfo]:
    labels = {sc.id: sc.label for sc in indicators.size_classes}
    counts = libraries.groupby(["school_year", "size_class"]).size().to_dict()
    names = ("school_year", "library_id", "library_name", "province", "province_name",
             "poi_id", "poi_name", "size_class")
    columns = [libraries[name].tolist() for name in names]  # plain Python cells (Any)
    successors = [_ids(v) for v in (libraries["successor_of"].tolist()
                                    if "successor_of" in libraries else [None] * len(libraries))]
    return [
        LibraryInfo(year, library_id, library_name, province, province_name, poi_id, poi_name,
                    size_class, labels.get(size_class), int(counts.get((year, size_class), 0)),
                    before)
        for (year, library_id, library_name, province, province_name, poi_id, poi_name,
             size_class), before in zip(zip(*columns, strict=True), successors, strict=True)
    ]


def _ids(cell: Any) -> tuple[str, ...]:
    """`successor_of`: library ids separated by ';' (empty: none)."""
    if cell is None or cell is pd.NA or cell != cell:
        return ()
    return tuple(part.strip() for part in str(cell).split(";") if part.strip())


def measure(tables: TablesLike, indicators: Indicators) -> Figures:
    """Compute every indicator for every entity at every level and edition year (PO/VO
    indicators in school years, partners indicators in calendar years)."""
    libraries = prepare_libraries(tables, indicators)
    schools = prepare_schools(tables, libraries, indicators)
    network = prepare_network(tables, indicators)
    by_table = {"libraries": libraries, "school_locations": schools, "network": network}
    sums: dict[FigureLevel, list[pd.DataFrame]] = {level: [] for level in FIGURE_LEVELS}
    for table, rows in by_table.items():
        group = [i for i in indicators.items.values() if i.population.table == table]
        if group:
            for level, frame in _sums(group, rows).items():
                sums[level].append(frame)
    entities = (_entities(tables, libraries, indicators)
                + _entities(tables, network, indicators, PARTNER_SUBJECTS))
    records = _records(entities, indicators, sums)
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    places = pd.concat([libraries, network], ignore_index=True) if len(network) else libraries
    return Figures(frame, entities, _library_info(places, indicators), schools,
                   indicators.checklist, _subject_years(libraries, network))


# school_year, level, entity_id, entity_name, indicator, value, numerator, denominator, n,
# suppressed: one row of `COLUMNS`
FigureRow = tuple[
    str, FigureLevel, str, str, str, float | None, float | None, float | None, int, bool
]
# one entity's sums: (indicator, "num" | "den" | "n") -> the sum (pandas cells: Any)
EntitySums = dict[Hashable, Any]


def _records(
    entities: list[Entity], indicators: Indicators,
    sums: dict[FigureLevel, list[pd.DataFrame]],
) -> list[FigureRow]:
    """Every indicator of every entity, level by level."""
    records = []
    of_subjects: dict[tuple[str, ...], list[Indicator]] = {}  # an entity's indicators
    for level in FIGURE_LEVELS:
        wide = pd.concat(sums[level], axis=1).fillna(0) if sums[level] else pd.DataFrame()
        by_key = wide.to_dict("index")  # plain dicts: a pandas lookup per cell is slow
        for ent in (e for e in entities if e.level == level):
            row = by_key.get((ent.school_year, ent.id))
            if ent.subjects not in of_subjects:
                tables = {t for s in ent.subjects for t in SUBJECT_TABLES[s]}
                of_subjects[ent.subjects] = [i for i in indicators.items.values()
                                             if i.population.table in tables]
            for ind in of_subjects[ent.subjects]:
                records.append(_record(ent, ind, row))
    return records


def _record(ent: Entity, ind: Indicator, row: EntitySums | None) -> FigureRow:
    n = int(row[(ind.id, "n")]) if row is not None else 0
    num = float(row[(ind.id, "num")]) if row is not None else 0.0
    den = float(row[(ind.id, "den")]) if row is not None else 0.0
    head = (ent.school_year, ent.level, ent.id, ent.name, ind.id)
    if n == 0:
        return head + (None, None, None, 0, False)
    if ind.is_mean:  # the sum over the N rows where the value is known, divided by N
        if ent.level != "library" and n < ind.min_n:
            return head + (None, None, None, n, True)
        return head + (num / n, num, float(n), n, False)
    if not ind.is_share:
        return head + (num, num, None, n, False)
    if ent.level != "library" and n < ind.min_n:
        return head + (None, None, None, n, True)
    value = num / den if den else None
    return head + (value, num, den, n, False)
