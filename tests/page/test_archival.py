"""The archival side of a page (issue 17): PDF/A-2a identification and XMP that says what /Info
says, the sRGB output intent with the shipped profile, an end-of-line before every `endstream`,
and ToUnicode maps without U+0000/U+FEFF/U+FFFE. The independent validator's verdict on real
pages is in tests/verify/test_independent.py; these tests pin each part on its own, so a
failure there points here."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pikepdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from infographics.page import fonts
from infographics.page.fonts import NOT_UNICODE, to_unicode_cmap
from infographics.page.tagging import OUTPUT_CONDITION, TaggedCanvas, with_stream_eols
from infographics.resources import SRGB_ICC

NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "dc": "http://purl.org/dc/elements/1.1/", "pdf": "http://ns.adobe.com/pdf/1.3/",
      "xmp": "http://ns.adobe.com/xap/1.0/", "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
      "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
      "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
      "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#"}


def tagged_page(text: str = "Één tekst – met é, ë en €") -> bytes:
    """A small tagged page whose text uses characters outside ASCII (they take the codes
    ReportLab keeps free below 32)."""
    fonts.register()
    buf = io.BytesIO()
    c = TaggedCanvas(buf, title="Titel & <meer>", author="KB - Bibliotheekmonitor",
                     subject="test", invariant=1, pageCompression=1, initialFontName="Lato")
    c.setCreator("Bibliotheekmonitor infographics")
    with c.tag("H1", text=text):
        c.setFont("Lato-Bold", 14)
        c.drawString(40, 780, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def one(root: ET.Element, path: str) -> str:
    found = root.findall(path, NS)
    assert len(found) == 1, path
    return found[0].text or ""


def test_xmp_identifies_pdfa_2a_and_pdfua_1_and_says_what_info_says():
    with pikepdf.open(io.BytesIO(tagged_page())) as pdf:
        meta = pdf.Root.Metadata
        assert "/Filter" not in meta.stream_dict  # not even an empty one
        assert (meta.Type, meta.Subtype) == ("/Metadata", "/XML")
        xml = meta.read_raw_bytes()
        info = pdf.trailer.Info
    root = ET.fromstring(xml.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    assert one(root, ".//pdfaid:part") == "2"
    assert one(root, ".//pdfaid:conformance") == "A"
    assert one(root, ".//pdfuaid:part") == "1"
    assert one(root, ".//pdfaSchema:prefix") == "pdfuaid"
    assert one(root, ".//pdfaSchema:namespaceURI") == NS["pdfuaid"]
    assert one(root, ".//dc:title/rdf:Alt/rdf:li") == str(info.Title) == "Titel & <meer>"
    assert one(root, ".//dc:creator/rdf:Seq/rdf:li") == str(info.Author)
    assert one(root, ".//dc:description/rdf:Alt/rdf:li") == str(info.Subject)
    assert one(root, ".//pdf:Producer") == str(info.Producer)
    assert one(root, ".//pdf:Keywords") == str(info.Keywords)
    assert one(root, ".//xmp:CreatorTool") == str(info.Creator)
    assert str(info.CreationDate) == str(info.ModDate) == "D:20000101000000+00'00'"
    assert one(root, ".//xmp:CreateDate") == one(root, ".//xmp:ModifyDate") \
        == "2000-01-01T00:00:00+00:00"


def test_output_intent_is_srgb_with_the_shipped_profile():
    with pikepdf.open(io.BytesIO(tagged_page())) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        assert str(intent.OutputConditionIdentifier) == OUTPUT_CONDITION
        profile = intent.DestOutputProfile
        assert profile.N == 3
        assert profile.read_bytes() == SRGB_ICC.read_bytes()
    licence = SRGB_ICC.parent / "LICENSE.txt"
    assert "zlib" in licence.read_text(encoding="utf-8")  # the profile travels with its licence
    assert "icc-profiles-free" in licence.read_text(encoding="utf-8")


def test_every_stream_ends_with_an_end_of_line_before_endstream():
    data = tagged_page()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Stream):
                continue
            length = int(obj.stream_dict.Length)
            head = re.compile(rb"\b%d %d obj\b" % obj.objgen)
            start = data.index(b"stream\n", head.search(data).end()) + len(b"stream\n")
            assert data[start + length:start + length + 10] == b"\nendstream", obj.objgen
        assert pdf.check_pdf_syntax() == []  # the moved cross-reference table is right


def plain_reportlab_pdf() -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, invariant=1, pageCompression=1)
    c.drawString(40, 40, "Hallo")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_stream_eols_are_added_once_and_the_xref_follows():
    before = plain_reportlab_pdf()
    assert re.search(rb"[^\n]endstream", before)  # ReportLab's own output lacks them
    after = with_stream_eols(before)
    assert not re.search(rb"[^\n]endstream", after)
    assert with_stream_eols(after) == after
    assert len(after) == len(before) + before.count(b"endstream")
    offsets = [int(m[1]) for m in re.finditer(rb"(\d{10}) \d{5} n", after)]
    assert offsets
    assert all(re.match(rb"\d+ 0 obj", after[o:]) for o in offsets)
    startxref = int(re.search(rb"startxref\n(\d+)", after)[1])
    assert after[startxref:].startswith(b"xref\n")
    with pikepdf.open(io.BytesIO(after)) as pdf:
        assert pdf.check_pdf_syntax() == []


def test_a_stream_whose_length_is_wrong_is_refused():
    broken = re.sub(rb"/Length (\d+)", lambda m: b"/Length %d" % (int(m[1]) - 1),
                    plain_reportlab_pdf(), count=1)
    with pytest.raises(ValueError, match="Length"):
        with_stream_eols(broken)


def test_tounicode_maps_name_no_zero_bom_or_nonchar_and_every_shown_code():
    text = "Één tekst – met é, ë en €"
    with pikepdf.open(io.BytesIO(tagged_page(text))) as pdf:
        (font,) = [f for f in pdf.pages[0].Resources.Font.values()
                   if str(f.BaseFont).endswith("Lato-Bold")]
        cmap = font.ToUnicode.read_bytes()
        strings = [bytes(operands[0]) for operands, op in
                   pikepdf.parse_content_stream(pdf.pages[0], "Tj")]
    pairs = {int(c, 16): int(v, 16)
             for c, v in re.findall(rb"<([0-9A-F]{2})> <([0-9A-F]{4})>", cmap)}
    assert not set(pairs.values()) & NOT_UNICODE
    assert min(pairs) < 32  # the text did use ReportLab's low codes
    assert "".join(chr(pairs[code]) for s in strings for code in s) == text


def test_tounicode_cmap_blocks_hold_at_most_100_pairs():
    subset = [0, *range(0x41, 0x41 + 140)]
    cmap = to_unicode_cmap("AAAAAA+Lato", subset)
    blocks = [int(n) for n in re.findall(r"(\d+) beginbfchar", cmap)]
    assert blocks == [100, 40]  # code 0 (U+0000) left out, the rest in blocks of 100
    assert "<00> <0000>" not in cmap
    assert "<00> <8C>" in cmap  # the code space still covers every code of the subset


def pdf_with_stream(data: bytes, after: bytes) -> bytes:
    """A one-object PDF whose stream holds `data`, followed by `after` + 'endstream'."""
    head = b"%PDF-1.4\n"
    obj = (b"1 0 obj\n<< /Length %d >>\nstream\n" % len(data)) + data + after + \
        b"endstream\nendobj\n"
    xref = len(head) + len(obj)
    return (head + obj + b"xref\n0 2\n0000000000 65535 f \n%010d 00000 n \n" % len(head)
            + b"trailer\n<< /Size 2 >>\nstartxref\n%d\n%%%%EOF\n" % xref)


@pytest.mark.parametrize(("data", "after", "expected"), [
    (b"abc", b"", b"abc\nendstream"),            # ReportLab: no end-of-line at all
    (b"ab\r", b"", b"ab\r\r\nendstream"),        # data ending in CR: CRLF, never a bare LF
    (b"ab\r", b"\n", b"ab\r\r\nendstream"),      # qpdf's LF after CR would read as CRLF
    (b"abc", b"\n", b"abc\nendstream"),          # already right: unchanged
    (b"ab\r", b"\r\n", b"ab\r\r\nendstream"),
])
def test_the_end_of_line_before_endstream_never_eats_a_data_byte(data, after, expected):
    fixed = with_stream_eols(pdf_with_stream(data, after))
    assert expected in fixed
    stream = fixed.index(b"stream\n") + len(b"stream\n")
    assert fixed[stream:stream + len(data)] == data
    offset = int(re.search(rb"(\d{10}) 00000 n", fixed)[1])
    assert fixed[offset:].startswith(b"1 0 obj")
    assert fixed[int(re.search(rb"startxref\n(\d+)", fixed)[1]):].startswith(b"xref\n")
