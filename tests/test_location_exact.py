"""Location models against brute-force enumeration on small random instances, with and
without the practical rules, plus hand-checked cases."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from anjian.optimize.check import check_plan, nearest_open
from anjian.optimize.covering import lscp, mclp, mexclp
from anjian.optimize.errors import InfeasiblePlan
from anjian.optimize.instance import Rules, make_instance
from anjian.optimize.median import p_center, p_median


def _instance(seed: int, n: int = 9, m: int = 7):
    rng = np.random.default_rng(seed)
    dem = rng.uniform(0, 10, (n, 2))
    sites = rng.uniform(0, 10, (m, 2))
    cost = np.linalg.norm(dem[:, None, :] - sites[None, :, :], axis=2).round(3)
    w = rng.integers(1, 20, n).astype(float)
    radius = float(np.quantile(cost, 0.3))
    groups = ["a" if i % 2 else "b" for i in range(n)]
    return make_instance(
        cost,
        w,
        radius=radius,
        group=groups,
        site_cost=rng.integers(1, 5, m) * 100.0,
        site_ids=[f"s{j}" for j in range(m)],
        demand_ids=[f"d{i}" for i in range(n)],
    )


def _feasible(inst, sel: tuple[int, ...], rules: Rules) -> bool:
    ids = {inst.site_ids[j] for j in sel}
    if not set(rules.fixed_open) <= ids or ids & set(rules.closed):
        return False
    if rules.max_relocations is not None and len(ids - set(rules.current)) > rules.max_relocations:
        return False
    if rules.budget_yuan is not None and inst.site_cost[list(sel)].sum() > rules.budget_yuan:
        return False
    if rules.within is not None and nearest_open(inst.cost, np.array(sel))[0].max() > rules.within:
        return False
    cov = inst.coverage()[:, list(sel)].any(axis=1)
    for g, share in rules.min_coverage.items():
        m = inst.group == g
        if inst.weight[m & cov].sum() < share * inst.weight[m].sum() - 1e-9:
            return False
    return True


def _brute(inst, p: int, rules: Rules, f) -> list[float] | None:
    vals = [
        f(np.array(sel))
        for k in range(1, p + 1)
        for sel in itertools.combinations(range(inst.n_sites), k)
        if _feasible(inst, sel, rules)
    ]
    return vals or None


RULES = [
    Rules(),
    Rules(fixed_open=("s1",), closed=("s2", "s3")),
    Rules(current=("s0", "s1", "s2"), max_relocations=1),
    Rules(budget_yuan=500.0),
    Rules(min_coverage={"a": 0.5}),
    Rules(within=6.0),
]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("rules", RULES, ids=lambda r: "rules")
def test_models_match_enumeration(seed: int, rules: Rules) -> None:
    inst = _instance(seed)
    p = 3
    w, c = inst.weight, inst.cost
    cover = inst.coverage()
    cases = [
        (p_median, "min", lambda s: float(w @ nearest_open(c, s)[0])),
        (p_center, "min", lambda s: float(nearest_open(c, s)[0].max())),
        (mclp, "max", lambda s: float(w[cover[:, s].any(axis=1)].sum())),
    ]
    for solve, sense, f in cases:
        vals = _brute(inst, p, rules, f)
        if vals is None:
            with pytest.raises(InfeasiblePlan):
                solve(inst, p, rules)
            continue
        want = min(vals) if sense == "min" else max(vals)
        plan = solve(inst, p, rules)
        assert plan.status == "optimal"
        assert plan.objective == pytest.approx(want, rel=1e-9, abs=1e-6), solve.__name__
        assert check_plan(inst, plan, rules, p=p).ok


@pytest.mark.parametrize("seed", range(6))
def test_lscp_matches_enumeration(seed: int) -> None:
    inst = _instance(seed).with_radius(4.5)
    cover = inst.coverage()
    if not cover.any(axis=1).all():
        with pytest.raises(InfeasiblePlan, match="cannot be met"):
            lscp(inst)
        return
    want = min(
        k
        for k in range(1, inst.n_sites + 1)
        for sel in itertools.combinations(range(inst.n_sites), k)
        if cover[:, list(sel)].any(axis=1).all()
    )
    plan = lscp(inst)
    assert plan.objective == want
    assert check_plan(inst, plan).ok


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("q", [0.0, 0.3, 0.7])
def test_mexclp_matches_enumeration(seed: int, q: float) -> None:
    inst = _instance(seed, n=7, m=4)
    cover = inst.coverage().astype(float)
    vehicles = 4
    best = max(
        float(inst.weight @ (1 - q ** (cover @ np.bincount(sel, minlength=inst.n_sites))))
        for sel in itertools.combinations_with_replacement(range(inst.n_sites), vehicles)
    )
    plan = mexclp(inst, vehicles, q)
    assert plan.objective == pytest.approx(best, rel=1e-9)
    assert check_plan(inst, plan, p=vehicles, busy_fraction=q).ok


def test_p_center_hand_case() -> None:
    # points on a line at 0, 1, 2, 10, 11; sites at the same places; p = 2 → radius 1
    x = np.array([0.0, 1.0, 2.0, 10.0, 11.0])
    inst = make_instance(np.abs(x[:, None] - x[None, :]))
    plan = p_center(inst, 2)
    assert plan.objective == 1.0
    assert plan.bound == 1.0
    assert "1" in plan.open_sites


def test_p_median_hand_case() -> None:
    # weights 1, 1, 1, 5, 5 on the same line: p = 1 → the heavy cluster's end at 10 or 11
    x = np.array([0.0, 1.0, 2.0, 10.0, 11.0])
    inst = make_instance(np.abs(x[:, None] - x[None, :]), [1, 1, 1, 5, 5])
    plan = p_median(inst, 1)
    # at 10: 10 + 9 + 8 + 0 + 5 = 32; at 11: 11 + 10 + 9 + 5 + 0 = 35; at 2: 2+1+0+40+45 = 88
    assert plan.objective == 32.0
    assert plan.open_sites == ("3",)
    assert plan.assignment == {"0": "3", "1": "3", "2": "3", "3": "3", "4": "3"}


def test_mexclp_hand_case() -> None:
    # one demand point of weight 10 covered by both sites; 2 vehicles, q = 0.5 → 10·(1 − 0.25)
    inst = make_instance([[1.0, 2.0]], [10.0], radius=5.0)
    plan = mexclp(inst, 2, 0.5)
    assert plan.objective == pytest.approx(7.5)


def test_p_median_small_k_iterates_to_optimum() -> None:
    """A start of k = 1 forces the fallback variables; the iteration must still be exact."""
    inst = _instance(11, n=30, m=20)
    ref = p_median(inst, 2, k0=20)
    plan = p_median(inst, 2, k0=1, fixing=False)
    assert plan.iterations > 1
    assert plan.objective == pytest.approx(ref.objective)
    assert plan.status == "optimal"


@pytest.mark.parametrize("seed", range(8))
def test_reduced_cost_fixing_keeps_the_optimum(seed: int) -> None:
    """Local search + LP reduced-cost fixing + cutoff must not change the optimum."""
    inst = _instance(100 + seed, n=40, m=30)
    for p in (2, 4, 7):
        a = p_median(inst, p, fixing=True)
        b = p_median(inst, p, fixing=False)
        assert a.status == b.status == "optimal"
        assert a.objective == pytest.approx(b.objective, rel=1e-9)
        assert a.bound == pytest.approx(a.objective, rel=1e-6)
