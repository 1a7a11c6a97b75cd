"""Allocating staff over units (district × department × kind) whose benefit curves are concave:
the optimisation core of the inspector-allocation model (issue 16).

Each unit ``u`` has a concave piecewise-linear benefit curve ``f_u`` (e.g. expected deaths averted
a year against its headcount ``x_u``, sampled from the inspection model and fitted by
:func:`fit_concave`), a cost per head ``c_u`` and bounds. The mixed-integer program::

    max  Σ_u y_u                                                         (A0)
    s.t. y_u ≤ a_uk + b_uk · x_u            every segment k of f_u        (A1)
         Σ_u c_u · x_u ≤ B                  the yearly budget              (A2)
         Σ_u x_u ≤ H                        the headcount                  (A3)
         lo_u ≤ x_u ≤ hi_u, x_u integer     bounds, incl. the change limit (A4)
         Σ_{u ∈ g} x_u ≥ m_g                minimum staffing per group     (A5)
         Σ_{u ∈ g, certified} x_u ≥ s · Σ_{u ∈ g} x_u    certified share   (A6)

(A1) is exact because ``f_u`` is concave: the hypograph of a concave piecewise-linear function is
the intersection of the half-planes below its segments' lines, so at the optimum
``y_u = f_u(x_u)``. Solved with MathOpt (HiGHS) through :class:`anjian.optimize.mip.Mip`.
:func:`greedy_allocation` is the exact reference for one budget and equal costs (separable
concave maximisation under one cardinality constraint: adding the best marginal head at every
step is optimal), :func:`check_allocation` checks every plan against (A2)–(A6).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import InstanceError
from .mip import Mip, Status

#: Slack allowed when checking concavity and constraints.
TOL = 1e-9


@dataclass(frozen=True)
class Curve:
    """A concave piecewise-linear function through breakpoints ``(x[i], v[i])``, ``x``
    increasing; defined on ``[x[0], x[-1]]``."""

    x: np.ndarray
    v: np.ndarray

    def __post_init__(self) -> None:
        x, v = np.asarray(self.x, dtype=float), np.asarray(self.v, dtype=float)
        if x.ndim != 1 or x.shape != v.shape or len(x) < 1:
            raise InstanceError("a curve needs matching 1-D breakpoints x and values v")
        if not (np.isfinite(x).all() and np.isfinite(v).all()):
            raise InstanceError("a curve's breakpoints must be finite numbers")
        if (np.diff(x) <= 0).any():
            raise InstanceError(f"a curve's x must increase, got {x.tolist()}")
        slopes = np.diff(v) / np.diff(x)
        if (np.diff(slopes) > TOL * max(1.0, float(np.abs(slopes).max(initial=0.0)))).any():
            raise InstanceError(
                f"the curve is not concave: its slopes {np.round(slopes, 6).tolist()} must not "
                "increase (fit it with fit_concave)"
            )
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "v", v)

    def __call__(self, at: float | np.ndarray) -> np.ndarray:
        """The curve's value at ``at`` (within its breakpoints)."""
        return np.interp(at, self.x, self.v)

    @property
    def slopes(self) -> np.ndarray:
        return np.diff(self.v) / np.diff(self.x)

    def lines(self) -> tuple[np.ndarray, np.ndarray]:
        """Intercepts ``a`` and slopes ``b`` of its segments (a flat line for one point)."""
        if len(self.x) == 1:
            return np.array([float(self.v[0])]), np.array([0.0])
        b = self.slopes
        a = self.v[:-1] - b * self.x[:-1]
        return a, b


@dataclass(frozen=True)
class ConcaveFit:
    """A concave least-absolute-deviation fit of sampled points and how far it is from them."""

    curve: Curve
    max_abs_error: float
    mean_abs_error: float
    residuals: np.ndarray


