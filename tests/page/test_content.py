"""Pages show the figures: the numbers in a rendered page's text (pypdf) are the figures of
`Figures.get` / `Figures.export`, formatted by numbers.py; the national PO page shows the KB's
published 2020-2021 figures; resolved content follows the layout (empty texts, comparison
series, @national placeholders).

Only a sample of pages is rendered (a page takes ~60 ms); the session fixture `page` renders
each one once for all tests.
"""

from __future__ import annotations

import pandas as pd
import pytest

from infographics import numbers as nl
from infographics.data.measure import NATIONAL_ID
from infographics.page.blocks import (
    BarsContent,
    ComparisonContent,
    DonutContent,
    KpiContent,
    MapContent,
    OffersContent,
    PictogramContent,
)

YEAR = "2020-2021"
PUBLISHED = ["5.386", "78%", "5.061", "2.168", "106", "2.523", "37%", "484 duizend", "7 van de 10",
             "57%"]
# national, 2 provinces and 3 libraries, among them the two with the longest names (one of
# which runs no 'de Bibliotheek op school', so its DBOS tiles show their empty text)
SAMPLE = ["NL", "PV21", "PV28", "bib-0001", "bib-0027", "bib-0078"]


def fig(ctx, level, entity_id, indicator):
    return ctx.figures.get(YEAR, level, entity_id, indicator)


def block(content, block_id):
    return next(b for b in content.blocks if b.id == block_id)


def test_national_page_shows_the_published_figures(page):
    text = page("NL").flat
    for number in PUBLISHED:
        assert number in text, number
    assert "Nederland · schooljaar 2020-2021" in text


def test_national_figures_are_the_published_ones(ctx):
    nat = lambda ind: fig(ctx, "national", NATIONAL_ID, ind).value  # noqa: E731
    assert nl.integer(nat("po_locations_cooperating")) == "5.386"
    assert nl.percent(nat("po_share_cooperating")) == "78%"
    assert nl.integer(nat("po_locations_reading")) == "5.061"
    assert nl.integer(nat("po_locations_digital")) == "2.168"
    assert nl.integer(nat("po_libraries_dbos")) == "106"
    assert nl.integer(nat("po_dbos_locations")) == "2.523"
    assert nl.percent(nat("po_share_dbos_locations")) == "37%"
    assert nl.compact(nat("po_dbos_pupils")) == "484 duizend"
    assert nl.in_ten(nat("po_share_members_4_12")) == "7 van de 10"
    assert nl.percent(nat("po_share_active_members")) == "57%"


def expected_numbers(ctx, level: str, entity_id: str) -> dict[str, str]:
    """The key figures of a page, formatted as the page must show them."""
    def get(ind):
        return fig(ctx, level, entity_id, ind).value

    out = {
        "po_locations_cooperating": nl.integer(get("po_locations_cooperating")),
        "po_share_cooperating": nl.percent(get("po_share_cooperating")),
        "po_locations_in_area": nl.integer(get("po_locations_in_area")),
        "po_locations_reading": nl.integer(get("po_locations_reading")),
        "po_share_reading": nl.percent(get("po_share_reading")),
        "po_share_members_4_12": nl.in_ten(get("po_share_members_4_12")),
        "po_share_active_members": nl.percent(get("po_share_active_members")),
    }
    if get("po_dbos_pupils"):  # else the tile shows its empty text on a library page
        out["po_dbos_pupils"] = nl.compact(get("po_dbos_pupils"))
        out["po_dbos_locations"] = nl.integer(get("po_dbos_locations"))
    if level != "library":
        out["po_libraries_dbos"] = nl.integer(get("po_libraries_dbos"))
        out["po_libraries"] = nl.integer(get("po_libraries"))
    return out


@pytest.mark.parametrize("entity_id", SAMPLE)
def test_page_numbers_equal_the_figures(entity_id, ctx, page):
    p = page(entity_id)
    text = p.flat
    for indicator, shown in expected_numbers(ctx, p.job.level, entity_id).items():
        assert shown != nl.DASH, indicator
        assert shown in text, f"{indicator}: {shown!r} not on the page of {entity_id}"


