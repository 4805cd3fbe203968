"""verify: real pages from the sample pass every check; hand-made broken PDFs fail on exactly
the check that names their problem; the structure tree of the national page reads as a sensible
text version; a folder's manifest hashes are checked."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from infographics.edition.build import build_edition, load_context, render_page
from infographics.edition.plan import plan
from infographics.levels import PAGE_LEVELS, SUBJECTS
from infographics.page import fonts
from infographics.page.blocks import SectionContent
from infographics.page.content import PageTarget, resolve
from infographics.page.draw import draw_page
from infographics.page.tagging import TaggedCanvas
from infographics.verify.checks import (
    Finding,
    _open,
    _operations,
    _scan_page,
    _tokenize,
    _Unparsed,
    structure_outline,
    verify_folder,
    verify_pdf,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"


@pytest.fixture(scope="module")
def ctx():
    return load_context(SAMPLE)


@pytest.fixture(scope="module")
def po_jobs(ctx):
    national = plan(ctx.figures, ["po"], ["national"])
    local = plan(ctx.figures, ["po"], ["library"])
    return [national[0], local[0], local[len(local) // 2]]


def build(ctx, job) -> tuple[bytes, tuple[str, ...]]:
    """A page's PDF and the figures it shows."""
    content = resolve(ctx.layout(job.subject, job.level), ctx.figures,
                      PageTarget(job.level, job.entity_id, job.school_year), ctx.style)
    return draw_page(content, ctx.style), content.numbers


@pytest.fixture(scope="module")
def pages(ctx, po_jobs) -> list[tuple[bytes, tuple[str, ...]]]:
    return [build(ctx, job) for job in po_jobs]


def checks(findings: list[Finding]) -> set[str]:
    return {f.check for f in findings}


def tagged_pdf(draw, pages: int = 1, block: bool = True) -> bytes:
    """A TaggedCanvas page (Lato, title, XMP, Lang) with whatever `draw(canvas)` puts on it,
    inside one block the size of the page (unless `block` is False)."""
    fonts.register()
    buf = io.BytesIO()
    c = TaggedCanvas(buf, title="Testpagina", author="test", subject="verify", pagesize=A4,
                     initialFontName="Lato", invariant=1)
    for _ in range(pages):
        if block:
            with c.block("pagina", (0, 0, *A4)):
                draw(c)
        else:
            draw(c)
        c.showPage()
    c.save()
    return buf.getvalue()


def paragraph(c, text: str = "78% van de schoollocaties", x: float = 72, y: float = 700):
    with c.tag("P", text=text):
        c.setFont("Lato", 10)
        c.drawString(x, y, text)


def plain_pdf(font: str) -> bytes:
    fonts.register()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1, initialFontName=font)
    c.setTitle("Zonder tags")
    c.setFont(font, 12)
    c.drawString(72, 700, "Zonder structuur")
    c.showPage()
    c.save()
    return buf.getvalue()


# --- real pages -----------------------------------------------------------------------------


def test_sample_pages_pass_every_check(pages):
    for pdf, numbers in pages:
        assert numbers, "the page shows figures"
        assert verify_pdf(pdf, numbers) == []


@pytest.fixture(scope="module")
def one_of_each_kind(ctx):
    """A page of every kind: PO and VO national, provincial and local, a VO school page, and a
    local VO page of a library without VO cooperation (the plain fallback layout)."""
    jobs = plan(ctx.figures, SUBJECTS, PAGE_LEVELS)
    chosen = {}
    for job in jobs:
        chosen.setdefault((job.subject, job.level), job)
    plain = [j for j in jobs if j.subject == "vo" and j.level == "library"
             and not ctx.figures.get(j.school_year, "library", j.entity_id,
                                     "vo_locations_cooperating").value]
    assert len(chosen) == 7
    assert plain
    return [*chosen.values(), plain[0]]


def test_every_page_kind_passes(ctx, one_of_each_kind):
    for job in one_of_each_kind:
        pdf, numbers = render_page(ctx, job)
        assert verify_pdf(pdf, numbers) == [], job.path


def test_a_good_page_passes_from_a_file(tmp_path, pages):
    path = tmp_path / "page.pdf"
    path.write_bytes(pages[0][0])
    assert verify_pdf(path) == []


def test_tokenizer_reads_what_pypdf_reads(pages):
    def norm(x):
        if isinstance(x, list):
            return [norm(i) for i in x]
        if isinstance(x, dict):
            return {str(k): norm(v) for k, v in x.items()}
        if isinstance(x, int | float) and not isinstance(x, bool):
            return round(float(x), 6)
        if hasattr(x, "get_original_bytes"):
            return x.get_original_bytes()
        return bytes(x) if isinstance(x, bytes) else str(x)

    page = PdfReader(io.BytesIO(pages[1][0])).pages[0]
    ours = _tokenize(page.get_contents().get_data())
    theirs = page.get_contents().operations
    assert [(norm(o), op) for o, op in ours] == [(norm(o), bytes(op)) for o, op in theirs]


