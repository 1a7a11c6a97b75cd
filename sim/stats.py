"""Output analysis across replications: means with t-based confidence intervals, paired
differences for common-random-number comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

KEYS = ["level", "key", "kpi"]


def t_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and the half-width of its t-based confidence interval (NaN half-width for n < 2)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return float("nan"), float("nan"), 0.0
    mean = float(x.mean())
    if n < 2:
        return mean, float("nan"), float(n)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * x.std(ddof=1) / np.sqrt(n))
    return mean, half, float(n)


def summarize(tidy: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean, CI half-width and bounds of every KPI over replications.

    ``tidy`` has columns ``rep, level, key, kpi, value`` (one row per replication and KPI).
    """
    rows = []
    for (level, key, kpi), group in tidy.groupby(KEYS, sort=False):
        mean, half, n = t_interval(group["value"].to_numpy(), confidence)
        rows.append({"level": level, "key": key, "kpi": kpi, "mean": mean, "half_width": half,
                     "low": mean - half, "high": mean + half, "reps": int(n)})  # fmt: skip
    return pd.DataFrame(rows)


def paired_difference(a: pd.DataFrame, b: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """KPI differences ``b − a`` paired by replication (valid under common random numbers)."""
    merged = a.merge(b, on=["rep", *KEYS], suffixes=("_a", "_b"))
    merged["value"] = merged["value_b"] - merged["value_a"]
    return summarize(merged[["rep", *KEYS, "value"]], confidence)


def mser5(series: np.ndarray | list[float]) -> int:
    """Warm-up length by MSER-5 (White 1997; Hoad, Robinson & Davies 2010).

    The series is cut into batches of 5; the truncation ``d`` (in batches, at most half of
    them) minimising ``Σ_{i>d} (Y_i − Ȳ_d)² / (k − d)²`` is chosen. Returns the number of
    observations to delete (a multiple of 5; 0 for fewer than 10 observations).
    """
    x = np.asarray(series, dtype=float)
    k = len(x) // 5
    if k < 2:
        return 0
    y = x[: 5 * k].reshape(k, 5).mean(axis=1)
    best_d, best = 0, np.inf
    for d in range(k // 2 + 1):
        tail = y[d:]
        val = float(((tail - tail.mean()) ** 2).sum() / (k - d) ** 2)
        if val < best - 1e-15:
            best_d, best = d, val
    return 5 * best_d


def replications_needed(
    values: np.ndarray | list[float], half_width: float, confidence: float = 0.95
) -> int:
    """Replications needed for a CI half-width of ``half_width`` around the mean, from a pilot
    sample ``values`` (its standard deviation): the smallest n with t_{n−1}·s/√n ≤ half_width.

    Raises
    ------
    ValueError
        For fewer than 2 pilot values or a non-positive target.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) < 2:
        raise ValueError(f"need at least 2 pilot replications, got {len(x)}")
    if not half_width > 0:
        raise ValueError(f"half_width must be > 0, got {half_width}")
    s = float(x.std(ddof=1))
    if s == 0:
        return 2
    n = 2
    while stats.t.ppf(0.5 + confidence / 2, n - 1) * s / np.sqrt(n) > half_width:
        n += 1
        if n > 10_000_000:
            break
    return n
