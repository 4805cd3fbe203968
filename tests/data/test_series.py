"""series.yaml: the packaged breaks name known indicators and the contract's known breaks; a
wrong file is refused naming file, line and key; `break_between` finds a break exactly when a
new method starts after the earlier year and at or before the later one."""

from __future__ import annotations

from pathlib import Path

import pytest

from infographics.data.indicators import load_indicators
from infographics.data.series import load_series
from infographics.errors import ConfigError


@pytest.fixture(scope="module")
def indicators():
    return load_indicators()


@pytest.fixture(scope="module")
def series(indicators):
    return load_series(None, indicators)


def test_the_packaged_breaks_are_the_contracts(series):
    def first_years(indicator):
        return [b.school_year for b in series.breaks_of(indicator)]

    assert first_years("po_share_cooperating") == ["2020-2021", "2022-2023"]
    assert first_years("po_share_members_4_12") == ["2020-2021"]
    assert first_years("vo_share_locations_cooperating") == ["2019-2020"]
    assert first_years("po_libraries") == []
    assert "per schoollocatie" in series.breaks_of("po_share_cooperating")[0].note


def test_the_marks_rule_is_read(series):
    assert (series.marks.confidence, series.marks.min_difference,
            series.marks.min_denominator) == (0.95, 5, 10)


@pytest.mark.parametrize(("earlier", "later", "found"), [
    ("2019-2020", "2020-2021", "2020-2021"),  # the new method starts in the later year
    ("2018-2019", "2020-2021", "2020-2021"),  # ... or between the two
    ("2020-2021", "2021-2022", None),  # both after the first break, before the second
    ("2021-2022", "2022-2023", "2022-2023"),
    ("2022-2023", "2023-2024", None),
])
def test_break_between(series, earlier, later, found):
    brk = series.break_between("po_share_cooperating", earlier, later)
    assert (brk.school_year if brk else None) == found


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "series.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "where", "message"), [
    ("notes: {x: tekst}\nbreaks:\n  po_nothing: {2020-2021: x}\n", ":3: breaks.po_nothing",
     "onbekende indicator 'po_nothing'"),
    ("notes: {x: tekst}\nbreaks:\n  po_libraries: {2020-2021: y}\n",
     ":3: breaks.po_libraries.2020-2021", "onbekende noot 'y'"),
    ("notes: {x: tekst}\nbreaks:\n  po_libraries: {2020-2022: x}\n",
     ":3: breaks.po_libraries.2020-2022", "ongeldig schooljaar"),
    ("marks: {confidence: 1.5}\n", ":1: marks.confidence", ""),
    ("marks: {min_n: 3}\n", ":1: marks.min_n", ""),
])
def test_a_wrong_series_file_names_its_line(tmp_path, indicators, text, where, message):
    with pytest.raises(ConfigError) as err:
        load_series(write(tmp_path, text), indicators)
    assert where in str(err.value)
    assert message in str(err.value)


# --------------------------------------------------------------------------- calendar years


@pytest.mark.parametrize("key", ["2021", "'2021'"])
def test_a_partners_break_is_a_calendar_year(tmp_path, indicators, key):
    series = load_series(write(tmp_path, f"notes: {{x: tekst}}\nbreaks:\n"
                                         f"  partners_mean: {{{key}: x}}\n"), indicators)
    assert [b.school_year for b in series.breaks_of("partners_mean")] == ["2021"]
    assert series.break_between("partners_mean", "2020", "2021").note == "tekst"
    assert series.break_between("partners_mean", "2021", "2022") is None
    # a school year is of another kind: never separated by a calendar year's break
    assert series.break_between("partners_mean", "2019-2020", "2021-2022") is None


def test_the_packaged_series_checks_its_years_against_the_packaged_indicators(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_series(write(tmp_path, "notes: {x: tekst}\nbreaks:\n"
                                    "  partners_mean: {2020-2021: x}\n"))
    assert ":3: breaks.partners_mean.2020-2021" in str(err.value)


@pytest.mark.parametrize(("text", "where", "message"), [
    ("notes: {x: tekst}\nbreaks:\n  partners_mean: {2020-2021: x}\n",
     ":3: breaks.partners_mean.2020-2021", "per kalenderjaar"),
    ("notes: {x: tekst}\nbreaks:\n  partners_mean: {21: x}\n",
     ":3: breaks.partners_mean.21", "ongeldig kalenderjaar"),
    ("notes: {x: tekst}\nbreaks:\n  partners_mean: {2021: y}\n",
     ":3: breaks.partners_mean.2021", "onbekende noot 'y'"),
    ("notes: {x: tekst}\nbreaks:\n  po_libraries: {2021: x}\n",
     ":3: breaks.po_libraries.2021", "per schooljaar"),
    ("notes: {x: tekst}\nbreaks:\n  po_libraries: {'2021': x}\n",
     ":3: breaks.po_libraries.2021", "ongeldig schooljaar"),
])
def test_a_break_year_of_the_wrong_kind_names_its_line(tmp_path, indicators, text, where,
                                                       message):
    with pytest.raises(ConfigError) as err:
        load_series(write(tmp_path, text), indicators)
    assert where in str(err.value)
    assert message in str(err.value)
