"""Composing: `PageContent` + `Style` into the bytes of a one-page, tagged A4 PDF.

Each resolved block is drawn inside its box on a `TaggedCanvas` as one structure element that
carries the block id and its rectangle (a `Div` around the block's elements, or its only
element): headings as H1/H2, text as P, charts as Figure with their alt text and their own
rectangle, backgrounds and rules as artifacts. Text that does not fit
its box is shrunk down to the style's minimum size, and otherwise the page fails with a
`PageError` naming the block. Output is reproducible: the same content gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import singledispatch

from matplotlib.figure import Figure
from reportlab.lib.colors import HexColor
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from infographics.errors import PageError
from infographics.page import charts, fonts, provmap
from infographics.page.blocks import (
    BarsContent,
    BlockBarsContent,
    BlockContent,
    Box,
    ComparisonContent,
    DescribedContent,
    DistributionContent,
    DistributionRow,
    DonutContent,
    HeaderContent,
    KpiContent,
    MapContent,
    OfferRow,
    OffersContent,
    PageContent,
    PictogramContent,
    SectionContent,
    SourceContent,
    StarsContent,
    StepsContent,
    TextContent,
    TrendContent,
)
from infographics.page.catdraw import DRAWINGS
from infographics.page.maplabels import TextFace
from infographics.page.mplcanvas import draw_figure
from infographics.page.painter import LEADING
from infographics.page.painter import Painter as _Painter
from infographics.page.painter import bbox as _bbox
from infographics.page.painter import mark as _mark
from infographics.page.style import Style
from infographics.page.tagging import TaggedCanvas

AUTHOR = "KB - Bibliotheekmonitor"


def draw_page(content: PageContent, style: Style, author: str = AUTHOR,
              tagged: bool = True) -> bytes:
    """Draw the page and return the PDF bytes. `tagged=False` leaves out the structure (marked
    content, structure tree, XMP): only to measure what tagging costs, never for a real page."""
    fonts.register()
    buf = io.BytesIO()
    c = TaggedCanvas(
        buf, title=content.title, author=author, subject=content.subject, tagged=tagged,
        pagesize=(content.page_width, content.page_height), initialFontName=style.fonts.regular,
        invariant=1, pageCompression=1,
    )
    c.setCreator("Bibliotheekmonitor infographics")
    painter = _Painter(c, style)
    for block in content.blocks:
        try:
            with c.block(block.id, _bbox(block.box)):
                draw_block(block, painter)
        except PageError:
            raise
        except Exception as exc:  # a drawing bug must still name its block
            raise PageError(block.id, f"{type(exc).__name__}: {exc}") from exc
    c.showPage()
    c.save()
    return buf.getvalue()


@singledispatch
def draw_block(block: BlockContent, p: _Painter) -> None:
    """Draw one block's content; each content class registers its drawing below."""
    raise TypeError(f"no drawing for {type(block).__name__}")


# --- blocks ---------------------------------------------------------------------------------


@draw_block.register
def _header(b: HeaderContent, p: _Painter) -> None:
    c, t, box = p.c, p.t, b.box
    p.panel(box, t.colors.band, 6)
    pad = 16
    inner = box.w - 2 * pad
    title_lines, ts = p.fit_lines(b.id, b.title, p.f.black, t.sizes.title, inner,
                                  box.h * 0.55, min_size=t.sizes.title * 0.6)
    sub_lines, ss = p.fit_lines(b.id, b.subtitle, p.f.semibold, t.sizes.subtitle, inner,
                                box.h * 0.3, min_size=t.sizes.min)
    block_h = len(title_lines) * ts * LEADING + 4 + len(sub_lines) * ss * LEADING
    top = box.y + box.h / 2 + block_h / 2
    with c.tag("H1", text=b.title):
        p.color(t.colors.band_text)
        top = p.lines(title_lines, p.f.black, ts, box.x + pad, top) - 4
    with c.tag("P", text=b.subtitle):
        p.color(t.colors.band_subtext)
        p.lines(sub_lines, p.f.semibold, ss, box.x + pad, top)


