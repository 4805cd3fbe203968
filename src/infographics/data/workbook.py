"""An .xlsx workbook into rows of text cells per sheet, as Excel shows them.

Before openpyxl opens it, the file's size and the uncompressed sizes its zip directory declares
are checked against `Limits` (a small file that unpacks to a gigabyte is refused at once; the
zip reader never unpacks more than a member declares). Cells are read with their cached values,
as Excel shows them, and each sheet's XML is scanned for what those values cannot say: a formula
without a cached value (written by a script, never opened and saved in Excel) and a cell holding
an Excel error (`#DEEL/0!`) are located errors, never a silently empty or textual cell; formulas
in a workbook that asks to be recalculated when opened (`fullCalcOnLoad`, as scripts write it)
get one warning, for their cached values may not be current.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils import get_column_letter

from infographics.data.limits import Limits, count, size
from infographics.data.origin import Origin
from infographics.errors import Problem

# a formula (<f>, with any namespace prefix) or an error value (t="e") somewhere in a sheet
_FORMULA_OR_ERROR = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]|\bt=[\"']e[\"']")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Cell:
    """A cell the scan of a sheet's XML found wrong: its spreadsheet row and column (1-based)."""

    row: int
    column: int
    message: str
    value: str


@dataclass
class SheetScan:
    """What a sheet's cached values do not show."""

    wrong: list[Cell] = field(default_factory=list)
    formulas: int = 0  # formula cells with a cached value
    first_formula: str = ""  # its reference, e.g. "G2"


class Workbook:
    """An open workbook (read-only, cached values); close it after use."""

    def __init__(self, path: Path, book: openpyxl.Workbook, parts: dict[str, str],
                 recalculate: bool, limits: Limits):
        self.path, self._book, self._parts = path, book, parts
        self._recalculate, self._limits = recalculate, limits

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheetnames)

    def close(self) -> None:
        self._book.close()

    def rows(self, sheet: str, origin: Origin, problems: list[Problem]) -> list[list[str]] | None:
        """The sheet's rows as text (row 1 first; blank rows included, so numbers hold), or None
        when it has more rows than allowed. Formula and error cells are added to `problems`."""
        ws = self._book[sheet]
        ws.reset_dimensions()  # a wrong <dimension> must not cut rows off
        rows: list[list[str]] = []
        for values in ws.iter_rows(values_only=True):
            if len(rows) > self._limits.rows:
                problems.append(origin.problem(
                    f"tabblad heeft meer dan {count(self._limits.rows)} rijen (het maximum)",
                    len(rows) + 1))
                return None
            rows.append([cell_text(v) for v in values])
        part = self._parts.get(sheet)
        if part is not None:
            self._scan(part, rows[0] if rows else [], origin, problems)
        return rows

    def _scan(self, part: str, header: list[str], origin: Origin,
              problems: list[Problem]) -> None:
        try:
            with zipfile.ZipFile(self.path) as archive:
                with archive.open(part) as stream:
                    if not _has_formulas_or_errors(stream):
                        return
                with archive.open(part) as stream:
                    scan = scan_sheet(stream)
        except (zipfile.BadZipFile, OSError, KeyError, ElementTree.ParseError) as exc:
            problems.append(origin.problem(
                f"tabblad kan niet gelezen worden ({type(exc).__name__}: {exc})"))
            return
        for cell in scan.wrong:
            name = header[cell.column - 1] if cell.column <= len(header) else ""
            column = name.strip() or f"kolom {get_column_letter(cell.column)}"
            problems.append(origin.problem(cell.message, cell.row, column, cell.value))
        if scan.formulas and self._recalculate:
            problems.append(origin.problem(
                f"{count(scan.formulas)} formulecel(len), de eerste in {scan.first_formula}, in "
                "een werkmap die bij openen herberekend moet worden (door een programma gemaakt, "
                "niet in Excel opgeslagen): de opgeslagen waarden kunnen verouderd zijn; open en "
                "sla de werkmap op in Excel", severity="warning"))


def open_workbook(path: Path, origin: Origin, limits: Limits,
                  problems: list[Problem]) -> Workbook | None:
    """The workbook at `path`, or None with the reason in `problems`: too large on disk or
    unpacked, not a zip, or not readable by openpyxl."""
    on_disk = path.stat().st_size
    if on_disk > limits.workbook_bytes:
        problems.append(origin.problem(
            f"werkmap is te groot: {size(on_disk)} (maximaal {size(limits.workbook_bytes)})"))
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if not _unpacked_size_ok(infos, origin, limits, problems):
                return None
            parts, recalculate = _sheet_parts(archive)
    except (zipfile.BadZipFile, OSError, KeyError, ElementTree.ParseError, ValueError) as exc:
        problems.append(origin.problem(
            f"werkmap kan niet gelezen worden ({type(exc).__name__}: {exc}); is het een "
            ".xlsx-bestand?"))
        return None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        problems.append(origin.problem(
            f"werkmap kan niet gelezen worden ({type(exc).__name__}: {exc}); is het een "
            ".xlsx-bestand?"))
        return None
    return Workbook(path, book, parts, recalculate, limits)


