"""The small handmade data set of the data tests (tests/fixtures/mini, with the partners tables
of tests/fixtures/partners) copied into a test's own folder, and edited cell by cell as a
spreadsheet addresses them (row 1 is the header); the validation problem a test expects, found
by its place."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

from infographics.data.validate import validate_data
from infographics.errors import Problem, Report

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
PARTNERS = FIXTURES / "partners"


def copy_mini(tmp_path: Path, partners: bool = False) -> Path:
    """The mini data in a folder of its own; with `partners`, plus the partners tables."""
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    if partners:
        for table in ("network", "partners"):
            shutil.copy(PARTNERS / f"{table}.csv", folder)
    return folder


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def set_cells(folder: Path, table: str, cells: dict[tuple[int, str], str]) -> None:
    """Set cells addressed as a spreadsheet shows them: {(row, column): value}, header = 1."""
    path = folder / f"{table}.csv"
    rows = read_rows(path)
    for (row, column), value in cells.items():
        rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def append_row(folder: Path, table: str, values: list[str]) -> int:
    """Add a row to the table; its spreadsheet row number."""
    path = folder / f"{table}.csv"
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(values)
    return len(read_rows(path))


def the_problem(report: Report, file: str, row: int | None, column: str, fragment: str,
                severity: str = "error") -> Problem:
    """The one problem at exactly this place whose message contains `fragment`."""
    found = [p for p in report.problems if (p.file, p.row, p.column, p.severity)
             == (file, row, column, severity) and fragment in p.message]
    assert len(found) == 1, report.text() or "geen problemen"
    return found[0]


def only_problem(folder: Path, file: str, row: int, column: str, fragment: str,
                 severity: str = "error", **kwargs: Any) -> Problem:
    """Validating `folder` gives exactly this one problem."""
    report = validate_data(folder, **kwargs)
    assert len(report.problems) == 1, report.text() or "geen problemen"
    return the_problem(report, file, row, column, fragment, severity)
