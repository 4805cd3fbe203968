"""Page content: a `Layout` + `Figures` + the target of one page into `PageContent`, one typed
block content per layout block (blocks.py) holding the final Dutch strings, the drawn values
and the generated alternative texts.

Nothing here draws; draw.py draws what this module decided. Every number on a page comes
from `Figures`, formatted by numbers.py; a suppressed or unknown value shows the dash `DASH` and
the page gets a note. A block whose figure is unknown or 0 shows its `empty_text` instead
(`unknown_text` when it is unknown); a KPI tile shows that sentence above its `fallback`, the
same or a related figure of the page's province, size class or country, labelled as theirs.
Each block spec class of layout.py has its resolver, registered with `resolve_block` for that
class and returning that kind's content dataclass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, singledispatch
from typing import Any, NamedTuple

import pandas as pd

from infographics import numbers as nl
from infographics.data.checklist import Checklist
from infographics.data.marks import mark
from infographics.data.measure import NATIONAL_ID, Figure, Figures, LibraryInfo
from infographics.data.series import SeriesConfig, load_series
from infographics.data.trends import change, trend, year_text
from infographics.levels import FOLDERS, PageLevel
from infographics.page import geo
from infographics.page import layout as L
from infographics.page.blocks import (
    Bar,
    BarsContent,
    BlockBarsContent,
    BlockContent,
    BlockRow,
    Box,
    ComparisonContent,
    ComparisonGroup,
    DescribedContent,
    DistributionContent,
    DistributionRow,
    DonutContent,
    HeaderContent,
    KpiContent,
    MapCell,
    MapContent,
    OfferRow,
    OffersContent,
    PageContent,
    PictogramContent,
    SectionContent,
    SourceContent,
    StarsContent,
    StepsContent,
    TextContent,
    TrendContent,
    TrendPanel,
    TrendPoint,
)
from infographics.page.catblocks import RESOLVERS
from infographics.page.mapclasses import class_of, make_classes
from infographics.page.style import Style

__all__ = ["Box", "PageContent", "PageTarget", "resolve", "resolve_block"]


@dataclass(frozen=True)
class PageTarget:
    """Who a page is about."""

    level: PageLevel
    id: str
    school_year: str


def _cell_number(cell: Any) -> float | None:
    """A pandas cell (Any: a float, None, NaN or pd.NA) as a number or None when unknown."""
    if cell is None or cell is pd.NA or cell != cell:
        return None
    return float(cell)


@dataclass(frozen=True)
class _School:
    """A school location's row of `Figures.schools`, typed: its points (None: unknown) and the
    stars they earn."""

    location_name: str
    municipality: str
    library_id: str
    stars: int | None
    points: float | None
    points_max: float
    block_points: dict[str, float | None]  # checklist column -> the location's points

    @property
    def share(self) -> float | None:
        """The points as a share of the maximum."""
        return None if self.points is None else self.points / self.points_max


def _school_of(row: pd.Series[Any], checklist: Checklist) -> _School:
    points = _cell_number(row["points_total"])
    return _School(
        location_name=str(row["location_name"]), municipality=str(row["municipality"] or ""),
        library_id=str(row["library_id"]),
        stars=None if points is None else int(row["stars"]), points=points,
        points_max=float(row["points_max"]),
        block_points={b.column: _cell_number(row[b.column]) for b in checklist.blocks},
    )


def _library_values(info: LibraryInfo) -> dict[str, str]:
    return {
        "province_name": info.province_name, "poi_name": info.poi_name,
        "size_class_label": info.size_class_label or "onbekende grootte",
        "size_class_count": str(info.size_class_count), "library_name": info.library_name,
    }


@cache
def default_series() -> SeriesConfig:
    """The packaged series configuration (breaks and the marks rule), read once."""
    return load_series()


class _Context:
    """Looks up figures for the page target and fills placeholders in texts; records every
    formatted figure shown (`shown`)."""

    def __init__(self, figures: Figures, entity: PageTarget, series: SeriesConfig):
        self.figures, self.entity, self.series = figures, entity, series
        self.shown: list[str] = []
        self._library: LibraryInfo | None = None
        self._school: _School | None = None
        ents = {e.id: e.name for e in figures.entities(entity.level, entity.school_year)}
        self.values: dict[str, str] = {
            "entity_name": ents.get(entity.id, entity.id),
            "school_year": nl.edition_year(entity.school_year),
        }
        if entity.level in ("library", "province", "school"):
            self.values["marks_rule"] = _marks_rule(series)
        if entity.level == "library":
            self._library = figures.library(entity.school_year, entity.id)
            self.values.update(_library_values(self._library))
        elif entity.level == "province":
            self.values["province_name"] = self.values["entity_name"]
        elif entity.level == "school":
            self._school_context()

    def _school_context(self) -> None:
        """A school page: the location's own points and stars; plain indicators are its
        library's."""
        school = _school_of(self.figures.school(self.entity.school_year, self.entity.id),
                            self.checklist)
        self._school = school
        self._library = self.figures.library(self.entity.school_year, school.library_id)
        self.values.update(
            _library_values(self._library), entity_name=school.location_name,
            location_name=school.location_name, municipality=school.municipality,
            stars=nl.DASH if school.stars is None else str(school.stars),
            score_share=nl.percent(school.share),
            **_conversation(school, self.checklist),
        )

    @property
    def checklist(self) -> Checklist:
        if self.figures.checklist is None:
            raise ValueError("de cijfers hebben geen sterrenchecklist")
        return self.figures.checklist

    @property
    def library(self) -> LibraryInfo:
        """The page's library (on a library page: itself; on a school page: the school's)."""
        if self._library is None:
            raise ValueError(f"een pagina van niveau {self.entity.level!r} heeft geen bibliotheek")
        return self._library

    @property
    def school(self) -> _School:
        if self._school is None:
            raise ValueError(f"een pagina van niveau {self.entity.level!r} heeft geen school")
        return self._school

    def figure(self, indicator: str, level: str | None = None,
               entity_id: str | None = None) -> Figure:
        if level is None and self.entity.level == "school":
            level, entity_id = "library", self.library.library_id
        if level is not None and level != self.entity.level and not entity_id:
            return Figure(indicator, None, None, None, 0)  # a library without a size class
        return self.figures.get(self.entity.school_year, level or self.entity.level,
                                entity_id or self.entity.id, indicator)

    def other(self, level: str) -> tuple[str, str | None]:
        """(level, entity id) of the page's country, province, size class or library."""
        if level == "national":
            return "national", NATIONAL_ID
        if self.entity.level == "school" and level == "library":
            return "library", self.library.library_id
        if self.entity.level in ("library", "school"):
            info = self.library
            return level, info.province if level == "province" else info.size_class
        if self.entity.level == level:
            return level, self.entity.id
        raise ValueError(f"@{level} kan niet op een pagina van niveau {self.entity.level}")

    def fmt(self, fig: Figure, fmt: str | None = None) -> str:
        text = nl.format_value(fig.value, fmt or _default_format(fig))
        self.shown.append(text)
        return text

    def own(self) -> tuple[str, str]:
        """(level, entity id) whose figures the page shows (a school page: its library's)."""
        if self.entity.level == "school":
            return "library", self.library.library_id
        return self.entity.level, self.entity.id

    def fill(self, template: str | None) -> str:
        """The template with its placeholders filled; a soft hyphen is dropped, as the line
        breaking does not hyphenate (drawn, it would show as a hyphen mid-line)."""
        if template is None:
            return ""
        text = L.PLACEHOLDER.sub(self._placeholder, template.replace(SOFT_HYPHEN, ""))
        return _EMPTY_BRACKETS.sub("", text) if "()" in text.replace(" ", "") else text

    def _placeholder(self, m: re.Match[str]) -> str:
        name, other, part, fmt, one, many = m.groups()
        if name in self.values:
            return self.values[name]
        if part == ".change":
            return change(trend(self.figures, self.series, *self.own(), name,
                                self.entity.school_year, 2))
        fig = self.figure(name, *self.other(other)) if other else self.figure(name)
        if part == ".n":
            text = nl.integer(fig.n)
            self.shown.append(text)
            count = float(fig.n)
        else:
            text = self.fmt(fig, fmt)
            count = fig.value if fig.value is not None else 0.0
        if one is None:
            return text
        return f"{text} {one if count == 1 else many}"


