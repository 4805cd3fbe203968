"""CSV bytes into rows of text cells: the encoding and the delimiter, detected and never guessed.

The canonical form is UTF-8 (with or without BOM) and commas. Dutch Excel's default "CSV
(gescheiden door lijstscheidingsteken)" writes semicolons and Windows-1252; both are read too,
each with one located warning that names what was detected, and give the same cells (a decimal
comma, `37,5`, needs no quotes in a semicolon file and is read by the number parser as ever).

Detection says so when it cannot be sure, as an error:
- encoding: UTF-8 if the bytes are valid UTF-8; otherwise Windows-1252 (which reads Latin-1 text
  the same) only if the bytes are plausible cp1252 text: NUL bytes no more than stray ones
  (more than 1%: UTF-16 or binary; a stray NUL is left to the cell checks, which locate it),
  none of the five bytes cp1252 leaves undefined, and no UTF-8 sequences beside the invalid
  bytes (a file that mixes UTF-8 and another encoding). A UTF-16 BOM or a zip is named.
- delimiter: the header's. A header that splits on only one of ',' and ';' decides; one that
  splits on both is decided by the first data rows only if exactly one delimiter gives every
  one of them the header's number of values; otherwise it is ambiguous.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass

from infographics.data.limits import Limits, count
from infographics.data.origin import Origin
from infographics.errors import Problem

# UTF-8 sequences that show a file is UTF-8 at heart: Latin-1 letters (lead byte C2/C3) and every
# three- and four-byte sequence. Real cp1252 text has no 'Ã' or 'Â' before a symbol in 80-BF.
_UTF8_SEQUENCE = re.compile(
    rb"[\xC2\xC3][\x80-\xBF]|[\xE0-\xEF][\x80-\xBF]{2}|[\xF0-\xF4][\x80-\xBF]{3}")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8D\x8F\x90\x9D]")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_ZIP_MAGIC = b"PK\x03\x04"
SAMPLE_ROWS = 50  # data rows that decide a header that splits on both delimiters


@dataclass(frozen=True)
class CsvRows:
    """The records of a CSV file (blank ones included, so row numbers hold), or None when the
    file cannot be read; and what was found, errors and warnings."""

    rows: list[list[str]] | None
    problems: list[Problem]


def read_csv(data: bytes, origin: Origin, limits: Limits) -> CsvRows:
    """The records of CSV `data` (at most `limits.rows` data rows), decoded and split."""
    problems: list[Problem] = []
    text = _decode(data, origin, problems)
    if text is None:
        return CsvRows(None, problems)
    delimiter = _delimiter(text, origin, problems)
    if delimiter is None:
        return CsvRows(None, problems)
    return CsvRows(_records(text, delimiter, origin, limits, problems), problems)


# --------------------------------------------------------------------------- encoding


def _decode(data: bytes, origin: Origin, problems: list[Problem]) -> str | None:
    if data.startswith(_ZIP_MAGIC):
        problems.append(origin.problem(
            "bestand is een zip-bestand (een .xlsx-werkmap?), geen CSV; lever de werkmap zelf "
            "met --data werkmap.xlsx", 1))
        return None
    if data.startswith(_UTF16_BOMS):
        problems.append(origin.problem(
            "bestand is UTF-16 (Excel: 'Unicode-tekst'); sla het op als 'CSV UTF-8 (door "
            "komma's gescheiden)'", 1))
        return None
    if data.count(b"\x00") * 100 > len(data):
        problems.append(origin.problem(
            "bestand bevat veel nul-bytes: UTF-16 (Excel: 'Unicode-tekst') of geen tekstbestand; "
            "sla het op als 'CSV UTF-8 (door komma's gescheiden)'", _line(data, data.index(0))))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _decode_cp1252(data, exc.start, origin, problems)


def _line(data: bytes, at: int) -> int:
    return data.count(b"\n", 0, at) + 1


def _decode_cp1252(data: bytes, first_bad: int, origin: Origin,
                   problems: list[Problem]) -> str | None:
    """`data` (not UTF-8) as Windows-1252, if it plausibly is; else an error saying why not."""
    bad = data[first_bad:first_bad + 1].hex()
    reason, at = "", first_bad
    if (undefined := _CP1252_UNDEFINED.search(data)) is not None:
        at = undefined.start()
        reason = (f"byte {data[at:at + 1].hex()} in regel {_line(data, at)} bestaat niet in "
                  "Windows-1252")
    elif (utf8 := _UTF8_SEQUENCE.search(data)) is not None:
        reason = (f"regel {_line(data, utf8.start())} is UTF-8 "
                  f"({data[utf8.start():utf8.end()].hex(' ')}) maar regel "
                  f"{_line(data, first_bad)} niet (byte {bad}): gemengde codering")
    if reason:
        problems.append(origin.problem(
            f"codering niet herkend: geen geldige UTF-8 (byte {bad} in regel "
            f"{_line(data, first_bad)}) en geen Windows-1252 ({reason}); sla het op als "
            "'CSV UTF-8 (door komma's gescheiden)'", _line(data, at)))
        return None
    text = data.decode("cp1252")
    line = _line(data, first_bad)
    shown = text.splitlines()[line - 1] if line - 1 < len(text.splitlines()) else ""
    problems.append(origin.problem(
        "bestand is geen UTF-8 maar Windows-1252 (Excel: 'CSV (gescheiden door "
        "lijstscheidingsteken)'), en is zo gelezen; de eerste niet-ASCII-tekens staan in deze "
        "regel; controleer ze, of sla op als 'CSV UTF-8'", line, value=shown[:80],
        severity="warning"))
    return text


# --------------------------------------------------------------------------- delimiter


def _split(text: str, delimiter: str, rows: int) -> list[list[str]]:
    """The first `rows` non-blank records of `text` split on `delimiter` (quotes respected)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(itertools.islice((r for r in reader if any(c.strip() for c in r)), rows))
    except csv.Error:
        return []


