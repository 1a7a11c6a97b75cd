"""Inspector plans, end to end (issue 16): district curves from the simulator → concave fits →
the allocation MIP → the curves sampled again where the plan lands, until the plan stands on
sampled points → the plan simulated on the whole city against today's staff and three simple
rules (each kind's city total shared by premises, population or risk), paired.

What is optimised: the headcount of every district- and township-scope kind in every district
(units), within a change limit from today, and inspections a district may buy (kinds paid per
inspection, e.g. contracted third-party services, from none up to the change limit × the
department's district headcount), at no more than today's cost of those staff (budget-neutral
unless a budget is given; a bought post is priced at the fees for every visit it could make). The
objective is ``deaths`` (expected deaths averted a year, from ``expected_deaths_per_year``) or
``ontime`` (routine inspections done on time); both are always verified. The curves are
sampled per district (:mod:`anjian.inspector_curves`), so a unit's curve assumes the district's
other staff stay as they are; the verification simulates the whole plan at once on the whole
city, which is the figure to trust. Inspection frequencies (the cadence table) are planned by
:mod:`anjian.inspector_frequencies`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from anjian.inspector_curves import fit_staff_curves, staff_curves, staff_runs
from anjian.inspector_frequencies import pool_visit_hours
from anjian.optimize.allocation import (
    AllocationProblem,
    ConcaveFit,
    Curve,
    change_bounds,
    check_allocation,
    solve_allocation,
)
from anjian.optimize.errors import InstanceError
from anjian.scenarios.apportion import largest_remainder
from anjian.scenarios.scenario import Scenario
from anjian.sim.field_evidence import uninspected_accidents_per_site
from anjian.sim.inspection import InspectionConfig, pool_keys, simulate_inspections
from anjian.sim.stats import paired_difference, summarize, t_interval

from .parallel import collect_now_and_then, map_tasks

Objective = Literal["deaths", "ontime"]
KPI_OF = {"deaths": "expected_deaths_per_year", "ontime": "on_time_rate"}
VERIFY_KPIS = ("expected_deaths_per_year", "deaths_per_year", "accidents_per_year",
               "on_time_rate", "routine_done", "open_hazard_days", "hazards_detected",
               "inspection_cost_yuan_per_year")  # fmt: skip


@dataclass(frozen=True)
class InspectorPlan:
    """The plan (one row per district × kind: today, plan, change, cost; ``bought`` marks
    inspections bought per visit), the fitted curves' error and the optimizer's own estimate.

    ``history``: the rounds of the loop that samples the curves where the plan lands (estimate,
    units changed, planned points not yet sampled — sampled for the next round); ``stable``:
    the last plan stands on sampled points. With ``verify``: the paired simulation of today,
    the plan and the simple rules (cases ``by_sites``, ``by_population``, ``by_risk``;
    ``plan_vs_by_*``, the plan − each rule) and ``simulated``, the plan's simulated gain on the
    optimizer's objective (mean, 95% half-width) to set beside ``estimate``. ``margin``: what
    one more head buys per 10,000 yuan at the plan, by district (its best kind);
    ``versus_sites``: where the plan differs most from the by-premises rule, with the marginal
    gain at the rule's headcount that explains it."""

    table: pd.DataFrame
    objective: Objective
    estimate: float
    cost_today_yuan: float
    cost_plan_yuan: float
    fit_error: pd.DataFrame
    verification: pd.DataFrame | None
    planned: Scenario
    proportional: Scenario
    rounds: int = 1
    stable: bool = True
    history: pd.DataFrame | None = None
    simulated: tuple[float, float] | None = None
    margin: pd.DataFrame | None = None
    versus_sites: pd.DataFrame | None = None


Rule = Literal["sites", "population", "risk"]
RULES: tuple[Rule, ...] = ("sites", "population", "risk")


