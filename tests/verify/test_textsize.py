"""textsize: text below 6,5 pt on the page fails, named by its block, however the size came
about (a small font, a scaled text matrix or CTM, a matplotlib chart, an artifact); a real
page built with a style whose notes are set at 5 pt fails on its source block; the sample's
pages pass, and the sizes the scan measures are those pdfium reads."""

from __future__ import annotations

import io

import pikepdf
import pytest
from conftest import font_sizes
from handmade import block_pdf, checks, line
from matplotlib.figure import Figure

from infographics.page.content import PageTarget, resolve
from infographics.page.draw import draw_page
from infographics.page.mplcanvas import draw_figure
from infographics.page.style import MIN_TEXT_SIZE
from infographics.verify import verify_pdf
from infographics.verify.scan import scan_page


def _two_blocks(small: float, *, ctm: float = 1.0):
    """A page with a readable block 'intro' and a block 'kaart' whose text is `small` pt (or
    10 pt under a CTM scaled by `ctm`)."""
    def draw(c):
        with c.block("intro", (72, 700, 520, 760)):
            line(c, "Leesbare tekst op 9 pt", 80, 720, size=9)
        with c.block("kaart", (72, 500, 520, 650)):
            c.saveState()
            c.translate(80, 560)
            c.scale(ctm, ctm)
            line(c, "78%", 0, 0, size=small)
            c.restoreState()
    return block_pdf(draw)


def test_text_below_the_minimum_fails_naming_its_block():
    findings = verify_pdf(_two_blocks(5))
    assert checks(findings) == {"text-size"}
    (finding,) = findings
    assert "blok 'kaart'" in finding.message
    assert "5 pt" in finding.message
    assert "6,5 pt" in finding.message
    assert "'78%'" in finding.message
    assert "intro" not in finding.message


@pytest.mark.parametrize("size", [MIN_TEXT_SIZE, 7, 12])
def test_text_at_or_above_the_minimum_passes(size):
    assert verify_pdf(_two_blocks(size)) == []


def test_the_ctm_scale_counts():
    """10 pt text drawn under a CTM scaled by 0.5 shows at 5 pt; scaled up by 2, 4 pt is 8 pt."""
    (finding,) = verify_pdf(_two_blocks(10, ctm=0.5))
    assert "blok 'kaart'" in finding.message
    assert "5 pt" in finding.message
    assert verify_pdf(_two_blocks(4, ctm=2)) == []


def test_a_figure_inside_a_block_is_named_with_its_block():
    def draw(c):
        with c.block("kaart", (72, 500, 520, 650)), c.tag("Figure", alt="Kaart: 78%"):
            c.setFont("Lato", 4.2)
            c.drawString(80, 560, "78%")

    (finding,) = verify_pdf(block_pdf(draw))
    assert "blok 'kaart'" in finding.message
    assert "4,2 pt" in finding.message


def test_small_matplotlib_text_counts():
    def draw(c):
        fig = Figure(figsize=(3, 1), dpi=72)
        fig.text(0.1, 0.5, "klein", fontsize=5, fontfamily="Lato")
        fig.text(0.5, 0.5, "groot", fontsize=9, fontfamily="Lato")
        with c.block("grafiek", (72, 500, 300, 580)), c.tag("Figure", alt="klein en groot"):
            draw_figure(c, fig, 72, 500, 216, 72)

    findings = verify_pdf(block_pdf(draw))
    assert checks(findings) == {"text-size"}
    assert "blok 'grafiek'" in findings[0].message
    assert "klein" in findings[0].message
    assert "groot" not in findings[0].message


def test_small_text_in_an_artifact_counts_too():
    def draw(c):
        with c.block("intro", (72, 700, 520, 760)):
            line(c, "Leesbare tekst", 80, 720)
            with c.artifact():
                c.setFont("Lato", 4)
                c.drawString(80, 705, "versiering")

    (finding,) = verify_pdf(block_pdf(draw))
    assert finding.check == "text-size"
    assert "buiten de structuur" in finding.message
    assert "versiering" in finding.message


def test_a_real_page_with_a_too_small_style_fails_on_its_block(ctx):
    """The style refuses sizes below the minimum when loaded; one forced past that check
    (model_copy does not validate) builds a page whose source note the verifier names."""
    small = ctx.style.model_copy(update={"sizes": ctx.style.sizes.model_copy(
        update={"note": 5.0, "min": 5.0})})
    content = resolve(ctx.layout("po", "national"), ctx.figures,
                      PageTarget("national", "NL", "2020-2021"), small)
    findings = [f for f in verify_pdf(draw_page(content, small)) if f.check == "text-size"]
    assert len(findings) == 1
    assert "blok 'source'" in findings[0].message


def test_the_sizes_measured_are_pdfiums(pages):
    for pdf, _ in pages:
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            scan = scan_page(doc.pages[0])
        ours = sorted({round(size, 1) for _, _, size in scan.sizes})
        theirs = sorted({round(size, 1) for size in font_sizes(pdf)})
        assert ours == theirs
        assert min(ours) >= MIN_TEXT_SIZE
