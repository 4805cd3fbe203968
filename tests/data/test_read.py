"""Tests for reading and loading (sources.py, mapping.py, parse.py, read.py): CSV folders and
.xlsx workbooks into typed `Tables`, column mapping, cell parsing (Dutch booleans, thousands
dots, empty = unknown), unreadable input as located problems, the years filter and skipping bad
rows."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from minidata import copy_mini

from infographics.data.mapping import read_mapping
from infographics.data.read import Tables, load
from infographics.data.schema import TABLES
from infographics.data.validate import validate_data
from infographics.errors import ConfigError, InputError, Problem, Report

FIXTURES = Path(__file__).parents[1] / "fixtures"
MINI = FIXTURES / "mini"
PARTNERS = FIXTURES / "partners"  # network.csv and partners.csv that go with the mini data


# --------------------------------------------------------------------------- helpers




def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def set_cell(folder: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell, addressed as a spreadsheet shows it (header = row 1)."""
    path = folder / f"{table}.csv"
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def rename_header(folder: Path, table: str, renames: dict[str, str]) -> None:
    path = folder / f"{table}.csv"
    rows = read_rows(path)
    rows[0] = [renames.get(name, name) for name in rows[0]]
    write_rows(path, rows)


def drop_column(folder: Path, table: str, column: str) -> None:
    path = folder / f"{table}.csv"
    rows = read_rows(path)
    i = rows[0].index(column)
    write_rows(path, [r[:i] + r[i + 1:] for r in rows])


def errors_of(folder: Path, **kwargs) -> list[Problem]:
    return validate_data(folder, **kwargs).errors


def the_problem(report: Report | list[Problem], file: str, row: int | None, column: str,
                fragment: str, severity: str = "error") -> Problem:
    """The one problem at exactly this place whose message contains `fragment`."""
    problems = report.problems if isinstance(report, Report) else report
    found = [p for p in problems if (p.file, p.row, p.column, p.severity)
             == (file, row, column, severity) and fragment in p.message]
    assert len(found) == 1, "\n".join(str(p) for p in problems) or "geen problemen"
    return found[0]


def value_at(frame: pd.DataFrame, row: int, column: str):
    (value,) = frame.loc[frame["_row"] == row, column].tolist()
    return value