# what a `.change` placeholder leaves when there is no comparable year: " ()" goes
_EMPTY_BRACKETS = re.compile(r"\s*\(\s*\)")


def _marks_rule(series: SeriesConfig) -> str:
    """The marks rule in words, as the page explains its marks."""
    rule = series.marks
    return (f"hoger of lager bij minstens {nl.decimal(rule.min_difference, 0)} procentpunt "
            f"verschil, buiten de {nl.percent(rule.confidence)}-onzekerheidsmarge; "
            "anders vergelijkbaar")


def _conversation(school: _School, checklist: Checklist) -> dict[str, str]:
    """The school's strongest building block (highest share of its maximum) and the one with
    the most points still to gain (heavier blocks first when equal)."""
    known = [(points, b) for b in checklist.blocks
             if (points := school.block_points[b.column]) is not None]
    if not known:
        return {"best_block": nl.DASH, "growth_block": nl.DASH}
    best = max(known, key=lambda pb: (pb[0] / pb[1].max, pb[1].max))
    growth = max(known, key=lambda pb: (pb[1].max - pb[0], pb[1].max))
    return {"best_block": best[1].label, "growth_block": growth[1].label}


def _default_format(fig: Figure) -> str:
    """A share in percent, a mean (`..._mean`, the average number of partners) with one
    decimal when it has one, anything else a whole number."""
    if "_share" in fig.indicator:
        return "percent"
    return "mean" if fig.indicator.endswith("_mean") else "integer"


