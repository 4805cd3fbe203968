"""Geometry of a page: numbers into rectangles and matrices, matrices applied to points, and
whether one rectangle lies inside another (with a tolerance), shown as text for a finding."""

from __future__ import annotations

from collections.abc import Sequence

Matrix = tuple[float, float, float, float, float, float]
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
BOX_TOLERANCE = 1.0  # points, for the page size and for text positions
OVERLAP_EPSILON = 0.05  # points: blocks overlapping by less than this only touch (rounding)


def rect(values: Sequence[float]) -> Rect | None:
    """A rectangle [x0 y0 x1 y1] (normalised), or None when it is not four numbers."""
    if len(values) != 4:
        return None
    x0, y0, x1, y1 = values
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def matrix(values: Sequence[float]) -> Matrix:
    """Six numbers as a matrix (a ValueError when there are not six)."""
    a, b, c, d, e, f = values
    return a, b, c, d, e, f


def mul(m: Matrix, n: Matrix) -> Matrix:
    """m x n (apply m, then n), PDF row-vector convention."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """The point (x, y) transformed by m."""
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


def within(inner: Rect, outer: Rect, tolerance: float) -> bool:
    """`inner` lies inside `outer`, give or take `tolerance` on every side."""
    return (inner[0] >= outer[0] - tolerance and inner[1] >= outer[1] - tolerance
            and inner[2] <= outer[2] + tolerance and inner[3] <= outer[3] + tolerance)


def show_rect(box: Rect) -> str:
    """A rectangle as a finding shows it: "[x0 y0 x1 y1]" to one decimal."""
    return "[{:.1f} {:.1f} {:.1f} {:.1f}]".format(*box)
