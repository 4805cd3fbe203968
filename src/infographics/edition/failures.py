"""`failures.csv` in an output folder: the pages a build could not make, as typed `Failure` rows,
and back. The one reader and writer of that file, for the build (which keeps the failures of
pages a partial run did not build) and the review sheet (which shows them next to their entity).

A file written before 0.2.0 names the subject column `theme`; it is read all the same.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Final

from infographics.fileio import atomic_text

NAME: Final = "failures.csv"


@dataclass(frozen=True)
class Failure:
    """A row of failures.csv. Values are kept as the file has them: an edited or older file may
    name a subject or level this version does not know, and the review sheet still shows it."""

    school_year: str
    subject: str  # po or vo
    level: str  # a page level
    entity_id: str
    entity_name: str
    reason: str  # Dutch


COLUMNS: Final = tuple(f.name for f in fields(Failure))
_OLD_NAMES: Final = {"subject": "theme"}  # a column's name before 0.2.0


def read_failures(out: Path) -> list[Failure]:
    """The rows of `out/failures.csv`; none when there is no such file (or it cannot be read).
    A missing value (a short row) is read as ""."""
    try:
        with (Path(out) / NAME).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError:
        return []
    return [Failure(*(_value(row, column) for column in COLUMNS)) for row in rows]


def _value(row: dict[str, str], column: str) -> str:
    """The cell of `column`, under its current or its old name."""
    old = _OLD_NAMES.get(column, column)
    return row.get(column) or row.get(old) or ""


def write_failures(out: Path, failures: Iterable[Failure]) -> None:
    """Write `failures` (and the header) as `out/failures.csv`, whole or not at all."""
    with atomic_text(Path(out) / NAME) as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(astuple(f) for f in failures)
