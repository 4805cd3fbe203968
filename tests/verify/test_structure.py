"""structure: the structure tree of the national page reads as a sensible text version, with
every layout block in it; a Figure without alternative text and a skipped heading level are
reported."""

from __future__ import annotations

from handmade import checks, paragraph, tagged_pdf

from infographics.page.blocks import SectionContent
from infographics.page.content import PageTarget, resolve
from infographics.verify import Finding, structure_outline, verify_pdf


def test_structure_outline_reads_the_national_page(pages):
    outline = structure_outline(pages[0][0])
    print("\n".join(outline))
    assert outline[0] == "Document"
    assert outline[1] == "  H1: De Bibliotheek en het primair onderwijs"
    headings = [line.strip().removeprefix("H2: ") for line in outline if "H2: " in line]
    assert headings[:2] == ["Samenwerking met basisscholen",
                            "de Bibliotheek op school en vergelijkbare programma's"]
    assert len(headings) >= 3
    figures = [line for line in outline if line.strip().startswith("Figure: ")]
    assert any("78%" in line for line in figures)
    assert all(len(line.strip()) > len("Figure: ") + 10 for line in figures)
    source = next(line for line in outline if "Bron:" in line)
    assert outline.index(source) == len(outline) - 1  # the source note is read last


def test_every_block_is_in_the_structure_with_its_box(ctx, page_jobs, pages):
    """Each layout block is one structure element titled with its id, in reading order; a
    block of several elements is a Div around them."""
    target = PageTarget("national", page_jobs[0].entity_id, page_jobs[0].school_year)
    content = resolve(ctx.layout("po", "national"), ctx.figures, target, ctx.style)
    outline = structure_outline(pages[0][0], blocks=True)
    print("\n".join(outline))
    titled = [line.split("[", 1)[1].split("]", 1)[0] for line in outline if "[" in line]
    assert titled == [b.id for b in content.blocks]
    assert "  Div [header]" in outline
    assert "    H1: De Bibliotheek en het primair onderwijs" in outline
    assert any(line.startswith("  P [kpi_cooperating]: 5.386 schoollocaties") for line in outline)
    # without blocks, the Divs (not read aloud) leave no trace
    assert not any("Div" in line for line in structure_outline(pages[0][0]))


def test_h2_order_is_page_order(ctx, page_jobs, pages):
    layout = ctx.layout("po", "national")
    outline = structure_outline(pages[0][0])
    headings = [line.strip().removeprefix("H2: ") for line in outline if "H2: " in line]
    content = resolve(layout, ctx.figures, PageTarget("national", page_jobs[0].entity_id,
                                                      page_jobs[0].school_year), ctx.style)
    sections = [b for b in content.blocks if isinstance(b, SectionContent)]
    by_position = sorted(sections, key=lambda b: (-round(b.box.y + b.box.h), b.box.x))
    assert headings == [b.text for b in sections]
    assert [b.text for b in by_position] == [b.text for b in sections]


def test_figure_without_alt():
    def draw(c):
        paragraph(c)
        with c.tag("Figure"):
            c.rect(72, 500, 100, 100, fill=1)

    findings = verify_pdf(tagged_pdf(draw))
    assert checks(findings) == {"figure-alt"}
    assert "Figure 1" in findings[0].message


def test_skipped_heading_level():
    def draw(c):
        for role in ("H1", "H3"):
            with c.tag(role):
                c.setFont("Lato", 12)
                c.drawString(72, 700 if role == "H1" else 680, f"Kop {role}")

    findings = verify_pdf(tagged_pdf(draw))
    assert findings == [Finding("headings", "H3 volgt op H1; er ontbreekt een H2")]