SOFT_HYPHEN = "\u00ad"


def _missing_text(ctx: _Context, spec: L.BlockSpec) -> str | None:
    """The sentence (a template) a block shows because the page's own figure of its
    `empty_when` (default: its own indicator) is unknown or 0; None: it shows its figure."""
    which = spec.empty_when or spec.main_indicator
    if which is None or (spec.empty_text is None and spec.unknown_text is None):
        return None
    value = ctx.figure(which).value
    if value is None:
        return spec.unknown_text or spec.empty_text
    return spec.empty_text if value == 0 else None


NO_HISTORY = "Er zijn nog geen eerdere schooljaren om mee te vergelijken."


def _history(ctx: _Context, spec: L.Trend) -> bool:
    """Whether any of the trend's indicators has a known figure in a year before the page's."""
    for item in spec.items:
        t = trend(ctx.figures, ctx.series, *ctx.own(), item.indicator, ctx.entity.school_year,
                  spec.years)
        if sum(len(run) for run in t.runs) > 1:
            return True
    return False


def resolve(layout: L.Layout, figures: Figures, entity: PageTarget, style: Style,
            series: SeriesConfig | None = None) -> PageContent:
    """Everything a page shows, decided: strings, values, chart rows and alt texts. Only figures
    of the page's school year and the years before it are read."""
    ctx = _Context(figures, entity, series or default_series())
    blocks = tuple(_block(ctx, block_id, spec, Box(*layout.box(spec)), style)
                   for block_id, spec in layout.ordered())
    title = ctx.fill(layout.title)
    subject = f"Bibliotheekmonitor {entity.school_year}, {FOLDERS[entity.level]}"
    return PageContent(title, subject, blocks, layout.page.width, layout.page.height,
                       tuple(ctx.shown))


def _block(ctx: _Context, block_id: str, spec: L.BlockSpec, box: Box,
           style: Style) -> BlockContent:
    """One block's content: its empty text (a KPI tile: with its fallback figure), a trend
    without earlier years as a sentence, or what its kind's resolver makes of it (with the
    layout's own alternative text, if it gives one)."""
    at = _Resolving(ctx, block_id, box, style)
    missing = _missing_text(ctx, spec)
    if missing is not None:
        if isinstance(spec, L.Kpi) and spec.fallback is not None:
            return _fallback_kpi(spec, spec.fallback, at, ctx.fill(missing))
        return TextContent(id=block_id, box=box, text=ctx.fill(missing))
    if isinstance(spec, L.Trend) and not _history(ctx, spec):
        return TextContent(id=block_id, box=box, size="label",
                           text=ctx.fill(spec.empty_text or NO_HISTORY))
    content = resolve_block(spec, at)
    if spec.alt and isinstance(content, DescribedContent):
        content = replace(content, alt=ctx.fill(spec.alt))
    return content


