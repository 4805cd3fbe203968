"""The province map: a map block's content (a value, text and legend class per province) and
the projected province outlines (geo.py) into a choropleth on a ReportLab canvas.

`arrange` splits the block (less its credit line) into the title, the map and the legend,
choosing of three arrangements the one that draws the map largest: title and legend in a
column right of the map (wide blocks), the title above with the legend right of the map, or
the title above and the legend under the map. `draw_map` then draws each province as a vector
path shaded by its class (the style's `colors.map`, light to dark, spread over the classes),
hatched when its value is unknown; white borders between provinces and a thin edge round the
country; the page's own province outlined in the accent colour (the page's own colour); the
values (placed by maplabels.py: on the province in the colour that contrasts with its shade,
or on a white pill, with a leader line when moved off it); and the legend: the classes,
"onbekend" when a value is, and the outlined province by name. Everything is drawn inside
the caller's marked content (the block's Figure); nothing here tags.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from infographics.page import geo
from infographics.page.blocks import Box, MapContent
from infographics.page.maplabels import PILL, Frame, Label, TextFace, place_map
from infographics.page.style import Style, contrast

WHITE = "#ffffff"
BORDER = 0.6  # white line between provinces, points
EDGE = 0.5  # the country's edge, points
SIMPLIFY = 0.9  # points: an outline's points closer than this to the last one drawn are left out
OUTLINE = 1.6  # the own province's outline (accent colour), points
HATCH = 2.4  # spacing of the hatching of an unknown value, points
SWATCH = (10.0, 7.0)  # legend swatch, points
GAP = 8.0  # points between the map, its title and its legend

Entry = tuple[str, str]  # (what a legend swatch shows: a colour, "hatch" or "outline"; its text)


@dataclass(frozen=True)
class Faces:
    """The map's text: the values (bold) and the legend."""

    value: TextFace
    legend: TextFace


@dataclass(frozen=True)
class Parts:
    """Where the title, the map and the legend go inside the block (the legend in `columns`
    columns from its box's top-left)."""

    title: Box
    map: Box
    legend: Box
    columns: int


