"""Vehicle plans, end to end: optimise, apply to the scenario, verify by simulation, tally.

The optimizer (:mod:`anjian.optimize`) places vehicles on mean travel and mobilisation times;
the simulator (:mod:`anjian.sim`) adds random mobilisation, availability, queueing, mutual aid
and the incidents' seasonality. Running today's fleet and the plan on the same incidents
(common random numbers) and comparing their KPIs pairwise is what tells a planner the plan holds
up. That is orchestration across the two packages, so it lives here, in the facade, and the CLI,
the app and scripts all call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from anjian.optimize.api import VehicleSolution
from anjian.optimize.api import optimize_vehicles as _solve_vehicles
from anjian.optimize.plan import LocationPlan
from anjian.optimize.vehicles import SEP, VehicleInstance, apply_plan
from anjian.scenarios.scenario import Scenario
from anjian.sim.replicate import replicate_response
from anjian.sim.response import ResponseConfig
from anjian.sim.stats import paired_difference

#: What the location models are called in the app and reports (中文, English), one per model of
#: :data:`anjian.optimize.api.MODELS`, in that order.
MODEL_LABELS: dict[str, dict[str, str]] = {
    "mclp": {"zh": "最大覆盖（MCLP）", "en": "Maximal covering (MCLP)"},
    "pmedian": {"zh": "p-中位（总时间最短）", "en": "p-median (least total time)"},
    "pcenter": {"zh": "p-中心（最坏时间最短）", "en": "p-center (least worst time)"},
    "lscp": {
        "zh": "集合覆盖（最少车辆全覆盖）",
        "en": "Set covering (fewest vehicles, all covered)",
    },
    "mexclp": {"zh": "期望覆盖（MEXCLP）", "en": "Expected covering (MEXCLP)"},
    "mexclp_hypercube": {"zh": "期望覆盖+排队修正", "en": "Expected covering, hypercube-corrected"},
}

#: The city KPIs a plan's verification compares (response model).
VERIFY_KPIS = (
    "response_mean_min",
    "response_p90_min",
    "within_standard_share",
    "served_share",
    "mutual_aid_share",
)


@dataclass(frozen=True)
class Verification:
    """City KPIs of the baseline and the plan (mean, CI) and their paired difference."""

    baseline: pd.DataFrame
    plan: pd.DataFrame
    difference: pd.DataFrame
    planned_scenario: Scenario
    baseline_kpis: pd.DataFrame | None = None  # per replication (rep, level, key, kpi, value)
    plan_kpis: pd.DataFrame | None = None

    def table(self) -> pd.DataFrame:
        """One row per KPI of :data:`VERIFY_KPIS`: baseline, plan, difference with its CI
        half-width."""

        def city(df: pd.DataFrame) -> pd.DataFrame:
            sel = df[(df["level"] == "city") & (df["kpi"].isin(VERIFY_KPIS))]
            return sel.set_index("kpi")

        b, p, d = city(self.baseline), city(self.plan), city(self.difference)
        return pd.DataFrame(
            {
                "baseline": b["mean"],
                "plan": p["mean"],
                "difference": d["mean"],
                "half_width": d["half_width"],
            }
        ).reindex(list(VERIFY_KPIS))


@dataclass(frozen=True)
class VehiclePlanResult:
    """A vehicle plan with the instance it solved, its yearly cost and (if asked) its
    simulated verification against today's fleet."""

    plan: LocationPlan
    vehicles: VehicleInstance
    scenario: Scenario
    spend_yuan: float
    verification: Verification | None = None
    fixed_yuan: float = 0.0


def apply_vehicle_plan(scenario: Scenario, vi: VehicleInstance, plan: LocationPlan) -> Scenario:
    """The scenario with the planned kinds' vehicles placed as ``plan`` says (validated)."""
    return apply_plan(scenario, vi, plan)