class _Resolving(NamedTuple):
    """What a resolver gets besides the block's spec."""

    ctx: _Context
    id: str
    box: Box
    style: Style


@singledispatch
def resolve_block(spec: L.BlockSpec, at: _Resolving) -> BlockContent:
    """A block spec into its content; each spec class registers its resolver below."""
    raise TypeError(f"no resolver for block spec {type(spec).__name__}")


# --- per kind -------------------------------------------------------------------------------------


@resolve_block.register
def _header(spec: L.Header, at: _Resolving) -> HeaderContent:
    return HeaderContent(id=at.id, box=at.box, title=at.ctx.fill(spec.title),
                         subtitle=at.ctx.fill(spec.subtitle))


@resolve_block.register
def _section(spec: L.Section, at: _Resolving) -> SectionContent:
    return SectionContent(id=at.id, box=at.box, text=at.ctx.fill(spec.text))


@resolve_block.register
def _text(spec: L.Text, at: _Resolving) -> TextContent:
    return TextContent(id=at.id, box=at.box, text=at.ctx.fill(spec.text), size=spec.size,
                       bold=spec.bold)


@resolve_block.register
def _source(spec: L.Source, at: _Resolving) -> SourceContent:
    return SourceContent(id=at.id, box=at.box, text=at.ctx.fill(spec.text))


class _KpiFigure(NamedTuple):
    """What a KPI tile shows: whose figure (None: the page's own), formatted how, with which
    texts."""

    indicator: str
    of: L.Series | None
    format: str
    label: str
    detail: str | None


@resolve_block.register
def _kpi(spec: L.Kpi, at: _Resolving) -> KpiContent:
    return _kpi_content(at, _KpiFigure(spec.value, spec.of, spec.format, spec.label,
                                       spec.detail))


def _fallback_kpi(spec: L.Kpi, fallback: L.KpiFallback, at: _Resolving,
                  lead: str) -> KpiContent:
    """A tile whose own figure is missing: `lead` says so, above the fallback's figure."""
    return _kpi_content(at, _KpiFigure(
        fallback.indicator or spec.value, fallback.of, fallback.format or spec.format,
        fallback.label or spec.label, fallback.detail), lead)


def _kpi_content(at: _Resolving, kpi: _KpiFigure, lead: str = "") -> KpiContent:
    ctx = at.ctx
    context, color = "", ""
    if kpi.of is None:
        fig = ctx.figure(kpi.indicator)
    else:
        series = _series_of(ctx, kpi.of)
        fig = ctx.figure(kpi.indicator, series.level, series.entity_id)
        context, color = series.label, at.style.colors.series.of(kpi.of)
    return KpiContent(id=at.id, box=at.box, value=fig.value, text=ctx.fmt(fig, kpi.format),
                      label=ctx.fill(kpi.label), detail=ctx.fill(kpi.detail), lead=lead,
                      context=context, color=color)


@resolve_block.register
def _donut(spec: L.Donut, at: _Resolving) -> DonutContent:
    ctx = at.ctx
    fig = ctx.figure(spec.indicator)
    text = ctx.fmt(fig, "percent")
    label = ctx.fill(spec.label)
    return DonutContent(id=at.id, box=at.box, alt=f"Ringdiagram: {text} {label}.",
                        fraction=nl.shown_value(fig.value, "percent"), text=text, label=label)


@resolve_block.register
def _pictogram(spec: L.Pictogram, at: _Resolving) -> PictogramContent:
    ctx = at.ctx
    fig = ctx.figure(spec.indicator)
    text = nl.in_ten(fig.value) if spec.icons == 10 else ctx.fmt(fig, "percent")
    label = ctx.fill(spec.label)
    shown = nl.shown_value(fig.value, "in_ten" if spec.icons == 10 else "percent")
    filled = 0 if shown is None else round(shown * spec.icons)
    # the sentence itself follows as text; the alt only says what the picture shows
    alt = (f"Pictogram: {filled} van de {spec.icons} figuurtjes gekleurd "
           f"({nl.percent(fig.value)}).")
    ctx.shown.append(text)
    return PictogramContent(id=at.id, box=at.box, alt=alt, fraction=shown, text=text,
                            label=label, icons=spec.icons)


