"""Trends per year equal hand-computed values (tests/multiyear.py); a break or an unknown year
is never bridged; a merged library's trend holds its own years only; provinces and the country
are computed per year from that year's libraries; the change sentence reads as the KB writes it
and is left out across a break."""

from __future__ import annotations

import multiyear
import pytest

from infographics.data.measure import NATIONAL_ID
from infographics.data.trends import change, shown_years, trend, year_text
from infographics.edition.build import load_context


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    return load_context(multiyear.write(tmp_path_factory.mktemp("multiyear") / "data"))


def t(ctx, level, entity_id, indicator, year):
    return trend(ctx.figures, ctx.series, level, entity_id, indicator, year)


def values(tr):
    return [(p.school_year, p.text) for p in tr.points]


def test_national_share_per_year_is_computed_from_that_years_rows(ctx):
    tr = t(ctx, "national", NATIONAL_ID, "po_share_cooperating", "2022-2023")
    # 90/170, 109/170, 126/170; 2019-2020 had no PO survey, so the line starts in 2020-2021
    assert values(tr) == [("2020-2021", "53%"), ("2021-2022", "64%"), ("2022-2023", "74%")]
    assert [p.value for p in tr.points] == [0.53, 0.64, 0.74]


def test_a_break_is_never_bridged(ctx):
    tr = t(ctx, "national", NATIONAL_ID, "po_share_cooperating", "2022-2023")
    assert tr.runs == ((0, 1), (2,))  # 2022-2023: general cooperation counted too
    assert [b.school_year for b in tr.breaks] == ["2022-2023"]
    assert change(tr) == ""


def test_an_earlier_year_shows_nothing_of_a_later_one(ctx):
    tr = t(ctx, "national", NATIONAL_ID, "po_share_cooperating", "2021-2022")
    assert values(tr) == [("2020-2021", "53%"), ("2021-2022", "64%")]
    assert tr.runs == ((0, 1),)
    assert tr.breaks == ()


def test_change_in_words(ctx):
    def said(indicator, year, level="national", entity_id=NATIONAL_ID):
        return change(t(ctx, level, entity_id, indicator, year))

    assert said("po_locations_cooperating", "2021-2022") == "19 meer dan in 2020-2021"
    assert said("po_libraries", "2021-2022") == "1 minder dan in 2020-2021"
    assert said("po_libraries", "2022-2023") == "evenveel als in 2021-2022"
    # VO cooperating locations: 16/40 = 40%, 20/40 = 50%, 18/30 = 60%, 21/30 = 70%
    assert said("vo_share_locations_cooperating", "2021-2022") == \
        "10 procentpunt hoger dan in 2020-2021"
    assert said("vo_share_libraries_cooperating", "2022-2023") == "even hoog als in 2021-2022"
    assert said("po_libraries", "2020-2021") == ""  # no PO survey the year before


def test_a_merged_library_shows_its_own_years_only(ctx):
    tr = t(ctx, "library", "bib-m", "vo_share_locations_cooperating", "2022-2023")
    assert values(tr) == [("2021-2022", "60%"), ("2022-2023", "70%")]  # not bib-a's or bib-b's
    po = t(ctx, "library", "bib-m", "po_locations_cooperating", "2022-2023")
    assert values(po) == [("2021-2022", "49"), ("2022-2023", "56")]
    assert po.runs == ((0,), (1,))
    assert ctx.figures.library("2022-2023", "bib-m").successor_of == ("bib-a", "bib-b")


def test_a_province_is_computed_per_year_from_its_libraries_that_year(ctx):
    tr = t(ctx, "province", "PV25", "po_locations_cooperating", "2022-2023")
    assert values(tr) == [("2020-2021", "40"), ("2021-2022", "49"), ("2022-2023", "56")]
    share = t(ctx, "province", "PV25", "po_share_cooperating", "2021-2022")
    assert values(share) == [("2020-2021", "\u2013"), ("2021-2022", "\u2013")]  # N < 3
    assert share.runs == ()


def test_a_stopped_library_has_no_figures_after_its_last_year(ctx):
    tr = t(ctx, "library", "bib-a", "vo_share_locations_cooperating", "2020-2021")
    assert values(tr) == [("2019-2020", "40%"), ("2020-2021", "50%")]
    with pytest.raises(KeyError):
        ctx.figures.get("2021-2022", "library", "bib-a", "vo_share_locations_cooperating")


def test_shown_years():
    years = ["2016-2017", "2017-2018", "2018-2019", "2019-2020", "2020-2021", "2021-2022"]
    assert shown_years(years, "2021-2022") == years[1:]
    assert shown_years(years, "2018-2019") == years[:3]
    assert shown_years(years, "2030-2031") == []


def test_calendar_years_and_school_years_are_not_mixed():
    years = ["2021", "2021-2022", "2022", "2022-2023"]
    assert shown_years(years, "2022") == ["2021", "2022"]
    assert shown_years(years, "2022-2023") == ["2021-2022", "2022-2023"]
    assert (year_text("2022"), year_text("2022-2023")) == ("2022", "2022-2023")
