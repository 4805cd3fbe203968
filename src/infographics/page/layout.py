"""Layout specs: `layouts/*.yaml` into a frozen, typed `Layout` (page, grid, blocks).

A layout places blocks on a grid (`at: [column, row]`, `span: [columns, rows]`); a level's file
`extends:` a base file and overrides blocks by id (a block set to `null` is removed). Texts may
hold placeholders: `{indicator}` or `{indicator:format}` (formats of numbers.py), `{indicator.n}`
for its N, `{indicator.change}` for how it compares with the year before ("89 meer dan in
2020-2021"; empty when there is no comparable year: empty brackets around it are dropped),
`{indicator@national}` (or @province, @size_class) for the figure of the page's country,
province or size class, and the page context: {entity_name}, {school_year},
{province_name}, {poi_name}, {size_class_label}, {size_class_count}, {location_name},
{library_name}, {municipality}, {stars}, ..., each only on the levels whose pages know
it (no {province_name} or {x@province} on a national page). Everything is validated before
anything is drawn; an error names the file, line and key path, e.g.
`layouts/po-lokaal.yaml:42: blocks.kpi.kind: onbekende waarde 'pie3d'`; unknown keys are errors.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from infographics import yamlsrc
from infographics.data.indicators import Indicators
from infographics.errors import ConfigError
from infographics.levels import FOLDERS, PageLevel, Subject
from infographics.numbers import FORMATS
from infographics.resources import LAYOUTS, layout_file, shown

LAYOUT_DIR = LAYOUTS
CONTEXT_KEYS = frozenset({
    "entity_name", "school_year", "province_name", "poi_name", "size_class_label",
    "size_class_count", "location_name", "library_name", "municipality", "stars", "max_stars",
    "score_share", "best_block", "growth_block", "marks_rule",
})
_PAGE = frozenset({"entity_name", "school_year"})
_LIBRARY = _PAGE | {"province_name", "poi_name", "size_class_label", "size_class_count",
                    "library_name", "marks_rule"}
# what content._Context knows on a page of each level: its context keys, and the levels that
# {indicator@level} may name (the page's country, province, size class or library)
LEVEL_CONTEXT: Final[dict[PageLevel, frozenset[str]]] = {
    "national": _PAGE,
    "province": _PAGE | {"province_name", "marks_rule"},
    "library": _LIBRARY,
    "school": _LIBRARY | {"location_name", "municipality", "stars", "score_share",
                          "best_block", "growth_block"},
}
LEVEL_OTHERS: Final[dict[PageLevel, frozenset[str]]] = {
    "national": frozenset({"national"}),
    "province": frozenset({"national", "province"}),
    "library": frozenset({"national", "province", "size_class"}),
    "school": frozenset({"national", "province", "size_class", "library"}),
}
PLACEHOLDER = re.compile(
    r"\{([a-z0-9_]+)(?:@(national|province|size_class|library))?(\.n|\.change)?"
    r"(?::([a-z0-9_]+))?\}"
)
Series = Literal["library", "province", "size_class", "national"]
Format = Literal["integer", "decimal", "percent", "percent1", "compact", "in_ten"]
TextSize = Literal["body", "label", "note"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Item(_Strict):
    indicator: str
    label: str


class BlockSpec(_Strict):
    """What every block has: its place on the grid and the optional texts of any kind."""

    at: tuple[int, int]
    span: tuple[int, int]
    alt: str | None = None  # overrides the generated alternative text
    empty_text: str | None = None  # shown instead when the block's figure is unknown or 0
    empty_when: str | None = None  # indicator deciding emptiness (default: the block's own)

    @property
    def main_indicator(self) -> str | None:
        """The indicator whose figure the block is about (None: a block without one)."""
        return None


class Header(BlockSpec):
    kind: Literal["header"]
    title: str
    subtitle: str


class Section(BlockSpec):
    kind: Literal["section"]
    text: str


class Kpi(BlockSpec):
    kind: Literal["kpi"]
    value: str
    format: Format = "integer"
    label: str
    detail: str | None = None

    @property
    def main_indicator(self) -> str | None:
        return self.value


class Text(BlockSpec):
    kind: Literal["text"]
    text: str
    size: TextSize = "body"
    bold: bool = False


class Donut(BlockSpec):
    kind: Literal["donut"]
    indicator: str
    label: str

    @property
    def main_indicator(self) -> str | None:
        return self.indicator


class Bars(BlockSpec):
    kind: Literal["bars"]
    items: tuple[Item, ...] = Field(min_length=1)
    format: Format = "percent"
    title: str | None = None


class Comparison(BlockSpec):
    kind: Literal["comparison"]
    items: tuple[Item, ...] = Field(min_length=1)
    series: tuple[Series, ...] = ("library", "province", "size_class", "national")
    title: str | None = None
    marks: bool = True  # mark each comparison hoger / vergelijkbaar / lager (series.yaml)


class Trend(BlockSpec):
    """Small multiples: per indicator its last `years` school years up to the page's year, on
    one scale (shares 0-100%, counts from 0 to the largest value of the block)."""

    kind: Literal["trend"]
    items: tuple[Item, ...] = Field(min_length=1, max_length=4)
    format: Literal["integer", "percent"] = "percent"
    years: int = Field(default=5, ge=2, le=10)
    title: str | None = None


class Pictogram(BlockSpec):
    kind: Literal["pictogram"]
    indicator: str
    label: str
    icons: int = Field(default=10, ge=2, le=20)

    @property
    def main_indicator(self) -> str | None:
        return self.indicator


class Map(BlockSpec):
    kind: Literal["map"]
    indicator: str
    format: Format = "percent"
    title: str

    @property
    def main_indicator(self) -> str | None:
        return self.indicator


class Source(BlockSpec):
    kind: Literal["source"]
    text: str


class Stars(BlockSpec):
    kind: Literal["stars"]
    label: str


class BlockBars(BlockSpec):
    kind: Literal["block_bars"]
    title: str


class Distribution(BlockSpec):
    kind: Literal["distribution"]
    title: str
    indicator_prefix: str = "vo_schools_stars_"


class Offers(BlockSpec):
    kind: Literal["offers"]
    items: tuple[Item, ...] = Field(min_length=1)
    title: str


Block = Annotated[
    Header | Section | Kpi | Text | Donut | Bars | Comparison | Pictogram | Map | Source
    | Stars | BlockBars | Distribution | Offers | Trend,
    Field(discriminator="kind"),
]


class Page(_Strict):
    width: float = 595.28  # A4 portrait, points
    height: float = 841.89
    margin: float = 28


class Grid(_Strict):
    columns: int = Field(default=12, ge=1)
    rows: int = Field(default=48, ge=1)
    gutter: float = Field(default=6, ge=0)


class Fallback(_Strict):
    """Use another layout when an indicator is unknown or 0 for the page's entity (e.g. a
    library without VO locations gets a page that says so plainly)."""

    when_zero: str
    layout: str


class Layout(_Strict):
    name: str = ""
    path: str = ""
    subject: Subject
    level: PageLevel
    title: str
    page: Page = Page()
    grid: Grid = Grid()
    blocks: dict[str, Block]
    fallback: Fallback | None = None

    def ordered(self) -> list[tuple[str, Block]]:
        """Blocks in reading order: top to bottom, then left to right."""
        return sorted(self.blocks.items(), key=lambda kv: (kv[1].at[1], kv[1].at[0]))

    def box(self, block: BlockSpec) -> tuple[float, float, float, float]:
        """(x, y, width, height) in points of a block, y measured from the page bottom."""
        g, p = self.grid, self.page
        cw = (p.width - 2 * p.margin - (g.columns - 1) * g.gutter) / g.columns
        rh = (p.height - 2 * p.margin - (g.rows - 1) * g.gutter) / g.rows
        col, row = block.at
        w = block.span[0] * cw + (block.span[0] - 1) * g.gutter
        h = block.span[1] * rh + (block.span[1] - 1) * g.gutter
        x = p.margin + col * (cw + g.gutter)
        top = p.height - p.margin - row * (rh + g.gutter)
        return x, top - h, w, h


def _merge(parent: yamlsrc.Source, child: yamlsrc.Source) -> yamlsrc.Source:
    """Child over parent: top-level keys replace, blocks merge by id, a null block is removed."""
    data = {k: v for k, v in parent.data.items() if k != "extends"}
    lines = dict(parent.lines)
    files = {k: parent.file_of(k) for k in parent.lines}
    for key, value in child.data.items():
        if key == "extends":
            continue
        if key == "blocks" and isinstance(value, dict):
            data["blocks"] = _merge_blocks(dict(data.get("blocks") or {}), value)
        else:
            data[key] = value
    for path, line in child.lines.items():
        if path and path[0] != "extends":
            lines[path] = line
            files[path] = child.file
    return yamlsrc.Source(child.file, data, lines, files)


def _merge_blocks(blocks: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The parent's blocks (YAML data) with a child's: a null removes, a mapping updates."""
    for block_id, block in overrides.items():
        if block is None:
            blocks.pop(block_id, None)
        elif isinstance(block, dict) and isinstance(blocks.get(block_id), dict):
            blocks[block_id] = {**blocks[block_id], **block}
        else:
            blocks[block_id] = block
    return blocks


