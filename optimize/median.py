"""p-median and p-center.

p-median (Hakimi 1964; ReVelle & Swain 1970) — minimise demand-weighted cost to the nearest of
at most p open sites. Solved exactly with a **nearest-k reduced formulation iterated to
optimality** (the reduction of Church 2003 / García, Labbé & Marín 2011, made exact by a
fallback variable):

Sets: demand points i, sites j, ``K_i`` = the k_i cheapest usable sites of i, ``c_i⁺`` = the
(k_i+1)-th cheapest cost of i (∞ if none).
Variables: ``y_j ∈ {0,1}`` open; ``x_ij ∈ [0,1]`` (j ∈ K_i) share of i served by j;
``u_i ∈ [0,1]`` share of i served beyond K_i.

    min  Σ_i w_i ( Σ_{j∈K_i} c_ij x_ij + c_i⁺ u_i )
    (1)  Σ_{j∈K_i} x_ij + u_i = 1                 ∀ i        assignment
    (2)  x_ij ≤ y_j                               ∀ i, j∈K_i  only open sites serve
    (3)  Σ_j y_j ≤ p                                          number of sites
    (R)  the rules of :mod:`anjian.optimize.constraints`

Any full solution maps to a reduced one of no greater cost (demand served beyond K_i pays at
least c_i⁺), so the reduced optimum is a lower bound. The reduced solution's sites, assigned
to their true nearest, give an upper bound; when the two meet the plan is optimal for the full
model. Otherwise k_i is doubled for the points that the open sites do not serve within K_i and
the model is solved again.

p-center (Hakimi 1965) — minimise the largest cost from a demand point to its nearest open
site (unweighted). Solved by bisection over the sorted distinct costs r: r is achievable iff a
set cover with radius r needs at most p sites (an LSCP solved as a MIP with the same rules).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time

import numpy as np

from .check import nearest_open
from .constraints import add_equity, add_site_rules, raise_uncoverable, site_bounds
from .errors import InfeasiblePlan, SolverFailed
from .instance import LocationInstance, Rules, _replace
from .mip import Mip, Solver
from .plan import LocationPlan
from .solution import make_plan, raise_for_status


def _floor(inst: LocationInstance) -> float:
    """The smallest objective the tolerances are relative to: 1e-9 of the largest weighted
    finite cost (so a zero objective is not judged on solver noise)."""
    finite = np.isfinite(inst.cost)
    largest = float((inst.weight[:, None] * np.where(finite, inst.cost, 0.0)).max(initial=0.0))
    return max(1e-9 * largest, 1e-300)


def sorted_sites(
    inst: LocationInstance, ub: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Usable sites of each demand point from cheapest to dearest: site columns, their costs,
    and how many of them are finite."""
    usable = np.flatnonzero(ub > 0)
    cost_u = inst.cost[:, usable]
    order_u = np.argsort(cost_u, axis=1, kind="stable")
    sorted_cost = np.take_along_axis(cost_u, order_u, axis=1)
    return usable[order_u], sorted_cost, np.isfinite(sorted_cost).sum(axis=1)


def _reduced_pmedian(
    inst: LocationInstance,
    order: np.ndarray,
    sorted_cost: np.ndarray,
    k: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    rules: Rules,
    p: int,
    relax: bool = False,
) -> tuple[Mip, np.ndarray]:
    n = inst.n_demand
    mip = Mip()
    y = mip.add_vars(inst.n_sites, lb=lb, ub=ub, integer=not relax)
    # x variables: the first k_i columns of each demand's sorted list
    mask = np.arange(order.shape[1])[None, :] < k[:, None]
    rows, pos = np.nonzero(mask)
    sites = order[rows, pos]
    x = mip.add_vars(rows.size, obj=inst.weight[rows] * sorted_cost[rows, pos])
    nxt = np.where(
        k < order.shape[1], sorted_cost[np.arange(n), np.minimum(k, order.shape[1] - 1)], np.inf
    )
    u_ub = np.where(np.isfinite(nxt), 1.0, 0.0)
    u = mip.add_vars(n, ub=u_ub, obj=np.where(np.isfinite(nxt), inst.weight * nxt, 0.0))
    # (1) assignment
    mip.add_rows(
        np.concatenate([rows, np.arange(n)]), np.concatenate([x, u]), 1.0, lb=1.0, ub=1.0, n_rows=n
    )
    # (2) x_ij − y_j ≤ 0
    m = rows.size
    mip.add_rows(
        np.concatenate([np.arange(m), np.arange(m)]),
        np.concatenate([x, y[sites]]),
        np.concatenate([np.ones(m), -np.ones(m)]),
        ub=0.0,
        n_rows=m,
    )
    mip.add_row(y, 1.0, ub=float(p))  # (3)
    add_site_rules(mip, y, inst, rules)  # (R)
    if rules.min_coverage:  # (R5) on y only: the reduced model stays a relaxation
        add_equity(mip, y, inst, rules, inst.coverage(), ub)
    return mip, y