@resolve_block.register
def _bars(spec: L.Bars, at: _Resolving) -> BarsContent:
    ctx = at.ctx
    bars = []
    for item in spec.items:
        fig = ctx.figure(item.indicator)
        bars.append(Bar(ctx.fill(item.label), nl.shown_value(fig.value, spec.format),
                        ctx.fmt(fig, spec.format), at.style.colors.primary))
    title = ctx.fill(spec.title) if spec.title else ""
    alt = "Staafdiagram" + (f" {title}" if title else "") + ": " + "; ".join(
        f"{bar.label} {bar.text}" for bar in bars) + "."
    return BarsContent(id=at.id, box=at.box, alt=alt, title=title, bars=tuple(bars))


class _Series(NamedTuple):
    """A comparison series on this page: its label and whose figures it shows."""

    label: str
    level: str
    entity_id: str


def _series(ctx: _Context, series: L.Series) -> _Series | None:
    """A comparison series for this page, or None if it has none (no province on a national
    page, no size class for a library without one)."""
    e = ctx.entity
    if series == "national":
        return _Series("Nederland", "national", NATIONAL_ID)
    if e.level in ("library", "school"):
        info = ctx.library
        if series == "library":
            return _Series(_short(info.library_name), "library", info.library_id)
        if series == "province":
            return _Series(info.province_name, "province", info.province)
        if series == "size_class" and info.size_class:
            return _Series(f"Vergelijkbare grootte ({info.size_class_count})", "size_class",
                           info.size_class)
    if e.level == "province" and series == "province":
        return _Series(ctx.values["entity_name"], "province", e.id)
    return None


_SERIES_NAMES: dict[L.Series, str] = {
    "library": "Bibliotheek", "province": "Provincie", "size_class": "Vergelijkbare grootte",
    "national": "Nederland",
}


def _series_of(ctx: _Context, series: L.Series) -> _Series:
    """The series `series` of this page; one it has no entity for (a library without a size
    class) keeps its name and has only unknown figures."""
    return _series(ctx, series) or _Series(_SERIES_NAMES[series], series, "")


def _short(name: str, limit: int = 24) -> str:
    """A library name short enough for a chart label: drop 'Bibliotheek', then cut at a word."""
    short = name.removeprefix("Bibliotheek ").strip() if len(name) > limit else name
    if len(short) <= limit:
        return short
    cut = short[: limit - 1].rsplit(" ", 1)[0]
    return cut + "\u2026"


def _scale(values: list[float | None], fmt: str) -> float:
    """What a comparison's bar of full length stands for: 1 for a share, else the largest
    value (a mean of 16 partners against 12 draws bars of 100% and 75%)."""
    if fmt in ("percent", "percent1"):
        return 1.0
    return max((v for v in values if v), default=1.0)


def _scaled(value: float | None, scale: float) -> float | None:
    return None if value is None else value / scale


@resolve_block.register
def _comparison(spec: L.Comparison, at: _Resolving) -> ComparisonContent:
    """Per indicator a bar per series; with `marks`, each other series' bar says whether the
    page's own entity is higher, similar or lower (marks.py)."""
    ctx = at.ctx
    series = [(key, s) for key in spec.series if (s := _series(ctx, key)) is not None]
    own = next((s for _, s in series if (s.level, s.entity_id) == ctx.own()), None)
    marking = spec.marks and own is not None and spec.format in ("percent", "percent1")
    groups, alts = [], []
    for item in spec.items:
        figs = [(key, s, ctx.figure(item.indicator, s.level, s.entity_id)) for key, s in series]
        scale = _scale([fig.value for _, _, fig in figs], spec.format)
        own_fig = ctx.figure(item.indicator, *ctx.own()) if own is not None else None
        bars = [_comparison_bar(ctx, (key, s, fig), own_fig if marking else None, spec.format,
                                scale, at.style) for key, s, fig in figs]
        label = ctx.fill(item.label)
        groups.append(ComparisonGroup(label, tuple(bars)))
        alts.append(f"{label}: " + ", ".join(
            f"{bar.label} {bar.text}" + (f" ({own.label if own else ''} {bar.mark})"
                                         if bar.mark else "") for bar in bars))
    # the legend only where a mark is drawn (none below the rule's N, or when suppressed)
    marked = any(bar.mark for group in groups for bar in group.bars)
    legend = (f"{_short(own.label)} vergeleken met elke groep: {ctx.values['marks_rule']}."
              if marking and own is not None and marked else "")
    alt = "Staafdiagram, vergelijking: " + "; ".join(alts) + "."
    return ComparisonContent(id=at.id, box=at.box, alt=alt,
                             title=ctx.fill(spec.title) if spec.title else "",
                             groups=tuple(groups), legend=legend)


