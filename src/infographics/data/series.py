"""Series configuration: `layouts/series.yaml` into typed `SeriesConfig` (the KB's breaks in
the series per indicator, and the rule that marks a comparison as higher, similar or lower).

A break is the first year of a new method for an indicator, with the footnote a page prints;
a trend is never drawn across it. The year is of the kind the indicator is measured in: a
calendar year (`2021`, written as a number or a string) for an indicator on the network rows
(partners), a school year (`2020-2021`) for the others; the wrong kind is refused. The marks
rule is read here and applied in marks.py. Every indicator and note named must exist; errors
name file:line: key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from infographics import numbers as nl
from infographics import yamlsrc
from infographics.data.indicators import Indicators, load_indicators
from infographics.data.schema import CALENDAR_YEARS
from infographics.errors import ConfigError
from infographics.levels import is_calendar_year
from infographics.resources import LAYOUTS

DEFAULT_PATH = LAYOUTS / "series.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MarksSpec(_Strict):
    confidence: float = Field(default=0.95, gt=0, lt=1)
    min_difference: float = Field(default=5, ge=0)  # percentage points
    min_denominator: int = Field(default=10, ge=1)


class SeriesFile(_Strict):
    marks: MarksSpec = MarksSpec()
    notes: dict[str, str] = {}
    # per indicator: {first year of the new method: note}; a calendar year may be a number
    breaks: dict[str, dict[int | str, str]] = {}


@dataclass(frozen=True)
class Break:
    """From `school_year` on, the indicator is measured in a new way; `note` says how.
    `school_year` is the edition's year: a calendar year (`2021`) for a partners indicator."""

    school_year: str
    note: str


@dataclass(frozen=True)
class MarksRule:
    """Higher / similar / lower: outside the Wilson interval at `confidence` and at least
    `min_difference` percentage points apart; not compared below `min_denominator`."""

    confidence: float
    min_difference: float
    min_denominator: int


@dataclass(frozen=True)
class SeriesConfig:
    breaks: dict[str, tuple[Break, ...]]
    marks: MarksRule

    def breaks_of(self, indicator: str) -> tuple[Break, ...]:
        return self.breaks.get(indicator, ())

    def break_between(self, indicator: str, earlier: str, later: str) -> Break | None:
        """The break that separates year `earlier` from `later` (earlier < later), if any: a
        new method that starts after `earlier` and at or before `later`. Years of another kind
        than the break's (a school year against a calendar year) are never separated by it:
        their text does not order them."""
        for brk in self.breaks_of(indicator):
            kind = is_calendar_year(brk.school_year)
            if (is_calendar_year(earlier) == kind == is_calendar_year(later)
                    and earlier < brk.school_year <= later):
                return brk
        return None


def load_series(path: Path | None = None, indicators: Indicators | None = None) -> SeriesConfig:
    """Read the series file; check that every indicator named exists in `indicators` (default:
    the packaged ones) and that its break years are of the kind it is measured in."""
    source = yamlsrc.read(path or DEFAULT_PATH)
    spec: SeriesFile = yamlsrc.build(SeriesFile, source)
    indicators = indicators if indicators is not None else load_indicators()
    breaks: dict[str, tuple[Break, ...]] = {}
    for indicator, years in spec.breaks.items():
        key: yamlsrc.KeyPath = ("breaks", indicator)
        if indicator not in indicators:
            raise _fail(source, key, f"onbekende indicator {indicator!r}")
        calendar = indicators[indicator].population.table == "network"
        found = []
        for written, note in years.items():
            where: yamlsrc.KeyPath = (*key, written)
            try:
                year = _calendar_year(written) if calendar else nl.school_year(str(written))
            except ValueError as exc:
                kind = ("per kalenderjaar (bv. 2021)" if calendar
                        else "per schooljaar (bv. 2020-2021)")
                raise _fail(source, where, f"{exc}; {indicator} wordt {kind} gemeten") from None
            if note not in spec.notes:
                raise _fail(source, where, f"onbekende noot {note!r}")
            found.append(Break(year, spec.notes[note]))
        breaks[indicator] = tuple(sorted(found, key=lambda b: b.school_year))
    m = spec.marks
    return SeriesConfig(breaks, MarksRule(m.confidence, m.min_difference, m.min_denominator))


def _calendar_year(year: int | str) -> str:
    """A calendar year written as a number or a string (`2021`), within `CALENDAR_YEARS`."""
    text = str(year).strip()
    first, last = CALENDAR_YEARS
    if not (is_calendar_year(text) and first <= int(text) <= last):
        raise ValueError(f"ongeldig kalenderjaar {str(year)!r}; verwacht een jaar van vier "
                         f"cijfers tussen {first} en {last}")
    return text


def _fail(source: yamlsrc.Source, key: yamlsrc.KeyPath, message: str) -> ConfigError:
    """A problem at `key`; a year key is named as written (`breaks.x.2021`, not `x[2021]`)."""
    return ConfigError(source.file, source.line(key),
                       yamlsrc.dotted(tuple(str(part) for part in key)), message)
