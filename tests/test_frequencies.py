"""Inspection frequencies (issue 16, item 2): the MIP against brute force and the square-root
law, its checker, the tier split and district intervals it plans with, and the plan end to end
on the toy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anjian.inspector_frequencies import (
    class_sites,
    class_visit_hours,
    optimize_frequencies,
    routine_hours,
    saturated_pools,
    today_intervals,
    visits_per_year,
)
from anjian.optimize.errors import InstanceError
from anjian.optimize.frequencies import (
    FrequencyClass,
    FrequencyProblem,
    StaffUnit,
    brute_force_frequencies,
    check_frequencies,
    solve_frequencies,
    square_root_intervals,
)
from anjian.scenarios import ScenarioError, load_scenario
from anjian.scenarios.derive import interval_bounds, split_tiers, with_intervals
from anjian.sim.inspection import InspectionConfig, InspectionModel, pool_keys, simulate_inspections
from anjian.sim.inspection_kpi import pool_key
from anjian.sim.sites import build_sites


def _random_problem(rng: np.random.Generator) -> FrequencyProblem:
    classes = []
    for i in range(4):
        t = np.sort(rng.uniform(10, 400, 3))
        d = np.sort(rng.uniform(0, 5, 3))  # longer interval, more deaths
        pools = rng.choice(["a", "b"], size=rng.integers(1, 3), replace=False)
        classes.append(FrequencyClass(f"c{i}", t, d, {p: rng.uniform(50, 500) / t for p in pools}))
    loads = [min(sum(float(c.work[p].min()) for c in classes if p in c.work), 1e9)
             for p in ("a", "b")]  # fmt: skip
    cap = {p: lo * rng.uniform(1.0, 3.0) + 1e-6 for p, lo in zip(("a", "b"), loads, strict=True)}
    return FrequencyProblem(tuple(classes), cap)


def test_mip_equals_brute_force_on_random_cases() -> None:
    rng = np.random.default_rng(3)
    for _ in range(25):
        p = _random_problem(rng)
        plan = solve_frequencies(p)
        _, best = brute_force_frequencies(p)
        assert plan.deaths == pytest.approx(best, abs=1e-6)
        assert check_frequencies(p, plan.choice) == []


def test_square_root_law_on_a_fine_grid() -> None:
    """Deaths linear in the interval, one pool: the MIP on a 1-day grid reaches the
    closed form T_c = sqrt(v_c / w_c) · Σ sqrt(v_k w_k) / H within the grid."""
    w = np.array([0.02, 0.005, 0.001])  # deaths a year per day of interval
    v = np.array([3_000.0, 8_000.0, 20_000.0])  # hours of a round × days a year
    hours = 600.0
    grid = np.arange(5.0, 800.0, 1.0)
    classes = tuple(
        FrequencyClass(f"c{i}", grid, 1.0 + w[i] * grid, {"pool": v[i] / grid}) for i in range(3)
    )
    plan = solve_frequencies(FrequencyProblem(classes, {"pool": hours}))
    exact = square_root_intervals(w, v, hours)
    chosen = grid[plan.choice]
    assert np.allclose(chosen, exact, rtol=0.03)
    # the optimum spends the hours: within a grid step of all of them
    assert plan.load["pool"] == pytest.approx(hours, rel=0.01)


def test_checker_names_each_broken_constraint_and_infeasible_is_explained() -> None:
    c = FrequencyClass(
        "x", np.array([10.0, 20.0]), np.array([1.0, 2.0]), {"p": np.array([10.0, 5.0])}
    )
    p = FrequencyProblem((c,), {"p": 6.0})
    assert check_frequencies(p, [0]) and "(F2)" in check_frequencies(p, [0])[0]
    assert check_frequencies(p, [1]) == []
    assert "(F1)" in check_frequencies(p, [5])[0]
    with pytest.raises(InstanceError, match="no choice of intervals fits"):
        solve_frequencies(FrequencyProblem((c,), {"p": 1.0}))
    with pytest.raises(InstanceError, match="pools without a capacity"):
        FrequencyProblem((c,), {})


def test_staff_buy_visits_and_more_budget_never_worsens() -> None:
    c = FrequencyClass("x", np.array([10.0, 20.0, 40.0]), np.array([1.0, 2.0, 4.0]),
                       {"p": np.array([40.0, 20.0, 10.0])})  # fmt: skip
    unit = StaffUnit("d/k", "p", hours_per_head=10.0, cost=100.0, lo=0, hi=10, today=1)
    prev = np.inf
    for budget in (100.0, 200.0, 300.0, 400.0):
        p = FrequencyProblem((c,), {"p": 10.0}, (unit,), budget)
        plan = solve_frequencies(p)
        assert check_frequencies(p, plan.choice, plan.staff) == []
        assert plan.deaths <= prev + 1e-9
        prev = plan.deaths
    assert plan.choice[0] == 0 and plan.staff[0] == 4  # 40 hours need 4 heads
    p = FrequencyProblem((c,), {"p": 10.0}, (unit,), 150.0)
    assert any("(F3)" in m for m in check_frequencies(p, [1], [2]))
    broke = StaffUnit("d/k", "p", hours_per_head=10.0, cost=100.0, lo=1, hi=10, today=1)
    with pytest.raises(InstanceError, match=r"\(F3\) the staff budget 50 yuan"):
        solve_frequencies(FrequencyProblem((c,), {"p": 10.0}, (broke,), 50.0))


def test_split_tiers_keeps_every_site_and_the_outcomes() -> None:
    toy = load_scenario("toy")
    split, parts = split_tiers(toy)
    assert sum(sum(r.values()) for r in split.sites.values()) == sum(
        sum(r.values()) for r in toy.sites.values()
    )
    sites = class_sites(toy)
    for a, row in split.sites.items():
        for new, n in row.items():
            c, t = parts[new]
            assert n == sites.get((c, t, a), 0)
    cfg = InspectionConfig(years=1.0, seed=2)
    k0 = simulate_inspections(toy, cfg).kpis
    k1 = simulate_inspections(split, cfg).kpis

    def city(k: object, name: str) -> float:
        return float(k[(k["level"] == "city") & (k["kpi"] == name)]["value"].iloc[0])  # type: ignore[index]

    assert city(k1, "expected_deaths_per_year") == pytest.approx(
        city(k0, "expected_deaths_per_year"), rel=0.03
    )


@pytest.mark.parametrize("name", ["toy", "chongqing"])
def test_pool_layout_is_the_models(name: str) -> None:
    s = load_scenario(name)
    m = InspectionModel(s, InspectionConfig(years=0.01, seed=0))
    cells, staff = pool_keys(s)

    class Rec:
        pool_district, pool_dept, districts, depts = (
            m.pool_district,
            m.pool_dept,
            m.districts,
            m.depts,
        )

    for d, a in enumerate(m.districts):
        for c, cat in enumerate(m.cats):
            q = m.cell_pool[d][c]
            if q >= 0:
                assert cells[(a, cat)] == pool_key(Rec, q)  # type: ignore[arg-type]
    for ins in m.inspectors:
        q = m.pool_index[id(ins.queue)]
        assert staff[(m.districts[ins.district], m.kinds[ins.kind])] == pool_key(Rec, q)  # type: ignore[arg-type]


def test_district_intervals_change_only_that_district() -> None:
    toy = load_scenario("toy")
    plan = with_intervals(toy, {("factory", "high", "900002"): 45.0, ("factory", "low"): 200.0})
    sites = build_sites(plan)
    base = build_sites(toy)
    cats = list(toy.site_categories)
    tiers = list(toy.risk_tiers)
    fac, hi, lo = cats.index("factory"), tiers.index("high"), tiers.index("low")
    d2 = list(toy.districts).index("900002")
    sel = (sites.category == fac) & (sites.tier == hi)
    assert np.all(sites.interval_min[sel & (sites.district == d2)] == 45 * 1440)
    assert np.all(
        sites.interval_min[sel & (sites.district != d2)]
        == base.interval_min[sel & (base.district != d2)]
    )
    assert np.all(sites.interval_min[(sites.category == fac) & (sites.tier == lo)] == 200 * 1440)
    today = today_intervals(plan)
    assert today[("factory", "high", "900002")] == 45.0
    # the routine hours follow the intervals: a round of visits × visits a year (flood-patrol
    # sites also get the flood-season visits), by hand for one pool of the toy
    half = {k: d / 2 for k, d in today_intervals(toy).items()}
    h1 = routine_hours(toy, half)
    rounds = class_visit_hours(toy)
    fac_pools = {rounds[k][0] for k in rounds if k[0] == "factory"}
    for pool in fac_pools:
        by_hand = sum(h * 365.0 / half[k] for k, (p, h) in rounds.items() if p == pool
                      and k[0] == "factory")  # fmt: skip
        others = sum(h * visits_per_year(toy, k[0], half[k]) for k, (p, h) in rounds.items()
                     if p == pool and k[0] != "factory")  # fmt: skip
        assert h1[pool] == pytest.approx(by_hand + others, rel=1e-12)


def test_bad_bounds_and_district_intervals_are_named(toy_dir) -> None:  # type: ignore[no-untyped-def]
    toy = load_scenario("toy")
    with pytest.raises(ScenarioError, match="longer than the longest"):
        toy.with_({"standards.inspection_interval_bounds_days": {"high": [90, 30], "low": [1, 2]}})
    with pytest.raises(ScenarioError, match="risk tier"):
        toy.with_({"standards.inspection_interval_bounds_days": {"high": [9, 30]}})
    cats = dict(toy.site_categories)
    cats["factory"] = cats["factory"].model_copy(
        update={"inspection_interval_by_district_days": {"999": {"high": 9.0}}}
    )
    with pytest.raises(ScenarioError, match="unknown district '999'"):
        toy.with_(site_categories=cats)
    b = interval_bounds(toy, "geohazard_point")  # own intervals, no bounds: the default range
    assert b["high"] == (15.0, 60.0, "default")


def test_frequency_plan_on_the_toy_is_valid_and_verified() -> None:
    toy = load_scenario("toy")
    res = optimize_frequencies(toy, factors=(0.5, 1.0, 2.0), reps=1, verify_reps=2,
                               max_rounds=2, workers=1, use_cache=False)  # fmt: skip
    cad = res.cadence
    assert set(zip(cad["category"], cad["tier"], strict=True)) == {
        (c, t) for c, t, _ in class_sites(toy)
    }
    assert ((cad["interval_plan_days"] >= cad["shortest_days"] - 1e-9)
            & (cad["interval_plan_days"] <= cad["longest_days"] + 1e-9)).all()  # fmt: skip
    v = res.verification.set_index(["case", "kpi"])
    assert ("plan", "expected_deaths_per_year") in v.index
    assert ("uniform_city", "expected_deaths_per_year") in v.index
    # plan − rule, paired: its mean is (plan − today) − (rule − today)
    for rule in ("uniform_pools", "uniform_city"):
        for k in ("expected_deaths_per_year", "on_time_rate"):
            want = v.loc[("plan", k), "difference"] - v.loc[(rule, k), "difference"]
            assert v.loc[(f"plan_vs_{rule}", k), "difference"] == pytest.approx(want, abs=1e-9)
    assert 1 <= res.rounds <= 2 and len(res.history) == res.rounds
    # deaths per 10,000 yuan of one more head: one row per district, never negative
    assert set(res.margin["adcode"]) == set(toy.districts)
    assert (res.margin["deaths_per_10k_yuan"] >= 0).all()
    # the planned scenario carries the cadence
    planned = today_intervals(res.planned)
    for r in res.cadence_by_district.itertuples():
        assert planned[(r.category, r.tier, r.adcode)] == pytest.approx(r.interval_plan_days)


def test_marginal_value_of_a_head_by_hand() -> None:
    """One binding pool of the toy's district 900001: its rate is the best next step of its
    classes (deaths averted per routine hour), × a head's hours ÷ its cost × 10,000."""
    from anjian.inspector_frequencies import marginal_value

    toy = load_scenario("toy")
    _, staff_pool = pool_keys(toy)
    pool = staff_pool[("900001", "township")]
    w = np.array([30.0, 10.0])  # hours a year at the two options
    c = FrequencyClass("x", np.array([30.0, 90.0]), np.array([2.0, 3.0]), {pool: w})
    caps = {p: 1e9 for p in set(staff_pool.values())} | {pool: 10.0}
    p = FrequencyProblem((c,), caps)
    avail = {q: 1000.0 for q in caps}
    m = marginal_value(toy, p, np.array([1]), avail, 0.85).set_index("adcode")
    kind = toy.inspector_kinds["township"]
    heads = sum(toy.staff["900001"][k] for (a, k), q in staff_pool.items()
                if q == pool and a == "900001")  # fmt: skip
    nominal = kind.hours_per_day * kind.days_per_year * kind.inspection_time_share
    hours = 0.85 * nominal * 1000.0 / (heads * nominal)
    want = (3.0 - 2.0) / (30.0 - 10.0) * hours / kind.cost_yuan_per_year * 10_000
    assert m.loc["900001", "deaths_per_10k_yuan"] == pytest.approx(want)
    assert m.loc["900002", "deaths_per_10k_yuan"] == 0.0  # pools with slack: nothing to buy