def workbook_from_csv(folder: Path, path: Path, as_numbers: bool) -> Path:
    """The CSV tables as sheets of one workbook; with `as_numbers`, cells that look like
    numbers or ja/nee are stored as Excel numbers and booleans, as Excel would."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for csv_path in sorted(folder.glob("*.csv")):
        ws = wb.create_sheet(csv_path.stem)
        rows = read_rows(csv_path)
        ws.append(rows[0])
        for rec in rows[1:]:
            ws.append([excel_value(v) if as_numbers else v for v in rec])
    wb.save(path)
    return path


def excel_value(text: str):
    if text.replace(".", "").isdigit() and "." in text and len(text.split(".")[-1]) == 3:
        return int(text.replace(".", ""))
    if text.isdigit() and not text.startswith("0"):
        return int(text)
    if text.replace(",", "", 1).isdigit() and "," in text:
        return float(text.replace(",", "."))
    return {"ja": True, "nee": False}.get(text.lower(), text)


# --------------------------------------------------------------------------- the mini dataset


def test_mini_loads_without_problems():
    tables = load(MINI)
    assert isinstance(tables, Tables)
    assert tables.report.problems == []
    assert [len(tables.provinces), len(tables.pois), len(tables.libraries),
            len(tables.school_locations), len(tables.contacts)] == [3, 2, 7, 7, 9]
    assert tables.source == str(MINI)


def test_frames_have_canonical_columns_types_row_and_file(tmp_path):
    tables = load(copy_mini(tmp_path, partners=True))
    for name, schema in TABLES.items():
        frame = getattr(tables, name)
        # network and partners carry their calendar `year` as the edition's `school_year`
        names = ["school_year" if c == "year" else c for c in schema.names]
        assert list(frame.columns) == [*names, "_row", "_file"]
        assert frame["_row"].dtype == "int64"
        assert set(frame["_file"]) == {f"{name}.csv"}
    libraries = tables.libraries
    assert libraries["inhabitants"].dtype == "Int64"
    assert libraries["po_dbos"].dtype == "boolean"
    assert tables.school_locations["points_network_policy"].dtype == "Float64"
    assert libraries["_row"].tolist() == [2, 3, 4, 5, 6, 7, 8]


def test_thousands_dots_and_dutch_booleans():
    libraries = load(MINI).libraries
    assert value_at(libraries, 4, "inhabitants") == 100000
    assert value_at(libraries, 4, "po_dbos_pupils") == 4000
    assert value_at(libraries, 6, "po_dbos") is True  # written "Ja"
    assert value_at(libraries, 5, "po_dbos") is False  # written "nee"


def test_empty_cell_is_unknown_not_zero():
    tables = load(MINI)
    libraries = tables.libraries
    assert pd.isna(value_at(libraries, 8, "members_4_12"))  # bib-e: empty
    assert value_at(libraries, 4, "po_comparable_locations") == 0  # bib-a: written 0
    assert pd.isna(value_at(libraries, 8, "vo_reading_promotion"))
    assert libraries["po_locations_media_plan"].notna().sum() == 2
    points = tables.school_locations["points_digital"]
    assert pd.isna(value_at(tables.school_locations, 7, "points_digital"))
    assert points.sum() == 2  # known values only: 0+1+0+0+1+0
    assert value_at(tables.school_locations, 6, "municipality") is None


def test_decimal_comma_in_points_and_default_role():
    tables = load(MINI)
    assert value_at(tables.school_locations, 4, "points_network_policy") == 1.5
    assert value_at(tables.contacts, 4, "role") == "to"  # empty cell, default
    assert value_at(tables.contacts, 3, "name") is None


def test_years_and_for_year():
    tables = load(MINI)
    assert tables.years() == ["2019-2020", "2020-2021"]
    year = tables.for_year("2020-2021")
    assert year.libraries["library_id"].tolist() == ["bib-a", "bib-b", "bib-c", "bib-d", "bib-e"]
    assert len(year.school_locations) == 6
    assert len(year.contacts) == 9
    assert len(year.provinces) == 3
    assert year.years() == ["2020-2021"]


def test_years_filter_on_load():
    tables = load(MINI, years=["2019-2020"])
    assert tables.libraries["library_id"].tolist() == ["bib-a", "bib-d"]
    assert tables.school_locations["location_id"].tolist() == ["01AA00"]
    assert tables.libraries["_row"].tolist() == [2, 3]
    one = load(MINI, years="2019-2020")  # a single year as a string is not read letter by letter
    assert one.libraries["_row"].tolist() == [2, 3]


def test_years_filter_with_unknown_year_is_an_error():
    with pytest.raises(InputError) as exc:
        load(MINI, years=["2030-2031"])
    the_problem(exc.value.report, "libraries.csv", None, "school_year", "komt niet voor")


# --------------------------------------------------------------------------- csv and xlsx


@pytest.mark.parametrize("as_numbers", [False, True])
def test_csv_and_xlsx_give_identical_tables(tmp_path, as_numbers):
    folder = copy_mini(tmp_path, partners=True)
    workbook = workbook_from_csv(folder, tmp_path / "mini.xlsx", as_numbers)
    from_csv, from_xlsx = load(folder), load(workbook)
    assert from_xlsx.report.problems == []
    for name in TABLES:
        a, b = getattr(from_csv, name), getattr(from_xlsx, name)
        assert set(b["_file"]) == {f"mini.xlsx[{name}]"}
        pd.testing.assert_frame_equal(a.drop(columns="_file"), b.drop(columns="_file"))


def test_xlsx_problem_names_workbook_and_sheet(tmp_path):
    folder = copy_mini(tmp_path)
    set_cell(folder, "libraries", 5, "po_dbos", "misschien")
    workbook = workbook_from_csv(folder, tmp_path / "monitor.xlsx", as_numbers=False)
    problem = the_problem(errors_of(workbook), "monitor.xlsx", 5, "po_dbos", "ja/nee")
    assert problem.sheet == "libraries"
    assert str(problem).startswith("monitor.xlsx[libraries]:5: po_dbos: fout:")


def test_xlsx_missing_required_sheet(tmp_path):
    workbook = workbook_from_csv(MINI, tmp_path / "m.xlsx", as_numbers=False)
    wb = openpyxl.load_workbook(workbook)
    del wb["pois"]
    wb.create_sheet("notes")
    wb.save(workbook)
    report = validate_data(workbook)
    problem = the_problem(report, "m.xlsx", None, "", "verplicht tabblad ontbreekt")
    assert problem.sheet == "pois"
    assert len(report.errors) == 1  # provinces.poi_id is not checked against a missing table
    assert any(p.sheet == "notes" and "onbekend tabblad" in p.message for p in report.warnings)


def test_csv_with_bom(tmp_path):
    folder = copy_mini(tmp_path)
    path = folder / "provinces.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    tables = load(folder)
    assert tables.provinces.columns[0] == "province"
    assert tables.provinces["province"].tolist() == ["PV23", "PV25", "PV27"]


def test_blank_rows_are_skipped_but_counted(tmp_path):
    folder = copy_mini(tmp_path)
    path = folder / "pois.csv"
    rows = read_rows(path)
    write_rows(path, [rows[0], rows[1], [], ["", ""], rows[2]])
    assert load(folder).pois["_row"].tolist() == [2, 5]


def test_whitespace_around_values_is_stripped(tmp_path):
    folder = copy_mini(tmp_path)
    set_cell(folder, "libraries", 4, "inhabitants", "  100.000 ")
    set_cell(folder, "libraries", 4, "province", " PV25")
    rename_header(folder, "pois", {"poi_name": " poi_name "})
    tables = load(folder)
    assert value_at(tables.libraries, 4, "inhabitants") == 100000
    assert value_at(tables.libraries, 4, "province") == "PV25"


# --------------------------------------------------------------------------- unreadable input


def test_missing_folder_is_a_problem(tmp_path):
    report = validate_data(tmp_path / "nowhere")
    assert len(report.errors) == 1
    assert "bestaat niet" in report.errors[0].message


def test_missing_required_file(tmp_path):
    folder = copy_mini(tmp_path)
    (folder / "libraries.csv").rename(folder / "Libraries.csv")
    report = validate_data(folder)
    the_problem(report, "libraries.csv", None, "", "verplicht bestand ontbreekt (wel gevonden: "
                "Libraries.csv")
    assert len(report.errors) == 1  # no cascade of unknown-library errors
    with pytest.raises(InputError):
        load(folder, skip_bad_rows=True)


def test_missing_optional_files_give_empty_typed_frames(tmp_path):
    folder = copy_mini(tmp_path)
    (folder / "school_locations.csv").unlink()
    (folder / "contacts.csv").unlink()
    tables = load(folder)
    assert tables.report.problems == []
    assert tables.school_locations.empty
    assert tables.contacts.empty
    assert list(tables.contacts.columns) == [*TABLES["contacts"].names, "_row", "_file"]
    assert tables.school_locations["points_expertise"].dtype == "Float64"


def test_windows_1252_is_read_with_one_warning(tmp_path):
    """More in test_dutch_csv.py; Latin-1 text reads the same as Windows-1252."""
    folder = copy_mini(tmp_path)
    (folder / "provinces.csv").write_bytes(
        "province,province_name,poi_id\nPV23,Overijssel,rijnbrink\nPV25,Gelderland,rijnbrink\n"
        "PV27,Fryslân,probiblio\n".encode("latin-1"))
    report = validate_data(folder)
    problem = the_problem(report, "provinces.csv", 4, "", "Windows-1252", severity="warning")
    assert report.problems == [problem]
    assert load(folder).provinces["province_name"].tolist()[-1] == "Fryslân"


def test_undecodable_bytes_are_located(tmp_path):
    folder = copy_mini(tmp_path)
    (folder / "provinces.csv").write_bytes(
        b"province,province_name,poi_id\nPV25,Gelderland,rijnbrink\nPV21,Frysl\x81n,x\n")
    problem = the_problem(errors_of(folder), "provinces.csv", 3, "", "geen geldige UTF-8")
    assert "81" in problem.message


def test_not_a_workbook(tmp_path):
    fake = tmp_path / "monitor.xlsx"
    fake.write_text("dit is geen werkmap")
    problem = the_problem(errors_of(fake), "monitor.xlsx", None, "", "kan niet gelezen worden")
    assert "xlsx" in problem.message


def test_unsupported_file(tmp_path):
    other = tmp_path / "monitor.ods"
    other.write_text("x")
    the_problem(errors_of(other), "monitor.ods", None, "", "geen map met CSV-bestanden")


def test_semicolon_separated_csv(tmp_path):
    """More in test_dutch_csv.py."""
    folder = copy_mini(tmp_path)
    path = folder / "pois.csv"
    path.write_text(path.read_text().replace(",", ";"))
    report = validate_data(folder)
    assert report.problems == [
        the_problem(report, "pois.csv", 1, "", "puntkomma", severity="warning")]


def test_empty_file(tmp_path):
    folder = copy_mini(tmp_path)
    (folder / "pois.csv").write_text("")
    the_problem(errors_of(folder), "pois.csv", 1, "", "leeg")


def test_row_with_too_many_values(tmp_path):
    folder = copy_mini(tmp_path)
    (folder / "pois.csv").write_text("poi_id,poi_name\nrijnbrink,Rijnbrink,extra\n"
                                     "probiblio,ProBiblio\n")
    the_problem(errors_of(folder), "pois.csv", 2, "", "3 waarden maar de kopregel 2 kolommen")


def test_load_raises_input_error_with_the_report(tmp_path):
    folder = copy_mini(tmp_path)
    set_cell(folder, "libraries", 4, "inhabitants", "veel")
    with pytest.raises(InputError) as exc:
        load(folder)
    the_problem(exc.value.report, "libraries.csv", 4, "inhabitants", "geen geldig geheel getal")


# --------------------------------------------------------------------------- columns


def test_missing_required_column(tmp_path):
    folder = copy_mini(tmp_path)
    drop_column(folder, "libraries", "province")
    report = validate_data(folder)
    the_problem(report, "libraries.csv", 1, "province", "verplichte kolom ontbreekt")
    assert len(report.errors) == 1


def test_missing_optional_column_warns_once_and_is_unknown(tmp_path):
    folder = copy_mini(tmp_path)
    drop_column(folder, "libraries", "po_locations_media_plan")
    tables = load(folder)
    assert len(tables.report.warnings) == 1
    the_problem(tables.report, "libraries.csv", 1, "po_locations_media_plan", "onbekend",
                severity="warning")
    assert tables.libraries["po_locations_media_plan"].isna().all()
    assert tables.libraries["po_locations_media_plan"].dtype == "Int64"


def test_unknown_column_is_kept_with_one_warning(tmp_path):
    folder = copy_mini(tmp_path)
    path = folder / "libraries.csv"
    rows = read_rows(path)
    write_rows(path, [rows[0] + ["opmerking"]] + [r + [" let op "] for r in rows[1:]])
    tables = load(folder)
    assert len(tables.report.warnings) == 1
    the_problem(tables.report, "libraries.csv", 1, "opmerking", "onbekende kolom",
                severity="warning")
    assert tables.libraries["opmerking"].tolist() == ["let op"] * 7
    assert list(tables.libraries.columns)[-3:] == ["opmerking", "_row", "_file"]


def test_misspelt_column_gets_a_hint(tmp_path):
    folder = copy_mini(tmp_path)
    rename_header(folder, "libraries", {"inhabitants": "inhabitant"})
    problem = the_problem(validate_data(folder), "libraries.csv", 1, "inhabitant",
                          "onbekende kolom", severity="warning")
    assert "bedoelt u 'inhabitants'" in problem.message


def test_duplicate_column_name(tmp_path):
    folder = copy_mini(tmp_path)
    (folder / "pois.csv").write_text("poi_id,poi_name,poi_name\nrijnbrink,Rijnbrink,R\n"
                                     "probiblio,ProBiblio,P\n")
    the_problem(errors_of(folder), "pois.csv", 1, "poi_name", "meer dan eens")


# --------------------------------------------------------------------------- mapping


MAPPING = """\
# KB export 2021 -> canonical names
libraries:
  school_year: Schooljaar
  library_id: "Bibliotheek ID"
  inhabitants: Inwoners werkgebied