def _comparison_bar(ctx: _Context, shown: tuple[L.Series, _Series, Figure], own: Figure | None,
                    fmt: str, scale: float, style: Style) -> Bar:
    """One series' bar, its length as a fraction of `scale`; marked against `own` unless it is
    the page's own bar, `own` is None, the figures are not shares (a mean has no interval to
    mark with) or either figure is unknown or suppressed."""
    key, s, fig = shown
    is_own = (s.level, s.entity_id) == ctx.own()
    share = fmt in ("percent", "percent1")
    marked = mark(own, fig, ctx.series.marks) if own is not None and share and not is_own \
        else None
    return Bar(s.label, _scaled(nl.shown_value(fig.value, fmt), scale), ctx.fmt(fig, fmt),
               style.colors.series.of(key), marked)


@resolve_block.register
def _map(spec: L.Map, at: _Resolving) -> MapContent:
    ctx = at.ctx
    shown = []
    for ent in ctx.figures.entities("province", ctx.entity.school_year):
        fig = ctx.figure(spec.indicator, "province", ent.id)
        shown.append((ent, ctx.fmt(fig, spec.format), nl.shown_value(fig.value, spec.format)))
    classes = make_classes([v for _, _, v in shown if v is not None], spec.format)
    cells = tuple(MapCell(ent.id, ent.name, text, value, class_of(value, classes, spec.format))
                  for ent, text, value in shown)
    highlight = ctx.entity.id if ctx.entity.level == "province" else None
    title = ctx.fill(spec.title)
    return MapContent(id=at.id, box=at.box, alt=_map_alt(title, cells, highlight), title=title,
                      cells=cells, classes=tuple(c.label for c in classes), credit=geo.CREDIT,
                      highlight=highlight)


def _map_alt(title: str, cells: tuple[MapCell, ...], highlight: str | None) -> str:
    """What the map says: every province's value (an unknown one as "onbekend") and which
    province is outlined."""
    values = "; ".join(f"{c.name} {c.text if c.value is not None else 'onbekend'}"
                       for c in cells)
    own = next((c.name for c in cells if c.province == highlight), None)
    outlined = f" {own} is omlijnd." if own else ""
    return f"Kaart van de provincies, {title}: {values}.{outlined}"


_OFFER_WORDS = {True: "ja", False: "nee", None: "onbekend"}


@resolve_block.register
def _offers(spec: L.Offers, at: _Resolving) -> OffersContent:
    ctx = at.ctx
    rows = []
    for item in spec.items:
        fig = ctx.figure(item.indicator)
        state = None if fig.value is None else fig.value > 0
        rows.append(OfferRow(ctx.fill(item.label), state, _OFFER_WORDS[state]))
    title = ctx.fill(spec.title)
    alt = f"{title}: " + "; ".join(f"{row.label}: {row.word}" for row in rows) + "."
    return OffersContent(id=at.id, box=at.box, alt=alt, title=title, rows=tuple(rows))


@resolve_block.register
def _stars(spec: L.Stars, at: _Resolving) -> StarsContent:
    ctx = at.ctx
    school, checklist = ctx.school, ctx.checklist
    stars = nl.DASH if school.stars is None else str(school.stars)
    words = f"{stars} van {checklist.max_stars} sterren"
    detail = (f"{nl.decimal(school.points, 0)} van de {nl.integer(checklist.total_max)} punten "
              f"({nl.percent(school.share)} van het maximum)")
    ctx.shown.extend([words, detail])
    return StarsContent(id=at.id, box=at.box, alt=f"Sterren: {words}; {detail}.",
                        stars=school.stars, max_stars=checklist.max_stars, words=words,
                        detail=detail, label=ctx.fill(spec.label))


