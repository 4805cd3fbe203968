"""Blocks whose own figure is missing (issue 13 item 7): a KPI tile falls back to a figure of the
page's province, size class or country, labelled as theirs, below the sentence that says what is
missing (never a bare "Geen ..." tile); `unknown_text` tells unknown apart from 0; a tile or a
star distribution may show another entity's figures (`of`); numbered steps leave out or reword
a step whose figure is missing. Covers the layout keys (validated with file:line), resolving
(content.py) and drawing (draw.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from infographics import numbers as nl
from infographics.data.measure import Figure
from infographics.edition.build import page_content
from infographics.edition.plan import plan
from infographics.errors import ConfigError, PageError
from infographics.page import layout as L
from infographics.page.blocks import (
    Box,
    DistributionContent,
    KpiContent,
    PageContent,
    StepsContent,
    TextContent,
)
from infographics.page.content import PageTarget, resolve
from infographics.page.draw import draw_page

YEAR = "2020-2021"
HEAD = "subject: po\nlevel: library\ntitle: T\nblocks:\n"
# a library without 'de Bibliotheek op school' and one with it
WITHOUT_DBOS, WITH_DBOS = "bib-0001", "bib-0003"


def kpi(extra: str, value: str = "po_dbos_locations") -> str:
    return (HEAD + "  k:\n    kind: kpi\n    at: [0, 0]\n    span: [4, 6]\n"
            f"    value: {value}\n    label: schoollocaties met de Bibliotheek op school\n"
            + extra)


FALLBACK = ("    empty_text: Werkt niet met de Bibliotheek op school.\n"
            "    fallback:\n      of: province\n      indicator: po_share_libraries_dbos\n"
            "      format: percent\n      label: van de bibliotheken in {province_name}\n"
            "      detail: \"Nederland {po_share_libraries_dbos@national}\"\n")


def load(tmp_path: Path, text: str, ctx) -> L.Layout:
    path = tmp_path / "layout.yaml"
    path.write_text(text, encoding="utf-8")
    return L.load_layout(path, ctx.indicators)


def error(tmp_path: Path, text: str, ctx) -> str:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text, ctx)
    return str(info.value)


def resolved(ctx, layout: L.Layout, entity_id: str, level="library") -> PageContent:
    return resolve(layout, ctx.figures, PageTarget(level, entity_id, YEAR), ctx.style)


def get(ctx, level: str, entity_id: str | None, indicator: str) -> Figure:
    return ctx.figures.get(YEAR, level, entity_id, indicator)


# --- the layout keys ---------------------------------------------------------------------------


def test_a_kpi_with_an_empty_text_needs_a_fallback(tmp_path, ctx):
    text = kpi("    empty_text: Geen.\n")
    err = error(tmp_path, text, ctx)
    assert err.startswith(f"{tmp_path / 'layout.yaml'}:11: blocks.k.empty_text: "), err
    assert "'fallback' nodig" in err


def test_an_unknown_text_alone_also_needs_a_fallback(tmp_path, ctx):
    err = error(tmp_path, kpi("    unknown_text: Niet opgegeven.\n"), ctx)
    assert ":11: blocks.k.unknown_text: " in err
    assert "'fallback' nodig" in err


def test_a_fallback_needs_the_sentence_of_what_is_missing(tmp_path, ctx):
    err = error(tmp_path, kpi("    fallback: {of: province}\n"), ctx)
    assert ":11: blocks.k.fallback: " in err
    assert "'empty_text' nodig" in err


def test_a_fallback_names_a_known_indicator_and_level(tmp_path, ctx):
    bad = FALLBACK.replace("po_share_libraries_dbos\n", "po_nonsense\n")
    err = error(tmp_path, kpi(bad), ctx)
    assert err.endswith(":14: blocks.k.fallback.indicator: onbekende indicator 'po_nonsense'")
    err = error(tmp_path, kpi(FALLBACK.replace("of: province", "of: gemeente")), ctx)
    assert ":13: blocks.k.fallback.of: " in err
    national = kpi(FALLBACK).replace("level: library", "level: national")
    err = error(tmp_path, national, ctx)
    assert ":13: blocks.k.fallback.of: " in err
    assert "een pagina van niveau 'national' heeft geen 'province'" in err


def test_fallback_texts_have_their_placeholders_checked(tmp_path, ctx):
    err = error(tmp_path, kpi(FALLBACK.replace("{province_name}", "{wat}")), ctx)
    assert ":16: blocks.k.fallback.label: onbekende plaatshouder {wat}" in err


def test_unknown_keys_in_a_fallback_or_a_step_are_errors(tmp_path, ctx):
    err = error(tmp_path, kpi(FALLBACK + "      kleur: rood\n"), ctx)
    assert "blocks.k.fallback.kleur" in err
    steps = (HEAD + "  s:\n    kind: steps\n    at: [0, 0]\n    span: [12, 6]\n    items:\n"
             "      - {text: Begin., wanneer: altijd}\n")
    assert "blocks.s.items[0].wanneer" in error(tmp_path, steps, ctx)


def test_of_on_a_distribution_is_checked_against_the_level(tmp_path, ctx):
    text = ("subject: vo\nlevel: province\ntitle: T\nblocks:\n  d:\n    kind: distribution\n"
            "    at: [0, 0]\n    span: [6, 6]\n    of: size_class\n    title: Sterren\n")
    err = error(tmp_path, text, ctx)
    assert ":9: blocks.d.of: een pagina van niveau 'province' heeft geen 'size_class'" in err


def test_steps_have_their_indicators_and_texts_checked(tmp_path, ctx):
    steps = (HEAD + "  s:\n    kind: steps\n    at: [0, 0]\n    span: [12, 6]\n    items:\n"
             "      - text: Begin.\n        empty_when: po_nonsense\n")
    assert error(tmp_path, steps, ctx).endswith(
        ":11: blocks.s.items[0].empty_when: onbekende indicator 'po_nonsense'")
    steps = steps.replace("po_nonsense", "po_dbos_locations").replace("Begin.", "Begin {wat}.")
    assert ":10: blocks.s.items[0].text: onbekende plaatshouder {wat}" in error(tmp_path, steps,
                                                                                 ctx)


@pytest.mark.parametrize("name", ["po-lokaal.yaml", "vo-lokaal.yaml", "vo-lokaal-geen.yaml"])
def test_no_shipped_kpi_tile_can_be_a_bare_sentence(name, ctx):
    layout = L.load_layout(L.LAYOUT_DIR / name, ctx.indicators)
    for block in layout.blocks.values():
        if isinstance(block, L.Kpi) and (block.empty_text or block.unknown_text):
            assert block.fallback is not None


# --- resolving ---------------------------------------------------------------------------------


def test_a_missing_figure_resolves_to_the_fallback_with_its_sentence(tmp_path, ctx):
    layout = load(tmp_path, kpi(FALLBACK), ctx)
    assert not get(ctx, "library", WITHOUT_DBOS, "po_dbos_locations").value
    tile = resolved(ctx, layout, WITHOUT_DBOS).blocks[0]
    info = ctx.figures.library(YEAR, WITHOUT_DBOS)
    share = get(ctx, "province", info.province, "po_share_libraries_dbos").value
    national = get(ctx, "national", "NL", "po_share_libraries_dbos").value
    assert isinstance(tile, KpiContent)
    assert tile.lead == "Werkt niet met de Bibliotheek op school."
    assert tile.context == info.province_name
    assert (tile.value, tile.text) == (share, nl.percent(share))
    assert tile.label == f"van de bibliotheken in {info.province_name}"
    assert tile.detail == f"Nederland {nl.percent(national)}"
    assert tile.color == ctx.style.colors.series.province


def test_a_present_figure_is_the_tiles_own(tmp_path, ctx):
    layout = load(tmp_path, kpi(FALLBACK), ctx)
    own = get(ctx, "library", WITH_DBOS, "po_dbos_locations").value
    assert own
    tile = resolved(ctx, layout, WITH_DBOS).blocks[0]
    assert isinstance(tile, KpiContent)
    assert (tile.lead, tile.context, tile.color) == ("", "", "")
    assert tile.text == nl.integer(own)


def test_unknown_and_zero_say_different_things(tmp_path, ctx, monkeypatch):
    layout = load(tmp_path, kpi(FALLBACK + "    unknown_text: Niet opgegeven.\n"), ctx)
    assert resolved(ctx, layout, WITHOUT_DBOS).blocks[0].lead.startswith("Werkt niet")
    real = ctx.figures.get

    def unknown_own(year, level, entity_id, indicator):
        fig = real(year, level, entity_id, indicator)
        if (level, indicator) == ("library", "po_dbos_locations"):
            return replace(fig, value=None)
        return fig

    monkeypatch.setattr(ctx.figures, "get", unknown_own)
    for library in (WITHOUT_DBOS, WITH_DBOS):
        assert resolved(ctx, layout, library).blocks[0].lead == "Niet opgegeven."


def test_the_fallback_defaults_to_the_tiles_own_indicator_format_and_label(tmp_path, ctx):
    extra = "    format: compact\n    empty_text: Geen leerlingen.\n    fallback: {of: national}\n"
    layout = load(tmp_path, kpi(extra, value="po_dbos_pupils"), ctx)
    assert not get(ctx, "library", WITHOUT_DBOS, "po_dbos_pupils").value
    tile = resolved(ctx, layout, WITHOUT_DBOS).blocks[0]
    assert isinstance(tile, KpiContent)
    assert tile.text == nl.compact(get(ctx, "national", "NL", "po_dbos_pupils").value)
    assert tile.label == "schoollocaties met de Bibliotheek op school"
    assert (tile.context, tile.detail) == ("Nederland", "")


def test_a_kpi_of_the_size_class_shows_that_figure(tmp_path, ctx):
    layout = load(tmp_path, kpi("    of: size_class\n    format: percent\n",
                                value="po_share_libraries_dbos"), ctx)
    info = ctx.figures.library(YEAR, WITH_DBOS)
    tile = resolved(ctx, layout, WITH_DBOS).blocks[0]
    assert tile.text == nl.percent(get(ctx, "size_class", info.size_class,
                                       "po_share_libraries_dbos").value)
    assert tile.context == f"Vergelijkbare grootte ({info.size_class_count})"
    assert tile.color == ctx.style.colors.series.size_class


def test_a_library_without_a_size_class_shows_a_dash(tmp_path, ctx, monkeypatch):
    layout = load(tmp_path, kpi("    of: size_class\n    format: percent\n",
                                value="po_share_libraries_dbos"), ctx)
    info = ctx.figures.library(YEAR, WITH_DBOS)
    monkeypatch.setitem(ctx.figures._libraries, (YEAR, WITH_DBOS),
                        replace(info, size_class=None, size_class_label=None))
    tile = resolved(ctx, layout, WITH_DBOS).blocks[0]
    assert (tile.text, tile.context) == (nl.DASH, "Vergelijkbare grootte")


def test_steps_reword_or_leave_out_a_step_whose_figure_is_missing(tmp_path, ctx):
    text = (HEAD + "  s:\n    kind: steps\n    at: [0, 0]\n    span: [12, 6]\n"
            "    title: Waar te beginnen\n    items:\n"
            "      - text: \"Breid uit: {po_dbos_locations} locaties.\"\n"
            "        empty_when: po_dbos_locations\n"
            "        empty_text: \"Begin: {po_share_libraries_dbos@province} doet het.\"\n"
            "      - text: Alleen met dBos.\n        empty_when: po_dbos_locations\n"
            "      - text: Altijd.\n")
    layout = load(tmp_path, text, ctx)
    own = resolved(ctx, layout, WITH_DBOS).blocks[0]
    assert isinstance(own, StepsContent)
    dbos = nl.integer(get(ctx, "library", WITH_DBOS, "po_dbos_locations").value)
    assert own.steps == (f"Breid uit: {dbos} locaties.", "Alleen met dBos.", "Altijd.")
    province = ctx.figures.library(YEAR, WITHOUT_DBOS).province
    share = nl.percent(get(ctx, "province", province, "po_share_libraries_dbos").value)
    other = resolved(ctx, layout, WITHOUT_DBOS).blocks[0]
    assert other.steps == (f"Begin: {share} doet het.", "Altijd.")
    assert other.title == "Waar te beginnen"


def test_a_distribution_of_the_province(tmp_path, ctx):
    text = ("subject: vo\nlevel: library\ntitle: T\nblocks:\n  d:\n    kind: distribution\n"
            "    at: [0, 0]\n    span: [6, 6]\n    of: province\n    title: Sterren\n")
    layout = load(tmp_path, text, ctx)
    dist = resolved(ctx, layout, "bib-0107").blocks[0]
    assert isinstance(dist, DistributionContent)
    province = ctx.figures.library(YEAR, "bib-0107").province
    counts = [nl.integer(get(ctx, "province", province, f"vo_schools_stars_{row.stars}").value)
              for row in dist.rows]
    assert [row.count_text for row in dist.rows] == counts
    assert sum(int(c.replace(".", "")) for c in counts) == get(ctx, "province", province,
                                                               "vo_schools").value


# --- drawing -----------------------------------------------------------------------------------


def one(block) -> PageContent:
    return PageContent("Test", "test", (block,), 595.28, 841.89)


TILE = KpiContent(id="k", box=Box(28, 600, 180, 93), value=0.76, text="76%",
                  label="van de bibliotheken werkt met de Bibliotheek op school",
                  detail="Groningen 60%, Nederland 76%",
                  lead="Werkt (nog) niet met de Bibliotheek op school.",
                  context="Vergelijkbare grootte (25)", color="#6b4c9a")


def test_a_fallback_tile_draws_all_its_texts_inside_its_box(ctx, pdf):
    data = draw_page(one(TILE), ctx.style)
    text = pdf.flat(data)
    for part in (TILE.lead, TILE.text, TILE.context, TILE.label, TILE.detail):
        assert " ".join(part.split()) in text or all(w in text for w in part.split()), part
    assert pdf.outside(data, TILE.box) == ""
    assert pdf.overlapping(data) == []
    assert min(pdf.sizes(data)) >= 6.5


def test_the_context_stands_beside_the_figure_on_its_line(ctx, pdf):
    chars = pdf.chars(pdf_bytes := draw_page(one(TILE), ctx.style))
    value = next(c for c in chars if c[0] == "%")
    context = next(c for c in chars if c[0] == "V")
    assert context[1] > value[3]  # right of the figure
    assert context[2] < value[4]
    assert context[4] > value[2]
    assert pdf.outside(pdf_bytes, TILE.box) == ""


def test_a_long_lead_shrinks_the_figure_before_the_texts(ctx, pdf):
    long = replace(TILE, lead="Bibliotheek Regio Midden-Westland en Waterweg Samenwerkende "
                              "Gemeenten werkt (nog) niet met de Bibliotheek op school.")
    sizes = pdf.sizes(draw_page(one(long), ctx.style))
    assert max(sizes) < ctx.style.sizes.kpi  # the figure gave way
    assert min(sizes) >= 6.5


def test_steps_are_numbered_and_stay_in_their_box(ctx, pdf):
    steps = StepsContent(id="s", box=Box(28, 300, 300, 90), title="Waar te beginnen",
                         steps=("Neem contact op met de POI van uw provincie.",
                                "Begin met leesbevordering: 83% van de bibliotheken doet dat, "
                                "ook bibliotheken van vergelijkbare grootte."))
    data = draw_page(one(steps), ctx.style)
    text = pdf.flat(data)
    assert text.index("1") < text.index("Neem") < text.index("2") < text.index("Begin")
    assert pdf.outside(data, steps.box) == ""
    assert pdf.overlapping(data) == []


def test_steps_that_cannot_fit_fail_naming_the_block(ctx):
    steps = StepsContent(id="stappen", box=Box(28, 300, 200, 20), title="",
                         steps=tuple(f"Stap {i} met een lange zin die afbreekt." for i in
                                     range(5)))
    with pytest.raises(PageError, match="stappen"):
        draw_page(one(steps), ctx.style)


def test_a_block_that_is_not_a_kpi_shows_its_sentence_as_text(tmp_path, ctx):
    text = (HEAD + "  i:\n    kind: text\n    at: [0, 0]\n    span: [12, 2]\n"
            "    text: \"{po_dbos_locations} locaties\"\n    empty_when: po_dbos_locations\n"
            "    empty_text: Geen locaties.\n")
    block = resolved(ctx, load(tmp_path, text, ctx), WITHOUT_DBOS).blocks[0]
    assert isinstance(block, TextContent)
    assert block.text == "Geen locaties."


@pytest.mark.parametrize("subject", ["po", "vo"])
def test_no_library_page_has_a_bare_sentence_for_a_tile(subject, ctx):
    fallbacks = 0
    for job in plan(ctx.figures, [subject], ["library"]):
        layout, content = page_content(ctx, job)
        for block in content.blocks:
            if isinstance(layout.blocks[block.id], L.Kpi):
                assert isinstance(block, KpiContent), (job.entity_id, block.id)
                assert block.text != nl.DASH or not block.lead, (job.entity_id, block.id)
                fallbacks += bool(block.lead)
    assert fallbacks  # the sample has tiles whose own figure is missing
