"""Page content: a `Layout` + `Figures` + the entity of one page into `PageContent`, a list of
resolved blocks holding the final Dutch strings, values and generated alt texts.

Nothing here draws; draw.py draws what this module decided. Every number on a page comes
from `Figures`, formatted by numbers.py; a suppressed or unknown value shows the dash `DASH` and
the page gets a note. A block whose figure is unknown or 0 shows its `empty_text` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from infographics import numbers as nl
from infographics.data.measure import NATIONAL_ID, Figure, Figures
from infographics.levels import FOLDERS
from infographics.page import layout as L
from infographics.page.style import Style

SERIES_LEVEL = {"library": "library", "province": "province", "size_class": "size_class",
                "national": "national"}

@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Resolved:
    id: str
    kind: str
    box: Box
    texts: dict[str, str] = field(default_factory=dict)  # role -> text (title, label, ...)
    value: float | None = None  # the main fraction or number
    rows: tuple = ()  # chart rows (charts.Bar, groups, cells, ...)
    alt: str = ""  # alternative text for figures
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PageContent:
    title: str  # document title (window title)
    subject: str
    blocks: tuple[Resolved, ...]
    page_width: float
    page_height: float
    numbers: tuple[str, ...] = ()  # every formatted figure shown, for verification


@dataclass(frozen=True)
class PageTarget:
    """Who a page is about."""

    level: str  # national | province | library
    id: str
    school_year: str


class _Context:
    """Looks up figures for the page entity and fills placeholders in texts."""

    def __init__(self, figures: Figures, entity: PageTarget, layout: L.Layout):
        self.figures, self.entity, self.layout = figures, entity, layout
        self.shown: list[str] = []
        ents = {e.id: e.name for e in figures.entities(entity.level, entity.school_year)}
        self.values: dict[str, str] = {
            "entity_name": ents.get(entity.id, entity.id),
            "school_year": nl.school_year(entity.school_year),
        }
        if entity.level == "library":
            info = figures.library(entity.school_year, entity.id)
            self.values.update(
                province_name=info.province_name, poi_name=info.poi_name,
                size_class_label=info.size_class_label or "onbekende grootte",
                size_class_count=str(info.size_class_count), library_name=info.library_name,
            )
            self.info = info
        elif entity.level == "province":
            self.values["province_name"] = self.values["entity_name"]
        elif entity.level == "school":
            self._school_context(figures, entity)

    def _school_context(self, figures: Figures, entity: PageTarget) -> None:
        """A school page: the location's own points and stars; plain indicators are its
        library's."""
        row = figures.school(entity.school_year, entity.id)
        self.school = row
        self.info = figures.library(entity.school_year, row["library_id"])
        checklist_max = float(row["points_max"])
        total = row["points_total"]
        known = total is not None and total == total and total is not pd.NA
        self.values.update(
            entity_name=str(row["location_name"]), location_name=str(row["location_name"]),
            municipality=str(row["municipality"] or ""), library_name=self.info.library_name,
            province_name=self.info.province_name, poi_name=self.info.poi_name,
            size_class_label=self.info.size_class_label or "onbekende grootte",
            size_class_count=str(self.info.size_class_count),
            stars=str(int(row["stars"])) if known else nl.DASH,
            score_share=nl.percent(float(total) / checklist_max) if known else nl.DASH,
            **_conversation(row, figures.checklist),
        )

    def figure(self, indicator: str, level: str | None = None, entity_id: str | None = None):
        if level is None and self.entity.level == "school":
            level, entity_id = "library", self.info.library_id
        return self.figures.get(self.entity.school_year, level or self.entity.level,
                                entity_id or self.entity.id, indicator)

    def other(self, level: str) -> tuple[str, str]:
        """(level, entity id) of the page's country, province, size class or library."""
        if level == "national":
            return "national", NATIONAL_ID
        if self.entity.level == "school" and level == "library":
            return "library", self.info.library_id
        if self.entity.level in ("library", "school"):
            return level, self.info.province if level == "province" else self.info.size_class
        if self.entity.level == level:
            return level, self.entity.id
        raise ValueError(f"@{level} kan niet op een pagina van niveau {self.entity.level}")

    def fmt(self, fig: Figure, fmt: str | None = None) -> str:
        text = nl.format_value(fig.value, fmt or _default_format(fig))
        self.shown.append(text)
        return text

    def fill(self, template: str | None) -> str:
        if template is None:
            return ""

        def repl(m) -> str:
            name, other, n, fmt = m.groups()
            if name in self.values:
                return self.values[name]
            fig = self.figure(name, *self.other(other)) if other else self.figure(name)
            if n:
                text = nl.integer(fig.n)
                self.shown.append(text)
                return text
            return self.fmt(fig, fmt)

        return L.PLACEHOLDER.sub(repl, template)


