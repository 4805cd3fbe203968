"""The bundled OFL font family (Lato), registered once per process with ReportLab and matplotlib.

`register()` makes the faces available under the names in `FACES` ("Lato", "Lato-Bold", ...)
to ReportLab (embedded and subset as TrueType) and to matplotlib (family "Lato"), so charts and
page text share one family. Unknown names fall back to nothing: a missing face is an error.
"""

from __future__ import annotations

from functools import cache

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


@cache
def register() -> None:
    """Register every face with ReportLab and matplotlib (idempotent)."""
    for face, filename in FACES.items():
        path = FONT_DIR / filename
        pdfmetrics.registerFont(TTFont(face, str(path)))
        font_manager.fontManager.addfont(str(path))
    pdfmetrics.registerFontFamily(
        FAMILY, normal="Lato", bold="Lato-Bold", italic="Lato", boldItalic="Lato-Bold"
    )
