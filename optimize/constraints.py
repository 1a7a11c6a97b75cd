"""Practical constraints shared by every location model, and the checks made before solving.

Site variables ``y_j`` (open / number of vehicles) get their bounds from the rules:

(R1) fixed open: ``y_j ≥ 1``;  (R2) closed: ``y_j = 0``;
(R3) relocations: ``Σ_{j ∉ current} y_j ≤ k``;
(R4) budget: ``Σ_j cost_j y_j ≤ B``;
(R6) mandatory closeness: ``Σ_{j: c_ij ≤ T} y_j ≥ 1`` for every i;
(R5) equity: for each group ``g`` with share ``s_g``:
     ``z_i ≤ Σ_{j ∈ N_i} y_j``, ``z_i ≤ 1``, ``Σ_{i ∈ g} w_i z_i ≥ s_g Σ_{i ∈ g} w_i``.

Pre-checks turn the usual impossible requests into an :class:`InfeasiblePlan` that names the
binding data before a solver is started.
"""

from __future__ import annotations

import numpy as np

from .errors import InfeasiblePlan, InstanceError
from .instance import LocationInstance, Rules
from .mip import Mip


def site_bounds(
    inst: LocationInstance, rules: Rules, count: int, *, vehicles: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of the site variables after (R1) and (R2), with pre-checks.

    ``count`` is p (facilities or vehicles). Raises :class:`InstanceError` for a bad p and
    :class:`InfeasiblePlan` for more fixed sites than p or a budget below their cost.
    """
    rules.check_against(inst)
    if count < 1:
        raise InstanceError(f"p (number of facilities/vehicles) must be ≥ 1, got {count}")
    cap = np.full(inst.n_sites, float(count) if vehicles else 1.0)
    if vehicles:
        if inst.site_capacity is not None:
            cap = np.minimum(cap, inst.site_capacity)
        if rules.max_per_site is not None:
            cap = np.minimum(cap, rules.max_per_site)
    lb = np.zeros(inst.n_sites)
    ub = cap.copy()
    ub[inst.site_index(rules.closed, "closed")] = 0.0
    fixed = inst.site_index(rules.fixed_open, "fixed_open")
    lb[fixed] = 1.0
    usable = int(np.count_nonzero(ub > 0)) if not vehicles else int(ub.sum())
    if not vehicles:
        ub[dominated_sites(inst, rules, ub)] = 0.0
    if count > usable and not vehicles:
        raise InstanceError(
            f"p = {count} is larger than the {usable} candidate sites that may open; "
            f"lower p or add candidates"
        )
    if len(fixed) > count:
        raise InfeasiblePlan(
            f"{len(fixed)} sites are fixed open but p = {count}; raise p or free some of "
            f"{list(rules.fixed_open)[:5]}",
            binding=list(rules.fixed_open),
        )
    if rules.within is not None:
        near = (inst.cost <= rules.within + 1e-9) & (ub > 0)[None, :]
        far = np.flatnonzero(~near.any(axis=1))
        if far.size:
            names = [inst.demand_ids[i] for i in far]
            raise InfeasiblePlan(
                f"within = {rules.within:g}: no usable site is that close to demand point(s) "
                f"{names[:8]}; raise 'within' or add sites near them",
                binding=names,
            )
    if rules.budget_yuan is not None and inst.site_cost is not None:
        fixed_cost = float(inst.site_cost[fixed].sum())
        if fixed_cost > rules.budget_yuan * (1 + 1e-9):
            raise InfeasiblePlan(
                f"the fixed-open sites cost {fixed_cost:,.0f} yuan, more than the budget "
                f"{rules.budget_yuan:,.0f}",
                binding=["budget", *rules.fixed_open],
            )
        left = rules.budget_yuan * (1 + 1e-9) - fixed_cost
        free = (ub > 0) & (lb == 0)
        affordable = free & (inst.site_cost <= left)
        if len(fixed) == 0 and not affordable.any():
            cheapest = float(inst.site_cost[free].min()) if free.any() else float("nan")
            what = "vehicle" if vehicles else "site"
            raise InfeasiblePlan(
                f"a budget of {rules.budget_yuan:,.0f} yuan buys no {what}: the cheapest costs "
                f"{cheapest:,.0f} yuan a year; raise the budget",
                binding=["budget"],
            )
    return lb, ub


def dominated_sites(inst: LocationInstance, rules: Rules, ub: np.ndarray) -> np.ndarray:
    """Columns that another usable column at the same location makes redundant.

    Site b is dominated by site a at the same ``site_location`` when a costs no more to every
    demand point and (under a budget) no more per year, b is neither fixed open nor in today's
    plan, and a may open. Then any plan using b is matched or beaten by swapping b for a, so
    dropping b keeps every optimum of the facility models (not MEXCLP, where a site's vehicle
    limit can make b useful).
    """
    if inst.site_location is None:
        return np.zeros(0, dtype=np.int64)
    by_loc: dict[str, list[int]] = {}
    for j, loc in enumerate(inst.site_location):
        by_loc.setdefault(loc, []).append(j)
    keep_open = set(inst.site_index(rules.fixed_open, "fixed_open").tolist())
    keep_open |= set(inst.site_index(rules.current, "current").tolist())
    budget = rules.budget_yuan is not None and inst.site_cost is not None
    out: list[int] = []
    for cols in by_loc.values():
        if len(cols) < 2:
            continue
        for b in cols:
            if b in keep_open or ub[b] <= 0:
                continue
            for a in cols:
                if a == b or ub[a] <= 0 or a in out:
                    continue
                if budget and inst.site_cost[a] > inst.site_cost[b]:  # type: ignore[index]
                    continue
                if np.all(inst.cost[:, a] <= inst.cost[:, b]):
                    out.append(b)
                    break
    return np.array(out, dtype=np.int64)


def cover_dominated(
    inst: LocationInstance,
    rules: Rules,
    cover: np.ndarray,
    ub: np.ndarray,
    compare_cost: bool = False,
) -> np.ndarray:
    """Sites whose covered set is contained in another usable site's (Church & ReVelle's
    column reduction for covering models).

    Site b is dropped when a usable site a covers every point b covers (and more, or the same
    points with a lower index), a costs no more per year under a budget, and b is neither fixed
    open nor in today's plan (``compare_cost``: also when site costs are the objective). Any
    plan using b is then matched by one using a, with the same or more coverage in every group.
    Not applied with a ``within`` rule (closeness is by cost).
    """
    if rules.within is not None:
        return np.zeros(0, dtype=np.int64)
    usable = np.flatnonzero(ub > 0)
    if usable.size < 2:
        return np.zeros(0, dtype=np.int64)
    bits = np.packbits(cover[:, usable].T, axis=1)
    pad = (-bits.shape[1]) % 8
    words = np.pad(bits, ((0, 0), (0, pad))).view(np.uint64)
    count = cover[:, usable].sum(axis=0)
    keep_open = set(inst.site_index(rules.fixed_open, "fixed_open").tolist())
    keep_open |= set(inst.site_index(rules.current, "current").tolist())
    budget = (compare_cost or rules.budget_yuan is not None) and inst.site_cost is not None
    alive = np.ones(usable.size, dtype=bool)
    out = []
    for b in np.argsort(count, kind="stable"):  # small covered sets first
        jb = int(usable[b])
        if jb in keep_open:
            continue
        sub = alive & (np.all((words[b] & ~words) == 0, axis=1))  # covers all b covers
        sub[b] = False
        if budget:
            sub &= inst.site_cost[usable] <= inst.site_cost[jb]  # type: ignore[index]
        strict = sub & ((count > count[b]) | (np.arange(usable.size) < b))
        if strict.any():
            alive[b] = False
            out.append(jb)
    return np.array(out, dtype=np.int64)


def add_site_rules(mip: Mip, y: np.ndarray, inst: LocationInstance, rules: Rules) -> None:
    """Add (R3) relocations and (R4) budget on the site variables ``y``."""
    if rules.max_relocations is not None:
        cur = set(inst.site_index(rules.current, "current").tolist())
        outside = np.array([j for j in range(inst.n_sites) if j not in cur], dtype=np.int64)
        if outside.size:
            mip.add_row(y[outside], 1.0, ub=float(rules.max_relocations))  # (R3)
    if rules.budget_yuan is not None and inst.site_cost is not None:
        mip.add_row(y, inst.site_cost, ub=float(rules.budget_yuan))  # (R4)
    if rules.within is not None:
        rows, cols = np.nonzero(inst.cost <= rules.within + 1e-9)
        mip.add_rows(rows, y[cols], 1.0, lb=1.0, n_rows=inst.n_demand)  # (R6)


def uncoverable(inst: LocationInstance, cover: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """Demand indices no usable site covers (``cover`` is demand × site boolean)."""
    usable = ub > 0
    return np.flatnonzero(~(cover[:, usable].any(axis=1)))


def raise_uncoverable(inst: LocationInstance, bad: np.ndarray, what: str) -> None:
    """Raise :class:`InfeasiblePlan` naming demand points no candidate can cover."""
    if bad.size == 0:
        return
    names = [inst.demand_ids[i] for i in bad]
    r = inst.radius
    std = ""
    if r is not None:
        vals = sorted({round(float(r[i]), 3) for i in bad})
        std = f"the standard of {', '.join(f'{v:g}' for v in vals[:3])} "
    raise InfeasiblePlan(
        f"{what}: {std}cannot be met for {len(names)} demand point(s) "
        f"{names[:8]}{' …' if len(names) > 8 else ''} from any candidate site; add candidate "
        "sites near them or relax their standard",
        binding=names,
    )


def add_equity(
    mip: Mip,
    y: np.ndarray,
    inst: LocationInstance,
    rules: Rules,
    cover: np.ndarray,
    ub: np.ndarray,
) -> None:
    """Add (R5) per-group least covered share, after checking that it can be met at all."""
    if not rules.min_coverage:
        return
    assert inst.group is not None
    reach: np.ndarray = np.asarray(cover[:, ub > 0].any(axis=1))
    for gname, share in rules.min_coverage.items():
        members = np.flatnonzero(inst.group == gname)
        total = float(inst.weight[members].sum())
        best = float(inst.weight[members[reach[members]]].sum())
        if best + 1e-9 < share * total:
            raise InfeasiblePlan(
                f"min_coverage[{gname!r}] = {share:.0%} but at most {best / total:.1%} of its "
                "demand is within the standard of any candidate site",
                binding=[f"min_coverage.{gname}"],
            )
        members = members[reach[members]]
        if share <= 0 or members.size == 0:
            continue
        z = mip.add_vars(members.size)
        rows, cols = np.nonzero(cover[members][:, :])
        keep = ub[cols] > 0
        rows, cols = rows[keep], cols[keep]
        mip.add_rows(
            np.concatenate([np.arange(members.size), rows]),
            np.concatenate([z, y[cols]]),
            np.concatenate([np.ones(members.size), -np.ones(rows.size)]),
            ub=0.0,
            n_rows=members.size,
        )
        mip.add_row(z, inst.weight[members], lb=share * total)


def describe_rules(rules: Rules, count: int) -> str:
    """The active constraints in words, for an infeasibility message."""
    parts = [f"p = {count}"]
    if rules.fixed_open:
        parts.append(f"{len(rules.fixed_open)} fixed open")
    if rules.closed:
        parts.append(f"{len(rules.closed)} closed")
    if rules.max_relocations is not None:
        parts.append(f"at most {rules.max_relocations} relocations")
    if rules.budget_yuan is not None:
        parts.append(f"budget {rules.budget_yuan:,.0f} yuan")
    if rules.within is not None:
        parts.append(f"every point within {rules.within:g}")
    if rules.min_coverage:
        shares = set(rules.min_coverage.values())
        if len(rules.min_coverage) > 4 and len(shares) == 1:
            n = len(rules.min_coverage)
            parts.append(f"min coverage {shares.pop():.0%} in each of {n} groups")
        else:
            parts.append(
                "min coverage " + ", ".join(f"{g} ≥ {v:.0%}" for g, v in rules.min_coverage.items())
            )
    return "; ".join(parts)
