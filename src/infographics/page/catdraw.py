"""Drawing of the block kinds over a set of categories (catblocks.py): ranked bars, the
category x function matrix, the "nog niet samengewerkt met" list and the year-by-year list,
with ReportLab straight onto the tagged canvas.

Charts and tables are one Figure each with their alternative text (which states every number);
the gaps list is a heading and one paragraph per line. draw.py registers `DRAWINGS` with its
`draw_block`. No text is drawn below `MIN_TEXT`; text
that does not fit even then fails the page naming the block (draw.py's `fit_lines`). Every value
is also written, never shown by colour or size alone; a yes/no is a filled or an open circle
and the word.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from infographics.errors import PageError
from infographics.page.catblocks import (
    GapLine,
    GapsContent,
    MatrixCell,
    MatrixContent,
    RankedBarsContent,
    RankedRow,
    YearListContent,
)
from infographics.page.painter import LEADING, Painter
from infographics.page.painter import bbox as _bbox
from infographics.page.painter import mark as _mark

MIN_TEXT = 6.5  # the smallest text on any page, in points


def _size(p: Painter, wanted: float) -> float:
    return max(MIN_TEXT, p.t.sizes.min, wanted)


def _title(p: Painter, block_id: str, title: str, x: float, top: float, w: float) -> float:
    """A block's one-line title from `top` down; returns the top of what follows."""
    if not title:
        return top
    size = p.t.sizes.label
    lines, s = p.fit_lines(block_id, title, p.f.bold, size, w, size * LEADING * 2 + 1,
                           min_size=_size(p, 0))
    p.color(p.t.colors.ink)
    return p.lines(lines, p.f.bold, s, x, top) - 4


def _fit_width(block_id: str, texts: list[tuple[str, str]], size: float, width: float) -> float:
    """The largest size <= `size` (not below MIN_TEXT) at which every (text, font) is at most
    `width` wide; a PageError naming the block when none is."""
    s = size
    while s >= MIN_TEXT - 1e-9:
        if all(stringWidth(t, f, s) <= width for t, f in texts):
            return s
        s -= 0.25
    raise PageError(block_id, f"tekst past niet in {width:.0f} pt, ook niet op {MIN_TEXT} pt")


# --- ranked bars -----------------------------------------------------------------------------


def _ranked(b: RankedBarsContent, p: Painter) -> None:
    c, t, box = p.c, p.t, b.box
    with c.tag("Figure", alt=b.alt, bbox=_bbox(box)):
        top = _title(p, b.id, b.title, box.x, box.y + box.h, box.w)
        head = _size(p, t.sizes.note) * LEADING + 2 if b.own_label else 0
        row_h = (top - head - box.y) / max(1, len(b.rows))
        own_w = (stringWidth("onbekend", p.f.regular, t.sizes.label) + 16) if b.own_label else 0
        label_w = box.w * 0.42
        size, labels = _labels(p, b.id, [(r.label, bool(r.group)) for r in b.rows],
                               min(t.sizes.label, row_h * 0.62), label_w - 6, row_h)
        value_w = stringWidth("100%", p.f.bold, size) + 6
        bar_w = box.w - label_w - value_w - own_w
        if b.own_label:
            _own_head(p, b, top, own_w)
        y = top - head
        for row, lines in zip(b.rows, labels, strict=True):
            _ranked_row(p, row, lines, (box.x, y - row_h / 2), (label_w, bar_w, own_w), size,
                        row_h)
            y -= row_h


def _labels(p: Painter, block_id: str, labels: list[tuple[str, bool]], size: float,
            width: float, row_h: float) -> tuple[float, list[list[str]]]:
    """The largest size (down to MIN_TEXT) at which every label wraps to at most two lines of
    `width` that fit a row of `row_h` with, when it has one, a group line below; the lines."""
    s = max(size, MIN_TEXT)
    while s >= MIN_TEXT - 1e-9:
        wrapped = [simpleSplit(text, p.f.semibold, s, width) for text, _ in labels]
        if all(len(lines) <= 2 and _stack(s, len(lines), group) <= row_h
               and all(stringWidth(x, p.f.semibold, s) <= width for x in lines)
               for lines, (_, group) in zip(wrapped, labels, strict=True)):
            return s, wrapped
        s -= 0.25
    raise PageError(block_id, f"labels passen niet in {width:.0f} x {row_h:.0f} pt, ook niet "
                              f"op {MIN_TEXT} pt")


def _stack(size: float, lines: int, group: bool) -> float:
    """The height of a label of `lines` lines at `size`, with a group line below it or not."""
    return lines * size * 1.1 + (max(MIN_TEXT, size - 1.5) * 1.1 if group else 0)


def _own_head(p: Painter, b: RankedBarsContent, top: float, own_w: float) -> None:
    """The head of the marks' column: the library's name, cut to the column."""
    size = _size(p, p.t.sizes.note)
    name = b.own_label
    while name and stringWidth(name, p.f.semibold, size) > own_w:
        name = name[:-2].rstrip() + "\u2026" if len(name) > 2 else ""
    p.color(p.t.colors.muted)
    p.c.setFont(p.f.semibold, size)
    p.c.drawRightString(b.box.x + b.box.w, top - size, name)


