"""Partners indicator arithmetic (measure.py with partners.py and the partners section of
indicators.yaml) against values computed by hand from tests/fixtures/partners on the mini data:
the mean over libraries with a known total, shares over libraries where the pivot's column is
known (a missing row is unknown, never nee), suppression below min_n (3) at every aggregate
level but never for a library, and calendar years kept apart from school years.

The fixture, 2022 (bib-d did not respond, so it is in no population):
| library | province (POI) | size class | total | MFA | commercial | gemeente | provincie_poi |
|---|---|---|---|---|---|---|---|
| bib-a | PV25 (rijnbrink) | 100k-200k | 12 | ja | nee | ja | nee |
| bib-b | PV25 (rijnbrink) | 50k-100k | 8 | nee | ja | nee | nee |
| bib-c | PV23 (rijnbrink) | 100k-200k | ? | ja | ? | ja | ? |
| bib-e | PV27 (probiblio) | 50k-100k | 20 | nee | nee | ? | ja |
primair_onderwijs: a ja (its lezen_literatuur row, though the general row says nee), b nee (its
one function row), e nee; lezen_literatuur: a ja, b nee, e ja; onderwijs: only a is known (ja).
2021: bib-a (total 10, gemeente ja) and bib-f (total 5, gemeente and provincie_poi nee).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from infographics.data.indicators import load_indicators
from infographics.data.measure import Figure, Figures, measure
from infographics.data.read import load

FIXTURES = Path(__file__).parents[1] / "fixtures"
MINI = FIXTURES / "mini"


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Figures:
    folder = tmp_path_factory.mktemp("partners") / "data"
    shutil.copytree(MINI, folder)
    for table in ("network", "partners"):
        shutil.copy(FIXTURES / "partners" / f"{table}.csv", folder)
    return measure(load(folder), load_indicators())


def fig(figures: Figures, indicator: str, level: str = "national", entity: str = "NL",
        year: str = "2022") -> Figure:
    return figures.get(year, level, entity, indicator)


def share(figure: Figure) -> tuple[float | None, int, bool]:
    return (None if figure.value is None else round(figure.value, 6), figure.n,
            figure.suppressed)


# --------------------------------------------------------------------------- national


def test_responding_libraries(figures):
    assert fig(figures, "partners_libraries").value == 4
    assert fig(figures, "partners_libraries", year="2021").value == 2


def test_the_mean_is_over_libraries_with_a_known_total(figures):
    mean = fig(figures, "partners_mean")
    assert (mean.numerator, mean.denominator, mean.n) == (40, 3, 3)  # 12 + 8 + 20; c unknown
    assert mean.value == pytest.approx(40 / 3)
    assert not mean.suppressed


@pytest.mark.parametrize(("indicator", "expected"), [
    ("partners_share_mfa", (0.5, 4, False)),  # a, c of a, b, c, e
    ("partners_share_commercial", (round(1 / 3, 6), 3, False)),  # c unknown
    ("partners_share_cat_gemeente", (round(2 / 3, 6), 3, False)),  # e has no gemeente row
    ("partners_share_cat_provincie_poi", (round(1 / 3, 6), 3, False)),
    ("partners_share_cat_primair_onderwijs", (round(1 / 3, 6), 3, False)),
    ("partners_share_grp_overheid", (0.75, 4, False)),  # a, c, e ja; b nee on both
    ("partners_share_fn_lezen_literatuur", (round(2 / 3, 6), 3, False)),
    # known for fewer than 3 libraries: suppressed
    ("partners_share_cat_voortgezet_onderwijs", (None, 1, True)),
    ("partners_share_grp_onderwijs", (None, 1, True)),  # b and e: nee, but others unknown
    ("partners_share_fn_kennis_informatie", (None, 1, True)),
    ("partners_share_cat_primair_onderwijs__lezen_literatuur", (None, 2, True)),
    ("partners_share_cat_zorg", (None, 0, False)),  # nobody answered: unknown, not suppressed
])
def test_national_shares(figures, indicator, expected):
    assert share(fig(figures, indicator)) == expected


def test_a_share_carries_its_counts(figures):
    figure = fig(figures, "partners_share_grp_overheid")
    assert (figure.numerator, figure.denominator) == (3, 4)


# --------------------------------------------------------------------------- other levels


def test_poi_province_and_size_class(figures):
    assert share(fig(figures, "partners_share_grp_overheid", "poi", "rijnbrink")) == (
        round(2 / 3, 6), 3, False)
    assert share(fig(figures, "partners_share_mfa", "poi", "rijnbrink")) == (
        round(2 / 3, 6), 3, False)
    assert share(fig(figures, "partners_mean", "poi", "rijnbrink")) == (None, 2, True)
    assert share(fig(figures, "partners_share_mfa", "province", "PV25")) == (None, 2, True)
    assert share(fig(figures, "partners_share_commercial", "size_class", "50k-100k")) == (
        None, 2, True)
    assert fig(figures, "partners_libraries", "size_class", "100k-200k").value == 2  # a, c


def test_a_library_is_never_suppressed(figures):
    assert fig(figures, "partners_mean", "library", "bib-a").value == 12
    assert share(fig(figures, "partners_share_fn_kennis_informatie", "library", "bib-a")) == (
        0.0, 1, False)
    assert share(fig(figures, "partners_share_grp_overheid", "library", "bib-b")) == (
        0.0, 1, False)
    assert share(fig(figures, "partners_share_cat_primair_onderwijs__lezen_literatuur",
                     "library", "bib-a")) == (1.0, 1, False)


def test_unknowns_of_a_library(figures):
    assert share(fig(figures, "partners_mean", "library", "bib-c")) == (None, 0, False)
    assert share(fig(figures, "partners_share_grp_onderwijs", "library", "bib-b")) == (
        None, 0, False)
    # bib-d did not respond: its network row makes it an entity, but it counts nowhere
    assert share(fig(figures, "partners_libraries", "library", "bib-d")) == (None, 0, False)


def test_the_mean_of_a_small_year_is_suppressed(figures):
    mean = fig(figures, "partners_mean", year="2021")
    assert (mean.value, mean.n, mean.suppressed) == (None, 2, True)
    assert fig(figures, "partners_mean", "library", "bib-f", "2021").value == 5


# --------------------------------------------------------------------------- years and entities


def test_years_per_subject(figures):
    assert figures.years("partners") == ["2021", "2022"]
    assert figures.years("po") == ["2019-2020", "2020-2021"]
    assert figures.years("vo") == ["2019-2020", "2020-2021"]
    assert figures.years() == ["2019-2020", "2020-2021", "2021", "2022"]


def test_a_calendar_year_where_nobody_answered_is_no_partners_year(tmp_path):
    # every 2022 network row again as 2023, none of them answered: 2023 has only unknown
    # figures, so it is not a partners year (nor the default edition, the last one)
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    shutil.copy(FIXTURES / "partners" / "partners.csv", folder)
    network = pd.read_csv(FIXTURES / "partners" / "network.csv", dtype=str, keep_default_na=False)
    silent = network[network["year"] == "2022"].assign(
        year="2023", responded="nee", partners_total="", shares_housing="",
        commercial_partners="")
    pd.concat([network, silent]).to_csv(folder / "network.csv", index=False)
    figures = measure(load(folder), load_indicators())
    assert figures.years("partners") == ["2021", "2022"]
    assert fig(figures, "partners_libraries", year="2023").n == 0


def test_calendar_and_school_years_have_their_own_entities_and_indicators(figures):
    assert figures.entities("national", "2022", subject="po") == []
    assert [e.subjects for e in figures.entities("national", "2022")] == [("partners",)]
    assert figures.entities("library", "2020-2021", subject="partners") == []
    assert [e.id for e in figures.entities("library", "2021")] == ["bib-a", "bib-f"]
    with pytest.raises(KeyError):
        fig(figures, "po_libraries")
    with pytest.raises(KeyError):
        fig(figures, "partners_mean", year="2020-2021")
    partner_rows = figures.frame[figures.frame["school_year"].isin(["2021", "2022"])]
    assert partner_rows["indicator"].str.startswith("partners_").all()


def test_library_info_of_a_calendar_year_comes_from_network(figures):
    info = figures.library("2021", "bib-f")
    assert (info.library_name, info.province, info.province_name, info.poi_id) == (
        "Bibliotheek Nieuwstad", "PV27", "Noord-Holland", "probiblio")
    info = figures.library("2022", "bib-a")
    assert (info.size_class, info.size_class_count) == ("100k-200k", 3)  # a, c and d


def test_without_the_partners_tables_the_figures_are_unchanged(figures):
    before = measure(load(MINI), load_indicators())
    school = figures.frame[~figures.frame["school_year"].isin(["2021", "2022"])]
    pd.testing.assert_frame_equal(before.frame, school.reset_index(drop=True))
    assert before.years("partners") == []
    assert before.years() == ["2019-2020", "2020-2021"]


# --------------------------------------------------------------------------- the sample

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
PUBLISHED_GROUPS = {  # overheid / onderwijs / basisvaardigheden, percent (data contract)
    "2018": (98, 96, 97), "2021": (99, 98, 95), "2022": (98, 96, 91)}


def percent(figure: Figure) -> int:
    assert figure.value is not None
    return int(figure.value * 100 + 0.5)  # as the pages round: half up


@pytest.mark.skipif(not (SAMPLE / "network.csv").is_file(),
                    reason="de voorbeelddata heeft (nog) geen network.csv")
def test_the_sample_reproduces_the_published_partner_figures():
    sample = measure(load(SAMPLE), load_indicators())
    assert round(fig(sample, "partners_mean", year="2017").value or 0, 1) == 15.0
    assert percent(fig(sample, "partners_share_mfa", year="2017")) == 87
    assert percent(fig(sample, "partners_share_commercial", year="2017")) == 26
    assert round(fig(sample, "partners_mean", year="2022").value or 0, 1) == 16.0
    for year, expected in PUBLISHED_GROUPS.items():
        got = tuple(percent(fig(sample, f"partners_share_grp_{group}", year=year))
                    for group in ("overheid", "onderwijs", "basisvaardigheden"))
        assert got == expected, year
