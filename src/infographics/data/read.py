"""Loading: a folder of CSV files or one .xlsx workbook into validated, typed `Tables`.

`validate.py` reads, parses and checks every table in one pass and collects every problem in one
`Report`; `load` raises `InputError` with it, or with `skip_bad_rows` drops the bad rows (and
the rows that depend on them) and lists each as a warning. A `years` filter keeps only the
requested years (school years of libraries, calendar years of network) and reports a year that
is not in the data. The partners tables (`network`, `partners`) are optional; once loaded their
calendar `year` is carried in `school_year`, the edition's year.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from infographics.data.checklist import Checklist
from infographics.data.limits import DEFAULT_LIMITS, Limits
from infographics.data.origin import ROW, Origin
from infographics.data.parse import empty_frame, with_edition_year
from infographics.data.partnerconfig import PartnerConfig
from infographics.data.rules import check_references
from infographics.data.schema import (
    CALENDAR_YEAR_COLUMN,
    NETWORK,
    PARTNERS,
    TABLES,
    YEAR_COLUMN,
    TableSchema,
)
from infographics.data.validate import check_source
from infographics.errors import InputError, Problem, Report


def _no_partners(schema: TableSchema) -> Callable[[], pd.DataFrame]:
    return lambda: with_edition_year(empty_frame(schema))


@dataclass(frozen=True, eq=False)
class Tables:
    """Validated, typed input tables. Each frame has the canonical columns (plus unknown extra
    columns, kept as text), `_row` (spreadsheet row, header = 1) and `_file` ("libraries.csv" or
    "monitor.xlsx[libraries]"). An absent optional table is an empty frame with its columns.
    `network` and `partners` carry their calendar `year` in `school_year` (the edition's year:
    a school year for PO/VO, a calendar year for partners)."""

    provinces: pd.DataFrame
    pois: pd.DataFrame
    libraries: pd.DataFrame
    school_locations: pd.DataFrame
    contacts: pd.DataFrame
    report: Report
    source: str
    network: pd.DataFrame = field(default_factory=_no_partners(NETWORK))
    partners: pd.DataFrame = field(default_factory=_no_partners(PARTNERS))

    def years(self) -> list[str]:
        """The school years present in libraries, sorted."""
        return sorted(self.libraries[YEAR_COLUMN].dropna().unique().tolist())

    def calendar_years(self) -> list[str]:
        """The calendar years present in network (the partners editions), sorted."""
        return sorted(self.network[YEAR_COLUMN].dropna().unique().tolist())

    def for_year(self, year: str) -> Tables:
        """Only `year`'s rows of the tables with a year; the other tables unchanged."""
        return replace(
            self,
            libraries=_year_rows(self.libraries, [year]),
            school_locations=_year_rows(self.school_locations, [year]),
            network=_year_rows(self.network, [year]),
            partners=_year_rows(self.partners, [year]),
        )


def load(
    path: Path,
    mapping: Path | None = None,
    years: Sequence[str] | None = None,
    skip_bad_rows: bool = False,
    checklist: Checklist | None = None,
    unused: Sequence[str] = (),
    limits: Limits = DEFAULT_LIMITS,
    partners: PartnerConfig | None = None,
) -> Tables:
    """Read, parse and validate the tables at `path` (a CSV folder or an .xlsx workbook).

    Raises `InputError` (with every problem) when there are errors, unless `skip_bad_rows`:
    then rows with errors, and rows that depend on them, are dropped and listed as warnings.
    Errors that belong to no row (a missing file or required column) always raise. A wrong
    mapping or checklist file raises `ConfigError`. Errors in the tables named in `unused`
    (e.g. contacts, when only building pages) stay in the report but do not stop loading.
    `limits` bounds file sizes, rows and cells (`limits.py`); `partners` is the partner
    configuration the codes of partners.csv are checked against (default: the packaged one)."""
    if isinstance(years, str):
        years = [years]
    checked = check_source(Path(path), mapping, checklist, limits, partners)
    frames, origins, report = checked.frames, checked.origins, checked.report
    if years is not None:
        _check_years(frames, origins["libraries"], years, report)
    if any(p.table not in unused for p in report.errors):
        if not skip_bad_rows or not checked.can_skip_rows():
            raise InputError(report)
        frames, report = _skip_bad_rows(frames, origins, report)
    frames = {name: with_edition_year(frame) for name, frame in frames.items()}
    if years is not None:
        frames = {
            name: _year_rows(frame, years) if YEAR_COLUMN in frame.columns else frame
            for name, frame in frames.items()
        }
    return Tables(**frames, report=report, source=str(path))