contacts:
  email: E-mail
"""


def test_mapping_renames_export_columns(tmp_path):
    folder = copy_mini(tmp_path)
    rename_header(folder, "libraries", {"school_year": "Schooljaar",
                                        "library_id": "Bibliotheek ID",
                                        "inhabitants": "Inwoners werkgebied"})
    rename_header(folder, "contacts", {"email": "E-mail"})
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING)
    assert read_mapping(mapping)["libraries"]["library_id"] == "Bibliotheek ID"
    mapped, plain = load(folder, mapping=mapping), load(MINI)
    assert mapped.report.problems == []
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(mapped, name), getattr(plain, name))


def test_mapped_column_missing_in_export(tmp_path):
    folder = copy_mini(tmp_path)
    rename_header(folder, "libraries", {"school_year": "Jaar"})
    drop_column(folder, "libraries", "inhabitants")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING)
    report = validate_data(folder, mapping=mapping)
    problem = the_problem(report, "libraries.csv", 1, "school_year", "verplichte kolom")
    assert "(volgens de mapping: 'Schooljaar')" in problem.message
    the_problem(report, "libraries.csv", 1, "inhabitants", "'Inwoners werkgebied'",
                severity="warning")


def test_canonical_name_still_works_when_the_mapped_one_is_absent(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING)
    assert validate_data(MINI, mapping=mapping).problems == []


@pytest.mark.parametrize(
    ("text", "line", "key", "fragment"),
    [
        ("libraries:\n  school_year: Jaar\nlibrarys:\n  x: y\n", 3, "librarys", "onbekende tabel"),
        ("libraries:\n  school_year: Jaar\n\n  inhabitant: Inwoners\n", 4,
         "libraries.inhabitant", "bedoelt u 'inhabitants'"),
        ("pois:\n  poi_id: [a, b]\n", 2, "pois.poi_id", "als tekst"),
        ("pois:\n  poi_id: Code\n  poi_name: Code\n", 3, "pois.poi_name", "al gekoppeld"),
        ("pois:\n  poi_id: Code\n  poi_id: Id\n", 3, "pois.poi_id", "twee keer"),
        ("pois: [poi_id]\n", 1, "pois", "verwacht"),
        ("pois:\n  poi_id: Code\n    poi_name: Naam\n", 3, "", "ongeldige YAML"),
    ],
)
def test_mapping_errors_name_file_line_and_key(tmp_path, text, line, key, fragment):
    mapping = tmp_path / "bad-mapping.yaml"
    mapping.write_text(text)
    with pytest.raises(ConfigError) as exc:
        read_mapping(mapping)
    assert (exc.value.file, exc.value.line, exc.value.key) == (str(mapping), line, key)
    assert fragment in exc.value.message
    assert str(exc.value).startswith(f"{mapping}:{line}:")


def test_validate_data_reports_a_bad_mapping_as_a_problem(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("libraries:\n  inhabitantz: Inwoners\n")
    report = validate_data(MINI, mapping=mapping)
    the_problem(report, str(mapping), 2, "libraries.inhabitantz", "onbekende kolom")
    with pytest.raises(ConfigError):
        load(MINI, mapping=mapping)


def test_empty_mapping_file_changes_nothing(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("# nog niets\n")
    assert read_mapping(mapping) == {}
    assert load(MINI, mapping=mapping).report.problems == []


# --------------------------------------------------------------------------- cell values


BOOLEAN_SPELLINGS = [("ja", True), ("NEE", False), ("Yes", True), ("no", False),
                     ("TRUE", True), ("false", False), ("1", True), ("0", False), ("", None)]


def test_boolean_spellings(tmp_path):
    folder = copy_mini(tmp_path)
    cells = [(row, column) for column in ("po_in_policy_plan", "po_multi_year_agreement")
             for row in range(2, 9)]
    for (row, column), (text, _) in zip(cells, BOOLEAN_SPELLINGS, strict=False):
        set_cell(folder, "libraries", row, column, text)
    libraries = load(folder).libraries
    for (row, column), (_, expected) in zip(cells, BOOLEAN_SPELLINGS, strict=False):
        value = value_at(libraries, row, column)
        assert (pd.isna(value) and expected is None) or value is expected, (row, column)


def test_boolean_other_value_is_an_error(tmp_path):
    folder = copy_mini(tmp_path)
    set_cell(folder, "libraries", 4, "po_dbos", "misschien")
    problem = the_problem(errors_of(folder), "libraries.csv", 4, "po_dbos", "ja/nee")
    assert problem.value == "misschien"


def test_integer_spellings(tmp_path):
    folder = copy_mini(tmp_path)
    spellings = {2: ("5386", 5386), 3: ("5.386", 5386), 4: ("1.600.000", 1600000),
                 5: (" 42 ", 42), 6: ("0", 0), 7: ("007", 7)}
    for row, (text, _) in spellings.items():
        set_cell(folder, "libraries", row, "inhabitants", text)
    libraries = load(folder).libraries
    for row, (_, expected) in spellings.items():
        assert value_at(libraries, row, "inhabitants") == expected


def test_integer_errors(tmp_path):
    folder = copy_mini(tmp_path)
    wrong = {2: ("5,386", "komma is niet toegestaan"), 3: ("5.38", "geen geldig geheel getal"),
             4: ("12.5", "geen geldig geheel getal"), 5: ("1.6000", "geen geldig geheel getal"),
             6: ("twaalf", "geen geldig geheel getal"), 7: ("5386.0", "geen geldig geheel getal")}
    for row, (text, _) in wrong.items():
        set_cell(folder, "libraries", row, "inhabitants", text)
    errors = errors_of(folder)
    assert len(errors) == len(wrong)
    for row, (text, fragment) in wrong.items():
        problem = the_problem(errors, "libraries.csv", row, "inhabitants", fragment)
        assert problem.value == text


def test_number_spellings_and_errors(tmp_path):
    folder = copy_mini(tmp_path)
    cells = {2: "4", 3: "4.5", 4: "4,5", 5: "4,5,6", 6: "vier", 7: "4.5.6"}
    for row, text in cells.items():
        set_cell(folder, "school_locations", row, "points_expertise", text)
    report = validate_data(folder)
    assert [p.row for p in report.errors] == [5, 6, 7]
    for row in (5, 6, 7):
        the_problem(report, "school_locations.csv", row, "points_expertise", "geen geldig getal")
    for row in (5, 6, 7):
        set_cell(folder, "school_locations", row, "points_expertise", "")
    points = load(folder).school_locations.set_index("_row")["points_expertise"]
    assert points.loc[[2, 3, 4]].tolist() == [4.0, 4.5, 4.5]


def test_enum_values(tmp_path):
    folder = copy_mini(tmp_path)
    set_cell(folder, "school_locations", 3, "sector", "VO")
    set_cell(folder, "school_locations", 4, "sector", "havo")
    report = validate_data(folder)
    the_problem(report, "school_locations.csv", 4, "sector", "kies uit po, vo")
    assert len(report.errors) == 1  # "VO" is accepted as "vo"


def test_school_year_format(tmp_path):
    folder = copy_mini(tmp_path)
    wrong = {5: "2020-2022", 6: "2020/2021", 7: "20-21", 8: "2021-2020"}
    for row, text in wrong.items():
        set_cell(folder, "libraries", row, "school_year", text)
    set_cell(folder, "school_locations", 8, "school_year", "2020 - 2021")
    report = validate_data(folder)
    for row, text in wrong.items():
        assert the_problem(report, "libraries.csv", row, "school_year", "JJJJ-JJJJ").value == text
    the_problem(report, "school_locations.csv", 8, "school_year", "JJJJ-JJJJ")
    assert len(report.errors) == 5  # a bad year is unknown, not a failed reference


def test_required_value_empty(tmp_path):
    folder = copy_mini(tmp_path)
    set_cell(folder, "libraries", 5, "library_name", "")
    set_cell(folder, "contacts", 6, "email", " ")
    errors = errors_of(folder)
    the_problem(errors, "libraries.csv", 5, "library_name", "verplichte waarde ontbreekt")
    the_problem(errors, "contacts.csv", 6, "email", "verplichte waarde ontbreekt")
    assert len(errors) == 2


# --------------------------------------------------------------------------- skipping bad rows


def test_skip_bad_rows_drops_exactly_the_bad_rows_and_their_dependants(tmp_path):
    folder = copy_mini(tmp_path)
    set_cell(folder, "libraries", 5, "inhabitants", "5,000")  # bib-b 2020-2021
    set_cell(folder, "school_locations", 5, "points_collection", "7")  # above the maximum 6
    with pytest.raises(InputError):
        load(folder)
    tables = load(folder, skip_bad_rows=True)
    assert tables.libraries["_row"].tolist() == [2, 3, 4, 6, 7, 8]
    # 04BA00 (row 8) and the bib-b contact (row 4) depend on the dropped library
    assert tables.school_locations["_row"].tolist() == [2, 3, 4, 6, 7]
    assert tables.contacts["_row"].tolist() == [2, 3, 5, 6, 7, 8, 9, 10]
    skipped = [(p.file, p.row) for p in tables.report.warnings]
    assert skipped == [("libraries.csv", 5), ("school_locations.csv", 5),
                       ("school_locations.csv", 8), ("contacts.csv", 4)]
    assert tables.report.errors == []
    assert "inhabitants: komma is niet toegestaan" in tables.report.warnings[0].message
    assert "onbekende bibliotheek 'bib-b'" in tables.report.warnings[2].message


def test_skip_bad_rows_keeps_warnings(tmp_path):
    folder = copy_mini(tmp_path)
    set_cell(folder, "contacts", 10, "entity_id", "kb")  # warning: ignored for national
    set_cell(folder, "pois", 3, "poi_name", "")
    tables = load(folder, skip_bad_rows=True)
    # probiblio dropped -> Noord-Holland -> its libraries -> their locations and contacts
    assert tables.pois["poi_id"].tolist() == ["rijnbrink"]
    assert tables.provinces["province"].tolist() == ["PV23", "PV25"]
    assert set(tables.libraries["library_id"]) == {"bib-a", "bib-b", "bib-c"}
    assert "03DA00" not in set(tables.school_locations["location_id"])
    assert set(tables.contacts["entity_id"].dropna()) == {"bib-a", "bib-b", "bib-c", "rijnbrink",
                                                          "kb"}
    the_problem(tables.report, "contacts.csv", 10, "entity_id", "genegeerd", severity="warning")


# --------------------------------------------------------------------------- speed


def test_load_of_a_full_year_is_fast(tmp_path):
    """140 libraries and 726 school locations load and validate well under a second."""
    folder = copy_mini(tmp_path)
    libraries = read_rows(folder / "libraries.csv")
    template = libraries[4]
    write_rows(folder / "libraries.csv", [libraries[0]] + [
        [f"bib-{i}" if n == 1 else v for n, v in enumerate(template)] for i in range(140)])
    locations = read_rows(folder / "school_locations.csv")
    template = locations[2]
    write_rows(folder / "school_locations.csv", [locations[0]] + [
        [f"L{i:05d}" if n == 1 else f"bib-{i % 140}" if n == 4 else v
         for n, v in enumerate(template)] for i in range(726)])
    (folder / "contacts.csv").unlink()
    start = time.perf_counter()
    tables = load(folder)
    elapsed = time.perf_counter() - start
    assert (len(tables.libraries), len(tables.school_locations)) == (140, 726)
    assert elapsed < 1.0, f"{elapsed:.2f} s"
