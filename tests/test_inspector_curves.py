"""District response curves for the inspector allocation (anjian/inspector_curves.py) and the
one-district cut of a scenario they run on (scenarios/derive.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anjian.inspector_curves import fit_staff_curves, staff_curves
from anjian.scenarios import ScenarioError, load_scenario
from anjian.scenarios.derive import district_subscenario
from anjian.sim.inspection import InspectionConfig, simulate_inspections


def test_every_district_of_chongqing_cuts_out_valid_and_shares_the_city_corps() -> None:
    cq = load_scenario("chongqing_flood2020")
    subs = {a: district_subscenario(cq, a) for a in cq.districts}
    corps = sum(row["city_corps"] for row in cq.staff.values())
    assert sum(x.staff[a]["city_corps"] for a, x in subs.items()) == pytest.approx(corps, abs=19)
    yuzhong = subs["500103"]
    assert list(yuzhong.districts) == ["500103"]
    assert yuzhong.districts["500103"].population == cq.districts["500103"].population
    for k, n in cq.staff["500103"].items():  # the district's own staff unchanged
        if cq.inspector_kinds[k].scope != "city":
            assert yuzhong.staff["500103"][k] == n
    # its premises kept where it has any and their department has staff here
    kept = yuzhong.site_categories
    assert all(yuzhong.sites["500103"][c] == cq.sites["500103"][c] > 0 for c in kept)
    assert "reservoir" not in kept  # 渝中's reservoirs: no water staff in 渝中
    assert len(yuzhong.townships) == cq.districts["500103"].townships
    # the August-2020 surge restricted to 渝中, scaled by its share of the surge's population
    sg, full = yuzhong.surges["aug2020"], cq.surges["aug2020"]
    pop = {a: cq.districts[a].population for a in full.districts}
    frac = pop["500103"] / sum(pop.values())
    assert sg.districts == ["500103"] and sg.incidents == round(200 * frac)
    assert sg.people_affected_total == round(263_200 * frac)
    assert "aug2020" not in subs["500101"].surges  # 万州 is not in the surge
    with pytest.raises(ScenarioError, match="unknown district '999999'"):
        district_subscenario(cq, "999999")


def test_curves_are_paired_and_fitted_concave() -> None:
    toy = load_scenario("toy").with_({  # one head each, visits every 5/10 days: short pools
        "staff.900001.township": 1, "staff.900001.district_certified": 1,
        "standards.inspection_interval_days.high": 5, "standards.inspection_interval_days.low": 10,
    })  # fmt: skip
    df = staff_curves(toy, factors=(1.0, 2.0, 4.0), reps=2, districts=["900001"], workers=1,
                      config=InspectionConfig(years=1.0, seed=3))  # fmt: skip
    assert len(df) == 2 * 3 * 2  # two kinds × three factors × two replications
    assert sorted(df["staff"].unique().tolist()) == [1, 2, 4]
    # the factor-1 points are the district alone, simulated directly (same numbers)
    sub = district_subscenario(toy, "900001")
    direct = simulate_inspections(sub, InspectionConfig(years=1.0, seed=3, replication=1))
    k = direct.kpis[direct.kpis["level"] == "city"].set_index("kpi")["value"]
    one = df[(df["factor"] == 1.0) & (df["rep"] == 1)]
    assert (one["expected_deaths_per_year"] == k["expected_deaths_per_year"]).all()
    # short pools: more staff do more of the routine inspections on time (≈ 0%, 91%, 99.8%),
    # and more certified staff (who find more) mean fewer expected deaths
    mean = df.groupby(["kind", "staff"])[["on_time_rate", "expected_deaths_per_year"]].mean()
    for kind in ("township", "district_certified"):
        on_time = mean.loc[kind, "on_time_rate"].to_numpy()
        assert on_time[0] < 0.05 < 0.85 < on_time[1] < on_time[2]
    deaths = mean.loc["district_certified", "expected_deaths_per_year"].to_numpy()
    assert deaths[0] > deaths[1] > deaths[2]
    fits = fit_staff_curves(df, "on_time_rate")
    assert set(fits) == {("900001", "township"), ("900001", "district_certified")}
    for fit in fits.values():
        assert (np.diff(fit.curve.slopes) <= 1e-9).all()  # concave
        assert fit.curve.slopes[0] > 5 * fit.curve.slopes[1] > 0  # diminishing returns
        assert fit.mean_abs_error < 0.1 * fit.curve.v.max()  # concave up to replication noise
    deaths = fit_staff_curves(df)  # deaths averted against the fewest heads
    for (_district, kind), fit in deaths.items():
        g = df[df["kind"] == kind]
        assert fit.curve.x.tolist() == [1.0, 2.0, 4.0]
        assert fit.residuals.shape == (len(g),)


def test_bad_curve_requests_are_named() -> None:
    toy = load_scenario("toy")
    with pytest.raises(ValueError, match="factors must be positive"):
        staff_curves(toy, factors=(0.0, 1.0))
    with pytest.raises(ValueError, match="unknown inspector kinds"):
        staff_curves(toy, kinds=["nobody"])
    assert isinstance(staff_curves(toy, factors=(1.0,), reps=1, districts=["900003"], workers=1),
                      pd.DataFrame)  # fmt: skip


def test_inspector_plan_end_to_end_on_the_toy() -> None:
    """Curves → fits → MIP → the plan simulated on the whole city against today and the
    proportional rule: within today's cost and the change limit, and verified pairwise."""
    from anjian.inspector_plans import optimize_inspectors, proportional_staff

    toy = load_scenario("toy").with_({"standards.inspection_interval_days.high": 10,
                                      "standards.inspection_interval_days.low": 20})  # fmt: skip
    plan = optimize_inspectors(toy, objective="ontime", reps=2, max_change=0.5, workers=1,
                               factors=(0.5, 0.75, 1.0, 1.5, 2.0), verify_reps=2,
                               config=InspectionConfig(years=1.0, seed=2))  # fmt: skip
    t = plan.table
    assert len(t) == 6  # 3 districts × 2 kinds
    assert plan.cost_plan_yuan <= plan.cost_today_yuan + 1e-6
    assert (t["plan"] >= np.floor(t["today"] * 0.5)).all()
    assert (t["plan"] <= np.ceil(t["today"] * 1.5)).all()
    assert (t["change"] == t["plan"] - t["today"]).all()
    assert plan.estimate >= -1e-6  # never worse than today on its own curves
    v = plan.verification
    assert v is not None and set(v["case"]) == {
        "today",
        "plan",
        "by_sites",
        "by_population",
        "by_risk",
        "plan_vs_by_sites",
        "plan_vs_by_population",
        "plan_vs_by_risk",
    }
    vi = v.set_index(["case", "kpi"])["difference"]
    on_time = vi[("plan", "on_time_rate")]
    assert on_time >= -0.02  # the plan keeps the on-time share, at a lower cost
    for by in ("by_sites", "by_population", "by_risk"):  # paired means: (p − t) − (r − t)
        for name in ("expected_deaths_per_year", "on_time_rate", "routine_done"):
            assert vi[(f"plan_vs_{by}", name)] == pytest.approx(
                vi[("plan", name)] - vi[(by, name)], abs=1e-9
            )
    # the loop: every round solved on the curves sampled so far; a stable plan stands on
    # sampled points, so its estimate is read off samples, not interpolated
    h = plan.history
    assert (
        h is not None
        and len(h) == plan.rounds >= 1
        and list(h["round"]) == list(range(1, plan.rounds + 1))
    )
    assert plan.stable and h["points_not_sampled"].iloc[-1] == 0
    assert h["estimate"].iloc[-1] == pytest.approx(plan.estimate)
    # where the plan differs from the by-premises rule, and the margin by district, by hand
    from anjian.inspector_plans import right_slope
    from anjian.optimize.allocation import Curve

    c = Curve(np.array([0.0, 2.0, 4.0]), np.array([0.0, 4.0, 6.0]))
    assert [right_slope(c, x) for x in (-1, 0, 1, 2, 3.5, 4, 9)] == [2, 2, 2, 1, 1, 1, 1]
    assert right_slope(Curve(np.array([1.0]), np.array([3.0])), 1) == 0.0
    vs = plan.versus_sites
    assert vs is not None and len(vs) == len(t)
    rule = proportional_staff(toy, ["district_certified", "township"], "sites")
    for r in vs.itertuples():
        assert r.by_sites == rule[r.adcode][r.kind] and r.difference == r.plan - r.by_sites
    assert list(vs["difference"].abs()) == sorted(vs["difference"].abs(), reverse=True)
    assert plan.margin is not None and set(plan.margin["adcode"]) == set(t["adcode"])
    assert (plan.margin["per_10k_yuan"] >= 0).all()
    # the optimizer's objective simulated: on-time inspections a year, plan − today, by hand
    assert plan.simulated is not None
    assert np.isfinite(plan.simulated[0]) and plan.simulated[1] >= 0
    # the proportional rule keeps each kind's city total
    prop = proportional_staff(toy, ["township", "district_certified"])
    for k in ("township", "district_certified"):
        assert sum(r[k] for r in prop.values()) == sum(r[k] for r in toy.staff.values())
    # every rule keeps each kind's city total; the population rule by hand
    from anjian.inspector_plans import RULES
    from anjian.scenarios.apportion import largest_remainder

    for by in RULES:
        rule = proportional_staff(toy, ["township", "district_certified"], by)
        for k in ("township", "district_certified"):
            assert sum(r[k] for r in rule.values()) == sum(r[k] for r in toy.staff.values())
    pop = proportional_staff(toy, ["township"], "population")
    total = sum(r["township"] for r in toy.staff.values())
    want = largest_remainder(total, {a: float(d.population) for a, d in toy.districts.items()})
    assert {a: r["township"] for a, r in pop.items()} == dict(want)
    with pytest.raises(Exception, match="rule must be one of"):
        proportional_staff(toy, ["township"], "votes")  # type: ignore[arg-type]
    with pytest.raises(Exception, match="objective must be"):
        optimize_inspectors(toy, objective="speed")  # type: ignore[arg-type]
    # (A3) headcount, (A5) minimum per district, (A6) certified share, from the same curves
    total = float(t["today"].sum())
    held = optimize_inspectors(toy, objective="ontime", reps=2, max_change=0.5, workers=1,
                               factors=(0.5, 0.75, 1.0, 1.5, 2.0), headcount=total - 2,
                               min_per_district=3, certified_share=0.4,
                               config=InspectionConfig(years=1.0, seed=2))  # fmt: skip
    h = held.table
    assert h["plan"].sum() <= total - 2
    by = h.assign(cert=np.where(h["kind"] == "district_certified", h["plan"], 0))
    by = by.groupby("adcode")[["plan", "cert"]].sum()
    assert (by["plan"] >= 3).all() and (by["cert"] >= 0.4 * by["plan"] - 1e-9).all()
    # the same limits declared as the scenario's standards apply without being passed
    std = toy.with_({"standards.min_inspectors_per_district": 3,
                     "standards.certified_inspector_share": 0.4})  # fmt: skip
    by_std = optimize_inspectors(std, objective="ontime", reps=2, max_change=0.5, workers=1,
                                 factors=(0.5, 0.75, 1.0, 1.5, 2.0), headcount=total - 2,
                                 config=InspectionConfig(years=1.0, seed=2))  # fmt: skip
    g = by_std.table.assign(cert=np.where(by_std.table["kind"] == "district_certified",
                                          by_std.table["plan"], 0))  # fmt: skip
    g = g.groupby("adcode")[["plan", "cert"]].sum()
    assert (g["plan"] >= 3).all() and (g["cert"] >= 0.4 * g["plan"] - 1e-9).all()
    with pytest.raises(ScenarioError, match="certified_inspector_share"):
        toy.with_({"standards.certified_inspector_share": 1.5})
    with pytest.raises(ScenarioError, match="min_inspectors_per_district"):
        toy.with_({"standards.min_inspectors_per_district": -1})
    with pytest.raises(Exception, match="certified share must be between 0 and 1"):
        optimize_inspectors(toy, certified_share=1.5)
    with pytest.raises(Exception, match="no allocation satisfies"):
        optimize_inspectors(toy, objective="ontime", reps=2, max_change=0.5, workers=1,
                            factors=(0.5, 0.75, 1.0, 1.5, 2.0), headcount=1,
                            config=InspectionConfig(years=1.0, seed=2))  # fmt: skip