@resolve_block.register
def _block_bars(spec: L.BlockBars, at: _Resolving) -> BlockBarsContent:
    """Per building block: the school's share of the maximum, its library's average and the
    national average."""
    ctx = at.ctx
    rows, parts = [], []
    for block in ctx.checklist.blocks:
        short = block.column.removeprefix("points_")
        points = ctx.school.block_points[block.column]
        own = None if points is None else points / block.max
        lib = nl.shown_value(ctx.figure(f"vo_schools_share_{short}", "library",
                                        ctx.library.library_id).value, "percent")
        nat = nl.shown_value(ctx.figure(f"vo_schools_share_{short}", "national",
                                        NATIONAL_ID).value, "percent")
        text = (nl.DASH if points is None
                else f"{nl.decimal(points, 0)} van {nl.integer(block.max)}")
        rows.append(BlockRow(f"{block.label} (max. {nl.integer(block.max)})", own, text, lib,
                             nat))
        parts.append(f"{block.label} {text} punten, bibliotheek gemiddeld {nl.percent(lib)}, "
                     f"Nederland {nl.percent(nat)}")
        ctx.shown.append(text)
    title = ctx.fill(spec.title)
    return BlockBarsContent(id=at.id, box=at.box, alt=f"Staafdiagram {title}: "
                            + "; ".join(parts) + ".", title=title, rows=tuple(rows))


@resolve_block.register
def _distribution(spec: L.Distribution, at: _Resolving) -> DistributionContent:
    """How many cooperating locations score 0..max stars, for the page's entity or the one
    `of` names (on a school page by default the whole country, with the school's own row
    marked)."""
    ctx = at.ctx
    school = ctx.entity.level == "school"
    level, eid = ("national", NATIONAL_ID) if school else (ctx.entity.level, ctx.entity.id)
    if spec.of is not None:
        series = _series_of(ctx, spec.of)
        level, eid = series.level, series.entity_id
    own = ctx.school.stars if school else None
    rows, parts = [], []
    for stars in sorted({band.stars for band in ctx.checklist.bands}):
        count = ctx.figure(f"{spec.indicator_prefix}{stars}", level, eid)
        share = ctx.figure(f"vo_share_schools_stars_{stars}", level, eid)
        count_text, share_text = ctx.fmt(count, "integer"), ctx.fmt(share, "percent")
        rows.append(DistributionRow(stars, count_text, nl.shown_value(share.value, "percent"),
                                    share_text, stars == own))
        word = "ster" if stars == 1 else "sterren"
        parts.append(f"{stars} {word}: {count_text} ({share_text})")
    total = ctx.figure("vo_schools", level, eid)
    title = ctx.fill(spec.title)
    alt = (f"Staafdiagram {title}, {nl.integer(total.value)} schoollocaties: "
           + "; ".join(parts) + ".")  # the note follows as its own text
    return DistributionContent(id=at.id, box=at.box, alt=alt, title=title,
                               note=_top_score_note(ctx, level, eid), rows=tuple(rows),
                               max_stars=ctx.checklist.max_stars)


def _top_score_note(ctx: _Context, level: str, entity_id: str) -> str:
    """How many cooperations reach every point of the checklist (4 stars start below the
    maximum: say the points, not the stars); empty when unknown."""
    maximum = ctx.figure("vo_schools_max_score", level, entity_id)
    top = nl.integer(ctx.checklist.total_max)
    if maximum.value == 0:
        return f"Geen enkele samenwerking haalt alle {top} punten."
    if maximum.value == 1:
        return f"1 samenwerking haalt alle {top} punten."
    if maximum.value:
        return f"{nl.integer(maximum.value)} samenwerkingen halen alle {top} punten."
    return ""


