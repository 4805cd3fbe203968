"""Shared fixtures for the PO infographic tests.

The build context (sample data loaded, measured, indicators, style, layouts) is built once per
test session (once per xdist worker) from data/sample; rendered pages are cached per entity so
the text, number and golden tests share one render of each page.

`pytest --regen-golden` rewrites the reference files in tests/golden/ instead of comparing
against them (the golden tests are in test_compose.py; its header says when to regenerate).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdf
import pypdfium2 as pdfium
import pytest

from infographics.edition.build import Context, load_context
from infographics.edition.plan import Job, plan
from infographics.page.content import PageContent, PageTarget, resolve
from infographics.page.draw import draw_page

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
GOLDEN = Path(__file__).parent / "golden"
FIXTURES = Path(__file__).parent / "fixtures"
YEAR = "2020-2021"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden", action="store_true", default=False,
        help="rewrite the reference PDFs and PNGs in tests/golden/ instead of comparing",
    )


@pytest.fixture(scope="session")
def regen_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))


@pytest.fixture(autouse=True)
def own_send_log(tmp_path, monkeypatch):
    """Every test gets its own default send log (`infographics send` keeps one per user, in
    ~/.local/share): no test reads or writes the real one, or another test's."""
    monkeypatch.setenv("INFOGRAPHICS_VERZENDLOG", str(tmp_path / "verzendlog.sqlite"))


@pytest.fixture(scope="session")
def ctx() -> Context:
    """Sample data, figures, indicators, style: built once per session."""
    return load_context(SAMPLE)


@pytest.fixture(scope="session")
def po_jobs(ctx: Context) -> dict[str, Job]:
    """Every PO page of the sample, by entity id (NL, PV20..PV31, bib-0001..bib-0140)."""
    return {j.entity_id: j for j in plan(ctx.figures, ["po"], ["national", "province", "library"],
                                         years=[YEAR])}


@dataclass(frozen=True)
class Page:
    job: Job
    content: PageContent
    pdf: bytes

    @property
    def text(self) -> str:
        return pdf_text(self.pdf)

    @property
    def flat(self) -> str:
        """The page text with all whitespace (line breaks from wrapping) as single spaces."""
        return flat(self.text)


@pytest.fixture(scope="session")
def page(ctx: Context, po_jobs: dict[str, Job]):
    """`page(entity_id)`: the resolved content and PDF of one sample PO page, rendered once."""
    cache: dict[str, Page] = {}

    def get(entity_id: str) -> Page:
        if entity_id not in cache:
            job = po_jobs[entity_id]
            layout = ctx.layout(job.subject, job.level)
            content = resolve(layout, ctx.figures, PageTarget(job.level, job.entity_id, YEAR),
                              ctx.style)
            cache[entity_id] = Page(job, content, draw_page(content, ctx.style))
        return cache[entity_id]

    return get


# --- PDF helpers (plain functions, exposed through the `pdf` fixture) ---------------------------


def pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def chars(pdf: bytes) -> list[tuple[str, float, float, float, float]]:
    """Visible characters of page 1 with their tight boxes (left, bottom, right, top) in pt."""
    doc = pdfium.PdfDocument(pdf)
    try:
        tp = doc[0].get_textpage()
        out = []
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            if ch.strip():
                out.append((ch, *tp.get_charbox(i)))
        return out
    finally:
        doc.close()


def overlapping_chars(pdf: bytes, shrink: float = 0.4) -> list[tuple[str, str, tuple]]:
    """Pairs of characters whose boxes overlap (text drawn over text)."""
    found = chars(pdf)
    if not found:
        return []
    a = np.array([c[1:] for c in found])
    left, bottom, right, top = (a[:, 0] + shrink, a[:, 1] + shrink, a[:, 2] - shrink,
                                a[:, 3] - shrink)
    hit = ((left[:, None] < right[None, :]) & (left[None, :] < right[:, None])
           & (bottom[:, None] < top[None, :]) & (bottom[None, :] < top[:, None]))
    i, j = np.nonzero(np.triu(hit, k=1))
    return [(found[x][0], found[y][0], tuple(round(v) for v in found[x][1:]))
            for x, y in zip(i, j, strict=True)]


def chars_outside(pdf: bytes, box, tol: float = 1.0) -> str:
    """The visible characters that are not inside `box` (x, y, w, h in pt)."""
    return "".join(
        c for c, left, bottom, right, top in chars(pdf)
        if left < box.x - tol or right > box.x + box.w + tol
        or bottom < box.y - tol or top > box.y + box.h + tol
    )


def font_sizes(pdf: bytes) -> list[float]:
    """Font size of every visible character of page 1."""
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(pdf)
    try:
        tp = doc[0].get_textpage()
        return [raw.FPDFText_GetFontSize(tp.raw, i) for i in range(tp.count_chars())
                if tp.get_text_range(i, 1).strip()]
    finally:
        doc.close()


def gray(pdf: bytes) -> np.ndarray:
    """Page 1 rendered at scale 1 (72 dpi) as 8-bit grayscale."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return np.asarray(doc[0].render(scale=1).to_pil().convert("L"))
    finally:
        doc.close()


@pytest.fixture(scope="session")
def pdf():
    """PDF inspection helpers: pdf.text, pdf.flat, pdf.pages, pdf.chars, pdf.outside, ..."""

    class Tools:
        text = staticmethod(pdf_text)
        pages = staticmethod(page_count)
        chars = staticmethod(chars)
        overlapping = staticmethod(overlapping_chars)
        outside = staticmethod(chars_outside)
        sizes = staticmethod(font_sizes)
        gray = staticmethod(gray)

        @staticmethod
        def flat(data: bytes) -> str:
            return flat(pdf_text(data))

    return Tools()
