"""The simulation–optimization loop for vehicles (issue 18): optimise → simulate the plan →
update what the optimizer assumed → re-optimise, until stable.

Daskin's MEXCLP places ``p`` vehicles assuming each is busy with probability ``q``. The API's
default ``q`` is the offered load per vehicle (λ·E[S]/p), which ignores everything the
simulator knows: calls handed to rented vehicles, mutual aid, the dispatch rule, time lost to
mobilisation and return. As in the Val-de-Marne EMS study (the simulator re-estimates the busy
fractions instead of being a black box at the end), every iteration here:

1. solves MEXCLP with the current ``q`` (:func:`anjian.optimize.api.optimize_vehicles`);
2. applies the plan and simulates it (``reps`` × ``years``, the same seed every iteration:
   common random numbers, so iterations differ only by the plan);
3. measures the planned vehicles' busy fraction (their utilisation, units-weighted over the
   planned kinds, with a 95% CI over replications) and the share of incidents reached within
   the standard, against the optimizer's predicted expected coverage share (the gap);
4. sets ``q`` to the simulated busy fraction.

It stops **converged** when the simulated busy fraction lies within ``tol`` (or its CI
half-width, if larger) of the ``q`` the plan was solved with and the plan is, for MEXCLP at
that ``q``, as good as the previous one: the same plan, or (when a time limit left a gap) the
previous plan's expected coverage at the new ``q`` is within the solver's proven gap of the
new plan's — two equally good solutions of the same model. That is a fixed point of the loop.
It stops unconverged at ``max_iter`` or when a plan seen before returns with a
different ``q`` (a cycle); the result says which.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from anjian.optimize.api import VehicleSolution, service_minutes
from anjian.optimize.api import optimize_vehicles as _solve
from anjian.optimize.check import objective_of
from anjian.optimize.vehicles import apply_plan, vehicle_instance
from anjian.scenarios import load_scenario
from anjian.scenarios.scenario import Scenario
from anjian.scenarios.timebase import MIN_PER_YEAR
from anjian.sim.replicate import replicate_response
from anjian.sim.response import ResponseConfig
from anjian.sim.stats import t_interval

COLUMNS = [
    "iteration",
    "busy_fraction_assumed",
    "busy_fraction_simulated",
    "busy_fraction_half_width",
    "predicted_coverage_share",  # MEXCLP's expected covered weight / total weight
    "simulated_within_standard_share",
    "simulated_within_standard_half_width",
    "gap",  # predicted − simulated
    "sites_changed",  # vehicles placed differently from the previous iteration
    "solve_seconds",
    "simulate_seconds",
]
MAX_Q = 0.95


@dataclass(frozen=True)
class LoopResult:
    """The iterations (``COLUMNS``), the last plan (solution and the scenario with it), the
    city KPIs of the last plan simulated (mean, CI), whether the loop converged and why it
    stopped (中文 / English), and its settings."""

    iterations: pd.DataFrame
    solution: VehicleSolution
    planned: Scenario
    summary: pd.DataFrame
    converged: bool
    reason: str
    settings: dict[str, Any]


def _per_rep(kpis: pd.DataFrame, level: str, key: str, kpi: str) -> pd.Series:
    rows = kpis[(kpis["level"] == level) & (kpis["key"] == key) & (kpis["kpi"] == kpi)]
    return rows.set_index("rep")["value"].astype(float)


def busy_fraction(kpis: pd.DataFrame, kinds: tuple[str, ...]) -> tuple[float, float]:
    """The planned kinds' utilisation per replication, weighted by their units, as mean and
    95% half-width over replications (tidy response KPIs: rep, level, key, kpi, value)."""
    num: pd.Series | None = None
    den: pd.Series | None = None
    for k in kinds:
        units = _per_rep(kpis, "vehicle_kind", k, "units")
        util = _per_rep(kpis, "vehicle_kind", k, "utilisation").fillna(0.0)
        part = units * util.reindex(units.index).fillna(0.0)
        num = part if num is None else num.add(part, fill_value=0.0)
        den = units if den is None else den.add(units, fill_value=0.0)
    if num is None or den is None or not (den > 0).any():
        return float("nan"), float("nan")
    mean, half, _ = t_interval((num / den.where(den > 0)).to_numpy())
    return mean, half


def _counts(sol: VehicleSolution) -> dict[str, int]:
    return {str(k): int(v) for k, v in sol.plan.counts.items() if int(v) > 0}


def _moved(a: dict[str, int], b: dict[str, int]) -> int:
    """Vehicles placed differently between two plans (half the absolute count difference)."""
    keys = set(a) | set(b)
    return sum(abs(a.get(k, 0) - b.get(k, 0)) for k in keys) // 2


def _y(sol: VehicleSolution, counts: dict[str, int]) -> np.ndarray:
    """Vehicles per site of ``sol``'s instance for a plan's counts."""
    ids = [str(i) for i in sol.vehicles.instance.site_ids]
    return np.array([counts.get(i, 0) for i in ids], dtype=float)


def equally_good(sol: VehicleSolution, prev: dict[str, int], q: float) -> bool:
    """Whether the previous plan ``prev`` is, for MEXCLP at ``q``, within the new solution's
    proven gap of it (absolute slack 1e-9 of the objective)."""
    inst = sol.vehicles.instance
    if set(prev) - {str(i) for i in inst.site_ids}:
        return False
    old = objective_of("mexclp", inst, _y(sol, prev), busy_fraction=q)
    new = float(sol.plan.objective)
    slack = max(abs(new) * (sol.plan.gap if np.isfinite(sol.plan.gap) else 0.0), 1e-9 * abs(new))
    return old >= new - slack


def vehicle_loop(
    scenario: str | Path | Scenario,
    *,
    vehicles: int | None = None,
    years: float = 1.0,
    reps: int = 3,
    seed: int = 0,
    max_iter: int = 6,
    tol: float = 0.01,
    busy_fraction_start: float | None = None,
    config: ResponseConfig | None = None,
    time_limit_s: float = 60.0,
    role: str = "rescue",
    kinds: list[str] | None = None,
    standard_min: float | None = None,
    resolution: str | None = None,
    progress: Any = None,
) -> LoopResult:
    """MEXCLP and the response simulator in a loop (see the module docstring). ``vehicles``:
    how many to place (default: today's number of the planned kinds); ``busy_fraction_start``:
    the first ``q`` (default: the offered load per vehicle); ``config``: the simulation's
    settings (default: ``ResponseConfig(years, seed)``)."""
    if reps < 2:
        raise ValueError(f"reps must be at least 2 for a confidence interval, got {reps}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be ≥ 1, got {max_iter}")
    if not 0 < tol < 1:
        raise ValueError(f"tol must be a share between 0 and 1 (e.g. 0.01), got {tol}")
    if busy_fraction_start is not None and not 0 <= busy_fraction_start <= MAX_Q:
        raise ValueError(f"busy_fraction_start must lie in [0, {MAX_Q}], got {busy_fraction_start}")
    s = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if resolution is not None:
        s = s.with_({"demand.resolution": resolution})
    tick = progress or (lambda _m: None)
    vi = vehicle_instance(s, role=role, kinds=kinds, standard_min=standard_min)
    p = vi.current_vehicles if vehicles is None else int(vehicles)
    if p < 1:
        raise ValueError(
            f"nothing to place: {p} vehicles of the planned kinds ({', '.join(vi.kinds)}); "
            "give --vehicles"
        )
    total = float(vi.instance.weight.sum())
    if busy_fraction_start is None:
        q = min(total / MIN_PER_YEAR * service_minutes(s, vi) / p, MAX_Q)
    else:
        q = float(busy_fraction_start)
    cfg = config or ResponseConfig(years=years, seed=seed)
    rows: list[dict[str, Any]] = []
    seen: list[tuple[dict[str, int], float]] = []
    reason, converged = "", False
    sol: VehicleSolution | None = None
    planned: Scenario = s
    summary = pd.DataFrame()
    prev: dict[str, int] | None = None
    for it in range(1, max_iter + 1):
        tick(f"第 {it} 次迭代 iteration {it}: q = {q:.3f}")
        t0 = time.perf_counter()
        sol = _solve(
            s,
            model="mexclp",
            vehicles=p,
            busy_fraction=q,
            time_limit_s=time_limit_s,
            role=role,
            kinds=kinds,
            standard_min=standard_min,
        )
        t1 = time.perf_counter()
        planned = apply_plan(s, sol.vehicles, sol.plan)
        res = replicate_response(planned, cfg, reps)
        t2 = time.perf_counter()
        summary = res.summary
        u, u_half = busy_fraction(res.kpis, sol.vehicles.kinds)
        w_mean, w_half, _ = t_interval(
            _per_rep(res.kpis, "city", "all", "within_standard_share").to_numpy()
        )
        predicted = float(sol.plan.objective) / total if total > 0 else float("nan")
        counts = _counts(sol)
        rows.append(
            {
                "iteration": it,
                "busy_fraction_assumed": q,
                "busy_fraction_simulated": u,
                "busy_fraction_half_width": u_half,
                "predicted_coverage_share": predicted,
                "simulated_within_standard_share": w_mean,
                "simulated_within_standard_half_width": w_half,
                "gap": predicted - w_mean,
                "sites_changed": np.nan if prev is None else _moved(prev, counts),
                "solve_seconds": t1 - t0,
                "simulate_seconds": t2 - t1,
            }
        )
        if not np.isfinite(u):
            reason = (
                "计划中的车辆类型没有被模拟到，无法估计忙碌概率。 / The planned kinds were not "
                "simulated: no busy fraction to feed back."
            )
            break
        close = abs(u - q) <= max(tol, u_half if np.isfinite(u_half) else 0.0)
        if prev is not None and close and (prev == counts or equally_good(sol, prev, q)):
            converged = True
            same_zh, same_en = (
                ("方案不变", "the plan repeats")
                if prev == counts
                else (
                    f"方案与上一次同样好（差距 {sol.plan.gap:.2%} 以内）",
                    f"the plan is as good as the previous one (within the {sol.plan.gap:.2%} "
                    "gap the solver proved)",
                )
            )
            reason = (
                f"第 {it} 次迭代收敛：{same_zh}，模拟忙碌概率 {u:.3f} 与假设 {q:.3f} 相符。 / "
                f"Converged at iteration {it}: {same_en} and the simulated busy fraction "
                f"{u:.3f} matches the {q:.3f} it was solved with."
            )
            break
        if any(c == counts and abs(q0 - q) > 1e-12 for c, q0 in seen[:-1]):
            reason = (
                f"第 {it} 次迭代：出现循环（之前的方案在不同的 q 下重现），停止。 / Iteration "
                f"{it}: a cycle (an earlier plan returned under a different q); stopped."
            )
            break
        seen.append((counts, q))
        prev = counts
        q = min(max(u, 0.0), MAX_Q)
    else:
        reason = f"{max_iter} 次迭代后仍未收敛。 / Not converged after {max_iter} iterations."
    assert sol is not None
    settings = {
        "scenario": s.meta.name,
        "model": "mexclp",
        "vehicles": p,
        "kinds": list(sol.vehicles.kinds),
        "role": role,
        "years": cfg.years,
        "reps": reps,
        "seed": cfg.seed,
        "max_iter": max_iter,
        "tol": tol,
    }
    return LoopResult(
        pd.DataFrame(rows, columns=COLUMNS), sol, planned, summary, converged, reason, settings
    )
