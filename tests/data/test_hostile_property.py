"""Property (issue 16, item 7, input side): hostile values in any column of any table of the
contract never make `validate` raise; each is either accepted as written (and what is accepted
is safe: ids match the id pattern, names are drawable in Lato, no text holds a control
character) or located: a problem at its file, row and column, or at its file as a whole.

Hypothesis is derandomized (the same examples on every run) and keeps no database; a few hundred
examples run in well under a minute. Run with `--hypothesis-show-statistics` to see how the
examples ended (accepted / located / file).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from infographics.data.checklist import load_checklist
from infographics.data.schema import ID_PATTERN, TABLES
from infographics.data.text import BIDI_CONTROLS, LINE_BREAKS, drawable
from infographics.data.validate import check_source
from infographics.data.workbook import cell_text
from infographics.errors import Report

MINI = Path(__file__).parents[1] / "fixtures" / "mini"
PARTNERS = Path(__file__).parents[1] / "fixtures" / "partners"  # network and partners on mini


def source(table: str) -> Path:
    """The table's CSV: the mini data, with the partners fixture's network and partners."""
    return MINI / f"{table}.csv" if (MINI / f"{table}.csv").exists() else PARTNERS / f"{table}.csv"


ROWS = {t: len(source(t).read_text(encoding="utf-8").splitlines()) - 1 for t in TABLES}
CHECKLIST = load_checklist()
CELLS = [(table, column.name) for table, schema in TABLES.items() for column in schema.columns]

HOSTILE = [
    "../../../../tmp/x", "..\\..\\windows\\win.ini", "/etc/passwd", "a" * 300, "\x00", "bib\x00",
    "\x1b[2J", "=cmd|' /C calc'!A0", "+31 6", "-1+1", "@SUM(A1)", "\u202egnp.exe", "\u200b",
    "\ufeffbib", "Frysla\u0302n", "Fryslân", "图书馆", "📚", "\n", "a\r\nb", "a\u2028b", "x\x85y",
    "dàan@bieb.nl", "a@b", "a@b.nl\nBcc: c@d.nl", "nee", "JA", "5.386", "5,386", "1,5", "37,5",
    "-3", "9" * 25, "1e9", "NaN", "inf", "2020-2021", "2021-2020", "PV20", "PV25", "bib-a",
    "bib-b", "rijnbrink", "po", "VO", "library", "national", "cc", " ", '"', "'", ";", ",", "\t",
    "a\tb", "#DIV/0!", "None", "null", "<script>", "%s%n", "{0}", "\\x00", "\ud7ff", "\uffff",
    "\U0010fffd", "x" * 201,
]
hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    st.text(st.characters(max_codepoint=0x2FF), max_size=12),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-/\\ ]{0,70}", fullmatch=True),
)
changes = st.lists(
    st.tuples(st.sampled_from(CELLS), st.integers(min_value=0, max_value=99), hostile),
    min_size=1, max_size=6)
layouts = st.sampled_from([(",", "utf-8"), (";", "utf-8-sig"), (";", "cp1252")])


def write(folder: Path, table: str, rows: list[list[str]], delimiter: str,
          encoding: str) -> None:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    try:
        data = out.getvalue().encode(encoding)
    except UnicodeEncodeError:  # a value Windows-1252 cannot hold: this file is UTF-8
        data = out.getvalue().encode("utf-8")
    (folder / f"{table}.csv").write_bytes(data)


def apply(folder: Path, cells: dict[tuple[str, int, str], str], layout: tuple[str, str]) -> None:
    for table in TABLES:
        with source(table).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        for (t, row, column), value in cells.items():
            if t == table:
                rows[row - 1][rows[0].index(column)] = value
        write(folder, table, rows, *layout)


def located(report: Report, broken: set[str], table: str, row: int, column: str) -> str:
    """How the report places a problem of this cell: 'cell' (its file, row and column), 'file'
    (the table could not be read, and the report says why), or '' (nowhere)."""
    file = f"{table}.csv"
    if any((p.file, p.row, p.column) == (file, row, column) for p in report.problems):
        return "cell"
    if table in broken and any(p.file == file and p.column == "" for p in report.errors):
        return "file"
    return ""


def check_safe(frames: dict[str, pd.DataFrame]) -> None:
    """What was accepted is safe to draw, to name files after and to mail."""
    font = drawable()
    for table, schema in TABLES.items():
        for column in schema.columns:
            if column.text is None:
                continue
            for value in frames[table][column.name].dropna():
                assert not any(unicodedata.category(c) in ("Cc", "Cf") or c in LINE_BREAKS
                               or c in BIDI_CONTROLS for c in value), (table, column.name, value)
                if column.text == "id":
                    assert re.fullmatch(ID_PATTERN, value), (table, column.name, value)
                if column.text == "name":
                    assert set(value) <= font, (table, column.name, value)


@settings(max_examples=300, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(changes, layouts)
def test_hostile_values_are_accepted_or_located(changes, layout):
    cells = {(table, 2 + n % ROWS[table], column): value for (table, column), n, value in changes}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        apply(folder, cells, layout)
        checked = check_source(folder, None, CHECKLIST)  # what validate_data runs: never raises
        report = checked.report
        assert all(p.file and p.message for p in report.problems)
        for (table, row, column), value in cells.items():
            where = located(report, checked.broken, table, row, column)
            if not where:
                frame = checked.frames[table]
                typed = frame.loc[frame["_row"] == row, column].tolist()
                assert len(typed) == 1, (table, row, column, value, report.text())
                if value.strip():  # accepted as written, never silently dropped
                    assert not pd.isna(typed[0]), (table, row, column, value)
                    if TABLES[table].column(column).kind == "text":
                        assert typed[0] == value.strip(), (table, row, column, value)
            event(f"{column}: {where or 'accepted'}")
        check_safe(checked.frames)


def test_the_mini_data_is_the_starting_point():
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(MINI, folder)
        for table in ("network", "partners"):
            shutil.copy(source(table), folder)
        assert check_source(folder, None, None).report.problems == []


# --------------------------------------------------------------------------- the same in a workbook

# XML 1.0 cannot hold these, so no workbook can (openpyxl refuses them; Excel never writes them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
excel_values = st.one_of(
    hostile.map(lambda v: _NOT_XML.sub("", v)),
    st.integers(min_value=-(10**15), max_value=10**15), st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["=1/0", "=A1", "=SUM(B:B)"]),
    st.dates(), st.none())


@settings(max_examples=60, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(CELLS), st.integers(min_value=0, max_value=99),
                          excel_values), min_size=1, max_size=6))
def test_hostile_cells_in_a_workbook_are_accepted_or_located(changes):
    cells = {(table, 2 + n % ROWS[table], column): value for (table, column), n, value in changes}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for table in TABLES:
        with source(table).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        ws = wb.create_sheet(table)
        for rec in rows:
            ws.append(rec)
        for (t, row, column), value in cells.items():
            if t == table:
                ws.cell(row, rows[0].index(column) + 1, value)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "monitor.xlsx"
        wb.save(path)
        checked = check_source(path, None, CHECKLIST)  # never raises
        report = checked.report
        assert all(p.file == "monitor.xlsx" and p.message for p in report.problems)
        for (table, row, column), value in cells.items():
            placed = any((p.sheet, p.row, p.column) == (table, row, column)
                         for p in report.problems)
            if not placed and table not in checked.broken:
                frame = checked.frames[table]
                (typed,) = frame.loc[frame["_row"] == row, column].tolist()
                text = cell_text(value).strip() if not isinstance(value, str) else value.strip()
                if text:
                    assert not pd.isna(typed), (table, row, column, value)
            event(f"werkmap: {'located' if placed else 'accepted'}")
        check_safe(checked.frames)