def _read_with_parents(path: Path, seen: tuple[Path, ...] = ()) -> yamlsrc.Source:
    """A layout merged over the chain of files it `extends`. A parent is looked up next to its
    child first, then among the packaged layouts."""
    source = yamlsrc.read(path, label=shown(path))
    if not isinstance(source.data, dict):
        raise ConfigError(source.file, 1, "", "een layout is een mapping met sleutels")
    parent_name = source.data.get("extends")
    if parent_name is None:
        return source
    parent_path = layout_file(str(parent_name), path.parent).resolve()
    if parent_path in seen or parent_path == path.resolve():
        raise ConfigError(source.file, source.line(("extends",)), "extends", "kringverwijzing")
    if not parent_path.exists():
        raise ConfigError(
            source.file, source.line(("extends",)), "extends",
            f"bestand {parent_name!r} bestaat niet",
        )
    return _merge(_read_with_parents(parent_path, seen + (path.resolve(),)), source)


def load_layout(path: Path, indicators: Indicators | None = None) -> Layout:
    """Read, merge and validate a layout; check grid bounds, overlaps and placeholders."""
    path = Path(path)
    source = _read_with_parents(path)
    layout: Layout = yamlsrc.build(Layout, source)
    layout = layout.model_copy(update={"name": path.stem, "path": str(path)})
    if layout.fallback and not fallback_path(layout).exists():
        raise _fail(source, ("fallback", "layout"),
                    f"bestand {layout.fallback.layout!r} bestaat niet")
    _check_grid(layout, source)
    if indicators is not None:
        _check_references(layout, source, indicators)
    return layout


