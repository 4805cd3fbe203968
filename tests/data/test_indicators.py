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


# --------------------------------------------------------------------------- means and templates

PARTNERS_HEAD = HEAD + '  partners: {table: network, where: "responded"}\n'


def test_a_mean_is_a_value_over_a_column(tmp_path):
    path = write(tmp_path, PARTNERS_HEAD + "indicators:\n  m:\n    label: M\n"
                 "    population: partners\n    value: mean(partners_total)\n")
    mean = load_indicators(path)["m"]
    assert mean.is_mean
    assert not mean.is_share
    rows = pd.DataFrame({"partners_total": pd.array([4, None, 8], dtype="Int64")})
    assert mean.numerator.contributions(rows).tolist()[::2] == [4.0, 8.0]
    assert pd.isna(mean.numerator.contributions(rows).iloc[1])  # unknown: not counted in N


@pytest.mark.parametrize(("spec", "message"), [
    ("    value: mean(nope)\n", "x.value: onbekende kolom 'nope'"),
    ("    numerator: mean(partners_total)\n    denominator: count()\n",
     "x: mean(kolom) kan alleen als 'value', niet in een aandeel"),
])
def test_a_wrong_mean_is_named(tmp_path, spec, message):
    text = PARTNERS_HEAD + "indicators:\n  x:\n    label: X\n    population: partners\n" + spec
    assert message in error_of(tmp_path, text)


def test_network_conditions_know_the_pivot_columns(tmp_path):
    path = write(tmp_path, PARTNERS_HEAD + "indicators:\n  x:\n    label: X\n"
                 "    population: partners\n    numerator: count(grp_overheid and "
                 "cat_gemeente__lezen_literatuur)\n    denominator: count()\n")
    assert load_indicators(path)["x"].numerator.columns == {
        "grp_overheid", "cat_gemeente__lezen_literatuur"}
    assert "onbekende kolom 'cat_bieb'" in error_of(
        tmp_path, PARTNERS_HEAD.replace('"responded"', '"cat_bieb"') + "indicators: {}\n")


TEMPLATE = """\
indicators: {}
templates:
  share_{id}:
    over: groups
    label: "deel {label}"
    population: partners
    numerator: count(grp_{id})
    denominator: count()
"""


def test_a_template_gives_one_indicator_per_code(tmp_path):
    items = load_indicators(write(tmp_path, PARTNERS_HEAD + TEMPLATE)).items
    groups = ["overheid", "onderwijs", "basisvaardigheden", "sociaal_domein", "cultuur",
              "commercieel"]
    assert [k for k in items if k.startswith("share_")] == [f"share_{g}" for g in groups]
    assert items["share_sociaal_domein"].label == "deel sociaal domein"
    assert items["share_cultuur"].numerator.columns == {"grp_cultuur"}
    assert items["share_cultuur"].is_share


def test_a_pair_template_names_category_and_function(tmp_path):
    text = PARTNERS_HEAD + TEMPLATE.replace("share_{id}", "pair_{category}__{function}").replace(
        "groups", "category_functions").replace("grp_{id}", "cat_{id}")
    items = load_indicators(write(tmp_path, text)).items
    pairs = [k for k in items if k.startswith("pair_")]
    assert len(pairs) == 14 * 5
    assert items["pair_gemeente__lezen_literatuur"].label == (
        "deel gemeente (voor lezen en literatuur)")


@pytest.mark.parametrize(("change", "message"), [
    (("share_{id}", "share"), "templates.share: de id van een sjabloon moet {id} bevatten"),
    (("grp_{id}", "grp_{id}_x"), "onbekende kolom 'grp_overheid_x' in 'grp_overheid_x' "
                                 "(uitgewerkt voor 'overheid')"),
    (("over: groups", "over: kinds"), "templates.share_{id}.over: onbekende waarde 'kinds'"),
    (("indicators: {}", "indicators:\n  share_cultuur: {label: c, population: partners, "
                        "value: count()}"), "indicator 'share_cultuur' bestaat al"),
])
def test_a_wrong_template_is_named(tmp_path, change, message):
    text = PARTNERS_HEAD + TEMPLATE.replace(*change)
    assert message in error_of(tmp_path, text)


def test_the_packaged_partners_indicators(tmp_path):
    items = load_indicators().items
    partners = [k for k in items if k.startswith("partners_")]
    assert len(partners) == 4 + 14 + 6 + 5 + 14 * 5
    assert {"partners_libraries", "partners_mean", "partners_share_mfa",
            "partners_share_commercial", "partners_share_grp_basisvaardigheden",
            "partners_share_fn_ontmoeting_debat", "partners_share_cat_lezen_schrijven",
            "partners_share_cat_hbo_wo__kunst_cultuur"} <= set(partners)
    assert [k for k in items if items[k].is_mean] == ["partners_mean"]
    assert all(items[k].population.table == "network" for k in partners)