@draw_block.register
def _section(b: SectionContent, p: _Painter) -> None:
    c, t, box = p.c, p.t, b.box
    lines, size = p.fit_lines(b.id, b.text, p.f.bold, t.sizes.section, box.w, box.h - 3)
    with c.tag("H2", text=b.text):
        p.color(t.colors.ink)
        bottom = p.lines(lines, p.f.bold, size, box.x, box.y + box.h)
    with c.artifact():
        c.setStrokeColor(HexColor(t.colors.rule))
        c.setLineWidth(0.8)
        c.line(box.x, min(bottom - 2, box.y + 1), box.x + box.w, min(bottom - 2, box.y + 1))


@draw_block.register
def _text(b: TextContent, p: _Painter) -> None:
    t, box = p.t, b.box
    size = {"body": t.sizes.body, "label": t.sizes.label, "note": t.sizes.note}[b.size]
    font = p.f.bold if b.bold else p.f.regular
    lines, s = p.fit_lines(b.id, b.text, font, size, box.w, box.h)
    with p.c.tag("P", text=b.text):
        p.color(t.colors.ink)
        p.lines(lines, font, s, box.x, box.y + box.h)


@draw_block.register
def _source(b: SourceContent, p: _Painter) -> None:
    t, box = p.t, b.box
    lines, s = p.fit_lines(b.id, b.text, p.f.regular, t.sizes.note, box.w, box.h)
    with p.c.tag("P", text=b.text):
        p.color(t.colors.muted)
        p.lines(lines, p.f.regular, s, box.x, box.y + box.h)


KPI_PAD = 9
_ROOMY = 1e6  # a height any text fits: fit_lines then keeps the size it starts from


@dataclass(frozen=True)
class _Run:
    """Lines of one tile text, fitted: their font, size, colour and the space below them."""

    lines: list[str]
    font: str
    size: float
    color: str
    gap: float = 1.0

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING + self.gap if self.lines else 0.0


@draw_block.register
def _kpi(b: KpiContent, p: _Painter) -> None:
    """A tile, from the top down: the sentence that its own figure is missing (`lead`), the
    figure (with whose it is, `context`, beside it or above it), its label and its detail.
    The figure gives way first: it shrinks to half its size before the texts shrink."""
    c, t, box = p.c, p.t, b.box
    p.panel(box, t.colors.tile, 5)
    x, inner, room = box.x + KPI_PAD, box.w - 2 * KPI_PAD, box.h - 2 * KPI_PAD
    lead = _Run([], p.f.semibold, t.sizes.label, t.colors.ink, 6)
    if b.lead:
        lead = _tile_run(p, b.id, b.lead, lead, inner, room * 0.4)
    context = _Run([], p.f.bold, t.sizes.label - 0.5, b.color or t.colors.accent, 1)
    beside = 0.0  # the width of the context when it stands beside the figure
    if b.context:
        width = stringWidth(b.context, context.font, context.size) + 5
        if stringWidth(b.text, p.f.black, t.sizes.kpi * 0.5) + width <= inner:
            beside = width
        else:
            context = _tile_run(p, b.id, b.context, context, inner, room * 0.25)
    rest = room - lead.height - context.height
    label, detail = _tile_texts(p, b, inner, rest - t.sizes.kpi * 0.5 * LEADING)
    value_lines, vs = p.fit_lines(b.id, b.text, p.f.black, t.sizes.kpi, inner - beside,
                                  min(rest * 0.5, rest - label.height - detail.height),
                                  min_size=t.sizes.kpi * 0.5)
    value = _Run(value_lines, p.f.black, vs, b.color or t.colors.accent, 0)
    text = " ".join(x for x in (b.lead, b.context, b.text, b.label, b.detail) if x)
    with c.tag("P", text=text):
        top = box.y + box.h - KPI_PAD
        for run in (lead, context, value, label, detail):
            if run is value and beside:  # beside the figure's first line, on its baseline
                p.color(context.color)
                c.setFont(context.font, context.size)
                c.drawString(x + stringWidth(value.lines[0], value.font, vs) + 5,
                             top - fonts.metrics(p.f.black)[0] * vs, b.context)
            if run.lines:
                p.color(run.color)
                top = p.lines(run.lines, run.font, run.size, x, top) - run.gap


