"""Tests for loading and validating the partners tables (network.csv, partners.csv; schema.py,
parse.py, rules.py, read.py): the mini data plus tests/fixtures/partners is valid, and each rule
gives one located problem (file, spreadsheet row, column, value, Dutch message) for a one-cell
change: unknown codes, duplicate keys, a library missing from network for that year, a partners
row of a library that did not take part, a province that does not exist, an implausible year,
negative or malformed counts and booleans. Also: the tables are optional, Excel and Dutch CSV
read as for the other tables, the partner configuration decides which codes are known, bad rows
can be skipped, and a year filter knows calendar years."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from minidata import append_row, only_problem, set_cells, the_problem

from infographics.data.partnerconfig import Code, PartnerConfig, load_partner_config
from infographics.data.read import load
from infographics.data.validate import validate_data
from infographics.errors import InputError

FIXTURES = Path(__file__).parents[1] / "fixtures"
MINI = FIXTURES / "mini"
PARTNERS = FIXTURES / "partners"


def mini_with_partners(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    for table in ("network", "partners"):
        shutil.copy(PARTNERS / f"{table}.csv", folder)
    return folder










# --------------------------------------------------------------------------- loading


def test_mini_with_partners_is_valid_and_loads_with_the_calendar_year(tmp_path):
    tables = load(mini_with_partners(tmp_path))
    assert tables.report.problems == []
    assert len(tables.network) == 7
    assert len(tables.partners) == 19
    # the calendar year is the edition's year once loaded, kept as text
    assert tables.network["school_year"].tolist()[:2] == ["2022", "2022"]
    assert "year" not in tables.network.columns
    assert "year" not in tables.partners.columns
    assert tables.calendar_years() == ["2021", "2022"]
    assert tables.years() == ["2019-2020", "2020-2021"]  # libraries' school years, as before
    network = tables.network.set_index("_row")
    assert network.loc[2, "inhabitants"] == 100000  # thousands dot
    assert network["responded"].tolist() == [True, True, True, False, True, True, True]
    assert pd.isna(network.loc[4, "partners_total"])  # empty = unknown, never 0
    assert pd.isna(tables.partners.set_index("_row").loc[2, "function"])  # general cooperation


def test_the_partners_tables_are_optional(tmp_path):
    tables = load(MINI)
    assert tables.report.problems == []
    assert tables.network.empty
    assert tables.partners.empty
    assert "school_year" in tables.network.columns
    assert "category" in tables.partners.columns
    assert tables.calendar_years() == []


def test_a_partners_table_without_network_is_located(tmp_path):
    folder = mini_with_partners(tmp_path)
    (folder / "network.csv").unlink()
    report = validate_data(folder)
    # every partners row refers to a library-year that is not there
    assert {p.file for p in report.errors} == {"partners.csv"}
    assert len(report.errors) == 19
    the_problem(report, "partners.csv", 2, "library_id",
                "onbekende bibliotheek 'bib-a' in jaar 2022 (niet in network)")


def test_for_year_keeps_one_calendar_year(tmp_path):
    tables = load(mini_with_partners(tmp_path)).for_year("2021")
    assert tables.network["library_id"].tolist() == ["bib-a", "bib-f"]
    assert len(tables.partners) == 3
    assert tables.libraries.empty


def test_a_year_filter_knows_calendar_years(tmp_path):
    folder = mini_with_partners(tmp_path)
    tables = load(folder, years=["2022"])
    assert set(tables.network["school_year"]) == {"2022"}
    assert len(tables.partners) == 16
    with pytest.raises(InputError) as err:
        load(folder, years=["2023"])
    problem = err.value.report.errors[0]
    assert problem.value == "2023"
    assert "network: 2021, 2022" in problem.message


# --------------------------------------------------------------------------- the rules


def test_unknown_category_is_located_with_a_suggestion(tmp_path):
    folder = mini_with_partners(tmp_path)
    set_cells(folder, "partners", {(3, "category"): "gemeentes"})
    problem = only_problem(folder, "partners.csv", 3, "category",
                           "onbekende partnercategorie 'gemeentes'; bedoelt u 'gemeente'?")
    assert problem.value == "gemeentes"
    assert problem.table == "partners"


def test_unknown_function_lists_the_codes(tmp_path):
    folder = mini_with_partners(tmp_path)
    set_cells(folder, "partners", {(3, "function"): "xyz"})
    problem = only_problem(folder, "partners.csv", 3, "function", "onbekende kernfunctie 'xyz'")
    assert "kies uit kennis_informatie, ontwikkeling_educatie" in problem.message


def test_the_configuration_decides_which_codes_are_known(tmp_path):
    folder = mini_with_partners(tmp_path)
    packaged = load_partner_config()
    without_welzijn = PartnerConfig(
        packaged.groups, tuple(c for c in packaged.categories if c.id != "welzijn")
        + (Code("zorg_welzijn", "zorg en welzijn", "sociaal_domein"),), packaged.functions)
    only_problem(folder, "partners.csv", 13, "category", "onbekende partnercategorie 'welzijn'",
                 partners=without_welzijn)


@pytest.mark.parametrize(("values", "first"), [
    (["2022", "bib-a", "gemeente", "lezen_literatuur", "nee"], 3),
    (["2022", "bib-a", "gemeente", "", "nee"], 2),  # an empty function is a key value too
])
def test_duplicate_partners_key(tmp_path, values, first):
    folder = mini_with_partners(tmp_path)
    row = append_row(folder, "partners", values)
    problem = only_problem(folder, "partners.csv", row, "function",
                           f"staat al in rij {first}")
    assert "dubbele sleutel (year, library_id, category, function)" in problem.message
    if not values[3]:
        assert "(2022, bib-a, gemeente, leeg)" in problem.message


def test_duplicate_network_key(tmp_path):
    folder = mini_with_partners(tmp_path)
    row = append_row(folder, "network",
                     ["2021", "bib-f", "Bibliotheek Nieuwstad", "PV27", "", "ja", "", "", ""])
    only_problem(folder, "network.csv", row, "library_id",
                 "dubbele sleutel (year, library_id) = (2021, bib-f): staat al in rij 8")


def test_partners_row_of_a_library_not_in_network_that_year(tmp_path):
    folder = mini_with_partners(tmp_path)
    row = append_row(folder, "partners", ["2021", "bib-b", "gemeente", "", "ja"])
    problem = only_problem(folder, "partners.csv", row, "library_id",
                           "onbekende bibliotheek 'bib-b' in jaar 2021 (niet in network)")
    assert problem.value == "bib-b"


def test_partners_row_of_a_library_that_did_not_respond(tmp_path):
    folder = mini_with_partners(tmp_path)
    row = append_row(folder, "partners", ["2022", "bib-d", "gemeente", "", "ja"])
    problem = only_problem(folder, "partners.csv", row, "cooperates",
                           "bibliotheek 'bib-d' deed in 2022 niet mee aan de vragenlijst "
                           "(network.csv rij 5: responded = nee)")
    assert problem.value == "ja"


def test_network_province_must_exist(tmp_path):
    folder = mini_with_partners(tmp_path)
    set_cells(folder, "network", {(6, "province"): "PV99"})
    only_problem(folder, "network.csv", 6, "province",
                 "onbekende provincie 'PV99' (niet in provinces)")


def test_network_province_other_than_in_libraries_is_a_warning(tmp_path):
    folder = mini_with_partners(tmp_path)
    set_cells(folder, "network", {(7, "province"): "PV27"})  # 2021 bib-a; libraries: PV25
    problem = only_problem(folder, "network.csv", 7, "province",
                           "libraries zet deze bibliotheek in schooljaar 2020-2021 in provincie "
                           "'PV25', network in 2021 in 'PV27'", severity="warning")
    assert problem.value == "PV27"


@pytest.mark.parametrize("year", ["22", "2022-2023", "1850", "3000", "2022.0", "twee"])
def test_year_must_be_a_plausible_calendar_year(tmp_path, year):
    folder = mini_with_partners(tmp_path)
    set_cells(folder, "network", {(8, "year"): year})  # 2021 bib-f
    for row in (19, 20):  # its partners rows, else they would refer to a missing library-year
        set_cells(folder, "partners", {(row, "year"): year})
    report = validate_data(folder)
    the_problem(report, "network.csv", 8, "year", "jaar moet een kalenderjaar van vier cijfers")
    the_problem(report, "partners.csv", 19, "year", "tussen 1990 en 2100")
    assert len(report.problems) == 3, report.text()


@pytest.mark.parametrize(("table", "row", "column", "value", "fragment"), [
    ("network", 2, "partners_total", "-3", "aantal mag niet negatief zijn"),
    ("network", 2, "partners_total", "1,5", "komma is niet toegestaan in een geheel getal"),
    ("network", 2, "inhabitants", "veel", "geen geldig geheel getal"),
    ("network", 3, "responded", "misschien", "geen geldige ja/nee-waarde"),
    ("network", 3, "responded", "", "verplichte waarde ontbreekt"),
    ("network", 3, "shares_housing", "soms", "geen geldige ja/nee-waarde"),
    ("network", 3, "library_name", "", "verplichte waarde ontbreekt"),
    ("partners", 4, "cooperates", "x", "geen geldige ja/nee-waarde"),
    ("partners", 4, "cooperates", "", "verplichte waarde ontbreekt"),
    ("partners", 4, "category", "", "verplichte waarde ontbreekt"),
])
def test_cells_are_checked_as_in_the_other_tables(tmp_path, table, row, column, value,
                                                  fragment):
    folder = mini_with_partners(tmp_path)
    set_cells(folder, table, {(row, column): value})
    problem = only_problem(folder, f"{table}.csv", row, column, fragment)
    assert problem.value == value


def test_ids_follow_the_id_pattern(tmp_path):
    folder = mini_with_partners(tmp_path)
    set_cells(folder, "partners", {(5, "function"): "../etc"})
    report = validate_data(folder)
    assert [(p.file, p.row, p.column) for p in report.errors] == [("partners.csv", 5, "function")]


def test_every_problem_at_once(tmp_path):
    folder = mini_with_partners(tmp_path)
    set_cells(folder, "network", {(2, "partners_total"): "-1", (3, "year"): "20222"})
    set_cells(folder, "partners", {(4, "category"): "bieb", (6, "function"): "lezen"})
    append_row(folder, "partners", ["2022", "bib-d", "zorg", "", "nee"])
    report = validate_data(folder)
    assert [(p.file, p.row, p.column) for p in report.errors] == [
        ("network.csv", 2, "partners_total"), ("network.csv", 3, "year"),
        ("partners.csv", 4, "category"), ("partners.csv", 6, "function"),
        ("partners.csv", 21, "cooperates")]


# --------------------------------------------------------------------------- other forms


def test_a_workbook_names_its_sheet(tmp_path):
    folder = mini_with_partners(tmp_path)
    set_cells(folder, "partners", {(3, "category"): "gemeentes"})
    book = openpyxl.Workbook()
    book.remove(book.active)
    for path in sorted(folder.glob("*.csv")):
        sheet = book.create_sheet(path.stem)
        with path.open(encoding="utf-8", newline="") as fh:
            for rec in csv.reader(fh):
                sheet.append(rec)
    book.save(tmp_path / "monitor.xlsx")
    report = validate_data(tmp_path / "monitor.xlsx")
    assert len(report.problems) == 1, report.text()
    problem = the_problem(report, "monitor.xlsx", 3, "category", "onbekende partnercategorie")
    assert problem.sheet == "partners"


def test_dutch_excel_csv_reads_the_same(tmp_path):
    folder = mini_with_partners(tmp_path)
    for table in ("network", "partners"):
        path = folder / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        path.write_bytes(out.getvalue().encode("cp1252"))
    tables = load(folder)
    expected = load(mini_with_partners(tmp_path / "plain"))
    assert not tables.report.errors, tables.report.text()
    for name in ("network", "partners"):
        pd.testing.assert_frame_equal(getattr(tables, name).drop(columns="_file"),
                                      getattr(expected, name).drop(columns="_file"))


def test_a_column_mapping_renames_network_columns(tmp_path):
    folder = mini_with_partners(tmp_path)
    path = folder / "network.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("year,", "Jaar,", 1).replace(",responded,", ",Deelname,", 1),
                    encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text('network:\n  year: "Jaar"\n  responded: "Deelname"\n', encoding="utf-8")
    tables = load(folder, mapping)
    assert tables.report.problems == []
    assert tables.network["responded"].tolist()[:4] == [True, True, True, False]


def test_skip_bad_rows_drops_the_rows_of_a_skipped_network_row(tmp_path):
    folder = mini_with_partners(tmp_path)
    set_cells(folder, "network", {(8, "responded"): "misschien"})  # 2021 bib-f
    row = append_row(folder, "partners", ["2022", "bib-d", "zorg", "", "ja"])
    tables = load(folder, skip_bad_rows=True)
    assert "bib-f" not in set(tables.network["library_id"])
    assert len(tables.partners) == 17  # bib-f's two rows and the bib-d row are gone
    skipped = [(p.file, p.row) for p in tables.report.warnings]
    assert skipped == [("network.csv", 8), ("partners.csv", row), ("partners.csv", 19),
                       ("partners.csv", 20)]


@pytest.mark.parametrize(("column", "value", "most"), [
    ("partners_total", "99999999999999999", "10.000"),
    ("partners_total", "10.001", "10.000"),
    ("inhabitants", "20.000.001", "20.000.000"),
])
def test_an_implausible_network_count_is_located(tmp_path, column, value, most):
    folder = mini_with_partners(tmp_path)
    set_cells(folder, "network", {(2, column): value})
    problem = only_problem(folder, "network.csv", 2, column,
                           f"aantal is onwaarschijnlijk groot (hoogstens {most})")
    assert problem.value == value.replace(".", "")


def test_the_largest_plausible_partners_total_is_accepted(tmp_path):
    folder = mini_with_partners(tmp_path)
    set_cells(folder, "network", {(2, "partners_total"): "10.000"})
    assert validate_data(folder).problems == []
