"""Hostile and malformed input (issue 16, input side), each class of it a located problem before
anything is built: ids that are paths or too long, text a page or a mail cannot carry, e-mail
addresses the sending code cannot use, workbooks whose cells are not what Excel shows, and
inputs beyond the size limits (limits.py), a zip bomb included."""

from __future__ import annotations

import csv
import io
import struct
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from minidata import copy_mini, read_rows, set_cells

from infographics.data.limits import DEFAULT_LIMITS, Limits
from infographics.data.origin import show
from infographics.data.read import load
from infographics.data.rules import email_fault, valid_email
from infographics.data.text import drawable
from infographics.data.validate import validate_data
from infographics.errors import InputError, Problem, Report

MINI = Path(__file__).parents[1] / "fixtures" / "mini"


# --------------------------------------------------------------------------- helpers








def the_problem(report: Report, file: str, row: int | None, column: str, fragment: str,
                severity: str = "error", sheet: str = "") -> Problem:
    """The one problem at exactly this place whose message contains `fragment`."""
    found = [p for p in report.problems if (p.file, p.sheet, p.row, p.column, p.severity)
             == (file, sheet, row, column, severity) and fragment in p.message]
    assert len(found) == 1, report.text() or "geen problemen"
    return found[0]


# --------------------------------------------------------------------------- 1. ids are data

ID_CELLS = [  # (table, row, column) of every id column of the contract, in the mini data
    ("provinces", 2, "province"), ("provinces", 3, "poi_id"), ("pois", 2, "poi_id"),
    ("libraries", 4, "library_id"), ("libraries", 5, "province"),
    ("school_locations", 3, "location_id"), ("school_locations", 4, "library_id"),
    ("contacts", 2, "entity_id"),
]
BAD_IDS = ["../../../../tmp/x", "a" * 300, "bib a", "bib\\a", "..", "bib..a", "-bib", "bib/",
           "bib\x00a", "bíb", "bib\u202ea"]


@pytest.mark.parametrize(
    ("table", "row", "column", "value"),
    [(*cell, value) for cell in ID_CELLS for value in ("../../../../tmp/x", "a" * 300)]
    + [("libraries", 4, "library_id", value) for value in BAD_IDS[2:]],
    ids=lambda v: repr(v)[:20])
def test_an_id_that_is_not_an_id_is_a_located_error(tmp_path, table, row, column, value):
    folder = copy_mini(tmp_path)
    set_cells(folder, table, {(row, column): value})
    report = validate_data(folder)
    problem = the_problem(report, f"{table}.csv", row, column, "ongeldige id")
    assert problem.value == show(value)
    with pytest.raises(InputError):  # nothing is built from it
        load(folder)


def test_id_messages_say_why(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(4, "library_id"): "../../../../tmp/x",
                                    (5, "library_id"): "b" * 300})
    report = validate_data(folder)
    path = the_problem(report, "libraries.csv", 4, "library_id", "ongeldige id")
    assert "'/' (U+002F) niet toegestaan" in path.message
    assert "geen pad" in path.message
    long = the_problem(report, "libraries.csv", 5, "library_id", "ongeldige id")
    assert "300 tekens (maximaal 64)" in long.message
    assert long.value.endswith("… (300 tekens)")  # the value in the report is cut off


@pytest.mark.parametrize("value", ["bib-0001", "PV20", "72NW00", "a", "a.b_c-d", "x" * 64])
def test_good_ids_pass(tmp_path, value):
    folder = copy_mini(tmp_path)
    set_cells(folder, "pois", {(3, "poi_id"): value})
    set_cells(folder, "provinces", {(4, "poi_id"): value})
    set_cells(folder, "contacts", {(9, "entity_id"): value})
    assert validate_data(folder).problems == []


# --------------------------------------------------------------------------- 2. text fields

