"""geo: the packaged boundaries read as the 12 provinces, projected so that the Netherlands
keeps its shape (distances between cities in the ratio of their real distances), each with a
label spot inside it, and the geometry helpers (inside, edge distance, areas) on simple shapes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from infographics.page import geo

CITIES = {  # (lon, lat) of city centres
    "Amsterdam": (4.9041, 52.3676),
    "Groningen": (6.5665, 53.2194),
    "Maastricht": (5.6909, 50.8514),
    "Middelburg": (3.6136, 51.4988),
    "Enschede": (6.8937, 52.2215),
}


def _km(a, b):
    """Great-circle distance (haversine, R = 6371 km)."""
    (lon1, lat1), (lon2, lat2) = (map(math.radians, p) for p in (a, b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(h))


def test_the_twelve_provinces_with_their_codes_and_names():
    provinces = geo.provinces()
    assert sorted(p.code for p in provinces) == [f"PV{n}" for n in range(20, 32)]
    names = {p.code: p.name for p in provinces}
    assert names["PV21"] == "Fryslân"
    assert names["PV26"] == "Utrecht"
    assert all(p.polygons for p in provinces)


def test_the_projection_keeps_the_netherlands_shape():
    """Every pair of cities is as far apart on the map as on the ground, in the same ratio to
    Amsterdam-Maastricht (within 2%): an unscaled lon/lat plot would be 60% too wide."""
    base = _km(CITIES["Amsterdam"], CITIES["Maastricht"])
    map_base = math.dist(geo.project(*CITIES["Amsterdam"]), geo.project(*CITIES["Maastricht"]))
    for a in CITIES:
        for b in CITIES:
            if a < b:
                on_map = math.dist(geo.project(*CITIES[a]), geo.project(*CITIES[b]))
                assert on_map / map_base == pytest.approx(_km(CITIES[a], CITIES[b]) / base,
                                                          rel=0.02), (a, b)
    e = geo.extent(geo.provinces())
    assert e.height / e.width == pytest.approx(1.18, abs=0.03)  # taller than wide, as it is


def test_every_label_spot_lies_inside_its_province_with_room():
    for p in geo.provinces():
        seg = geo.edges(p)
        x, y = p.anchor
        assert geo.inside(np.array([x]), np.array([y]), seg)[0], p.name
        assert p.room > 0
    rooms = {p.name: p.room for p in geo.provinces()}
    assert rooms["Gelderland"] > rooms["Utrecht"] > rooms["Zeeland"]


def test_inside_edge_distance_and_area_on_a_square_with_a_hole():
    outer = ((0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0))
    hole = ((1.0, 1.0), (1.0, 2.0), (2.0, 2.0), (2.0, 1.0), (1.0, 1.0))
    square = geo.Polygon((outer, hole))
    seg = geo.edges(geo.Province("X", "x", (square,), (3.0, 3.0), 1.0))
    px, py = np.array([0.5, 1.5, 3.0, 5.0]), np.array([0.5, 1.5, 3.0, 1.0])
    assert geo.inside(px, py, seg).tolist() == [True, False, True, False]
    assert geo.edge_distance(px, py, seg).tolist() == pytest.approx([0.5, 0.5, 1.0, 1.0])
    assert geo.area(square) == pytest.approx(15.0)
    spot, room = geo.label_spot(geo.Polygon((outer,)), aspect=1.0)
    assert spot == pytest.approx((2.0, 2.0), abs=0.1)
    assert room == pytest.approx(2.0, abs=0.05)
