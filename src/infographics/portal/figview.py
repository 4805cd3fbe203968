"""The figures view: the figures a viewer may see into a table in the browser (`/cijfers`:
one entity's figures beside those of its province, size class and the country in one edition
(a school year, or a calendar year for partners), and its earlier years per subject) and a CSV
download (`/cijfers.csv`: exactly the rows of `Figures.export()` the viewer
may see, as `infographics figures` writes them).

Parameters (`jaar`, `entiteit` as `niveau:id`) are only compared with the entities the viewer
may see; anything else is a 404, the same as an entity that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from infographics.data.measure import SUBJECT_TABLES
from infographics.levels import SUBJECT_INFO
from infographics.numbers import DASH, integer, mean, percent
from infographics.portal.access import FigureKey, FigureScope
from infographics.portal.csvout import csv_line, csv_text
from infographics.portal.state import audit, catalog, viewer

if TYPE_CHECKING:
    from infographics.data.indicators import Indicator, Indicators
    from infographics.data.measure import Figure, Figures
    from infographics.portal.catalog import Data

bp = Blueprint("figures", __name__)
LEVELS: Final = ("library", "poi", "province", "national")  # what can be chosen, in this order
LEVEL_NAMES: Final = {"library": "bibliotheek", "poi": "POI", "province": "provincie",
                      "size_class": "grootteklasse", "national": "land"}
SUBJECT_TITLES: Final[dict[str, str]] = {s: info.title for s, info in SUBJECT_INFO.items()}


@dataclass(frozen=True)
class Column:
    key: FigureKey
    title: str  # "Bibliotheek Zuidrand", "Groningen", "50.000 tot 100.000 inwoners", "Nederland"
    kind: str  # bibliotheek, provincie, grootteklasse, land


@dataclass(frozen=True)
class Cell:
    text: str  # "78%", "5.386", "–"
    n: str  # "N 102"
    suppressed: bool


@dataclass(frozen=True)
class Row:
    indicator: str
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Block:
    title: str
    rows: tuple[Row, ...]
    subject: str = ""  # po, vo, partners


@dataclass(frozen=True)
class Earlier:
    """One subject's figures of the chosen entity, one column per year it has them."""

    years: tuple[str, ...]
    block: Block
    per: str  # "per schooljaar", "per kalenderjaar"


@dataclass(frozen=True)
class Choice:
    key: FigureKey
    name: str
    level_name: str

    @property
    def value(self) -> str:
        """How the choice is named in a URL: `library:bib-0001`."""
        return f"{self.key[1]}:{self.key[2]}"


def choices(scope: FigureScope, figures: Figures, year: str) -> list[Choice]:
    """The entities the viewer may choose in `year` (libraries, POIs, provinces, the land)."""
    found = []
    for level in LEVELS:
        for e in sorted(figures.entities(level, year), key=lambda e: e.name.casefold()):
            if scope.allows(year, level, e.id):
                found.append(Choice((year, level, e.id), e.name, LEVEL_NAMES[level]))
    return found


def columns(key: FigureKey, figures: Figures, scope: FigureScope) -> list[Column]:
    """The chosen entity and what it is compared with, as far as the viewer may see them."""
    year, level, entity_id = key
    names: dict[tuple[str, str], str] = {
        (e.level, e.id): e.name for lv in ("province", "size_class", "national", level)
        for e in figures.entities(lv, year)}
    keys: list[FigureKey] = [key]
    if level == "library":
        info = figures.library(year, entity_id)
        keys.append((year, "province", info.province))
        if info.size_class:
            keys.append((year, "size_class", info.size_class))
    elif level == "poi":  # a POI beside each of its provinces
        keys += [(year, "province", p) for p in sorted(
            scope.ents.provinces_of(entity_id), key=lambda p: names.get(("province", p), p))]
    if level != "national":
        keys += [(year, "national", e.id) for e in figures.entities("national", year)]
    cols = []
    for k in keys:
        if scope.allows(*k):
            title = names.get((k[1], k[2]), k[2])
            if k[1] == "size_class":
                title = f"Vergelijkbare grootte ({title})"
            cols.append(Column(k, title, LEVEL_NAMES[k[1]]))
    return cols


def subject_of(ind: Indicator) -> str:
    """The subject an indicator belongs to: partners by the table it is measured on (network),
    PO or VO by its id (po_..., vo_...), else by its population's name."""
    subjects = [s for s, tables in SUBJECT_TABLES.items() if ind.population.table in tables]
    if len(subjects) == 1:
        return subjects[0]
    return next((s for s in subjects if ind.id.startswith(f"{s}_")),
                next((s for s in subjects if ind.population.name.startswith(s)),
                     subjects[0] if subjects else ""))


def _figure(figures: Figures, key: FigureKey, indicator: str) -> Figure | None:
    try:
        return figures.get(key[0], key[1], key[2], indicator)
    except KeyError:
        return None


