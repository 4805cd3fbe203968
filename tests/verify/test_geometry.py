"""geometry: rectangles are normalised, matrices compose in PDF's order, and a rectangle is
inside another give or take the tolerance."""

from __future__ import annotations

from infographics.verify.geometry import IDENTITY, apply, matrix, mul, rect, show_rect, within


def test_rectangles_are_four_numbers_normalised():
    assert rect([10.0, 20.0, 0.0, 5.0]) == (0.0, 5.0, 10.0, 20.0)
    assert rect([1.0, 2.0, 3.0]) is None


def test_matrices_apply_the_first_then_the_second():
    scale = matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0])
    move = matrix([1.0, 0.0, 0.0, 1.0, 10.0, 5.0])
    assert apply(mul(scale, move), 1.0, 1.0) == (12.0, 7.0)
    assert apply(mul(move, scale), 1.0, 1.0) == (22.0, 12.0)
    assert mul(IDENTITY, scale) == scale


def test_inside_with_a_tolerance():
    page = (0.0, 0.0, 595.28, 841.89)
    assert within((-0.5, 10.0, 595.5, 20.0), page, 1.0)
    assert not within((-1.5, 10.0, 100.0, 20.0), page, 1.0)
    assert show_rect((1.0, 2.25, 3.0, 4.0)) == "[1.0 2.2 3.0 4.0]"
