"""Spread a city-wide count over districts so that the parts are whole numbers adding up exactly.

Used to turn the report's city totals (17,800 hazardous-chemical enterprises, …) into
per-district tables by a documented weight (population, GDP, area, …).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def largest_remainder(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Hamilton's method: floor of the proportional share, then +1 to the largest remainders.

    Parameters
    ----------
    total
        The whole number to spread (>= 0).
    weights
        Non-negative weight per key; keys with weight 0 get 0.

    Raises
    ------
    ValueError
        If ``total`` is negative, a weight is negative or not finite, or all weights are zero
        while ``total`` > 0.
    """
    if total < 0:
        raise ValueError(f"total must be >= 0, got {total}")
    keys = list(weights)
    w = np.array([weights[k] for k in keys], dtype=float)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(f"weights must be finite and >= 0, got {dict(zip(keys, w, strict=True))}")
    if total == 0:
        return dict.fromkeys(keys, 0)
    if w.sum() == 0:
        raise ValueError(f"cannot spread {total} over weights that are all zero")
    quota = total * w / w.sum()
    base = np.floor(quota).astype(int)
    short = total - int(base.sum())
    # ties broken by key order, so the result is deterministic
    order = sorted(range(len(keys)), key=lambda i: (-(quota[i] - base[i]), i))
    for i in order[:short]:
        base[i] += 1
    return {k: int(v) for k, v in zip(keys, base, strict=True)}
