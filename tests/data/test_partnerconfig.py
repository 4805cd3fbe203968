"""Tests for partnerconfig.py: the packaged partners.yaml has the contract's categories, groups
and core functions, and every mistake in a partner file names file:line: key."""

from __future__ import annotations

from pathlib import Path

import pytest

from infographics.data.partnerconfig import DEFAULT_PATH, load_partner_config
from infographics.errors import ConfigError

GOOD = """\
groups:
  - {id: overheid, label: overheid}
  - {id: onderwijs, label: onderwijs}
categories:
  - {id: gemeente, label: gemeente, group: overheid}
  - {id: mbo, label: mbo, group: onderwijs}
functions:
  - {id: lezen_literatuur, label: lezen en literatuur}
"""


def error_of(tmp_path: Path, text: str) -> str:
    path = tmp_path / "partners.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_partner_config(path)
    return str(info.value).removeprefix(f"{path}:")


def test_the_packaged_configuration_follows_the_contract():
    config = load_partner_config()
    assert config.category_ids == (
        "gemeente", "provincie_poi", "primair_onderwijs", "voortgezet_onderwijs", "mbo",
        "hbo_wo", "kinderopvang", "taal_cursusaanbieders", "lezen_schrijven", "welzijn",
        "jgz_consultatiebureau", "zorg", "cultuur", "commercieel")
    assert [g.id for g in config.groups] == ["overheid", "onderwijs", "basisvaardigheden",
                                             "sociaal_domein", "cultuur", "commercieel"]
    assert config.function_ids == ("kennis_informatie", "ontwikkeling_educatie",
                                   "lezen_literatuur", "ontmoeting_debat", "kunst_cultuur")
    assert config.members("overheid") == ("gemeente", "provincie_poi")
    assert config.members("basisvaardigheden") == ("taal_cursusaanbieders", "lezen_schrijven")
    assert len(config.columns()) == 14 + 6 + 5 + 70


def test_a_small_file_and_its_columns(tmp_path):
    path = tmp_path / "partners.yaml"
    path.write_text(GOOD, encoding="utf-8")
    config = load_partner_config(path)
    assert config.columns() == (
        "cat_gemeente", "cat_mbo", "grp_overheid", "grp_onderwijs", "fn_lezen_literatuur",
        "cat_gemeente__lezen_literatuur", "cat_mbo__lezen_literatuur")


@pytest.mark.parametrize(("change", "message"), [
    (("group: onderwijs}", "group: school}"),
     "6: categories[1].group: onbekende groep 'school'"),
    (("{id: mbo,", "{id: gemeente,"), "6: categories[1].id: code 'gemeente' staat er twee keer"),
    (("{id: mbo,", "{id: Mbo,"), "6: categories[1].id: ongeldige code 'Mbo'"),
    (("{id: mbo,", "{id: m__bo,"), "ongeldige code 'm__bo'"),
    (("{id: mbo,", "{id: 4mbo,"), "ongeldige code '4mbo'"),
    (("label: mbo,", "label: ' ',"), "6: categories[1].label: label mag niet leeg zijn"),
    (("  - {id: lezen_literatuur, label: lezen en literatuur}\n", "  []\n"),
     "functions: lijst mag niet leeg zijn"),
    (("  - {id: mbo, label: mbo, group: onderwijs}\n", ""),
     "3: groups[1].id: groep zonder categorieën"),
    (("functions:", "colours: []\nfunctions:"), "colours: onbekende sleutel"),
    (("group: overheid}", "}"), "categories[0].group: ontbreekt"),
])
def test_a_wrong_file_names_its_line_and_key(tmp_path, change, message):
    assert message in error_of(tmp_path, GOOD.replace(*change))


def test_the_default_is_packaged():
    assert DEFAULT_PATH.name == "partners.yaml"
    assert DEFAULT_PATH.is_file()


@pytest.mark.parametrize(("change", "message"), [
    (("label: mbo,", "label: 'mbo \U0001F4DA',"),
     "6: categories[1].label: teken '\U0001F4DA' (U+1F4DA) kan het lettertype Lato niet tonen"),
    (("label: lezen en literatuur}", "label: \"lezen\\u202eliteratuur\"}"),
     "8: functions[0].label: tekenrichtingsteken U+202E"),
    (("{id: overheid, label: overheid}", "{id: overheid, label: \"over\\nheid\"}"),
     "2: groups[0].label: regeleinde in de tekst"),
])
def test_a_label_the_pages_cannot_draw_names_its_line(tmp_path, change, message):
    assert message in error_of(tmp_path, GOOD.replace(*change))


def test_a_label_is_taken_as_it_is_shown(tmp_path):
    path = tmp_path / "partners.yaml"
    path.write_text(GOOD.replace("label: mbo,", "label: \"mbo\\u200b\","), encoding="utf-8")
    assert load_partner_config(path).categories[1].label == "mbo"
