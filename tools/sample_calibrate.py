"""Calibration helpers of the sample generator: weights and bounds into integers with an exact
total (`allocate`), and the small random draws the generator shares (noise, a bounded share, a
weighted choice without replacement)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence


def allocate(total: int, weights: Sequence[float], lo: Sequence[int], hi: Sequence[int]) -> list:
    """Integers x with lo <= x <= hi and sum(x) == total, as proportional to weights as the
    bounds allow (water-filling: x = clip(scale * weight), scale found by bisection, then the
    remainder rounded by largest fraction)."""
    if any(a > b for a, b in zip(lo, hi, strict=True)) or any(w <= 0 for w in weights):
        raise ValueError("bounds cross or a weight is not positive")
    if not sum(lo) <= total <= sum(hi):
        raise ValueError(f"cannot allocate {total} between {sum(lo)} and {sum(hi)}")

    def filled(scale: float) -> list[float]:
        return [min(max(w * scale, a), b) for w, a, b in zip(weights, lo, hi, strict=True)]

    low, high = 0.0, 1.0
    while sum(filled(high)) < total:
        high *= 2
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if sum(filled(mid)) < total else (low, mid)
    exact = filled(high)
    values = [max(a, min(b, math.floor(x))) for x, a, b in zip(exact, lo, hi, strict=True)]
    by_fraction = sorted(range(len(values)), key=lambda i: values[i] - exact[i])
    rest = total - sum(values)
    step = 1 if rest > 0 else -1
    order = by_fraction if step > 0 else by_fraction[::-1]
    while rest:
        for i in order:
            if rest and lo[i] <= values[i] + step <= hi[i]:
                values[i] += step
                rest -= step
    return values


def noisy(rng: random.Random, value: float, sigma: float) -> float:
    return value * rng.lognormvariate(0, sigma)


def share(rng: random.Random, mean: float, sd: float, lo: float, hi: float) -> float:
    """A per-library share around the national one, kept within [lo, hi]."""
    return min(hi, max(lo, rng.gauss(mean, sd)))


def pick(rng: random.Random, indices: Sequence[int], k: int, weights: Sequence[float]) -> set:
    """k of the indices, without replacement, more likely the heavier (Efraimidis-Spirakis)."""
    keyed = sorted(indices, key=lambda i: rng.random() ** (1 / weights[i]), reverse=True)
    return set(keyed[:k])
