"""scan: the walk's shortcuts change nothing in what it finds, and Form XObjects are walked
in place (their text tagged by the marked content around the Do, or reported untagged)."""

from __future__ import annotations

from handmade import checks, paragraph, tagged_pdf

from infographics.edition.build import render_page
from infographics.verify import structure_outline, verify_pdf
from infographics.verify.contentstream import tokenize
from infographics.verify.pdf import open_pdf
from infographics.verify.scan import scan_page


def test_shortcuts_of_the_content_walk_change_nothing(ctx, pages, one_of_each_kind):
    """The walk's shortcuts (a ReportLab text line as one step, skipped path operations, the
    plain BDC) find exactly what the operation-by-operation walk finds."""
    pdfs = [pdf for pdf, _ in pages] + [render_page(ctx, job)[0] for job in one_of_each_kind]
    for pdf in pdfs:
        with open_pdf(pdf) as doc:
            fast = scan_page(doc.pages[0])
            plain = scan_page(doc.pages[0], parse=tokenize)
        assert fast.runs
        assert fast == plain


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
