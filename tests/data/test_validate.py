"""Tests for rules.py (run through validate.py): the cross-row and cross-table rules of the
data contract, each on a bad-input fixture or a one-cell change of the mini dataset, asserting
file, row, column and message; and that the bundled sample data passes."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from pathlib import Path

import pytest
from minidata import append_row, copy_mini, only_problem, set_cells, the_problem

from infographics.data.checklist import load_checklist
from infographics.data.read import load
from infographics.data.rules import valid_email
from infographics.data.validate import validate_data

FIXTURES = Path(__file__).parents[1] / "fixtures"
MINI = FIXTURES / "mini"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"












# --------------------------------------------------------------------------- all at once


def test_three_errors_in_one_file_give_three_problems():
    report = validate_data(FIXTURES / "three_errors")
    assert len(report.problems) == 3, report.text()
    the_problem(report, "libraries.csv", 2, "inhabitants", "komma is niet toegestaan")
    the_problem(report, "libraries.csv", 3, "responded_po", "geen geldige ja/nee-waarde")
    problem = the_problem(report, "libraries.csv", 4, "province",
                          "onbekende provincie 'PV99' (niet in provinces)")
    assert (problem.value, problem.table) == ("PV99", "libraries")


def test_problems_of_all_tables_are_reported_together(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "provinces", {(2, "poi_id"): "onbekend"})
    set_cells(folder, "libraries", {(5, "po_locations_reading"): "12"})
    set_cells(folder, "school_locations", {(5, "points_expertise"): "-1"})
    set_cells(folder, "contacts", {(5, "email"): "piet.bos@"})
    report = validate_data(folder)
    assert [(p.file, p.row, p.column) for p in report.errors] == [
        ("provinces.csv", 2, "poi_id"),
        ("libraries.csv", 5, "po_locations_reading"),
        ("school_locations.csv", 5, "points_expertise"),
        ("contacts.csv", 5, "email"),
    ]


def test_mini_fixture_is_clean():
    assert validate_data(MINI).problems == []


# --------------------------------------------------------------------------- keys


def test_duplicate_key_names_the_first_row(tmp_path):
    folder = copy_mini(tmp_path)
    with (folder / "libraries.csv").open(encoding="utf-8") as fh:
        bib_a = fh.read().splitlines()[3]  # spreadsheet row 4: 2020-2021, bib-a
    append_row(folder, "libraries", next(csv.reader([bib_a])))
    problem = only_problem(folder, "libraries.csv", 9, "library_id", "staat al in rij 4")
    assert "dubbele sleutel (school_year, library_id) = (2020-2021, bib-a)" in problem.message


def test_same_library_in_another_year_is_no_duplicate():
    tables = load(MINI)
    assert tables.libraries["library_id"].value_counts()["bib-a"] == 2


def test_duplicate_single_key(tmp_path):
    folder = copy_mini(tmp_path)
    append_row(folder, "pois", ["rijnbrink", "Rijnbrink (dubbel)"])
    only_problem(folder, "pois.csv", 4, "poi_id", "staat al in rij 2")


# --------------------------------------------------------------------------- references


def test_unknown_province(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(6, "province"): "PV99"})
    only_problem(folder, "libraries.csv", 6, "province",
                 "onbekende provincie 'PV99' (niet in provinces)")


def test_unknown_poi_of_a_province(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "provinces", {(3, "poi_id"): "cubiss"})
    only_problem(folder, "provinces.csv", 3, "poi_id", "onbekende POI 'cubiss' (niet in pois)")


def test_school_location_library_must_exist_in_the_same_year(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "school_locations", {(2, "library_id"): "bib-c"})  # a 2019-2020 row
    only_problem(folder, "school_locations.csv", 2, "library_id",
                 "onbekende bibliotheek 'bib-c' in schooljaar 2019-2020 (niet in libraries)")


def test_contact_of_unknown_library_or_poi(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "contacts", {(5, "entity_id"): "bib-z", (9, "entity_id"): "cubiss"})
    report = validate_data(folder)
    assert len(report.problems) == 2
    the_problem(report, "contacts.csv", 5, "entity_id",
                "onbekende bibliotheek 'bib-z' (niet in libraries)")
    the_problem(report, "contacts.csv", 9, "entity_id", "onbekende POI 'cubiss' (niet in pois)")


def test_contact_without_entity_id(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "contacts", {(8, "entity_id"): ""})
    only_problem(folder, "contacts.csv", 8, "entity_id", "verplicht bij entity_type 'poi'")


def test_national_contact_with_entity_id_is_a_warning(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "contacts", {(10, "entity_id"): "kb"})
    only_problem(folder, "contacts.csv", 10, "entity_id", "genegeerd", severity="warning")
    assert load(folder).report.warnings[0].value == "kb"


def test_unknown_entity_type(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "contacts", {(10, "entity_type"): "landelijk"})
    only_problem(folder, "contacts.csv", 10, "entity_type", "kies uit library, poi, national")


# --------------------------------------------------------------------------- counts


def test_negative_count(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(7, "children_4_12"): "-16.000"})
    problem = only_problem(folder, "libraries.csv", 7, "children_4_12", "niet negatief")
    assert problem.value == "-16000"


def test_part_greater_than_whole(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(5, "po_locations_reading"): "12"})  # bib-b: cooperating 10
    problem = only_problem(
        folder, "libraries.csv", 5, "po_locations_reading",
        "deel groter dan geheel: po_locations_reading (12) > po_locations_cooperating (10)")
    assert problem.value == "12"


@pytest.mark.parametrize(
    ("row", "part", "value", "whole"),
    [(6, "po_locations_cooperating", "61", "po_locations_in_area (60)"),
     (6, "active_members_4_12", "9.001", "members_4_12 (9000)"),
     (6, "vo_locations_signed", "7", "vo_locations_cooperating (6)"),
     (6, "vo_locations_cooperating", "13", "vo_locations_in_area (12)"),
     (6, "po_locations_media_plan", "61", "po_locations_in_area (60)")],
)
def test_other_parts_and_wholes(tmp_path, row, part, value, whole):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(row, part): value})
    report = validate_data(folder)
    the_problem(report, "libraries.csv", row, part, f"> {whole}")


def test_part_with_unknown_whole_is_not_checked(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(8, "active_members_4_12"): "7.000"})  # members unknown
    assert validate_data(folder).problems == []


def test_known_parts_adding_up_to_more_than_the_whole(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(5, "po_comparable_locations"): "21"})  # bib-b: 20 in area
    only_problem(folder, "libraries.csv", 5, "po_dbos_locations",
                 "som groter dan geheel: po_dbos_locations + po_comparable_locations "
                 "(0 + 21 = 21) > po_locations_in_area (20)")


def test_sum_over_whole_with_an_unknown_part(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(7, "po_dbos_locations"): "71"})  # bib-d: comparable empty
    only_problem(folder, "libraries.csv", 7, "po_dbos_locations",
                 "(71 + onbekend = 71) > po_locations_in_area (70)")


def test_programme_counts_when_the_programme_is_nee(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(5, "po_dbos_locations"): "5", (5, "po_dbos_pupils"): "",
                                    (4, "po_comparable_pupils"): "300"})
    report = validate_data(folder)
    assert len(report.problems) == 2, report.text()
    the_problem(report, "libraries.csv", 5, "po_dbos_locations",
                "po_dbos is nee, maar po_dbos_locations is 5 (moet leeg of 0 zijn)")
    the_problem(report, "libraries.csv", 4, "po_comparable_pupils",
                "po_comparable is nee, maar po_comparable_pupils is 300")


# --------------------------------------------------------------------------- checklist points


def test_points_above_the_block_maximum(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "school_locations", {(5, "points_collection"): "6,5",
                                           (6, "points_digital"): "-1"})
    report = validate_data(folder)
    assert len(report.problems) == 2, report.text()
    problem = the_problem(report, "school_locations.csv", 5, "points_collection",
                          "meer punten dan het maximum van bouwsteen 'Collectie': 6,5 > 6")
    assert problem.value == "6,5"
    the_problem(report, "school_locations.csv", 6, "points_digital", "niet negatief")


def test_points_maximum_comes_from_the_checklist(tmp_path):
    default = load_checklist()
    strict = dataclasses.replace(default, blocks=tuple(
        dataclasses.replace(b, max=2) if b.column == "points_expertise" else b
        for b in default.blocks))
    report = validate_data(MINI, checklist=strict)
    rows = [p.row for p in report.errors]
    assert rows == [3, 5, 7]  # points_expertise 3, 6 and 3
    the_problem(report, "school_locations.csv", 5, "points_expertise", "6 > 2")


# --------------------------------------------------------------------------- e-mail


@pytest.mark.parametrize(
    "address",
    ["a.smit@bibliotheekhaarlem.nl", "j.de-wit+po@bibliotheek-ede.nl", "info@bieb.fryslân.nl",
     "X@sub.domain.example.org"],
)
def test_valid_email(address):
    assert valid_email(address)


@pytest.mark.parametrize(
    "address",
    ["piet.bos", "piet@@bieb.nl", "piet bos@bieb.nl", "piet@bieb", "piet@bieb.", "@bieb.nl",
     "Piet <piet@bieb.nl>", "piet@bieb.nl, an@bieb.nl", "piet@-bieb.nl", "piet@bieb.n1"],
)
def test_invalid_email(address):
    assert not valid_email(address)


def test_invalid_email_is_located(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "contacts", {(6, "email"): "a.smit@bibliotheekhaarlem"})
    problem = only_problem(folder, "contacts.csv", 6, "email", "ongeldig e-mailadres")
    assert problem.value == "a.smit@bibliotheekhaarlem"


def test_one_address_for_two_libraries_is_a_warning(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "contacts", {(5, "email"): "F.Jansen@bibliotheekarnhem.nl"})
    problem = only_problem(folder, "contacts.csv", 5, "email", "meer dan één bibliotheek",
                           severity="warning")
    assert "bib-a, bib-c (rijen 2, 5)" in problem.message


# --------------------------------------------------------------------------- the sample data


@pytest.mark.skipif(not (SAMPLE / "libraries.csv").is_file(), reason="no sample data yet")
def test_sample_data_has_no_errors():
    report = validate_data(SAMPLE)
    assert report.errors == [], report.text()


def test_validate_data_is_also_reachable_from_this_module():
    from infographics.data import validate

    assert validate.validate_data(MINI).problems == []
    assert validate.validate_data(str(FIXTURES / "three_errors")).summary() == (
        "3 fout(en), 0 waarschuwing(en)")


# --------------------------------------------------------------------------- successor_of
# mini libraries: rows 2-3 are 2019-2020 (bib-a, bib-d), rows 4-8 2020-2021 (bib-a to bib-e)


def test_a_merger_continues_libraries_of_an_earlier_school_year(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(5, "successor_of"): "bib-a; bib-d"})
    assert validate_data(folder).problems == []
    assert load(folder).libraries["successor_of"].dropna().tolist() == ["bib-a;bib-d"]


def test_a_merger_may_continue_an_organisation_of_network_only(tmp_path):
    # network 2019 is school year 2018-2019, before 2020-2021; network 2021 is not
    folder = copy_mini(tmp_path)
    shutil.copy(FIXTURES / "partners" / "network.csv", folder)
    append_row(folder, "network", ["2019", "bib-z", "Bibliotheek Oud", "PV25", "", "nee", "",
                                   "", ""])
    set_cells(folder, "libraries", {(8, "successor_of"): "bib-z"})
    assert validate_data(folder).problems == []
    set_cells(folder, "libraries", {(8, "successor_of"): "bib-f"})
    only_problem(folder, "libraries.csv", 8, "successor_of",
                 "'bib-f' bestaat pas vanaf schooljaar 2020-2021, niet in een schooljaar vóór "
                 "2020-2021")


@pytest.mark.parametrize(("value", "fragment"), [
    ("bib-b", "bibliotheek 'bib-b' kan zichzelf niet voortzetten"),
    ("bib-a;bib-x", "onbekende bibliotheek 'bib-x' (niet in libraries of network)"),
    ("bib-c", "'bib-c' bestaat pas vanaf schooljaar 2020-2021"),
    ("<b>bib-a</b>", "id '<b>bib-a</b>': ongeldige id"),
    ("bib-a;bib-\U0001F600", "id 'bib-\U0001F600': ongeldige id"),
    ("../bib-a", "een id is een gegeven, geen pad"),
    ("bib-a;bib-a", "id 'bib-a' staat er twee keer"),
    (";".join(f"bib-{i}" for i in range(139)), "te veel ids: 139 (maximaal 10)"),
    (" ; ", "geen id"),
])
def test_a_wrong_successor_is_located(tmp_path, value, fragment):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(5, "successor_of"): value})
    problem = only_problem(folder, "libraries.csv", 5, "successor_of", fragment)
    assert problem.value == value.strip() or problem.value.startswith(value[:50])


def test_successors_in_a_cycle_are_located(tmp_path):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(4, "successor_of"): "bib-d", (7, "successor_of"): "bib-a"})
    report = validate_data(folder)
    assert len(report.problems) == 2, report.text()
    the_problem(report, "libraries.csv", 4, "successor_of", "kring: bib-a → bib-d → bib-a")
    the_problem(report, "libraries.csv", 7, "successor_of", "kring: bib-d → bib-a → bib-d")


def test_the_sample_lineage_validates():
    assert validate_data(SAMPLE).errors == []


@pytest.mark.parametrize(("column", "value", "most"), [
    ("inhabitants", "99999999999999999", "20.000.000"),
    ("po_locations_in_area", "10.001", "10.000"),
    ("children_4_12", "5.000.001", "5.000.000"),
])
def test_an_implausible_library_count_is_located(tmp_path, column, value, most):
    folder = copy_mini(tmp_path)
    set_cells(folder, "libraries", {(7, column): value})
    report = validate_data(folder)
    the_problem(report, "libraries.csv", 7, column,
                f"aantal is onwaarschijnlijk groot (hoogstens {most})")
