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
