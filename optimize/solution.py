"""From solver output to a checked :class:`~anjian.optimize.plan.LocationPlan`, and from solver
statuses to results or specific errors."""

from __future__ import annotations

import numpy as np

from .check import check_plan, nearest_open, objective_of
from .constraints import describe_rules
from .errors import InfeasiblePlan, OptimizeError, SolverFailed
from .instance import LocationInstance, Rules
from .mip import MipResult
from .plan import LocationPlan


def raise_for_status(res: MipResult, model: str, rules: Rules, count: int) -> None:
    """Turn a result without a solution into :class:`InfeasiblePlan` or :class:`SolverFailed`."""
    if res.status == "infeasible":
        raise InfeasiblePlan(
            f"{model}: no plan satisfies all constraints together "
            f"({describe_rules(rules, count)}); relax one of them",
            binding=[describe_rules(rules, count)],
        )
    if res.status == "no_solution":
        raise SolverFailed(
            f"{model}: the time limit ended before any plan was found ({res.seconds:.1f} s); "
            "give a longer time limit"
        )
    if res.status == "error":
        raise SolverFailed(f"{model}: the solver failed: {res.detail or 'no detail'}")


def make_plan(
    inst: LocationInstance,
    model: str,
    y: np.ndarray,
    *,
    status: str,
    bound: float,
    seconds: float,
    parameters: dict[str, object],
    rules: Rules,
    p: int | None,
    busy_fraction: float | np.ndarray | None = None,
    iterations: int = 1,
    notes: tuple[str, ...] = (),
) -> LocationPlan:
    """Round ``y``, recompute the objective, assign demand, run the checker."""
    counts_arr = np.round(y).astype(int)
    open_idx = np.flatnonzero(counts_arr > 0)
    _, site = nearest_open(inst.cost, open_idx)
    objective = objective_of(model, inst, counts_arr.astype(float), busy_fraction=busy_fraction)
    plan = LocationPlan(
        model=model,
        status=status,
        objective=objective,
        bound=bound,
        open_sites=tuple(inst.site_ids[j] for j in open_idx),
        counts={inst.site_ids[j]: int(counts_arr[j]) for j in open_idx},
        assignment={
            d: (inst.site_ids[s] if s >= 0 else None)
            for d, s in zip(inst.demand_ids, site.tolist(), strict=True)
        },
        solve_seconds=seconds,
        parameters=parameters,
        iterations=iterations,
        notes=notes,
    )
    report = check_plan(inst, plan, rules, p=p, busy_fraction=busy_fraction, tol=1e-5)
    if not report.ok:
        raise OptimizeError(
            f"{model}: internal error, the plan fails its check: {report.violations}"
        )
    return plan
