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


def test_plain_canvas_is_not_archival():
    found = checks(verify_pdf(plain_pdf("Lato")))
    assert {"output-intent"} <= found  # no XMP at all is already an xmp-pdfua finding


def _changed(data: bytes, change) -> bytes:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()  # streams saved as they are (qpdf would decode the XMP)
        pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def test_a_page_that_loses_its_archival_parts_is_named(pages):
    good = pages[0][0]
    assert verify_pdf(good) == []

    def no_intent(pdf):
        del pdf.Root.OutputIntents

    def other_xmp(pdf):
        xmp = pdf.Root.Metadata.read_bytes()
        pdf.Root.Metadata.write(xmp.replace(b"<pdfaid:conformance>A<", b"<pdfaid:conformance>B<"))

    assert [f.check for f in verify_pdf(_changed(good, no_intent))] == ["output-intent"]
    findings = verify_pdf(_changed(good, other_xmp))
    assert [(f.check, f.message) for f in findings] == [
        ("xmp-pdfa", "XMP-metadata mist pdfaid:conformance A")]
    # an empty /Filter on the XMP (qpdf would drop it on saving: patched in place at the same
    # length, which leaves no room for /Subtype, a key our verifier does not read)
    head = b"<< /Subtype /XML /Type /Metadata /Length"
    filtered = b"<</Filter[]/Type/Metadata/Length".ljust(len(head))
    assert good.count(head) == 1
    findings = verify_pdf(good.replace(head, filtered))
    assert [f.check for f in findings] == ["xmp-pdfa"]
    assert "/Filter" in findings[0].message
