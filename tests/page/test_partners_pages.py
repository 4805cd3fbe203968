"""Partners pages from a seeded edition (partnersfigs.py): every figure on the national,
provincial and local page is the one `Figures.get` holds; categories are ranked, the matrix has
a cell per category and core function, a library's missing categories become the "nog niet
samengewerkt met" list, the groups are listed year by year, and each page passes verify."""

from __future__ import annotations

import io
from dataclasses import replace

import pypdf
import pytest
from partnersfigs import CATEGORIES, FUNCTIONS, LIBRARIES, partners_figures

from infographics import numbers as nl
from infographics.data.measure import NATIONAL_ID
from infographics.page.blocks import ComparisonContent, KpiContent, OffersContent, TrendContent
from infographics.page.catblocks import (
    GapsContent,
    MatrixContent,
    RankedBarsContent,
    YearListContent,
)
from infographics.page.content import PageTarget, resolve
from infographics.page.draw import draw_page
from infographics.page.layout import layout_path, load_layout
from infographics.page.style import load_style
from infographics.resources import layout_file
from infographics.verify import verify_pdf

YEAR = "2022"
PAGES = [("national", NATIONAL_ID), ("province", "PV20"), ("library", "bib-0002")]


@pytest.fixture(scope="module")
def figures():
    return partners_figures()


@pytest.fixture(scope="module")
def style():
    return load_style(layout_file("style.yaml"))


def content(figures, style, level, entity_id, year=YEAR):
    layout = load_layout(layout_path("partners", level))
    return resolve(layout, figures, PageTarget(level, entity_id, year), style)


def block(page, block_id):
    return next(b for b in page.blocks if b.id == block_id)


def share(figures, level, entity_id, indicator, year=YEAR):
    return nl.percent(figures.get(year, level, entity_id, indicator).value)


@pytest.mark.parametrize(("level", "entity_id"), PAGES)
def test_every_page_passes_verify_and_shows_its_numbers(figures, style, level, entity_id):
    page = content(figures, style, level, entity_id)
    pdf = draw_page(page, style)
    assert verify_pdf(pdf, page.numbers) == []
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "schooljaar" not in text  # a calendar year: "2022", never "schooljaar 2022"
    assert "2022" in text


@pytest.mark.parametrize(("level", "entity_id"), PAGES)
def test_ranked_bars_are_the_category_shares_largest_first(figures, style, level, entity_id):
    ranked = block(content(figures, style, level, entity_id), "ranked")
    assert isinstance(ranked, RankedBarsContent)
    whose = ("national", NATIONAL_ID) if level == "library" else (level, entity_id)
    assert len(ranked.rows) == len(CATEGORIES)
    fractions = [r.fraction for r in ranked.rows]
    assert fractions == sorted(fractions, reverse=True)
    by_label = {r.label: r for r in ranked.rows}
    assert by_label["Gemeente"].group == "overheid"
    assert by_label["Gemeente"].text == share(figures, *whose, "partners_share_cat_gemeente")
    assert "Gemeente" in ranked.alt
    assert by_label["Gemeente"].text in ranked.alt


def test_a_local_page_marks_what_the_library_itself_works_with(figures, style):
    ranked = block(content(figures, style, "library", "bib-0002"), "ranked")
    by_label = {r.label: r for r in ranked.rows}
    own = figures.get(YEAR, "library", "bib-0002", "partners_share_cat_welzijn").value
    assert by_label["Welzijn"].own_word == ("ja" if own else "nee")
    assert ranked.own_label == "zelf"


def test_the_matrix_has_a_cell_per_category_and_core_function(figures, style):
    matrix = block(content(figures, style, "national", NATIONAL_ID), "matrix")
    assert isinstance(matrix, MatrixContent)
    assert len(matrix.columns) == len(FUNCTIONS)
    assert len(matrix.rows) == len(CATEGORIES)
    cell = matrix.rows[0].cells[1]  # gemeente x ontwikkeling_educatie
    assert cell.text == share(figures, "national", NATIONAL_ID,
                              "partners_share_cat_gemeente__ontwikkeling_educatie")
    assert not matrix.yes_no