def _tile_run(p: _Painter, block_id: str, text: str, run: _Run, width: float,
              height: float) -> _Run:
    """`text` fitted as `run` (its font, size as the largest, colour, gap) into the room."""
    lines, size = p.fit_lines(block_id, text, run.font, run.size, width, height)
    return _Run(lines, run.font, size, run.color, run.gap)


def _tile_texts(p: _Painter, b: KpiContent, width: float, room: float) -> tuple[_Run, _Run]:
    """The label and detail of a tile at their own sizes, or shrunk into `room` (the tile less
    the figure at its smallest) when they do not fit at those sizes: the detail first, then
    both."""
    t = p.t
    label = _Run([], p.f.semibold, t.sizes.label, t.colors.ink, 1)
    detail = _Run([], p.f.regular, t.sizes.label - 0.5, t.colors.muted, 0)
    label = _tile_run(p, b.id, b.label, label, width, _ROOMY)
    if b.detail:
        detail = _tile_run(p, b.id, b.detail, detail, width, _ROOMY)
    if label.height + detail.height <= room:
        return label, detail
    if not b.detail:
        return _tile_run(p, b.id, b.label, label, width, room), detail
    try:
        return label, _tile_run(p, b.id, b.detail, detail, width, room - label.height)
    except PageError:
        label = _tile_run(p, b.id, b.label, label, width, room * 0.62)
        return label, _tile_run(p, b.id, b.detail, detail, width, room - label.height)


@draw_block.register
def _donut(b: DonutContent, p: _Painter) -> None:
    c, t, box = p.c, p.t, b.box
    label_h = box.h * 0.3
    radius = min(box.w, box.h - label_h) / 2 - 2
    cx, cy = box.x + box.w / 2, box.y + label_h + (box.h - label_h) / 2
    lines, s = p.fit_lines(b.id, b.label, p.f.semibold, t.sizes.label, box.w - 8, label_h - 2)
    with c.tag("Figure", alt=b.alt, bbox=_bbox(box)):
        charts.ring(c, cx, cy, radius, b.fraction, t)
        p.color(t.colors.ink)
        vs = radius * 0.42
        c.setFont(p.f.black, vs)
        c.drawCentredString(cx, cy - vs * 0.35, b.text)
        p.lines(lines, p.f.semibold, s, box.x + 4, box.y + label_h - 2, "center", box.w - 8)


@draw_block.register
def _pictogram(b: PictogramContent, p: _Painter) -> None:
    c, t, box = p.c, p.t, b.box
    icons_h = box.h * 0.56
    with c.tag("Figure", alt=b.alt, bbox=_bbox(box, bottom=box.h - icons_h)):
        charts.pictogram(c, box.x, box.y + box.h - icons_h, box.w, icons_h, b.fraction,
                         b.icons, t)
    room = box.h - icons_h - 4
    value_size = t.sizes.subtitle + 3
    value_w = stringWidth(b.text + " ", p.f.black, value_size)
    lines, s = p.fit_lines(b.id, b.label, p.f.semibold, t.sizes.body, box.w - value_w, room)
    with c.tag("P", text=f"{b.text} {b.label}"):
        p.color(t.colors.accent)
        c.setFont(p.f.black, value_size)
        top = box.y + room
        c.drawString(box.x, top - value_size * 0.8, b.text)
        p.color(t.colors.ink)
        p.lines(lines, p.f.semibold, s, box.x + value_w, top - 2)


def _figure(p: _Painter, b: DescribedContent, title: str,
            make: Callable[[float, float], Figure]) -> None:
    """A matplotlib chart with an optional title line above it, tagged as one Figure."""
    c, t, box = p.c, p.t, b.box
    title_h = t.sizes.label * LEADING + 4 if title else 0
    if title:  # one line, shrunk to fit or a PageError naming the block
        lines, ts = p.fit_lines(b.id, title, p.f.bold, t.sizes.label, box.w, title_h - 4)
    with c.tag("Figure", alt=b.alt, bbox=_bbox(box)):
        if title:
            p.color(t.colors.ink)
            p.lines(lines, p.f.bold, ts, box.x, box.y + box.h)
        try:
            fig = make(box.w, box.h - title_h)
        except charts.DoesNotFit as exc:
            raise PageError(b.id, str(exc)) from exc
        draw_figure(c, fig, box.x, box.y, box.w, box.h - title_h)


