"""Capacitated facility location (single product, demand may be split), as in OR-Library's
cap instances (Beasley 1988).

Sets: facilities j (capacity s_j, fixed cost f_j), customers i (demand d_i); c_ij = cost of
supplying *all* of i's demand from j.
Variables: ``y_j ∈ {0,1}`` open; ``x_ij ∈ [0,1]`` share of i's demand supplied by j.

    min  Σ_j f_j y_j + Σ_ij c_ij x_ij
    (1)  Σ_j x_ij = 1                  ∀ i      demand met
    (2)  Σ_i d_i x_ij ≤ s_j y_j        ∀ j      capacity, only if open
    (3)  x_ij ≤ y_j                    ∀ i, j   strong linking (tightens the LP)
    (4)  Σ_j s_j y_j ≥ Σ_i d_i                  enough capacity (a valid cut)
    plus fixed-open / closed facilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import InfeasiblePlan, InstanceError, OptimizeError
from .instance import Rules
from .mip import Mip, Solver
from .orlib import CflpInstance
from .plan import LocationPlan
from .solution import raise_for_status


@dataclass(frozen=True)
class CflpCheck:
    """Recomputed cost and violations of a CFLP plan."""

    objective: float
    violations: tuple[str, ...]


def validate_cflp(inst: CflpInstance) -> None:
    """Raise :class:`InstanceError` for shapes or values that cannot be a CFLP instance."""
    m, n = inst.capacity.size, inst.demand.size
    if inst.fixed_cost.shape != (m,) or inst.cost.shape != (n, m):
        raise InstanceError(
            f"CFLP {inst.name}: capacity {inst.capacity.shape}, fixed cost "
            f"{inst.fixed_cost.shape}, demand {inst.demand.shape}, cost {inst.cost.shape} "
            "do not fit together (cost must be customers × facilities)"
        )
    for label, a in (
        ("capacity", inst.capacity),
        ("fixed cost", inst.fixed_cost),
        ("demand", inst.demand),
        ("cost", inst.cost),
    ):
        if not np.all(np.isfinite(a)) or np.any(a < 0):
            raise InstanceError(f"CFLP {inst.name}: {label} must be finite and ≥ 0")


def check_cflp(
    inst: CflpInstance, open_idx: np.ndarray, x: np.ndarray, tol: float = 1e-6
) -> CflpCheck:
    """Recompute the cost of shares ``x`` (n × m) with facilities ``open_idx`` open."""
    y = np.zeros(inst.capacity.size)
    y[open_idx] = 1.0
    bad = []
    if np.any(x < -tol):
        bad.append("negative shares")
    met = x.sum(axis=1)
    if np.any(np.abs(met - 1.0) > 1e-5):
        bad.append(f"{int(np.sum(np.abs(met - 1.0) > 1e-5))} customers not fully supplied")
    load = inst.demand @ x
    over = load > inst.capacity * y + 1e-5 * np.maximum(1.0, inst.capacity)
    if over.any():
        bad.append(f"facilities over capacity or closed but used: {np.flatnonzero(over)[:5]}")
    cost = float(inst.fixed_cost @ y + (inst.cost * x).sum())
    return CflpCheck(objective=cost, violations=tuple(bad))


def cflp(
    inst: CflpInstance,
    rules: Rules | None = None,
    *,
    site_ids: list[str] | None = None,
    demand_ids: list[str] | None = None,
    time_limit_s: float = 60.0,
    solver: Solver = "highs",
) -> LocationPlan:
    """Solve the capacitated facility location problem (see the module docstring)."""
    validate_cflp(inst)
    rules = rules or Rules()
    m, n = inst.capacity.size, inst.demand.size
    sids = site_ids or [str(j + 1) for j in range(m)]
    dids = demand_ids or [str(i + 1) for i in range(n)]
    pos = {s: j for j, s in enumerate(sids)}
    for s in (*rules.fixed_open, *rules.closed):
        if s not in pos:
            raise InstanceError(f"CFLP: unknown facility id {s!r}")
    ub = np.ones(m)
    ub[[pos[s] for s in rules.closed]] = 0.0
    lb = np.zeros(m)
    lb[[pos[s] for s in rules.fixed_open]] = 1.0
    total = float(inst.demand.sum())
    if float(inst.capacity @ ub) < total - 1e-9:
        raise InfeasiblePlan(
            f"CFLP {inst.name}: total demand {total:g} exceeds the capacity of all usable "
            f"facilities {float(inst.capacity @ ub):g}",
            binding=["capacity"],
        )
    mip = Mip()
    y = mip.add_vars(m, lb=lb, ub=ub, integer=True, obj=inst.fixed_cost)
    x = mip.add_vars(n * m, obj=inst.cost.ravel())  # x[i*m + j]
    ii, jj = np.divmod(np.arange(n * m), m)
    mip.add_rows(ii, x, 1.0, lb=1.0, ub=1.0, n_rows=n)  # (1)
    mip.add_rows(  # (2)
        np.concatenate([jj, np.arange(m)]),
        np.concatenate([x, y]),
        np.concatenate([inst.demand[ii], -inst.capacity]),
        ub=0.0,
        n_rows=m,
    )
    k = np.arange(n * m)
    mip.add_rows(
        np.concatenate([k, k]),
        np.concatenate([x, y[jj]]),  # (3)
        np.concatenate([np.ones(n * m), -np.ones(n * m)]),
        ub=0.0,
        n_rows=n * m,
    )
    mip.add_row(y, inst.capacity, lb=total)  # (4)
    res = mip.solve(time_limit_s=time_limit_s, solver=solver)
    raise_for_status(res, "CFLP", rules, m)
    yv = np.round(res.x[y])
    open_idx = np.flatnonzero(yv > 0.5)
    shares = np.clip(res.x[x].reshape(n, m), 0.0, None)
    shares[:, yv < 0.5] = 0.0
    shares /= shares.sum(axis=1, keepdims=True)
    report = check_cflp(inst, open_idx, shares)
    if report.violations:
        raise OptimizeError(f"CFLP: internal error, the plan fails its check: {report.violations}")
    main = np.argmax(shares, axis=1)
    flows = {
        (dids[i], sids[j]): float(shares[i, j])
        for i, j in zip(*np.nonzero(shares > 1e-9), strict=True)
    }
    return LocationPlan(
        model="cflp",
        status="optimal" if res.status == "optimal" else "feasible",
        objective=report.objective,
        bound=min(res.bound, report.objective),
        open_sites=tuple(sids[j] for j in open_idx),
        counts={sids[j]: 1 for j in open_idx},
        assignment={dids[i]: sids[int(main[i])] for i in range(n)},
        solve_seconds=res.seconds,
        parameters={"time_limit_s": time_limit_s, "solver": solver},
        flows=flows,
    )
