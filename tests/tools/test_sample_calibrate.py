"""allocate and pick (tools/sample_calibrate.py): exact totals within bounds, proportional
where the bounds allow, and a weighted choice without replacement."""

from __future__ import annotations

import random

import pytest
from sample_calibrate import allocate, pick, share


def test_allocate_is_proportional_without_binding_bounds():
    assert allocate(60, [1, 2, 3], [0, 0, 0], [100, 100, 100]) == [10, 20, 30]


@pytest.mark.parametrize("seed", range(20))
def test_allocate_hits_the_total_within_the_bounds(seed):
    rng = random.Random(seed)
    n = rng.randrange(1, 30)
    lo = [rng.randrange(0, 5) for _ in range(n)]
    hi = [a + rng.randrange(0, 50) for a in lo]
    weights = [rng.lognormvariate(0, 1) for _ in range(n)]
    total = rng.randrange(sum(lo), sum(hi) + 1)
    values = allocate(total, weights, lo, hi)
    assert sum(values) == total
    assert all(a <= v <= b for v, a, b in zip(values, lo, hi, strict=True))


def test_allocate_fills_up_to_a_bound_and_gives_the_rest_to_the_others():
    assert allocate(100, [10, 1, 1], [0, 0, 0], [20, 100, 100]) == [20, 40, 40]


@pytest.mark.parametrize(("total", "lo", "hi"), [(5, [3, 3], [10, 10]), (30, [0, 0], [10, 10])])
def test_allocate_refuses_an_impossible_total(total, lo, hi):
    with pytest.raises(ValueError, match="cannot allocate"):
        allocate(total, [1, 1], lo, hi)


def test_allocate_refuses_crossed_bounds_and_zero_weights():
    with pytest.raises(ValueError, match="bounds cross"):
        allocate(5, [1, 1], [3, 0], [2, 10])
    with pytest.raises(ValueError, match="not positive"):
        allocate(5, [1, 0], [0, 0], [10, 10])


def test_pick_chooses_k_distinct_mostly_the_heavy_ones():
    heavy = 0
    for seed in range(200):
        chosen = pick(random.Random(seed), range(10), 3, [10.0] + [1.0] * 9)
        assert len(chosen) == 3
        assert chosen <= set(range(10))
        heavy += 0 in chosen
    assert heavy > 180  # weight 10 against nine of 1: nearly always among three


def test_share_stays_within_its_bounds():
    rng = random.Random(1)
    values = [share(rng, 0.5, 1.0, 0.2, 0.9) for _ in range(200)]
    assert min(values) == 0.2
    assert max(values) == 0.9
