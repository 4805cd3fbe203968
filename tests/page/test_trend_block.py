"""Trends, change sentences, merger notes and marks on built pages of the four-year data set
(tests/multiyear.py): the drawn series is read back from the page's own Figure alt text, and
no line joins two years with a break between them."""

from __future__ import annotations

import io
import re
from functools import cache

import multiyear
import pikepdf
import pytest
from pypdf import PdfReader

from infographics.edition.build import load_context, page_content, render
from infographics.edition.plan import plan
from infographics.page.blocks import ComparisonContent, TextContent, TrendContent
from infographics.verify import verify_pdf
from infographics.verify.structtree import StructTree


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    return load_context(multiyear.write(tmp_path_factory.mktemp("multiyear") / "data"))


@pytest.fixture(scope="module")
def pages(ctx):
    jobs = plan(ctx.figures, ["po", "vo"], ["national", "province", "library"], years=["all"])

    @cache
    def get(subject, year, entity_id):
        job = next(j for j in jobs if (j.subject, j.school_year, j.entity_id)
                   == (subject, year, entity_id))
        return job, render(ctx, job)

    return get


def text_of(pdf: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def figure_alt(pdf: bytes, block: str) -> str:
    """The alt text of the Figure in `block`, as a screen reader gets it from the page."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        tree = StructTree.read(doc)
    for elem in tree.elements:
        outer = next((a for a in elem.ancestors() if a.title), None)
        if elem.role == "Figure" and ((outer and outer.title == block) or elem.title == block):
            return elem.alt or ""
    raise AssertionError(f"geen Figure in blok {block!r}")


def drawn_lines(alt: str, label: str) -> list[list[str]]:
    """The school years of each line drawn in the panel `label`, read from the alt text."""
    panel = alt.split(f"{label}: ", 1)[1].split(";", 1)[0]
    lines = [re.split(r", (?:trendbreuk|\d{4}-\d{4} onbekend)", part)[0]
             for part in panel.split("lijn ")[1:]]
    return [re.findall(r"\d{4}-\d{4}", line) for line in lines]


def test_a_break_is_never_bridged_on_the_page(pages):
    _, pdf = pages("po", "2022-2023", "NL")
    alt = figure_alt(pdf, "trend")
    lines = drawn_lines(alt, "Samenwerking met schoollocaties")
    assert lines == [["2020-2021", "2021-2022"], ["2022-2023"]]
    for years in lines:  # the break 2022-2023 lies between no two years of one line
        assert all(y < "2022-2023" for y in years) or all(y >= "2022-2023" for y in years)
    assert "trendbreuk 2022-2023" in alt
    text = text_of(pdf)
    assert "trendbreuk" in text
    assert "Trendbreuk 2022-2023: Vanaf 2022-2023 telt ook algemene samenwerking" in text
    for value in ("53%", "64%", "74%"):  # 90/170, 109/170, 126/170: first and last of lines
        assert value in text


def test_the_trend_page_passes_verification(ctx, pages):
    job, pdf = pages("po", "2022-2023", "NL")
    _, content = page_content(ctx, job)
    assert verify_pdf(pdf, content.numbers) == []


def test_the_intro_says_how_this_year_compares(pages):
    text = text_of(pages("po", "2021-2022", "NL")[1])
    assert "3 basisbibliotheken vulden de Bibliotheekmonitor in (1 minder dan in 2020-2021)" in text
    assert "109 van de 170 schoollocaties in het primair onderwijs in hun werkgebied " \
           "(19 meer dan in 2020-2021)." in text
    later = text_of(pages("po", "2022-2023", "NL")[1])
    assert "(evenveel als in 2021-2022)" in later
    assert "in hun werkgebied." in later  # a break: no comparison, no empty brackets
    assert "()" not in later


def test_an_edition_without_earlier_years_says_so(pages):
    text = text_of(pages("po", "2020-2021", "NL")[1])  # the first PO survey of the data
    assert "Er zijn nog geen eerdere schooljaren om mee te vergelijken." in text


def test_a_merged_library_names_whom_it_continues(ctx, pages):
    job, pdf = pages("vo", "2022-2023", "bib-m")
    text = text_of(pdf)
    assert ("Bibliotheek Rijn is in 2021-2022 ontstaan uit Bibliotheek Arnhem en Bibliotheek "
            "Ede") in text
    alt = figure_alt(pdf, "trend")
    assert drawn_lines(alt, "Samenwerkende vo-schoollocaties") == [["2021-2022", "2022-2023"]]
    _, content = page_content(ctx, job)
    trend = next(b for b in content.blocks if isinstance(b, TrendContent))
    assert [p.text for p in trend.panels[0].points] == ["60%", "70%"]  # its own 6/10, 7/10


def test_marks_are_words_and_never_on_a_suppressed_figure(ctx, pages):
    job, pdf = pages("po", "2022-2023", "bib-c")
    _, content = page_content(ctx, job)
    compare = next(b for b in content.blocks if isinstance(b, ComparisonContent))
    bars = {bar.label: bar for bar in compare.groups[0].bars}
    # Overijssel has bib-c only: its share is suppressed (N 1 < 3), so it is not compared
    assert bars["Overijssel"].text == "\u2013"
    assert bars["Overijssel"].mark is None
    # bib-c 28/40 = 70% against the country's 126/170 = 74%: 4 points, vergelijkbaar
    assert bars["Nederland"].mark == "vergelijkbaar"
    assert bars["Bibliotheek Zwolle"].mark is None  # its own bar
    assert "Nederland 74% (Bibliotheek Zwolle vergelijkbaar)" in compare.alt
    assert "vergelijkbaar" in text_of(pdf)
    assert compare.legend.startswith(
        "Bibliotheek Zwolle vergeleken met elke groep: hoger of lager bij minstens 5 "
        "procentpunt verschil, buiten de 95%-onzekerheidsmarge")


def test_a_library_without_earlier_years_gets_its_trend_in_words(ctx, pages):
    job, pdf = pages("po", "2020-2021", "bib-a")
    _, content = page_content(ctx, job)
    block = next(b for b in content.blocks if b.id == "trend")
    assert isinstance(block, TextContent)
    assert "Er zijn nog geen eerdere schooljaren" in text_of(pdf)
