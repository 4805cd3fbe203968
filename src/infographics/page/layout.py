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
it (no {province_name} or {x@province} on a national page).

A block whose own figure may be missing says so: `empty_text` when the page's figure of its
`empty_when` (default: its own indicator) is 0, `unknown_text` when it is unknown (default: the
`empty_text`). A KPI tile with such a text must also name a `fallback` (`of:` province,
size_class or national, and optionally `indicator`, `format`, `label`, `detail`): it then shows
that figure, labelled as theirs, under the sentence, never the bare sentence. A KPI tile or a
star distribution may show another entity's figure throughout (`of:`); a `steps` block lists
numbered steps, each with its own `empty_when`/`empty_text`/`unknown_text` (a step without a
text for the case is left out).

Everything is validated before anything is drawn; an error names the file, line and key path,
e.g. `layouts/po-lokaal.yaml:42: blocks.kpi.kind: onbekende waarde 'pie3d'`; unknown keys are
errors.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from infographics import yamlsrc
from infographics.data.indicators import Indicators
from infographics.data.partnerconfig import load_partner_config
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
# {indicator@level.part:format|one|many}: with `|one|many` the number is followed by the word
# that fits it ("1 vo-schoollocatie", "3 vo-schoollocaties")
PLACEHOLDER = re.compile(
    r"\{([a-z0-9_]+)(?:@(national|province|size_class|library))?(\.n|\.change)?"
    r"(?::([a-z0-9_]+))?(?:\|([^|{}]+)\|([^|{}]+))?\}"
)
Series = Literal["library", "province", "size_class", "national"]
Format = Literal["integer", "decimal", "mean", "percent", "percent1", "compact", "in_ten"]
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
    unknown_text: str | None = None  # shown instead when it is unknown (default: empty_text)
    empty_when: str | None = None  # indicator deciding emptiness (default: the block's own)

    @property
    def main_indicator(self) -> str | None:
        """The indicator whose figure the block is about (None: a block without one)."""
        return None

    def derived_indicators(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(key path, indicator) of the indicators a kind composes from codes (a prefix and a
        category code), for the reference check; none for most kinds."""
        return []


class Header(BlockSpec):
    kind: Literal["header"]
    title: str
    subtitle: str


class Section(BlockSpec):
    kind: Literal["section"]
    text: str


class KpiFallback(_Strict):
    """What a KPI tile shows when its own figure is unknown or 0: the figure of `indicator` (by
    default the tile's own) of the page's province, size class or country (`of`), labelled as
    theirs, below the tile's `empty_text`, so a tile never only says "Geen ..."."""

    of: Series
    indicator: str | None = None
    format: Format | None = None  # default: the tile's
    label: str | None = None  # default: the tile's
    detail: str | None = None


class Kpi(BlockSpec):
    kind: Literal["kpi"]
    value: str
    format: Format = "integer"
    label: str
    detail: str | None = None
    of: Series | None = None  # whose figure: the page's own (default), or its province, ...
    fallback: KpiFallback | None = None

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
    format: Format = "percent"  # a share; another format draws bars against the largest value
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
    of: Series | None = None  # whose locations (default: the page's; on a school page: all)


class Step(_Strict):
    """One step of a `steps` block; when the page's figure of `empty_when` is 0 the step says
    `empty_text` instead, when it is unknown `unknown_text` (default: `empty_text`), and it is
    left out when it has no such text."""

    text: str
    empty_when: str | None = None
    empty_text: str | None = None
    unknown_text: str | None = None


class Steps(BlockSpec):
    """Numbered steps ("Waar te beginnen"), each a sentence with its figures."""

    kind: Literal["steps"]
    title: str | None = None
    items: tuple[Step, ...] = Field(min_length=1, max_length=9)


class Offers(BlockSpec):
    kind: Literal["offers"]
    items: tuple[Item, ...] = Field(min_length=1)
    title: str


# --- kinds over a set of categories (the partners pages) --------------------------------------


class Category(_Strict):
    """A category of a ranked chart, matrix or list: its code (the indicator is the block's
    `prefix` + code), its Dutch label and optionally its group, named after the label."""

    code: str
    label: str
    group: str = ""


class Column(_Strict):
    code: str
    label: str


class _Categories(BlockSpec):
    """A block over `categories`: each category's figure is `prefix` + its code, taken from the
    page's own entity or, with `of`, from its country or province. Without `categories` the
    block takes the partner categories of `partners.yaml` (labels and groups from there)."""

    title: str
    prefix: str
    categories: tuple[Category, ...] = ()
    of: Literal["national", "province"] | None = None

    def derived_indicators(self) -> list[tuple[tuple[str | int, ...], str]]:
        return [(("categories", i, "code"), self.prefix + c.code)
                for i, c in enumerate(self.categories)]


class RankedBars(_Categories):
    """The categories as bars, largest share first, each named with its group; with `own` on a
    library page, each row also says whether the library itself works with it."""

    kind: Literal["ranked_bars"]
    own: bool = False


class Matrix(_Categories):
    """Categories (rows) by `columns` (e.g. core functions): cell indicator is
    `prefix` + category code + `__` + column code."""

    kind: Literal["matrix"]
    columns: tuple[Column, ...] = ()  # without: the core functions of partners.yaml

    def derived_indicators(self) -> list[tuple[tuple[str | int, ...], str]]:
        return [(("categories", i, "code"), f"{self.prefix}{c.code}__{col.code}")
                for i, c in enumerate(self.categories) for col in self.columns]


class Gaps(_Categories):
    """On a library page: the categories the library does not (yet) work with, each with the
    share of libraries in its province (`compare`) that do; `none_text` when there are none."""

    kind: Literal["gaps"]
    compare: Literal["national", "province", "size_class"] = "province"
    none_text: str


class YearList(BlockSpec):
    """The items' figures year by year, for the last `years` editions of the page's kind of year
    up to the page's own (a plain list; on a library page a share of 1 or 0 reads "ja" or "nee")."""

    kind: Literal["year_list"]
    title: str
    items: tuple[Item, ...] = Field(min_length=1)
    format: Format = "percent"
    years: int = Field(default=4, ge=1, le=10)  # the last so many editions (columns)


Block = Annotated[
    Header | Section | Kpi | Text | Donut | Bars | Comparison | Pictogram | Map | Source
    | Stars | BlockBars | Distribution | Offers | Steps | RankedBars | Matrix | Gaps | YearList
    | Trend,
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
    _check_missing(layout, source)
    layout = _with_partner_codes(layout, indicators)
    if indicators is not None:
        _check_references(layout, source, indicators)
    return layout


def _with_partner_codes(layout: Layout, indicators: Indicators | None) -> Layout:
    """The layout with every category block that lists no categories (a matrix no columns)
    given those of the partner configuration, labels starting with a capital."""
    config = indicators.partners if indicators is not None else load_partner_config()
    groups = {g.id: g.label for g in config.groups}
    categories = tuple(Category(code=c.id, label=_capital(c.label), group=groups.get(c.group, ""))
                       for c in config.categories)
    columns = tuple(Column(code=f.id, label=_capital(f.label)) for f in config.functions)
    blocks: dict[str, Block] = {}
    for block_id, block in layout.blocks.items():
        update: dict[str, object] = {}
        if isinstance(block, _Categories) and not block.categories:
            update["categories"] = categories
        if isinstance(block, Matrix) and not block.columns:
            update["columns"] = columns
        blocks[block_id] = block.model_copy(update=update) if update else block
    return layout.model_copy(update={"blocks": blocks})


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


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


def _check_missing(layout: Layout, source: yamlsrc.Source) -> None:
    """What blocks show of another entity (`of`) exists on the layout's level, and a KPI tile
    whose own figure can be missing shows a fallback figure with its sentence, never the bare
    sentence ("Geen ..."), nor a fallback figure without saying what is missing."""
    for block_id, block in layout.blocks.items():
        base = ("blocks", block_id)
        for key, of in _others_of(block):
            if of not in LEVEL_OTHERS[layout.level]:
                raise _fail(source, base + key,
                            f"een pagina van niveau {layout.level!r} heeft geen {of!r}")
        if not isinstance(block, Kpi):
            continue
        says = "empty_text" if block.empty_text else "unknown_text" if block.unknown_text else ""
        if says and block.fallback is None:
            raise _fail(source, base + (says,),
                        "een kpi-tegel met een tekst voor een ontbrekend cijfer heeft ook "
                        "'fallback' nodig (het cijfer van provincie, vergelijkbare grootte of "
                        "Nederland), zodat de tegel niet alleen 'Geen ...' zegt")
        if block.fallback is not None and not block.empty_text:
            raise _fail(source, base + ("fallback",),
                        "'fallback' heeft 'empty_text' nodig: de zin die zegt wat er ontbreekt")


def _others_of(block: BlockSpec) -> list[tuple[yamlsrc.KeyPath, str]]:
    """(key path, series) of every `of` a block names."""
    out: list[tuple[yamlsrc.KeyPath, str]] = []
    of = getattr(block, "of", None)
    if of is not None:
        out.append((("of",), of))
    if isinstance(block, Kpi) and block.fallback is not None:
        out.append((("fallback", "of"), block.fallback.of))
    return out


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


def _string_fields(block: BlockSpec, names: frozenset[str]) -> list[tuple[yamlsrc.KeyPath, str]]:
    """(key path, value) of the block's fields `names` that are set, in the block itself, in
    its `fallback` and in each of its `items` (the fields differ per kind: a kind without one
    has nothing to give)."""
    out: list[tuple[yamlsrc.KeyPath, str]] = []

    def add(prefix: yamlsrc.KeyPath, fields: dict[str, Any]) -> None:
        out.extend((prefix + (name,), value) for name, value in fields.items()
                   if name in names and isinstance(value, str))

    fields = block.model_dump(exclude_none=True)
    add((), fields)
    if isinstance(fields.get("fallback"), dict):
        add(("fallback",), fields["fallback"])
    for i, item in enumerate(fields.get("items") or ()):
        add(("items", i), item)
    return out


_TEMPLATE_FIELDS = frozenset({"title", "subtitle", "text", "label", "detail", "empty_text",
                              "unknown_text", "alt", "none_text"})
_INDICATOR_FIELDS = frozenset({"value", "indicator", "empty_when"})


def _templates(block: BlockSpec) -> list[tuple[yamlsrc.KeyPath, str]]:
    return _string_fields(block, _TEMPLATE_FIELDS)


def _indicators_of(block: BlockSpec) -> list[tuple[yamlsrc.KeyPath, str]]:
    return _string_fields(block, _INDICATOR_FIELDS)


def _check_references(layout: Layout, source: yamlsrc.Source, indicators: Indicators) -> None:
    if layout.fallback and layout.fallback.when_zero not in indicators:
        raise _fail(source, ("fallback", "when_zero"),
                    f"onbekende indicator {layout.fallback.when_zero!r}")
    for block_id, block in layout.blocks.items():
        base = ("blocks", block_id)
        for key, ind in _indicators_of(block) + block.derived_indicators():
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
    name, other, part, fmt, one, _ = m.groups()
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
    if one is not None and (name in CONTEXT_KEYS or part == ".change"):
        return f"plaatshouder {m[0]}: |enkelvoud|meervoud hoort bij een aantal"
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