def _fail(source: yamlsrc.Source, path: yamlsrc.KeyPath, message: str) -> ConfigError:
    return ConfigError(source.file_of(path), source.line(path), yamlsrc.dotted(path), message)


def _check_grid(layout: Layout, source: yamlsrc.Source) -> None:
    cells: dict[tuple[int, int], str] = {}
    for block_id, block in layout.blocks.items():
        col, row = block.at
        w, h = block.span
        if col < 0 or row < 0 or w < 1 or h < 1 or col + w > layout.grid.columns \
                or row + h > layout.grid.rows:
            raise _fail(source, ("blocks", block_id, _culprit(source, block_id, block, layout)),
                        f"blok valt buiten het raster ({layout.grid.columns} kolommen x "
                        f"{layout.grid.rows} rijen)")
        for c in range(col, col + w):
            for r in range(row, row + h):
                if (c, r) in cells:
                    raise _fail(source, ("blocks", block_id, "at"),
                                f"overlapt met blok {cells[(c, r)]!r}")
                cells[(c, r)] = block_id


def _culprit(source: yamlsrc.Source, block_id: str, block: BlockSpec, layout: Layout) -> str:
    """Which of `at` and `span` puts a block outside the grid: the one that is out of range by
    itself, else the one the most derived file set (a child that only moves a block of its
    parent is wrong at its `at`), else `span`."""
    g = layout.grid
    if not (0 <= block.at[0] < g.columns and 0 <= block.at[1] < g.rows):
        return "at"
    if block.span[0] < 1 or block.span[1] < 1:
        return "span"
    base = ("blocks", block_id)
    at_file, span_file = source.file_of(base + ("at",)), source.file_of(base + ("span",))
    return "at" if at_file == source.file and span_file != source.file else "span"


