"""Marks at the rule's edges: hoger / lager only when the Wilson interval lies wholly beyond the
benchmark AND the shares as shown differ by at least the rule's percentage points; never a mark
where a side is unknown or suppressed, for a value that is not a share, or below the minimum
denominator."""

from __future__ import annotations

import pytest

from infographics.data.marks import mark, wilson
from infographics.data.measure import Figure
from infographics.data.series import MarksRule

RULE = MarksRule(confidence=0.95, min_difference=5, min_denominator=10)


def share(num: float, den: float, suppressed: bool = False) -> Figure:
    return Figure("x_share", None if suppressed else num / den, num, den, 1, suppressed)


def test_wilson_matches_a_hand_computed_interval():
    # 8 of 10 at 95%: z = 1.959964; centre (0.8 + z²/20) / (1 + z²/10), the known 0.490..0.943
    low, high = wilson(8, 10, 0.95)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)


@pytest.mark.parametrize(("num", "den", "benchmark", "expected"), [
    (600, 1000, 0.55, "hoger"),  # 60% vs 55%: 5 points exactly, interval 0.569..0.630 above
    (590, 1000, 0.55, "vergelijkbaar"),  # 59%: interval above, but only 4 points
    (500, 1000, 0.55, "lager"),  # 50%: 5 points below, interval 0.469..0.531 below
    (510, 1000, 0.55, "vergelijkbaar"),  # 51%: 4 points
    (9, 10, 0.80, "vergelijkbaar"),  # 90% vs 80%: 10 points, but 0.596..0.982 holds 0.80
    (10, 10, 0.60, "hoger"),  # 100%: 0.722..1 lies above 0.60
    (55, 100, 0.55, "vergelijkbaar"),
])
def test_marks_at_the_edges(num, den, benchmark, expected):
    assert mark(share(num, den), Figure("x_share", benchmark, None, None, 50), RULE) == expected


def test_the_minimum_denominator_is_inclusive():
    bench = Figure("x_share", 0.2, None, None, 50)
    assert mark(share(10, 10), bench, RULE) == "hoger"
    assert mark(share(9, 9), bench, RULE) is None


@pytest.mark.parametrize(("own", "bench"), [
    (share(600, 1000, suppressed=True), Figure("x_share", 0.5, 5, 10, 50)),
    (share(600, 1000), Figure("x_share", None, None, None, 2, suppressed=True)),
    (share(600, 1000), Figure("x_share", None, None, None, 0)),
    (Figure("x", 600, 600, None, 4), Figure("x", 500, 500, None, 4)),  # a count, not a share
])
def test_no_mark_where_a_side_is_suppressed_unknown_or_not_a_share(own, bench):
    assert mark(own, bench, RULE) is None
