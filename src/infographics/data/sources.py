"""Reading: a folder of CSV files or one .xlsx workbook into one frame of text cells per table.

Each frame has the header's column names, stripped text cells (an empty cell is "") and `_row`,
the spreadsheet row (header = row 1; blank rows are skipped but still counted). What cannot be
read (a missing file or sheet, a file too large for `Limits`, an encoding or delimiter that
cannot be told, an empty file, a repeated column name) is a located problem in the `Report`.
CSV bytes are decoded and split by `csvtext.py` (UTF-8 or Dutch Excel's Windows-1252 and
semicolons), workbooks read by `workbook.py` (cached values, formulas checked); parsing the
cells into types is `parse.py`'s work.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from infographics.data.csvtext import read_csv
from infographics.data.limits import DEFAULT_LIMITS, Limits, count, size
from infographics.data.origin import FILE, ROW, Origin, show
from infographics.data.schema import TABLES
from infographics.data.workbook import open_workbook
from infographics.errors import Report

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

# per table that was found: where it came from, and its text frame (None if unreadable)
RawTables = dict[str, tuple[Origin, pd.DataFrame | None]]


def read_source(path: Path, report: Report, limits: Limits = DEFAULT_LIMITS) -> RawTables:
    """The tables of a CSV folder or a workbook; a table not found is absent."""
    if path.is_dir():
        return _read_folder(path, report, limits)
    if path.is_file() and path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(path, report, limits)
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


def _read_folder(folder: Path, report: Report, limits: Limits) -> RawTables:
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
        rows = _read_csv_rows(file, origin, report, limits)
        out[name] = (origin,
                     None if rows is None else _frame_from_rows(rows, origin, report, limits))
    return out


def _read_csv_rows(
    file: Path, origin: Origin, report: Report, limits: Limits
) -> list[list[str]] | None:
    try:
        on_disk = file.stat().st_size
        if on_disk > limits.csv_bytes:
            report.problems.append(origin.problem(
                f"bestand is te groot: {size(on_disk)} (maximaal {size(limits.csv_bytes)})"))
            return None
        data = file.read_bytes()
    except OSError as exc:
        report.problems.append(origin.problem(f"bestand kan niet gelezen worden: {exc.strerror}"))
        return None
    found = read_csv(data, origin, limits)
    report.problems.extend(found.problems)
    return found.rows


def _read_workbook(path: Path, report: Report, limits: Limits) -> RawTables:
    book = open_workbook(path, Origin("", path.name), limits, report.problems)
    if book is None:
        return {}
    try:
        by_name = {s.strip().lower(): s for s in book.sheet_names}
        out: RawTables = {}
        for name, schema in TABLES.items():
            origin = Origin(name, path.name, name)
            sheet = by_name.pop(name, None)
            if sheet is None:
                if not schema.optional_table:
                    report.problems.append(origin.problem("verplicht tabblad ontbreekt"))
                continue
            origin = Origin(name, path.name, sheet)
            rows = book.rows(sheet, origin, report.problems)
            out[name] = (origin,
                         None if rows is None else _frame_from_rows(rows, origin, report, limits))
    finally:
        book.close()
    for sheet in by_name.values():
        report.warn("onbekend tabblad wordt genegeerd", file=path.name, sheet=show(sheet))
    return out


def _frame_from_rows(
    rows: list[list[str]], origin: Origin, report: Report, limits: Limits
) -> pd.DataFrame | None:
    """Header row plus records into a frame of stripped text with `_row`; blank rows are skipped
    (they still count in the row numbers), unnamed empty columns dropped."""
    if not rows or not any(cell.strip() for cell in rows[0]):
        report.problems.append(origin.problem("bestand is leeg of de kopregel ontbreekt", 1))
        return None
    header = _trimmed_header(rows)
    if len(header) > limits.columns:
        report.problems.append(origin.problem(
            f"kopregel heeft {count(len(header))} kolommen (maximaal {count(limits.columns)})", 1))
        return None
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


def _trimmed_header(rows: list[list[str]]) -> list[str]:
    """The stripped header without trailing unnamed columns that hold no data (a sheet's
    formatted but unused cells, up to column XFD)."""
    header = [cell.strip() for cell in rows[0]]
    named = max(i + 1 for i, name in enumerate(header) if name)
    if len(header) > named:
        used = max((_filled_width(r) for r in rows[1:]), default=0)
        header = header[:max(named, min(used, len(header)))]
    return header


def _filled_width(record: list[str]) -> int:
    """The number of cells up to the last non-blank one."""
    for i in range(len(record), 0, -1):
        if record[i - 1].strip():
            return i
    return 0


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