def test_unusual_streams_fall_back_to_qpdf():
    data = b"/P <</MCID 0>> BDC BT /F1 9 Tf 10 10 Td (a (nested) string) Tj ET EMC"
    with pytest.raises(_Unparsed):
        _tokenize(data)
    ops = _operations(data)
    assert [op for _, op in ops] == [b"BDC", b"BT", b"Tf", b"Td", b"Tj", b"ET", b"EMC"]
    assert ops[0][0] == ["/P", {"/MCID": 0.0}]
    assert ops[4][0][0] == b"a (nested) string"
    image = b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \xff EI Q"
    assert [op for _, op in _operations(image)] == [b"q", b"cm", b"INLINE IMAGE", b"Q"]


def test_shortcuts_of_the_content_walk_change_nothing(ctx, pages, one_of_each_kind):
    """The walk's shortcuts (a ReportLab text line as one step, skipped path operations, the
    plain BDC) find exactly what the operation-by-operation walk finds."""
    pdfs = [pdf for pdf, _ in pages] + [render_page(ctx, job)[0] for job in one_of_each_kind]
    for pdf in pdfs:
        with _open(pdf) as doc:
            fast = _scan_page(doc.pages[0])
            plain = _scan_page(doc.pages[0], operations=_tokenize)
        assert fast.runs
        assert fast == plain


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


def test_every_block_is_in_the_structure_with_its_box(ctx, po_jobs, pages):
    """Each layout block is one structure element titled with its id, in reading order; a
    block of several elements is a Div around them."""
    content = resolve(ctx.layout("po", "national"), ctx.figures,
                      PageTarget("national", po_jobs[0].entity_id, po_jobs[0].school_year), ctx.style)
    outline = structure_outline(pages[0][0], blocks=True)
    print("\n".join(outline))
    titled = [line.split("[", 1)[1].split("]", 1)[0] for line in outline if "[" in line]
    assert titled == [b.id for b in content.blocks]
    assert "  Div [header]" in outline
    assert "    H1: De Bibliotheek en het primair onderwijs" in outline
    assert any(line.startswith("  P [kpi_cooperating]: 5.386 schoollocaties") for line in outline)
    # without blocks, the Divs (not read aloud) leave no trace
    assert not any("Div" in line for line in structure_outline(pages[0][0]))


def test_h2_order_is_page_order(ctx, po_jobs, pages):
    layout = ctx.layout("po", "national")
    outline = structure_outline(pages[0][0])
    headings = [line.strip().removeprefix("H2: ") for line in outline if "H2: " in line]
    content = resolve(layout, ctx.figures, PageTarget("national", po_jobs[0].entity_id,
                                                  po_jobs[0].school_year), ctx.style)
    sections = [b for b in content.blocks if isinstance(b, SectionContent)]
    by_position = sorted(sections, key=lambda b: (-round(b.box.y + b.box.h), b.box.x))
    assert headings == [b.text for b in sections]
    assert [b.text for b in by_position] == [b.text for b in sections]


# --- broken PDFs, each named by its check ---------------------------------------------------


def test_figure_without_alt():
    def draw(c):
        paragraph(c)
        with c.tag("Figure"):
            c.rect(72, 500, 100, 100, fill=1)

    findings = verify_pdf(tagged_pdf(draw))
    assert checks(findings) == {"figure-alt"}
    assert "Figure 1" in findings[0].message


def test_untagged_content():
    def draw(c):
        paragraph(c)
        c.setFont("Lato", 10)
        c.drawString(72, 600, "Niet getagd")

    findings = verify_pdf(tagged_pdf(draw))
    assert checks(findings) == {"untagged-content"}
    assert "Niet getagd" in findings[0].message


def test_type3_font():
    fig = Figure(figsize=(2, 1))
    fig.text(0.5, 0.5, "78%")
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 3}):
        fig.savefig(buf, format="pdf")
    findings = verify_pdf(buf.getvalue())
    assert "no-type3" in checks(findings)
    assert any("Type 3" in f.message for f in findings if f.check == "no-type3")
    assert {"tagged", "a4", "lang"} <= checks(findings)


def test_text_outside_the_page():
    pdf = tagged_pdf(lambda c: (paragraph(c), paragraph(c, "Buiten beeld", x=700)))
    findings = verify_pdf(pdf)
    assert checks(findings) == {"text-inside-page"}
    assert "Buiten beeld" in findings[0].message


def test_text_running_off_the_right_edge():
    pdf = tagged_pdf(lambda c: paragraph(c, "Een lange regel die over de rand loopt", x=450))
    assert checks(verify_pdf(pdf)) == {"text-inside-page"}


def test_two_pages():
    findings = verify_pdf(tagged_pdf(paragraph, pages=2))
    assert "one-page" in checks(findings)
    assert any("2 pagina's" in f.message for f in findings)


