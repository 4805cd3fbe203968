"""Placing a province map: the provinces (geo.py), the value text of each and the rectangle the
map may fill into a `Frame` (map units to page points) and a `Label` per province.

A value goes on its province when a box around the text fits inside the province at its
label spot (every point of the box's edge inside, no corner of the province inside the box).
Otherwise it goes on a small white "pill" (white ground, thin ink border): at the spot when the
pill stays inside the map's rectangle, clear of the labels already placed and of the other
provinces' spots; else at the first such place found moving outwards from the spot (above,
below, beside, on the diagonals), with a leader line back to the spot. The provinces with the
least room are placed first, so the smallest keep their own spot; the pill of the page's own
province (outlined on the map) always moves off it. The map is never shrunk for its labels: a
page-sized map has the room around the country for the few pills that move.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from reportlab.pdfbase.pdfmetrics import stringWidth

from infographics.page import geo
from infographics.page.blocks import Box

DIGIT_HEIGHT = 0.72  # Lato's figures are this many em high
PAD = 1.0  # points around a value on its province
PILL = (2.0, 1.6)  # points around a value on a pill: sideways, up and down

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 on the page
Place = Literal["inside", "pill"]


@dataclass(frozen=True)
class TextFace:
    """The font and size of the values."""

    font: str
    size: float

    def width(self, text: str) -> float:
        return stringWidth(text, self.font, self.size)

    @property
    def height(self) -> float:
        return self.size * DIGIT_HEIGHT


@dataclass(frozen=True)
class Frame:
    """Map units to page points: `scale` points per unit, the extent's corner at (ox, oy)."""

    scale: float
    ox: float
    oy: float
    extent: geo.Extent

    def page(self, p: Point) -> Point:
        return (self.ox + (p[0] - self.extent.x0) * self.scale,
                self.oy + (p[1] - self.extent.y0) * self.scale)

    def units(self, p: Point) -> Point:
        return (self.extent.x0 + (p[0] - self.ox) / self.scale,
                self.extent.y0 + (p[1] - self.oy) / self.scale)

    @property
    def box(self) -> Rect:
        """The rectangle the country fills on the page."""
        return (self.ox, self.oy, self.ox + self.extent.width * self.scale,
                self.oy + self.extent.height * self.scale)


@dataclass(frozen=True)
class Label:
    """A province's value: its text centred at `at`, on the province or on a pill; a pill
    moved off its province's spot has `anchor`, the spot its leader line runs to."""

    code: str
    text: str
    at: Point
    place: Place
    anchor: Point | None = None


def place_map(shapes: Sequence[geo.Province], texts: dict[str, str], area: Box,
              face: TextFace, own: str | None = None) -> tuple[Frame, list[Label]]:
    """The frame that fits the country in `area` (centred), and every province's label; the
    pill of the page's `own` province is moved off it, so that its outline and shade show."""
    e = geo.extent(tuple(shapes))
    scale = min(area.w / e.width, area.h / e.height)
    frame = Frame(scale, area.x + (area.w - e.width * scale) / 2,
                  area.y + (area.h - e.height * scale) / 2, e)
    return frame, _labels(shapes, texts, frame, area, face, own)


def _labels(shapes: Sequence[geo.Province], texts: dict[str, str], frame: Frame, area: Box,
            face: TextFace, own: str | None) -> list[Label]:
    """On the province where it fits; the others, the least room first, on a pill at the
    nearest free place around their spot."""
    labels, taken, rest = [], [], []
    for p in shapes:
        text = texts.get(p.code, "\u2013")
        half = ((face.width(text) + 2 * PAD) / 2, (face.height + 2 * PAD) / 2)
        if fits_inside(p, p.anchor, (half[0] / frame.scale, half[1] / frame.scale)):
            at = frame.page(p.anchor)
            labels.append(Label(p.code, text, at, "inside"))
            taken.append(_rect(at, half))
        else:
            rest.append((p, text))
    spots = {p.code: frame.page(p.anchor) for p in shapes}
    bounds = (area.x, area.y, area.x + area.w, area.y + area.h)
    for p, text in sorted(rest, key=lambda item: item[0].room):
        half = ((face.width(text) + 2 * PILL[0]) / 2, face.height / 2 + PILL[1])
        others = [xy for code, xy in spots.items() if code != p.code]
        at = _free_place(spots[p.code], half, taken, others, bounds, p.code == own)
        moved = at != spots[p.code]
        labels.append(Label(p.code, text, at, "pill", spots[p.code] if moved else None))
        taken.append(_rect(at, half))
    return labels


def _free_place(spot: Point, half: tuple[float, float], taken: list[Rect], others: list[Point],
                bounds: Rect, off: bool = False) -> Point:
    """The first place, from `spot` outwards (beside it when `off`), where a pill of
    half-size `half` stays inside `bounds`, clear of the labels `taken` and of the other
    provinces' spots (their labels' places); `spot` itself when there is none."""
    w, h = 2 * half[0] + 1, 2 * half[1] + 1
    for ring in range(1 if off else 0, 4):
        for dx, dy in _OFFSETS:
            at = (spot[0] + dx * w * ring, spot[1] + dy * h * ring) if ring else spot
            rect = _rect(at, half)
            if (_within(rect, bounds) and not any(_overlap(rect, r, 1.0) for r in taken)
                    and not any(_covers(rect, xy, 1.5) for xy in others)):
                return at
            if not ring:
                break
    return spot


# directions tried around a spot (in pill widths and heights): above and below first, then
# beside, then the corners
_OFFSETS = ((0, 1), (0, -1), (0.75, 0), (-0.75, 0), (0.6, 1), (-0.6, 1), (0.6, -1), (-0.6, -1))


def _covers(rect: Rect, point: Point, margin: float) -> bool:
    return (rect[0] - margin < point[0] < rect[2] + margin
            and rect[1] - margin < point[1] < rect[3] + margin)


def _rect(at: Point, half: tuple[float, float]) -> Rect:
    return at[0] - half[0], at[1] - half[1], at[0] + half[0], at[1] + half[1]


def _within(inner: Rect, outer: Rect) -> bool:
    return (inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2]
            and inner[3] <= outer[3])


def _overlap(a: Rect, b: Rect, gap: float) -> bool:
    return not (a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1]
                or b[3] + gap <= a[1])


@cache
def _edges(p: geo.Province) -> geo.Floats:
    return geo.edges(p)


def fits_inside(p: geo.Province, at: Point, half: tuple[float, float]) -> bool:
    """A box of half-size `half` centred at `at` (map units) lies inside the province: nine
    points of its edge and centre inside, and no corner of the province inside the box."""
    seg = _edges(p)
    (cx, cy), (hw, hh) = at, half
    px = np.array([cx + dx * hw for dx in (-1, 0, 1) for _ in (-1, 0, 1)], dtype=np.float64)
    py = np.array([cy + dy * hh for _ in (-1, 0, 1) for dy in (-1, 0, 1)], dtype=np.float64)
    if not geo.inside(px, py, seg).all():
        return False
    vx, vy = seg[:, 0], seg[:, 1]
    return not bool(((abs(vx - cx) < hw) & (abs(vy - cy) < hh)).any())