def _conversation(row, checklist) -> dict[str, str]:
    """The school's strongest building block (highest share of its maximum) and the one with
    the most points still to gain (heavier blocks first when equal)."""
    known = [(float(row[b.column]), b) for b in checklist.blocks
             if not pd.isna(row[b.column])]
    if not known:
        return {"best_block": nl.DASH, "growth_block": nl.DASH}
    best = max(known, key=lambda pb: (pb[0] / pb[1].max, pb[1].max))
    growth = max(known, key=lambda pb: (pb[1].max - pb[0], pb[1].max))
    return {"best_block": best[1].label, "growth_block": growth[1].label}


def _default_format(fig: Figure) -> str:
    return "percent" if "_share" in fig.indicator else "integer"


def _empty(ctx: _Context, block, main: str | None) -> bool:
    which = block.empty_when or main
    if block.empty_text is None or which is None:
        return False
    fig = ctx.figure(which)
    return fig.value is None or fig.value == 0


def resolve(layout: L.Layout, figures: Figures, entity: PageTarget, style: Style) -> PageContent:
    """Everything a page shows, decided: strings, values, chart rows and alt texts."""
    ctx = _Context(figures, entity, layout)
    blocks = []
    for block_id, block in layout.ordered():
        x, y, w, h = layout.box(block)
        box = Box(x, y, w, h)
        main = getattr(block, "value", None) or getattr(block, "indicator", None)
        if _empty(ctx, block, main):
            blocks.append(Resolved(block_id, "text", box, {"text": ctx.fill(block.empty_text)},
                                   extra={"size": "body", "bold": False,
                                          "tile": block.kind == "kpi"}))
            continue
        resolved = _RESOLVERS[block.kind](ctx, block_id, block, box, style)
        if block.alt:
            resolved = Resolved(**{**resolved.__dict__, "alt": ctx.fill(block.alt)})
        blocks.append(resolved)
    title = f"{ctx.fill(layout.title)}"
    subject = f"Bibliotheekmonitor {entity.school_year}, {FOLDERS[entity.level]}"
    return PageContent(title, subject, tuple(blocks), layout.page.width, layout.page.height,
                       tuple(ctx.shown))


# --- per kind -------------------------------------------------------------------------------------


def _header(ctx, bid, b: L.Header, box, style):
    return Resolved(bid, "header", box, {"title": ctx.fill(b.title),
                                         "subtitle": ctx.fill(b.subtitle)})


def _section(ctx, bid, b: L.Section, box, style):
    return Resolved(bid, "section", box, {"text": ctx.fill(b.text)})


def _text(ctx, bid, b: L.Text, box, style):
    return Resolved(bid, "text", box, {"text": ctx.fill(b.text)},
                    extra={"size": b.size, "bold": b.bold})


def _source(ctx, bid, b: L.Source, box, style):
    return Resolved(bid, "source", box, {"text": ctx.fill(b.text)})


def _kpi(ctx, bid, b: L.Kpi, box, style):
    fig = ctx.figure(b.value)
    value = ctx.fmt(fig, b.format)
    texts = {"value": value, "label": ctx.fill(b.label), "detail": ctx.fill(b.detail)}
    return Resolved(bid, "kpi", box, texts, value=fig.value,
                    extra={"suppressed": fig.suppressed})


def _donut(ctx, bid, b: L.Donut, box, style):
    fig = ctx.figure(b.indicator)
    value = ctx.fmt(fig, "percent")
    label = ctx.fill(b.label)
    alt = f"Ringdiagram: {value} {label}."
    return Resolved(bid, "donut", box, {"value": value, "label": label},
                    value=nl.shown_value(fig.value, "percent"),
                    alt=alt, extra={"suppressed": fig.suppressed})


def _pictogram(ctx, bid, b: L.Pictogram, box, style):
    fig = ctx.figure(b.indicator)
    in_ten = nl.in_ten(fig.value) if b.icons == 10 else ctx.fmt(fig, "percent")
    label = ctx.fill(b.label)
    shown = nl.shown_value(fig.value, "in_ten" if b.icons == 10 else "percent")
    filled = 0 if shown is None else round(shown * b.icons)
    # the sentence itself follows as text; the alt only says what the picture shows
    alt = f"Pictogram: {filled} van de {b.icons} figuurtjes gekleurd ({nl.percent(fig.value)})."
    ctx.shown.append(in_ten)
    return Resolved(bid, "pictogram", box, {"value": in_ten, "label": label}, value=shown,
                    alt=alt, extra={"icons": b.icons})


