"""Composing pages: every block kind renders, text that does not fit is shrunk or fails naming its
block, and the golden pages do not change unnoticed.

GOLDEN FILES (tests/golden/, compared by tests/goldenpages.py: the text exactly, the picture
within a tolerance): the PO national page, the PO provincial page of Gelderland, the local PO and
VO pages of bib-0027 (the library with the longest name in the sample) and the star-checklist
page of school 09JC00, all of the sample's latest school year. When a page changes on purpose,
look at the new rendering and regenerate the reference files with `pytest --regen-golden`, then
review `git diff --stat tests/golden` and commit the new files with the change that made them.
On a failure the new rendering is saved in the test's tmp_path (the message names it).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from goldenpages import TOLERANCE, cells, check_golden
from reportlab.lib.utils import simpleSplit

from infographics.edition.build import render
from infographics.edition.plan import plan
from infographics.errors import PageError
from infographics.page.blocks import (
    Bar,
    BarsContent,
    BlockContent,
    Box,
    ComparisonContent,
    ComparisonGroup,
    DistributionContent,
    DonutContent,
    HeaderContent,
    KpiContent,
    MapCell,
    MapContent,
    OfferRow,
    OffersContent,
    PageContent,
    PictogramContent,
    SectionContent,
    SourceContent,
    StepsContent,
    TextContent,
    TrendContent,
    TrendPanel,
    TrendPoint,
)
from infographics.page.draw import LEADING, draw_page

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
W, H = 595.28, 841.89


def one(block: BlockContent) -> PageContent:
    return PageContent("Testpagina", "test", (block,), W, H)


def bar(label, fraction, text, color="#1f5f99"):
    return Bar(label, fraction, text, color)


CASES = {
    "header": (HeaderContent(id="header", box=Box(28, 740, 539, 74),
                             title="De Bibliotheek en het primair onderwijs",
                             subtitle="Nederland · schooljaar 2020-2021"),
               ["De Bibliotheek en het primair onderwijs", "Nederland · schooljaar 2020-2021"]),
    "section": (SectionContent(id="sec", box=Box(28, 700, 539, 16),
                               text="Samenwerking met basisscholen"),
                ["Samenwerking met basisscholen"]),
    "text": (TextContent(id="intro", box=Box(28, 600, 300, 60),
                         text="140 basisbibliotheken vulden de Bibliotheekmonitor in."),
             ["140 basisbibliotheken vulden de Bibliotheekmonitor in."]),
    "kpi-fallback": (KpiContent(id="kpi", box=Box(28, 600, 180, 93), value=9, text="9",
                                label="bibliotheken werken met een vergelijkbaar programma",
                                detail="van de 25", lead="Geen vergelijkbaar programma.",
                                context="Vergelijkbare grootte (25)", color="#6b4c9a"),
                     ["Geen vergelijkbaar programma.", "9", "Vergelijkbare grootte (25)",
                      "bibliotheken werken met een vergelijkbaar programma", "van de 25"]),
    "steps": (StepsContent(id="steps", box=Box(28, 300, 539, 80), title="Waar te beginnen",
                           steps=("Neem contact op met Rijnbrink.",
                                  "Begin met leesbevordering: 83% van de bibliotheken doet dat.")),
              ["Waar te beginnen", "1", "Neem contact op met Rijnbrink.", "2",
               "Begin met leesbevordering: 83% van de bibliotheken doet dat."]),
    "source": (SourceContent(id="source", box=Box(28, 28, 539, 30),
                             text="Bron: Bibliotheekmonitor, KB, schooljaar 2020-2021."),
               ["Bron: Bibliotheekmonitor, KB, schooljaar 2020-2021."]),
    "kpi": (KpiContent(id="kpi", box=Box(100, 500, 130, 110), value=5386, text="5.386",
                       label="schoollocaties werken samen",
                       detail="van de 6.870 in het werkgebied"),
            ["5.386", "schoollocaties werken samen", "van de 6.870 in het werkgebied"]),
    "donut": (DonutContent(id="donut", box=Box(100, 500, 130, 130), fraction=0.784, text="78%",
                           label="werkt samen met de bibliotheek",
                           alt="Ringdiagram: 78% werkt samen met de bibliotheek."),
              ["78%", "werkt samen met de bibliotheek"]),
    "donut-unknown": (DonutContent(id="donut", box=Box(100, 500, 130, 130), fraction=None,
                                   text="\u2013", label="onbekend", alt="x"),
                      ["\u2013", "onbekend"]),
    "pictogram": (PictogramContent(id="pict", box=Box(28, 400, 330, 100), fraction=0.7,
                                   text="7 van de 10", label="kinderen is lid", icons=10,
                                   alt="Pictogram"),
                  ["7 van de 10", "kinderen is lid"]),
    "bars": (BarsContent(id="bars", box=Box(28, 300, 330, 140), title="Verankering",
                         bars=(bar("met een leesplan", 0.37, "37%"),
                               bar("met een mediaplan", 0.17, "17%"),
                               bar("onbekend", None, "\u2013")), alt="Staafdiagram"),
             ["Verankering", "met een leesplan", "37%", "met een mediaplan", "17%"]),
    "comparison": (ComparisonContent(
        id="compare", box=Box(28, 300, 539, 130), title="",
        groups=(ComparisonGroup("Leesbevordering", (bar("Fryslân", 0.81, "81%"),
                                                    bar("Nederland", 0.74, "74%", "#3b4a59"))),
                ComparisonGroup("Digitaal", (bar("Fryslân", 0.35, "35%"),
                                             bar("Nederland", None, "\u2013", "#3b4a59")))),
        alt="Staafdiagram, vergelijking"),
                   ["Leesbevordering", "Digitaal", "Fryslân", "Nederland", "81%", "74%", "35%"]),
    "map": (MapContent(id="map", box=Box(380, 300, 180, 160), title="Per provincie",
                       cells=(MapCell("PV21", "Fryslân", "87%", 0.87, 1),
                              MapCell("PV20", "Groningen", "71%", 0.71, 0),
                              MapCell("PV31", "Limburg", "\u2013", None, None)),
                       classes=("70-79%", "80-89%"), credit="Kaartgrenzen: CBS",
                       alt="Kaart", highlight="PV21"),
            ["Per provincie", "87%", "71%", "70-79%", "80-89%", "onbekend", "Fryslân",
             "Kaartgrenzen: CBS"]),
    "offers": (OffersContent(id="offers", box=Box(300, 300, 260, 90),
                             title="Hoe stevig is de samenwerking verankerd?",
                             rows=(OfferRow("Onderdeel van het beleidsplan", True, "ja"),
                                   OfferRow("Structurele financiering", False, "nee"),
                                   OfferRow("Meerjarig vastgelegd", None, "onbekend")),
                             alt="Verankering"),
               ["Hoe stevig is de samenwerking verankerd?", "Onderdeel van het beleidsplan",
                "ja", "Structurele financiering", "nee", "onbekend"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_block_kind_renders(case, ctx, pdf):
    block, expected = CASES[case]
    data = draw_page(one(block), ctx.style)
    assert data.startswith(b"%PDF-")
    assert pdf.pages(data) == 1
    text = pdf.flat(data)
    for s in expected:
        assert s in text, (s, text)


@pytest.mark.parametrize("case", ["header", "section", "text", "source", "kpi"])
def test_text_blocks_stay_inside_their_box(case, ctx, pdf):
    block, _ = CASES[case]
    assert pdf.outside(draw_page(one(block), ctx.style), block.box) == ""


def test_all_kinds_on_one_page(ctx, pdf):
    blocks = tuple(b for case, (b, _) in CASES.items() if case in (
        "header", "section", "source", "kpi", "pictogram", "map", "offers"))
    data = draw_page(PageContent("t", "s", blocks, W, H), ctx.style)
    assert pdf.pages(data) == 1
    assert pdf.overlapping(data) == []


def test_document_info(ctx):
    import io

    import pypdf

    data = draw_page(one(CASES["header"][0]), ctx.style)
    meta = pypdf.PdfReader(io.BytesIO(data)).metadata
    assert meta.title == "Testpagina"
    assert meta.subject == "test"
    assert meta.author == "KB - Bibliotheekmonitor"


# --- overflow ------------------------------------------------------------------------------------


def test_far_too_long_text_fails_naming_the_block(ctx):
    long = "Een zin die veel te lang is voor dit kleine blok. " * 40
    block = TextContent(id="intro_long", box=Box(28, 600, 200, 30), text=long)
    with pytest.raises(PageError) as info:
        draw_page(one(block), ctx.style)
    assert info.value.block == "intro_long"
    assert str(info.value).startswith("blok 'intro_long': tekst past niet")


@pytest.mark.parametrize("kind", ["section", "source", "kpi", "header"])
def test_far_too_long_text_in_other_kinds_fails_naming_the_block(kind, ctx):
    long = "veel te lange tekst " * 60
    at = {"id": f"b_{kind}", "box": Box(28, 600, 150, 40)}
    block = {
        "section": lambda: SectionContent(**at, text=long),
        "source": lambda: SourceContent(**at, text=long),
        "kpi": lambda: KpiContent(**at, value=12, text="12", label=long, detail=""),
        "header": lambda: HeaderContent(**at, title=long, subtitle=long),
    }[kind]()
    with pytest.raises(PageError) as info:
        draw_page(one(block), ctx.style)
    assert info.value.block == f"b_{kind}"


def test_a_comparison_without_room_for_its_bars_fails_naming_the_block(ctx, pdf):
    """The marks legend takes its lines from the bars' height: in a narrow, low box the bars
    would be drawn over each other, so drawing fails; with the width, the same block fits."""
    marked = (Bar("Groningen", 0.0, "0%", "#1f5f99"),
              Bar("Nederland", 0.2, "20%", "#3b4a59", "lager"))
    legend = ("Groningen vergeleken met elke groep: hoger of lager bij minstens 5 procentpunt "
              "verschil, buiten de 95%-onzekerheidsmarge; anders vergelijkbaar.")
    narrow = ComparisonContent(id="compare_narrow", box=Box(300, 580, 130, 93), title="",
                               groups=(ComparisonGroup("Met commerciële partners", marked),),
                               alt="Staafdiagram", legend=legend)
    with pytest.raises(PageError) as info:
        draw_page(one(narrow), ctx.style)
    assert info.value.block == "compare_narrow"
    assert "de vergelijking past niet" in str(info.value)
    wide = replace(narrow, box=Box(300, 580, 266, 93))
    data = draw_page(one(wide), ctx.style)
    assert pdf.overlapping(data) == []
    assert "lager" in pdf.flat(data)


YEARS5 = ("2018-2019", "2019-2020", "2020-2021", "2021-2022", "2022-2023")


@pytest.mark.parametrize(("runs", "breaks"), [(((0,), (1, 2, 3, 4)), (1,)),
                                              (((0, 1), (2, 3), (4,)), (2, 4)),
                                              (((0,), (1,), (2, 3, 4)), (1, 2))])
def test_trend_values_beside_a_break_do_not_run_into_each_other(ctx, pdf, runs, breaks):
    """After a break two runs' ends are neighbours: their values (100% is wide) in a narrow
    panel must each find their own place (the VO page of Zeeland had "100%100%")."""
    points = tuple(TrendPoint(year, 1.0, "100%") for year in YEARS5)
    panel = TrendPanel("Bibliotheken die samenwerken met het vo", points, runs, breaks)
    block = TrendContent(id="trend", box=Box(28, 100, 539, 110), title="", alt="Trend",
                         panels=(panel,) * 4, top=1.0, notes=())
    data = draw_page(one(block), ctx.style)
    assert pdf.overlapping(data) == []
    labelled = len({j for run in runs for j in (run[0], run[-1])})
    assert pdf.flat(data).count("100%") == 4 * labelled
    assert pdf.flat(data).count("trendbreuk") >= 4  # adjacent breaks: one word, two rules


def test_trend_values_that_find_no_place_fail_naming_the_block(ctx):
    points = tuple(TrendPoint(year, 0.5, "123.456.789") for year in YEARS5)
    panel = TrendPanel("Leden", points, tuple((j,) for j in range(5)), (1, 2, 3, 4))
    block = TrendContent(id="trend_narrow", box=Box(28, 100, 539, 110), title="", alt="Trend",
                         panels=(panel,) * 4, top=1.0, notes=())
    with pytest.raises(PageError) as info:
        draw_page(one(block), ctx.style)
    assert info.value.block == "trend_narrow"
    assert "past niet naast de andere waarden" in str(info.value)


def slightly_too_long(font: str, size: float, width: float, lines: int) -> str:
    """A text that wraps to `lines` + 1 lines at `size`, its last line a single word."""
    words = ["De", "bibliotheek", "werkt", "samen", "met", "schoollocaties", "in", "het",
             "primair", "onderwijs", "aan", "leesbevordering", "en", "digitale", "geletterdheid",
             "in", "het", "hele", "werkgebied"]
    text = ""
    i = 0
    while True:
        candidate = f"{text} {words[i % len(words)]}".strip()
        if len(simpleSplit(candidate, font, size, width)) > lines:
            return candidate
        text, i = candidate, i + 1


def test_slightly_too_long_text_is_shrunk_and_fits(ctx, pdf):
    t = ctx.style
    width, size = 260.0, t.sizes.body
    height = 3 * size * LEADING + 0.5  # room for three lines at the body size
    text = slightly_too_long(t.fonts.regular, size, width, 3)
    assert len(simpleSplit(text, t.fonts.regular, size, width)) == 4
    box = Box(60, 500, width, height)
    block = TextContent(id="intro", box=box, text=text, size="body", bold=False)
    data = draw_page(one(block), t)
    sizes = set(pdf.sizes(data))
    assert len(sizes) == 1
    shrunk = sizes.pop()
    assert t.sizes.min <= shrunk < size
    assert pdf.outside(data, box) == ""
    assert pdf.flat(data) == text


def test_text_that_fits_is_not_shrunk(ctx, pdf):
    block, _ = CASES["text"]
    assert set(pdf.sizes(draw_page(one(block), ctx.style))) == {ctx.style.sizes.body}


@pytest.mark.parametrize("entity_id", ["bib-0027", "bib-0078"])
def test_longest_library_names_fit_the_header(entity_id, page, pdf):
    """The two longest names of the sample (69 characters) on their local pages."""
    import csv

    with (SAMPLE / "libraries.csv").open(encoding="utf-8", newline="") as fh:
        names = {r["library_id"]: r["library_name"] for r in csv.DictReader(fh)}
    longest = max(len(n) for n in names.values())
    name = names[entity_id]
    assert len(name) == longest
    p = page(entity_id)
    header = next(b for b in p.content.blocks if b.id == "header")
    assert header.subtitle == f"{name} · schooljaar 2020-2021"
    assert f"{name} · schooljaar 2020-2021" in p.flat
    band = [c for c in pdf.chars(p.pdf) if c[2] >= header.box.y]
    assert band, "no text in the header"
    inside = [c for c in band if header.box.x <= c[1] and c[3] <= header.box.x + header.box.w
              and c[4] <= header.box.y + header.box.h]
    assert len(inside) == len(band)


def test_drawing_error_names_the_block(ctx):
    """Content the composer cannot draw (a distribution without rows divides by zero) fails
    as a PageError naming the block and the original error."""
    block = DistributionContent(id="kapot", box=Box(100, 500, 130, 110), alt="x", title="t",
                                note="", rows=(), max_stars=4)
    with pytest.raises(PageError) as info:
        draw_page(one(block), ctx.style)
    assert info.value.block == "kapot"
    assert "ZeroDivisionError" in str(info.value)


def draw_or_error(content: PageContent, style) -> bytes | PageError:
    """The page's PDF, or the PageError that drawing it raised."""
    try:
        return draw_page(content, style)
    except PageError as err:
        return err


