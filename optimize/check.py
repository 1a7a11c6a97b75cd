"""Independent checker: recompute a plan's objective and feasibility from the data alone.

Nothing here looks at solver variables. Given the instance, the model's parameters and the
plan's open sites (and vehicle counts, or CFLP flows), it computes the objective the way the
model defines it and lists every violated constraint. Every model calls it on the plan it
returns, and the tests call it again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .instance import LocationInstance, Rules
from .plan import LocationPlan


@dataclass(frozen=True)
class CheckReport:
    """Recomputed objective and the violated constraints (empty when the plan is feasible)."""

    objective: float
    violations: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.violations


def nearest_open(cost: np.ndarray, open_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cost from each demand point to its nearest open site, and that site's column index
    (−1 and ``inf`` when no site is open)."""
    if open_idx.size == 0:
        n = cost.shape[0]
        return np.full(n, np.inf), np.full(n, -1)
    sub = cost[:, open_idx]
    k = np.argmin(sub, axis=1)
    best = sub[np.arange(cost.shape[0]), k]
    return best, np.where(np.isfinite(best), open_idx[k], -1)


def counts_array(inst: LocationInstance, counts: dict[str, int]) -> np.ndarray:
    """Vehicles per site as an array in instance column order."""
    y = np.zeros(inst.n_sites)
    y[inst.site_index(list(counts), "plan")] = list(counts.values())
    return y


def objective_of(
    model: str,
    inst: LocationInstance,
    y: np.ndarray,
    *,
    busy_fraction: float | np.ndarray | None = None,
) -> float:
    """The objective of ``model`` for site counts ``y`` (see :class:`LocationPlan`)."""
    open_idx = np.flatnonzero(y > 0.5)
    best, _ = nearest_open(inst.cost, open_idx)
    if model == "pmedian":
        return float(np.dot(inst.weight, best))
    if model == "pcenter":
        return float(best.max())
    if model == "lscp":
        return float(open_idx.size)
    cover = inst.coverage()
    if model == "mclp":
        return float(inst.weight[cover[:, open_idx].any(axis=1)].sum())
    if model in ("mexclp", "mexclp_hypercube"):
        q = np.broadcast_to(np.asarray(busy_fraction, dtype=float), (inst.n_demand,))
        n_cover = cover.astype(float) @ np.round(y)
        return float(np.dot(inst.weight, 1.0 - q**n_cover))
    raise ValueError(f"unknown model {model!r}")


def check_plan(
    inst: LocationInstance,
    plan: LocationPlan,
    rules: Rules | None = None,
    *,
    p: int | None = None,
    busy_fraction: float | np.ndarray | None = None,
    tol: float = 1e-6,
) -> CheckReport:
    """Recompute ``plan``'s objective and list violated constraints.

    Parameters
    ----------
    p
        Most open sites (vehicles for MEXCLP); ``None`` skips the check (LSCP).
    busy_fraction
        MEXCLP's busy probability (scalar or per demand point).
    """
    rules = rules or Rules()
    y = counts_array(inst, dict(plan.counts))
    bad: list[str] = []
    if np.any(y < 0) or np.any(np.abs(y - np.round(y)) > tol):
        bad.append("vehicle counts must be non-negative integers")
    if set(plan.open_sites) != {s for s, c in plan.counts.items() if c > 0}:
        bad.append("open_sites and counts disagree")
    total = float(y.sum())
    if p is not None and total > p + tol:
        bad.append(f"{total:g} opened/placed but p = {p}")
    opened = {inst.site_ids[j] for j in np.flatnonzero(y > 0.5)}
    missing = [s for s in rules.fixed_open if s not in opened]
    if missing:
        bad.append(f"fixed-open sites not open: {missing[:5]}")
    used_closed = [s for s in rules.closed if s in opened]
    if used_closed:
        bad.append(f"closed sites used: {used_closed[:5]}")
    if rules.max_relocations is not None:
        moved = len(opened - set(rules.current))
        if moved > rules.max_relocations:
            bad.append(f"{moved} relocations > {rules.max_relocations}")
    if rules.budget_yuan is not None and inst.site_cost is not None:
        spend = float(np.dot(inst.site_cost, y))
        if spend > rules.budget_yuan * (1 + 1e-9) + tol:
            bad.append(f"spend {spend:,.0f} yuan > budget {rules.budget_yuan:,.0f}")
    cap = inst.site_capacity
    if cap is not None and np.any(y > cap + tol):
        bad.append("a site holds more vehicles than its capacity")
    if rules.max_per_site is not None and np.any(y > rules.max_per_site + tol):
        bad.append(f"a site holds more than {rules.max_per_site} vehicles")
    if rules.min_coverage and inst.group is not None:
        covered = inst.coverage()[:, y > 0.5].any(axis=1)
        for g, share in rules.min_coverage.items():
            m = inst.group == g
            got = float(inst.weight[m & covered].sum()) / max(float(inst.weight[m].sum()), 1e-12)
            if got + tol < share:
                bad.append(f"group {g}: covered share {got:.4f} < {share}")
    if rules.within is not None:
        far = nearest_open(inst.cost, np.flatnonzero(y > 0.5))[0] > rules.within + 1e-9
        if far.any():
            bad.append(f"{int(far.sum())} demand points farther than within = {rules.within}")
    if plan.model == "lscp":
        uncovered = ~inst.coverage()[:, y > 0.5].any(axis=1)
        if uncovered.any():
            bad.append(f"{int(uncovered.sum())} demand points not covered")
    objective = objective_of(plan.model, inst, y, busy_fraction=busy_fraction)
    if abs(objective - plan.objective) > tol * max(1.0, abs(objective)):
        bad.append(f"reported objective {plan.objective} ≠ recomputed {objective}")
    sense_max = plan.model in ("mclp", "mexclp", "mexclp_hypercube")
    if np.isfinite(plan.bound):
        worse = (
            plan.bound < objective - tol * max(1.0, abs(objective))
            if sense_max
            else (plan.bound > objective + tol * max(1.0, abs(objective)))
        )
        if worse:
            bad.append(f"bound {plan.bound} is on the wrong side of objective {objective}")
    return CheckReport(objective=objective, violations=tuple(bad))