def _ranked_row(p: Painter, row: RankedRow, lines: list[str], at: tuple[float, float],
                widths: tuple[float, float, float], size: float, row_h: float) -> None:
    """One category: label (one or two lines) with its group below, the bar, the share and the
    library's own mark."""
    c, t = p.c, p.t
    (x, mid), (label_w, bar_w, own_w) = at, widths
    y = mid + _stack(size, len(lines), bool(row.group)) / 2 - size * 0.85
    p.color(t.colors.ink)
    c.setFont(p.f.semibold, size)
    for line in lines:
        c.drawString(x, y, line)
        y -= size * 1.1
    if row.group:
        small = max(MIN_TEXT, size - 1.5)
        p.color(t.colors.muted)
        c.setFont(p.f.regular, small)
        c.drawString(x, y + size * 1.1 - small * 1.1, row.group)
    bar_x, bar_h = x + label_w, min(row_h * 0.5, 9)
    p.color(t.colors.tile)
    c.rect(bar_x, mid - bar_h / 2, bar_w, bar_h, stroke=0, fill=1)
    if row.fraction:
        p.color(t.colors.primary)
        c.rect(bar_x, mid - bar_h / 2, bar_w * max(0.0, min(1.0, row.fraction)), bar_h,
               stroke=0, fill=1)
    p.color(t.colors.ink)
    c.setFont(p.f.bold, size)
    c.drawString(bar_x + bar_w + 4, mid - size * 0.35, row.text)
    if row.own_word:
        right = x + label_w + bar_w + stringWidth("100%", p.f.bold, size) + 6 + own_w
        _mark(c, right - own_w + 10, mid, min(4.5, row_h * 0.3), row.own, t)
        p.color(t.colors.ink if row.own else t.colors.muted)
        c.setFont(p.f.regular, size)
        c.drawRightString(right, mid - size * 0.35, row.own_word)


# --- matrix ----------------------------------------------------------------------------------


def _matrix(b: MatrixContent, p: Painter) -> None:
    c, t, box = p.c, p.t, b.box
    with c.tag("Figure", alt=b.alt, bbox=_bbox(box)):
        top = _title(p, b.id, b.title, box.x, box.y + box.h, box.w)
        if not b.rows:  # only the note: no column heads over an empty table
            lines, s = p.fit_lines(b.id, b.note, p.f.regular, t.sizes.label, box.w,
                                   top - box.y, min_size=MIN_TEXT)
            p.color(t.colors.ink)
            p.lines(lines, p.f.regular, s, box.x, top)
            return
        size = _size(p, t.sizes.note)
        room = 0.55 if b.yes_no else 0.34  # a yes/no cell is only a mark: narrow columns
        label_w = min(box.w * room, max((stringWidth(r.label, p.f.semibold, size)
                                         for r in b.rows), default=0) + 10)
        cell_w = (box.w - label_w) / len(b.columns)
        top -= _matrix_head(p, b, box.x + label_w, cell_w, top, size)
        note_lines, ns = p.fit_lines(b.id, b.note, p.f.regular, size, box.w,
                                     size * LEADING * 3, min_size=MIN_TEXT)
        note_h = len(note_lines) * ns * LEADING + 4 if b.note else 0
        row_h = min(size * 2.8, (top - box.y - note_h) / max(1, len(b.rows)))
        size, labels = _labels(p, b.id, [(r.label, False) for r in b.rows], size, label_w - 4,
                               row_h)
        y = top
        for n, (row, lines) in enumerate(zip(b.rows, labels, strict=True)):
            mid = y - row_h / 2
            if n % 2 == 0:  # a light band behind every other row, to follow a row across
                p.color(t.colors.tile)
                c.rect(box.x, y - row_h, box.w, row_h, stroke=0, fill=1)
            p.color(t.colors.ink)
            c.setFont(p.f.semibold, size)
            for k, line in enumerate(lines):
                c.drawString(box.x + 2, mid + _stack(size, len(lines), False) / 2 - size * 0.85
                             - k * size * 1.1, line)
            for i, cell in enumerate(row.cells):
                _cell(p, cell, box.x + label_w + i * cell_w, mid, min(row_h * 0.36, 5), size,
                      b.yes_no)
            y -= row_h
        if b.note:
            p.color(t.colors.muted)
            p.lines(note_lines, p.f.regular, ns, box.x, y - 4)


def _matrix_head(p: Painter, b: MatrixContent, x: float, cell_w: float, top: float,
                 size: float) -> float:
    """The column heads, each wrapped to its cell (at most three lines); returns their height."""
    heads = [p.fit_lines(b.id, col, p.f.semibold, size, cell_w - 2, size * LEADING * 3,
                         min_size=MIN_TEXT) for col in b.columns]
    p.color(p.t.colors.muted)
    for i, (lines, s) in enumerate(heads):
        p.lines(lines, p.f.semibold, s, x + i * cell_w + 1, top)
    return max(len(lines) * s * LEADING for lines, s in heads) + 3


