"""document: a plain, untagged canvas misses what a PDF/UA document has (Lang, MarkInfo and a
structure tree, XMP, the title shown), while its embedded font passes."""

from __future__ import annotations

from handmade import checks, plain_pdf

from infographics.verify import verify_pdf


def test_plain_canvas_is_not_tagged():
    findings = verify_pdf(plain_pdf("Lato"))
    found = checks(findings)
    assert {"lang", "tagged", "untagged-content", "xmp-pdfua", "display-doc-title"} <= found
    assert "fonts-embedded" not in found
    assert any("StructTreeRoot" in f.message for f in findings)
