"""blocks: hand-made pages with blocks of their own fail on exactly the block check that
names their problem (text outside its block, counting its ascent; overlapping blocks; a
figure sticking out of its block; text in no block; a malformed or off-page BBox), and
touching blocks with a figure inside its block pass."""

from __future__ import annotations

from handmade import block_pdf, checks, line, paragraph

from infographics.verify import verify_pdf


def test_text_outside_its_block():
    def draw(c):
        with c.block("kpi_lezen", (72, 600, 200, 700)):
            line(c, "78% van de schoollocaties werkt samen", 80, 650)  # ~170 pt wide
        with c.block("bron", (72, 100, 520, 140)):
            line(c, "Bron: KB", 80, 120)

    findings = verify_pdf(block_pdf(draw))
    assert checks(findings) == {"text-inside-block"}
    (finding,) = findings
    assert "blok 'kpi_lezen'" in finding.message
    assert "78% van de schoollocaties" in finding.message
    assert "bron" not in finding.message


def test_text_above_its_block_counts_its_ascent():
    """The glyph box is checked, not only the baseline: a 20 pt line whose baseline is just
    inside the block top still sticks out above it."""
    def draw(c):
        with c.block("kop", (72, 600, 520, 700)):
            line(c, "Kop", 80, 695, role="H1", size=20)

    assert checks(verify_pdf(block_pdf(draw))) == {"text-inside-block"}


def test_overlapping_blocks():
    def draw(c):
        with c.block("kpi_links", (72, 600, 300, 700)):
            line(c, "Links", 80, 650)
        with c.block("kpi_rechts", (290, 600, 520, 700)):  # 10 pt into kpi_links
            line(c, "Rechts", 300, 650)

    findings = verify_pdf(block_pdf(draw))
    assert checks(findings) == {"blocks-overlap"}
    message = findings[0].message
    assert "blok 'kpi_links'" in message
    assert "blok 'kpi_rechts'" in message
    assert "10.0 x 100.0 pt" in message


def test_touching_blocks_and_a_figure_inside_its_block_pass():
    def draw(c):
        with c.block("links", (72, 600, 300, 700)):
            with c.tag("Figure", alt="Ringdiagram: 78%.", bbox=(80, 640, 290, 700)):
                c.circle(180, 670, 20, fill=1)
                c.setFont("Lato", 10)
                c.drawString(170, 666, "78%")
            line(c, "van de schoollocaties", 80, 620)
        with c.block("rechts", (300, 600, 520, 700)):  # shares an edge with "links"
            line(c, "Rechts", 310, 650)

    assert verify_pdf(block_pdf(draw)) == []


def test_figure_sticking_out_of_its_block_and_text_outside_the_figure():
    def draw(c):
        with (c.block("kaart", (72, 400, 300, 700)),
              c.tag("Figure", alt="Kaart van de provincies.", bbox=(72, 400, 320, 600))):
            c.setFont("Lato", 10)
            c.drawString(80, 650, "Utrecht 78%")  # inside the block, above the figure

    findings = verify_pdf(block_pdf(draw))
    assert checks(findings) == {"block-bbox", "text-inside-block"}
    nesting = next(f for f in findings if f.check == "block-bbox")
    assert "Figure in blok 'kaart'" in nesting.message
    assert "steekt buiten blok 'kaart'" in \
        nesting.message
    text = next(f for f in findings if f.check == "text-inside-block")
    assert "tekst buiten Figure in blok 'kaart'" in text.message
    assert "Utrecht" in text.message


def test_text_without_a_block():
    assert checks(verify_pdf(block_pdf(paragraph))) == {"text-inside-block"}
    assert "geen enkel structuurelement heeft een /BBox" in verify_pdf(block_pdf(paragraph))[0] \
        .message

    def draw(c):
        with c.block("intro", (72, 600, 520, 720)):
            paragraph(c)
        paragraph(c, "Los van elk blok", y=500)

    findings = verify_pdf(block_pdf(draw))
    assert checks(findings) == {"text-inside-block"}
    assert "tekst in geen blok" in findings[0].message
    assert "Los van elk blok" in \
        findings[0].message


def test_malformed_and_off_page_block_boxes():
    def draw(c):
        with c.block("half", (72, 600, 300, 700)) as block:
            line(c, "Half", 80, 650, role="H1")
            line(c, "en half", 80, 630)
        block.bbox = (72, 600, 300)  # three numbers: not a rectangle
        with c.block("weg", (500, 600, 700, 700)):  # runs off the right edge of the page
            line(c, "Rechts", 510, 650)

    findings = verify_pdf(block_pdf(draw))
    assert checks(findings) == {"block-bbox", "text-inside-block"}
    assert any("'half'" in f.message and "geen rechthoek" in f.message for f in findings)
    assert any("'weg'" in f.message and "buiten de pagina" in f.message for f in findings)
    # so the text of "half" has no block to be in
    assert any("tekst in geen blok" in f.message and "Half" in f.message for f in findings)
