"""Charts: resolved chart data into drawings on a ReportLab canvas, one small function per kind.

Bar-type charts (`bar_list`, `comparison` with its hoger / vergelijkbaar / lager marks as a
shape and a word) and the small multiples of a `trend` are built as matplotlib figures and
drawn straight onto the canvas as vector paths and real text (see mplcanvas.py); simple shapes
(ring, people pictogram, stars) are drawn with ReportLab directly, which is
faster. All text uses the bundled Lato family; every value is also written as a label, never
shown by colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from reportlab.lib.colors import HexColor
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from infographics.page.blocks import Bar, BlockRow, ComparisonGroup, TrendPanel
from infographics.page.fonts import FAMILY
from infographics.page.style import Style


def _props(size: float, weight: str = "normal") -> FontProperties:
    return FontProperties(family=FAMILY, size=size, weight=weight)


def _clip01(x: float | None) -> float:
    return 0.0 if x is None else max(0.0, min(1.0, x))


# --- matplotlib charts ---------------------------------------------------------------------------
# The charts need no axes (no ticks, no grid), and creating a matplotlib Axes costs more than the
# rest of a chart; so shapes and texts are placed on the Figure itself through a `_Panel` that
# maps panel coordinates (x 0..1, y 0..rows) to figure fractions.


@dataclass(frozen=True)
class _Panel:
    fig: Figure
    left: float
    bottom: float
    width: float
    height: float
    rows: float = 1.0

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return self.left + x * self.width, self.bottom + y / self.rows * self.height

    def rect(self, x: float, y: float, w: float, h: float, color: str) -> None:
        self.fig.add_artist(Rectangle(self.xy(x, y), w * self.width, h / self.rows * self.height,
                                      facecolor=color, edgecolor="none", linewidth=0,
                                      transform=self.fig.transFigure))

    def text(self, x: float, y: float, text: str, **kwargs: Any) -> None:
        self.fig.text(*self.xy(x, y), text, **kwargs)

    def marker(self, x: float, y: float, **kwargs: Any) -> None:
        fx, fy = self.xy(x, y)
        self.fig.add_artist(Line2D([fx], [fy], linestyle="none", transform=self.fig.transFigure,
                                   **kwargs))

    def line(self, xs: Sequence[float], ys: Sequence[float], **kwargs: Any) -> None:
        points = [self.xy(x, y) for x, y in zip(xs, ys, strict=True)]
        self.fig.add_artist(Line2D([p[0] for p in points], [p[1] for p in points],
                                   transform=self.fig.transFigure, **kwargs))


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width / 72, height / 72), dpi=72)


class DoesNotFit(Exception):
    """A chart has no room for its content in the box it was given (the message in Dutch);
    draw.py turns it into a PageError naming the block, so no page is drawn with overlapping
    text."""


def bar_list(bars: Sequence[Bar], width: float, height: float, style: Style) -> Figure:
    """Horizontal bars, label above each bar and the value at its end."""
    fig = _figure(width, height)
    n = len(bars)
    panel = _Panel(fig, 0, 0, 1, 1, n)
    size = style.sizes.label
    for i, bar in enumerate(bars):
        top = n - i
        panel.text(0, top - 0.08, bar.label, ha="left", va="top", fontproperties=_props(size),
                   color=style.colors.ink)
        y, h = top - 0.88, 0.3
        panel.rect(0, y, 0.86, h, style.colors.tile)
        frac = _clip01(bar.fraction)
        if bar.fraction is not None and frac > 0:
            panel.rect(0, y, 0.86 * frac, h, bar.color)
        panel.text(0.88, y + h / 2, bar.text, ha="left", va="center",
                   fontproperties=_props(size + 1, "bold"), color=style.colors.ink)
    return fig


# The marks of a comparison: matplotlib marker and word (the shape, not only the colour, says it)
MARK_SHAPES = {"hoger": "^", "vergelijkbaar": "o", "lager": "v"}
MARK_WORDS = ("hoger", "vergelijkbaar", "lager")


def comparison(groups: Sequence[ComparisonGroup], width: float, height: float,
               style: Style, legend: str = "") -> Figure:
    """Small multiples: one panel per indicator, one labelled bar per comparison group; with a
    `legend`, each marked bar has its mark (shape and word) at the panel's right and the
    legend line explains them at the bottom."""
    fig = _figure(width, height)
    k = len(groups)
    size = style.sizes.label
    names = [bar.label for bar in groups[0].bars] if groups else []
    label_w = _label_room(names, size, width, 0.2)  # room for the series names at the left
    gap = 0.025
    panel_w = (1 - label_w - gap * (k - 1)) / k
    legend_lines = _legend_lines(legend, width, style)
    legend_h = ((len(legend_lines) + 1) * style.sizes.note * 1.25 + 4) / height if legend else 0.0
    titles = [simpleSplit(group.label, "Lato-Bold", size, panel_w * width - 2)
              for group in groups]
    title_h = (max(2, *(len(t) for t in titles)) + 0.6) * (size + 2) / height
    rows = max((len(group.bars) for group in groups), default=1)
    row = (1 - title_h - legend_h) * height / rows
    # a bar's value text, and with marks the mark word below the bar, each need their line
    need = size * (2.0 if legend else 1.25)
    if row < need:
        raise DoesNotFit(f"de vergelijking past niet: {row:.1f} pt per staaf, minstens "
                         f"{need:.1f} pt nodig" + (" (met de uitleg van de tekens)" if legend
                                                   else ""))
    for g, group in enumerate(groups):
        left = label_w + g * (panel_w + gap)
        panel = _Panel(fig, left, legend_h, panel_w, 1 - title_h - legend_h, len(group.bars))
        fig.text(left, 1, "\n".join(titles[g]), ha="left", va="top",
                 fontproperties=_props(size, "bold"), color=style.colors.ink, linespacing=1.15)
        for i, bar in enumerate(group.bars):
            y = len(group.bars) - 1 - i
            # with marks: the bar in the row's upper part, its mark (shape and word) below it
            low, high = (0.42, 0.92) if legend else (0.2, 0.8)
            _comparison_bar(panel, bar, y + low, high - low, style)
            if bar.mark:
                _mark(panel, 0.0, y + 0.2, bar.mark, style)
            if g == 0:
                fig.text(label_w - 0.015, legend_h + (y + (low + high) / 2) / len(group.bars)
                         * (1 - title_h - legend_h), bar.label, ha="right", va="center",
                         fontproperties=_props(size), color=style.colors.ink)
    if legend:
        _marks_legend(fig, legend_lines, height, width, style)
    return fig


def _comparison_bar(panel: _Panel, bar: Bar, y: float, h: float, style: Style) -> None:
    """One bar from `y` up, `h` rows high, with its value written."""
    size = style.sizes.label
    panel.rect(0, y, 1, h, style.colors.tile)
    frac = _clip01(bar.fraction)
    if bar.fraction is not None and frac > 0:
        panel.rect(0, y, frac, h, bar.color)
    inside = frac > 0.72
    panel.text(frac - 0.03 if inside else frac + 0.03, y + h / 2, bar.text,
               ha="right" if inside else "left", va="center",
               fontproperties=_props(size, "bold"),
               color="#ffffff" if inside else style.colors.ink)


def _mark(panel: _Panel, x: float, y: float, word: str, style: Style) -> None:
    """A mark: its shape (a path, so no font needs the glyph) and its word beside it."""
    points = panel.width * panel.fig.get_figwidth() * 72
    panel.marker(x + 3 / points, y, marker=MARK_SHAPES[word], markersize=5.5,
                 color=style.colors.ink, markeredgewidth=0)
    panel.text(x + 8 / points, y, word, ha="left", va="center",
               fontproperties=_props(style.sizes.note), color=style.colors.ink)


def _legend_lines(text: str, width: float, style: Style) -> list[str]:
    """The marks legend's explanation, wrapped to the figure's width."""
    return simpleSplit(text, "Lato", style.sizes.note, width - 2) if text else []


def _marks_legend(fig: Figure, lines: list[str], height: float, width: float,
                  style: Style) -> None:
    """The legend of the marks at the bottom: each shape with its word, and below it what
    they compare (`lines`)."""
    size = style.sizes.note
    step = size * 1.25 / height
    y = (len(lines) + 0.5) * step
    x = 0.0
    for word in MARK_WORDS:
        fig.add_artist(Line2D([x + 3 / width], [y], marker=MARK_SHAPES[word], markersize=5.5,
                              color=style.colors.ink, markeredgewidth=0, linestyle="none",
                              transform=fig.transFigure))
        fig.text(x + 8 / width, y, word, ha="left", va="center", fontproperties=_props(size),
                 color=style.colors.ink)
        x += (8 + stringWidth(word, "Lato", size) + 10) / width
    for i, line in enumerate(lines):
        fig.text(0, (len(lines) - i - 0.5) * step, line, ha="left", va="center",
                 fontproperties=_props(size), color=style.colors.muted)


def trend(panels: Sequence[TrendPanel], top: float, width: float, height: float,
          style: Style) -> Figure:
    """Small multiples over the school years on one scale (0..`top`): per panel its label, a
    line per run of comparable years (never across a break: there a dashed rule marked
    'trendbreuk'), the first and last value of each line written, the first and last year
    below."""
    fig = _figure(width, height)
    k = len(panels)
    gap = 0.04
    panel_w = (1 - gap * (k - 1)) / k
    size = style.sizes.label
    titles = [simpleSplit(p.label, "Lato-Bold", size, panel_w * width - 2) for p in panels]
    title_h = (max(1, *(len(t) for t in titles)) * 1.15 + 0.3) * size / height
    years_h = (style.sizes.note * 1.3 + 4) / height
    marked_h = (style.sizes.note + 2) / height if any(p.breaks for p in panels) else 0.0
    values_h = (size + 3) / height  # room above the highest point for its value
    plot_h = 1 - title_h - marked_h - values_h - years_h
    for i, tp in enumerate(panels):
        left = i * (panel_w + gap)
        fig.text(left, 1, "\n".join(titles[i]), ha="left", va="top",
                 fontproperties=_props(size, "bold"), color=style.colors.ink, linespacing=1.15)
        plot = _Panel(fig, left, years_h, panel_w, plot_h, top)
        _trend_panel(plot, tp, style, (plot_h + values_h) / plot_h * top)
    return fig


def _trend_x(i: int, n: int) -> float:
    return 0.5 if n == 1 else 0.1 + 0.8 * i / (n - 1)


def _trend_panel(plot: _Panel, tp: TrendPanel, style: Style, marked_at: float) -> None:
    """One indicator: baseline with a tick per year, the breaks (dashed rule up to
    `marked_at`, marked 'trendbreuk' unless that would run into the previous break's word),
    a line per run with its first and last value."""
    n = len(tp.points)
    note = style.sizes.note
    plot.line([0, 1], [0, 0], color=style.colors.track, linewidth=0.6)
    below = 2.5 / (plot.height * plot.fig.get_figheight() * 72) * plot.rows  # 2,5 pt
    for j in range(n):
        plot.line([_trend_x(j, n)] * 2, [0, -below], color=style.colors.track, linewidth=0.6)
    width = plot.width * plot.fig.get_figwidth() * 72  # the panel in pt
    word = stringWidth("trendbreuk", "Lato", note)
    named_to = -math.inf  # where the last 'trendbreuk' ends, in pt
    for b in tp.breaks:
        x = (_trend_x(b - 1, n) + _trend_x(b, n)) / 2
        plot.line([x, x], [0, marked_at], color=style.colors.muted, linewidth=0.8,
                  linestyle=(0, (2, 1.5)))
        if x * width - word / 2 > named_to + 2:  # a break next to a named one: the rule alone
            plot.text(x, marked_at, "trendbreuk", ha="center", va="bottom",
                      fontproperties=_props(note), color=style.colors.muted)
            named_to = x * width + word / 2
    for run in tp.runs:
        xs = [_trend_x(j, n) for j in run]
        ys = [tp.points[j].value or 0.0 for j in run]
        if len(run) > 1:
            plot.line(xs, ys, color=style.colors.primary, linewidth=1.6)
        for x, y in zip(xs, ys, strict=True):
            plot.marker(x, y, marker="o", markersize=3.5, color=style.colors.primary)
    labelled = sorted({j for run in tp.runs for j in (run[0], run[-1])})
    for j, (ha, shift, above) in zip(labelled, _trend_labels(plot, tp, labelled, style),
                                     strict=True):
        plot.text(_trend_x(j, n) + shift,
                  (tp.points[j].value or 0.0) + plot.rows * (0.06 if above else -0.06),
                  tp.points[j].text, ha=ha, va="bottom" if above else "top",
                  fontproperties=_props(style.sizes.label, "bold"), color=style.colors.ink)
    ends = [(0, "left" if n > 1 else "center", 0.0 if n > 1 else 0.5)]
    if n > 1:
        ends.append((n - 1, "right", 1.0))
    for j, ha, x in ends:
        plot.text(x, -below, tp.points[j].school_year, ha=ha, va="top",
                  fontproperties=_props(note), color=style.colors.muted)


# a value's alignment to its point: (ha, shift in panel widths); "left" puts the text to the
# right of the point, starting just before it, "right" the other way round
_ALIGN = {"center": 0.0, "left": -0.06, "right": 0.06}


def _trend_labels(plot: _Panel, tp: TrendPanel, labelled: Sequence[int],
                  style: Style) -> list[tuple[str, float, bool]]:
    """Where each labelled point's value goes: (ha, shift, above). Left to right, each value
    takes the first alignment that stays inside the panel and clears the values placed before
    it (the panel's ends align inwards; after a break two runs' ends are neighbours, and a
    wide value such as 100% beside another would run into it); with none, it goes below its
    point; else DoesNotFit."""
    n = len(tp.points)
    size = style.sizes.label
    gap = size * 0.35  # about a space between two values
    width = plot.width * plot.fig.get_figwidth() * 72  # the panel in pt
    height = plot.height * plot.fig.get_figheight() * 72
    placed: list[tuple[float, float, float, float]] = []  # left, right, bottom, top in pt
    out = []
    for j in labelled:
        x = _trend_x(j, n) * width
        y = (tp.points[j].value or 0.0) / plot.rows * height
        w = stringWidth(tp.points[j].text, "Lato-Bold", size)
        first = "left" if j == 0 and n > 1 else "right" if j == n - 1 and n > 1 else "center"
        choice = None
        for above in (True, False):
            rise = 0.06 * height
            bottom, top = (y + rise, y + rise + size) if above else (y - rise - size, y - rise)
            for ha in dict.fromkeys((first, "center", "left", "right")):
                left = {"center": x - w / 2, "left": x + _ALIGN["left"] * width,
                        "right": x + _ALIGN["right"] * width - w}[ha]
                box = (left, left + w, bottom, top)
                if left < 0 or left + w > width or bottom < 0:  # inside, above the baseline
                    continue
                if not any(box[0] < b[1] + gap and b[0] < box[1] + gap and box[2] < b[3]
                           and b[2] < box[3] for b in placed):
                    choice = (ha, _ALIGN[ha], above, box)
                    break
            if choice:
                break
        if choice is None:
            raise DoesNotFit(f"de waarde {tp.points[j].text} bij {tp.points[j].school_year} in "
                             f"'{tp.label}' past niet naast de andere waarden")
        ha, shift, above, box = choice
        placed.append(box)
        out.append((ha, shift, above))
    return out


def block_bars(rows: Sequence[BlockRow], width: float, height: float, style: Style) -> Figure:
    """One bar per building block (the school's share of its maximum), with a triangle for the
    library's average and a diamond for the national average, each named in the legend."""
    fig = _figure(width, height)
    legend_h = (style.sizes.label + 6) / height
    size = style.sizes.label
    label_w = _label_room([r.label for r in rows], size, width, 0.30)
    n = len(rows)
    panel = _Panel(fig, label_w, 0, 0.88 - label_w, 1 - legend_h, n)
    s = style.colors.series
    for i, r in enumerate(rows):
        y = n - 1 - i
        panel.rect(0, y + 0.22, 1, 0.56, style.colors.tile)
        if r.own:
            panel.rect(0, y + 0.22, _clip01(r.own), 0.56, style.colors.primary)
        if r.library is not None:
            panel.marker(_clip01(r.library), y + 0.5, marker="v", markersize=7, color=s.library,
                         markeredgecolor="white", markeredgewidth=0.6)
        if r.national is not None:
            panel.marker(_clip01(r.national), y + 0.5, marker="D", markersize=5.5,
                         color=s.national, markeredgecolor="white", markeredgewidth=0.6)
        fig.text(label_w - 0.015, (y + 0.5) / n * (1 - legend_h), r.label, ha="right",
                 va="center", fontproperties=_props(size), color=style.colors.ink)
        fig.text(0.90, (y + 0.5) / n * (1 - legend_h), r.text, ha="left", va="center",
                 fontproperties=_props(size, "bold"), color=style.colors.ink)
    top = 1 - legend_h / 2
    legend = [("s", 6, style.colors.primary, "deze school"),
              ("v", 7, s.library, "gemiddelde bibliotheek"),
              ("D", 5.5, s.national, "gemiddelde Nederland")]
    x = 0.01
    for marker, msize, color, text in legend:  # marker, 4 pt gap, label, 14 pt to the next
        fig.add_artist(Line2D([x + msize / 2 / width], [top], marker=marker, markersize=msize,
                              color=color, linestyle="none", transform=fig.transFigure))
        fig.text(x + (msize + 4) / width, top, text, ha="left", va="center",
                 fontproperties=_props(size), color=style.colors.ink)
        x += (msize + 4 + stringWidth(text, "Lato", size) + 14) / width
    return fig


def _label_room(labels: Sequence[str], size: float, width: float, least: float) -> float:
    """The fraction of the figure's width left of the bars: at least `least`, and enough for
    the widest label (drawn right-aligned 0.015 before the bars) to stay inside the figure."""
    widest = max((stringWidth(label, "Lato", size) for label in labels), default=0.0)
    return max(least, 0.015 + (widest + 2) / width)


# --- ReportLab drawings --------------------------------------------------------------------------


def ring(c: Canvas, cx: float, cy: float, radius: float, fraction: float | None, style: Style,
         thickness: float = 0.26) -> None:
    """A donut: track circle and the share as an arc from 12 o'clock, clockwise."""
    lw = radius * thickness
    r = radius - lw / 2
    c.saveState()
    c.setLineWidth(lw)
    c.setStrokeColor(HexColor(style.colors.tile))
    c.circle(cx, cy, r, stroke=1, fill=0)
    frac = _clip01(fraction)
    if fraction is not None and frac > 0:
        c.setStrokeColor(HexColor(style.colors.accent))
        c.setLineCap(0)
        path = c.beginPath()
        extent = -360 * min(frac, 0.9999)
        path.arc(cx - r, cy - r, cx + r, cy + r, startAng=90,
                 extent=extent)  # type: ignore[arg-type]  # any number works; the stubs say int
        c.drawPath(path, stroke=1, fill=0)
    c.restoreState()


def person(c: Canvas, x: float, y: float, h: float, color: str) -> None:
    """A simple person icon (head and body) with its feet at (x, y), height h."""
    c.setFillColor(HexColor(color))
    head = h * 0.17
    c.circle(x, y + h - head, head, stroke=0, fill=1)
    body_w = h * 0.42
    c.roundRect(x - body_w / 2, y, body_w, h * 0.58, radius=h * 0.12, stroke=0, fill=1)


def pictogram(c: Canvas, x: float, y: float, w: float, h: float, fraction: float | None, icons: int,
              style: Style) -> int:
    """A row of `icons` people, the first round(fraction * icons) filled. Returns that count."""
    filled = 0 if fraction is None else int(math.floor(_clip01(fraction) * icons + 0.5))
    step = w / icons
    icon_h = min(h, step * 2.1)
    c.saveState()
    for i in range(icons):
        color = style.colors.accent if i < filled else style.colors.track
        person(c, x + step * (i + 0.5), y + (h - icon_h) / 2, icon_h, color)
    c.restoreState()
    return filled


def star(c: Canvas, cx: float, cy: float, r: float, filled: bool, style: Style) -> None:
    """A five-pointed star; an empty star is outlined so it reads without colour."""
    path = c.beginPath()
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        px, py = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        if i == 0:
            path.moveTo(px, py)
        else:
            path.lineTo(px, py)
    path.close()
    c.saveState()
    c.setLineWidth(max(0.8, r * 0.08))
    c.setStrokeColor(HexColor(style.colors.accent))
    c.setFillColor(HexColor(style.colors.accent))
    c.drawPath(path, stroke=1, fill=1 if filled else 0)
    c.restoreState()