@pytest.mark.parametrize("entity_id", SAMPLE)
def test_kpi_and_donut_values_are_the_figures(entity_id, ctx, page):
    """Not just somewhere on the page: each KPI tile and the donut show their own figure."""
    p = page(entity_id)
    level = p.job.level
    layout = ctx.layout("po", level)
    checked = 0
    for b in p.content.blocks:
        spec = layout.blocks[b.id]
        if isinstance(b, KpiContent):
            indicator, fmt, whose = spec.value, spec.format, (level, entity_id)
            if b.lead:  # its own figure is missing: the tile shows its fallback's
                assert not fig(ctx, level, entity_id, spec.value).value
                fallback = spec.fallback
                indicator = fallback.indicator or indicator
                fmt = fallback.format or fmt
                info = ctx.figures.library(YEAR, entity_id)
                whose = (fallback.of, {"province": info.province, "national": NATIONAL_ID,
                                       "size_class": info.size_class}[fallback.of])
            f = fig(ctx, *whose, indicator)
            assert b.value == f.value
            assert b.text == nl.format_value(f.value, fmt)
            checked += 1
        elif isinstance(b, DonutContent):
            f = fig(ctx, level, entity_id, spec.indicator)
            assert b.text == nl.percent(f.value)
            assert b.fraction == nl.shown_value(f.value, "percent")
            checked += 1
    assert checked >= 3


def test_figures_get_agrees_with_the_export(ctx):
    frame = ctx.figures.export("library")
    rows = frame[(frame.entity_id == "bib-0027") & (frame.school_year == YEAR)]
    for row in rows.itertuples():
        f = fig(ctx, "library", "bib-0027", row.indicator)
        if f.value is None:
            assert pd.isna(row.value)
        else:
            assert f.value == pytest.approx(row.value)
    assert len(rows) > 20


@pytest.mark.parametrize("entity_id", SAMPLE)
def test_every_number_recorded_is_on_the_page(entity_id, page):
    """`PageContent.numbers` lists every formatted figure; each one is visible in the text."""
    p = page(entity_id)
    assert p.content.numbers
    text = p.flat
    missing = [n for n in p.content.numbers if n not in text]
    assert not missing, missing


def test_library_page_compares_with_province_size_class_and_country(ctx, page):
    p = page("bib-0027")
    info = ctx.figures.library(YEAR, "bib-0027")
    compare = block(p.content, "compare")
    labels = [bar.label for bar in compare.groups[0].bars]
    assert labels[1:] == [info.province_name, f"Vergelijkbare grootte ({info.size_class_count})",
                          "Nederland"]
    # the long library name is shortened for the chart label
    assert len(labels[0]) <= 24
    assert labels[0].endswith("\u2026")
    expected = [fig(ctx, "library", "bib-0027", "po_share_cooperating"),
                fig(ctx, "province", info.province, "po_share_cooperating"),
                fig(ctx, "size_class", info.size_class, "po_share_cooperating"),
                fig(ctx, "national", NATIONAL_ID, "po_share_cooperating")]
    # bars are drawn at the percentage they are labelled with
    bars = compare.groups[0].bars
    assert [bar.fraction for bar in bars] == [nl.shown_value(f.value, "percent") for f in expected]
    assert [round(f.value, 2) for f in expected] == [bar.fraction for bar in bars]
    assert [bar.text for bar in bars] == [nl.percent(f.value) for f in expected]
    national = nl.percent(fig(ctx, "national", NATIONAL_ID, "po_share_active_members").value)
    assert block(p.content, "kpi_active").detail.endswith(f"Nederland {national}")


def test_provincial_page_compares_with_the_country(page):
    compare = block(page("PV21").content, "compare")
    assert isinstance(compare, ComparisonContent)
    assert [bar.label for bar in compare.groups[0].bars] == ["Fryslân", "Nederland"]
    assert block(page("PV21").content, "map_cooperating").highlight == "PV21"