@draw_block.register
def _bars(b: BarsContent, p: _Painter) -> None:
    _figure(p, b, b.title, lambda w, h: charts.bar_list(b.bars, w, h, p.t))


@draw_block.register
def _comparison(b: ComparisonContent, p: _Painter) -> None:
    _figure(p, b, b.title, lambda w, h: charts.comparison(b.groups, w, h, p.t, b.legend))


@draw_block.register
def _trend(b: TrendContent, p: _Painter) -> None:
    """The small multiples as one Figure, the notes (breaks, a merger) as a paragraph below."""
    t, box = p.t, b.box
    notes = " ".join(b.notes)
    lines, s = ([], t.sizes.note) if not notes else p.fit_lines(
        b.id, notes, p.f.regular, t.sizes.note, box.w, box.h * 0.4,
        min_size=max(t.sizes.min, 6.5))
    notes_h = len(lines) * s * LEADING + (5 if lines else 0)
    chart = replace(b, box=Box(box.x, box.y + notes_h, box.w, box.h - notes_h))
    _figure(p, chart, b.title, lambda w, h: charts.trend(b.panels, b.top, w, h, t))
    if lines:
        with p.c.tag("P", text=notes):
            p.color(t.colors.muted)
            p.lines(lines, p.f.regular, s, box.x, box.y + notes_h - 1)


@draw_block.register
def _block_bars(b: BlockBarsContent, p: _Painter) -> None:
    _figure(p, b, b.title, lambda w, h: charts.block_bars(b.rows, w, h, p.t))


@draw_block.register
def _map(b: MapContent, p: _Painter) -> None:
    """Title, map and legend as one Figure (provmap.py arranges and draws them); the
    boundaries' credit line under it, across the block, as text."""
    c, t, box = p.c, p.t, b.box
    credit_lines, cs = p.fit_lines(b.id, b.credit, p.f.regular, t.sizes.map_legend, box.w,
                                   t.sizes.map_legend * LEADING * 2)
    credit_h = len(credit_lines) * cs * LEADING + 2
    faces = provmap.Faces(TextFace(p.f.bold, t.sizes.map_value),
                          TextFace(p.f.regular, t.sizes.map_legend))

    def title_height(width: float) -> float:
        lines = simpleSplit(b.title, p.f.bold, t.sizes.label, width)
        return len(lines) * t.sizes.label * LEADING

    area = Box(box.x, box.y + credit_h + 2, box.w, box.h - credit_h - 2)
    parts = provmap.arrange(area, b, t, faces, title_height)
    lines, s = p.fit_lines(b.id, b.title, p.f.bold, t.sizes.label, parts.title.w,
                           parts.title.h + 0.5)
    with c.tag("Figure", alt=b.alt, bbox=_bbox(area)):
        p.color(t.colors.ink)
        p.lines(lines, p.f.bold, s, parts.title.x, parts.title.y + parts.title.h)
        provmap.draw_map(c, parts, b, t, faces)
    with c.tag("P", text=b.credit):
        p.color(t.colors.muted)
        p.lines(credit_lines, p.f.regular, cs, box.x, box.y + credit_h)


@draw_block.register
def _offers(b: OffersContent, p: _Painter) -> None:
    c, t, box = p.c, p.t, b.box
    title_lines, ts = p.fit_lines(b.id, b.title, p.f.bold, t.sizes.label, box.w,
                                  t.sizes.label * LEADING)
    with c.tag("H3", text=b.title):
        p.color(t.colors.ink)
        p.lines(title_lines, p.f.bold, ts, box.x, box.y + box.h)
    row_h = (box.h - t.sizes.label * LEADING - 4) / max(1, len(b.rows))
    y = box.y + box.h - t.sizes.label * LEADING - 4
    for row in b.rows:
        _offer(p, b, row, y - row_h / 2, row_h)
        y -= row_h