def _bars(ctx, bid, b: L.Bars, box, style):
    from infographics.page.charts import Bar

    rows = []
    for item in b.items:
        fig = ctx.figure(item.indicator)
        rows.append(Bar(ctx.fill(item.label), nl.shown_value(fig.value, b.format),
                        ctx.fmt(fig, b.format),
                        style.colors.primary))
    title = ctx.fill(b.title) if b.title else ""
    alt = "Staafdiagram" + (f" {title}" if title else "") + ": " + "; ".join(
        f"{r.label} {r.text}" for r in rows) + "."
    return Resolved(bid, "bars", box, {"title": title}, rows=tuple(rows), alt=alt)


def _series(ctx: _Context, series: str) -> tuple[str, str, str] | None:
    """(label, level, entity id) of a comparison series for this page, or None if n/a."""
    e = ctx.entity
    if series == "national":
        return ("Nederland", "national", NATIONAL_ID)
    if e.level in ("library", "school"):
        info = ctx.info
        if series == "library":
            return (_short(info.library_name), "library", info.library_id)
        if series == "province":
            return (info.province_name, "province", info.province)
        if series == "size_class" and info.size_class:
            return (f"Vergelijkbare grootte ({info.size_class_count})", "size_class",
                    info.size_class)
    if e.level == "province" and series == "province":
        return (ctx.values["entity_name"], "province", e.id)
    return None


def _short(name: str, limit: int = 24) -> str:
    """A library name short enough for a chart label: drop 'Bibliotheek', then cut at a word."""
    short = name.removeprefix("Bibliotheek ").strip() if len(name) > limit else name
    if len(short) <= limit:
        return short
    cut = short[: limit - 1].rsplit(" ", 1)[0]
    return cut + "\u2026"


def _comparison(ctx, bid, b: L.Comparison, box, style):
    from infographics.page.charts import Bar

    series = [(key, s) for key in b.series if (s := _series(ctx, key)) is not None]
    colors = style.colors.series
    groups, alts = [], []
    for item in b.items:
        bars = []
        for key, (label, level, eid) in series:
            fig = ctx.figure(item.indicator, level, eid)
            bars.append(Bar(label, nl.shown_value(fig.value, "percent"), ctx.fmt(fig, "percent"),
                            getattr(colors, key)))
        label = ctx.fill(item.label)
        groups.append((label, tuple(bars)))
        alts.append(f"{label}: " + ", ".join(f"{bar.label} {bar.text}" for bar in bars))
    alt = "Staafdiagram, vergelijking: " + "; ".join(alts) + "."
    return Resolved(bid, "comparison", box, {"title": ctx.fill(b.title) if b.title else ""},
                    rows=tuple(groups), alt=alt)


def _map(ctx, bid, b: L.Map, box, style):
    cells = {}
    parts = []
    for ent in ctx.figures.entities("province", ctx.entity.school_year):
        fig = ctx.figure(b.indicator, "province", ent.id)
        text = ctx.fmt(fig, b.format)
        cells[ent.id] = (text, nl.shown_value(fig.value, b.format))
        parts.append(f"{ent.name} {text}")
    highlight = ctx.entity.id if ctx.entity.level == "province" else None
    title = ctx.fill(b.title)
    alt = f"Kaart van de provincies, {title}: " + "; ".join(parts) + "."
    return Resolved(bid, "map", box, {"title": title}, rows=tuple(cells.items()), alt=alt,
                    extra={"highlight": highlight})


def _offers(ctx, bid, b: L.Offers, box, style):
    rows, parts = [], []
    for item in b.items:
        fig = ctx.figure(item.indicator)
        label = ctx.fill(item.label)
        state = None if fig.value is None else fig.value > 0
        word = {True: "ja", False: "nee", None: "onbekend"}[state]
        rows.append((label, state, word))
        parts.append(f"{label}: {word}")
    title = ctx.fill(b.title)
    return Resolved(bid, "offers", box, {"title": title}, rows=tuple(rows),
                    alt=f"{title}: " + "; ".join(parts) + ".")


