"""Content of the block kinds over a set of categories (first used by the partners pages): a
layout's `ranked_bars`, `matrix`, `gaps` and `year_list` spec + `Figures` into one frozen
content per block, with its Dutch texts, drawn values and alternative text.

content.py registers `RESOLVERS` with its `resolve_block` (it imports this module, not the
reverse: a resolver sees the page only through the `PageContext` protocol); the drawings are in
catdraw.py. On a library page a share of libraries is the library's
own 1 or 0, so it reads "ja" or "nee"; a missing figure is unknown ("onbekend"), never "nee".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol

from infographics import numbers as nl
from infographics.data.measure import Figure, Figures
from infographics.data.trends import shown_years
from infographics.page import layout as L
from infographics.page.blocks import BlockContent, Box, DescribedContent

YES_NO = {True: "ja", False: "nee", None: "onbekend"}


class Target(Protocol):
    """Whose page it is (content.PageTarget)."""

    @property
    def level(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def school_year(self) -> str: ...


class PageContext(Protocol):
    """What a resolver reads of the page being resolved (content._Context): its target, the
    figures, the page's context texts, and figures looked up, formatted and filled in."""

    @property
    def entity(self) -> Target: ...
    @property
    def figures(self) -> Figures: ...
    @property
    def values(self) -> dict[str, str]: ...
    def figure(self, indicator: str, level: str | None = None,
               entity_id: str | None = None) -> Figure: ...
    def other(self, level: str) -> tuple[str, str | None]: ...
    def fmt(self, fig: Figure, fmt: str | None = None) -> str: ...
    def fill(self, template: str | None) -> str: ...


class Resolving(Protocol):
    """What a resolver gets besides its spec (content._Resolving)."""

    @property
    def ctx(self) -> PageContext: ...
    @property
    def id(self) -> str: ...
    @property
    def box(self) -> Box: ...


@dataclass(frozen=True)
class RankedRow:
    """One category: its share (`fraction` as drawn, `text` as written) and, when the block
    marks the library's own, whether the library works with it (`own_word`: "" when not
    marked)."""

    label: str
    group: str
    fraction: float | None
    text: str
    own: bool | None = None
    own_word: str = ""


@dataclass(frozen=True, kw_only=True)
class RankedBarsContent(DescribedContent):
    title: str
    rows: tuple[RankedRow, ...]
    own_label: str = ""  # the head of the column of the library's own marks ("" without)


@dataclass(frozen=True)
class MatrixCell:
    """A cell: a share (`fraction`, `text`), or on a library page yes/no (`state`)."""

    fraction: float | None
    text: str
    state: bool | None = None


@dataclass(frozen=True)
class MatrixRow:
    label: str
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True, kw_only=True)
class MatrixContent(DescribedContent):
    title: str
    columns: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    yes_no: bool  # cells are the library's own yes/no, not shares
    note: str = ""  # the categories left out: no figure for any column


@dataclass(frozen=True)
class GapLine:
    """A category the library does not work with, and the share of its peers that do."""

    label: str
    text: str


@dataclass(frozen=True, kw_only=True)
class GapsContent(BlockContent):
    title: str
    lead: str  # what the shares are ("" when there is no gap)
    lines: tuple[GapLine, ...]
    note: str  # the categories that are unknown, or the block's none_text when there is no gap


@dataclass(frozen=True)
class YearRow:
    label: str
    texts: tuple[str, ...]  # one per year of the block


@dataclass(frozen=True, kw_only=True)
class YearListContent(DescribedContent):
    title: str
    years: tuple[str, ...]
    rows: tuple[YearRow, ...]


def _whose(ctx: PageContext, of: str | None) -> tuple[str, str]:
    """(level, entity id) of the figures a block shows: the page's own, or its country's or
    province's."""
    if of is None:
        return ctx.entity.level, ctx.entity.id
    level, entity_id = ctx.other(of)
    return level, entity_id or ""


def _state(fig: Figure) -> bool | None:
    return None if fig.value is None else fig.value > 0


def _label(category: L.Category) -> str:
    return f"{category.label} ({category.group})" if category.group else category.label


def _ranked(spec: L.RankedBars, at: Resolving) -> RankedBarsContent:
    ctx = at.ctx
    level, entity_id = _whose(ctx, spec.of)
    marked = spec.own and ctx.entity.level == "library"
    rows = []
    for c in _categories(spec):
        fig = ctx.figure(spec.prefix + c.code, level, entity_id)
        own = _state(ctx.figure(spec.prefix + c.code)) if marked else None
        rows.append(RankedRow(c.label, c.group, nl.shown_value(fig.value, "percent"),
                              ctx.fmt(fig, "percent"), own, YES_NO[own] if marked else ""))
    rows.sort(key=lambda r: (-(r.fraction if r.fraction is not None else -1.0), r.label))
    title = ctx.fill(spec.title)
    name = ctx.values.get("entity_name", "")
    parts = [f"{_label(L.Category(code='', label=r.label, group=r.group))} {r.text}"
             + (f", {name}: {r.own_word}" if marked else "") for r in rows]
    alt = f"Staafdiagram {title}, van vaak naar minder vaak: " + "; ".join(parts) + "."
    return RankedBarsContent(id=at.id, box=at.box, alt=alt, title=title, rows=tuple(rows),
                             own_label="zelf" if marked else "")