def test_plain_canvas_is_not_tagged():
    findings = verify_pdf(plain_pdf("Lato"))
    found = checks(findings)
    assert {"lang", "tagged", "untagged-content", "xmp-pdfua", "display-doc-title"} <= found
    assert "fonts-embedded" not in found
    assert any("StructTreeRoot" in f.message for f in findings)


def test_unembedded_font():
    findings = verify_pdf(plain_pdf("Helvetica"))
    embedded = [f for f in findings if f.check == "fonts-embedded"]
    assert embedded
    assert "Helvetica" in embedded[0].message
    assert "tounicode" in checks(findings)


def test_expected_number_missing():
    findings = verify_pdf(tagged_pdf(paragraph), ["78%", "12.345"])
    assert findings == [Finding("numbers", "getal '12.345' staat niet in de tekst")]


def test_numbers_wrapped_over_lines_and_no_break_spaces_still_match():
    def draw(c):
        with c.tag("P"):
            c.setFont("Lato", 10)
            c.drawString(72, 700, "bereikt: 7 van")
            c.drawString(72, 688, "de 10 kinderen")

    assert verify_pdf(tagged_pdf(draw), ["7 van de 10", "7\u00a0van de\u00a010"]) == []
    for partial in ("7 van de 1", "0 kinderen", "17 van de 10"):
        assert checks(verify_pdf(tagged_pdf(draw), [partial])) == {"numbers"}, partial


def test_not_a_pdf_or_a_damaged_one(pages):
    assert checks(verify_pdf(b"geen pdf")) == {"pdf"}
    good = pages[0][0]
    assert verify_pdf(good[: len(good) // 2])  # named problems, not an exception


def block_pdf(draw) -> bytes:
    """A tagged page without the page-sized block: `draw` places its own blocks."""
    return tagged_pdf(draw, block=False)


def line(c, text: str, x: float, y: float, role: str = "P", size: float = 10) -> None:
    with c.tag(role, text=text):
        c.setFont("Lato", size)
        c.drawString(x, y, text)


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
        with c.block("kaart", (72, 400, 300, 700)):
            with c.tag("Figure", alt="Kaart van de provincies.", bbox=(72, 400, 320, 600)):
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


# --- a folder ---------------------------------------------------------------------------------


def test_folder_checks_manifest_hashes(tmp_path, ctx, po_jobs):
    result = build_edition(po_jobs[1:], SAMPLE, tmp_path, ctx=ctx)
    assert not result.failed
    assert verify_folder(tmp_path) == {job.path: [] for job in po_jobs[1:]}

    damaged = tmp_path / po_jobs[1].path
    damaged.write_bytes(damaged.read_bytes().replace(b"/Title (", b"/Title ( "))
    with (tmp_path / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows.append({**rows[0], "path": "po/lokaal/weg.pdf"})
    with (tmp_path / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    found = verify_folder(tmp_path)
    assert checks(found[po_jobs[1].path]) == {"manifest-sha256"}
    assert found[po_jobs[2].path] == []
    assert checks(found["po/lokaal/weg.pdf"]) == {"manifest-missing"}


def test_folder_without_manifest(tmp_path):
    assert checks(verify_folder(tmp_path)["manifest.csv"]) == {"manifest"}


def test_skipped_heading_level():
    def draw(c):
        for role in ("H1", "H3"):
            with c.tag(role):
                c.setFont("Lato", 12)
                c.drawString(72, 700 if role == "H1" else 680, f"Kop {role}")

    findings = verify_pdf(tagged_pdf(draw))
    assert findings == [Finding("headings", "H3 volgt op H1; er ontbreekt een H2")]


def test_nested_and_unbalanced_marked_content():
    def nested(c):
        with c.tag("P"):
            c.addLiteral("/Artifact BMC")
            c.setFont("Lato", 10)
            c.drawString(72, 700, "Half versiering")
            c.addLiteral("EMC")

    def unbalanced(c):
        paragraph(c)
        c.addLiteral("EMC")

    found = verify_pdf(tagged_pdf(nested))
    assert checks(found) == {"marked-content"}
    assert "genest in MCID 0" in found[0].message
    assert checks(verify_pdf(tagged_pdf(unbalanced))) == {"marked-content"}


def test_form_xobjects_are_followed():
    def draw(c, tagged: bool):
        c.beginForm("stamp")
        c.setFont("Lato-Bold", 10)
        c.drawString(0, 0, "Uit een formulier 42%")
        c.endForm()
        paragraph(c)
        c.saveState()
        c.translate(72, 600)
        if tagged:
            with c.tag("P"):
                c.doForm("stamp")
        else:
            c.doForm("stamp")
        c.restoreState()

    pdf = tagged_pdf(lambda c: draw(c, True))
    assert verify_pdf(pdf, ["42%"]) == []
    assert structure_outline(pdf)[-1] == "  P: Uit een formulier 42%"
    found = verify_pdf(tagged_pdf(lambda c: draw(c, False)))
    assert checks(found) == {"untagged-content"}
    assert "Do" in found[0].message