def _unpacked_size_ok(infos: list[zipfile.ZipInfo], origin: Origin, limits: Limits,
                      problems: list[Problem]) -> bool:
    declared = sum(i.file_size for i in infos)
    if declared <= limits.workbook_unpacked_bytes:
        return True
    biggest = max(infos, key=lambda i: i.file_size)
    problems.append(origin.problem(
        f"werkmap is uitgepakt te groot: {size(declared)} (maximaal "
        f"{size(limits.workbook_unpacked_bytes)}; het grootste onderdeel is {biggest.filename}, "
        f"{size(biggest.file_size)})"))
    return False


def cell_text(value: object) -> str:
    """An Excel cell as text: numbers stored as numbers lose a trailing .0, booleans read
    true/false, so the column parsers see the same as for a CSV."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if value is None:
        return ""
    return str(value)


# --------------------------------------------------------------------------- the zip's parts


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace (r:id)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _target(base: str, target: str) -> str:
    """A relationship target as a zip member name."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _relations(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """The relationships of `part`: id -> target member."""
    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels not in archive.namelist():
        return {}
    root = ElementTree.fromstring(archive.read(rels))
    return {r.get("Id", ""): _target(part, r.get("Target", "")) for r in root
            if _local(r.tag) == "Relationship" and r.get("TargetMode") != "External"}


def _sheet_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], bool]:
    """Sheet name -> its XML member; and whether the workbook asks to be recalculated on load."""
    package = ElementTree.fromstring(archive.read("_rels/.rels"))
    book_part = next((_target("", r.get("Target", "")) for r in package
                      if (r.get("Type") or "").endswith("/officeDocument")), "xl/workbook.xml")
    targets = _relations(archive, book_part)
    book = ElementTree.fromstring(archive.read(book_part))
    parts: dict[str, str] = {}
    recalculate = False
    for element in book.iter():
        if _local(element.tag) == "sheet":
            target = targets.get(_attribute(element, "id") or "")
            if target:
                parts[element.get("name", "")] = target
        elif _local(element.tag) == "calcPr":
            recalculate = element.get("fullCalcOnLoad") in ("1", "true")
    return parts, recalculate


# --------------------------------------------------------------------------- scanning a sheet


def _has_formulas_or_errors(stream: IO[bytes]) -> bool:
    """Whether the sheet XML has any formula or error cell at all (a quick byte search)."""
    tail = b""
    while chunk := stream.read(_CHUNK):
        if _FORMULA_OR_ERROR.search(tail + chunk):
            return True
        tail = chunk[-64:]
    return False


def _cells(stream: IO[bytes]) -> Iterator[tuple[int, int, ElementTree.Element]]:
    """Every <c> element of a sheet with its row and column (1-based), also where the optional
    `r` attributes are left out; each row is cleared once done."""
    row = 0
    column = 0
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                row = int(element.get("r") or row + 1)
                column = 0
            continue
        if tag == "c":
            match = _CELL_REF.fullmatch(element.get("r") or "")
            column = _column_index(match.group(1)) if match else column + 1
            yield row, column, element
        elif tag == "row":
            element.clear()


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index


def scan_sheet(stream: IO[bytes]) -> SheetScan:
    """Formula cells without a cached value and cells holding an Excel error value.

    A cached value is a <v> with text; an empty <v> only counts for a formula whose result is
    text (t="str": Excel's cached empty string), since openpyxl writes `<v></v>` for every
    formula it cannot compute."""
    scan = SheetScan()
    for row, column, cell in _cells(stream):
        children = {_local(c.tag): c for c in cell}
        kind = cell.get("t", "n")
        value = children.get("v")
        cached = value is not None and (bool(value.text) or kind == "str")
        formula = children.get("f")
        ref = f"{get_column_letter(column)}{row}"
        if formula is not None and not cached:
            scan.wrong.append(Cell(
                row, column,
                "formule zonder opgeslagen waarde (de werkmap is door een programma gemaakt en "
                "nooit in Excel geopend en opgeslagen); open en sla hem op in Excel, of vul de "
                "waarde zelf in", "=" + (formula.text or "")))
        elif kind == "e":
            error = value.text if value is not None and value.text else "#?"
            scan.wrong.append(Cell(row, column, f"cel bevat een Excel-foutwaarde ({error})",
                                   error))
        elif formula is not None:
            scan.formulas += 1
            scan.first_formula = scan.first_formula or ref
    return scan