def test_a_library_matrix_says_yes_or_no(figures, style):
    matrix = block(content(figures, style, "library", "bib-0002"), "matrix")
    assert matrix.yes_no
    for row, category in zip(matrix.rows, CATEGORIES, strict=True):
        for cell, function in zip(row.cells, FUNCTIONS, strict=True):
            value = figures.get(YEAR, "library", "bib-0002",
                                f"partners_share_cat_{category}__{function}").value
            assert cell.state is (value > 0)
            assert cell.text == ("ja" if value else "nee")


@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_gaps_are_the_categories_the_library_does_not_work_with(figures, style, library):
    gaps = block(content(figures, style, "library", library), "gaps")
    assert isinstance(gaps, GapsContent)
    layout = load_layout(layout_path("partners", "library"))
    labels = {c.code: c.label for c in layout.blocks["gaps"].categories}
    missing = [c for c in CATEGORIES
               if figures.get(YEAR, "library", library, f"partners_share_cat_{c}").value == 0]
    assert sorted(line.label for line in gaps.lines) == sorted(labels[c] for c in missing)
    province = LIBRARIES[library][1]
    peers = {labels[c]: figures.get(YEAR, "province", province, f"partners_share_cat_{c}").value
             for c in missing}
    assert [line.text for line in gaps.lines] == [nl.percent(peers[line.label])
                                                  for line in gaps.lines]
    assert [peers[line.label] for line in gaps.lines] == sorted(peers.values(), reverse=True)
    assert (gaps.note == "") == bool(missing)  # the none_text only when there is no gap


def test_the_groups_over_the_years_up_to_the_page_year(figures, style):
    """National: a trend per group (the calendar years up to the page's); local: ja/nee per
    year in a list."""
    national = block(content(figures, style, "national", NATIONAL_ID), "years_groups")
    assert isinstance(national, TrendContent)
    basis = national.panels[2]
    assert [p.school_year for p in basis.points] == ["2021", "2022"]
    assert [p.text for p in basis.points] == [
        share(figures, "national", NATIONAL_ID, "partners_share_grp_basisvaardigheden", y)
        for y in ("2021", "2022")]
    older = block(content(figures, style, "national", NATIONAL_ID, "2021"), "years_groups")
    assert not isinstance(older, TrendContent)  # no earlier year: a sentence, not a chart
    assert "vóór 2021" in older.text
    local = block(content(figures, style, "library", "bib-0002"), "years_groups")
    assert isinstance(local, YearListContent)
    assert local.years == ("2021", "2022")
    assert set(local.rows[0].texts) <= {"ja", "nee"}


def test_a_year_list_shows_only_its_last_years(figures, style):
    layout = load_layout(layout_path("partners", "library"))
    spec = layout.blocks["years_groups"].model_copy(update={"years": 1})
    page = resolve(layout.model_copy(update={"blocks": {"years_groups": spec}}), figures,
                   PageTarget("library", "bib-0002", YEAR), style)
    assert page.blocks[0].years == ("2022",)


def test_the_mean_is_compared_on_its_own_scale(figures, style):
    compare = block(content(figures, style, "library", "bib-0002"), "compare")
    assert isinstance(compare, ComparisonContent)
    bars = compare.groups[0].bars
    values = [figures.get(YEAR, *key, "partners_mean").value for key in (
        ("library", "bib-0002"), ("province", "PV20"), ("size_class", "sc2"),
        ("national", NATIONAL_ID))]
    assert [b.text for b in bars] == [nl.mean(v) for v in values]
    assert max(b.fraction for b in bars) == 1.0
    assert bars[0].fraction == pytest.approx(values[0] / max(values))


