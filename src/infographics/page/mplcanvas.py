"""Matplotlib figures -> vector drawing on a ReportLab canvas, with real Lato text.

`draw_figure(canvas, fig, x, y)` renders a `matplotlib.figure.Figure` straight onto a
`reportlab.pdfgen.canvas.Canvas`: paths become PDF path operators (fill, stroke, dashes,
joins, caps, alpha, clipping), text becomes PDF text in the bundled Lato faces (embedded by
ReportLab as TrueType subsets, so it stays extractable), and the rare raster image becomes an
inline PNG. There is no detour through SVG or a PDF file, which is what makes it fast.

Coordinates: matplotlib hands the renderer display units (pixels at `fig.dpi`, y up); the page
transform scales them by 72 / dpi and moves them to (x, y) on the page (also y up).

Supported: paths with lines, quadratic and cubic curves, CLOSEPOLY; fills (non-zero winding),
strokes, dashes, joins, caps, alpha; clip rectangles and clip paths; markers; collections
(via RendererBase); text at any angle, with every weight mapped onto a Lato face; layout
engines (constrained/tight layout measure text with this renderer); images (as PNG). Mathtext
and TeX fall back to plain text without the dollar signs. Ignored: hatching, sketch, snapping,
antialiasing flags; gouraud shading raises NotImplementedError (RendererBase).

Text is always set in a Lato face (by weight) and measured with ReportLab's metrics of that
face, so give figures font.family "Lato" for matplotlib's layout and the page to agree.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Literal

import numpy as np
from matplotlib import rcParams
from matplotlib.backend_bases import FigureCanvasBase, GraphicsContextBase, RendererBase
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, Affine2DBase, Transform
from matplotlib.typing import ColorType
from numpy.typing import ArrayLike
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject

from infographics.page import fonts

FILL_NON_ZERO: int = rl_canvas.FILL_NON_ZERO  # type: ignore[attr-defined]  # not in the stubs
_JOINS = {"miter": 0, "round": 1, "bevel": 2}
_CAPS = {"butt": 0, "round": 1, "projecting": 2}
_MARKER_MARGIN = 50.0  # points around the figure within which markers are still drawn
_MOVETO, _LINETO, _CURVE3, _CURVE4, _CLOSEPOLY = (
    Path.MOVETO, Path.LINETO, Path.CURVE3, Path.CURVE4, Path.CLOSEPOLY)


def draw_figure(canvas: Canvas, fig: Figure, x: float, y: float, width: float | None = None,
                height: float | None = None) -> None:
    """Draw `fig` with its lower-left corner at (x, y) in canvas points.

    Size defaults to the figure's size in inches * 72. Another size lays the figure out
    for that size (fonts keep their point size); the figure's own size is restored after.
    The canvas graphics state is saved and restored around the drawing.
    """
    fonts.register()
    w_in, h_in = fig.get_size_inches()
    width = w_in * 72.0 if width is None else float(width)
    height = h_in * 72.0 if height is None else float(height)
    renderer = CanvasRenderer(canvas, fig.dpi, width, height, x, y)
    with _figure_prepared(fig, renderer, (width / 72.0, height / 72.0)):
        canvas.saveState()
        try:
            fig.draw(renderer)
        finally:
            renderer.finish()
            canvas.restoreState()


class _LayoutCanvas(FigureCanvasBase):
    """Stand-in figure canvas so layout engines measure text with our renderer."""

    def __init__(self, figure: Figure, renderer: CanvasRenderer):
        super().__init__(figure)
        self._renderer = renderer

    def get_renderer(self) -> CanvasRenderer:
        return self._renderer


@contextmanager
def _figure_prepared(fig: Figure, renderer: CanvasRenderer, size_inches: tuple[float, float]
                     ) -> Iterator[None]:
    """Temporarily give `fig` our canvas and the target size; restore both afterwards."""
    old_canvas, old_size = fig.canvas, tuple(fig.get_size_inches())
    resize = not all(math.isclose(a, b) for a, b in zip(old_size, size_inches, strict=True))
    try:
        _LayoutCanvas(fig, renderer)
        if resize:
            fig.set_size_inches(size_inches, forward=False)
        yield
    finally:
        if resize:
            fig.set_size_inches(old_size, forward=False)
        fig.set_canvas(old_canvas)


@cache
def _face(weight: int | str) -> str:
    return fonts.face_for_weight(weight)


@cache
def _font(face: str) -> tuple[pdfmetrics.Font, float, float]:
    """The registered ReportLab font and its ascent/descent per point of size."""
    return pdfmetrics.getFont(face), *fonts.metrics(face)


_IsMath = bool | Literal["TeX"]


def _plain(s: str, ismath: _IsMath) -> str:
    """Mathtext/TeX fallback: the string without its dollar signs."""
    return s.replace("$", "") if ismath else s


def _dash(offset: float | None, seq: ArrayLike | None) -> tuple[float, tuple[float, ...]] | None:
    """matplotlib's (offset, on-off list in points) as ReportLab's (phase, array); None: solid."""
    if seq is None:
        return None
    values = tuple(float(v) for v in np.asarray(seq, dtype=float).ravel())
    if sum(values) <= 0:
        return None
    return max(float(offset or 0.0), 0.0), values


def _lists(path: Path) -> tuple[list[list[float]], list[int]]:
    """A cleaned path's vertices and codes as plain lists (much faster to walk than arrays)."""
    return np.asarray(path.vertices).tolist(), np.asarray(path.codes).tolist()


