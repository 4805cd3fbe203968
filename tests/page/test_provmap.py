"""provmap: the map draws all 12 provinces shaded by class (hatched and in the legend as
"onbekend" when a value is unknown), outlines the page's own province only on a provincial
page, says the same values in its alt text as on the map, credits the boundaries under the
map, and arranges title, map and legend to draw the map as large as the block allows."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from infographics.page import fonts, geo, provmap
from infographics.page.blocks import Box, MapCell, MapContent
from infographics.page.maplabels import TextFace
from infographics.page.style import contrast

CLASSES = ("50-59%", "60-69%", "70-79%", "80-89%")


class Spy(Canvas):
    """A canvas that records each province path it paints (provmap writes them with
    addLiteral): (fill, stroke, line width, painting operator), colours as '#rrggbb'."""

    def __init__(self):
        super().__init__(io.BytesIO())
        self.paths = []

    def addLiteral(self, s, escaped=1):  # noqa: N802 - ReportLab's name
        op = s.rsplit("h", 1)[-1].strip()  # what follows the last closed ring
        self.paths.append((_hex(self._fillColorObj), _hex(self._strokeColorObj),
                           self._lineWidth, op))
        super().addLiteral(s, escaped)

    @property
    def clips(self):
        return sum(op == "W* n" for *_, op in self.paths)


def _hex(color):
    if isinstance(color, tuple):  # a canvas's colour before anything set it
        return "#" + "".join(f"{round(v * 255):02x}" for v in color)
    return "#" + color.hexval()[2:]


def content(highlight=None, unknown=()):
    cells = []
    for i, p in enumerate(geo.provinces()):
        shade = None if p.code in unknown else i % len(CLASSES)
        text = "\u2013" if shade is None else f"{55 + 10 * shade}%"
        cells.append(MapCell(p.code, p.name, text, None if shade is None else 0.5, shade))
    return MapContent(id="map", box=Box(300, 100, 220, 180), alt="Kaart", title="Per provincie",
                      cells=tuple(cells), classes=CLASSES, credit="Kaartgrenzen",
                      highlight=highlight)


@pytest.fixture(scope="module")
def faces():
    fonts.register()
    return provmap.Faces(TextFace("Lato-Bold", 7.5), TextFace("Lato", 7))


def draw(ctx, faces, block):
    c = Spy()
    parts = provmap.arrange(block.box, block, ctx.style, faces, lambda w: 22.0)
    provmap.draw_map(c, parts, block, ctx.style, faces)
    return c


def test_every_province_is_filled_with_its_class_shade(ctx, faces):
    block = content()
    c = draw(ctx, faces, block)
    fills = [fill for fill, _, _, op in c.paths if op == "B*"]
    assert len(fills) == 12
    expected = [provmap.shade_color(ctx.style, cell.shade, len(CLASSES)) for cell in block.cells]
    assert fills == [_hex(HexColor(color)) for color in expected]
    assert len(set(fills)) == len(CLASSES)  # four classes, four shades of the palette
    assert c.clips == 0  # nothing hatched
    edge = [p for p in c.paths if p[3] == "S" and p[1] == _hex(HexColor(ctx.style.colors.track))]
    assert len(edge) == 1  # the country's edge: every province in one stroked path


def test_the_own_province_is_outlined_only_on_a_provincial_page(ctx, faces):
    accent = _hex(HexColor(ctx.style.colors.accent))

    def outlines(block):
        return [p for p in draw(ctx, faces, block).paths
                if p[3] == "S" and p[1] == accent and p[2] == provmap.OUTLINE]

    assert len(outlines(content(highlight="PV26"))) == 1
    assert outlines(content()) == []
    assert ("outline", "Utrecht") in provmap.legend_entries(content(highlight="PV26"), ctx.style)
    assert all(kind != "outline" for kind, _ in provmap.legend_entries(content(), ctx.style))


def test_an_unknown_value_is_hatched_white_and_named_in_the_legend(ctx, faces):
    block = content(unknown=("PV29",))
    c = draw(ctx, faces, block)
    fills = [fill for fill, _, _, op in c.paths if op == "B*"]
    assert fills.count("#ffffff") == 1
    assert c.clips == 1  # the province's hatching, clipped to it
    assert ("hatch", "\u2013 onbekend") in provmap.legend_entries(block, ctx.style)
    assert all(kind != "hatch" for kind, _ in provmap.legend_entries(content(), ctx.style))


def test_shades_spread_over_the_palette_and_text_reads_on_each(ctx):
    palette = ctx.style.colors.map
    assert [provmap.shade_color(ctx.style, i, 2) for i in range(2)] == [palette[0], palette[-1]]
    assert provmap.shade_color(ctx.style, None, 3) == "#ffffff"
    for color in palette:
        ink = provmap.ink_on(ctx.style, color)
        assert ink in (ctx.style.colors.ink, "#ffffff")
        assert contrast(ink, color) >= 4.5


@pytest.mark.parametrize(("w", "h", "legend_beside_map"), [(221, 133, True), (176, 113, True),
                                                           (150, 320, False)])
def test_the_arrangement_that_draws_the_map_largest(ctx, faces, w, h, legend_beside_map):
    block = content(highlight="PV26")
    parts = provmap.arrange(Box(0, 0, w, h), block, ctx.style, faces, lambda width: 22.0)
    e = geo.extent(geo.provinces())
    scale = min(parts.map.w / e.width, parts.map.h / e.height)
    # the country takes most of the block's height, or its width when the block is narrow
    assert max(scale * e.height / h, scale * e.width / w) >= 0.6
    assert (parts.legend.x >= parts.map.x + parts.map.w) == legend_beside_map
    for box in (parts.title, parts.map, parts.legend):
        assert box.x >= -0.01
        assert box.x + box.w <= w + 0.01
        assert box.y >= -0.01
        assert box.y + box.h <= h + 0.01


def test_the_alt_text_lists_every_province_with_the_value_on_the_map(page):
    national = next(b for b in page("NL").content.blocks if isinstance(b, MapContent))
    assert national.alt.startswith("Kaart van de provincies, ")
    for cell in national.cells:
        assert f"{cell.name} {cell.text}" in national.alt
        assert cell.text in page("NL").flat
    assert len(national.cells) == 12
    assert "omlijnd" not in national.alt
    utrecht = next(b for b in page("PV26").content.blocks if isinstance(b, MapContent))
    assert utrecht.highlight == "PV26"
    assert utrecht.alt.endswith("Utrecht is omlijnd.")


def test_the_credit_line_is_under_the_map_on_every_page_with_a_map(page):
    for entity in ("NL", "PV21"):
        shown = page(entity)
        block = next(b for b in shown.content.blocks if isinstance(b, MapContent))
        assert block.credit == geo.CREDIT == "Kaartgrenzen: CBS/Kadaster (PDOK), CC BY 4.0"
        assert geo.CREDIT in shown.flat


def test_outlines_are_thinned_to_the_scale_and_rounded():
    from infographics.page.maplabels import Frame

    e = geo.extent(geo.provinces())
    gelderland = next(p for p in geo.provinces() if p.code == "PV25")
    points = len(gelderland.polygons[0].rings[0]) - 1
    ops = {scale: provmap.outline(Frame(scale, 0, 0, e), gelderland).split(" ")
           for scale in (40.0, 4000.0)}
    for words in ops.values():
        assert words[2] == "m"
        assert words[-1] == "h"
        assert all(len(w.split(".")[-1]) == 1 for w in words if w not in "mlh")  # 0,1 pt
    lines = {scale: words.count("l") for scale, words in ops.items()}
    assert lines[4000.0] == points - 1  # a huge map keeps every point
    assert lines[40.0] < 0.8 * points  # a page-sized one leaves the crowded ones out
