"""Style: `layouts/style.yaml` into a typed `Style` whose colour pairs meet WCAG contrast and
whose text sizes are all at least `MIN_TEXT_SIZE`.

Checked at load time: text colours against the backgrounds they are drawn on at least 4.5:1
(3:1 for large text, the header title and the big numbers), chart colours against the page at
least 3:1. A failing style is a ConfigError naming the pair and its ratio.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from infographics import yamlsrc
from infographics.errors import ConfigError
from infographics.resources import LAYOUTS

DEFAULT_PATH = LAYOUTS / "style.yaml"
# The smallest text a page may show, in points: every size of the style is at least this, and
# the verifier (verify/textsize.py) fails a page with smaller text, naming the block.
MIN_TEXT_SIZE = 6.5
MAP_SHADES = 5  # the map's legend has at most this many classes (page/mapclasses.py: MOST)
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Series(_Strict):
    """The colour of each comparison series."""

    library: str
    province: str
    size_class: str
    national: str

    def of(self, series: str) -> str:
        """The colour of `series` (library, province, size_class, national)."""
        colors = {"library": self.library, "province": self.province,
                  "size_class": self.size_class, "national": self.national}
        return colors[series]


class Colors(_Strict):
    background: str
    ink: str
    muted: str
    band: str
    band_text: str
    band_subtext: str
    tile: str
    accent: str
    primary: str
    track: str
    rule: str
    series: Series
    map: tuple[str, ...] = Field(min_length=MAP_SHADES)  # the province map's shades, light to dark

    @field_validator("*")
    @classmethod
    def _hex(cls, value: object) -> object:
        for color in value if isinstance(value, tuple) else (value,):
            if isinstance(color, str) and not _HEX.match(color):
                raise ValueError(f"kleur moet #rrggbb zijn, niet {color!r}")
        return value


class Fonts(_Strict):
    regular: str
    light: str
    semibold: str
    bold: str
    black: str


class Sizes(_Strict):
    title: float
    subtitle: float
    section: float
    kpi: float
    label: float
    body: float
    note: float
    map_value: float  # a province's value on the map (bold)
    map_legend: float  # the map's legend and credit line
    min: float

    @field_validator("*")
    @classmethod
    def _readable(cls, value: float) -> float:
        if value < MIN_TEXT_SIZE:
            raise ValueError(f"{points(value)} pt is kleiner dan de kleinste tekst die een "
                             f"pagina mag tonen ({points(MIN_TEXT_SIZE)} pt)")
        return value


class Style(_Strict):
    colors: Colors
    fonts: Fonts
    sizes: Sizes


def points(size: float) -> str:
    """A text size as a message writes it: 6.5 as "6,5", 4.2499 as "4,2", 9.0 as "9"."""
    return f"{round(size, 1):g}".replace(".", ",")


def luminance(hex_color: str) -> float:
    """WCAG 2.1 relative luminance of '#rrggbb'."""
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def contrast_pairs(style: Style) -> list[tuple[str, str, float]]:
    """(foreground key, background key, required ratio) for every pair drawn on a page."""
    text, large, graphic = 4.5, 3.0, 3.0
    pairs = [
        ("ink", "background", text), ("muted", "background", text),
        ("ink", "tile", text), ("muted", "tile", text),
        ("band_text", "band", large), ("band_subtext", "band", text),
        ("accent", "background", text), ("accent", "tile", large),
        ("primary", "background", graphic), ("primary", "tile", graphic),
        ("track", "background", graphic),  # the light part of a ring must still be seen
    ]
    pairs += [(f"series.{k}", "background", graphic) for k in Series.model_fields]
    return pairs


def _color(style: Style, key: str) -> str:
    """The colour of a key of `contrast_pairs`: `ink`, or `series.library` for a series."""
    if key.startswith("series."):
        return style.colors.series.of(key.removeprefix("series."))
    color = style.colors.model_dump()[key]
    if not isinstance(color, str):
        raise TypeError(f"colors.{key} is geen kleur")
    return color


def check_contrast(style: Style, source: yamlsrc.Source | None = None) -> None:
    for fg, bg, needed in contrast_pairs(style):
        ratio = contrast(_color(style, fg), _color(style, bg))
        if ratio < needed:
            path = ("colors",) + tuple(fg.split("."))
            line = source.line(path) if source else None
            raise ConfigError(
                source.file if source else "style", line, f"colors.{fg}",
                f"te weinig contrast met colors.{bg}: {ratio:.2f}:1, minimaal {needed}:1",
            )


def check_map_contrast(style: Style, source: yamlsrc.Source | None = None) -> None:
    """Each map shade carries a value written in ink or white (whichever contrasts more):
    that one must reach 4.5:1."""
    for i, shade in enumerate(style.colors.map):
        ratio = max(contrast(style.colors.ink, shade), contrast("#ffffff", shade))
        if ratio < 4.5:
            line = source.line(("colors", "map", i)) if source else None
            raise ConfigError(source.file if source else "style", line, f"colors.map[{i}]",
                              f"te weinig contrast met de inkt en met wit: {ratio:.2f}:1, "
                              f"minimaal 4.5:1")


def load_style(path: Path | None = None) -> Style:
    """Read and check a style file (the packaged `style.yaml` by default)."""
    source = yamlsrc.read(path or DEFAULT_PATH)
    style: Style = yamlsrc.build(Style, source)
    check_contrast(style, source)
    check_map_contrast(style, source)
    return style