def _offer(p: _Painter, b: OffersContent, row: OfferRow, mid: float, row_h: float) -> None:
    """One offer of `b`: its mark, label and yes/no word on the line through `mid`."""
    c, t, box = p.c, p.t, b.box
    size = t.sizes.body
    font = p.f.semibold if row.state else p.f.regular
    word_w = stringWidth(row.word, p.f.regular, size - 1) + 6
    label_lines, ls = p.fit_lines(b.id, row.label, font, size, box.w - 16 - word_w,
                                  min(row_h, size * LEADING))
    with c.artifact():
        _mark(c, box.x + 6, mid, 5, row.state, t)
    with c.tag("P", text=f"{row.label}: {row.word}"):
        p.color(t.colors.ink if row.state else t.colors.muted)
        c.setFont(font, ls)
        c.drawString(box.x + 16, mid - ls * 0.35, label_lines[0])
        c.setFont(p.f.regular, size - 1)
        c.drawRightString(box.x + box.w, mid - size * 0.35, row.word)


@draw_block.register
def _stars(b: StarsContent, p: _Painter) -> None:
    c, t, box = p.c, p.t, b.box
    r = min(box.h * 0.28, box.w / (b.max_stars * 2.6))
    text_top = box.y + box.h - r * 2.5
    with c.tag("Figure", alt=b.alt, bbox=_bbox(box, bottom=text_top - box.y)):
        for i in range(b.max_stars):
            charts.star(c, box.x + r * 1.1 + i * r * 2.5, box.y + box.h - r * 1.15, r,
                        b.stars is not None and i < b.stars, t)
    room = text_top - box.y
    value_lines, vs = p.fit_lines(b.id, b.words, p.f.black, t.sizes.kpi * 0.8, box.w,
                                  room * 0.45, min_size=t.sizes.body)
    with c.tag("P", text=f"{b.words}. {b.detail}"):
        p.color(t.colors.accent)
        top = p.lines(value_lines, p.f.black, vs, box.x, text_top)
        p.color(t.colors.ink)
        detail_lines, ds = p.fit_lines(b.id, b.detail, p.f.semibold, t.sizes.body,
                                       box.w, top - box.y)
        top = p.lines(detail_lines, p.f.semibold, ds, box.x, top - 2)
    if b.label:
        lines, ls = p.fit_lines(b.id, b.label, p.f.regular, t.sizes.label, box.w,
                                max(top - box.y - 2, 1))
        with c.tag("P", text=b.label):
            p.color(t.colors.muted)
            p.lines(lines, p.f.regular, ls, box.x, top - 2)


@dataclass(frozen=True)
class _Rows:
    """Where the rows of a distribution go: the bars' left edge and width, the row height and
    the radius of the stars."""

    bar_x: float
    bar_w: float
    row_h: float
    r: float


@draw_block.register
def _distribution(b: DistributionContent, p: _Painter) -> None:
    c, t, box = p.c, p.t, b.box
    title_h = t.sizes.label * LEADING + 4
    note_h = t.sizes.label * LEADING + 4 if b.note else 0
    row_h = (box.h - title_h - note_h) / len(b.rows)
    r = min(row_h * 0.32, 6)
    stars_w = b.max_stars * r * 2.4
    widest = max(stringWidth(_distribution_label(row), _distribution_font(p, row),
                             t.sizes.label) for row in b.rows)
    text_w = max(stringWidth("000 (100%)", p.f.bold, t.sizes.label) + 58, widest + 8)
    rows = _Rows(bar_x=box.x + stars_w + 6, bar_w=box.w - stars_w - 6 - text_w, row_h=row_h,
                 r=r)
    with c.tag("Figure", alt=b.alt, bbox=_bbox(box, bottom=note_h)):
        p.color(t.colors.ink)
        c.setFont(p.f.bold, t.sizes.label)
        c.drawString(box.x, box.y + box.h - t.sizes.label, b.title)
        y = box.y + box.h - title_h
        for row in b.rows:
            _distribution_row(p, b, row, rows, y - row_h / 2)
            y -= row_h
    if b.note:
        with c.tag("P", text=b.note):
            p.color(t.colors.ink)
            c.setFont(p.f.semibold, t.sizes.label)
            c.drawString(box.x, box.y + 2, b.note)


