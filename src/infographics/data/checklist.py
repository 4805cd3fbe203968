"""Star-checklist configuration: YAML (blocks, maxima, bands) into a typed `Checklist`, and
points into stars.

A location's share is its total points over the total maximum; its stars are those of the first
band whose inclusive upper bound (percent) the share does not exceed. Comparisons are exact
(points * 100 <= upper * maximum), so the band edges do not depend on float rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from infographics import yamlsrc
from infographics.data.limits import DEFAULT_LIMITS, Limits
from infographics.data.schema import CHECKLIST_BLOCKS
from infographics.errors import ConfigError
from infographics.resources import LAYOUTS

DEFAULT_PATH = LAYOUTS / "sterrenchecklist.yaml"


@dataclass(frozen=True)
class Block:
    column: str
    label: str
    max: float


@dataclass(frozen=True)
class Band:
    stars: int
    upper: float  # percent, inclusive


@dataclass(frozen=True)
class Checklist:
    blocks: tuple[Block, ...]
    bands: tuple[Band, ...]

    @property
    def total_max(self) -> float:
        return sum(b.max for b in self.blocks)

    @property
    def max_stars(self) -> int:
        return max(b.stars for b in self.bands)

    def maximum(self, column: str) -> float:
        return next(b.max for b in self.blocks if b.column == column)

    def stars_for(self, points: float) -> int:
        """Stars for a total number of points."""
        total = self.total_max
        for band in self.bands:
            if points * 100 <= band.upper * total:
                return band.stars
        return self.max_stars


def load_checklist(path: Path | None = None, limits: Limits = DEFAULT_LIMITS) -> Checklist:
    """The checklist at `path` (default: the packaged one), read strictly (`yamlsrc.py`); a
    wrong file raises `ConfigError` naming the file, the line and the key."""
    path = Path(path or DEFAULT_PATH)
    source = yamlsrc.read(path, limits=limits)
    raw = source.data
    if not isinstance(raw, dict) or set(raw) - {"blocks", "bands"}:
        raise _fail(source, (), "verwacht precies de sleutels 'blocks' en 'bands'")
    blocks = [_block(item, source, ("blocks", i))
              for i, item in enumerate(_items(source, "blocks"))]
    bands = [_band(item, source, ("bands", i)) for i, item in enumerate(_items(source, "bands"))]
    if not blocks or not bands:
        raise _fail(source, (), "'blocks' en 'bands' mogen niet leeg zijn")
    if [b.upper for b in bands] != sorted(b.upper for b in bands) or bands[-1].upper != 100:
        raise _fail(source, ("bands",), "grenzen moeten oplopen en eindigen op 100")
    return Checklist(tuple(blocks), tuple(bands))


def _fail(source: yamlsrc.Source, key: yamlsrc.KeyPath, message: str) -> ConfigError:
    return ConfigError(source.file, source.line(key), yamlsrc.dotted(key), message)


def _items(source: yamlsrc.Source, key: str) -> list[object]:
    items = source.data.get(key) or []
    if not isinstance(items, list):
        raise _fail(source, (key,), "verwacht een lijst")
    return items


def _number(item: dict[str, object], key: str, source: yamlsrc.Source,
            path: yamlsrc.KeyPath) -> float:
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(source, (*path, key), f"moet een getal zijn (waarde: {value!r})")
    return float(value)


def _block(item: object, source: yamlsrc.Source, path: yamlsrc.KeyPath) -> Block:
    """One item of `blocks` (parsed YAML)."""
    if not isinstance(item, dict) or set(item) != {"column", "label", "max"}:
        raise _fail(source, path, "verwacht 'column', 'label' en 'max'")
    if item["column"] not in CHECKLIST_BLOCKS:
        raise _fail(source, (*path, "column"), f"onbekende kolom {item['column']!r}")
    maximum = _number(item, "max", source, path)
    if maximum <= 0:
        raise _fail(source, (*path, "max"), "moet een positief getal zijn")
    return Block(item["column"], str(item["label"]), maximum)


def _band(item: object, source: yamlsrc.Source, path: yamlsrc.KeyPath) -> Band:
    """One item of `bands` (parsed YAML)."""
    if not isinstance(item, dict) or set(item) != {"stars", "upper"}:
        raise _fail(source, path, "verwacht 'stars' en 'upper'")
    stars = _number(item, "stars", source, path)
    if not stars.is_integer() or stars < 0:
        raise _fail(source, (*path, "stars"), "moet een geheel getal van 0 of meer zijn")
    return Band(int(stars), _number(item, "upper", source, path))