def test_long_offers_title_is_fitted_or_fails(ctx, pdf):
    box = Box(100, 400, 120, 60)
    block = OffersContent(id="offers", box=box,
                          title="Een heel erg lange titel die nooit in dit kleine blok past",
                          rows=(OfferRow("Structurele financiering door gemeente en provincie",
                                         True, "ja"),),
                          alt="x")
    drawn = draw_or_error(one(block), ctx.style)
    if isinstance(drawn, PageError):
        assert drawn.block == "offers"
    else:
        assert pdf.outside(drawn, box) == ""


def test_long_chart_title_is_fitted_or_fails(ctx, pdf):
    box = Box(100, 400, 160, 80)
    block = BarsContent(id="bars", box=box,
                        title="Een heel erg lange titel die nooit in dit kleine blok past",
                        bars=(bar("x", 0.5, "50%"),), alt="x")
    drawn = draw_or_error(one(block), ctx.style)
    if isinstance(drawn, PageError):
        assert drawn.block == "bars"
    else:
        assert pdf.outside(drawn, box) == ""


# --- real pages: no text over text ---------------------------------------------------------------

@pytest.mark.parametrize("entity_id", [
    "NL", "PV21", "PV28",
    "bib-0001", "bib-0027", "bib-0078",
])
def test_no_text_is_drawn_over_other_text(entity_id, page, pdf):
    assert pdf.overlapping(page(entity_id).pdf) == []