def proportional_staff(
    s: Scenario, kinds: list[str], by: Rule = "sites"
) -> dict[str, dict[str, int]]:
    """Each kind's city-wide headcount shared over districts by a simple rule, by largest
    remainder — the rules a plan is compared with: in proportion to the premises it inspects
    there (``sites``: its department's categories at its level; township staff: township-level
    premises), to the district's population (``population``), or to the deaths its premises
    would cause a year with nobody inspecting (``risk``: the closed form of
    :func:`anjian.sim.field_evidence.uninspected_accidents_per_site` × deaths per accident)."""
    if by not in RULES:
        raise InstanceError(f"rule must be one of {list(RULES)}, got {by!r}")
    per_site = uninspected_accidents_per_site(s)
    staff = {a: dict(row) for a, row in s.staff.items()}
    for k in kinds:
        kind = s.inspector_kinds[k]
        cats = [
            c
            for c, cat in s.site_categories.items()
            if cat.inspected_by == kind.scope
            and (kind.scope == "township" or cat.department in (None, kind.department))
        ]
        if by == "population":
            weight = {a: float(d.population) if any(s.sites[a].get(c, 0) for c in cats) else 0.0
                      for a, d in s.districts.items()}  # fmt: skip
        elif by == "risk":
            weight = {a: float(sum(s.sites[a].get(c, 0) * per_site.get(c, 0.0)
                                   * s.site_categories[c].deaths_per_accident.mean for c in cats))
                      for a in s.districts}  # fmt: skip
        else:
            weight = {a: float(sum(s.sites[a].get(c, 0) for c in cats)) for a in s.districts}
        total = sum(row.get(k, 0) for row in s.staff.values())
        if total <= 0 or sum(weight.values()) <= 0:
            continue
        share = largest_remainder(total, weight)
        for a in s.districts:
            staff[a][k] = int(share[a])
    return staff


def optimize_inspectors(
    s: Scenario,
    *,
    objective: Objective = "deaths",
    budget_yuan: float | None = None,
    max_change: float = 0.2,
    headcount: float | None = None,
    min_per_district: float | None = None,
    certified_share: float | None = None,
    factors: tuple[float, ...] | None = None,
    reps: int = 3,
    districts: list[str] | None = None,
    verify_reps: int = 0,
    max_rounds: int = 6,
    config: InspectionConfig | None = None,
    workers: int | None = None,
    use_cache: bool = True,
) -> InspectorPlan:
    """Plan the headcounts (see the module docstring). ``headcount`` caps the planned units'
    heads in total (A3), ``min_per_district`` keeps at least that many of them in every district
    (A5), ``certified_share`` keeps at least that share of each district's planned heads of
    kinds with penalty powers (A6); ``None``: the scenario's standard
    (``standards.min_inspectors_per_district``, ``standards.certified_inspector_share``; none
    and 0 if it declares none), 0: no such limit. ``max_rounds`` bounds the
    loop that samples the curves where the plan lands and solves again (1: no refinement).
    ``factors``: the headcount factors the curves start from; default :func:`staff_factors`
    of the change limit (the plan cannot leave it; the loop adds points inside).

    Raises
    ------
    InstanceError
        For an unknown objective or district, or constraints no plan meets.
    """
    if objective not in KPI_OF:
        raise InstanceError(f"objective must be 'deaths' or 'ontime', got {objective!r}")
    if min_per_district is None:
        min_per_district = s.standards.min_inspectors_per_district
    if certified_share is None:
        certified_share = s.standards.certified_inspector_share
    if not 0.0 <= certified_share <= 1.0:
        raise InstanceError(f"the certified share must be between 0 and 1, got {certified_share}")
    for name, v in (("headcount", headcount), ("minimum per district", min_per_district)):
        if v is not None and not v >= 0:
            raise InstanceError(f"the {name} must be a number of heads (0 or more), got {v}")
    if max_rounds < 1:
        raise InstanceError(f"max_rounds must be 1 or more, got {max_rounds}")
    unknown = sorted(set(districts or ()) - set(s.districts))
    if unknown:
        raise InstanceError(f"unknown districts {unknown}")
    cfg = config or InspectionConfig(years=1.0, seed=0)
    chosen = list(districts) if districts is not None else sorted(s.districts)
    factors = staff_factors(max_change) if factors is None else tuple(factors)

    def runs(points: list[tuple[str, str, int]]) -> pd.DataFrame:
        return staff_runs(s, points, reps=reps, config=cfg, workers=workers, use_cache=use_cache)

    samples = staff_curves(s, factors=factors, districts=districts, reps=reps, config=cfg,
                           workers=workers, use_cache=use_cache)  # fmt: skip
    bought = bought_units(s, chosen, max_change, factors)
    if bought:
        points = [(a, k, h) for (a, k), (_, levels) in bought.items() for h in levels]
        samples = pd.concat([samples, runs(points)], ignore_index=True)
    history: list[dict[str, object]] = []
    previous: np.ndarray | None = None
    stable = False
    for rnd in range(1, max_rounds + 1):
        fits = fit_staff_curves(samples, KPI_OF[objective])
        problem, units = _problem(s, fits, bought, max_change, budget_yuan, headcount,
                                  min_per_district, certified_share)  # fmt: skip
        plan = solve_allocation(problem)
        broken = check_allocation(problem, plan.x)
        if broken:
            raise InstanceError("the allocation breaks its own constraints: " + "; ".join(broken))
        x = np.rint(plan.x).astype(int)
        sampled = samples.groupby(["adcode", "kind"])["staff"].agg(set).to_dict()
        new = [(a, k, int(xi)) for (a, k), xi in zip(units, x, strict=True)
               if int(xi) not in sampled[(a, k)]]  # fmt: skip
        history.append({
            "round": rnd,
            "estimate": plan.objective - problem.value(problem.today),
            "units_changed": int((x != (problem.today if previous is None else previous)).sum()),
            "points_not_sampled": len(new),
        })  # fmt: skip
        if not new:
            stable = True
            break
        if rnd < max_rounds:
            samples = pd.concat([samples, runs(new)], ignore_index=True)
        previous = x
    today = problem.today
    cost = problem.cost
    table = pd.DataFrame({
        "adcode": [a for a, _ in units],
        "district_zh": [s.districts[a].name_zh for a, _ in units],
        "district_pinyin": [s.districts[a].name_pinyin for a, _ in units],
        "kind": [k for _, k in units],
        "bought": [(a, k) in bought for a, k in units],
        "today": today.astype(int),
        "plan": x,
        "change": (x - today).astype(int),
        "cost_per_head_yuan": cost,
        "cost_change_yuan": cost * (x - today),
    })  # fmt: skip
    fit_error = pd.DataFrame(
        [{"adcode": a, "kind": k, "max_abs_error": fits[(a, k)].max_abs_error,
          "mean_abs_error": fits[(a, k)].mean_abs_error} for a, k in units]
    )  # fmt: skip
    staff = {a: dict(row) for a, row in s.staff.items()}
    for (a, k), xi in zip(units, x, strict=True):
        staff[a][k] = int(xi)
    planned = s.with_(staff=staff)
    kinds = sorted({k for (a, k) in units if (a, k) not in bought})
    rule_staff = {by: proportional_staff(s, kinds, by) for by in RULES}
    rules = {by: s.with_(staff=st) for by, st in rule_staff.items()}
    curves = [fits[u].curve for u in units]
    margin = _margin(s, units, curves, x, cost)
    versus = _versus_rule(s, units, curves, x, cost, rule_staff["sites"])
    estimate = problem.value(x.astype(float)) - problem.value(today)
    verification = simulated = None
    if verify_reps > 0:
        cases = {"today": s, "plan": planned, **{f"by_{by}": v for by, v in rules.items()}}
        verification, simulated = _verify(cases, objective, cfg, verify_reps, workers)
    return InspectorPlan(table, objective, float(estimate), float(cost @ today),
                         float(cost @ x), fit_error, verification, planned, rules["sites"],
                         len(history), stable, pd.DataFrame(history), simulated, margin,
                         versus)  # fmt: skip