FIXING_MAX_P = 20


def local_search(
    inst: LocationInstance, p: int, lb: np.ndarray, ub: np.ndarray, budget_s: float
) -> np.ndarray:
    """A good p-median solution for the reduced-cost test: greedy addition from the fixed
    sites, then Teitz–Bart interchange (best swap of each open site) until no swap improves or
    ``budget_s`` seconds pass. Returns 0/1 site values."""
    t0 = time.perf_counter()
    usable = np.flatnonzero(ub > 0)
    w = inst.weight
    cost_u = np.where(np.isfinite(inst.cost[:, usable]), inst.cost[:, usable], 1e15)
    fixed = [int(j) for j in np.flatnonzero(lb > 0)]
    chosen = list(fixed)
    best = np.full(inst.n_demand, 1e15)
    for j in chosen:
        best = np.minimum(best, np.where(np.isfinite(inst.cost[:, j]), inst.cost[:, j], 1e15))
    while len(chosen) < min(p, usable.size):
        gain = w @ np.maximum(best[:, None] - cost_u, 0.0)
        gain[np.isin(usable, chosen)] = -1.0
        c = int(np.argmax(gain))
        chosen.append(int(usable[c]))
        best = np.minimum(best, cost_u[:, c])
    pos = {int(j): q for q, j in enumerate(usable)}
    value = float(w @ best)
    improved = True
    while improved and time.perf_counter() - t0 < budget_s:
        improved = False
        for f in [j for j in chosen if j not in fixed]:
            others = [pos[j] for j in chosen if j != f]
            rest = cost_u[:, others].min(axis=1) if others else np.full(inst.n_demand, 1e15)
            cand = w @ np.minimum(rest[:, None], cost_u)
            cand[[pos[j] for j in chosen]] = np.inf
            c = int(np.argmin(cand))
            if cand[c] < value - 1e-9 * max(1.0, value):
                chosen[chosen.index(f)] = int(usable[c])
                value = float(cand[c])
                improved = True
            if time.perf_counter() - t0 >= budget_s:
                break
    out = np.zeros(inst.n_sites)
    out[chosen] = 1.0
    return out


def reduced_cost_fixing(
    inst: LocationInstance,
    p: int,
    lb: np.ndarray,
    ub: np.ndarray,
    rules: Rules,
    upper: float,
    time_limit_s: float,
    solver: Solver,
) -> np.ndarray:
    """Sites that no plan better than ``upper`` can open (LP reduced-cost test).

    The LP relaxation of the nearest-k model (itself a relaxation of the full p-median) gives a
    bound ``L`` and reduced costs ``r_j``; a plan opening site j costs at least ``L + r_j``, so
    sites with ``L + r_j > upper`` can be closed without losing any plan better than ``upper``.
    """
    order, sorted_cost, n_fin = sorted_sites(inst, ub)
    usable_n = int(np.count_nonzero(ub > 0))
    k = np.minimum(np.full(inst.n_demand, math.ceil(2.0 * usable_n / p) + 4), n_fin)
    mip, y = _reduced_pmedian(inst, order, sorted_cost, k, lb, ub, rules, p, relax=True)
    res = mip.solve(time_limit_s=time_limit_s, solver="highs")
    if res.status != "optimal" or res.reduced_costs is None:
        return np.zeros(0, dtype=np.int64)
    rc = res.reduced_costs[y]
    tol = 1e-7 * max(abs(upper), _floor(inst))
    closable = (ub > 0) & (lb == 0) & (res.x[y] < 1e-9) & (res.objective + rc > upper + tol)
    return np.flatnonzero(closable)


#: Costs are rescaled for the solver (by a power of two, so ties stay ties) when their largest
#: finite value lies outside this range.
COMFORT_RANGE = (1e-3, 1e9)
#: The widest spread (largest / smallest positive finite cost) a MIP solver's tolerances
#: (~10^-9) resolve; wider, optimality cannot be proven and the plan is reported as feasible.
MAX_COST_SPREAD = 1e9


