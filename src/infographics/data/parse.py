"""Parsing: a table's text frame into its typed frame, as `schema.py` says.

An optional column mapping renames export columns to the canonical names; missing columns are
added as all unknown (an error if required), extra columns are kept as text with a warning.
Then each column is parsed as a whole (ints with Dutch thousands dots, ja/nee booleans, numbers
with a decimal comma, enums, school years, calendar years) into nullable pandas types where an
empty cell stays unknown, never 0. Text columns are checked as `text.py` says (ids, names drawn
on the pages, addresses), and no cell may be longer than `Limits.cell_chars`. Each bad cell is a
located problem in the `Report` and becomes unknown.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from infographics.data.limits import DEFAULT_LIMITS, Limits, count
from infographics.data.origin import FILE, ROW, Origin
from infographics.data.schema import (
    CALENDAR_YEAR_COLUMN,
    CALENDAR_YEARS,
    YEAR_COLUMN,
    Column,
    Kind,
    TableSchema,
)
from infographics.data.text import check_text
from infographics.errors import Report

BOOLEANS = {
    "ja": True, "nee": False, "yes": True, "no": False,
    "true": True, "false": False, "1": True, "0": False,
}
INT_RE = r"-?(?:\d{1,18}|\d{1,3}(?:\.\d{3}){1,5})"
NUMBER_RE = r"-?\d{1,15}(?:[.,]\d{1,15})?"
YEAR_RE = r"(\d{4})-(\d{4})"
CALENDAR_YEAR_RE = r"\d{4}"
# the nullable pandas type of each kind of column; text and enums stay objects
DTYPES: dict[Kind, str] = {"int": "Int64", "bool": "boolean", "number": "Float64"}

Mask = NDArray[np.bool_]
# (which cells of a column are wrong, what is wrong): parse_column turns each into a Problem
BadCells = list[tuple[Mask, str]]
Parsed = tuple[pd.Series, BadCells]  # typed values, and the cells that could not be parsed
Parser = Callable[[pd.Series, Mask, Column], Parsed]


def typed_table(
    raw: pd.DataFrame, schema: TableSchema, export_names: dict[str, str], origin: Origin,
    report: Report, limits: Limits = DEFAULT_LIMITS,
) -> tuple[pd.DataFrame, bool]:
    """The text frame `raw` renamed (`export_names`: canonical -> export column), conformed to
    `schema` and parsed; and whether its header is sound: no required column missing and no
    column there twice through the mapping (else the table is left out of reference checks)."""
    before = len(report.errors)
    raw = _rename(raw, export_names, origin, report)
    raw, missing = _conform(raw, schema, export_names, origin, report)
    sound = not any(p.row == 1 for p in report.errors[before:])
    return _parse_table(raw, schema, missing, origin, report, limits), sound


def empty_frame(schema: TableSchema) -> pd.DataFrame:
    """A table with no rows but the canonical columns and types."""
    frame = pd.DataFrame({c.name: pd.Series([], dtype=DTYPES.get(c.kind, object))
                          for c in schema.columns})
    frame[ROW] = pd.Series([], dtype="int64")
    frame[FILE] = pd.Series([], dtype=object)
    return frame


def with_edition_year(frame: pd.DataFrame) -> pd.DataFrame:
    """A network or partners frame with its calendar `year` carried in `school_year`, the
    edition's year (a school year for PO/VO, a calendar year for partners); an extra column
    of that name (ignored with a warning when read) gives way."""
    if CALENDAR_YEAR_COLUMN not in frame.columns:
        return frame
    return (frame.drop(columns=[YEAR_COLUMN], errors="ignore")
            .rename(columns={CALENDAR_YEAR_COLUMN: YEAR_COLUMN}))


def _rename(
    frame: pd.DataFrame, export_names: dict[str, str], origin: Origin, report: Report
) -> pd.DataFrame:
    """Export column names to canonical ones, as the mapping says."""
    renames = {}
    for canonical, export in export_names.items():
        if export not in frame.columns or export == canonical:
            continue
        if canonical in frame.columns:
            report.problems.append(origin.problem(
                f"kolom staat er zowel als '{canonical}' als (via mapping) als '{export}'; "
                f"'{export}' telt", 1, canonical))
            frame = frame.drop(columns=canonical)
        renames[export] = canonical
    return frame.rename(columns=renames)


def _conform(
    frame: pd.DataFrame, schema: TableSchema, export_names: dict[str, str], origin: Origin,
    report: Report,
) -> tuple[pd.DataFrame, set[str]]:
    """Missing columns (error if required, else a warning; added as all unknown, their names
    returned); unknown extra columns kept with a warning each."""
    missing = set()
    for column in schema.columns:
        if column.name in frame.columns:
            continue
        export = export_names.get(column.name)
        via = f" (volgens de mapping: '{export}')" if export else ""
        if column.required:
            report.problems.append(origin.problem(f"verplichte kolom ontbreekt{via}", 1,
                                                  column.name))
        elif not column.may_lack:
            report.problems.append(origin.problem(
                f"kolom ontbreekt{via}; alle waarden gelden als onbekend", 1, column.name,
                severity="warning"))
        frame[column.name] = ""
        missing.add(column.name)
    extras = [c for c in frame.columns if c not in schema.names and c != ROW]
    for name in extras:
        close = difflib.get_close_matches(name, schema.names, n=1)
        hint = f"; bedoelt u '{close[0]}'?" if close else ""
        report.problems.append(origin.problem(
            f"onbekende kolom wordt genegeerd{hint}", 1, name, severity="warning"))
    return frame[[*schema.names, *extras, ROW]], missing


def _parse_table(
    raw: pd.DataFrame, schema: TableSchema, missing: set[str], origin: Origin, report: Report,
    limits: Limits,
) -> pd.DataFrame:
    """Every column from text into its type; each bad cell is a problem and becomes unknown.
    A `missing` column is all unknown."""
    out = {}
    for name in raw.columns:
        if name == ROW:
            continue
        column = schema.column(name) or Column(name)
        if name in missing:
            out[name] = pd.Series(None, index=raw.index, dtype=DTYPES.get(column.kind, object))
        else:
            out[name] = _parse_column(raw[name], column, raw[ROW], origin, report, limits)
    frame = pd.DataFrame(out, index=raw.index)
    frame[ROW] = raw[ROW].astype("int64")
    frame[FILE] = pd.Series(origin.label, index=frame.index, dtype=object)
    return frame.reset_index(drop=True)


def _parse_column(
    text: pd.Series, column: Column, rows: pd.Series, origin: Origin, report: Report,
    limits: Limits,
) -> pd.Series:
    empty = (text == "").to_numpy(dtype=bool)
    if column.default is not None and empty.any():
        text = text.where(~empty, column.default)
        empty = (text == "").to_numpy(dtype=bool)
    long = (text.str.len() > limits.cell_chars).to_numpy(dtype=bool)
    cells = text.where(~empty & ~long, None)
    bad: BadCells = [(empty, "verplichte waarde ontbreekt")] if column.required else []
    bad.append((long, f"cel is te lang (maximaal {count(limits.cell_chars)} tekens)"))
    row_numbers = rows.to_numpy(dtype="int64")
    if column.kind == "text" and column.text is not None:
        values, findings = check_text(cells, column.text, limits)
        for i, message, severity in findings:
            report.problems.append(origin.problem(
                message, int(row_numbers[i]), column.name, text.iat[i], severity=severity))
        bad_values: BadCells = []
    else:
        parser = _parse_year if column.name == YEAR_COLUMN else PARSERS[column.kind]
        values, bad_values = parser(cells, ~empty & ~long, column)
    for mask, message in [*bad, *bad_values]:
        for i in np.flatnonzero(mask).tolist():
            report.problems.append(
                origin.problem(message, int(row_numbers[i]), column.name, text.iat[i]))
    return values


def _matches(cells: pd.Series, pattern: str) -> Mask:
    """Known cells that fully match `pattern` (False for unknown cells)."""
    return cells.str.fullmatch(pattern, na=False).to_numpy(dtype=bool, copy=True)


def _parse_text(cells: pd.Series, known: Mask, column: Column) -> Parsed:
    return cells, []


def _parse_enum(cells: pd.Series, known: Mask, column: Column) -> Parsed:
    lowered = cells.str.lower()
    ok = lowered.isin(column.choices).to_numpy()
    values = lowered.where(ok, None)
    return values, [(known & ~ok, f"ongeldige waarde; kies uit {', '.join(column.choices)}")]


def _parse_bool(cells: pd.Series, known: Mask, column: Column) -> Parsed:
    mapped = cells.str.lower().map(BOOLEANS)
    bad = known & mapped.isna().to_numpy()
    message = "geen geldige ja/nee-waarde (gebruik ja/nee, yes/no, true/false of 1/0)"
    return mapped.astype("boolean"), [(bad, message)]


def _parse_int(cells: pd.Series, known: Mask, column: Column) -> Parsed:
    ok = _matches(cells, INT_RE)
    wrong = known & ~ok
    comma = wrong & _matches(cells, ".*,.*") if wrong.any() else wrong
    digits = cells.where(ok, None).str.replace(".", "", regex=False)
    values = pd.to_numeric(digits, dtype_backend="numpy_nullable").astype("Int64")
    return values, [
        (comma, "komma is niet toegestaan in een geheel getal; gebruik een punt als "
                "duizendtalscheiding of niets (5.386 of 5386)"),
        (wrong & ~comma, "geen geldig geheel getal (schrijf bv. 5386 of 5.386)"),
    ]


def _parse_number(cells: pd.Series, known: Mask, column: Column) -> Parsed:
    ok = _matches(cells, NUMBER_RE)
    plain = cells.where(ok, None).str.replace(",", ".", regex=False)
    values = pd.to_numeric(plain, dtype_backend="numpy_nullable").astype("Float64")
    return values, [(known & ~ok, "geen geldig getal (schrijf bv. 4 of 4,5)")]


def _parse_year(cells: pd.Series, known: Mask, column: Column) -> Parsed:
    ok = _matches(cells, YEAR_RE)
    if ok.any():
        years = cells.str.extract(YEAR_RE)
        first = pd.to_numeric(years[0], errors="coerce").to_numpy()
        second = pd.to_numeric(years[1], errors="coerce").to_numpy()
        ok = ok & (second == first + 1)
    message = "schooljaar moet de vorm JJJJ-JJJJ hebben met twee opeenvolgende jaren (2020-2021)"
    return cells.where(ok, None), [(known & ~ok, message)]


def _parse_calendar_year(cells: pd.Series, known: Mask, column: Column) -> Parsed:
    """A calendar year of four digits within `CALENDAR_YEARS`, kept as its text (`2022`)."""
    ok = _matches(cells, CALENDAR_YEAR_RE)
    if ok.any():
        first, last = CALENDAR_YEARS
        number = pd.to_numeric(cells.where(ok, None), errors="coerce").to_numpy(dtype=float)
        ok = ok & (number >= first) & (number <= last)
    message = (f"jaar moet een kalenderjaar van vier cijfers zijn tussen {CALENDAR_YEARS[0]} "
               f"en {CALENDAR_YEARS[1]} (bv. 2022)")
    return cells.where(ok, None), [(known & ~ok, message)]


PARSERS: dict[Kind, Parser] = {
    "text": _parse_text,
    "enum": _parse_enum,
    "bool": _parse_bool,
    "int": _parse_int,
    "number": _parse_number,
    "year": _parse_calendar_year,
}

