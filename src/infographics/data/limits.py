"""Size limits on every input, in one place: a frozen `Limits` with generous defaults for a real
edition, which the readers of CSV files, workbooks and YAML files and the text checks take.

A real edition is about 150 library organisations over several school years and about 8.000
school locations a year; the defaults leave room for twenty-odd years of that, while a file
that is far larger (or a workbook that unpacks to far more than it weighs, a zip bomb) is
refused with a located message before it is read into memory. Tests pass smaller limits.
"""

from __future__ import annotations

from dataclasses import dataclass

KB = 1024
MB = 1024 * KB


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what is read; each exceeded bound is a located problem."""

    csv_bytes: int = 100 * MB  # one CSV file on disk (200.000 rows of ~200 bytes = 40 MB)
    workbook_bytes: int = 100 * MB  # one .xlsx/.xlsm file on disk
    # the sum of the uncompressed sizes the workbook's zip directory declares, checked before
    # the workbook is opened (a sheet of 200.000 rows x 35 columns is about 300 MB of XML)
    workbook_unpacked_bytes: int = 512 * MB
    rows: int = 200_000  # data rows per table (8.000 school locations a year for 25 years)
    columns: int = 500  # columns in a table's header (the widest table has 34)
    cell_chars: int = 32_767  # characters in any cell: the most an Excel cell can hold
    text_chars: int = 200  # characters in a name or other free text (library_name, name, ...)
    email_chars: int = 254  # characters in an e-mail address (RFC 5321: a path is at most 256)
    # one YAML file (layouts, style, indicators, checklist, mapping; the largest is 10 kB)
    yaml_bytes: int = 256 * KB
    yaml_depth: int = 50  # nesting of YAML mappings and lists (the layouts use 6)


DEFAULT_LIMITS = Limits()


def size(n: int) -> str:
    """A byte count for a message: `1.024 MB`, `3 MB`, `512 kB`, `12 bytes` (Dutch dots)."""
    for unit, factor in (("MB", MB), ("kB", KB)):
        if n >= factor:
            return f"{n / factor:,.0f} {unit}".replace(",", ".")
    return f"{n} bytes"


def count(n: int) -> str:
    """A count with the Dutch thousands dot: `200.000`."""
    return f"{n:,}".replace(",", ".")
