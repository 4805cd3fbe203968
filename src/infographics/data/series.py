"""Series configuration: `layouts/series.yaml` into typed `SeriesConfig` (the KB's breaks in
the series per indicator, and the rule that marks a comparison as higher, similar or lower).

A break is the first school year of a new method for an indicator, with the footnote a page
prints; a trend is never drawn across it. The marks rule is read here and applied in marks.py.
Every indicator and note named must exist; errors name file:line: key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from infographics import numbers as nl
from infographics import yamlsrc
from infographics.data.indicators import Indicators
from infographics.errors import ConfigError
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
    breaks: dict[str, dict[str, str]] = {}


@dataclass(frozen=True)
class Break:
    """From `school_year` on, the indicator is measured in a new way; `note` says how."""

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
        """The break that separates school year `earlier` from `later` (earlier < later), if
        any: a new method that starts after `earlier` and at or before `later`."""
        for brk in self.breaks_of(indicator):
            if earlier < brk.school_year <= later:
                return brk
        return None


def load_series(path: Path | None = None, indicators: Indicators | None = None) -> SeriesConfig:
    """Read the series file; with `indicators`, check that every indicator named exists."""
    source = yamlsrc.read(path or DEFAULT_PATH)
    spec: SeriesFile = yamlsrc.build(SeriesFile, source)
    breaks: dict[str, tuple[Break, ...]] = {}
    for indicator, years in spec.breaks.items():
        key: yamlsrc.KeyPath = ("breaks", indicator)
        if indicators is not None and indicator not in indicators:
            raise _fail(source, key, f"onbekende indicator {indicator!r}")
        found = []
        for year, note in years.items():
            try:
                year = nl.school_year(year)
            except ValueError as exc:
                raise _fail(source, (*key, year), str(exc)) from None
            if note not in spec.notes:
                raise _fail(source, (*key, year), f"onbekende noot {note!r}")
            found.append(Break(year, spec.notes[note]))
        breaks[indicator] = tuple(sorted(found, key=lambda b: b.school_year))
    m = spec.marks
    return SeriesConfig(breaks, MarksRule(m.confidence, m.min_difference, m.min_denominator))


def _fail(source: yamlsrc.Source, key: yamlsrc.KeyPath, message: str) -> ConfigError:
    return ConfigError(source.file, source.line(key), yamlsrc.dotted(key), message)
