"""Rows into CSV text for people who open it in a spreadsheet: UTF-8 with a BOM (so Excel reads
the accents), and a text cell that a spreadsheet would run as a formula (starting with =, +, -,
@, a tab or a carriage return) is prefixed with an apostrophe. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Final

FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
BOM: Final = "\ufeff"


def cell(value: object) -> object:
    """A value as written: None as empty, a formula-like text defused."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_line(row: Iterable[object]) -> str:
    """One CSV line (with its CRLF)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([cell(v) for v in row])
    return buffer.getvalue()


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV file: the BOM, the header and the rows."""
    return BOM + csv_line(columns) + "".join(csv_line(row) for row in rows)
