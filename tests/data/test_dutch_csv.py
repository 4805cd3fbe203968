"""Dutch Excel CSV (csvtext.py): semicolons and Windows-1252, as Excel's default "CSV (gescheiden
door lijstscheidingsteken)" writes them, are read with one located warning each and give the same
figures as the canonical UTF-8 comma files; an encoding or delimiter that cannot be told apart is
an error that says so."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from minidata import copy_mini

from infographics.data.indicators import load_indicators
from infographics.data.measure import measure
from infographics.data.read import load
from infographics.data.validate import validate_data
from infographics.errors import Problem, Report

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
MINI = ROOT / "tests" / "fixtures" / "mini"


def excel_csv(source: Path, target: Path, delimiter: str = ";", encoding: str = "cp1252",
              bom: bool = False) -> Path:
    """Every CSV of `source` as Dutch Excel saves it: `delimiter`, `encoding`, CRLF, quotes only
    where needed (so decimal commas stand bare in a semicolon file)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        data = out.getvalue().encode(encoding)
        (target / path.name).write_bytes(b"\xef\xbb\xbf" + data if bom else data)
    return target


def problems_at(report: Report, file: str, fragment: str) -> list[Problem]:
    return [p for p in report.problems if p.file == file and fragment in p.message]


@pytest.fixture(scope="module")
def sample_figures() -> pd.DataFrame:
    return measure(load(SAMPLE), load_indicators()).export()


# --------------------------------------------------------------------------- the whole sample


def test_sample_as_dutch_excel_csv_gives_the_same_figures(tmp_path, sample_figures):
    folder = excel_csv(SAMPLE, tmp_path / "excel")
    assert "Frysl\xe2n".encode("cp1252") in (folder / "provinces.csv").read_bytes()
    report = validate_data(folder)
    assert report.errors == [], report.text()
    expected = 0
    for path in sorted(folder.glob("*.csv")):
        # one warning for the semicolons; one for the encoding where there is non-ASCII text
        assert len(problems_at(report, path.name, "puntkomma")) == 1, report.text()
        non_ascii = any(b > 0x7F for b in path.read_bytes())
        assert len(problems_at(report, path.name, "Windows-1252")) == int(non_ascii)
        expected += 1 + non_ascii
    assert expected >= 5 + 4  # every table, and at least provinces, pois, libraries, contacts
    assert len(report.problems) == expected, report.text()  # and no other problem

    tables = load(folder)
    assert "Fryslân" in tables.provinces["province_name"].tolist()
    assert "Bibliotheek Klaverlân en Fryslân" in tables.libraries["library_name"].tolist()
    assert {"Anouk Çelik", "Esther Sánchez"} <= set(tables.contacts["name"])
    figures = measure(tables, load_indicators()).export()
    pd.testing.assert_frame_equal(figures, sample_figures)


def test_encoding_warning_names_file_line_and_text(tmp_path):
    folder = excel_csv(SAMPLE, tmp_path / "excel", delimiter=",")
    report = validate_data(folder)
    (problem,) = problems_at(report, "provinces.csv", "Windows-1252")
    assert problem.severity == "warning"
    assert problem.row == 3  # PV21,Fryslân,...
    assert "Fryslân" in problem.value
    assert [p.file for p in report.problems] == [  # the files with non-ASCII text, in the
        "provinces.csv", "pois.csv", "libraries.csv", "contacts.csv",  # order they are read
        "network.csv"]  # (partners.csv and school_locations.csv are plain ASCII)


def test_semicolons_in_utf8_with_bom(tmp_path):
    folder = excel_csv(SAMPLE, tmp_path / "excel", encoding="utf-8", bom=True)
    report = validate_data(folder)
    tables = sorted(p.name for p in folder.glob("*.csv"))
    assert {"provinces.csv", "libraries.csv", "network.csv", "partners.csv"} <= set(tables)
    assert {(p.file, p.row, p.value, p.severity) for p in report.problems} == {
        (t, 1, ";", "warning") for t in tables}
    assert len(report.problems) == len(tables)


# --------------------------------------------------------------------------- decimal commas