def test_frequencies_cli_writes_the_tables(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from anjian.cli import app

    out = tmp_path / "plan"
    args = ["optimize", "inspectors", "toy", "--frequencies", "--reps", "1", "--verify", "2",
            "--workers", "1"]  # fmt: skip
    r = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "检查频次方案 / inspection cadence" in r.output
    assert "全市统一−现状 uniform (city) − today" in r.output
    for name in ("cadence", "cadence_by_district", "targeting", "pools", "margin",
                 "round_history", "verification"):  # fmt: skip
        assert (out / f"{name}.csv").stat().st_size > 0
    r = CliRunner().invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["rounds"] >= 1 and len(data["cadence"]) == 4
    bad = CliRunner().invoke(app, [*args[:3], "--frequencies", "--target-utilisation", "2"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def test_moving_staff_keeps_within_the_budget_and_names_an_impossible_one() -> None:
    toy = load_scenario("toy")
    with pytest.raises(InstanceError, match="below the least the change limit allows"):
        optimize_frequencies(toy, move_staff=True, budget_yuan=1_000.0, workers=1)
    res = optimize_frequencies(
        toy, factors=(0.5, 1.0, 2.0), reps=1, verify_reps=2, move_staff=True, max_rounds=1,
        workers=1, use_cache=False,
    )  # fmt: skip
    assert len(res.staff) > 0
    assert res.staff["cost_change_yuan"].sum() <= 1e-6  # no more than today's cost
    assert (res.staff["change"].abs() <= np.ceil(0.2 * res.staff["today"])).all()


def test_saturated_pools_by_hand() -> None:
    """A pool is saturated at a mean utilisation of 98% or more over the replications; pools
    outside the problem are ignored."""
    rows = pd.DataFrame({
        "level": "pool",
        "key": ["a", "a", "b", "b", "c", "c"],
        "kpi": ["utilisation"] * 6,
        "value": [1.0, 0.97, 0.99, 0.97, 1.0, 1.0],
    })  # fmt: skip
    # a: mean 0.985 (saturated); b: 0.98 (saturated, at the threshold); c: not in the problem
    assert saturated_pools(rows, {"a", "b"}) == {"a", "b"}
    rows.loc[1, "value"] = 0.9  # a: mean 0.95
    assert saturated_pools(rows, {"a", "b", "c"}) == {"b", "c"}


def test_third_party_purchases_are_staff_units_priced_per_visit() -> None:
    """Joint plans may buy inspections from kinds paid per visit (Chongqing's contracted
    third-party services, none today): one unit per district with an emergency pool, from 0 up
    to the change limit × the pool's headcount, adding ρ × its available hours and costing the
    fee for the visits those hours make — by hand for one district."""
    from anjian.inspector_frequencies import _staff_units, pool_visit_hours

    s = load_scenario("chongqing")
    _, staff_pool = pool_keys(s)
    nominal: dict[str, float] = {}
    for (a, k), q in staff_pool.items():
        kind = s.inspector_kinds[k]
        hours = kind.hours_per_day * kind.days_per_year * kind.inspection_time_share
        nominal[q] = nominal.get(q, 0.0) + s.staff[a][k] * hours
    avail = {q: 0.9 * h for q, h in nominal.items()}  # 90% of nominal hours available
    units = {u.name: u for u in _staff_units(s, avail, 0.85, 0.2)}
    bought = {n: u for n, u in units.items() if n.endswith("/third_party")}
    emergency = {a for (a, k), q in staff_pool.items() if q == f"emergency/{a}"}
    assert {n.split("/")[0] for n in bought} == emergency and len(bought) == 38
    u = bought["500101/third_party"]
    kind = s.inspector_kinds["third_party"]
    heads = sum(s.staff["500101"][k] for (a, k), q in staff_pool.items()
                if a == "500101" and q == "emergency/500101")  # fmt: skip
    assert (u.lo, u.today, u.hi) == (0, 0, int(np.ceil(0.2 * heads)))
    h = 0.85 * kind.hours_per_day * kind.days_per_year * 1.0 * 0.9
    assert u.hours_per_head == pytest.approx(h)
    per_visit = pool_visit_hours(s)["emergency/500101"]
    assert u.cost == pytest.approx(kind.cost_yuan_per_inspection * h / per_visit)
    # a visit's hours: the pool's routine hours today over its visits today
    assert 0.5 < per_visit < 10.0
    # staff paid a salary cost their post and their share of a kit, as the simulator counts
    ec = s.inspector_kinds["emergency_certified"]
    assert units["500101/emergency_certified"].cost == pytest.approx(
        150000 + ec.equipped_share * ec.equipment_cost_yuan_per_year
    )
    assert units["500101/township"].cost == 90000  # the township holds the kit
