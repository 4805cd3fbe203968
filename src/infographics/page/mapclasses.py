"""Map classes: the values a province map shows into at most `MOST` legend classes of one
round width, each with its Dutch label, and each value's class.

Shares (formats `percent`, `percent1`) get classes 5, 10, 20, 25 or 50 percentage points wide,
starting at a multiple of the width and labelled as the page writes the values: "70-79%" (or
"70,0-79,9%"), the top class never past "100%". Other numbers get 1-2-2,5-5 steps and labels
"1.000 tot 2.000". A value is classed as shown (the rounded value), so a label "80%" is never
in the class "70-79%". The narrowest width that needs at most `MOST` classes wins.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from infographics import numbers as nl
from infographics.page.style import MAP_SHADES

MOST = MAP_SHADES  # classes at most: the style's map palette has at least this many shades
_PERCENT_STEPS = (5, 10, 20, 25, 50, 100)
_PERCENT_UNIT = {"percent": 1.0, "percent1": 0.1}  # the smallest step the format shows, in %


@dataclass(frozen=True)
class MapClass:
    """Values from `low` (inclusive) to `high` (exclusive), as the legend labels them."""

    low: float
    high: float
    label: str


def make_classes(values: Sequence[float], fmt: str, most: int = MOST) -> tuple[MapClass, ...]:
    """The classes of `values` (as shown: fractions for shares); none for no values."""
    if not values:
        return ()
    if fmt in _PERCENT_UNIT:
        return _percent_classes([_percent(v) for v in values], fmt, most)
    return _number_classes(values, fmt, most)


def class_of(value: float | None, classes: Sequence[MapClass], fmt: str) -> int | None:
    """The index of the class `value` falls in (None for an unknown value)."""
    if value is None or not classes:
        return None
    v = _percent(value) if fmt in _PERCENT_UNIT else value
    for i, cls in enumerate(classes):
        if v < cls.high:
            return i
    return len(classes) - 1


def _percent(fraction: float) -> float:
    """A share in per cent, without the float noise of * 100 (0.7 * 100 = 70.00000000000001)."""
    return round(fraction * 100, 6)


def _bins(values: Sequence[float], steps: Sequence[float], most: int) -> tuple[float, float, int]:
    """(first class start, width, count) for the narrowest width in `steps` that needs at most
    `most` classes (the widest when none does)."""
    lo, hi = min(values), max(values)
    for step in steps:
        first, last = math.floor(lo / step), math.floor(hi / step)
        if last - first + 1 <= most or step == steps[-1]:
            break
    return first * step, step, last - first + 1


def _percent_classes(values: Sequence[float], fmt: str, most: int) -> tuple[MapClass, ...]:
    start, step, count = _bins(values, _PERCENT_STEPS, most)
    unit = _PERCENT_UNIT[fmt]
    digits = 0 if unit >= 1 else 1
    result = []
    for i in range(count):
        low = start + i * step
        top = min(low + step - unit, 100.0)
        label = (f"{nl.decimal(low, digits)}%" if low >= top else
                 f"{nl.decimal(low, digits)}-{nl.decimal(top, digits)}%")
        result.append(MapClass(low, low + step, label))
    return tuple(result)


def _number_classes(values: Sequence[float], fmt: str, most: int) -> tuple[MapClass, ...]:
    span = max(max(values) - min(values), 1e-9)
    power = 10.0 ** math.floor(math.log10(span / most))
    steps = [m * power * k for k in (1, 10, 100) for m in (1, 2, 2.5, 5)]
    start, step, count = _bins(values, steps, most)
    return tuple(MapClass(start + i * step, start + (i + 1) * step,
                          f"{nl.format_value(start + i * step, fmt)} tot "
                          f"{nl.format_value(start + (i + 1) * step, fmt)}")
                 for i in range(count))