# --------------------------------------------------------------------------- years and skipping


def _year_rows(frame: pd.DataFrame, years: Sequence[str]) -> pd.DataFrame:
    return frame[frame[YEAR_COLUMN].isin(list(years))].reset_index(drop=True)


def _check_years(
    frames: dict[str, pd.DataFrame], origin: Origin, years: Sequence[str], report: Report
) -> None:
    """A requested year must be a school year of libraries or a calendar year of network."""
    known = {"libraries": sorted(set(frames["libraries"][YEAR_COLUMN].dropna()))}
    calendar = sorted(set(frames["network"][CALENDAR_YEAR_COLUMN].dropna()))
    if calendar:
        known["network"] = calendar
    for year, message in unknown_years(years, known):
        report.problems.append(origin.problem(message, column=YEAR_COLUMN, value=year))


def unknown_years(
    years: Sequence[str], known: Mapping[str, Sequence[str]]
) -> list[tuple[str, str]]:
    """The requested `years` that are in none of `known` (per subject or table, its years),
    each with a Dutch message that names it and the years there are, per subject."""
    have = {year for found in known.values() for year in found}
    listed = "; ".join(f"{name}: {', '.join(found) or 'geen'}" for name, found in known.items())
    return [(year, f"gevraagd jaar {year} komt niet voor (wel: {listed})")
            for year in dict.fromkeys(years) if year not in have]


def _skip_bad_rows(
    frames: dict[str, pd.DataFrame], origins: dict[str, Origin], report: Report
) -> tuple[dict[str, pd.DataFrame], Report]:
    """Drop every row with an error, then (repeatedly) the rows whose references now fail;
    the new report has the warnings plus one warning per dropped row saying why."""
    kept = Report([p for p in report.problems if p.severity == "warning"])
    frames = _drop_rows(frames, origins, report.errors, kept, "rij overgeslagen")
    while True:
        lost = check_references(frames, origins).errors
        if not lost:
            return frames, kept
        frames = _drop_rows(frames, origins, lost, kept,
                            "rij overgeslagen omdat een rij waar hij naar verwijst is overgeslagen")


def _drop_rows(
    frames: dict[str, pd.DataFrame], origins: dict[str, Origin], errors: list[Problem],
    kept: Report, reason: str,
) -> dict[str, pd.DataFrame]:
    # every error here has its data row (`Checked.can_skip_rows`, `check_references`)
    by_row: dict[tuple[str, int | None], list[Problem]] = {}
    for problem in errors:
        by_row.setdefault((problem.table, problem.row), []).append(problem)
    order = list(TABLES)
    for (table, row), problems in sorted(by_row.items(),
                                         key=lambda kv: (order.index(kv[0][0]), kv[0][1] or 0)):
        why = "; ".join(f"{p.column}: {p.message}" if p.column else p.message for p in problems)
        kept.problems.append(origins[table].problem(f"{reason}: {why}", row,
                                                    severity="warning"))
    out = {}
    for name, frame in frames.items():
        rows = {row for table, row in by_row if table == name}
        out[name] = frame[~frame[ROW].isin(rows)].reset_index(drop=True) if rows else frame
    return out
