"""Reading: a folder of CSV files or one .xlsx workbook into one frame of text cells per table.

Each frame has the header's column names, stripped text cells (an empty cell is "") and `_row`,
the spreadsheet row (header = row 1; blank rows are skipped but still counted). What cannot be
read (a missing file or sheet, a file that is not UTF-8, a semicolon CSV, an empty file, a
repeated column name) is a located problem in the `Report`; parsing the cells into types is
`parse.py`'s work.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from infographics.data.origin import FILE, ROW, Origin
from infographics.data.schema import TABLES
from infographics.errors import Report

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

# per table that was found: where it came from, and its text frame (None if unreadable)
RawTables = dict[str, tuple[Origin, pd.DataFrame | None]]


def read_source(path: Path, report: Report) -> RawTables:
    """The tables of a CSV folder or a workbook; a table not found is absent."""
    if path.is_dir():
        return _read_folder(path, report)
    if path.is_file() and path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(path, report)
    if path.is_file():
        report.add("geen map met CSV-bestanden en geen .xlsx-werkmap", file=path.name)
    else:
        report.add("map of bestand bestaat niet", file=str(path))
    return {}


def default_origin(path: Path, table: str) -> Origin:
    """Where `table` would have come from, for a table that is absent."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return Origin(table, path.name, table)
    return Origin(table, f"{table}.csv")


def _read_folder(folder: Path, report: Report) -> RawTables:
    try:
        present = {p.name.lower(): p.name for p in folder.iterdir()}
    except OSError as exc:
        report.add(f"map kan niet gelezen worden: {exc.strerror}", file=str(folder))
        return {}
    out: RawTables = {}
    for name, schema in TABLES.items():
        origin = Origin(name, f"{name}.csv")
        file = folder / origin.file
        if not file.is_file():
            if not schema.optional_table:
                other = present.get(origin.file.lower())
                hint = f" (wel gevonden: {other}; let op hoofdletters)" if other else ""
                report.add(f"verplicht bestand ontbreekt{hint}", file=origin.file, table=name)
            continue
        rows = _read_csv_rows(file, origin, report)
        out[name] = (origin, None if rows is None else _frame_from_rows(rows, origin, report))
    return out


def _read_csv_rows(file: Path, origin: Origin, report: Report) -> list[list[str]] | None:
    try:
        data = file.read_bytes()
    except OSError as exc:
        report.problems.append(origin.problem(f"bestand kan niet gelezen worden: {exc.strerror}"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.end].hex(" ")
        report.problems.append(origin.problem(
            f"bestand is geen UTF-8 (byte {bad}); sla het op als 'CSV UTF-8'", line))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        report.problems.append(origin.problem(f"ongeldige CSV: {exc}", reader.line_num))
        return None
    if rows and len(rows[0]) == 1 and ";" in rows[0][0]:
        report.problems.append(origin.problem(
            "scheidingsteken moet een komma zijn, geen puntkomma (in Excel: Opslaan als > "
            "'CSV UTF-8 (door komma's gescheiden)', of lever de .xlsx-werkmap zelf)", 1))
        return None
    return rows


def _read_workbook(path: Path, report: Report) -> RawTables:
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object,
                               na_filter=False, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        report.add(f"werkmap kan niet gelezen worden ({type(exc).__name__}: {exc}); "
                   "is het een .xlsx-bestand?", file=path.name)
        return {}
    by_name = {str(s).strip().lower(): s for s in sheets}
    out: RawTables = {}
    for name, schema in TABLES.items():
        origin = Origin(name, path.name, name)
        sheet = by_name.pop(name, None)
        if sheet is None:
            if not schema.optional_table:
                report.problems.append(origin.problem("verplicht tabblad ontbreekt"))
            continue
        origin = Origin(name, path.name, str(sheet))
        rows = [[_cell_text(v) for v in rec] for rec in sheets[sheet].itertuples(index=False)]
        out[name] = (origin, _frame_from_rows(rows, origin, report))
    for sheet in by_name.values():
        report.warn("onbekend tabblad wordt genegeerd", file=path.name, sheet=str(sheet))
    return out


def _cell_text(value: object) -> str:
    """An Excel cell as text: numbers stored as numbers lose a trailing .0, booleans read
    true/false, so the column parsers see the same as for a CSV."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if value is None:
        return ""
    return str(value)


def _frame_from_rows(rows: list[list[str]], origin: Origin, report: Report) -> pd.DataFrame | None:
    """Header row plus records into a frame of stripped text with `_row`; blank rows are skipped
    (they still count in the row numbers), unnamed empty columns dropped."""
    if not rows or not any(cell.strip() for cell in rows[0]):
        report.problems.append(origin.problem("bestand is leeg of de kopregel ontbreekt", 1))
        return None
    header = [cell.strip() for cell in rows[0]]
    width = len(header)
    records, numbers = [], []
    for number, rec in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in rec):
            continue
        if len(rec) > width and any(cell.strip() for cell in rec[width:]):
            report.problems.append(origin.problem(
                f"rij heeft {len(rec)} waarden maar de kopregel {width} kolommen", number))
        records.append([cell.strip() for cell in rec[:width]] + [""] * (width - len(rec)))
        numbers.append(number)
    frame = pd.DataFrame(records, columns=range(width), dtype=object)
    keep = _header_columns(header, frame, origin, report)
    frame = frame[list(keep)].set_axis(list(keep.values()), axis=1)
    frame[ROW] = pd.Series(numbers, dtype="int64")
    return frame


def _header_columns(
    header: list[str], frame: pd.DataFrame, origin: Origin, report: Report
) -> dict[int, str]:
    """Column positions to keep with their names: no unnamed or repeated columns."""
    keep: dict[int, str] = {}
    for i, name in enumerate(header):
        if not name:
            if (frame[i] != "").any():
                report.problems.append(origin.problem(
                    f"kolom {i + 1} heeft geen naam in de kopregel en wordt genegeerd", 1,
                    severity="warning"))
        elif name in keep.values() or name in (ROW, FILE):
            report.problems.append(origin.problem(
                "kolomnaam komt meer dan eens voor; alleen de eerste telt", 1, name))
        else:
            keep[i] = name
    return keep

