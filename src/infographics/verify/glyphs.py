"""Fonts as decoders: a font dictionary into a `Font` that turns the bytes a content stream shows
into text (through the font's ToUnicode CMap) and advance widths, and knows how far its glyphs
reach above and below the baseline.

Decoders of simple fonts are shared between pages whose fonts are the same (`font_decoder`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pikepdf import Array, Stream

from infographics.verify.pdf import (
    as_list,
    get,
    get_float,
    get_str,
    is_dict,
    item,
    list_of,
    numbers,
    to_float,
    to_int,
)

UNMAPPED = "\uffff"  # stands for a glyph without a Unicode value while decoding

_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_BLOCK = re.compile(rb"begin(bfchar|bfrange|codespacerange)(.*?)end\1", re.S)
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])")


def _utf16(hexdigits: bytes) -> str:
    raw = bytes.fromhex(hexdigits.decode("ascii"))
    return raw.decode("utf-16-be", "replace") if len(raw) >= 2 else raw.decode("latin-1")


@lru_cache(maxsize=256)
def parse_cmap(data: bytes) -> tuple[int, dict[int, str]]:
    """(bytes per code, code -> text) from a ToUnicode CMap (bfchar and bfrange); cached, as
    the same subset's CMap recurs on many pages (do not change the returned table)."""
    width, table = 1, {}
    for kind, body in _BLOCK.findall(data):
        if kind == b"codespacerange":
            lows = _HEX.findall(body)
            width = max(1, len(lows[0].strip()) // 2) if lows else 1
        elif kind == b"bfchar":
            hexes = _HEX.findall(body)
            for src, dst in zip(hexes[::2], hexes[1::2], strict=False):
                table[int(src, 16)] = _utf16(dst)
        else:
            for lo, hi, dst in _RANGE.findall(body):
                _add_range(table, int(lo, 16), int(hi, 16), dst)
    return width, table


def _add_range(table: dict[int, str], lo: int, hi: int, dst: bytes) -> None:
    if dst.startswith(b"["):
        for code, item in zip(range(lo, hi + 1), _HEX.findall(dst), strict=False):
            table[code] = _utf16(item)
        return
    start = _utf16(dst[1:-1])
    for i, code in enumerate(range(lo, hi + 1)):
        table[code] = start[:-1] + chr(ord(start[-1]) + i) if start else ""


class Font:
    """Turns shown strings into text and advance widths (in text space units per 1 pt), and
    knows how far its glyphs reach above and below the baseline (per 1 pt)."""

    def __init__(self, font: object):
        font = font if is_dict(font) else None
        self.name = get_str(font, "/BaseFont", "?").lstrip("/")
        self.width_bytes = 1
        self.unicode: dict[int, str] | None = None
        tu = get(font, "/ToUnicode")
        if isinstance(tu, Stream):
            self.width_bytes, self.unicode = parse_cmap(tu.read_bytes())
        self.widths: dict[int, float] = {}
        self.default = 0.0
        subtype = get(font, "/Subtype")
        if subtype == "/Type0":
            self._cid_widths(font)
        else:
            self._simple_widths(font, subtype == "/Type3")
        # single-byte fast path: a str.translate table and a width per byte
        self.table = dict.fromkeys(range(256), UNMAPPED) if self.unicode is not None else {}
        self.table.update({c: (t if t and t != "\x00" else UNMAPPED)
                           for c, t in (self.unicode or {}).items() if c < 256})
        self.byte_widths = [self.default] * 256
        for c, w in self.widths.items():
            if 0 <= c < 256:
                self.byte_widths[c] = w

    def _simple_widths(self, font: object, type3: bool) -> None:
        matrix = get(font, "/FontMatrix")
        scale = to_float(item(matrix, 0)) if type3 and matrix is not None else 0.001
        first = to_int(get(font, "/FirstChar", 0))
        for i, w in enumerate(numbers(get(font, "/Widths"))):
            self.widths[first + i] = w * scale
        desc = get(font, "/FontDescriptor")
        self.default = get_float(desc, "/MissingWidth", 0.0) * scale
        self._extent(desc, 1 / 1000 if not type3 else 0.0)

    def _cid_widths(self, font: object) -> None:
        self.width_bytes = 2 if self.unicode is None else self.width_bytes
        kid = (as_list(get(font, "/DescendantFonts")) or [None])[0]
        self.default = get_float(kid, "/DW", 1000.0) / 1000
        self._extent(get(kid, "/FontDescriptor"), 1 / 1000)
        w = list_of(get(kid, "/W") or ())
        i = 0
        while i + 1 < len(w):
            first, nxt = to_int(w[i]), w[i + 1]
            if isinstance(nxt, Array):
                for j, v in enumerate(nxt):
                    self.widths[first + j] = to_float(v) / 1000
                i += 2
            else:
                for code in range(first, to_int(nxt) + 1):
                    self.widths[code] = to_float(w[i + 2]) / 1000
                i += 3

    def _extent(self, desc: object, scale: float) -> None:
        """Ascent and descent from the font descriptor (glyph space, 1/1000 em); a Type 3 font
        or a font without them is measured on its baseline only."""
        self.ascent = max(0.0, get_float(desc, "/Ascent", 0.0) * scale)
        self.descent = min(0.0, get_float(desc, "/Descent", 0.0) * scale)

    def decode(self, raw: bytes) -> tuple[str, int, float, int]:
        """(text, glyphs without Unicode, sum of glyph widths, single-byte spaces) of `raw`."""
        if self.width_bytes == 1:
            text = raw.decode("latin-1").translate(self.table)
            width = sum(map(self.byte_widths.__getitem__, raw))
            spaces = raw.count(32)
        else:
            n = self.width_bytes
            codes = [int.from_bytes(raw[i : i + n], "big") for i in range(0, len(raw) - n + 1, n)]
            text = "".join((self.unicode or {}).get(c) or UNMAPPED for c in codes).replace(
                "\x00", UNMAPPED)
            width = sum(self.widths.get(c, self.default) for c in codes)
            spaces = 0
        missing = text.count(UNMAPPED)
        return (text.replace(UNMAPPED, "") if missing else text), missing, width, spaces


NO_FONT = Font(None)  # what text is shown in before any Tf
_REFERENCE = re.compile(rb"\d+ \d+ R")  # an object's number differs from page to page
_FontKey = tuple[bytes, bytes | None, tuple[bytes, bytes] | None]
_FONTS: dict[_FontKey, Font] = {}  # simple fonts by what makes them, shared between pages
_MAX_FONTS = 256


def font_decoder(obj: object) -> Font:
    """The decoder of a font dictionary. A simple font is reused when an earlier page had one
    with the same name, widths, ToUnicode and metrics (ReportLab's subsets of Lato keep ASCII
    at its own codes, so nearly every page has the same four)."""
    if not is_dict(obj) or get(obj, "/Subtype") not in ("/TrueType", "/Type1"):
        return Font(obj)
    desc, tu = obj.get("/FontDescriptor"), obj.get("/ToUnicode")
    key = (_REFERENCE.sub(b"R", obj.unparse(resolved=True)),  # /Widths within
           _REFERENCE.sub(b"R", desc.unparse(resolved=True)) if is_dict(desc) else None,
           (tu.read_raw_bytes(), tu.stream_dict.unparse()) if isinstance(tu, Stream) else None)
    font = _FONTS.get(key)
    if font is None:
        if len(_FONTS) >= _MAX_FONTS:
            _FONTS.clear()
        font = _FONTS[key] = Font(obj)
    return font