def test_empty_text_leads_a_kpi_without_figure_to_its_fallback(ctx, page):
    assert not fig(ctx, "library", "bib-0078", "po_dbos_locations").value
    p = page("bib-0078")
    tile = block(p.content, "kpi_dbos_locations")
    assert isinstance(tile, KpiContent)
    assert tile.lead == "Werkt (nog) niet met de Bibliotheek op school."
    size_class = ctx.figures.library(YEAR, "bib-0078").size_class
    share = fig(ctx, "size_class", size_class, "po_share_libraries_dbos").value
    assert tile.text == nl.percent(share)
    assert tile.context.startswith("Vergelijkbare grootte")
    assert "Geen leerlingen bereikt met de Bibliotheek op school." in p.flat


def test_map_shows_every_province(ctx, page):
    m = block(page("NL").content, "map_cooperating")
    assert isinstance(m, MapContent)
    cells = {cell.province: (cell.text, cell.value) for cell in m.cells}
    assert len(cells) == 12
    for pid, (text, value) in cells.items():
        exact = fig(ctx, "province", pid, "po_share_cooperating").value
        assert text == nl.percent(exact)
        assert value == pytest.approx(exact, abs=0.005)  # coloured by the share it shows
        assert value == int(text.rstrip("%")) / 100
    assert m.alt.startswith("Kaart van de provincies")
    assert m.highlight is None


def test_charts_have_alt_texts_with_their_numbers(page):
    content = page("NL").content
    for b in content.blocks:
        if isinstance(b, (DonutContent, PictogramContent, BarsContent, ComparisonContent,
                          MapContent, OffersContent)):
            assert b.alt, b.id
    assert "78%" in block(content, "donut_cooperating").alt
    assert "7 van de 10" in block(content, "pictogram_members").alt


def test_document_metadata(page):
    p = page("bib-0027")
    assert p.content.title == ("De Bibliotheek en het primair onderwijs: Bibliotheek Regio "
                               "Zuid-Vallei en IJsselvallei Samenwerkende Gemeenten 2020-2021")
    assert p.content.subject == "Bibliotheekmonitor 2020-2021, lokaal"


def test_blocks_are_in_reading_order(page):
    boxes = [b.box for b in page("bib-0027").content.blocks]
    tops = [round(b.y + b.h, 3) for b in boxes]
    assert tops == sorted(tops, reverse=True)


def test_a_soft_hyphen_in_a_label_is_not_drawn_as_a_hyphen(ctx):
    """vo-lokaal.yaml writes 'lees\u00adbeleid' (a break hint); the wrapping does not hyphenate,
    so the page says 'leesbeleid' and never 'lees-beleid' or the invisible character."""
    from infographics.edition.build import page_content
    from infographics.edition.plan import plan

    job = next(j for j in plan(ctx.figures, ["vo"], ["library"], years=[YEAR])
               if j.entity_id == "bib-0027")
    _, content = page_content(ctx, job)
    labels = [row.label for b in content.blocks if isinstance(b, OffersContent) for row in b.rows]
    assert "Advies leesbeleid" in labels
    assert not any("\u00ad" in label for label in labels)


def test_a_count_takes_the_word_that_fits_it(ctx):
    """{indicator|one|many}: "1 vo-schoollocatie", "2 vo-schoollocaties" (the VO page of a
    library without cooperation said "telt wel 1 vo-schoollocaties")."""
    from infographics.edition.build import page_content
    from infographics.edition.plan import plan
    from infographics.page.blocks import TextContent

    jobs = {j.entity_id: j for j in plan(ctx.figures, ["vo"], ["library"], years=[YEAR])}
    seen = set()
    for job in jobs.values():
        n = ctx.figures.get(YEAR, "library", job.entity_id, "vo_area_locations").value
        cooperating = ctx.figures.get(YEAR, "library", job.entity_id,
                                      "vo_locations_cooperating").value
        if cooperating or not n or (n == 1) in seen:
            continue
        seen.add(n == 1)
        _, content = page_content(ctx, job)
        intro = next(b for b in content.blocks if b.id == "intro")
        assert isinstance(intro, TextContent)
        word = "vo-schoollocatie." if n == 1 else "vo-schoollocaties."
        assert f"telt wel {nl.integer(n)} {word}" in intro.text
    assert seen, "no library without cooperation that has VO locations in its werkgebied"
