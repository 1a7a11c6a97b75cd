"""Hypercube-corrected MEXCLP: busy fractions from Larson's hypercube model, iterated to a
fixed point (in the spirit of Batta, Dolan & Krishnamurthy 1989 and Jarvis's AHQ).

Daskin's MEXCLP assumes every vehicle is busy with the same probability q, independently. In
a real fleet the vehicles near dense demand are busier. The iteration:

1. q_i ← the system busy fraction ``λ·E[S] / N`` for every demand point;
2. solve MEXCLP with the per-point q_i (:func:`anjian.optimize.covering.mexclp`);
3. run :func:`anjian.sim.hypercube.hypercube_approx` on the placement: one unit per vehicle,
   atoms = demand points with call rates ``λ_i`` (the weights, per year), nearest-first
   preferences, service time ``E[S]``; it returns each unit's workload ρ_n;
4. q_i ← the mean workload of the vehicles covering i (the system fraction if none does);
5. repeat from 2 until the placement repeats and the q change by less than ``tolerance``,
   or ``max_rounds`` is reached.

The returned plan is the best placement seen by its **hypercube-evaluated** expected coverage
``Σ_i w_i (1 − Π_{n covers i} ρ_n)`` (reported in ``notes``); its ``objective`` is the MEXCLP
objective at the q_i it was solved with, which the checker recomputes.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from anjian.scenarios.timebase import MIN_PER_YEAR
from anjian.sim.hypercube import hypercube_approx

from .covering import mexclp
from .errors import InstanceError
from .instance import LocationInstance, Rules
from .mip import Solver
from .plan import LocationPlan


def unit_workloads(
    inst: LocationInstance, counts: dict[str, int], service_min: float
) -> tuple[np.ndarray, np.ndarray]:
    """Hypercube workloads of the vehicles of a placement, and each vehicle's site column."""
    cols = inst.site_index(list(counts), "plan")
    unit_site = np.repeat(cols, [counts[inst.site_ids[j]] for j in cols])
    lam = inst.weight / MIN_PER_YEAR  # calls per minute
    pref = np.argsort(inst.cost[:, unit_site], axis=1, kind="stable")
    hc = hypercube_approx(lam, pref, service_rate=1.0 / service_min, capacity="infinite")
    return np.asarray(hc.workload), unit_site


def mexclp_hypercube(
    inst: LocationInstance,
    vehicles: int,
    service_min: float,
    rules: Rules | None = None,
    *,
    max_rounds: int = 8,
    tolerance: float = 1e-3,
    time_limit_s: float = 60.0,
    solver: Solver = "highs",
) -> LocationPlan:
    """MEXCLP with busy fractions from the hypercube model (see the module docstring).

    Parameters
    ----------
    service_min
        Mean time a vehicle is busy per call (travel + on scene + return), minutes.

    Raises
    ------
    InstanceError
        If the offered load ``λ·E[S]`` reaches the number of vehicles (no steady state).
    """
    if not np.isfinite(service_min) or service_min <= 0:
        raise InstanceError(f"service_min must be a positive number, got {service_min}")
    if time_limit_s <= 0:
        raise InstanceError(f"time_limit_s must be positive, got {time_limit_s}")
    load = float(inst.weight.sum()) / MIN_PER_YEAR * service_min
    if load >= vehicles:
        raise InstanceError(
            f"offered load {load:.2f} vehicle-equivalents ≥ {vehicles} vehicles: the fleet "
            "cannot keep up; add vehicles or check the weights (calls per year)"
        )
    cover = inst.coverage()
    q = np.full(inst.n_demand, load / vehicles)
    t0 = time.perf_counter()
    best: tuple[float, LocationPlan, int] | None = None
    seen: set[tuple[tuple[str, int], ...]] = set()
    converged = False
    for rnd in range(1, max_rounds + 1):
        left = time_limit_s - (time.perf_counter() - t0)
        if left <= 0:
            break
        plan = mexclp(
            inst,
            vehicles,
            q,
            rules,
            time_limit_s=left,
            solver=solver,
            model_name="mexclp_hypercube",
        )
        rho, unit_site = unit_workloads(inst, dict(plan.counts), service_min)
        covers = cover[:, unit_site]  # demand × unit
        busy_all = np.where(covers, rho[None, :], 1.0).prod(axis=1)
        value = float(np.dot(inst.weight, 1.0 - busy_all))
        if best is None or value > best[0] + 1e-9:
            best = (value, plan, rnd)
        n_cov = covers.sum(axis=1)
        new_q = np.where(
            n_cov > 0, (covers * rho[None, :]).sum(axis=1) / np.maximum(n_cov, 1), load / vehicles
        )
        key = tuple(sorted(plan.counts.items()))
        if key in seen and np.max(np.abs(new_q - q)) < tolerance:
            converged = True
            break
        seen.add(key)
        q = np.minimum(new_q, 0.999)
    assert best is not None  # the first round always runs (time_limit_s > 0)
    value, plan, rnd = best
    note = (
        f"hypercube expected coverage {value:.6g} (round {rnd}); "
        f"{'fixed point reached' if converged else 'stopped at the round limit'}"
    )
    return dataclasses.replace(
        plan,
        solve_seconds=time.perf_counter() - t0,
        iterations=rnd,
        parameters={
            **plan.parameters,
            "service_min": service_min,
            "hypercube_coverage": value,
            "converged": converged,
        },
        notes=(note,),
    )