TEXT_ERRORS = [  # (table, row, column, value, fragment of the message)
    ("libraries", 4, "library_name", "Bibliotheek\nArnhem", "regeleinde"),
    ("libraries", 5, "library_name", "Bibliotheek\rEde", "regeleinde"),
    ("libraries", 6, "library_name", "Bibliotheek\u2028Zwolle", "regeleinde"),
    ("libraries", 7, "library_name", "Biblio\x00theek", "stuurteken U+0000"),
    ("provinces", 2, "province_name", "Over\x1b[2Jijssel", "stuurteken U+001B"),
    ("provinces", 3, "province_name", "Gelder\u202eland", "tekenrichtingsteken U+202E"),
    ("pois", 2, "poi_name", "Rijnbrink 图书馆", "Lato niet tonen"),
    ("pois", 3, "poi_name", "ProBiblio 📚", "Lato niet tonen"),
    ("school_locations", 2, "location_name", "L" * 201, "te lang: 201 tekens (maximaal 200)"),
    ("school_locations", 3, "municipality", "=HYPERLINK(\"http://x\")", "formule"),
    ("school_locations", 4, "location_name", "@SUM(1)", "formule"),
    ("contacts", 2, "name", "Femke\nJansen", "regeleinde"),
    ("contacts", 3, "name", "Bcc: x@y.nl\r\nZ", "regeleinde"),
    ("contacts", 4, "name", "N" * 201, "te lang"),
    ("contacts", 5, "email", "p.bos@bibliotheekzwolle.nl\nBcc: x@y.nl", "regeleinde"),
    ("contacts", 6, "email", "dàan@bibliotheekhaarlem.nl", "SMTPUTF8"),
    ("contacts", 7, "email", "k\x00@bibliotheekzaanstreek.nl", "stuurteken"),
]


def test_every_bad_text_field_is_found_at_once(tmp_path):
    folder = copy_mini(tmp_path)
    for table, row, column, value, _ in TEXT_ERRORS:
        set_cells(folder, table, {(row, column): value})
    report = validate_data(folder)
    for table, row, column, _, fragment in TEXT_ERRORS:
        the_problem(report, f"{table}.csv", row, column, fragment)
    assert len(report.errors) == len(TEXT_ERRORS), report.text()
    assert report.warnings == []


@pytest.mark.parametrize(("table", "row", "column", "value", "fragment"), TEXT_ERRORS,
                         ids=lambda v: repr(v)[:30] if isinstance(v, str) else str(v))
def test_each_bad_text_field_alone(tmp_path, table, row, column, value, fragment):
    folder = copy_mini(tmp_path)
    set_cells(folder, table, {(row, column): value})
    report = validate_data(folder)
    the_problem(report, f"{table}.csv", row, column, fragment)
    assert len(report.problems) == 1, report.text()


@pytest.mark.parametrize(
    ("value", "shown", "fragment"),
    [
        ("Bibliotheek\tArnhem", "Bibliotheek Arnhem", "tab als spatie"),
        ("Biblio\u200btheek Arnhem", "Bibliotheek Arnhem", "U+200B weggelaten"),
        ("Biblio\u00adtheek Arnhem", "Bibliotheek Arnhem", "U+00AD weggelaten"),
        ("Bibliotheek Frysla\u0302n", "Bibliotheek Fryslân", "NFC"),
    ],
)
def test_harmless_characters_are_a_warning_that_says_what_is_shown(tmp_path, value, shown,
                                                                   fragment):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(4, "library_name"): value})
    report = validate_data(folder)
    problem = the_problem(report, "libraries.csv", 4, "library_name", fragment, "warning")
    assert f"wordt getoond als '{shown}'" in problem.message
    assert report.problems == [problem]
    tables = load(folder)
    assert tables.libraries.loc[tables.libraries["_row"] == 4, "library_name"].item() == shown