def cost_scale(inst: LocationInstance) -> tuple[float, float]:
    """The factor the solver's costs are divided by (1 when they are in
    :data:`COMFORT_RANGE`) and the spread of the positive finite costs."""
    finite = inst.cost[np.isfinite(inst.cost)]
    positive = finite[finite > 0]
    if positive.size == 0:
        return 1.0, 1.0
    top, low = float(positive.max()), float(positive.min())
    inside = COMFORT_RANGE[0] <= top <= COMFORT_RANGE[1]
    scale = 1.0 if inside else 2.0 ** round(math.log2(top / 1e3))
    orders = math.log10(top) - math.log10(low)
    return scale, math.inf if orders > 300 else 10.0**orders


def _spread(ratio: float) -> str:
    if math.isinf(ratio):
        return "more than 10^300"
    return f"10^{math.log10(ratio):.0f}" if ratio > 1e15 else f"{ratio:.1e}"


def best_swap(inst: LocationInstance, y: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> float:
    """The largest fall in the p-median objective that one swap (an open site, not fixed, for
    a usable closed one) gives; 0 if none improves. An independent refutation test of an
    "optimal" claim: a proven optimum admits no improving swap."""
    open_idx = np.flatnonzero(y > 0.5)
    usable = np.flatnonzero((ub > 0) & (y < 0.5))
    if open_idx.size == 0 or usable.size == 0:
        return 0.0
    cost = inst.cost
    w = inst.weight
    current = float(w @ nearest_open(cost, open_idx)[0])
    best = 0.0
    for f in open_idx:
        if lb[f] > 0:
            continue
        rest_idx = open_idx[open_idx != f]
        rest = nearest_open(cost, rest_idx)[0] if rest_idx.size else np.full(inst.n_demand, np.inf)
        cand = np.minimum(rest[:, None], cost[:, usable])
        finite = np.isfinite(cand)
        totals = np.where(finite.all(axis=0), w @ np.where(finite, cand, 0.0), np.inf)
        best = max(best, current - float(totals.min()))
    return best


def p_median(
    inst: LocationInstance,
    p: int,
    rules: Rules | None = None,
    *,
    time_limit_s: float = 60.0,
    solver: Solver = "highs",
    k0: int | None = None,
    fixing: bool = True,
) -> LocationPlan:
    """Open at most ``p`` sites minimising Σ w_i · cost to the nearest open site.

    Costs whose largest finite value lies outside :data:`COMFORT_RANGE` are rescaled for the
    solver by a power of two (exact: ties stay ties), and its tolerances are relative. Costs
    spread over more than :data:`MAX_COST_SPREAD` while the plan's objective is below a
    thousandth of the largest weighted cost cannot be resolved by any tolerance: such a plan is
    proven by enumeration when there are few enough plans, else reported as feasible with a
    note. Every plan called
    optimal passes the swap test (:func:`best_swap`): if one swap improves it, the claim is
    refuted, the plan is improved by swaps and reported as feasible with a note.

    See :func:`_p_median` for the method and the errors raised.
    """
    rules = rules or Rules()
    scale, spread = cost_scale(inst)
    inner = inst
    inner_rules = rules
    if scale != 1.0:
        radius = None if inst.radius is None else np.asarray(inst.radius) / scale
        inner = _replace(inst, cost=inst.cost / scale, radius=radius)
        if rules.within is not None:
            inner_rules = dataclasses.replace(rules, within=rules.within / scale)
    plan = _p_median(inner, p, inner_rules, time_limit_s=time_limit_s, solver=solver, k0=k0,
                     fixing=fixing)  # fmt: skip
    y = np.zeros(inst.n_sites)
    y[inst.site_index(list(plan.open_sites), "plan")] = 1.0
    status, notes, bound = plan.status, list(plan.notes), plan.bound * scale
    # the solver resolves weighted costs to ~1e-9 of the largest: a spread beyond that can
    # mislead it only when the plan's objective is itself small against the largest cost
    wide = spread > MAX_COST_SPREAD and plan.objective < 1e6 * _floor(inst)
    if wide:
        # the solver's bound cannot be trusted; 0 is one (costs are never negative)
        status, bound = "feasible", 0.0
        notes.append(
            f"costs spread over {_spread(spread)} (largest / smallest positive): beyond the ~1e9 "
            "a MIP solver's tolerances resolve, so optimality cannot be proven; this is the "
            "best plan found (round the smallest costs, or solve the large ones apart)"
        )
    simple = (rules.budget_yuan is None and rules.max_relocations is None
              and not rules.min_coverage and rules.within is None)  # fmt: skip
    exact = enumerate_pmedian(inst, p, *site_bounds(inst, rules, p)) if wide and simple else None
    if exact is not None:
        y, status, bound = exact, "optimal", 0.0
        notes[-1] = (
            f"costs spread over {_spread(spread)} (largest / smallest positive), beyond what a MIP "
            "solver's tolerances resolve: the optimum was proven by trying every plan"
        )
    if simple and (status == "optimal" or wide) and exact is None:
        lb, ub = site_bounds(inst, rules, p)
        gain = best_swap(inst, y, lb, ub)
        value = float(inst.weight @ nearest_open(inst.cost, np.flatnonzero(y))[0])
        if gain > 1e-7 * max(abs(value), 1e-300):
            y = swap_descent(inst, y, lb, ub, budget_s=max(1.0, 0.1 * time_limit_s))
            if not wide:
                notes.append(
                    "the checker's swap test refuted the solver's optimality claim (one swap "
                    f"lowered the objective by {gain:.3g}); the plan was improved by swaps and "
                    "is reported as feasible"
                )
            status = "feasible"
            bound = min(bound, float(inst.weight @ nearest_open(inst.cost, np.flatnonzero(y))[0]))
    if scale == 1.0 and status == plan.status and len(notes) == len(plan.notes):
        return plan
    if exact is not None:
        bound = float(inst.weight @ nearest_open(inst.cost, np.flatnonzero(y))[0])
    return make_plan(inst, "pmedian", y, status=status, bound=bound, seconds=plan.solve_seconds,
                     parameters=dict(plan.parameters), rules=rules, p=p,
                     iterations=plan.iterations, notes=tuple(notes))  # fmt: skip


#: Most plans :func:`enumerate_pmedian` tries (a proof by enumeration when tolerances fail).
MAX_ENUMERATED = 500_000


def enumerate_pmedian(
    inst: LocationInstance, p: int, lb: np.ndarray, ub: np.ndarray
) -> np.ndarray | None:
    """The exact p-median optimum by trying every plan (the fixed sites plus p − |fixed| of
    the other usable ones, in floating point as the checker sums), or None when there are more
    than :data:`MAX_ENUMERATED` plans."""
    fixed = np.flatnonzero(lb > 0)
    free = np.flatnonzero((ub > 0) & (lb == 0))
    k = max(0, min(p, fixed.size + free.size) - fixed.size)
    if math.comb(free.size, k) > MAX_ENUMERATED:
        return None
    base = nearest_open(inst.cost, fixed)[0] if fixed.size else np.full(inst.n_demand, np.inf)
    best_value, best_plan = math.inf, None
    combos = itertools.combinations(free.tolist(), k)
    while True:
        chunk = np.array(list(itertools.islice(combos, 5_000)), dtype=np.int64).reshape(-1, k)
        if chunk.shape[0] == 0:
            break
        near = inst.cost[:, chunk].min(axis=2) if k else np.full((inst.n_demand, 1), np.inf)
        near = np.minimum(near, base[:, None])
        finite = np.isfinite(near).all(axis=0)
        values = np.where(finite, inst.weight @ np.where(np.isfinite(near), near, 0.0), np.inf)
        q = int(np.argmin(values))
        if values[q] < best_value:
            best_value, best_plan = float(values[q]), chunk[q]
        if k == 0:
            break
    if best_plan is None:
        return None
    y = np.zeros(inst.n_sites)
    y[fixed] = 1.0
    y[best_plan] = 1.0
    return y


def swap_descent(
    inst: LocationInstance, y: np.ndarray, lb: np.ndarray, ub: np.ndarray, budget_s: float
) -> np.ndarray:
    """Best-improvement swaps from ``y`` until none improves or ``budget_s`` seconds pass."""
    t0 = time.perf_counter()
    y = y.copy()
    while time.perf_counter() - t0 < budget_s:
        open_idx = np.flatnonzero(y > 0.5)
        usable = np.flatnonzero((ub > 0) & (y < 0.5))
        current = float(inst.weight @ nearest_open(inst.cost, open_idx)[0])
        best, move = 0.0, None
        for f in open_idx:
            if lb[f] > 0 or time.perf_counter() - t0 > budget_s:
                continue
            for j in usable:
                trial = open_idx.copy()
                trial[trial == f] = j
                value = float(inst.weight @ nearest_open(inst.cost, trial)[0])
                if current - value > best:
                    best, move = current - value, (f, j)
        if move is None or best <= 1e-12 * max(abs(current), 1e-300):
            break
        y[move[0]], y[move[1]] = 0.0, 1.0
    return y


def _p_median(
    inst: LocationInstance,
    p: int,
    rules: Rules | None = None,
    *,
    time_limit_s: float = 60.0,
    solver: Solver = "highs",
    k0: int | None = None,
    fixing: bool = True,
) -> LocationPlan:
    """Open at most ``p`` sites minimising Σ w_i · cost to the nearest open site.

    With ``fixing``, p ≤ 20 and no budget, relocation, equity or closeness rule, a local-search plan
    and the LP reduced-cost test close the sites no better plan can use before the MIP runs
    (see :func:`reduced_cost_fixing`); the result is still proven optimal.

    Raises
    ------
    InstanceError
        Bad p, unknown site ids in ``rules``.
    InfeasiblePlan
        A demand point no usable site can reach (all costs ∞), or rules that exclude each other.
    SolverFailed
        The time limit ended before any plan was found.
    """
    rules = rules or Rules()
    lb, ub = site_bounds(inst, rules, p)
    usable = np.flatnonzero(ub > 0)
    cost_u = inst.cost[:, usable]
    raise_uncoverable(inst, np.flatnonzero(~np.isfinite(cost_u).any(axis=1)), "p-median")
    t0 = time.perf_counter()
    floor = _floor(inst)
    heuristic: np.ndarray | None = None
    heuristic_cost = math.inf
    simple = rules.budget_yuan is None and rules.max_relocations is None
    # small p is where the LP is weak and the nearest-k reduction small: there the local search
    # and the reduced-cost test pay off; for larger p they only take time from the MIP
    if fixing and p <= FIXING_MAX_P and simple and not rules.min_coverage and rules.within is None:
        heuristic = local_search(inst, p, lb, ub, budget_s=min(10.0, 0.1 * time_limit_s))
        heuristic_cost = float(
            np.dot(inst.weight, nearest_open(inst.cost, np.flatnonzero(heuristic))[0])
        )
        closed = reduced_cost_fixing(
            inst, p, lb, ub, rules, heuristic_cost, 0.3 * time_limit_s, solver
        )
        closed = closed[heuristic[closed] < 0.5]  # the plan in hand stays possible
        ub = ub.copy()
        ub[closed] = 0.0
    order, sorted_cost, n_fin = sorted_sites(inst, ub)
    m = int(np.count_nonzero(ub > 0))
    start = k0 if k0 is not None else math.ceil(2.0 * m / p) + 4
    k = np.minimum(np.full(inst.n_demand, max(1, start)), n_fin)
    best_y: np.ndarray | None = heuristic
    best_ub, bound, iters, proven = heuristic_cost, -math.inf, 0, False
    while True:
        iters += 1
        left = time_limit_s - (time.perf_counter() - t0)
        if left <= 0:
            break
        mip, y = _reduced_pmedian(inst, order, sorted_cost, k, lb, ub, rules, p)
        # with a plan in hand, ask only for better ones (the solver prunes with the cutoff)
        cut = (
            best_ub - 1e-6 * max(abs(best_ub), floor)
            if best_y is not None and solver == "highs"
            else None
        )
        res = mip.solve(time_limit_s=left, solver=solver, cutoff=cut)
        if res.status == "cutoff":
            proven, bound = True, best_ub  # no plan (of any k) beats the one in hand
            break
        if not res.has_solution:
            if best_y is None:
                raise_for_status(res, "p-median", rules, p)
            break
        yv = np.round(res.x[y])
        true_cost = float(np.dot(inst.weight, nearest_open(inst.cost, np.flatnonzero(yv))[0]))
        if true_cost < best_ub:
            best_ub, best_y = true_cost, yv
        # every reduced model is a relaxation of the full one on the sites not closed by the
        # reduced-cost test; plans using those cost more than the heuristic plan
        bound = max(bound, min(res.bound, heuristic_cost))
        tol = 1e-6 * max(abs(best_ub), floor)
        if res.status == "optimal" and best_ub - res.objective <= tol:
            proven, bound = True, min(res.objective, heuristic_cost)
            break
        if res.status != "optimal":
            break
        # grow K_i where the open sites are not among the k_i nearest
        open_set = np.zeros(inst.n_sites, dtype=bool)
        open_set[np.flatnonzero(yv)] = True
        served_inside = (open_set[order] & (np.arange(order.shape[1])[None, :] < k[:, None])).any(
            axis=1
        )
        grow = ~served_inside & (k < n_fin)
        if not grow.any():  # cannot happen unless ties; the bound is then exact
            proven, bound = True, best_ub
            break
        k = np.where(grow, np.minimum(2 * k, n_fin), k)
    if best_y is None:
        raise SolverFailed(
            f"p-median: no plan within the time limit of {time_limit_s:g} s; give a longer "
            "time limit"
        )
    return make_plan(
        inst,
        "pmedian",
        best_y,
        status="optimal" if proven else "feasible",
        bound=min(bound, best_ub),
        seconds=time.perf_counter() - t0,
        parameters={"p": p, "time_limit_s": time_limit_s, "solver": solver},
        rules=rules,
        p=p,
        iterations=iters,
    )


def _cover_mip(
    cover: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    inst: LocationInstance,
    rules: Rules,
    p: int | None,
    site_cost: np.ndarray | None = None,
) -> tuple[Mip, np.ndarray]:
    """LSCP: min Σ y (or Σ cost·y) with every demand covered, (R) rules, optional Σ y ≤ p."""
    mip = Mip()
    y = mip.add_vars(
        inst.n_sites, lb=lb, ub=ub, integer=True, obj=1.0 if site_cost is None else site_cost
    )
    rows, cols = np.nonzero(cover)
    keep = ub[cols] > 0
    mip.add_rows(rows[keep], y[cols[keep]], 1.0, lb=1.0, n_rows=inst.n_demand)  # coverage
    if p is not None:
        mip.add_row(y, 1.0, ub=float(p))
    add_site_rules(mip, y, inst, rules)
    if rules.min_coverage:
        add_equity(mip, y, inst, rules, inst.coverage(), ub)
    return mip, y


def p_center(
    inst: LocationInstance,
    p: int,
    rules: Rules | None = None,
    *,
    time_limit_s: float = 60.0,
    solver: Solver = "highs",
) -> LocationPlan:
    """Open at most ``p`` sites minimising the largest cost to the nearest open site.

    Raises as :func:`p_median`.
    """
    rules = rules or Rules()
    lb, ub = site_bounds(inst, rules, p)
    usable = ub > 0
    cost_u = np.where(usable[None, :], inst.cost, np.inf)
    nearest = cost_u.min(axis=1)
    raise_uncoverable(inst, np.flatnonzero(~np.isfinite(nearest)), "p-center")
    t0 = time.perf_counter()
    # candidate radii: the distinct costs at least as large as the largest nearest-site cost
    cand = np.unique(cost_u[np.isfinite(cost_u)])
    lo_r = float(nearest.max())
    cand = cand[cand >= lo_r - 1e-12]
    best_y: np.ndarray | None = None
    lo, hi = 0, cand.size - 1  # search the index of the smallest feasible radius
    iters, proven = 0, True
    while lo <= hi:
        mid = (lo + hi) // 2
        left = time_limit_s - (time.perf_counter() - t0)
        if left <= 0:
            proven = False
            break
        iters += 1
        cover = cost_u <= cand[mid] + 1e-9
        mip, y = _cover_mip(cover, lb, ub, inst, rules, p)
        res = mip.solve(time_limit_s=left, solver=solver)
        if res.has_solution:
            best_y = np.round(res.x[y])
            hi = mid - 1
        elif res.status == "infeasible":
            lo = mid + 1
        else:
            proven = False
            break
    if best_y is None and not proven:
        raise SolverFailed(
            f"p-center: the time limit of {time_limit_s:g} s ended before any plan was found; "
            "give a longer time limit"
        )
    if best_y is None:
        raise InfeasiblePlan(
            f"p-center: no plan with at most p = {p} sites satisfies the rules", binding=["p"]
        )
    worst = float(nearest_open(inst.cost, np.flatnonzero(best_y))[0].max())
    bound = float(cand[lo]) if lo < cand.size else lo_r  # every radius below cand[lo] failed
    return make_plan(
        inst,
        "pcenter",
        best_y,
        status="optimal" if proven else "feasible",
        bound=min(bound, worst),
        seconds=time.perf_counter() - t0,
        parameters={"p": p, "time_limit_s": time_limit_s, "solver": solver},
        rules=rules,
        p=p,
        iterations=iters,
    )