def _string_fields(block: BlockSpec, names: tuple[str, ...], item_field: str
                   ) -> list[tuple[yamlsrc.KeyPath, str]]:
    """(key path, value) of the block's fields `names` that are set, then of `item_field` of
    each of its items (the fields differ per kind: a kind without one has nothing to give)."""
    fields = block.model_dump(include=set(names) | {"items"})
    out: list[tuple[yamlsrc.KeyPath, str]] = [
        ((name,), fields[name]) for name in names if isinstance(fields.get(name), str)]
    for i, item in enumerate(fields.get("items") or ()):
        out.append((("items", i, item_field), item[item_field]))
    return out


def _templates(block: BlockSpec) -> list[tuple[yamlsrc.KeyPath, str]]:
    return _string_fields(block, ("title", "subtitle", "text", "label", "detail", "empty_text",
                                  "alt"), "label")


def _indicators_of(block: BlockSpec) -> list[tuple[yamlsrc.KeyPath, str]]:
    return _string_fields(block, ("value", "indicator", "empty_when"), "indicator")


def _check_references(layout: Layout, source: yamlsrc.Source, indicators: Indicators) -> None:
    if layout.fallback and layout.fallback.when_zero not in indicators:
        raise _fail(source, ("fallback", "when_zero"),
                    f"onbekende indicator {layout.fallback.when_zero!r}")
    for block_id, block in layout.blocks.items():
        base = ("blocks", block_id)
        for key, ind in _indicators_of(block):
            if ind not in indicators:
                raise _fail(source, base + key, f"onbekende indicator {ind!r}")
        for key, text in _templates(block):
            for m in PLACEHOLDER.finditer(text):
                problem = _placeholder_problem(m, layout.level, indicators)
                if problem:
                    raise _fail(source, base + key, problem)


def _placeholder_problem(m: re.Match[str], level: PageLevel, indicators: Indicators
                         ) -> str | None:
    """What is wrong with one placeholder on a page of `level`, or None."""
    name, other, part, fmt = m.groups()
    if name not in CONTEXT_KEYS and name not in indicators:
        return f"onbekende plaatshouder {{{name}}}"
    if part == ".change" and (name not in indicators or other or fmt):
        return f"plaatshouder {m[0]}: .change hoort bij een indicator, zonder @ of formaat"
    if name in CONTEXT_KEYS and name not in LEVEL_CONTEXT[level]:
        return f"plaatshouder {{{name}}} is er niet op een pagina van niveau {level!r}"
    if other and other not in LEVEL_OTHERS[level]:
        return (f"plaatshouder {m[0]}: een pagina van niveau {level!r} heeft geen {other!r} "
                f"om mee te vergelijken")
    if fmt and fmt not in FORMATS:
        return f"onbekend getalformaat {fmt!r}"
    return None


def fallback_path(layout: Layout) -> Path:
    """The file of `layout`'s fallback: next to the layout first, then the packaged one (as for
    `extends`), so an analyst's folder with only `vo-lokaal.yaml` still finds its fallback."""
    if layout.fallback is None:
        raise ValueError(f"{layout.path}: geen fallback")
    return layout_file(layout.fallback.layout, Path(layout.path).parent)


def layout_path(subject: Subject, level: PageLevel, layouts: Path | None = None) -> Path:
    """The layout of a subject's pages of `level` (`po-lokaal.yaml`; every school page has
    `vo-school.yaml`), from the analyst's folder `layouts` when it holds it, else packaged."""
    prefix = "vo" if level == "school" else subject
    return layout_file(f"{prefix}-{FOLDERS[level]}.yaml", layouts)