def _stars(ctx, bid, b: L.Stars, box, style):
    row = ctx.school
    checklist = ctx.figures.checklist
    stars = ctx.values["stars"]
    total = row["points_total"]
    points = nl.decimal(float(total), 0) if ctx.values["score_share"] != nl.DASH else nl.DASH
    maximum = nl.integer(checklist.total_max)
    words = f"{stars} van {checklist.max_stars} sterren"
    detail = f"{points} van de {maximum} punten ({ctx.values['score_share']} van het maximum)"
    ctx.shown.extend([words, detail])
    label = ctx.fill(b.label)
    alt = f"Sterren: {words}; {detail}."
    value = None if stars == nl.DASH else int(stars)
    return Resolved(bid, "stars", box, {"value": words, "detail": detail, "label": label},
                    value=value, alt=alt, extra={"max_stars": checklist.max_stars})


def _block_bars(ctx, bid, b: L.BlockBars, box, style):
    """Per building block: the school's share of the maximum, its library's average and the
    national average; plus the strongest block and the one with the most room to grow."""
    from infographics.page.charts import BlockRow

    row = ctx.school
    rows, parts = [], []
    for block in ctx.figures.checklist.blocks:
        short = block.column.removeprefix("points_")
        pts = row[block.column]
        own = None if pts is None or pts != pts or pts is pd.NA else float(pts) / block.max
        lib = nl.shown_value(ctx.figure(f"vo_schools_share_{short}", "library",
                                        ctx.info.library_id).value, "percent")
        nat = nl.shown_value(ctx.figure(f"vo_schools_share_{short}", "national",
                                        NATIONAL_ID).value, "percent")
        pts_text = (nl.DASH if own is None
                    else f"{nl.decimal(float(pts), 0)} van {nl.integer(block.max)}")
        label = f"{block.label} (max. {nl.integer(block.max)})"
        rows.append(BlockRow(label, own, pts_text, lib, nat))
        parts.append(f"{block.label} {pts_text} punten, bibliotheek gemiddeld {nl.percent(lib)}, "
                     f"Nederland {nl.percent(nat)}")
        ctx.shown.append(pts_text)
    title = ctx.fill(b.title)
    alt = f"Staafdiagram {title}: " + "; ".join(parts) + "."
    known = [(r.own, r.label.split(" (")[0]) for r in rows if r.own is not None]
    texts = {"title": title}
    if known:
        best = max(known)
        room = min(known)
        texts["best"] = best[1]
        texts["room"] = room[1]
    return Resolved(bid, "block_bars", box, texts, rows=tuple(rows), alt=alt)


def _distribution(ctx, bid, b: L.Distribution, box, style):
    """How many cooperating locations score 0..max stars, for the page's entity (on a school
    page: the whole country, with the school's own row marked)."""
    level, eid = (("national", NATIONAL_ID) if ctx.entity.level == "school"
                  else (ctx.entity.level, ctx.entity.id))
    own = int(ctx.values["stars"]) if ctx.entity.level == "school" \
        and ctx.values["stars"] != nl.DASH else None
    rows, parts = [], []
    for stars in sorted({band.stars for band in ctx.figures.checklist.bands}):
        count = ctx.figure(f"{b.indicator_prefix}{stars}", level, eid)
        share = ctx.figure(f"vo_share_schools_stars_{stars}", level, eid)
        count_text, share_text = ctx.fmt(count, "integer"), ctx.fmt(share, "percent")
        rows.append((stars, count_text, nl.shown_value(share.value, "percent"), share_text,
                     stars == own))
        word = "ster" if stars == 1 else "sterren"
        parts.append(f"{stars} {word}: {count_text} ({share_text})")
    maximum = ctx.figure("vo_schools_max_score", level, eid)
    total = ctx.figure("vo_schools", level, eid)
    top = nl.integer(ctx.figures.checklist.total_max)
    if maximum.value == 0:  # 4 stars start below the maximum: say the points, not the stars
        note = f"Geen enkele samenwerking haalt alle {top} punten."
    elif maximum.value == 1:
        note = f"1 samenwerking haalt alle {top} punten."
    elif maximum.value:
        note = f"{nl.integer(maximum.value)} samenwerkingen halen alle {top} punten."
    else:
        note = ""
    title = ctx.fill(b.title)
    alt = (f"Staafdiagram {title}, {nl.integer(total.value)} schoollocaties: "
           + "; ".join(parts) + ".")  # the note follows as its own text
    return Resolved(bid, "distribution", box, {"title": title, "note": note}, rows=tuple(rows),
                    alt=alt, extra={"max_stars": ctx.figures.checklist.max_stars})


_RESOLVERS = {
    "header": _header, "section": _section, "text": _text, "source": _source, "kpi": _kpi,
    "donut": _donut, "pictogram": _pictogram, "bars": _bars, "comparison": _comparison,
    "map": _map, "offers": _offers, "stars": _stars, "block_bars": _block_bars,
    "distribution": _distribution,
}