def _add_segments(pdfpath: PDFPathObject, vertices: Sequence[Sequence[float]],
                  codes: Sequence[int], dx: float = 0.0, dy: float = 0.0) -> None:
    """Append cleaned matplotlib segments (page points) to a ReportLab path, offset by dx, dy."""
    cx = cy = sx = sy = 0.0
    i, n = 0, len(codes)
    while i < n:
        code = codes[i]
        if code == _LINETO:
            cx, cy = vertices[i][0] + dx, vertices[i][1] + dy
            pdfpath.lineTo(cx, cy)
            i += 1
        elif code == _MOVETO:
            sx, sy = cx, cy = vertices[i][0] + dx, vertices[i][1] + dy
            pdfpath.moveTo(cx, cy)
            i += 1
        elif code == _CURVE4:
            (x1, y1), (x2, y2), (x3, y3) = vertices[i:i + 3]
            pdfpath.curveTo(x1 + dx, y1 + dy, x2 + dx, y2 + dy, x3 + dx, y3 + dy)
            cx, cy = x3 + dx, y3 + dy
            i += 3
        elif code == _CURVE3:
            (qx, qy), (x3, y3) = vertices[i:i + 2]
            qx, qy, x3, y3 = qx + dx, qy + dy, x3 + dx, y3 + dy
            pdfpath.curveTo(cx + 2 / 3 * (qx - cx), cy + 2 / 3 * (qy - cy),
                            x3 + 2 / 3 * (qx - x3), y3 + 2 / 3 * (qy - y3), x3, y3)
            cx, cy = x3, y3
            i += 2
        elif code == _CLOSEPOLY:
            pdfpath.close()
            cx, cy = sx, sy
            i += 1
        else:  # STOP
            break