def test_kpis_and_offers_show_mean_mfa_and_commercial(figures, style):
    national = content(figures, style, "national", NATIONAL_ID)
    mean = block(national, "kpi_mean")
    assert isinstance(mean, KpiContent)
    assert mean.text == nl.integer(figures.get(YEAR, "national", NATIONAL_ID,
                                               "partners_mean").value)
    assert block(national, "kpi_mfa").text == share(figures, "national", NATIONAL_ID,
                                                    "partners_share_mfa")
    offers = block(content(figures, style, "library", "bib-0002"), "offers")
    assert isinstance(offers, OffersContent)
    mfa = figures.get(YEAR, "library", "bib-0002", "partners_share_mfa").value
    assert offers.rows[0].word == ("ja" if mfa else "nee")


@pytest.mark.parametrize(("level", "entity_id"), [*PAGES, ("library", "bib-0004")])
def test_no_text_overlaps_leaves_its_block_or_is_below_6_5_pt(figures, style, pdf, level,
                                                               entity_id):
    page = content(figures, style, level, entity_id)
    data = draw_page(page, style)
    assert pdf.overlapping(data) == []
    assert min(pdf.sizes(data)) >= 6.5 - 1e-6
    for b in page.blocks:
        assert pdf.outside(draw_page(replace(page, blocks=(b,)), style), b.box) == "", b.id


def test_a_library_that_works_with_every_category_gets_the_none_text(figures, style):
    layout = load_layout(layout_path("partners", "library"))
    spec = layout.blocks["gaps"]
    few = spec.model_copy(update={"categories": spec.categories[:1]})  # gemeente: all say ja
    gemeente = [lib for lib in LIBRARIES if figures.get(
        YEAR, "library", lib, "partners_share_cat_gemeente").value == 1]
    page = resolve(layout.model_copy(update={"blocks": {"gaps": few}}), figures,
                   PageTarget("library", gemeente[0], YEAR), style)
    gaps = page.blocks[0]
    assert gaps.lines == ()
    assert gaps.note == f"{LIBRARIES[gemeente[0]][0]} werkt al met alle soorten partners samen."


@pytest.mark.parametrize(("level", "entity_id"),
                         [("national", NATIONAL_ID), ("library", "bib-0002")])
def test_a_category_not_asked_per_core_function_is_named_not_drawn(style, level, entity_id):
    figures = partners_figures(unknown="partners_share_cat_zorg__")
    matrix = block(content(figures, style, level, entity_id), "matrix")
    assert [r.label for r in matrix.rows] == [
        label for label in (r.label for r in block(content(partners_figures(), style, level,
                                                           entity_id), "matrix").rows)
        if label != "Zorg"]
    assert matrix.note == "Niet per kernfunctie bekend: Zorg."
    assert matrix.note in matrix.alt
    assert verify_pdf(draw_page(content(figures, style, level, entity_id), style)) == []


def test_a_year_without_any_figure_per_core_function_says_so(style):
    figures = partners_figures(unknown="partners_share_cat_")
    page = content(figures, style, "national", NATIONAL_ID)
    matrix = block(page, "matrix")
    assert matrix.rows == ()
    assert matrix.note == "Over 2022 zijn geen cijfers per kernfunctie bekend."
    assert matrix.alt == f"{matrix.title}: {matrix.note}"
    assert verify_pdf(draw_page(page, style), page.numbers) == []


def test_a_library_that_filled_in_nothing_is_not_told_it_works_with_everything(style):
    """All categories unknown (the library did not answer): the gaps block says it was not
    filled in, never the none_text that it already works with every kind of partner."""
    figures = partners_figures(unknown="partners_share_cat_")
    gaps = block(content(figures, style, "library", "bib-0002"), "gaps")
    assert gaps.lines == ()
    assert "werkt al met" not in gaps.note
    assert gaps.note == ("Over 2022 is niet ingevuld met welke soorten partners "
                         f"{LIBRARIES['bib-0002'][0]} samenwerkt.")


def test_no_legend_of_marks_where_no_mark_is_drawn(figures, style):
    """A province of a few libraries (below the marks rule's N) gets no marks, so its
    comparison shows no legend explaining them either."""
    page = content(figures, style, "province", "PV20")
    shares = block(page, "compare_shares")
    assert isinstance(shares, ComparisonContent)
    assert all(bar.mark is None for group in shares.groups for bar in group.bars)
    assert shares.legend == ""