def shade_color(style: Style, shade: int | None, classes: int) -> str:
    """The fill of legend class `shade` of `classes`, spread over the palette (light to dark);
    white (then hatched) for an unknown value."""
    palette = style.colors.map
    if shade is None:
        return WHITE
    if classes <= 1:
        return palette[len(palette) // 2]
    return palette[round(shade * (len(palette) - 1) / (classes - 1))]


def ink_on(style: Style, fill: str) -> str:
    """The text colour on `fill`: the style's ink or white, whichever contrasts more."""
    return WHITE if contrast(WHITE, fill) > contrast(style.colors.ink, fill) else style.colors.ink


def legend_entries(content: MapContent, style: Style) -> list[Entry]:
    """The classes light to dark, then "onbekend" when a value is, then the outlined province."""
    n = len(content.classes)
    entries = [(shade_color(style, i, n), label) for i, label in enumerate(content.classes)]
    if any(cell.shade is None for cell in content.cells):
        entries.append(("hatch", "\u2013 onbekend"))
    own = next((cell.name for cell in content.cells if cell.province == content.highlight), None)
    if own:
        entries.append(("outline", own))
    return entries


# --- arranging the block -----------------------------------------------------------------------


def arrange(area: Box, content: MapContent, style: Style, faces: Faces,
            title_height: Callable[[float], float]) -> Parts:
    """The arrangement that draws the map largest; `title_height(width)` is the height the
    title needs at that width."""
    entries = legend_entries(content, style)
    entry_w = SWATCH[0] + 4 + max(faces.legend.width(text) for _, text in entries) + GAP
    row = max(SWATCH[1], faces.legend.size) + 3
    e = geo.extent(geo.provinces())
    options = [_column(area, len(entries), entry_w, row, e, title_height),
               _stacked(area, len(entries), entry_w, row, title_height)]
    found = [o for o in options if o is not None]
    if not found:
        return _stacked_below(area, len(entries), entry_w, row, title_height)
    return max(found, key=lambda parts: min(parts.map.w / e.width, parts.map.h / e.height))


def _column(area: Box, n: int, entry_w: float, row: float, e: geo.Extent,
            title_height: Callable[[float], float]) -> Parts | None:
    """Title and legend in a column right of the map, the map as tall as the block allows."""
    map_w = min(area.h * e.width / e.height, area.w - entry_w - GAP)
    while map_w > area.w * 0.3:
        col_w = area.w - map_w - GAP
        columns = max(1, int(col_w // entry_w))
        th, lh = title_height(col_w), math.ceil(n / columns) * row
        if th + GAP / 2 + lh <= area.h:
            x, top = area.x + map_w + GAP, area.y + area.h
            return Parts(Box(x, top - th, col_w, th), Box(area.x, area.y, map_w, area.h),
                         Box(x, top - th - GAP / 2 - lh, col_w, lh), columns)
        map_w -= area.w * 0.04
    return None


def _stacked(area: Box, n: int, entry_w: float, row: float,
             title_height: Callable[[float], float]) -> Parts | None:
    """The title across the top; the legend right of the map, or under it when that leaves the
    map larger; None when neither leaves the map 20 points each way."""
    th = title_height(area.w)
    top = area.y + area.h - th - GAP / 2
    lh = n * row
    side = Parts(Box(area.x, top + GAP / 2, area.w, th),
                 Box(area.x, area.y, area.w - entry_w, top - area.y),
                 Box(area.x + area.w - entry_w + GAP, top - lh, entry_w - GAP, lh), 1)
    usable = [p for p in (side, _stacked_below(area, n, entry_w, row, title_height))
              if p.map.w > 20 and p.map.h > 20]
    e = geo.extent(geo.provinces())
    return max(usable, key=lambda p: min(p.map.w / e.width, p.map.h / e.height), default=None)


def _stacked_below(area: Box, n: int, entry_w: float, row: float,
                   title_height: Callable[[float], float]) -> Parts:
    """The title across the top, the legend in as many columns as fit under the map."""
    th = title_height(area.w)
    top = area.y + area.h - th - GAP / 2
    columns = max(1, int((area.w + GAP) // entry_w))
    below_h = math.ceil(n / columns) * row
    return Parts(Box(area.x, top + GAP / 2, area.w, th),
                 Box(area.x, area.y + below_h + GAP / 2, area.w,
                     max(1.0, top - area.y - below_h - GAP / 2)),
                 Box(area.x, area.y, area.w, below_h), columns)


# --- drawing -----------------------------------------------------------------------------------


def draw_map(c: Canvas, parts: Parts, content: MapContent, style: Style, faces: Faces) -> None:
    """The provinces, their values and the legend in their parts of the block."""
    shapes = geo.provinces()
    texts = {cell.province: cell.text for cell in content.cells}
    frame, labels = place_map(shapes, texts, parts.map, faces.value, content.highlight)
    c.saveState()
    c.setLineJoin(1)
    _provinces(c, frame, shapes, content, style)
    _labels(c, labels, content, style, faces.value)
    _legend(c, legend_entries(content, style), parts, style, faces.legend)
    c.restoreState()


def outline(frame: Frame, p: geo.Province) -> str:
    """The province's parts (with their holes) as PDF path operators (m, l, h) on the page,
    rounded to 0,1 pt, points closer than `SIMPLIFY` to the last one kept left out (a shared
    border loses nearly the same points on both sides, and the white border hides the
    difference): a smaller page and a faster one (ReportLab's lineTo is slow), the same
    picture. Painted with `addLiteral` plus the painting operator."""
    ops = []
    for poly in p.polygons:
        for ring in poly.rings:
            points = [(round(x, 1), round(y, 1)) for x, y in map(frame.page, ring)]
            last = points[0]
            ops.append(f"{last[0]:.1f} {last[1]:.1f} m")
            for pt in points[1:-1]:
                if abs(pt[0] - last[0]) + abs(pt[1] - last[1]) >= SIMPLIFY:
                    ops.append(f"{pt[0]:.1f} {pt[1]:.1f} l")
                    last = pt
            ops.append("h")
    return " ".join(ops)


def _provinces(c: Canvas, frame: Frame, shapes: Sequence[geo.Province], content: MapContent,
               style: Style) -> None:
    """The country's edge (a line in the track colour, of which the fills leave only the outer
    half); every province filled with its class's shade (hatched when unknown, even-odd so
    that holes stay empty) and bordered in white (a shared border is drawn whole by the
    province drawn last); then the page's own province outlined in the accent colour on a
    white halo, so that the outline shows on dark and light shades alike."""
    shade = {cell.province: cell.shade for cell in content.cells}
    paths = {p.code: outline(frame, p) for p in shapes}
    c.setStrokeColor(HexColor(style.colors.track))
    c.setLineWidth(2 * EDGE)
    c.addLiteral(" ".join(paths.values()) + " S")
    c.setStrokeColor(HexColor(WHITE))
    c.setLineWidth(BORDER)
    for p in shapes:
        c.setFillColor(HexColor(shade_color(style, shade.get(p.code), len(content.classes))))
        c.addLiteral(paths[p.code] + " B*")
        if shade.get(p.code) is None:
            _hatch(c, frame, p, paths[p.code], style)
            c.addLiteral(paths[p.code] + " S")
    if content.highlight in paths:
        for color, width in ((WHITE, OUTLINE + 2 * BORDER), (style.colors.accent, OUTLINE)):
            c.setStrokeColor(HexColor(color))
            c.setLineWidth(width)
            c.addLiteral(paths[content.highlight] + " S")


def _hatch(c: Canvas, frame: Frame, p: geo.Province, path: str, style: Style) -> None:
    """Diagonal lines over the province, clipped to it: an unknown value, not a low one."""
    points = [frame.page(pt) for poly in p.polygons for pt in poly.rings[0]]
    x0, x1 = min(x for x, _ in points), max(x for x, _ in points)
    y0, y1 = min(y for _, y in points), max(y for _, y in points)
    c.saveState()
    c.addLiteral(path + " W* n")
    c.setStrokeColor(HexColor(style.colors.track))
    c.setLineWidth(0.5)
    x = x0 - (y1 - y0)
    while x < x1:
        c.line(x, y0, x + (y1 - y0), y1)
        x += HATCH
    c.restoreState()


def _labels(c: Canvas, labels: Sequence[Label], content: MapContent, style: Style,
            face: TextFace) -> None:
    """Each value at its place: on its province in the colour that reads on the shade, or on a
    white pill; first the leader lines of the pills moved off their province's spot."""
    shade = {cell.province: cell.shade for cell in content.cells}
    ink = style.colors.ink
    c.setStrokeColor(HexColor(ink))
    c.setFillColor(HexColor(ink))
    c.setLineWidth(0.5)
    for label in labels:
        if label.anchor is not None:  # from the pill's centre: the pill hides that part
            c.line(*label.at, *label.anchor)
            c.circle(*label.anchor, 0.9, stroke=0, fill=1)
    for label in labels:
        x, y = label.at
        color = ink
        if label.place == "inside":
            color = ink_on(style, shade_color(style, shade.get(label.code),
                                              len(content.classes)))
        else:
            w, h = face.width(label.text) + 2 * PILL[0], face.height + 2 * PILL[1]
            c.setFillColor(HexColor(WHITE))
            c.setStrokeColor(HexColor(ink))
            c.setLineWidth(0.4)
            c.roundRect(x - w / 2, y - h / 2, w, h, h / 3, stroke=1, fill=1)
        c.setFillColor(HexColor(color))
        c.setFont(face.font, face.size)
        c.drawCentredString(x, y - face.height / 2, label.text)


def _legend(c: Canvas, entries: Sequence[Entry], parts: Parts, style: Style,
            face: TextFace) -> None:
    """The entries in the legend's columns from its top-left, each a swatch and its text."""
    box, columns = parts.legend, parts.columns
    sw, sh = SWATCH
    row = max(sh, face.size) + 3
    col_w = box.w / columns if columns > 1 else box.w
    for i, (swatch, text) in enumerate(entries):
        x = box.x + (i % columns) * col_w
        y = box.y + box.h - (i // columns + 1) * row + (row - sh) / 2
        _swatch(c, swatch, x, y, style)
        c.setFillColor(HexColor(style.colors.ink))
        c.setFont(face.font, face.size)
        c.drawString(x + sw + 4, y + sh / 2 - face.height / 2, text)


def _swatch(c: Canvas, swatch: str, x: float, y: float, style: Style) -> None:
    sw, sh = SWATCH
    c.setLineWidth(0.5)
    c.setStrokeColor(HexColor(style.colors.track))
    if swatch == "outline":
        c.setStrokeColor(HexColor(style.colors.accent))
        c.setLineWidth(OUTLINE)
        c.rect(x + OUTLINE / 2, y + OUTLINE / 2, sw - OUTLINE, sh - OUTLINE, stroke=1, fill=0)
    elif swatch == "hatch":
        c.saveState()
        path = c.beginPath()
        path.rect(x, y, sw, sh)
        c.clipPath(path, stroke=1, fill=0)
        for k in range(-2, 6):
            c.line(x + k * HATCH, y, x + k * HATCH + sh, y + sh)
        c.restoreState()
    else:
        c.setFillColor(HexColor(swatch))
        c.rect(x, y, sw, sh, stroke=0, fill=1)

