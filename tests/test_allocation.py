"""The staff-allocation core (optimize/allocation.py) against exact references: greedy marginal
allocation on separable concave curves with one budget and equal costs, hand-made fits, the
plan checker, and monotonicity in the budget."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from anjian.optimize.allocation import (
    AllocationProblem,
    Curve,
    change_bounds,
    check_allocation,
    fit_concave,
    greedy_allocation,
    solve_allocation,
)
from anjian.optimize.errors import InstanceError


def _curves(rng: np.random.Generator, n: int, top: int = 20) -> tuple[Curve, ...]:
    """Random concave curves on 0..top: decreasing positive marginal gains (some flat)."""
    out = []
    for _ in range(n):
        gains = np.sort(rng.exponential(1.0, top))[::-1] * rng.uniform(0.2, 3.0)
        gains[rng.integers(top // 2, top) :] = 0.0
        out.append(Curve(np.arange(top + 1.0), np.concatenate([[0.0], np.cumsum(gains)])))
    return tuple(out)


def _problem(curves: tuple[Curve, ...], **kw: object) -> AllocationProblem:
    n = len(curves)
    base = dict(
        units=tuple(f"u{i}" for i in range(n)), curves=curves, cost=np.full(n, 100_000.0),
        lo=np.zeros(n), hi=np.full(n, 20.0), today=np.full(n, 5.0),
        group=tuple(f"g{i % 3}" for i in range(n)), certified=np.arange(n) % 2 == 0,
    )  # fmt: skip
    base.update(kw)
    return AllocationProblem(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(6))
def test_mip_equals_greedy_on_separable_concave_curves(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = _problem(_curves(rng, 12), budget=100_000.0 * int(rng.integers(10, 120)))
    exact = greedy_allocation(p)
    plan = solve_allocation(p)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(p.value(exact), rel=1e-9, abs=1e-9)
    assert check_allocation(p, plan.x) == []
    assert plan.objective <= plan.bound + 1e-6


def test_greedy_by_hand() -> None:
    """Two units, gains 5, 3, 1 and 4, 2, 0; three heads: 5 + 4 + 3 = 12 (u0 twice, u1 once)."""
    a = Curve(np.arange(4.0), np.array([0.0, 5.0, 8.0, 9.0]))
    b = Curve(np.arange(4.0), np.array([0.0, 4.0, 6.0, 6.0]))
    p = _problem((a, b), hi=np.full(2, 3.0), today=np.ones(2), headcount=3.0)
    assert greedy_allocation(p).tolist() == [2.0, 1.0]
    plan = solve_allocation(p)
    assert plan.x.tolist() == [2.0, 1.0] and plan.objective == pytest.approx(12.0)


def test_more_budget_never_worsens_the_optimum() -> None:
    rng = np.random.default_rng(11)
    curves = _curves(rng, 9)
    values = [solve_allocation(_problem(curves, budget=b * 100_000.0)).objective
              for b in (5, 10, 20, 40, 80, 200)]  # fmt: skip
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(values))
    assert values[-1] > values[0]


def test_minimum_staffing_and_certified_share_bind() -> None:
    rng = np.random.default_rng(5)
    curves = _curves(rng, 6)
    free = _problem(curves, budget=1_200_000.0)
    bound = _problem(curves, budget=1_200_000.0, min_per_group={"g0": 6, "g1": 4},
                     certified_share=0.6)  # fmt: skip
    a, b = solve_allocation(free), solve_allocation(bound)
    assert check_allocation(bound, b.x) == []
    assert b.objective <= a.objective + 1e-9  # constraints cost something (or nothing)
    g = np.array(bound.group)
    assert b.x[g == "g0"].sum() >= 6 and b.x[g == "g1"].sum() >= 4
    for grp in ("g0", "g1", "g2"):
        mine = g == grp
        assert b.x[mine & bound.certified].sum() >= 0.6 * b.x[mine].sum() - 1e-9


def test_the_checker_names_every_broken_constraint() -> None:
    rng = np.random.default_rng(2)
    p = _problem(_curves(rng, 3), budget=500_000.0, headcount=4.0, min_per_group={"g2": 3},
                 certified_share=0.5)  # fmt: skip
    bad = check_allocation(p, np.array([2.5, 21.0, 0.0]))
    text = " | ".join(bad)
    for fragment in ("(A4) headcounts must be whole", "(A4) u1: 21 above", "(A2) cost",
                     "(A3) 23.5 heads", "(A5) g2: 0 heads"):  # fmt: skip
        assert fragment in text, text
    assert "(A6) g1: certified 0 of 21" in text


def test_infeasible_constraints_are_named() -> None:
    rng = np.random.default_rng(3)
    p = _problem(_curves(rng, 3), budget=100_000.0, min_per_group={"g0": 5})
    with pytest.raises(InstanceError, match="no allocation satisfies"):
        solve_allocation(p)


def test_change_limit_by_hand() -> None:
    today = np.array([10.0, 3.0, 0.0])
    lo, hi = change_bounds(today, np.zeros(3), np.full(3, 50.0), 0.2)
    assert lo.tolist() == [8.0, 2.0, 0.0]  # 20% of 10 is 2; of 3 rounds out to 1
    assert hi.tolist() == [12.0, 4.0, 1.0]  # nobody today: at most one
    lo2, hi2 = change_bounds(today, np.zeros(3), np.full(3, 50.0), None)
    assert lo2.tolist() == [0.0] * 3 and hi2.tolist() == [50.0] * 3


def test_concave_fit_is_exact_on_concave_points_and_reports_convexity() -> None:
    x = np.array([0.0, 1, 2, 4, 8])
    y = 10 * np.sqrt(x)  # concave: the fit goes through every point
    fit = fit_concave(np.repeat(x, 3), np.repeat(y, 3))
    assert fit.max_abs_error == pytest.approx(0.0, abs=1e-7)
    assert fit.curve(x) == pytest.approx(y, abs=1e-7)
    # convex points y = x²: the best concave L1 fit of (0,0), (1,1), (2,4) is the line
    # through (0,0) and (2,4) (error 1 at x = 1) or another with total error 1
    convex = fit_concave([0.0, 1.0, 2.0], [0.0, 1.0, 4.0])
    assert float(np.abs(convex.residuals).sum()) == pytest.approx(1.0, abs=1e-7)
    assert convex.max_abs_error == pytest.approx(1.0, abs=1e-7)
    assert (np.diff(convex.curve.slopes) <= 1e-12).all()


def test_a_non_concave_curve_and_bad_bounds_are_refused() -> None:
    with pytest.raises(InstanceError, match="not concave"):
        Curve(np.array([0.0, 1, 2]), np.array([0.0, 1, 3]))
    with pytest.raises(InstanceError, match="must increase"):
        Curve(np.array([0.0, 2, 1]), np.array([0.0, 1, 2]))
    c = Curve(np.arange(5.0), np.array([0.0, 3, 5, 6, 6]))
    with pytest.raises(InstanceError, match="leave its curve's range"):
        _problem((c,), hi=np.array([9.0]), today=np.array([2.0]))