def _delimiter(text: str, origin: Origin, problems: list[Problem]) -> str | None:
    comma = _split(text, ",", SAMPLE_ROWS + 1)
    semicolon = _split(text, ";", SAMPLE_ROWS + 1)
    widths = {d: len(rows[0]) if rows else 0 for d, rows in ((",", comma), (";", semicolon))}
    if widths[";"] <= 1:
        return ","
    chosen = ";" if widths[","] <= 1 else _decided_by_rows(comma, semicolon)
    if chosen is None:
        problems.append(origin.problem(
            f"scheidingsteken niet eenduidig: de kopregel splitst zowel op ',' ({widths[',']} "
            f"kolommen) als op ';' ({widths[';']} kolommen), en de rijen beslissen het niet; "
            "zet kolomnamen met een komma of puntkomma tussen aanhalingstekens, of sla op als "
            "'CSV UTF-8 (door komma's gescheiden)'", 1))
        return None
    if chosen == ";":
        problems.append(origin.problem(
            "scheidingsteken is een puntkomma (Excel: 'CSV (gescheiden door "
            "lijstscheidingsteken)'), en is zo gelezen; decimale komma's (37,5) tellen als "
            "decimaalteken", 1, value=";", severity="warning"))
    return chosen


def _decided_by_rows(comma: list[list[str]], semicolon: list[list[str]]) -> str | None:
    """The one delimiter under which every sampled data row has the header's width."""
    fits = [d for d, rows in ((",", comma), (";", semicolon))
            if len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows[1:])]
    return fits[0] if len(fits) == 1 else None


# --------------------------------------------------------------------------- records


def _records(text: str, delimiter: str, origin: Origin, limits: Limits,
             problems: list[Problem]) -> list[list[str]] | None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for rec in reader:
            if len(rows) > limits.rows:
                problems.append(origin.problem(
                    f"tabel heeft meer dan {count(limits.rows)} rijen (het maximum); splits het "
                    "bestand of verhoog de limiet", len(rows) + 1))
                return None
            rows.append(rec)
    except csv.Error as exc:
        problems.append(origin.problem(_csv_error(exc), reader.line_num))
        return None
    return rows


def _csv_error(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (f"cel is langer dan {count(csv.field_size_limit())} tekens; is dit wel een "
                "CSV-bestand, of ontbreekt een afsluitend aanhalingsteken?")
    return f"ongeldige CSV: {exc}"
