"""Hand-made PDFs for the verify tests: a tagged page (TaggedCanvas, Lato, title, XMP, Lang)
with whatever a test draws on it, inside one page-sized block or in blocks of its own; a plain
untagged canvas; and `checks`, the set of check names of some findings."""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from infographics.page import fonts
from infographics.page.tagging import TaggedCanvas
from infographics.verify import Finding

Draw = Callable[[TaggedCanvas], object]


def checks(findings: list[Finding]) -> set[str]:
    return {f.check for f in findings}


def tagged_pdf(draw: Draw, pages: int = 1, block: bool = True) -> bytes:
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


def block_pdf(draw: Draw) -> bytes:
    """A tagged page without the page-sized block: `draw` places its own blocks."""
    return tagged_pdf(draw, block=False)


def paragraph(c: TaggedCanvas, text: str = "78% van de schoollocaties", x: float = 72,
              y: float = 700) -> None:
    with c.tag("P", text=text):
        c.setFont("Lato", 10)
        c.drawString(x, y, text)


def line(c: TaggedCanvas, text: str, x: float, y: float, role: str = "P",
         size: float = 10) -> None:
    with c.tag(role, text=text):
        c.setFont("Lato", size)
        c.drawString(x, y, text)


def plain_pdf(font: str) -> bytes:
    """An untagged ReportLab page with one line in `font`."""
    fonts.register()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1, initialFontName=font)
    c.setTitle("Zonder tags")
    c.setFont(font, 12)
    c.drawString(72, 700, "Zonder structuur")
    c.showPage()
    c.save()
    return buf.getvalue()