@pytest.mark.parametrize("entity_id", ["NL", "PV21", "bib-0027"])
def test_page_is_one_a4_page(entity_id, page, pdf):
    import io

    import pypdf

    data = page(entity_id).pdf
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((W, H), abs=0.01)


# --- reproducibility and golden pages ------------------------------------------------------------


def test_same_input_gives_identical_bytes(ctx, po_jobs, page):
    job = po_jobs["bib-0027"]
    first, second = render(ctx, job), render(ctx, job)
    assert first == second
    assert first == page("bib-0027").pdf  # resolve + draw_page gives what build.render gives


# the latest school year of the sample, with its trends over the years before it
GOLDEN_PAGES = {
    ("po", "national", "NL"): "po-landelijk-nederland",
    ("po", "province", "PV25"): "po-provinciaal-gelderland",
    ("po", "library", "bib-0027"): "po-lokaal-bib-0027",
    ("vo", "library", "bib-0027"): "vo-lokaal-bib-0027",
    ("vo", "school", "09JC00"): "vo-school-09jc00",
}


@pytest.fixture(scope="module")
def golden_jobs(ctx):
    jobs = plan(ctx.figures, ["po", "vo"], ["national", "province", "library", "school"],
                only=[key[2] for key in GOLDEN_PAGES])  # the latest year: plan's default
    return {(j.subject, j.level, j.entity_id): j for j in jobs}


