"""Inspector plans, end to end (issue 16, first cut): district curves from the simulator →
concave fits → the allocation MIP → the plan simulated on the whole city against today's staff
and three simple rules (each kind's city total shared by premises, population or risk),
paired.

What is optimised: the headcount of every district- and township-scope kind in every district
(units), within a change limit from today, at no more than today's cost of those staff
(budget-neutral unless a budget is given). The objective is ``deaths`` (expected deaths averted
a year, from ``expected_deaths_per_year``) or ``ontime`` (routine inspections done on time). The
curves are sampled per district (:mod:`anjian.inspector_curves`), so a unit's curve assumes the
district's other staff stay as they are; the verification simulates the whole plan at once on
the whole city, which is the figure to trust. Not yet here: inspection frequencies and the
cadence table, hiring third-party inspections, repeating the loop until the plan is stable.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from anjian.inspector_curves import DEFAULT_FACTORS, fit_staff_curves, staff_curves
from anjian.optimize.allocation import (
    AllocationProblem,
    change_bounds,
    check_allocation,
    solve_allocation,
)
from anjian.optimize.errors import InstanceError
from anjian.scenarios.apportion import largest_remainder
from anjian.scenarios.scenario import Scenario
from anjian.sim.field_evidence import uninspected_accidents_per_site
from anjian.sim.inspection import InspectionConfig
from anjian.sim.replicate import replicate_inspections
from anjian.sim.stats import paired_difference

Objective = Literal["deaths", "ontime"]
KPI_OF = {"deaths": "expected_deaths_per_year", "ontime": "on_time_rate"}
VERIFY_KPIS = ("expected_deaths_per_year", "deaths_per_year", "accidents_per_year",
               "on_time_rate", "routine_done", "open_hazard_days", "hazards_detected",
               "inspection_cost_yuan_per_year")  # fmt: skip


@dataclass(frozen=True)
class InspectorPlan:
    """The plan (one row per district × kind: today, plan, change, cost), the fitted curves'
    error, the optimizer's own estimate, and (with ``verify``) the paired simulation of today,
    the plan and the simple rules (cases ``by_sites``, ``by_population``, ``by_risk``)."""

    table: pd.DataFrame
    objective: Objective
    estimate: float
    cost_today_yuan: float
    cost_plan_yuan: float
    fit_error: pd.DataFrame
    verification: pd.DataFrame | None
    planned: Scenario
    proportional: Scenario


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
    certified_share: float = 0.0,
    factors: tuple[float, ...] = DEFAULT_FACTORS,
    reps: int = 3,
    districts: list[str] | None = None,
    verify_reps: int = 0,
    config: InspectionConfig | None = None,
    workers: int | None = None,
    use_cache: bool = True,
) -> InspectorPlan:
    """Plan the headcounts (see the module docstring). ``headcount`` caps the planned units'
    heads in total (A3), ``min_per_district`` keeps at least that many of them in every district
    (A5), ``certified_share`` keeps at least that share of each district's planned heads of
    kinds with penalty powers (A6); ``None`` / 0: no such limit.

    Raises
    ------
    InstanceError
        For an unknown objective or district, or constraints no plan meets.
    """
    if objective not in KPI_OF:
        raise InstanceError(f"objective must be 'deaths' or 'ontime', got {objective!r}")
    if not 0.0 <= certified_share <= 1.0:
        raise InstanceError(f"the certified share must be between 0 and 1, got {certified_share}")
    for name, v in (("headcount", headcount), ("minimum per district", min_per_district)):
        if v is not None and not v >= 0:
            raise InstanceError(f"the {name} must be a number of heads (0 or more), got {v}")
    unknown = sorted(set(districts or ()) - set(s.districts))
    if unknown:
        raise InstanceError(f"unknown districts {unknown}")
    cfg = config or InspectionConfig(years=1.0, seed=0)
    curves = staff_curves(s, factors=factors, reps=reps, districts=districts, config=cfg,
                          workers=workers, use_cache=use_cache)  # fmt: skip
    fits = fit_staff_curves(curves, KPI_OF[objective])
    units = sorted(fits)
    cost = np.array([s.inspector_kinds[k].cost_yuan_per_year for _, k in units])
    today = np.array([float(s.staff[a][k]) for a, k in units])
    lo_c = np.array([fits[u].curve.x[0] for u in units])
    hi_c = np.array([fits[u].curve.x[-1] for u in units])
    lo, hi = change_bounds(today, lo_c, hi_c, max_change)
    cost_today = float(cost @ today)
    budget = cost_today if budget_yuan is None else float(budget_yuan)
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
    plan = solve_allocation(problem)
    broken = check_allocation(problem, plan.x)
    if broken:
        raise InstanceError("the allocation breaks its own constraints: " + "; ".join(broken))
    table = pd.DataFrame({
        "adcode": [a for a, _ in units],
        "district_zh": [s.districts[a].name_zh for a, _ in units],
        "district_pinyin": [s.districts[a].name_pinyin for a, _ in units],
        "kind": [k for _, k in units],
        "today": today.astype(int),
        "plan": plan.x.astype(int),
        "change": (plan.x - today).astype(int),
        "cost_change_yuan": cost * (plan.x - today),
    })  # fmt: skip
    fit_error = pd.DataFrame(
        [{"adcode": a, "kind": k, "max_abs_error": fits[(a, k)].max_abs_error,
          "mean_abs_error": fits[(a, k)].mean_abs_error} for a, k in units]
    )  # fmt: skip
    staff = {a: dict(row) for a, row in s.staff.items()}
    for (a, k), x in zip(units, plan.x, strict=True):
        staff[a][k] = int(x)
    planned = s.with_(staff=staff)
    kinds = sorted({k for _, k in units})
    rules = {by: s.with_(staff=proportional_staff(s, kinds, by)) for by in RULES}
    proportional = rules["sites"]
    estimate = plan.objective - problem.value(today)
    verification = None
    if verify_reps > 0:
        base = replicate_inspections(s, replace(cfg, replication=0), verify_reps)
        rows = []
        cases = [("plan", planned)] + [(f"by_{by}", v) for by, v in rules.items()]
        for name, variant in cases:
            runs = replicate_inspections(variant, replace(cfg, replication=0), verify_reps)
            diff = paired_difference(base.kpis, runs.kpis)
            city = diff[(diff["level"] == "city") & diff["kpi"].isin(VERIFY_KPIS)]
            for r in city.itertuples():
                rows.append({"case": name, "kpi": r.kpi, "difference": r.mean,
                             "half_width": r.half_width})  # fmt: skip
        today_city = base.summary[(base.summary["level"] == "city")
                                  & base.summary["kpi"].isin(VERIFY_KPIS)]  # fmt: skip
        for r in today_city.itertuples():
            rows.append({"case": "today", "kpi": r.kpi, "difference": r.mean,
                         "half_width": r.half_width})  # fmt: skip
        verification = pd.DataFrame(rows)
    return InspectorPlan(table, objective, float(estimate), cost_today,
                         float(cost @ plan.x), fit_error, verification, planned,
                         proportional)  # fmt: skip