def test_inspector_plan_cli(tmp_path: object) -> None:
    from typer.testing import CliRunner

    from anjian.cli import app

    r = CliRunner().invoke(app, ["optimize", "inspectors", "toy", "--reps", "1", "--objective",
                                 "ontime", "--districts", "900003"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "检查人员配置方案 / inspector plan" in r.output and "山区县 Shanqu" in r.output
    bad = CliRunner().invoke(app, ["optimize", "inspectors", "toy", "--objective", "speed"])
    assert bad.exit_code == 1 and "objective must be" in bad.output
    bad = CliRunner().invoke(app, ["optimize", "inspectors", "toy", "--districts", "999999"])
    assert bad.exit_code == 1 and "unknown districts" in bad.output


def test_bought_inspections_are_units_priced_at_the_fees_they_cause() -> None:
    """A kind paid per inspection with nobody today (a third-party service) is offered in each
    district where its department has district staff, 0 … change limit × that headcount; the
    headcount plan prices a bought post at the fees for every visit its hours could make."""
    from anjian.inspector_plans import bought_price, bought_units, optimize_inspectors

    toy = load_scenario("toy")
    tp = toy.inspector_kinds["district_certified"].model_dump()
    tp.update(name_zh="第三方", name_en="Third party", can_penalise=False, cost_yuan_per_year=0,
              cost_yuan_per_inspection=1500.0, attrition_per_year=0.0)  # fmt: skip
    kinds = {**{k: v.model_dump() for k, v in toy.inspector_kinds.items()}, "tp": tp}
    staff = {a: {**row, "tp": 0} for a, row in toy.staff.items()}
    s = toy.with_(inspector_kinds=kinds, staff=staff)
    units = bought_units(s, sorted(s.districts), 0.5, (0.5, 1.0, 2.0))
    dep = tp["department"]
    for a in s.districts:
        pool = sum(n for k, n in s.staff[a].items() if k != "tp"
                   and s.inspector_kinds[k].scope == "district"
                   and s.inspector_kinds[k].department == dep)  # fmt: skip
        hi = int(np.ceil(0.5 * pool))
        assert units[(a, "tp")] == (hi, sorted({0, hi, max(1, round(hi / 4)),
                                                max(1, round(hi / 2))}))  # fmt: skip
    assert bought_units(s, sorted(s.districts), 0.0, (1.0,)) == {}  # no change allowed
    # a bought post costs the fee for every routine visit its hours could make, by hand
    from anjian.inspector_frequencies import pool_visit_hours

    spec = s.inspector_kinds["tp"]
    for a in s.districts:
        pool = f"{dep}/{a}" if dep else a
        visit = pool_visit_hours(s)[pool]
        hours = spec.hours_per_day * spec.days_per_year * spec.inspection_time_share
        assert bought_price(s, a, "tp") == pytest.approx(
            spec.head_cost_yuan_per_year + 1500.0 * hours / visit
        )
    plan = optimize_inspectors(s, objective="ontime", reps=1, max_change=0.5, workers=1,
                               factors=(0.5, 1.0, 2.0), max_rounds=3,
                               config=InspectionConfig(years=1.0, seed=2))  # fmt: skip
    t = plan.table.set_index(["adcode", "kind"])
    for a in s.districts:
        row = t.loc[(a, "tp")]
        assert row["bought"] and row["today"] == 0 and 0 <= row["plan"] <= units[(a, "tp")][0]
        assert row["cost_per_head_yuan"] >= 0
    assert plan.cost_plan_yuan <= plan.cost_today_yuan + 1e-6
    assert not t.loc[t.index.get_level_values("kind") != "tp", "bought"].any()
    for a in s.districts:
        assert t.loc[(a, "tp"), "cost_per_head_yuan"] == pytest.approx(bought_price(s, a, "tp"))


def test_staff_runs_check_their_points() -> None:
    from anjian.inspector_curves import staff_runs

    toy = load_scenario("toy")
    with pytest.raises(ValueError, match="unknown district or inspector kind"):
        staff_runs(toy, [("999999", "township", 3)])
    with pytest.raises(ValueError, match="heads must be 0 or more"):
        staff_runs(toy, [("900003", "township", -1)])
    with pytest.raises(ValueError, match="reps must be"):
        staff_runs(toy, [], reps=0)
    assert staff_runs(toy, []).empty
    a = "900003"
    one = staff_runs(toy, [(a, "township", toy.staff[a]["township"])], reps=1, workers=1,
                     use_cache=False)  # fmt: skip
    curve = staff_curves(toy, factors=(1.0,), reps=1, districts=[a], workers=1, use_cache=False)
    mine = curve[curve["kind"] == "township"]
    # the same district, heads and seed as the curve's factor-1 point: the same run
    assert one["expected_deaths_per_year"].iloc[0] == pytest.approx(
        mine["expected_deaths_per_year"].iloc[0], rel=1e-12
    )


def test_a_head_costs_what_the_simulator_counts() -> None:
    """``head_cost_yuan_per_year`` (what the plans price a head at) is the change in the
    simulator's ``inspection_cost_yuan_per_year`` when one head is added: post + kit share for
    kinds whose kits go with posts, the post alone where the township holds the kit."""
    cq = load_scenario("chongqing")
    township = cq.inspector_kinds["township"]
    assert township.equipment_per == "township"
    assert township.head_cost_yuan_per_year == township.cost_yuan_per_year == 90_000
    toy = load_scenario("toy")
    k = toy.inspector_kinds["district_certified"]
    toy = toy.with_({"inspector_kinds.district_certified.equipment_cost_yuan_per_year": 4_000.0})
    k = toy.inspector_kinds["district_certified"]
    assert k.head_cost_yuan_per_year == pytest.approx(
        k.cost_yuan_per_year + k.equipped_share * 4_000
    )
    a = "900003"
    more = toy.with_({f"staff.{a}.district_certified": toy.staff[a]["district_certified"] + 1})
    cfg = InspectionConfig(years=0.25, seed=1)

    def cost(s: object) -> float:
        r = simulate_inspections(s, cfg)  # type: ignore[arg-type]
        city = r.kpis[(r.kpis["level"] == "city") & (r.kpis["kpi"] == "staff_cost_yuan_per_year")]
        kit = r.kpis[
            (r.kpis["level"] == "city") & (r.kpis["kpi"] == "equipment_cost_yuan_per_year")
        ]
        return float(city["value"].iloc[0] + kit["value"].iloc[0])

    assert cost(more) - cost(toy) == pytest.approx(k.head_cost_yuan_per_year, rel=1e-9)


def test_the_curves_start_where_the_change_limit_lets_the_plan_go() -> None:
    from anjian.inspector_plans import staff_factors
    from anjian.optimize.allocation import change_bounds

    assert staff_factors(0.2) == (0.5, 0.75, 1.0, 1.5)
    assert staff_factors(0.3) == (0.25, 0.625, 1.0, 1.75)
    assert staff_factors(0.1) == (0.5, 0.75, 1.0, 1.5)  # at least ±50%
    assert staff_factors(1.0) == (0.05, 1.0, 3.5)  # no factor twice
    for m in (0.1, 0.2, 0.3, 0.5):
        lo_f, *_, hi_f = staff_factors(m)
        for today in range(4, 400):
            lo, hi = change_bounds(np.array([float(today)]), np.array([0.0]),
                                   np.array([np.inf]), m)  # fmt: skip
            assert max(1, round(today * lo_f)) <= lo[0] and round(today * hi_f) >= hi[0], (m, today)