def test_decimal_commas_stand_bare_in_a_semicolon_file(tmp_path):
    folder = excel_csv(MINI, tmp_path / "excel")
    text = (folder / "school_locations.csv").read_bytes().decode("cp1252")
    assert ";1,5;1;1;1;1;1;1\r\n" in text  # Excel writes no quotes around 1,5 here
    path = folder / "school_locations.csv"
    path.write_bytes(text.replace(";1,5;", ";37,5;").encode("cp1252"))
    checked = validate_data(folder)
    errors = [(p.row, p.column, p.value) for p in checked.errors]
    assert errors == [(4, "points_network_policy", "37,5")]  # above its maximum 6: read as 37.5
    path.write_bytes(text.replace("vo;ja;3;3;3;3;3;3;", "vo;ja;3;2,75;3;3;3;3;")
                     .encode("cp1252"))
    tables = load(folder)
    points = tables.school_locations.set_index("location_id")
    assert points.loc["01AB00", "points_network_policy"] == 1.5
    assert points.loc["03DA00", "points_expertise"] == 2.75
    reference = load(MINI)
    assert tables.libraries.drop(columns="_file").equals(
        reference.libraries.drop(columns="_file"))  # 100.000 stays a hundred thousand


def test_mini_as_dutch_excel_csv_gives_identical_tables(tmp_path):
    tables = load(excel_csv(MINI, tmp_path / "excel"))
    reference = load(MINI)
    for name in ("provinces", "pois", "libraries", "school_locations", "contacts"):
        pd.testing.assert_frame_equal(getattr(tables, name), getattr(reference, name))


# --------------------------------------------------------------------------- what is not guessed




def the_error(folder: Path, file: str, row: int, fragment: str) -> Problem:
    report = validate_data(folder)
    found = [p for p in report.errors if (p.file, p.row) == (file, row) and fragment in p.message]
    assert len(found) == 1, report.text()
    return found[0]


def test_header_that_splits_on_both_delimiters_is_ambiguous(tmp_path):
    folder = copy_mini(tmp_path)
    (folder / "provinces.csv").write_text(
        "province;province_name,poi_id\nPV23;Overijssel,rijnbrink\nPV25;Gelderland,rijnbrink\n")
    problem = the_error(folder, "provinces.csv", 1, "niet eenduidig")
    assert "',' (2 kolommen)" in problem.message
    assert "';' (2 kolommen)" in problem.message


def test_header_with_both_is_decided_by_the_rows(tmp_path):
    """A semicolon file with an export column name that holds a comma (Excel does not quote
    it): only ';' gives every row the header's width."""
    folder = copy_mini(tmp_path)
    (folder / "pois.csv").write_text(
        "poi_id;poi_name;Opmerking, intern\nrijnbrink;Rijnbrink;x\nprobiblio;ProBiblio;\n")
    report = validate_data(folder)
    assert [(p.row, p.column, p.severity) for p in report.problems] == [
        (1, "", "warning"), (1, "Opmerking, intern", "warning")]
    assert load(folder).pois["poi_name"].tolist() == ["Rijnbrink", "ProBiblio"]


def test_a_stray_nul_in_windows_1252_is_located_at_its_cell(tmp_path):
    folder = copy_mini(tmp_path)
    (folder / "provinces.csv").write_bytes(
        b"province,province_name,poi_id\nPV23,Over\x00ijssel,rijnbrink\n"
        b"PV25,Gelderl\xe2nd,rijnbrink\nPV27,Noord-Holland,probiblio\n")
    report = validate_data(folder)
    assert [(p.row, p.column, p.severity) for p in report.problems] == [
        (2, "province_name", "error"), (3, "", "warning")]


def test_mixed_utf8_and_windows_1252_is_an_error(tmp_path):
    folder = copy_mini(tmp_path)
    (folder / "provinces.csv").write_bytes(
        "province,province_name,poi_id\nPV23,Overijssel,rijnbrink\nPV25,Gelderlân,rijnbrink\n"
        .encode() + "PV27,Fryslân,probiblio\n".encode("cp1252"))
    problem = the_error(folder, "provinces.csv", 4, "gemengde codering")
    assert "regel 3 is UTF-8" in problem.message


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("province,province_name,poi_id\nPV23,Overijssel,x\n".encode("utf-16"), "UTF-16"),
        ("province,province_name,poi_id\nPV23,Overijssel,x\n".encode("utf-16-le"), "nul-bytes"),
        (b"PK\x03\x04\x14\x00\x00\x00", "zip-bestand"),
    ],
)
def test_not_csv_text_is_an_error(tmp_path, data, fragment):
    folder = copy_mini(tmp_path)
    (folder / "provinces.csv").write_bytes(data)
    report = validate_data(folder)
    assert any(p.file == "provinces.csv" and fragment in p.message for p in report.errors), \
        report.text()
