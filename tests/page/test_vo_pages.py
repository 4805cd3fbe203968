"""VO pages at three levels and the star-checklist page per school location, built from the
sample: published figures on the national page, plain pages without VO, stars in words."""

import io
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from infographics import numbers as nl
from infographics.edition import build as b
from infographics.edition.plan import plan

DATA = Path(__file__).resolve().parents[2] / "data" / "sample"
YEAR = "2020-2021"


@cache
def ctx():
    return b.load_context(DATA)


@cache
def jobs():
    return plan(ctx().figures, ["vo"], ["national", "province", "library", "school"],
                years=[YEAR])


def _text(job) -> str:
    reader = PdfReader(io.BytesIO(b.render(ctx(), job)))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def _job(level, entity_id):
    return next(j for j in jobs() if j.level == level and j.entity_id == entity_id)


def test_plan_counts():
    levels = [j.level for j in jobs()]
    assert (levels.count("national"), levels.count("province"), levels.count("library"),
            levels.count("school")) == (1, 12, 140, 726)
    school = next(j for j in jobs() if j.level == "school")
    assert school.path.startswith("vo/school/")
    assert school.library_id


def test_national_vo_page_shows_published_figures():
    text = _text(_job("national", "NL"))
    for figure in ["115", "83%", "726", "37%", "257", "68%", "61%", "42%", "41%", "77%",
                   "559", "Geen enkele samenwerking haalt alle 30 punten."]:
        assert figure in text, figure


def test_local_page_numbers_equal_figures():
    figures = ctx().figures
    lib = figures.frame
    cooperating = lib[(lib.level == "library") & (lib.indicator == "vo_locations_cooperating")
                      & (lib.value > 0)].entity_id.iloc[3]
    text = _text(_job("library", cooperating))
    for indicator, fmt in [("vo_locations_cooperating", nl.integer),
                           ("vo_share_locations_cooperating", nl.percent),
                           ("vo_locations_signed", nl.integer)]:
        value = figures.get(YEAR, "library", cooperating, indicator).value
        assert fmt(value) in text, indicator
    province = figures.library(YEAR, cooperating).province
    share = figures.get(YEAR, "province", province, "vo_share_locations_cooperating").value
    assert nl.percent(share) in text


@pytest.mark.parametrize("library_id", ["bib-0003", "bib-0131"])
def test_library_without_vo_cooperation_says_so(library_id):
    # bib-0003 has VO locations but cooperates with none; bib-0131 has no VO location at all
    text = _text(_job("library", library_id))
    assert "niet samen met scholen voor voortgezet onderwijs" in text
    assert "Waar te beginnen" in text


@pytest.mark.parametrize("stars", [1, 2, 4])
def test_school_page_stars_in_words(stars):
    schools = ctx().figures.schools
    row = schools[(schools.stars == stars) & (schools.school_year == YEAR)].iloc[0]
    text = _text(_job("school", row.location_id))
    assert f"{stars} van 4 sterren" in text
    total = int(row.points_total)
    assert f"{total} van de 30 punten" in text
    assert row.location_name.split(",")[0] in text
    assert "deze school" in text
