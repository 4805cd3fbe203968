"""The bundled OFL font family (Lato), registered once per process with ReportLab and matplotlib.

`register()` makes the faces available under the names in `FACES` ("Lato", "Lato-Bold", ...)
to ReportLab (embedded and subset as TrueType) and to matplotlib (family "Lato"), so charts and
page text share one family. Unknown names fall back to nothing: a missing face is an error.

Each face is embedded whole (every glyph program of a subset, as ReportLab does) with a
ToUnicode map that names only the codes that stand for a character: ReportLab maps the codes it
keeps free (0-31 until they are used) to U+0000, which PDF/UA-1 (7.21.7) and PDF/A-2 (6.2.11.7.2)
forbid; those codes are never shown (a character the font lacks would be, and the verifier
reports it), so `ArchivalTTFont` leaves them out of the map.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from matplotlib import font_manager
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from infographics.resources import FONTS

FONT_DIR = FONTS
FAMILY = "Lato"
# ReportLab face name -> file; weights as matplotlib names them.
FACES: dict[str, str] = {
    "Lato": "Lato-Regular.ttf",
    "Lato-Light": "Lato-Light.ttf",
    "Lato-Semibold": "Lato-Semibold.ttf",
    "Lato-Bold": "Lato-Bold.ttf",
    "Lato-Black": "Lato-Black.ttf",
}
WEIGHTS: dict[str, int] = {
    "Lato-Light": 300,
    "Lato": 400,
    "Lato-Semibold": 600,
    "Lato-Bold": 700,
    "Lato-Black": 900,
}


def face_for_weight(weight: int | str) -> str:
    """The ReportLab face closest to a matplotlib font weight (number or name)."""
    names = {"light": 300, "normal": 400, "regular": 400, "medium": 500, "semibold": 600,
             "demibold": 600, "bold": 700, "heavy": 800, "extra bold": 800, "black": 900}
    w = names.get(str(weight).lower(), 400) if isinstance(weight, str) else int(weight)
    return min(WEIGHTS, key=lambda face: (abs(WEIGHTS[face] - w), -WEIGHTS[face]))


@cache
def metrics(face: str) -> tuple[float, float]:
    """(ascent, descent) of a registered face per point of size, the descent positive."""
    font = pdfmetrics.getFont(face)
    if not isinstance(font, TTFont):
        raise TypeError(f"{face} is geen TrueType-lettertype")
    return font.face.ascent / 1000.0, -font.face.descent / 1000.0


# values a ToUnicode map may not give (PDF/UA-1 7.21.7, PDF/A-2 6.2.11.7.2)
NOT_UNICODE = frozenset({0x0000, 0xFEFF, 0xFFFE})


class ArchivalTTFont(TTFont):
    """ReportLab's TrueType font, its ToUnicode maps without codes that stand for nothing."""

    def addObjects(self, doc: Any) -> None:
        """ReportLab's subsets, then each subset's ToUnicode stream rewritten (`doc` is
        ReportLab's PDFDocument; Any: its font registry is not in the stubs)."""
        state = self.state.get(doc)
        if state is None:  # nothing of this face was drawn in `doc`
            super().addObjects(doc)
            return
        subsets = [list(subset) for subset in state.subsets]
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name, subset in zip(names, subsets, strict=True):
            font = fonts[name]
            doc.idToObject[font.ToUnicode.name].content = to_unicode_cmap(font.BaseFont, subset)


def to_unicode_cmap(name: str, subset: list[int]) -> str:
    """A ToUnicode CMap for the one-byte codes of `subset` (code i shows character subset[i]),
    leaving out the codes whose character is U+0000, U+FEFF or U+FFFE."""
    pairs = [f"<{code:02X}> <{char:04X}>" for code, char in enumerate(subset)
             if char not in NOT_UNICODE]
    chunks = [pairs[i:i + 100] for i in range(0, len(pairs), 100)]  # at most 100 per block
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({name})", f"/Ordering ({name})", "/Supplement 0",
        ">> def", f"/CMapName /{name} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        *(line for chunk in chunks
          for line in (f"{len(chunk)} beginbfchar", *chunk, "endbfchar")),
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


@cache
def register() -> None:
    """Register every face with ReportLab and matplotlib (idempotent)."""
    for face, filename in FACES.items():
        path = FONT_DIR / filename
        pdfmetrics.registerFont(ArchivalTTFont(face, str(path)))
        font_manager.fontManager.addfont(str(path))
    pdfmetrics.registerFontFamily(
        FAMILY, normal="Lato", bold="Lato-Bold", italic="Lato", boldItalic="Lato-Bold"
    )
