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
from pypdf.generic import DecodedStreamObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from infographics import fonts
from infographics.build import load_context, plan, run
from infographics.compose import compose
from infographics.pages import Entity, resolve
from infographics.tagging import TaggedCanvas
from infographics.verify import (
    Finding,
    _operations,
    _tokenize,
    _Unparsed,
    structure_outline,
    verify_folder,
    verify_pdf,
)

REPO = Path(__file__).resolve().parents[1]
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
    content = resolve(ctx.layout(job.theme, job.level), ctx.figures,
                      Entity(job.level, job.entity_id, job.school_year), ctx.theme)
    return compose(content, ctx.theme), content.numbers


@pytest.fixture(scope="module")
def pages(ctx, po_jobs) -> list[tuple[bytes, tuple[str, ...]]]:
    return [build(ctx, job) for job in po_jobs]


def checks(findings: list[Finding]) -> set[str]:
    return {f.check for f in findings}


def tagged_pdf(draw, pages: int = 1) -> bytes:
    """A TaggedCanvas page (Lato, title, XMP, Lang) with whatever `draw(canvas)` puts on it."""
    fonts.register()
    buf = io.BytesIO()
    c = TaggedCanvas(buf, title="Testpagina", author="test", subject="verify", pagesize=A4,
                     initialFontName="Lato", invariant=1)
    for _ in range(pages):
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


def test_unusual_streams_fall_back_to_pypdf():
    data = b"/P <</MCID 0>> BDC BT /F1 9 Tf 10 10 Td (a (nested) string) Tj ET EMC"
    with pytest.raises(_Unparsed):
        _tokenize(data)
    stream = DecodedStreamObject()
    stream.set_data(data)
    ops = _operations(stream, None)
    assert [op for _, op in ops] == [b"BDC", b"BT", b"Tf", b"Td", b"Tj", b"ET", b"EMC"]
    assert ops[4][0][0] == "a (nested) string"


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


def test_h2_order_is_page_order(ctx, po_jobs, pages):
    layout = ctx.layout("po", "national")
    outline = structure_outline(pages[0][0])
    headings = [line.strip().removeprefix("H2: ") for line in outline if "H2: " in line]
    content = resolve(layout, ctx.figures, Entity("national", po_jobs[0].entity_id,
                                                  po_jobs[0].school_year), ctx.theme)
    sections = [b for b in content.blocks if b.kind == "section"]
    by_position = sorted(sections, key=lambda b: (-round(b.box.y + b.box.h), b.box.x))
    assert headings == [b.texts["text"] for b in sections]
    assert [b.texts["text"] for b in by_position] == [b.texts["text"] for b in sections]


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
    assert embedded and "Helvetica" in embedded[0].message
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


# --- a folder ---------------------------------------------------------------------------------


def test_folder_checks_manifest_hashes(tmp_path, ctx, po_jobs):
    result = run(po_jobs[1:], SAMPLE, tmp_path, ctx=ctx)
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
    assert checks(found) == {"marked-content"} and "genest in MCID 0" in found[0].message
    assert checks(verify_pdf(tagged_pdf(unbalanced))) == {"marked-content"}


def test_form_xobjects_are_followed():
    def draw(c, tagged: bool):
        c.beginForm("stamp")
        c.setFont("Lato-Bold", 10)
        c.drawString(0, 0, "Uit een formulier 42%")
        c.endForm()
        paragraph(c)
        if tagged:
            with c.tag("P"):
                c.doForm("stamp")
        else:
            c.doForm("stamp")

    pdf = tagged_pdf(lambda c: draw(c, True))
    assert verify_pdf(pdf, ["42%"]) == []
    assert structure_outline(pdf)[-1] == "  P: Uit een formulier 42%"
    found = verify_pdf(tagged_pdf(lambda c: draw(c, False)))
    assert checks(found) == {"untagged-content"} and "Do" in found[0].message
