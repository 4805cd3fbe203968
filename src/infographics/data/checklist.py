"""Star-checklist configuration: YAML (blocks, maxima, bands) into a typed `Checklist`, and
points into stars.

A location's share is its total points over the total maximum; its stars are those of the first
band whose inclusive upper bound (percent) the share does not exceed. Comparisons are exact
(points * 100 <= upper * maximum), so the band edges do not depend on float rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

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


def load_checklist(path: Path | None = None) -> Checklist:
    """The checklist at `path` (default: the packaged one); a wrong file raises `ConfigError`
    naming the file and the key."""
    path = Path(path or DEFAULT_PATH)
    name = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(name, None, "", f"kan niet gelezen worden: {exc}") from exc
    if not isinstance(raw, dict) or set(raw) - {"blocks", "bands"}:
        raise ConfigError(name, None, "", "verwacht precies de sleutels 'blocks' en 'bands'")
    blocks = [_block(item, name, f"blocks[{i}]") for i, item in enumerate(raw.get("blocks") or [])]
    bands = [_band(item, name, f"bands[{i}]") for i, item in enumerate(raw.get("bands") or [])]
    if not blocks or not bands:
        raise ConfigError(name, None, "", "'blocks' en 'bands' mogen niet leeg zijn")
    if [b.upper for b in bands] != sorted(b.upper for b in bands) or bands[-1].upper != 100:
        raise ConfigError(name, None, "bands", "grenzen moeten oplopen en eindigen op 100")
    return Checklist(tuple(blocks), tuple(bands))


def _block(item: object, file: str, key: str) -> Block:
    """One item of `blocks` (parsed YAML)."""
    if not isinstance(item, dict) or set(item) != {"column", "label", "max"}:
        raise ConfigError(file, None, key, "verwacht 'column', 'label' en 'max'")
    if item["column"] not in CHECKLIST_BLOCKS:
        raise ConfigError(file, None, f"{key}.column", f"onbekende kolom {item['column']!r}")
    if not isinstance(item["max"], (int, float)) or item["max"] <= 0:
        raise ConfigError(file, None, f"{key}.max", "moet een positief getal zijn")
    return Block(item["column"], str(item["label"]), float(item["max"]))


def _band(item: object, file: str, key: str) -> Band:
    """One item of `bands` (parsed YAML)."""
    if not isinstance(item, dict) or set(item) != {"stars", "upper"}:
        raise ConfigError(file, None, key, "verwacht 'stars' en 'upper'")
    return Band(int(item["stars"]), float(item["upper"]))
