"""The painter: a tagged canvas and the style a page is drawn with, and the helpers every
block's drawing shares (fitting and drawing lines of text, tile backgrounds, yes/no marks, a
block's rectangle as a tag's bounding box). draw.py and catdraw.py draw with it.
"""

from __future__ import annotations

from typing import Literal

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from infographics.errors import PageError
from infographics.page import fonts
from infographics.page.blocks import Box
from infographics.page.style import Style
from infographics.page.tagging import BBox, TaggedCanvas

LEADING = 1.22


def bbox(box: Box, bottom: float = 0.0) -> BBox:
    """(x0, y0, x1, y1) of `box`, its bottom raised by `bottom`."""
    return box.x, box.y + bottom, box.x + box.w, box.y + box.h


class Painter:
    """The canvas and the style a page is drawn with, and the text helpers every block uses."""

    def __init__(self, c: TaggedCanvas, style: Style):
        self.c, self.t = c, style
        self.f = style.fonts

    def color(self, hex_color: str) -> None:
        self.c.setFillColor(HexColor(hex_color))

    def panel(self, box: Box, hex_color: str, radius: float) -> None:
        """A block's rounded background, drawn as an artifact (decoration, not content)."""
        with self.c.artifact():
            self.color(hex_color)
            self.c.roundRect(box.x, box.y, box.w, box.h, radius, stroke=0, fill=1)

    def fit_lines(self, block_id: str, text: str, font: str, size: float, width: float,
                  height: float, min_size: float | None = None) -> tuple[list[str], float]:
        """Wrap `text` to `width`; shrink until the lines fit `height` or fail naming the block."""
        floor = min_size if min_size is not None else self.t.sizes.min
        s = size
        while s >= floor - 1e-9:
            lines: list[str] = []
            for para in text.split("\n"):
                lines.extend(simpleSplit(para, font, s, width) or [""])
            widest = max((stringWidth(line, font, s) for line in lines), default=0)
            if len(lines) * s * LEADING <= height + 0.01 and widest <= width + 0.01:
                return lines, s
            s -= 0.25
        raise PageError(block_id, f"tekst past niet in het blok ({width:.0f} x {height:.0f} pt), "
                                  f"ook niet op {floor} pt: {text[:60]!r}")

    def lines(self, lines: list[str], font: str, size: float, x: float, top: float,
              align: Literal["left", "center"] = "left", width: float = 0) -> float:
        """Draw lines from `top` down (first baseline at top - ascent); returns the bottom."""
        ascent = fonts.metrics(font)[0] * size
        y = top - ascent
        self.c.setFont(font, size)
        for line in lines:
            if align == "center":
                self.c.drawCentredString(x + width / 2, y, line)
            else:
                self.c.drawString(x, y, line)
            y -= size * LEADING
        return y + size * LEADING - 0.3 * size  # just below the last line's descenders


def mark(c: TaggedCanvas, x: float, y: float, r: float, state: bool | None, t: Style) -> None:
    """A filled circle with a tick for yes, an outlined circle for no (meaning not by colour)."""
    c.setLineWidth(1)
    c.setStrokeColor(HexColor(t.colors.accent if state else t.colors.track))
    c.setFillColor(HexColor(t.colors.accent))
    c.circle(x, y, r, stroke=1, fill=1 if state else 0)
    if state:
        c.setStrokeColor(HexColor("#ffffff"))
        c.setLineWidth(1.2)
        path = c.beginPath()
        path.moveTo(x - r * 0.45, y)
        path.lineTo(x - r * 0.1, y - r * 0.4)
        path.lineTo(x + r * 0.5, y + r * 0.4)
        c.drawPath(path, stroke=1, fill=0)
