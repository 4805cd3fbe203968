"""glyphs: ToUnicode CMaps are read (bfchar, bfrange with a start or an array, two-byte code
spaces), and a real page's fonts decode its text with widths and an ascent."""

from __future__ import annotations

from infographics.verify.glyphs import UNMAPPED, Font, font_decoder, parse_cmap
from infographics.verify.pdf import get, open_pdf

CMAP = b"""
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0003> <0020> <0011> <00E9> endbfchar
2 beginbfrange <0024> <0026> <0041> <0030> <0031> [<0078> <0079>] endbfrange
"""


def test_a_cmap_maps_codes_to_text():
    width, table = parse_cmap(CMAP)
    assert width == 2
    assert table == {3: " ", 17: "é", 0x24: "A", 0x25: "B", 0x26: "C", 0x30: "x", 0x31: "y"}


def test_a_font_without_tounicode_leaves_no_text():
    text, missing, width, spaces = Font(None).decode(b"ab c")
    assert (text, missing, width, spaces) == ("ab c", 0, 0.0, 1)
    assert UNMAPPED not in text


def test_the_fonts_of_a_page_decode_its_text(pages):
    with open_pdf(pages[0][0]) as doc:
        fonts = get(get(doc.pages[0].obj, "/Resources"), "/Font")
        decoders = [font_decoder(font) for _, font in fonts.items()]
        assert decoders
        for font in decoders:
            text, missing, width, _ = font.decode(b"78%")
            assert (text, missing) == ("78%", 0), font.name
            assert width > 0
            assert 0 < font.ascent < 1.5
            assert -0.5 < font.descent <= 0
        # simple fonts are shared between pages: the same decoder for the same font
        assert [font_decoder(font) for _, font in fonts.items()] == decoders
