"""Tests for indicators.py: a wrong indicator file names file:line: key, conditions allow only
columns, comparisons and and/or/not and are unknown where a value they need is unknown, and the
star-checklist indicators are generated from the checklist."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from infographics.data.checklist import load_checklist
from infographics.data.indicators import load_indicators
from infographics.errors import ConfigError

HEAD = """\
size_classes:
  - {id: klein, label: klein, upper: 30000}
  - {id: groot, label: groot}
populations:
  po: {table: libraries, where: "responded_po"}
  vo_schools: {table: school_locations, where: "sector == 'vo'"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_indicators(write(tmp_path, text))
    return str(info.value)


def indicator(spec: str) -> str:
    return HEAD + "indicators:\n  x:\n    label: X\n    population: po\n" + spec


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("nope > 0", "onbekende kolom 'nope' in 'nope > 0'"),
        ("responded_po and (", "ongeldige voorwaarde 'responded_po and ('"),
        ("po_dbos_pupils + 1", "voorwaarde 'po_dbos_pupils + 1' niet toegestaan"),
        ("0 < po_dbos_pupils", "voorwaarde '0 < po_dbos_pupils' niet toegestaan"),
        ("0 < po_dbos_pupils < 9", "niet toegestaan"),
        ("-po_dbos_pupils", "niet toegestaan"),
        ("not nope", "onbekende kolom 'nope'"),
        ("po_dbos == nope", "onbekende kolom 'nope'"),
    ],
)
def test_a_wrong_population_condition_names_its_line(tmp_path, where, message):
    text = HEAD.replace('"responded_po"', f'"{where}"') + "indicators: {}\n"
    assert error_of(tmp_path, text).startswith(
        f"{tmp_path / 'indicators.yaml'}:5: populations.po.where: ")
    assert message in error_of(tmp_path, text)


@pytest.mark.parametrize(
    ("spec", "where", "message"),
    [
        ("    value: avg(inhabitants)\n", "x.value",
         "verwacht sum(kolom), count(voorwaarde), count() of mean(kolom), niet 'avg(inhabitants)'"),
        ("    value: sum(nope)\n", "x.value", "onbekende kolom 'nope'"),
        ("    value: count(nope)\n", "x.value", "onbekende kolom 'nope' in 'nope'"),
        ("    numerator: count()\n", "x", "een aandeel heeft zowel 'numerator' als 'denominator'"),
        ("    value: count()\n    numerator: count()\n    denominator: count()\n", "x",
         "geef 'value' of 'numerator' en 'denominator'"),
        ("", "x", "geef 'value' of 'numerator' en 'denominator'"),
        ("    numerator: count()\n    denominator: sum(nope)\n", "x.denominator",
         "onbekende kolom 'nope'"),
    ],
)
def test_a_wrong_indicator_names_its_key(tmp_path, spec, where, message):
    assert f": indicators.{where}: {message}" in error_of(tmp_path, indicator(spec))


def test_an_unknown_population_is_named(tmp_path):
    text = indicator("    value: count()\n").replace("population: po", "population: zz")
    assert "indicators.x.population: onbekende populatie 'zz'" in error_of(tmp_path, text)


def test_conditions_are_unknown_where_a_value_is_unknown(tmp_path):
    text = indicator("    value: count(po_dbos_pupils > po_dbos_locations or not po_dbos)\n")
    condition = load_indicators(write(tmp_path, text))["x"].numerator.condition
    assert condition is not None
    assert condition.columns == {"po_dbos_pupils", "po_dbos_locations", "po_dbos"}
    frame = pd.DataFrame({
        "po_dbos_pupils": pd.array([5, None, 1, 1], dtype="Int64"),
        "po_dbos_locations": pd.array([1, 1, None, 3], dtype="Int64"),
        "po_dbos": pd.array([True, True, True, None], dtype="boolean"),
    })
    # true or x is true; false or unknown is unknown; unknown > 1 is unknown
    assert condition.evaluate(frame).tolist() == [True, pd.NA, pd.NA, pd.NA]


def test_comparisons_with_constants_and_text(tmp_path):
    text = indicator("    value: count(inhabitants >= 30000 and library_name != 'B')\n")
    condition = load_indicators(write(tmp_path, text))["x"].numerator.condition
    assert condition is not None
    frame = pd.DataFrame({
        "inhabitants": pd.array([30000, 29999, None, 40000], dtype="Int64"),
        "library_name": ["A", "A", "A", "B"],
    })
    assert condition.evaluate(frame).tolist() == [True, False, pd.NA, False]


def test_star_indicators_follow_the_checklist(tmp_path):
    indicators = load_indicators(write(tmp_path, HEAD + "indicators: {}\n"))
    checklist = load_checklist()
    stars = sorted({b.stars for b in checklist.bands})
    assert [f"vo_schools_stars_{n}" in indicators for n in stars] == [True] * len(stars)
    share = indicators["vo_share_schools_stars_1"]
    assert (share.numerator.text, share.denominator and share.denominator.text) == (
        "count(stars == 1)", "count()")
    block = indicators["vo_schools_share_expertise"]
    assert block.numerator.text == "sum(points_expertise)"
    assert block.population.name == "vo_schools"
    assert indicators.size_class_of(29999) == "klein"
    assert indicators.size_class_of(30000) == "groot"
    assert indicators.size_class_of(None) is None
