"""Planning the partners pages: a calendar-year edition gets national, provincial and local
partners pages under `partners/<level folder>/partners-<year>-<name>.pdf`, never PO/VO pages
nor school pages; a school year never gets partners pages; data without the partners tables
plans exactly what it did before."""

from __future__ import annotations

from pathlib import Path

from partnersfigs import LIBRARIES, PROVINCES, YEARS, partners_figures

from infographics.edition.build import load_context
from infographics.edition.plan import ALL, plan, subject_years
from infographics.levels import PAGE_LEVELS
from infographics.page.layout import layout_path

MINI = Path(__file__).parents[1] / "fixtures" / "mini"


def test_partners_pages_per_calendar_year_and_level():
    assert [j.school_year for j in plan(partners_figures(), ["partners"], ["national"])] == [
        YEARS[-1]]  # without a choice: the latest year
    jobs = plan(partners_figures(), ["partners"], PAGE_LEVELS, years=[ALL])
    assert len(jobs) == len(YEARS) * (1 + len(PROVINCES) + len(LIBRARIES))  # no school pages
    local = next(j for j in jobs if j.entity_id == "bib-0002" and j.school_year == "2022")
    assert local.path == "partners/lokaal/partners-2022-bibliotheek-wierden-en-wad.pdf"
    assert local.library_id == "bib-0002"
    national = [j.path for j in jobs if j.level == "national"]
    assert national == ["partners/landelijk/partners-2021-nederland.pdf",
                        "partners/landelijk/partners-2022-nederland.pdf"]
    assert layout_path("partners", "library").name == "partners-lokaal.yaml"


def test_a_calendar_year_is_no_po_or_vo_edition_and_the_other_way_round():
    figures = partners_figures()
    assert plan(figures, ["po", "vo"], PAGE_LEVELS) == []
    assert subject_years(figures, "partners", ["2022", "2022-2023"]) == ["2022"]
    assert subject_years(figures, "po", ["2022", "2022-2023"]) == []  # no PO figures at all
    assert plan(figures, ["partners"], PAGE_LEVELS, years=["2022-2023"]) == []


def test_data_without_partners_tables_plans_no_partners_page():
    figures = load_context(MINI).figures
    assert plan(figures, ["partners"], PAGE_LEVELS) == []
    everything = plan(figures, ["po", "vo", "partners"], PAGE_LEVELS)
    assert everything == plan(figures, ["po", "vo"], PAGE_LEVELS)
    assert everything
