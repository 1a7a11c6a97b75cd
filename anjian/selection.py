"""Ranking and selection: the best of several simulated plans, with a stated probability of
correct selection (issue 18).

The procedure is Kim & Nelson's (2001) fully sequential KN for the system with the *smallest*
mean (harm is minimised), valid under common random numbers because it works with the
variances of paired differences. With ``k`` systems, ``n0`` first-stage replications each,
confidence ``1 − α`` and an indifference zone ``δ``:

- η = ½ [(2α / (k − 1))^(−2 / (n0 − 1)) − 1],  h² = 2η (n0 − 1);
- S²_il: the sample variance of X_i − X_l over the first ``n0`` paired replications;
- after ``r`` replications, system ``i`` is eliminated if
  X̄_i(r) > X̄_l(r) + max(0, δ / (2r) · (h² S²_il / δ² − r)) for a surviving ``l``;
- one more replication of every survivor, until one is left or ``r`` = max_il ⌊h² S²_il / δ²⌋
  + 1 (then the smallest mean among the survivors).

If the best mean is at least δ below every other, the procedure selects it with probability
≥ 1 − α; plans within δ of the best are "as good" (the indifference zone). When no further
replications can be had (``more`` is None, or ``max_reps`` is reached) before the procedure
ends, the smallest mean among the survivors is returned with ``guaranteed = False``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Selection:
    """The selected system (index), the survivors, replications used per system, whether the
    1 − α guarantee holds, and the procedure's constants."""

    best: int
    survivors: tuple[int, ...]
    reps: int
    guaranteed: bool
    eta: float
    h2: float
    alpha: float
    delta: float
    means: tuple[float, ...]


def kn_constants(k: int, n0: int, alpha: float) -> tuple[float, float]:
    """η and h² of KN for ``k`` systems, ``n0`` first-stage replications, confidence 1 − α."""
    if k < 2:
        raise ValueError(f"ranking and selection needs at least 2 systems, got {k}")
    if n0 < 2:
        raise ValueError(f"n0 must be at least 2 first-stage replications, got {n0}")
    if not 0 < alpha < 1 - 1 / k:
        raise ValueError(f"alpha must lie in (0, 1 − 1/k) = (0, {1 - 1 / k:.3f}), got {alpha}")
    eta = 0.5 * ((2 * alpha / (k - 1)) ** (-2 / (n0 - 1)) - 1)
    return eta, 2 * eta * (n0 - 1)


def kn_select(
    first: np.ndarray,
    *,
    delta: float,
    alpha: float = 0.05,
    more: Callable[[list[int], int], np.ndarray] | None = None,
    max_reps: int = 1_000,
) -> Selection:
    """KN (see the module docstring) on ``first``, a k × n0 array of paired first-stage
    outputs (row: system; column: replication with common random numbers). ``more(survivors,
    r)`` returns replication ``r`` (0-based) of each survivor, in order, as an array; without
    it, or at ``max_reps``, the procedure stops early and says so."""
    x = np.asarray(first, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"first must be a systems × replications array, got shape {x.shape}")
    k, n0 = x.shape
    if not (math.isfinite(delta) and delta > 0):
        raise ValueError(f"delta (the indifference zone) must be positive, got {delta}")
    if not np.isfinite(x).all():
        raise ValueError("first holds a missing or infinite output")
    eta, h2 = kn_constants(k, n0, alpha)
    diff = x[:, None, :] - x[None, :, :]
    s2 = diff.var(axis=2, ddof=1)  # S²_il, k × k
    n_end = int(np.floor(h2 * s2 / delta**2).max())  # the last replication is n_end + 1
    sums = x.sum(axis=1)
    count = np.full(k, float(n0))  # replications of each system (the eliminated stop)
    alive = list(range(k))
    r = n0
    guaranteed = True
    while True:
        mean = sums / count
        w = np.maximum(0.0, delta / (2 * r) * (h2 * s2 / delta**2 - r))
        alive = [i for i in alive if all(mean[i] <= mean[j] + w[i, j] for j in alive if j != i)]
        if len(alive) == 1 or r > n_end:  # past n_end every W is 0: one left but ties
            break
        if more is None or r >= max_reps:
            guaranteed = False
            break
        extra = np.asarray(more(list(alive), r), dtype=float)
        if extra.shape != (len(alive),) or not np.isfinite(extra).all():
            raise ValueError(f"more() must return {len(alive)} finite outputs, got {extra}")
        sums[alive] += extra
        count[alive] += 1
        r += 1
    mean = sums / count
    best = min(alive, key=lambda i: mean[i])
    return Selection(
        best,
        tuple(alive),
        r,
        guaranteed,
        eta,
        h2,
        alpha,
        delta,
        tuple(float(mean[i]) for i in range(k)),
    )
