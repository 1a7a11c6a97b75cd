"""Covering models: LSCP, MCLP and MEXCLP.

A demand point i is covered by site j when ``cost[i, j] ≤ r_i`` (the standard, which may differ
by region group); ``N_i`` = the usable sites covering i. Only covering pairs enter the models
(the "covering pairs within the standard" reduction, exact by definition).

**LSCP** (Toregas et al. 1971) — fewest sites (or cheapest, with site costs) covering all demand::

    min Σ_j y_j            (1) Σ_{j∈N_i} y_j ≥ 1  ∀ i        y_j ∈ {0,1}

**MCLP** (Church & ReVelle 1974) — most demand covered with at most p sites::

    max Σ_i w_i z_i        (1) z_i ≤ Σ_{j∈N_i} y_j  ∀ i      (2) Σ_j y_j ≤ p
                           y_j ∈ {0,1}, z_i ∈ [0,1] (integral at an optimum for integral y)

**MEXCLP** (Daskin 1983) — p vehicles, each busy with probability q; expected covered demand::

    max Σ_i Σ_{k=1..K_i} w_i (1−q_i) q_i^{k−1} z_ik
    (1) Σ_k z_ik ≤ Σ_{j∈N_i} x_j  ∀ i        (2) Σ_j x_j ≤ p
    x_j ∈ {0, …, cap_j} integer, z_ik ∈ [0,1], K_i = min(p, Σ_{j∈N_i} cap_j)

The coefficients fall with k, so the z's fill in order and the objective equals
``Σ_i w_i (1 − q_i^{n_i})`` with ``n_i`` the vehicles covering i. A scalar q is Daskin's
model; a q per demand point is the hypercube-corrected variant
(:mod:`anjian.optimize.hypercube_fixed_point`).

All three take the rules of :mod:`anjian.optimize.constraints`.
"""

from __future__ import annotations

import time

import numpy as np

from .constraints import (
    add_equity,
    add_site_rules,
    cover_dominated,
    raise_uncoverable,
    site_bounds,
    uncoverable,
)
from .errors import InstanceError
from .instance import LocationInstance, Rules
from .median import _cover_mip
from .mip import Mip, Solver
from .plan import LocationPlan
from .solution import make_plan, raise_for_status


def _status(res_status: str) -> str:
    return "optimal" if res_status == "optimal" else "feasible"


def lscp(
    inst: LocationInstance,
    rules: Rules | None = None,
    *,
    time_limit_s: float = 60.0,
    solver: Solver = "highs",
    minimise_cost: bool = False,
) -> LocationPlan:
    """Fewest sites (or, with ``minimise_cost``, cheapest by ``site_cost``) covering every
    demand point within its standard.

    Raises
    ------
    InfeasiblePlan
        Naming the demand points no candidate covers, or the rules that exclude a full cover.
    """
    rules = rules or Rules()
    lb, ub = site_bounds(inst, rules, max(1, inst.n_sites))
    cover = inst.coverage()
    raise_uncoverable(inst, uncoverable(inst, cover, ub), "LSCP")
    ub[cover_dominated(inst, rules, cover, ub, compare_cost=minimise_cost)] = 0.0
    if minimise_cost and inst.site_cost is None:
        raise InstanceError("minimise_cost needs site costs (site_cost) in the instance")
    mip, y = _cover_mip(cover, lb, ub, inst, rules, None, inst.site_cost if minimise_cost else None)
    res = mip.solve(time_limit_s=time_limit_s, solver=solver)
    raise_for_status(res, "LSCP", rules, inst.n_sites)
    # with unit costs the count is integral, so the bound may be rounded up
    bound = res.bound if minimise_cost else float(np.ceil(res.bound - 1e-6))
    return make_plan(
        inst,
        "lscp",
        res.x[y],
        status=_status(res.status),
        bound=bound,
        seconds=res.seconds,
        parameters={
            "radius": _radius_param(inst),
            "time_limit_s": time_limit_s,
            "minimise_cost": minimise_cost,
        },
        rules=rules,
        p=None,
    )


def _radius_param(inst: LocationInstance) -> float | list[float]:
    assert inst.radius is not None
    r = np.unique(inst.radius)
    return float(r[0]) if r.size == 1 else [float(v) for v in r]


def _nothing_covered(inst: LocationInstance, reached: int) -> tuple[str, ...]:
    """A note when no usable site covers any demand point within the radius: every plan
    then covers nothing, and the empty plan is as good as any."""
    if reached > 0:
        return ()
    radius = float(np.max(inst.radius)) if inst.radius is not None else float("nan")
    return (
        f"no usable site covers any demand point within the standard ({radius:g}): every plan "
        "covers nothing, so none is opened; raise the standard or add candidate sites",
    )