@pytest.mark.parametrize("value", [
    "\u200b=HYPERLINK(\"http://x\")",  # a zero-width space first: left out when shown
    "\u00ad@SUM(1)",  # a soft hyphen
    "\ufeff=1+1",  # a byte order mark
    "\u2060\t-1+2",  # a word joiner and a tab: shown as "-1+2"
    "\u200b +cmd",  # invisible, then a space: shown stripped
])
def test_a_formula_behind_invisible_characters_is_a_located_error(tmp_path, value):
    """The formula check looks at the text as it will be shown, after invisible characters
    are left out, so they cannot hide a formula from it."""
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(4, "library_name"): value})
    report = validate_data(folder)
    problem = the_problem(report, "libraries.csv", 4, "library_name", "formule")
    assert "onzichtbare tekens" in problem.message
    assert report.errors == [problem]
    with pytest.raises(InputError):
        load(folder)


def test_names_with_diacritics_and_dutch_punctuation_pass(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {
        (4, "library_name"): "Bibliotheek Súdwest-Fryslân",
        (5, "library_name"): "Bibliotheek 's-Hertogenbosch – Ede “Oost” € 5 ĳ",
        (6, "library_name"): "Bibliotheek Zwolle-Zuid (NB: Œuvre, Łódź, Ærø)",
    })
    set_cells(folder, "contacts", {(2, "name"): "Zoë 李 Jansen"})  # not drawn: any script
    assert validate_data(folder).problems == []


def test_the_font_map_is_lato_and_is_cached():
    chars = drawable()
    assert {"â", "ú", "ë", "€", "–", "“", "ĳ"} <= chars
    assert not {"\x00", "\r", "图", "📚"} & chars
    assert drawable() is chars


def test_a_report_never_carries_control_characters(tmp_path):
    """Values, column and sheet names in problems are made visible (a terminal printing the
    report, or a spreadsheet opening its CSV, gets no escape sequences)."""
    folder = copy_mini(tmp_path)
    rows = read_rows(folder / "pois.csv")
    with (folder / "pois.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0] + ["\x1b]0;titel\x07kolom"], rows[1] + ["\x1b[2J"],
                                  rows[2] + [""]])
    set_cells(folder, "libraries", {(4, "library_name"): "\x1b[31mrood\u202e"})
    report = validate_data(folder)
    column = the_problem(report, "pois.csv", 1, "␛]0;titel␇kolom", "onbekende kolom", "warning")
    assert column.column == "␛]0;titel␇kolom"
    value = the_problem(report, "libraries.csv", 4, "library_name", "stuurteken U+001B")
    assert value.value == "␛[31mrood<U+202E>"
    report.write_csv(tmp_path / "problemen.csv")
    for text in (report.text(), (tmp_path / "problemen.csv").read_text(encoding="utf-8")):
        assert not [c for c in text if unicodedata.category(c) in ("Cc", "Cf") and c not in "\r\n"]


# --------------------------------------------------------------------------- e-mail addresses


@pytest.mark.parametrize(
    ("address", "fragment"),
    [
        ("dàan@bieb.nl", "SMTPUTF8"),
        ("jöran.de.vries@bieb.nl", "SMTPUTF8"),
        ("piet..bos@bieb.nl", "vóór de @"),
        (".piet@bieb.nl", "vóór de @"),
        ("p" * 65 + "@bieb.nl", "vóór de @"),
        ("piet@" + "a" * 64 + ".nl", "domeinnaam"),
        ("piet@bieb_x.nl", "domeinnaam"),
        ("piet@bieb..nl", "domeinnaam"),
        ("piet@" + ("a" * 60 + ".") * 5 + "nl", "domeinnaam"),
        ("piet", "met een @"),
    ],
)
def test_addresses_the_sending_code_cannot_use(address, fragment):
    assert fragment in email_fault(address)
    assert not valid_email(address)


def test_non_ascii_domain_is_fine_because_it_is_sent_in_idna_form():
    assert email_fault("info@bieb.fryslân.nl") == ""


# --------------------------------------------------------------------------- 4. workbooks