@pytest.mark.parametrize("key", list(GOLDEN_PAGES), ids="-".join)
def test_golden_page(key, golden_jobs, ctx, pdf, regen_golden, tmp_path):
    check_golden(GOLDEN_PAGES[key], render(ctx, golden_jobs[key]), pdf, regen_golden, tmp_path)



def test_image_comparison_catches_a_moved_block(ctx, page, pdf):
    """The tolerance is wide enough for font rendering, narrow enough for a moved block."""
    import dataclasses

    import numpy as np

    content = page("NL").content
    original = pdf.gray(page("NL").pdf)
    # font rendering without anti-aliasing: much rougher than a new font version
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(page("NL").pdf)
    rough = np.asarray(doc[0].render(scale=1, no_smoothtext=True).to_pil().convert("L"))
    doc.close()
    assert np.abs(cells(original) - cells(rough)).max() <= TOLERANCE
    # the KPI tile of active members moved down by one grid row (13.8 pt + 6 pt gutter)
    moved = tuple(
        dataclasses.replace(b, box=dataclasses.replace(b.box, y=b.box.y - 19.8))
        if b.id == "kpi_active" else b for b in content.blocks)
    shifted = pdf.gray(draw_page(dataclasses.replace(content, blocks=moved), ctx.style))
    assert np.abs(cells(original) - cells(shifted)).max() > TOLERANCE