def mclp(
    inst: LocationInstance,
    p: int,
    rules: Rules | None = None,
    *,
    time_limit_s: float = 60.0,
    solver: Solver = "highs",
) -> LocationPlan:
    """At most ``p`` sites covering the most demand weight within the standard."""
    rules = rules or Rules()
    lb, ub = site_bounds(inst, rules, p)
    cover = inst.coverage()
    ub[cover_dominated(inst, rules, cover, ub)] = 0.0
    mip = Mip(maximize=True)
    y = mip.add_vars(inst.n_sites, lb=lb, ub=ub, integer=True)
    rows, cols = np.nonzero(cover)
    keep = ub[cols] > 0
    rows, cols = rows[keep], cols[keep]
    reach = np.unique(rows)
    z = mip.add_vars(reach.size, obj=inst.weight[reach])
    zpos = np.full(inst.n_demand, -1)
    zpos[reach] = np.arange(reach.size)
    mip.add_rows(  # (1) z_i − Σ_{j∈N_i} y_j ≤ 0
        np.concatenate([np.arange(reach.size), zpos[rows]]),
        np.concatenate([z, y[cols]]),
        np.concatenate([np.ones(reach.size), -np.ones(rows.size)]),
        ub=0.0,
        n_rows=reach.size,
    )
    mip.add_row(y, 1.0, ub=float(p))  # (2)
    add_site_rules(mip, y, inst, rules)
    add_equity(mip, y, inst, rules, cover, ub)
    res = mip.solve(time_limit_s=time_limit_s, solver=solver)
    raise_for_status(res, "MCLP", rules, p)
    return make_plan(
        inst,
        "mclp",
        res.x[y],
        notes=_nothing_covered(inst, reach.size),
        status=_status(res.status),
        bound=res.bound,
        seconds=res.seconds,
        parameters={"p": p, "radius": _radius_param(inst), "time_limit_s": time_limit_s},
        rules=rules,
        p=p,
    )


def mexclp(
    inst: LocationInstance,
    vehicles: int,
    busy_fraction: float | np.ndarray,
    rules: Rules | None = None,
    *,
    time_limit_s: float = 60.0,
    solver: Solver = "highs",
    model_name: str = "mexclp",
) -> LocationPlan:
    """Place ``vehicles`` (several may share a site) maximising expected covered demand when
    each vehicle is busy with probability ``busy_fraction`` (scalar, or one per demand point).
    """
    rules = rules or Rules()
    q = np.broadcast_to(np.asarray(busy_fraction, dtype=float), (inst.n_demand,)).copy()
    if np.any(~np.isfinite(q)) or np.any((q < 0) | (q >= 1)):
        raise InstanceError(f"busy_fraction must lie in [0, 1), got {busy_fraction!r}")
    lb, ub = site_bounds(inst, rules, vehicles, vehicles=True)
    cover = inst.coverage()
    t0 = time.perf_counter()
    mip = Mip(maximize=True)
    x = mip.add_vars(inst.n_sites, lb=lb, ub=ub, integer=True)
    rows, cols = np.nonzero(cover)
    keep = ub[cols] > 0
    rows, cols = rows[keep], cols[keep]
    kmax = np.minimum(vehicles, np.bincount(rows, weights=ub[cols], minlength=inst.n_demand))
    kmax = kmax.astype(int)
    zi = np.repeat(np.arange(inst.n_demand), kmax)
    zk = np.concatenate([np.arange(k) for k in kmax]) if zi.size else np.zeros(0, dtype=int)
    coef = inst.weight[zi] * (1.0 - q[zi]) * q[zi] ** zk
    z = mip.add_vars(zi.size, obj=coef)
    reach = np.flatnonzero(kmax > 0)
    rpos = np.full(inst.n_demand, -1)
    rpos[reach] = np.arange(reach.size)
    mip.add_rows(  # (1) Σ_k z_ik − Σ_{j∈N_i} x_j ≤ 0
        np.concatenate([rpos[zi], rpos[rows]]),
        np.concatenate([z, x[cols]]),
        np.concatenate([np.ones(zi.size), -np.ones(rows.size)]),
        ub=0.0,
        n_rows=reach.size,
    )
    mip.add_row(x, 1.0, ub=float(vehicles))  # (2)
    add_site_rules(mip, x, inst, rules)
    add_equity(mip, x, inst, rules, cover, ub)
    res = mip.solve(time_limit_s=time_limit_s, solver=solver)
    raise_for_status(res, "MEXCLP", rules, vehicles)
    notes = _nothing_covered(inst, reach.size)
    q_param: float | list[float] = float(q[0]) if np.all(q == q[0]) else q.tolist()
    return make_plan(
        inst,
        model_name,
        res.x[x],
        status=_status(res.status),
        bound=res.bound,
        seconds=time.perf_counter() - t0,
        parameters={
            "vehicles": vehicles,
            "busy_fraction": q_param,
            "radius": _radius_param(inst),
            "time_limit_s": time_limit_s,
        },
        rules=rules,
        p=vehicles,
        busy_fraction=q,
        notes=notes,
    )