def workbook(folder: Path, path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    """The CSV tables of `folder` as one workbook, numbers as numbers, after `change`."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for csv_path in sorted(folder.glob("*.csv")):
        ws = wb.create_sheet(csv_path.stem)
        rows = read_rows(csv_path)
        ws.append(rows[0])
        for rec in rows[1:]:
            ws.append([int(v) if v.isdigit() else v for v in rec])
    change(wb)
    wb.save(path)
    return path


def patch(path: Path, edit: Callable[[str, bytes], bytes]) -> None:
    """Rewrite every member of the zip at `path` through `edit(name, data)`."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, edit(info.filename, data))


def formula(wb: openpyxl.Workbook) -> None:
    wb["libraries"]["G4"] = "=25+25"  # po_locations_in_area of bib-a, 2020-2021 (was 50)


def cache_value(name: str, data: bytes) -> bytes:
    """What Excel writes when it saves: the formula's value, and no request to recalculate."""
    data = data.replace(b"<f>25+25</f><v></v>", b"<f>25+25</f><v>50</v>")
    return data.replace(b' fullCalcOnLoad="1"', b"") if name == "xl/workbook.xml" else data


def test_formula_cell_gives_its_cached_value(tmp_path):
    path = workbook(MINI, tmp_path / "monitor.xlsx", formula)
    patch(path, cache_value)
    tables = load(path)
    assert tables.report.problems == []
    libraries = tables.libraries
    assert libraries.loc[libraries["_row"] == 4, "po_locations_in_area"].item() == 50


def test_formula_without_a_cached_value_is_a_located_error(tmp_path):
    """openpyxl (like any script) writes formulas without their value: never an empty cell."""
    path = workbook(MINI, tmp_path / "monitor.xlsx", formula)
    report = validate_data(path)
    problem = the_problem(report, "monitor.xlsx", 4, "po_locations_in_area",
                          "formule zonder opgeslagen waarde", sheet="libraries")
    assert problem.value == "=25+25"
    assert len(report.errors) == 1, report.text()


def test_formula_in_a_workbook_that_asks_to_be_recalculated_is_a_warning(tmp_path):
    path = workbook(MINI, tmp_path / "monitor.xlsx", formula)
    patch(path, lambda name, data: data.replace(b"<f>25+25</f><v></v>",
                                                b"<f>25+25</f><v>50</v>"))
    report = validate_data(path)
    problem = the_problem(report, "monitor.xlsx", None, "", "herberekend", "warning",
                          sheet="libraries")
    assert "de eerste in G4" in problem.message
    assert report.problems == [problem]


def test_excel_error_value_is_a_located_error(tmp_path):
    def error(wb: openpyxl.Workbook) -> None:
        wb["provinces"]["B3"] = "#DIV/0!"  # openpyxl stores it as an error cell (t="e")

    report = validate_data(workbook(MINI, tmp_path / "monitor.xlsx", error))
    problem = the_problem(report, "monitor.xlsx", 3, "province_name", "Excel-foutwaarde",
                          sheet="provinces")
    assert problem.value == "#DIV/0!"


def test_empty_text_result_of_a_formula_is_a_cached_value(tmp_path):
    """Excel caches a formula's empty text as <v></v> with t="str": an unknown cell."""
    def blank(wb: openpyxl.Workbook) -> None:
        wb["libraries"]["T4"] = '=""'  # po_locations_reading_plan of bib-a, 2020-2021

    path = workbook(MINI, tmp_path / "monitor.xlsx", blank)
    patch(path, lambda name, data: data.replace(b'<c r="T4"><f>""</f>',
                                                b'<c r="T4" t="str"><f>""</f>').replace(
        b' fullCalcOnLoad="1"', b""))
    tables = load(path)
    assert tables.report.problems == []
    libraries = tables.libraries
    assert libraries.loc[libraries["_row"] == 4, "po_locations_reading_plan"].isna().all()


# --------------------------------------------------------------------------- 6. size limits


def test_csv_file_too_large(tmp_path):
    folder = copy_mini(tmp_path)
    report = validate_data(folder, limits=Limits(csv_bytes=1000))
    problem = the_problem(report, "libraries.csv", None, "", "bestand is te groot")
    assert "(maximaal 1000 bytes)" in problem.message


def test_too_many_rows(tmp_path):
    folder = copy_mini(tmp_path)
    report = validate_data(folder, limits=Limits(rows=3))
    problem = the_problem(report, "libraries.csv", 5, "", "meer dan 3 rijen")
    assert problem.severity == "error"
    path = workbook(MINI, tmp_path / "monitor.xlsx", lambda wb: None)
    report = validate_data(path, limits=Limits(rows=3))
    the_problem(report, "monitor.xlsx", 5, "", "meer dan 3 rijen", sheet="libraries")


def test_too_many_columns(tmp_path):
    report = validate_data(copy_mini(tmp_path), limits=Limits(columns=20))
    the_problem(report, "libraries.csv", 1, "", "35 kolommen (maximaal 20)")


def test_cell_too_long(tmp_path):
    folder = copy_mini(tmp_path)
    rows = read_rows(folder / "pois.csv")
    with (folder / "pois.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0] + ["opmerking"], rows[1] + ["x" * 60], rows[2] + [""]])
    report = validate_data(folder, limits=Limits(cell_chars=50))
    the_problem(report, "pois.csv", 2, "opmerking", "cel is te lang (maximaal 50 tekens)")


def test_text_bound_comes_from_the_limits(tmp_path):
    folder = copy_mini(tmp_path)
    assert validate_data(folder, limits=Limits(text_chars=10)).errors  # "Bibliotheek Arnhem"
    set_cells(folder, "libraries", {(4, "library_name"): "B" * 200})
    assert validate_data(folder).problems == []


def test_workbook_file_too_large(tmp_path):
    path = workbook(MINI, tmp_path / "monitor.xlsx", lambda wb: None)
    report = validate_data(path, limits=Limits(workbook_bytes=1000))
    the_problem(report, "monitor.xlsx", None, "", "werkmap is te groot")


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def zip_bomb(real: Path, path: Path, unpacked: int = 1 << 30) -> Path:
    """The members of the workbook `real` plus a sheet of `unpacked` bytes of zeros (deflated to
    about a thousandth), written by hand: zipfile would take seconds to compress it."""
    with zipfile.ZipFile(real) as archive:
        members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    entries = [(name.encode(), raw_deflate(data), zlib.crc32(data), len(data))
               for name, data in members]
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(1 << 20)
    chunk = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)  # repeats exactly
    crc = 0
    for _ in range(unpacked >> 20):
        crc = zlib.crc32(block, crc)
    bomb = chunk * (unpacked >> 20) + compressor.flush()
    entries.append((b"xl/worksheets/sheet9.xml", bomb, crc, unpacked))
    out = io.BytesIO()
    central = b""
    for name, data, crc32, size in entries:
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc32, len(data),
                              size, len(name), 0) + name + data)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc32,
                               len(data), size, len(name), 0, 0, 0, 0, 0, offset) + name
    start = out.tell()
    out.write(central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                                    len(central), start, 0))
    path.write_bytes(out.getvalue())
    return path


def test_zip_bomb_is_refused_at_once(tmp_path, monkeypatch):
    real = workbook(MINI, tmp_path / "real.xlsx", lambda wb: None)
    path = zip_bomb(real, tmp_path / "monitor.xlsx")
    assert path.stat().st_size < 3 << 20
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet9.xml").file_size == 1 << 30

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    start = time.process_time()  # CPU time: other work on the machine does not count
    report = validate_data(path)
    elapsed = time.process_time() - start
    problem = the_problem(report, "monitor.xlsx", None, "", "uitgepakt te groot")
    assert "xl/worksheets/sheet9.xml" in problem.message
    assert "1.024 MB" in problem.message
    assert elapsed < 0.5, f"{elapsed:.2f} s"


def test_real_sized_edition_fits_the_default_limits():
    """About 150 libraries for several years and 8.000 school locations a year."""
    assert DEFAULT_LIMITS.rows >= 8_000 * 20
    assert DEFAULT_LIMITS.csv_bytes >= 8_000 * 20 * 200
    assert DEFAULT_LIMITS.workbook_unpacked_bytes < 1 << 30  # the zip bomb above is refused
