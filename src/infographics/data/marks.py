"""Marks: an entity's share and its benchmark's (province, size class, country) into a mark
"hoger", "vergelijkbaar" or "lager", by the rule of series.yaml, or None where no comparison
may be made.

As in the OHID Fingertips area profiles: the share's Wilson score interval (at the rule's
confidence, over its denominator) is compared with the benchmark's value, and small numbers are
not compared. Besides, the two shares as shown on the page must differ by at least the rule's
percentage points, so a tiny difference of a large group is not called higher or lower.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Literal

from infographics import numbers as nl
from infographics.data.measure import Figure
from infographics.data.series import MarksRule

Mark = Literal["hoger", "vergelijkbaar", "lager"]
MARKS: tuple[Mark, ...] = ("hoger", "vergelijkbaar", "lager")


def wilson(successes: float, total: float, confidence: float) -> tuple[float, float]:
    """The Wilson score interval of successes / total (total > 0)."""
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return centre - half, centre + half


def mark(own: Figure, benchmark: Figure, rule: MarksRule) -> Mark | None:
    """The mark of `own` against `benchmark`, or None: a side unknown or suppressed, not a
    share, or a share over fewer than the rule's minimum denominator."""
    if (own.value is None or benchmark.value is None or own.suppressed
            or benchmark.suppressed or own.numerator is None or own.denominator is None
            or own.denominator < rule.min_denominator):
        return None
    low, high = wilson(own.numerator, own.denominator, rule.confidence)
    shown_own = nl.shown_value(own.value, "percent") or 0.0
    shown_bench = nl.shown_value(benchmark.value, "percent") or 0.0
    points = round((shown_own - shown_bench) * 100, 6)
    if low > benchmark.value and points >= rule.min_difference:
        return "hoger"
    if high < benchmark.value and -points >= rule.min_difference:
        return "lager"
    return "vergelijkbaar"