def right_slope(curve: Curve, at: float) -> float:
    """The gain of one more head at ``at`` on a fitted curve: the slope of the segment starting
    at or left of ``at`` (the first segment left of the sampled range, the last right of it;
    0 for a curve of one point)."""
    if len(curve.x) < 2:
        return 0.0
    i = int(np.searchsorted(curve.x, at, side="right")) - 1
    return float(curve.slopes[min(max(i, 0), len(curve.x) - 2)])


def _margin(
    s: Scenario, units: list[tuple[str, str]], curves: list[Curve], x: np.ndarray,
    cost: np.ndarray,
) -> pd.DataFrame:  # fmt: skip
    """Per district, the kind whose next head buys most of the objective per 10,000 yuan at the
    plan (its fitted curve's slope right of the planned headcount ÷ its cost × 10,000)."""
    rows: dict[str, dict[str, object]] = {}
    for (a, k), c, xi, ci in zip(units, curves, x, cost, strict=True):
        if ci <= 0:
            continue
        value = right_slope(c, float(xi)) / ci * 10_000.0
        if a not in rows or value > float(rows[a]["per_10k_yuan"]):  # type: ignore[arg-type]
            rows[a] = {"adcode": a, "district_zh": s.districts[a].name_zh,
                       "district_pinyin": s.districts[a].name_pinyin, "best_kind": k,
                       "kind_zh": s.inspector_kinds[k].name_zh,
                       "kind_en": s.inspector_kinds[k].name_en, "per_10k_yuan": value}  # fmt: skip
    out = pd.DataFrame(list(rows.values()))
    if out.empty:
        return out
    return out.sort_values("per_10k_yuan", ascending=False).reset_index(drop=True)