def verify_vehicle_plan(
    scenario: Scenario,
    vi: VehicleInstance,
    plan: LocationPlan,
    *,
    years: float = 1.0,
    reps: int = 5,
    seed: int = 0,
) -> Verification:
    """Simulate ``scenario`` as it is and with ``plan`` applied, same seeds, and compare."""
    cfg = ResponseConfig(years=years, seed=seed)
    planned = apply_plan(scenario, vi, plan)
    base = replicate_response(scenario, cfg, reps)
    new = replicate_response(planned, cfg, reps)
    diff = paired_difference(base.kpis, new.kpis)
    return Verification(base.summary, new.summary, diff, planned, base.kpis, new.kpis)


def optimize_vehicles(
    scenario: str | Path | Scenario,
    *,
    verify_reps: int = 0,
    verify_years: float = 1.0,
    **options: Any,
) -> VehiclePlanResult:
    """Place a scenario's dedicated / contracted vehicles and, with ``verify_reps`` > 0,
    simulate the plan against today's fleet.

    ``options`` are those of :func:`anjian.optimize.api.optimize_vehicles` (``model``,
    ``vehicles``, ``standard_min``, ``budget_yuan``, ``time_limit_s``, ``resolution``, ``role``,
    ``kinds``, ``busy_fraction``, ``max_relocations``, ``keep_existing``, ``min_coverage``,
    ``equity_by``).

    Raises
    ------
    ScenarioError
        For a scenario that does not load.
    OptimizeError
        For a model, rule or instance that cannot be solved (``InfeasiblePlan`` names the
        binding data).
    """
    sol: VehicleSolution = _solve_vehicles(scenario, **options)
    ver = None
    if verify_reps > 0:
        ver = verify_vehicle_plan(
            sol.scenario, sol.vehicles, sol.plan, years=verify_years, reps=verify_reps
        )
    return VehiclePlanResult(
        sol.plan, sol.vehicles, sol.scenario, sol.spend_yuan, ver, fixed_yuan=sol.fixed_yuan
    )


def placed_vehicles(result: VehiclePlanResult) -> pd.DataFrame:
    """One row per planned post: ``site`` id, ``kind``, ``adcode``, ``lon``, ``lat``,
    ``vehicles``."""
    rows = []
    for site, n in result.plan.counts.items():
        kind, _, loc = site.partition(SEP)
        adcode, lon, lat = result.vehicles.locations[loc]
        rows.append(
            {"site": site, "kind": kind, "adcode": adcode, "lon": lon, "lat": lat, "vehicles": n}
        )
    cols = ["site", "kind", "adcode", "lon", "lat", "vehicles"]
    return pd.DataFrame(rows, columns=cols)


def plan_by_district(result: VehiclePlanResult) -> pd.DataFrame:
    """Vehicles of the planned kinds per district: ``adcode``, ``today`` (in today's depots)
    and ``plan``, and ``others_today``: today's vehicles of the other kinds of the role (the
    rented ones), which a plan keeps; one row per district of the scenario in its order."""
    s = result.scenario
    today = dict.fromkeys(s.districts, 0)
    others = dict.fromkeys(s.districts, 0)
    role = {s.vehicle_kinds[k].role for k in result.vehicles.kinds}
    planned = set(result.vehicles.kinds)
    rest = [k for k, v in s.vehicle_kinds.items() if v.role in role and k not in planned]
    for d in s.depots.values():
        today[d.adcode] += sum(d.vehicles.get(k, 0) for k in result.vehicles.kinds)
        others[d.adcode] += sum(d.vehicles.get(k, 0) for k in rest)
    placed = placed_vehicles(result)
    per = placed.groupby("adcode")["vehicles"].sum() if len(placed) else pd.Series(dtype=int)
    out = pd.DataFrame({"adcode": list(s.districts)})
    out["today"] = out["adcode"].map(today).astype(int)
    out["plan"] = out["adcode"].map(per).fillna(0).astype(int)
    out["others_today"] = out["adcode"].map(others).astype(int)
    return out