@resolve_block.register
def _steps(spec: L.Steps, at: _Resolving) -> StepsContent:
    """The steps, each its text, or its `empty_text` (`unknown_text`) when the page's figure
    of its `empty_when` is 0 (unknown); a step without such a text is then left out."""
    ctx = at.ctx
    steps = []
    for step in spec.items:
        template: str | None = step.text
        if step.empty_when is not None:
            value = ctx.figure(step.empty_when).value
            if value is None:
                template = step.unknown_text or step.empty_text
            elif value == 0:
                template = step.empty_text
        if template:
            steps.append(ctx.fill(template))
    return StepsContent(id=at.id, box=at.box, title=ctx.fill(spec.title), steps=tuple(steps))


for _kind, _resolver in RESOLVERS.items():  # the kinds over a set of categories (catblocks.py)
    resolve_block.register(_kind, _resolver)


@resolve_block.register
def _trend(spec: L.Trend, at: _Resolving) -> TrendContent:
    """The page's entity over its last school years, per indicator, on one scale; the notes
    say what changed at each break and which organisations a library continues."""
    ctx = at.ctx
    panels, alts, notes = [], [], []
    for item in spec.items:
        t = trend(ctx.figures, ctx.series, *ctx.own(), item.indicator, ctx.entity.school_year,
                  spec.years, spec.format)
        points = tuple(TrendPoint(year_text(p.school_year), p.value, p.text)
                       for p in t.points)
        starts = tuple(i for i, p in enumerate(t.points) if i and ctx.series.break_between(
            item.indicator, t.points[i - 1].school_year, p.school_year))
        label = ctx.fill(item.label)
        panels.append(TrendPanel(label, points, t.runs, starts))
        alts.append(f"{label}: {_trend_alt(points, t.runs, starts)}")
        for brk in t.breaks:
            note = f"Trendbreuk {year_text(brk.school_year)}: {brk.note}"
            if note not in notes:
                notes.append(note)
        for run in t.runs:  # the first and last value of each line are written at it
            ctx.shown.extend({points[run[0]].text, points[run[-1]].text})
    if ctx.entity.level in ("library", "school") and (lineage := _lineage(ctx)):
        notes.append(lineage)
    values = [p.value for panel in panels for p in panel.points if p.value is not None]
    top = 1.0 if spec.format == "percent" else (max(values) * 1.15 if values else 1.0) or 1.0
    title = ctx.fill(spec.title) if spec.title else ""
    alt = ("Lijndiagram" + (f" {title}" if title else "") + ", per schooljaar: "
           + "; ".join(alts) + ".")
    return TrendContent(id=at.id, box=at.box, alt=alt, title=title, panels=tuple(panels),
                        top=top, notes=tuple(notes))


def _trend_alt(points: tuple[TrendPoint, ...], runs: tuple[tuple[int, ...], ...],
               starts: tuple[int, ...]) -> str:
    """Every year's value, line by line: 'lijn 2020-2021 78%, 2021-2022 80%, trendbreuk
    2022-2023, lijn 2022-2023 89%' (a year without a value: 'onbekend')."""
    parts = []
    in_run = {i: run for run in runs for i in run}
    for i, point in enumerate(points):
        if i in starts:
            parts.append(f"trendbreuk {point.school_year}")
        if i not in in_run:
            parts.append(f"{point.school_year} onbekend")
        elif in_run[i][0] == i:
            parts.append("lijn " + ", ".join(f"{points[j].school_year} {points[j].text}"
                                             for j in in_run[i]))
    return ", ".join(parts)


def _lineage(ctx: _Context) -> str:
    """On a library's page: which organisations it continues since when (a merger), or ''.
    Organisations the data does not hold before the library's first year are named by id."""
    info = ctx.library
    if not info.successor_of:
        return ""
    first = ctx.figures.library_years(info.library_id, ctx.entity.school_year)[0]
    names = [ctx.figures.library_name(i, first) for i in info.successor_of]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
    rest = "de lijn toont alleen de eigen jaren, zonder de cijfers van die organisaties."
    if any(name == i for name, i in zip(names, info.successor_of, strict=True)):
        return f"{info.library_name} zet {joined} voort; {rest}"
    return f"{info.library_name} is in {year_text(first)} ontstaan uit {joined}; {rest}"