def _versus_rule(
    s: Scenario, units: list[tuple[str, str]], curves: list[Curve], x: np.ndarray,
    cost: np.ndarray, rule: dict[str, dict[str, int]],
) -> pd.DataFrame:  # fmt: skip
    """Where the plan differs most from the rule that shares each kind's total by premises, and
    why: each unit's planned and rule headcounts and the gain of one more head per 10,000 yuan
    at the rule's headcount (the fitted curve's slope there) — the plan adds where that is high
    and takes where it is low. Largest differences first."""
    rows = []
    for (a, k), c, xi, ci in zip(units, curves, x, cost, strict=True):
        r = int(rule[a].get(k, 0))
        rows.append({"adcode": a, "district_zh": s.districts[a].name_zh,
                     "district_pinyin": s.districts[a].name_pinyin, "kind": k,
                     "kind_zh": s.inspector_kinds[k].name_zh,
                     "kind_en": s.inspector_kinds[k].name_en, "plan": int(xi), "by_sites": r,
                     "difference": int(xi) - r,
                     "per_10k_yuan_at_rule": right_slope(c, float(r)) / ci * 10_000.0
                     if ci > 0 else 0.0})  # fmt: skip
    out = pd.DataFrame(rows)
    order = out["difference"].abs().sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


def staff_factors(max_change: float) -> tuple[float, ...]:
    """The headcount factors a plan's curves start from: today, w = 2.5 × the change limit
    (at least 50%) above and below, and w/2 below (at most down to 5% of today) — at the
    default limit 0.5, 0.75, 1 and 1.5. Wide spans: over ±20% the deaths a district's staff
    avert are within the replications' noise, and a plan fitted to them is noise (measured on
    Chongqing: factors 0.75/1/1.25 gave −0.03 ± 0.03 expected deaths a year, 0.5 … 2 gave
    −0.25 ± 0.07). The curve spans every headcount the change limit allows (rounded outwards;
    from 4 heads up — smaller units are held to their sampled range); the loop fills in where
    the plan lands."""
    w = max(0.5, 2.5 * max_change)
    return tuple(sorted({max(0.05, 1.0 - w), max(0.05, 1.0 - w / 2), 1.0, 1.0 + w}))


def bought_units(
    s: Scenario, districts: list[str], max_change: float, factors: tuple[float, ...]
) -> dict[tuple[str, str], tuple[int, list[int]]]:
    """Inspections a district may buy: every district-scope kind paid per inspection
    (``cost_yuan_per_inspection`` > 0, e.g. contracted third-party services) with nobody in
    the district today, where its department has district staff (the pool it joins) — from none
    up to the change limit × that pool's headcount (rounded up), sampled at 0 and at that
    maximum × each factor ÷ the largest factor. Returns ``{(district, kind): (maximum,
    levels)}``."""
    out: dict[tuple[str, str], tuple[int, list[int]]] = {}
    top = max(factors)
    for a in districts:
        for k, kind in sorted(s.inspector_kinds.items()):
            if (kind.scope != "district" or kind.cost_yuan_per_inspection <= 0
                    or s.staff[a].get(k, 0) > 0):  # fmt: skip
                continue
            pool = sum(n for k2, n in s.staff[a].items()
                       if s.inspector_kinds[k2].scope == "district"
                       and s.inspector_kinds[k2].department == kind.department)  # fmt: skip
            hi = int(np.ceil(max_change * pool - 1e-9))
            if hi < 1:
                continue
            levels = sorted({0, hi, *(max(1, round(hi * f / top)) for f in factors)})
            out[(a, k)] = (hi, levels)
    return out


def _problem(
    s: Scenario,
    fits: dict[tuple[str, str], ConcaveFit],
    bought: dict[tuple[str, str], tuple[int, list[int]]],
    max_change: float,
    budget_yuan: float | None,
    headcount: float | None,
    min_per_district: float | None,
    certified_share: float,
) -> tuple[AllocationProblem, list[tuple[str, str]]]:
    """(A0)–(A6) on the fitted curves. A head costs its kind's ``head_cost_yuan_per_year``
    (post and kit); a bought post :func:`bought_price`."""
    units = sorted(fits)
    per_visit = pool_visit_hours(s) if bought else {}
    cost = np.array([bought_price(s, a, k, per_visit) if (a, k) in bought
                     else s.inspector_kinds[k].head_cost_yuan_per_year
                     for a, k in units])  # fmt: skip
    today = np.array([float(s.staff[a].get(k, 0)) for a, k in units])
    lo_c = np.array([fits[u].curve.x[0] for u in units])
    hi_c = np.array([fits[u].curve.x[-1] for u in units])
    lo, hi = change_bounds(today, lo_c, hi_c, max_change)
    for i, u in enumerate(units):
        if u in bought:
            lo[i], hi[i] = 0.0, float(bought[u][0])
    budget = float(cost @ today) if budget_yuan is None else float(budget_yuan)
    problem = AllocationProblem(
        units=tuple(f"{a}/{k}" for a, k in units),
        curves=tuple(fits[u].curve for u in units),
        cost=cost, lo=lo, hi=hi, today=today,
        group=tuple(a for a, _ in units),
        certified=np.array([s.inspector_kinds[k].can_penalise for _, k in units]),
        budget=budget,
        headcount=headcount,
        min_per_group=({a: float(min_per_district) for a, _ in units}
                       if min_per_district is not None else {}),
        certified_share=certified_share,
    )  # fmt: skip
    return problem, units