def _distribution_row(p: _Painter, b: DistributionContent, row: DistributionRow, at: _Rows,
                      mid: float) -> None:
    """One row: its stars, the bar of its share and the count with the share."""
    c, t, box = p.c, p.t, b.box
    for i in range(b.max_stars):
        charts.star(c, box.x + at.r + i * at.r * 2.4, mid, at.r, i < row.stars, t)
    p.color(t.colors.tile)
    c.rect(at.bar_x, mid - at.row_h * 0.3, at.bar_w, at.row_h * 0.6, stroke=0, fill=1)
    if row.share:
        p.color(t.colors.primary)
        c.rect(at.bar_x, mid - at.row_h * 0.3, at.bar_w * max(0.0, min(1.0, row.share)),
               at.row_h * 0.6, stroke=0, fill=1)
    p.color(t.colors.ink)
    c.setFont(_distribution_font(p, row), t.sizes.label)
    c.drawString(at.bar_x + at.bar_w + 6, mid - t.sizes.label * 0.35, _distribution_label(row))


def _distribution_font(p: _Painter, row: DistributionRow) -> str:
    return p.f.bold if row.own else p.f.regular


def _distribution_label(row: DistributionRow) -> str:
    return f"{row.count_text} ({row.share_text})" + ("  \u2190 deze school" if row.own else "")


@draw_block.register
def _steps(b: StepsContent, p: _Painter) -> None:
    """Numbered steps: a number in a disc, the sentence beside it, all at one size that fits."""
    c, t, box = p.c, p.t, b.box
    top = box.y + box.h
    if b.title:
        lines, s = p.fit_lines(b.id, b.title, p.f.bold, t.sizes.label, box.w,
                               t.sizes.label * LEADING)
        with c.tag("H3", text=b.title):
            p.color(t.colors.ink)
            top = p.lines(lines, p.f.bold, s, box.x, top) - 5
    r = 7.0
    x, width = box.x + 2 * r + 6, box.w - 2 * r - 6
    wrapped, size, gap = _fit_steps(p, b, width, top - box.y)
    ascent = fonts.metrics(p.f.regular)[0]
    for number, (step, lines) in enumerate(zip(b.steps, wrapped, strict=True), start=1):
        mid = top - ascent * size + size * 0.32  # the middle of the first line's letters
        with c.artifact():
            p.color(t.colors.accent)
            c.circle(box.x + r, mid, r, stroke=0, fill=1)
        with c.tag("P", text=f"{number}. {step}"):
            p.color("#ffffff")
            c.setFont(p.f.bold, t.sizes.label)
            c.drawCentredString(box.x + r, mid - t.sizes.label * 0.35, str(number))
            p.color(t.colors.ink)
            top = p.lines(lines, p.f.regular, size, x, top) - gap


def _fit_steps(p: _Painter, b: StepsContent, width: float, height: float
               ) -> tuple[list[list[str]], float, float]:
    """The steps wrapped to `width` at the largest size (body size down to the minimum) at
    which they fit `height`, with the gap between steps; else a PageError naming the block."""
    size = p.t.sizes.body
    while size >= p.t.sizes.min - 1e-9:
        wrapped = [simpleSplit(step, p.f.regular, size, width) or [""] for step in b.steps]
        gap = size * 0.7
        lines = sum(len(w) for w in wrapped)
        widest = max((stringWidth(line, p.f.regular, size) for w in wrapped for line in w),
                     default=0)
        if lines * size * LEADING + gap * (len(wrapped) - 1) <= height + 0.01 \
                and widest <= width + 0.01:
            return wrapped, size, gap
        size -= 0.25
    raise PageError(b.id, f"de stappen passen niet in het blok ({width:.0f} x {height:.0f} pt)")


for _kind, _drawing in DRAWINGS.items():  # the kinds over a set of categories (catdraw.py)
    draw_block.register(_kind, _drawing)
