"""Feed a vehicle plan back into the simulator: run today's fleet and the plan on the same
incidents (common random numbers) and compare their KPIs pairwise.

The optimizer works with mean travel and mobilisation times and (for MEXCLP) a busy
probability; the simulation adds random mobilisation, availability, queueing, mutual aid and
the incidents' seasonality. Agreement between the plan's promised coverage and the simulated
share within standard is what tells a planner the plan holds up.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from anjian.scenarios.scenario import Scenario
from anjian.sim.replicate import replicate_response
from anjian.sim.response import ResponseConfig
from anjian.sim.stats import paired_difference

from .plan import LocationPlan
from .vehicles import VehicleInstance, apply_plan

KPIS = (
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
        """One row per KPI: baseline, plan, difference with its CI half-width."""

        def city(df: pd.DataFrame) -> pd.DataFrame:
            sel = df[(df["level"] == "city") & (df["kpi"].isin(KPIS))]
            return sel.set_index("kpi")

        b, p, d = city(self.baseline), city(self.plan), city(self.difference)
        return pd.DataFrame(
            {
                "baseline": b["mean"],
                "plan": p["mean"],
                "difference": d["mean"],
                "half_width": d["half_width"],
            }
        ).reindex(list(KPIS))


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