def _cell(p: Painter, cell: MatrixCell, x: float, mid: float, r_max: float, size: float,
          yes_no: bool) -> None:
    """A dot and the value: a dot's area is the share (the text says it); a yes/no is a filled
    circle with a tick or an open circle (shape, not colour, says which)."""
    c, t = p.c, p.t
    if yes_no:
        _mark(c, x + r_max + 1, mid, r_max, cell.state, t)
        return
    if cell.fraction:
        r = max(0.8, r_max * math.sqrt(max(0.0, min(1.0, cell.fraction))))
        c.setFillColor(HexColor(t.colors.primary))
        c.circle(x + r_max + 1, mid, r, stroke=0, fill=1)
    p.color(t.colors.ink)
    c.setFont(p.f.regular, size)
    c.drawString(x + 2 * r_max + 4, mid - size * 0.35, cell.text)


# --- gaps and year list -----------------------------------------------------------------------


def _gaps(b: GapsContent, p: Painter) -> None:
    """A tile: the title, what the shares mean, one line per category (its label at the left,
    the share of peers at the right) and the note below."""
    c, t, box = p.c, p.t, b.box
    p.panel(box, t.colors.tile, 5)
    pad = 9
    x, w = box.x + pad, box.w - 2 * pad
    with c.tag("H3", text=b.title):
        top = _title(p, b.id, b.title, x, box.y + box.h - pad, w)
    if b.lead:
        lines, s = p.fit_lines(b.id, b.lead, p.f.regular, t.sizes.label, w,
                               t.sizes.label * LEADING * 2, min_size=MIN_TEXT)
        with c.tag("P", text=b.lead):
            p.color(t.colors.muted)
            top = p.lines(lines, p.f.regular, s, x, top) - 3
    note_lines, ns = p.fit_lines(b.id, b.note, p.f.regular, t.sizes.label, w,
                                 t.sizes.label * LEADING * 4, min_size=MIN_TEXT)
    note_h = len(note_lines) * ns * LEADING if b.note else 0
    row_h = min(t.sizes.label * 1.6, (top - box.y - pad - note_h) / max(1, len(b.lines)))
    size = _size(p, min(t.sizes.label, row_h / LEADING))
    if b.lines and size * LEADING > row_h + 0.01:
        raise PageError(b.id, f"lijst past niet in het blok, ook niet op {MIN_TEXT} pt")
    for line in b.lines:
        _gap_line(p, b, line, x, w, top - row_h / 2, size)
        top -= row_h
    if b.note:
        with c.tag("P", text=b.note):
            p.color(t.colors.muted if b.lines else t.colors.ink)
            p.lines(note_lines, p.f.regular, ns, x, top - 3)


def _gap_line(p: Painter, b: GapsContent, line: GapLine, x: float, w: float, mid: float,
              size: float) -> None:
    c, t = p.c, p.t
    with c.artifact():
        p.color(t.colors.accent)
        c.circle(x + 2, mid, 1.6, stroke=0, fill=1)
    with c.tag("P", text=f"{line.label}: {line.text}"):
        p.color(t.colors.ink)
        c.setFont(p.f.semibold, size)
        c.drawString(x + 8, mid - size * 0.35, line.label)
        c.setFont(p.f.bold, size)
        c.drawRightString(x + w, mid - size * 0.35, line.text)


def _year_list(b: YearListContent, p: Painter) -> None:
    c, t, box = p.c, p.t, b.box
    with c.tag("Figure", alt=b.alt, bbox=_bbox(box)):
        top = _title(p, b.id, b.title, box.x, box.y + box.h, box.w)
        size = t.sizes.label
        value_w = max([stringWidth(x, p.f.bold, size) for r in b.rows for x in r.texts]
                      + [stringWidth(y, p.f.semibold, size) for y in b.years]) + 8
        label_w = box.w - value_w * len(b.years)
        size = _fit_width(b.id, [(r.label, p.f.regular) for r in b.rows], size, label_w - 4)
        row_h = min((top - box.y) / (len(b.rows) + 1), size * 2.2)
        p.color(t.colors.muted)
        c.setFont(p.f.semibold, size)
        for i, year in enumerate(b.years):
            c.drawRightString(box.x + label_w + (i + 1) * value_w - 2, top - size, year)
        y = top - row_h
        for row in b.rows:
            p.color(t.colors.ink)
            c.setFont(p.f.regular, size)
            c.drawString(box.x, y - size, row.label)
            c.setFont(p.f.bold, size)
            for i, text in enumerate(row.texts):
                c.drawRightString(box.x + label_w + (i + 1) * value_w - 2, y - size, text)
            y -= row_h


# content class -> its drawing, registered by draw.py (which imports this module, not the reverse)
DRAWINGS: Final[dict[type, Callable[[Any, Painter], None]]] = {
    RankedBarsContent: _ranked, MatrixContent: _matrix, GapsContent: _gaps,
    YearListContent: _year_list,
}