def fit_concave(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> ConcaveFit:
    """The concave piecewise-linear function with breakpoints at the distinct ``x`` closest to
    the samples in the sum of absolute deviations (an LP: values ``v_i`` at the breakpoints,
    slopes non-increasing). Repeated ``x`` (replications) are fitted together. The errors say how
    far the samples are from concave; the caller decides whether the fit is good enough."""
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    if xs.shape != ys.shape or xs.ndim != 1 or len(xs) == 0:
        raise InstanceError("fit_concave needs matching, non-empty x and y")
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        raise InstanceError("fit_concave needs finite samples")
    grid, where = np.unique(xs, return_inverse=True)
    n, m = len(grid), len(xs)
    mip = Mip()
    v = mip.add_vars(n, lb=-np.inf, ub=np.inf)
    e = mip.add_vars(m, lb=0.0, ub=np.inf, obj=1.0)  # |v_where − y| ≤ e
    rows = np.repeat(np.arange(m), 2)
    cols = np.column_stack([v[where], e]).ravel()
    mip.add_rows(rows, cols, np.tile([1.0, -1.0], m), ub=ys, n_rows=m)  # v − e ≤ y
    mip.add_rows(rows, cols, np.tile([1.0, 1.0], m), lb=ys, n_rows=m)  # v + e ≥ y
    if n >= 3:  # slope(i−1, i) ≥ slope(i, i+1)
        h = np.diff(grid)
        k = np.arange(n - 2)
        r = np.repeat(k, 3)
        c = np.column_stack([v[k], v[k + 1], v[k + 2]]).ravel()
        coef = np.column_stack([-1.0 / h[k], 1.0 / h[k] + 1.0 / h[k + 1], -1.0 / h[k + 1]]).ravel()
        mip.add_rows(r, c, coef, lb=0.0, n_rows=n - 2)
    res = mip.solve(time_limit_s=30.0)
    if not res.has_solution:
        raise InstanceError(f"the concave fit did not solve ({res.status}: {res.detail})")
    values = res.x[v]
    # the LP's slopes are concave up to its tolerance: make them exactly so
    slopes = np.minimum.accumulate(np.diff(values) / np.diff(grid)) if n > 1 else np.zeros(0)
    values = np.concatenate([[values[0]], values[0] + np.cumsum(slopes * np.diff(grid))])
    curve = Curve(grid, values)
    resid = ys - curve(xs)
    return ConcaveFit(curve, float(np.abs(resid).max()), float(np.abs(resid).mean()), resid)


@dataclass(frozen=True)
class AllocationProblem:
    """What (A0)–(A6) need, one entry per unit in every sequence.

    ``lo``/``hi`` already include any limit on change from ``today`` (see :func:`change_bounds`);
    ``group`` names each unit's district (for A5, A6); ``certified`` marks the kinds that count
    towards the certified share. ``budget`` / ``headcount`` ``None``: no such limit."""

    units: tuple[str, ...]
    curves: tuple[Curve, ...]
    cost: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    today: np.ndarray
    group: tuple[str, ...]
    certified: np.ndarray
    budget: float | None = None
    headcount: float | None = None
    min_per_group: Mapping[str, float] = field(default_factory=dict)
    certified_share: float = 0.0

    def __post_init__(self) -> None:
        n = len(self.units)
        for name in ("cost", "lo", "hi", "today", "certified"):
            arr = np.asarray(getattr(self, name))
            if arr.shape != (n,):
                raise InstanceError(f"{name} needs one value per unit ({n}), got {arr.shape}")
            object.__setattr__(self, name, arr.astype(bool if name == "certified" else float))
        if len(self.curves) != n or len(self.group) != n:
            raise InstanceError("curves and group need one entry per unit")
        if (self.lo > self.hi).any():
            bad = [self.units[i] for i in np.flatnonzero(self.lo > self.hi)]
            raise InstanceError(f"lower bound above upper bound for units {bad}")
        for i, c in enumerate(self.curves):
            if self.lo[i] < c.x[0] - TOL or self.hi[i] > c.x[-1] + TOL:
                raise InstanceError(
                    f"unit {self.units[i]}: bounds [{self.lo[i]:g}, {self.hi[i]:g}] leave its "
                    f"curve's range [{c.x[0]:g}, {c.x[-1]:g}]: sample the curve wider"
                )
        if not 0.0 <= self.certified_share <= 1.0:
            raise InstanceError(f"certified_share must be in [0, 1], got {self.certified_share}")

    def value(self, x: np.ndarray) -> float:
        """The objective (A0) of allocation ``x``."""
        return float(sum(float(c(xi)) for c, xi in zip(self.curves, x, strict=True)))


def change_bounds(
    today: np.ndarray, lo: np.ndarray, hi: np.ndarray, max_change_share: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """``lo``/``hi`` narrowed so that no unit moves more than ``max_change_share`` of today's
    headcount (rounded outwards to whole heads; a unit with nobody today may gain up to one)."""
    if max_change_share is None:
        return lo.astype(float), hi.astype(float)
    if max_change_share < 0:
        raise InstanceError(f"max_change_share must be ≥ 0, got {max_change_share}")
    step = np.maximum(np.ceil(today * max_change_share - TOL), np.where(today > 0, 0.0, 1.0))
    return np.maximum(lo, today - step), np.minimum(hi, today + step)


@dataclass(frozen=True)
class Allocation:
    """A solved allocation: heads per unit, objective, best bound, status, wall time."""

    x: np.ndarray
    objective: float
    bound: float
    status: Status
    seconds: float


def solve_allocation(p: AllocationProblem, *, time_limit_s: float = 30.0) -> Allocation:
    """Solve (A0)–(A6) (see the module docstring).

    Raises
    ------
    InstanceError
        When the constraints admit no allocation (the message names them).
    """
    n = len(p.units)
    mip = Mip(maximize=True)
    x = mip.add_vars(n, lb=p.lo, ub=p.hi, integer=True)
    y = mip.add_vars(n, lb=-np.inf, ub=np.inf, obj=1.0)
    for u, c in enumerate(p.curves):  # (A1)
        a, b = c.lines()
        k = len(a)
        rows = np.repeat(np.arange(k), 2)
        cols = np.tile([y[u], x[u]], k)
        coefs = np.column_stack([np.ones(k), -b]).ravel()
        mip.add_rows(rows, cols, coefs, ub=a, n_rows=k)  # y − b x ≤ a
    if p.budget is not None:  # (A2)
        mip.add_row(x, p.cost, ub=p.budget)
    if p.headcount is not None:  # (A3)
        mip.add_row(x, 1.0, ub=p.headcount)
    groups = sorted(set(p.group))
    g_of = np.array([groups.index(g) for g in p.group])
    for gi, g in enumerate(groups):
        mine = x[g_of == gi]
        if g in p.min_per_group:  # (A5)
            mip.add_row(mine, 1.0, lb=float(p.min_per_group[g]))
        if p.certified_share > 0:  # (A6): Σ_cert x − s Σ x ≥ 0
            coef = np.where(p.certified[g_of == gi], 1.0 - p.certified_share, -p.certified_share)
            mip.add_row(mine, coef, lb=0.0)
    res = mip.solve(time_limit_s=time_limit_s)
    if res.status == "infeasible":
        raise InstanceError(
            "no allocation satisfies the budget, headcount, bounds, change limit, minimum "
            "staffing and certified share together; relax one of them"
        )
    if not res.has_solution:
        raise InstanceError(f"the allocation did not solve ({res.status}: {res.detail})")
    xs = np.round(res.x[x])
    return Allocation(xs, p.value(xs), res.bound, res.status, res.seconds)


def greedy_allocation(p: AllocationProblem) -> np.ndarray:
    """Start at ``lo`` and add one head at a time where the marginal benefit per yuan is
    largest, while the budget, headcount and ``hi`` allow and the benefit is positive. Exact
    for (A0)–(A4) with equal costs (the test reference); a heuristic otherwise."""
    x = p.lo.copy()
    spent = float(p.cost @ x)
    heads = float(x.sum())
    while True:
        best, best_gain = -1, 0.0
        for u, c in enumerate(p.curves):
            if x[u] + 1 > p.hi[u] + TOL:
                continue
            if p.budget is not None and spent + p.cost[u] > p.budget + TOL:
                continue
            if p.headcount is not None and heads + 1 > p.headcount + TOL:
                continue
            gain = float(c(x[u] + 1) - c(x[u])) / max(p.cost[u], TOL)
            if gain > best_gain + TOL:
                best, best_gain = u, gain
        if best < 0:
            return x
        x[best] += 1
        spent += p.cost[best]
        heads += 1


def check_allocation(p: AllocationProblem, x: np.ndarray) -> list[str]:
    """Every constraint (A2)–(A6) that ``x`` breaks, in words (empty when it is a valid plan)."""
    out: list[str] = []
    x = np.asarray(x, dtype=float)
    if (np.abs(x - np.round(x)) > 1e-6).any():
        out.append("(A4) headcounts must be whole numbers")
    for i in np.flatnonzero(x < p.lo - 1e-6):
        out.append(f"(A4) {p.units[i]}: {x[i]:g} below its lower bound {p.lo[i]:g}")
    for i in np.flatnonzero(x > p.hi + 1e-6):
        out.append(f"(A4) {p.units[i]}: {x[i]:g} above its upper bound {p.hi[i]:g}")
    if p.budget is not None and float(p.cost @ x) > p.budget * (1 + 1e-9) + 1e-6:
        out.append(f"(A2) cost {float(p.cost @ x):,.0f} exceeds the budget {p.budget:,.0f}")
    if p.headcount is not None and x.sum() > p.headcount + 1e-6:
        out.append(f"(A3) {x.sum():g} heads exceed the headcount {p.headcount:g}")
    group = np.array(p.group)
    for g in sorted(set(p.group)):
        mine = group == g
        total = float(x[mine].sum())
        if g in p.min_per_group and total < p.min_per_group[g] - 1e-6:
            out.append(f"(A5) {g}: {total:g} heads, below the minimum {p.min_per_group[g]:g}")
        cert = float(x[mine & p.certified].sum())
        if p.certified_share > 0 and cert < p.certified_share * total - 1e-6:
            out.append(
                f"(A6) {g}: certified {cert:g} of {total:g}, below the share "
                f"{p.certified_share:.0%}"
            )
    return out


__all__ = [
    "Allocation",
    "AllocationProblem",
    "ConcaveFit",
    "Curve",
    "change_bounds",
    "check_allocation",
    "fit_concave",
    "greedy_allocation",
    "solve_allocation",
]