def _matrix(spec: L.Matrix, at: Resolving) -> MatrixContent:
    """A row per category with a cell per column; a category without any figure per column
    (not asked per core function, or too few libraries) is named in the note, not drawn as a
    row of dashes (on a library page, one it does not work with at all is left out)."""
    ctx = at.ctx
    level, entity_id = _whose(ctx, spec.of)
    yes_no = level == "library"
    rows, parts, without = [], [], []
    for c in _categories(spec):
        figs = [ctx.figures.get(ctx.entity.school_year, level, entity_id,
                                f"{spec.prefix}{c.code}__{col.code}") for col in spec.columns]
        if all(fig.value is None for fig in figs):
            if not (yes_no and _state(ctx.figure(spec.prefix + c.code)) is False):
                without.append(c.label)  # a category the library does not work with at all
            continue  # has no functions to show; the gaps block names it
        cells = tuple(_matrix_cell(ctx, fig, yes_no) for fig in figs)
        rows.append(MatrixRow(c.label, cells))
        parts.append(f"{c.label}: " + ", ".join(
            f"{col.label} {cell.text}" for col, cell in zip(spec.columns, cells, strict=True)))
    note = f"Niet per kernfunctie bekend: {', '.join(without)}." if without else ""
    if not rows:  # nothing per core function this year: say so, draw no empty table
        note = (f"Over {nl.edition_year(ctx.entity.school_year)} zijn geen cijfers per "
                "kernfunctie bekend.")
    title = ctx.fill(spec.title)
    alt = (f"Tabel {title}: " + "; ".join(parts) + "." + (f" {note}" if note else "")
           if rows else f"{title}: {note}")
    return MatrixContent(id=at.id, box=at.box, alt=alt, title=title,
                         columns=tuple(col.label for col in spec.columns), rows=tuple(rows),
                         yes_no=yes_no, note=note)


def _matrix_cell(ctx: PageContext, fig: Figure, yes_no: bool) -> MatrixCell:
    if yes_no:
        state = _state(fig)
        return MatrixCell(None if state is None else float(state), YES_NO[state], state)
    return MatrixCell(nl.shown_value(fig.value, "percent"), ctx.fmt(fig, "percent"))


def _categories(spec: L.RankedBars | L.Matrix | L.Gaps) -> tuple[L.Category, ...]:
    """The block's categories (layout.py fills them from partners.yaml when the layout lists
    none); a block without any is a layout mistake."""
    if not spec.categories:
        raise ValueError(f"blok {spec.kind} zonder categorieën (partners.yaml of categories:)")
    return spec.categories


def _gaps(spec: L.Gaps, at: Resolving) -> GapsContent:
    """The categories the library does not work with, those most common among its peers first,
    each with the share of libraries in its province (or country, size class) that do."""
    ctx = at.ctx
    level, entity_id = ctx.other(spec.compare)
    where = {"national": "in Nederland", "province": f"in {ctx.values.get('province_name', '')}",
             "size_class": "van vergelijkbare grootte"}[spec.compare]
    gaps: list[tuple[float, GapLine]] = []
    unknown = []
    for c in _categories(spec):
        own = _state(ctx.figure(spec.prefix + c.code))
        if own is None:
            unknown.append(c.label)
        elif not own:
            peers = ctx.figure(spec.prefix + c.code, level, entity_id)
            gaps.append((-(peers.value or 0.0), GapLine(c.label, ctx.fmt(peers, "percent"))))
    gaps.sort(key=lambda g: (g[0], g[1].label))
    return GapsContent(id=at.id, box=at.box, title=ctx.fill(spec.title),
                       lead=f"Zoveel bibliotheken {where} werken er wel mee samen:" if gaps else "",
                       lines=tuple(g for _, g in gaps),
                       note=_gaps_note(ctx, spec, bool(gaps), unknown))


def _gaps_note(ctx: PageContext, spec: L.Gaps, gaps: bool, unknown: list[str]) -> str:
    """Under the gaps: the categories not filled in; `none_text` (the library works with every
    kind) only when every category is known, so an unknown is never read as cooperation."""
    if unknown and len(unknown) == len(_categories(spec)):
        return (f"Over {ctx.values['school_year']} is niet ingevuld met welke soorten partners "
                f"{ctx.values['entity_name']} samenwerkt.")
    if unknown:
        return "Niet ingevuld: " + ", ".join(unknown) + "."
    return "" if gaps else ctx.fill(spec.none_text)


def edition_years(ctx: PageContext, span: int) -> list[str]:
    """The last `span` editions up to the page's own that have the same kind of year (calendar
    years for partners, school years for PO/VO), oldest first: the years a trend would show."""
    return shown_years(ctx.figures.years(), ctx.entity.school_year, span)


def _year_list(spec: L.YearList, at: Resolving) -> YearListContent:
    ctx = at.ctx
    years = edition_years(ctx, spec.years)
    words = ctx.entity.level == "library" and spec.format == "percent"
    rows, parts = [], []
    for item in spec.items:
        texts = []
        for year in years:
            try:
                fig = ctx.figures.get(year, ctx.entity.level, ctx.entity.id, item.indicator)
            except KeyError:  # the entity has no figures that year
                texts.append(nl.DASH)
                continue
            text = YES_NO[_state(fig)] if words else ctx.fmt(fig, spec.format)
            texts.append(nl.DASH if words and fig.value is None else text)
        label = ctx.fill(item.label)
        rows.append(YearRow(label, tuple(texts)))
        parts.append(f"{label}: " + ", ".join(
            f"{year} {text}" for year, text in zip(years, texts, strict=True)))
    title = ctx.fill(spec.title)
    return YearListContent(id=at.id, box=at.box, alt=f"Tabel {title}: " + "; ".join(parts) + ".",
                           title=title, years=tuple(years), rows=tuple(rows))


# spec class -> its resolver, registered by content.py with `resolve_block`
RESOLVERS: Final[dict[type, Callable[[Any, Resolving], BlockContent]]] = {
    L.RankedBars: _ranked, L.Matrix: _matrix, L.Gaps: _gaps, L.YearList: _year_list,
}