def bought_price(
    s: Scenario, a: str, kind: str, per_visit: dict[str, float] | None = None
) -> float:
    """Yearly cost of one bought post of ``kind`` in district ``a``: its yearly cost plus the
    fee for every routine visit its hours could make (hours a year × inspection share ÷ the
    mean hours of a routine visit in the pool it joins, today's). An upper bound — a post in a
    pool with hours to spare makes fewer — so a plan within budget stays within it when
    simulated. ``per_visit``: :func:`anjian.inspector_frequencies.pool_visit_hours` of ``s``,
    if at hand."""
    spec = s.inspector_kinds[kind]
    _, staff_pool = pool_keys(s)
    pools = sorted({q for (b, k2), q in staff_pool.items() if b == a
                    and s.inspector_kinds[k2].scope == "district"
                    and s.inspector_kinds[k2].department == spec.department})  # fmt: skip
    per_visit = pool_visit_hours(s) if per_visit is None else per_visit
    hours = spec.hours_per_day * spec.days_per_year * spec.inspection_time_share
    visit = min((per_visit[q] for q in pools if q in per_visit), default=0.0)
    fee = spec.cost_yuan_per_inspection * hours / visit if visit > 0 else 0.0
    return float(spec.head_cost_yuan_per_year + fee)


def _verify(
    cases: dict[str, Scenario],
    objective: Objective,
    cfg: InspectionConfig,
    reps: int,
    workers: int | None,
) -> tuple[pd.DataFrame, tuple[float, float]]:
    """Each case simulated on the whole city, ``reps`` replications with common random
    numbers, in parallel: each case − today and the plan − each rule (``plan_vs_<rule>``),
    paired, and today's values; and the plan's gain on the optimizer's own objective
    (deaths averted a year, or on-time inspections a year) with its CI."""
    jobs = [(name, rep) for name in cases for rep in range(reps)]
    runs = map_tasks(_city_run, (cases, cfg), jobs, workers=workers)
    kpis = {name: pd.concat([f for (n, _), f in zip(jobs, runs, strict=True) if n == name],
                            ignore_index=True) for name in cases}  # fmt: skip
    pairs = [(name, "today", name) for name in cases if name != "today"]
    pairs += [(f"plan_vs_{name}", name, "plan") for name in cases if name.startswith("by_")]
    rows = []
    for label, ref, other in pairs:
        diff = paired_difference(kpis[ref], kpis[other])
        for r in diff[diff["kpi"].isin(VERIFY_KPIS)].itertuples():
            rows.append({"case": label, "kpi": r.kpi, "difference": r.mean,
                         "half_width": r.half_width})  # fmt: skip
    today = summarize(kpis["today"])
    for r in today[today["kpi"].isin(VERIFY_KPIS)].itertuples():
        rows.append({"case": "today", "kpi": r.kpi, "difference": r.mean,
                     "half_width": r.half_width})  # fmt: skip

    def gain(frame: pd.DataFrame) -> pd.Series:
        w = frame.pivot_table(index="rep", columns="kpi", values="value")
        if objective == "ontime":
            return w["on_time_rate"] * w["routine_done"]
        return -w["expected_deaths_per_year"]

    g = (gain(kpis["plan"]) - gain(kpis["today"])).to_numpy(float)
    mean, half, _ = t_interval(g)
    return pd.DataFrame(rows), (float(mean), float(half))


def _city_run(
    shared: tuple[dict[str, Scenario], InspectionConfig], job: tuple[str, int]
) -> pd.DataFrame:
    """One whole-city replication of one case: its city-level KPIs."""
    cases, cfg = shared
    name, rep = job
    collect_now_and_then()
    r = simulate_inspections(cases[name], replace(cfg, replication=rep))
    return r.kpis[r.kpis["level"] == "city"].reset_index(drop=True)
