"""maplabels: the country centred in its rectangle at the largest scale that fits; values on
their province where a box around them fits, otherwise on pills that stay inside the map's
rectangle, clear of each other and of the other provinces' spots; a larger map puts more values
on their provinces."""

from __future__ import annotations

import pytest

from infographics.page import fonts, geo
from infographics.page.blocks import Box
from infographics.page.maplabels import PILL, TextFace, fits_inside, place_map

SQUARE = geo.Province("X", "Vierkant", (geo.Polygon(((
    (0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)),)),), (2.0, 2.0), 2.0)


@pytest.fixture(scope="module")
def face():
    fonts.register()
    return TextFace("Lato-Bold", 7.5)


def _place(face, w, h):
    texts = {p.code: "78%" for p in geo.provinces()}
    return place_map(geo.provinces(), texts, Box(10, 20, w, h), face)


def test_a_box_fits_inside_only_when_clear_of_the_edges():
    assert fits_inside(SQUARE, (2.0, 2.0), (1.9, 1.9))
    assert not fits_inside(SQUARE, (2.0, 2.0), (2.1, 1.0))  # wider than the square
    assert not fits_inside(SQUARE, (3.5, 2.0), (1.0, 1.0))  # sticks out on the right


def test_the_country_fills_its_rectangle_centred(face):
    frame, _ = _place(face, 300, 200)
    x0, y0, x1, y1 = frame.box
    assert y1 - y0 == pytest.approx(200)  # taller than wide: the height limits
    assert (x0 - 10) == pytest.approx(310 - x1)
    assert (x1 - x0) / (y1 - y0) == pytest.approx(1 / 1.18, abs=0.03)


@pytest.mark.parametrize("size", [(120, 110), (180, 160), (300, 360)])
def test_every_province_labelled_once_and_pills_clear_of_each_other(face, size):
    frame, labels = _place(face, *size)
    assert sorted(lb.code for lb in labels) == sorted(p.code for p in geo.provinces())
    w = face.width("78%") + 2 * PILL[0]
    h = face.height + 2 * PILL[1]
    pills = [lb for lb in labels if lb.place == "pill"]
    for i, a in enumerate(pills):
        assert 10 + w / 2 - 0.01 <= a.at[0] <= 10 + size[0] - w / 2 + 0.01
        for b in pills[i + 1:]:
            assert abs(a.at[0] - b.at[0]) >= w or abs(a.at[1] - b.at[1]) >= h, (a, b)
    for label in labels:
        if label.place == "inside":
            p = next(p for p in geo.provinces() if p.code == label.code)
            assert label.at == pytest.approx(frame.page(p.anchor))
            assert label.anchor is None


def test_a_larger_map_puts_more_values_on_their_province(face):
    inside = [sum(lb.place == "inside" for lb in _place(face, w, h)[1])
              for w, h in ((120, 110), (180, 160), (300, 360))]
    assert inside == sorted(inside)
    assert inside[0] >= 2  # even a small map writes Gelderland's and Brabant's on them
    assert inside[-1] == 12  # a map 360 pt high writes every value on its province


def test_the_own_provinces_pill_moves_off_it(face):
    """Utrecht is too small for its value at this size: on a national page the pill sits on
    its spot, on Utrecht's own page it moves off (with a leader) so the outline shows."""
    texts = {p.code: "78%" for p in geo.provinces()}
    area = Box(0, 0, 120, 110)
    national = {lb.code: lb for lb in place_map(geo.provinces(), texts, area, face)[1]}
    own = {lb.code: lb for lb in place_map(geo.provinces(), texts, area, face, "PV26")[1]}
    assert national["PV26"].place == own["PV26"].place == "pill"
    assert national["PV26"].anchor is None
    assert own["PV26"].anchor == national["PV26"].at
    assert own["PV26"].at != national["PV26"].at
