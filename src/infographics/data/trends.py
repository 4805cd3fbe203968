"""Trends: `Figures` of one entity over the school years up to a page's year into a typed
`Trend` (its points, the runs a line may join and the breaks between them), and the change
against the year before in Dutch words.

Only years up to the page's year are read, so an edition never shows a later year; a library's
trend holds its own id's figures only (a successor starts its own line). A line never joins two
years with a break in the series between them (series.py) or an unknown year between them.
"""

from __future__ import annotations

from dataclasses import dataclass

from infographics import numbers as nl
from infographics.data.measure import Figure, Figures
from infographics.data.series import Break, SeriesConfig
from infographics.levels import is_calendar_year

SPAN = 5  # school years a trend shows at most


@dataclass(frozen=True)
class Point:
    """One school year of a trend: its value as shown (None: unknown or suppressed) and text."""

    school_year: str
    value: float | None
    text: str


@dataclass(frozen=True)
class Trend:
    """An indicator of one entity over `points` (oldest first, the page's year last); `runs`
    are the index ranges a line joins, `breaks` the breaks between the points' years."""

    indicator: str
    fmt: str  # how its values are written: "percent" or "integer"
    points: tuple[Point, ...]
    runs: tuple[tuple[int, ...], ...]
    breaks: tuple[Break, ...]

    @property
    def years(self) -> tuple[str, ...]:
        return tuple(p.school_year for p in self.points)


def year_text(year: str) -> str:
    """A year as a page writes it: a school year `2020-2021`, a calendar year `2022`."""
    return nl.edition_year(year)


def _same_kind(year: str, other: str) -> bool:
    """Both school years or both calendar years (a data set may hold both kinds)."""
    return is_calendar_year(year) == is_calendar_year(other)


def shown_years(years: list[str], school_year: str, span: int = SPAN) -> list[str]:
    """The school years an edition of `school_year` may show: it and up to `span` - 1 before
    it (none when the data lacks `school_year`)."""
    if school_year not in years:
        return []
    return [y for y in years if y <= school_year and _same_kind(y, school_year)][-span:]


def _fmt(indicator: str) -> str:
    return "percent" if "_share" in indicator else "integer"


def _known(fig: Figure | None) -> bool:
    return fig is not None and fig.value is not None and not fig.suppressed


def _lookup(figures: Figures, year: str, level: str, entity_id: str,
            indicator: str) -> Figure | None:
    try:
        return figures.get(year, level, entity_id, indicator)
    except KeyError:  # the entity did not exist that year (a library before or after)
        return None


def trend(figures: Figures, series: SeriesConfig, level: str, entity_id: str, indicator: str,
          school_year: str, span: int = SPAN, fmt: str | None = None) -> Trend:
    """The last up to `span` school years up to `school_year` from the first year in which rows
    count for this entity's figure (known or suppressed), each read from that year's rows only."""
    years = [y for y in figures.years() if y <= school_year and _same_kind(y, school_year)]
    found = {y: _lookup(figures, y, level, entity_id, indicator) for y in years}
    counted = [y for y in years if (fig := found[y]) is not None and fig.n > 0]
    first = counted[0] if counted else school_year  # a suppressed year is a gap in the line
    shown = [y for y in years if y >= first][-span:]
    fmt = fmt or _fmt(indicator)
    points = []
    for year in shown:
        fig = found[year]
        value = fig.value if fig is not None and _known(fig) else None
        points.append(Point(year, nl.shown_value(value, fmt), nl.format_value(value, fmt)))
    breaks = tuple(b for i in range(1, len(shown))
                   if (b := series.break_between(indicator, shown[i - 1], shown[i])) is not None)
    return Trend(indicator, fmt, tuple(points), _runs(points, indicator, series), breaks)


def _runs(points: list[Point], indicator: str,
          series: SeriesConfig) -> tuple[tuple[int, ...], ...]:
    """Index runs of consecutive known points with no break between them."""
    runs: list[list[int]] = []
    for i, point in enumerate(points):
        if point.value is None:
            continue
        joined = (runs and runs[-1][-1] == i - 1 and series.break_between(
            indicator, points[i - 1].school_year, point.school_year) is None)
        if joined:
            runs[-1].append(i)
        else:
            runs.append([i])
    return tuple(tuple(run) for run in runs)


def change(t: Trend) -> str:
    """How the page's year compares with the year before it, in words ("89 meer dan in
    2020-2021", "3 procentpunt lager dan in ..."); empty when there is no comparable year
    before (unknown, not in the data, or a break between)."""
    if len(t.points) < 2:
        return ""
    before, now = t.points[-2], t.points[-1]
    if before.value is None or now.value is None or not any(
            len(run) > 1 and run[-1] == len(t.points) - 1 for run in t.runs):
        return ""
    year = year_text(before.school_year)
    if t.fmt == "percent":
        points = round((now.value - before.value) * 100)
        if points == 0:
            return f"even hoog als in {year}"
        word = "hoger" if points > 0 else "lager"
        return f"{nl.integer(abs(points))} procentpunt {word} dan in {year}"
    diff = round(now.value) - round(before.value)
    if diff == 0:
        return f"evenveel als in {year}"
    return f"{nl.integer(abs(diff))} {'meer' if diff > 0 else 'minder'} dan in {year}"
