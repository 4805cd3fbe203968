"""Province outlines: the packaged CBS/PDOK boundaries (`resources/geo`, GeoJSON in WGS84
lon/lat) into projected, frozen outlines (`Province`), each with the spot where its value
label fits best and how much room there is around that spot.

Projection: equirectangular around the country's middle latitude (`LAT0`, 52,2°), x scaled by
cos(52,2°), so that a kilometre east is as long on the map as a kilometre north. Over the 3°
of latitude the Netherlands spans this keeps shapes within a few per cent of a conformal
projection (RD, the Dutch grid), which is all a page-sized map needs. Map units are degrees of
latitude (1 unit is about 111 km), y up, as on a PDF page.

The label spot is the pole of inaccessibility of the province's largest part (the point inside
it farthest from its edges), found on a grid refined around the best point, with distances
measured in a space squeezed `LABEL_ASPECT` times in x: a label is a wide box, not a circle.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from infographics.resources import PROVINCES_GEOJSON

CREDIT = "Kaartgrenzen: CBS/Kadaster (PDOK), CC BY 4.0"  # the licence's attribution, on the page
LAT0 = 52.2  # degrees: the latitude where the projection is true to scale
LABEL_ASPECT = 2.4  # a value label ("78%") is about this many times wider than high
_GRID = 24  # grid points per side when looking for the label spot
_ROUNDS = 4  # refinements of that grid around the best point

Point = tuple[float, float]
Ring = tuple[Point, ...]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Polygon:
    """One part of a province: its outer ring, then its holes (closed: last point = first)."""

    rings: tuple[Ring, ...]


@dataclass(frozen=True)
class Province:
    """A province in map units: its CBS code and name, its parts, its label spot and the room
    around that spot (distance to the nearest edge, x squeezed by `LABEL_ASPECT`)."""

    code: str
    name: str
    polygons: tuple[Polygon, ...]
    anchor: Point
    room: float


@dataclass(frozen=True)
class Extent:
    """The rectangle the provinces fill, in map units."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def project(lon: float, lat: float) -> Point:
    """WGS84 degrees into map units (equirectangular, true to scale at `LAT0`)."""
    return lon * math.cos(math.radians(LAT0)), lat


@cache
def provinces() -> tuple[Province, ...]:
    """The 12 provinces of the packaged boundaries, in the file's order (read once)."""
    data = json.loads(PROVINCES_GEOJSON.read_text(encoding="utf-8"))
    return tuple(_province(feature) for feature in data["features"])


def extent(shapes: tuple[Province, ...]) -> Extent:
    xs = [x for p in shapes for poly in p.polygons for x, _ in poly.rings[0]]
    ys = [y for p in shapes for poly in p.polygons for _, y in poly.rings[0]]
    return Extent(min(xs), min(ys), max(xs), max(ys))


def _province(feature: dict[str, object]) -> Province:
    geometry = feature["geometry"]
    props = feature["properties"]
    if not isinstance(geometry, dict) or not isinstance(props, dict):
        raise ValueError("een provincie zonder geometrie of eigenschappen")
    parts = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        parts = [parts]
    polygons = tuple(Polygon(tuple(tuple(project(lon, lat) for lon, lat in ring)
                                   for ring in part)) for part in parts)
    largest = max(polygons, key=area)
    anchor, room = label_spot(largest)
    return Province(str(feature["id"]), str(props["statnaam"]), polygons, anchor, room)


def ring_area(ring: Ring) -> float:
    """Signed area (shoelace; positive counter-clockwise)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def area(polygon: Polygon) -> float:
    """The part's area: its outer ring less its holes."""
    outer, *holes = (abs(ring_area(r)) for r in polygon.rings)
    return outer - sum(holes)


def edges(province: Province) -> Floats:
    """Every edge of every part of `province` as a row (x0, y0, x1, y1), in map units."""
    return np.concatenate([_segments(poly, 1.0) for poly in province.polygons])


def _segments(polygon: Polygon, aspect: float) -> Floats:
    """Every edge as a row (x0, y0, x1, y1), x divided by `aspect`."""
    rows = [(a[0] / aspect, a[1], b[0] / aspect, b[1])
            for ring in polygon.rings for a, b in zip(ring, ring[1:], strict=False)]
    return np.array(rows, dtype=np.float64)


def inside(px: Floats, py: Floats, seg: Floats) -> npt.NDArray[np.bool_]:
    """Which points lie inside the rings of `seg` (even-odd rule: holes are outside)."""
    x0, y0, x1, y1 = (seg[:, i][None, :] for i in range(4))
    x, y = px[:, None], py[:, None]
    spans = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        cross = x < (x1 - x0) * (y - y0) / (y1 - y0) + x0
    return np.asarray(np.count_nonzero(spans & cross, axis=1) % 2 == 1)


def edge_distance(px: Floats, py: Floats, seg: Floats) -> Floats:
    """Each point's distance to the nearest edge of `seg`."""
    x0, y0, x1, y1 = (seg[:, i][None, :] for i in range(4))
    dx, dy = x1 - x0, y1 - y0
    length2 = np.where(dx * dx + dy * dy > 0, dx * dx + dy * dy, 1.0)
    t = np.clip(((px[:, None] - x0) * dx + (py[:, None] - y0) * dy) / length2, 0.0, 1.0)
    ex, ey = x0 + t * dx - px[:, None], y0 + t * dy - py[:, None]
    return np.asarray(np.sqrt(ex * ex + ey * ey).min(axis=1))


def label_spot(polygon: Polygon, aspect: float = LABEL_ASPECT) -> tuple[Point, float]:
    """The point inside `polygon` farthest from its edges (x squeezed by `aspect`), and that
    distance: the grid over the part's box, then finer grids around the best point so far."""
    seg = _segments(polygon, aspect)
    xs, ys = np.concatenate([seg[:, 0], seg[:, 2]]), np.concatenate([seg[:, 1], seg[:, 3]])
    cx, cy = (xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2
    half = max(xs.max() - xs.min(), ys.max() - ys.min()) / 2
    best, room = (float(cx), float(cy)), 0.0
    for _ in range(_ROUNDS):
        steps = np.linspace(-half, half, _GRID)
        gx, gy = np.meshgrid(cx + steps, cy + steps)
        px, py = gx.ravel(), gy.ravel()
        dist = np.where(inside(px, py, seg), edge_distance(px, py, seg), -1.0)
        i = int(np.argmax(dist))
        if dist[i] > room:
            best, room = (float(px[i]), float(py[i])), float(dist[i])
        cx, cy = best
        half *= 4 / _GRID
    return (best[0] * aspect, best[1]), room