class CanvasRenderer(RendererBase):
    """A matplotlib renderer whose output is a region of a ReportLab canvas.

    Graphics state is emitted only when it changes. Consecutive draws with the same clip
    share one saveState/restoreState group; leaving it returns to the state tracked before.
    Alpha 1 is assumed on entry, so an ExtGState appears only for real transparency.
    """

    def __init__(self, canvas: Canvas, dpi: float, width: float, height: float, x: float,
                 y: float):
        super().__init__()
        self.canvas = canvas
        self.dpi = dpi
        self._scale = 72.0 / dpi
        self.width, self.height = width / self._scale, height / self._scale  # pixels
        self._page = Affine2D().scale(self._scale).translate(x, y)
        self._x, self._y = x, y
        self._bounds = (x, y, x + width, y + height)
        self._clip_key: _ClipKey | None = None
        self._clipped = False
        self._state: dict[str, object] = {}  # what has been emitted in the current q level
        self._outer_state: dict[str, object] = {}  # ... and outside the open clip group

    # -- what RendererBase asks of a backend ------------------------------------------------

    def flipy(self) -> bool:
        return False

    def get_canvas_width_height(self) -> tuple[float, float]:
        return self.width, self.height

    def points_to_pixels(self, points: ArrayLike) -> ArrayLike:
        value: object = points  # mostly a plain number: keep it one, not a 0-d array
        if isinstance(value, int | float):
            return value / self._scale
        return np.asarray(points) / self._scale

    def option_image_nocomposite(self) -> bool:
        return not rcParams["image.composite_image"]

    def new_gc(self) -> GraphicsContextBase:
        return GraphicsContextBase()

    def finish(self) -> None:
        """Close an open clip group (draw_figure restores the outer state)."""
        self._set_clip_key(None)

    # -- graphics state ------------------------------------------------------------------------

    def _set(self, key: str, value: object, emit: Callable[[], object]) -> None:
        if self._state.get(key, _UNSET) != value:
            self._state[key] = value
            emit()

    def _set_clip_key(self, key: _ClipKey | None) -> bool:
        """Switch clip group; True if a new group was opened (caller then sets the clip)."""
        if key == self._clip_key:
            return False
        if self._clipped:
            self.canvas.restoreState()
            self._state, self._clipped = self._outer_state, False
        self._clip_key = key
        if key is None:
            return False
        self.canvas.saveState()
        self._outer_state, self._clipped = dict(self._state), True
        return True

    def _apply_clip(self, gc: GraphicsContextBase) -> None:
        rect = gc.get_clip_rectangle()
        clip = _clip_path(gc)
        bounds = tuple(rect.bounds) if rect is not None else None
        matrix = tuple(clip[1].get_matrix().flat) if clip is not None else None
        key = (bounds, clip and clip[0], matrix) if bounds or clip is not None else None
        if not self._set_clip_key(key):
            return
        canvas = self.canvas
        if bounds is not None:
            k = self._scale
            p = canvas.beginPath()
            p.rect(self._x + bounds[0] * k, self._y + bounds[1] * k, bounds[2] * k,
                   bounds[3] * k)
            canvas.clipPath(p, stroke=0, fill=0)
        if clip is not None:
            cpath, ctrans = clip
            p = canvas.beginPath()
            cleaned = cpath.cleaned(ctrans + self._page, remove_nans=True, curves=True)
            _add_segments(p, *_lists(cleaned))
            canvas.clipPath(p, stroke=0, fill=0, fillMode=FILL_NON_ZERO)

    def _stroke_style(self, gc: GraphicsContextBase) -> None:
        canvas, rgb = self.canvas, gc.get_rgb()
        self._set("stroke", tuple(rgb[:3]), lambda: canvas.setStrokeColorRGB(*rgb[:3]))
        self._alpha("stroke_alpha", rgb[3], canvas.setStrokeAlpha)
        lw = gc.get_linewidth()
        self._set("lw", lw, lambda: canvas.setLineWidth(lw))
        dash = _dash(*gc.get_dashes())
        self._set("dash", dash,
                  lambda: canvas.setDash(list(dash[1]), dash[0]) if dash else canvas.setDash())
        join, cap = _JOINS.get(gc.get_joinstyle(), 0), _CAPS.get(gc.get_capstyle(), 0)
        self._set("join", join, lambda: canvas.setLineJoin(join))
        self._set("cap", cap, lambda: canvas.setLineCap(cap))

    def _fill_style(self, rgb: Sequence[float], alpha: float) -> None:
        canvas = self.canvas
        self._set("fill", tuple(rgb[:3]), lambda: canvas.setFillColorRGB(*rgb[:3]))
        self._alpha("fill_alpha", alpha, canvas.setFillAlpha)

    def _alpha(self, key: str, alpha: float, setter: Callable[[float], None]) -> None:
        if self._state.get(key, 1.0) != alpha:
            self._state[key] = alpha
            setter(alpha)

    # -- paths ---------------------------------------------------------------------------------

    @staticmethod
    def _strokes(gc: GraphicsContextBase) -> bool:
        rgb = gc.get_rgb()
        return gc.get_linewidth() > 0 and rgb is not None and (len(rgb) < 4 or rgb[3] > 0)

    @staticmethod
    def _fill_alpha(gc: GraphicsContextBase, rgba: tuple[float, float, float, float]) -> float:
        if gc.get_forced_alpha():
            return gc.get_alpha()
        return rgba[3]

    def _paint(self, gc: GraphicsContextBase, rgbFace: ColorType | None) -> tuple[bool, bool]:
        """Apply clip and styles for a path; return (stroke, fill)."""
        stroke = self._strokes(gc)
        rgba = None if rgbFace is None else to_rgba(rgbFace)
        fill_alpha = self._fill_alpha(gc, rgba) if rgba is not None else 0.0
        fill = fill_alpha > 0
        if stroke or fill:
            self._apply_clip(gc)
            if stroke:
                self._stroke_style(gc)
            if rgba is not None and fill:
                self._fill_style(rgba, fill_alpha)
        return stroke, fill

    def draw_path(self, gc: GraphicsContextBase, path: Path, transform: Transform,
                  rgbFace: ColorType | None = None) -> None:
        stroke, fill = self._paint(gc, rgbFace)
        if not (stroke or fill):
            return
        clip = None if fill else self._bounds
        cleaned = path.cleaned(transform + self._page, remove_nans=True, clip=clip,
                               simplify=path.should_simplify, curves=True)
        p = self.canvas.beginPath()
        _add_segments(p, *_lists(cleaned))
        self.canvas.drawPath(p, stroke=int(stroke), fill=int(fill), fillMode=FILL_NON_ZERO)

    def draw_markers(self, gc: GraphicsContextBase, marker_path: Path, marker_trans: Transform,
                     path: Path, trans: Transform, rgbFace: ColorType | None = None) -> None:
        stroke, fill = self._paint(gc, rgbFace)
        if not (stroke or fill):
            return
        marker = marker_path.cleaned(marker_trans + Affine2D().scale(self._scale),
                                     remove_nans=True, curves=True)
        mverts, mcodes = _lists(marker)
        x0, y0, x1, y1 = self._bounds
        canvas = self.canvas
        for vertices, _codes in path.iter_segments(trans + self._page, simplify=False):
            if len(vertices) < 2:
                continue
            px, py = vertices[-2:]
            m = _MARKER_MARGIN
            if not (x0 - m <= px <= x1 + m and y0 - m <= py <= y1 + m):
                continue
            p = canvas.beginPath()
            _add_segments(p, mverts, mcodes, px, py)
            canvas.drawPath(p, stroke=int(stroke), fill=int(fill), fillMode=FILL_NON_ZERO)

    # -- text ----------------------------------------------------------------------------------

    def get_text_width_height_descent(self, s: str, prop: FontProperties, ismath: _IsMath
                                      ) -> tuple[float, float, float]:
        font, ascent, descent = _font(_face(prop.get_weight()))
        size = prop.get_size_in_points()
        width = font.stringWidth(_plain(s, ismath), size)
        return (width / self._scale, (ascent + descent) * size / self._scale,
                descent * size / self._scale)

    def _get_font_height_metrics(self, prop: FontProperties) -> tuple[float, float, float]:
        # Hook Text._get_layout looks for (matplotlib >= 3.11): the line metrics of the face
        # we draw with, in display units, instead of re-reading the font file for every text.
        _, ascent, descent = _font(_face(prop.get_weight()))
        size = prop.get_size_in_points() / self._scale
        return ascent * size, descent * size, 0.2 * (ascent + descent) * size

    def draw_text(self, gc: GraphicsContextBase, x: float, y: float, s: str,
                  prop: FontProperties, angle: float, ismath: _IsMath = False,
                  mtext: Text | None = None) -> None:
        s = _plain(s, ismath)
        rgb = gc.get_rgb()
        if not s or rgb[3] == 0:
            return
        self._apply_clip(gc)
        self._fill_style(rgb, rgb[3])
        px, py = self._x + x * self._scale, self._y + y * self._scale
        text = self.canvas.beginText()
        text.setFont(_face(prop.get_weight()), prop.get_size_in_points())
        if angle:
            a = math.radians(angle)
            cos, sin = math.cos(a), math.sin(a)
            text.setTextTransform(cos, sin, -sin, cos, px, py)
        else:
            text.setTextOrigin(px, py)
        text.textOut(s)
        self.canvas.drawText(text)

    def draw_tex(self, gc: GraphicsContextBase, x: float, y: float, s: str,
                 prop: FontProperties, angle: float, *, mtext: Text | None = None) -> None:
        self.draw_text(gc, x, y, s, prop, angle, ismath="TeX", mtext=mtext)

    # -- images --------------------------------------------------------------------------------

    def draw_image(self, gc: GraphicsContextBase, x: float, y: float, im: ArrayLike,
                   transform: Affine2DBase | None = None) -> None:
        im = np.asarray(im)
        h, w = im.shape[:2]
        if w == 0 or h == 0:
            return
        self._apply_clip(gc)
        buf = io.BytesIO()
        Image.fromarray(im[::-1]).save(buf, format="PNG")  # rows arrive bottom-up
        buf.seek(0)
        k = self._scale
        self.canvas.drawImage(ImageReader(buf), self._x + x * k, self._y + y * k, w * k, h * k,
                              mask="auto")


def _clip_path(gc: GraphicsContextBase) -> tuple[Path, Transform] | None:
    """The clip path of `gc` with its transform, or None. (matplotlib hands over the path
    already transformed, a `Path`; its stubs say `TransformedPath`.)"""
    cpath, ctrans = gc.get_clip_path()
    if cpath is None or ctrans is None:
        return None
    path: object = cpath
    if not isinstance(path, Path):
        raise TypeError(f"clip path {type(path).__name__} is not a matplotlib Path")
    return path, ctrans


_ClipKey = tuple[tuple[float, ...] | None, Path | None, tuple[float, ...] | None]
_UNSET = object()