def cell(figures: Figures, indicators: Indicators, key: FigureKey, indicator: str) -> Cell:
    fig = _figure(figures, key, indicator)
    if fig is None:
        return Cell(DASH, "", False)
    ind = indicators[indicator]
    if fig.value is None:
        text = DASH
    elif ind.is_share:
        text = percent(fig.value)
    elif ind.is_mean:  # a mean with one decimal, as the pages show it
        text = mean(fig.value)
    else:
        text = integer(fig.value)
    return Cell(text, f"N {integer(fig.n)}", fig.suppressed)


def blocks(figures: Figures, indicators: Indicators, keys: list[FigureKey]) -> list[Block]:
    """Every indicator with a figure for any of `keys` as a row with one cell per key, grouped
    by subject (a school year has no partners figures, a calendar year no PO or VO ones)."""
    grouped: dict[str, list[Row]] = {}
    for ind in indicators.items.values():
        if all(_figure(figures, k, ind.id) is None for k in keys):
            continue
        cells = tuple(cell(figures, indicators, k, ind.id) for k in keys)
        grouped.setdefault(subject_of(ind), []).append(Row(ind.id, ind.label, cells))
    return [Block(SUBJECT_TITLES.get(s, s.upper()), tuple(rows), s)
            for s, rows in grouped.items()]


def _year(years: list[str]) -> str:
    """The school year in the request (`jaar`), or the latest one."""
    if not years:
        abort(404)
    chosen = request.args.get("jaar", years[-1])
    if chosen not in years:
        abort(404)
    return chosen


def _chosen(options: list[Choice], year: str) -> Choice:
    """The entity in the request (`entiteit=niveau:id`), or the viewer's own first one."""
    if not options:
        abort(404)
    wanted = request.args.get("entiteit")
    if wanted is None:
        return options[0]
    for option in options:
        if option.value == wanted:
            return option
    return abort(404)


@bp.get("/cijfers")
def figures_page() -> ResponseReturnValue:
    v = viewer()
    if v.anonymous:
        abort(404)
    data = catalog().data
    scope = FigureScope(v, data.entitlements, data.figures)
    years = _years(data.figures, scope)
    year = _year(years)
    options = choices(scope, data.figures, year)
    chosen = _chosen(options, year)
    cols = columns(chosen.key, data.figures, scope)
    earlier = _earlier(data, scope, chosen)
    audit("cijfers", detail=f"{chosen.level_name} {chosen.key[2]} {year}")
    return render_template(
        "cijfers.html", year=year, years=years, options=options,
        chosen=chosen, columns=cols, blocks=blocks(data.figures, data.indicators,
                                                   [c.key for c in cols]),
        earlier=earlier)


def _years(figures: Figures, scope: FigureScope) -> list[str]:
    return [y for y in figures.years()
            if any(scope.allows(y, "national", e.id) for e in figures.entities("national", y))]


def _earlier(data: Data, scope: FigureScope, chosen: Choice) -> list[Earlier]:
    """The chosen entity's own figures per subject, in every year of that subject the viewer
    may see it, when more than one."""
    _, level, entity_id = chosen.key
    found = []
    for subject in SUBJECT_INFO:
        years = [y for y in data.figures.years(subject) if scope.allows(y, level, entity_id)]
        if len(years) < 2:
            continue
        keys: list[FigureKey] = [(y, level, entity_id) for y in years]
        per = ("per kalenderjaar" if SUBJECT_INFO[subject].year_kind == "calendar"
               else "per schooljaar")
        found += [Earlier(tuple(years), b, per)
                  for b in blocks(data.figures, data.indicators, keys) if b.subject == subject]
    return found


@bp.get("/cijfers.csv")
def figures_csv() -> ResponseReturnValue:
    v = viewer()
    if v.anonymous:
        abort(404)
    data = catalog().data
    scope = FigureScope(v, data.entitlements, data.figures)
    year = request.args.get("jaar")
    if year is not None and year not in data.figures.years():
        abort(404)
    header, groups = export_groups(data.figures)
    lines = [line for key, chunk in groups.items()
             if (year is None or key[0] == year) and scope.allows(*key) for line in chunk]
    audit("cijfers-csv", detail=f"jaar {year or 'alle'}")
    name = f"bibliotheekmonitor-cijfers{'-' + year if year else ''}.csv"
    return Response(("".join([header, *lines])).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@lru_cache(maxsize=4)
def export_groups(figures: Figures) -> tuple[str, dict[FigureKey, list[str]]]:
    """`figures.export()` as CSV: its header line and its lines by (year, level, entity id), in
    the export's order (computed once per Figures)."""
    frame = figures.export()
    columns = [str(c) for c in frame.columns]
    header = csv_text(columns, [])  # the BOM and the header line
    groups: dict[FigureKey, list[str]] = {}
    records: Iterable[tuple[object, ...]] = frame.itertuples(index=False, name=None)
    for record in records:
        key = (str(record[0]), str(record[1]), str(record[2]))
        groups.setdefault(key, []).append(csv_line(record))
    return header, groups

